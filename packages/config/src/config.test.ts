import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, ConfigError, withoutSslParams } from './index.ts';

test('defaults point at the native local stack', () => {
  const c = loadConfig({});
  assert.deepEqual(c.kafkaBrokers, ['127.0.0.1:9092']);
  assert.equal(c.schemaRegistryUrl, 'http://127.0.0.1:8081/apis/ccompat/v7');
  assert.equal(c.topicPrefix, 'relocate');
});

test('a list of brokers is split and trimmed', () => {
  assert.deepEqual(loadConfig({ KAFKA_BROKERS: 'a:1, b:2' }).kafkaBrokers, ['a:1', 'b:2']);
});

test('a bad value names the variable', () => {
  assert.throws(() => loadConfig({ RELOCATE_PARTITIONS: 'many' }), (e: unknown) => e instanceof ConfigError && /RELOCATE_PARTITIONS/.test(e.message));
  assert.throws(() => loadConfig({ RELOCATE_TOPIC_PREFIX: 'bad prefix' }), /RELOCATE_TOPIC_PREFIX/);
});

test('Kafka compression is gzip unless switched off, and nothing else is accepted', () => {
  assert.equal(loadConfig({}).kafkaCompression, 'gzip');
  assert.equal(loadConfig({ RELOCATE_KAFKA_COMPRESSION: 'none' }).kafkaCompression, 'none');
  assert.throws(() => loadConfig({ RELOCATE_KAFKA_COMPRESSION: 'lz4' }), /RELOCATE_KAFKA_COMPRESSION/);
});

test('the DLQ limit can be switched off part by part', () => {
  const c = loadConfig({ RELOCATE_DLQ_MAX_INVALID_RATIO: 'none', RELOCATE_DLQ_MAX_CONSECUTIVE: '3' });
  assert.equal(c.dlqMaxInvalidRatio, null);
  assert.equal(c.dlqMaxConsecutive, 3);
  assert.throws(() => loadConfig({ RELOCATE_DLQ_MAX_CONSECUTIVE: 'lots' }), /RELOCATE_DLQ_MAX_CONSECUTIVE/);
});

test('Kafka SASL: a mechanism needs a username and a password, and they need a mechanism', () => {
  const c = loadConfig({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' });
  assert.deepEqual(c.kafkaSasl, { mechanism: 'scram-sha-256', username: 'u', password: 'p' });
  assert.equal(loadConfig({}).kafkaSasl, null);
  assert.throws(() => loadConfig({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' }), /KAFKA_SASL_MECHANISM scram-sha-512 needs KAFKA_SASL_PASSWORD/);
  assert.throws(() => loadConfig({ KAFKA_SASL_MECHANISM: 'scram-sha-512' }), /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
  assert.throws(() => loadConfig({ KAFKA_SASL_PASSWORD: 'p' }), /KAFKA_SASL_PASSWORD set without KAFKA_SASL_MECHANISM/);
  assert.throws(() => loadConfig({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }), /KAFKA_SASL_MECHANISM/);
});

const pem = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'relocate-config-'));
  writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  writeFileSync(path.join(dir, 'not.pem'), 'hello');
  return dir;
};

test('Kafka TLS: on by flag or by a CA file, which must hold a PEM certificate', () => {
  const dir = pem();
  assert.equal(loadConfig({}).kafkaTls, null);
  assert.deepEqual(loadConfig({ KAFKA_TLS: 'true' }).kafkaTls, { ca: undefined });
  assert.match(loadConfig({ KAFKA_TLS_CA_FILE: path.join(dir, 'ca.pem') }).kafkaTls?.ca ?? '', /BEGIN CERTIFICATE/);
  assert.throws(() => loadConfig({ KAFKA_TLS_CA_FILE: path.join(dir, 'missing.pem') }), /KAFKA_TLS_CA_FILE: cannot read .*missing\.pem \(ENOENT\)/);
  assert.throws(() => loadConfig({ KAFKA_TLS_CA_FILE: path.join(dir, 'not.pem') }), /KAFKA_TLS_CA_FILE: .* holds no PEM certificate/);
  assert.throws(() => loadConfig({ KAFKA_TLS: 'false', KAFKA_TLS_CA_FILE: path.join(dir, 'ca.pem') }), /KAFKA_TLS_CA_FILE set while KAFKA_TLS is false/);
  assert.throws(() => loadConfig({ KAFKA_TLS: 'yes' }), /KAFKA_TLS/);
});

test('PostgreSQL TLS: DATABASE_SSL_MODE, else the URL\'s sslmode; verify-ca needs a CA; prefer is refused', () => {
  const dir = pem();
  const ca = path.join(dir, 'ca.pem');
  assert.deepEqual(loadConfig({}).databaseSsl, { mode: 'disable', ca: undefined });
  assert.equal(loadConfig({ DATABASE_SSL_MODE: 'require' }).databaseSsl.mode, 'require');
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://h/db?sslmode=require' }).databaseSsl.mode, 'require');
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://h/db?sslmode=require', DATABASE_SSL_MODE: 'disable' }).databaseSsl.mode, 'disable');
  const fromUrl = loadConfig({ DATABASE_URL: `postgres://h/db?sslmode=verify-ca&sslrootcert=${encodeURIComponent(ca)}` }).databaseSsl;
  assert.equal(fromUrl.mode, 'verify-ca');
  assert.match(fromUrl.ca ?? '', /BEGIN CERTIFICATE/);
  assert.equal(loadConfig({ DATABASE_SSL_CA_FILE: ca }).databaseSsl.mode, 'verify-full', 'a CA alone means verify it all');
  assert.throws(() => loadConfig({ DATABASE_SSL_MODE: 'verify-ca' }), /verify-ca needs DATABASE_SSL_CA_FILE/);
  assert.throws(() => loadConfig({ DATABASE_SSL_MODE: 'prefer' }), /"prefer" is not one of disable, require, verify-ca, verify-full/);
  assert.throws(() => loadConfig({ DATABASE_SSL_MODE: 'disable', DATABASE_SSL_CA_FILE: ca }), /DATABASE_SSL_CA_FILE set while DATABASE_SSL_MODE is disable/);
  assert.equal(withoutSslParams('postgres://u@h:5/db?sslmode=require&sslrootcert=%2Fx&application_name=a'), 'postgres://u@h:5/db?application_name=a');
});

test('every problem is named at once', () => {
  assert.throws(() => loadConfig({ KAFKA_SASL_PASSWORD: 'p', DATABASE_SSL_MODE: 'verify-ca' }), /KAFKA_SASL_PASSWORD set without.*; DATABASE_SSL_MODE verify-ca needs/);
});
