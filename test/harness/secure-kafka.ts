import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Certificates } from './certificates.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const libs = path.join(root, '.cache', 'kafka-libs');

export interface SecureBroker { bootstrap: string; username: string; password: string; stop(): Promise<void> }

/**
 * A second, dedicated single-node KRaft broker whose only client listener is SASL_SSL with SCRAM: the TLS
 * certificate from `certs`, and SCRAM credentials written into the metadata at format time (--add-scram).
 * It runs from the native stack's Kafka jars (run `relocate stack up` once so they are downloaded).
 */
export async function startSecureBroker(certs: Certificates, ports: { client: number; controller: number }): Promise<SecureBroker> {
  const dir = path.join(certs.dir, 'kafka');
  mkdirSync(dir, { recursive: true });
  const username = 'relocate';
  const password = 'scram-test-password';
  const props = path.join(dir, 'server.properties');
  const host = '127.0.0.1';
  writeFileSync(props, [
    'process.roles=broker,controller', 'node.id=1',
    `controller.quorum.voters=1@${host}:${ports.controller}`,
    `listeners=SASL_SSL://${host}:${ports.client},CONTROLLER://${host}:${ports.controller}`,
    `advertised.listeners=SASL_SSL://${host}:${ports.client}`,
    'controller.listener.names=CONTROLLER', 'inter.broker.listener.name=SASL_SSL',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
    'sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512', 'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    // Each enabled mechanism needs a login module on the listener; the inter-broker one also carries the broker's own login.
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="broker-secret";',
    'ssl.keystore.type=PKCS12', `ssl.keystore.location=${certs.keystore}`,
    `ssl.keystore.password=${certs.keystorePassword}`, `ssl.key.password=${certs.keystorePassword}`,
    'ssl.truststore.type=PEM', `ssl.truststore.location=${certs.ca}`,
    `log.dirs=${path.join(dir, 'data')}`,
    'auto.create.topics.enable=false', 'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1', 'group.initial.rebalance.delay.ms=0',
  ].join('\n'));
  const logFile = path.join(dir, 'kafka.log');
  const java = (main: string, args: string[]): string[] => [
    '-Djava.awt.headless=true', `-Dlog4j.configuration=file:${path.join(root, 'infra/native/kafka/log4j.properties')}`,
    `-Dkafka.log.file=${logFile}`, '-cp', `${libs}/*`, main, ...args,
  ];
  const clusterId = execFileSync('java', java('kafka.tools.StorageTool', ['random-uuid']), { encoding: 'utf8' }).trim().split('\n').at(-1) ?? '';
  execFileSync('java', java('kafka.tools.StorageTool', [
    'format', '-t', clusterId, '-c', props,
    '--add-scram', 'SCRAM-SHA-512=[name=broker,password=broker-secret]',
    '--add-scram', `SCRAM-SHA-256=[name=${username},password=${password}]`,
  ]), { stdio: ['ignore', 'ignore', 'pipe'] });
  const out = openSync(path.join(dir, 'stdout.log'), 'a');
  const child: ChildProcess = spawn('java', ['-Xmx384m', ...java('kafka.Kafka', [props])], { stdio: ['ignore', out, out] });
  const log = (): string => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 90_000;
  while (!/\[KafkaRaftServer nodeId=1\] Kafka Server started/.test(log())) {
    if (child.exitCode !== null) throw new Error(`the SASL_SSL broker exited during startup:\n${log().slice(-3000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the SASL_SSL broker did not start within 90 s:\n${log().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { bootstrap: `${host}:${ports.client}`, username, password, stop };
}
