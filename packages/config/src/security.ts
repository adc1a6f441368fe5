import { readFileSync } from 'node:fs';

/** SASL on the Kafka connection; the password is a secret the logger redacts. */
export interface KafkaSasl { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }

/** TLS on the Kafka connection; without a CA the system's trusted CAs verify the broker. */
export interface KafkaTls { ca: string | undefined }

/**
 * TLS to PostgreSQL with libpq's sslmode meanings: `require` encrypts without checking the certificate,
 * `verify-ca` checks it against the CA, `verify-full` also checks the host name.
 */
export interface DatabaseSsl { mode: 'disable' | 'require' | 'verify-ca' | 'verify-full'; ca: string | undefined }

export const saslMechanisms = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export const sslModes = ['disable', 'require', 'verify-ca', 'verify-full'] as const;

export interface SecurityEnv {
  KAFKA_SASL_MECHANISM?: KafkaSasl['mechanism'] | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
  KAFKA_TLS?: boolean | undefined;
  KAFKA_TLS_CA_FILE?: string | undefined;
  DATABASE_URL: string;
  DATABASE_SSL_MODE?: string | undefined;
  DATABASE_SSL_CA_FILE?: string | undefined;
}

/** Problems are returned, not thrown, so one ConfigError can name every bad variable at once. */
export interface Resolved<T> { value?: T; problems: string[] }

export function kafkaSasl(e: SecurityEnv): Resolved<KafkaSasl | null> {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = e;
  if (!mechanism) {
    const stray = [username !== undefined && 'KAFKA_SASL_USERNAME', password !== undefined && 'KAFKA_SASL_PASSWORD'].filter(Boolean);
    return stray.length ? { problems: [`${stray.join(' and ')} set without KAFKA_SASL_MECHANISM (${saslMechanisms.join(', ')})`] } : { value: null, problems: [] };
  }
  const missing = [!username && 'KAFKA_SASL_USERNAME', !password && 'KAFKA_SASL_PASSWORD'].filter(Boolean);
  if (missing.length) return { problems: [`KAFKA_SASL_MECHANISM ${mechanism} needs ${missing.join(' and ')}`] };
  return { value: { mechanism, username: username as string, password: password as string }, problems: [] };
}

export function kafkaTls(e: SecurityEnv): Resolved<KafkaTls | null> {
  if (e.KAFKA_TLS === false && e.KAFKA_TLS_CA_FILE) return { problems: ['KAFKA_TLS_CA_FILE set while KAFKA_TLS is false'] };
  if (!e.KAFKA_TLS && !e.KAFKA_TLS_CA_FILE) return { value: null, problems: [] };
  const ca = readCa('KAFKA_TLS_CA_FILE', e.KAFKA_TLS_CA_FILE);
  return ca.problems.length ? { problems: ca.problems } : { value: { ca: ca.value }, problems: [] };
}

/** DATABASE_SSL_MODE and DATABASE_SSL_CA_FILE, else the URL's own sslmode and sslrootcert. */
export function databaseSsl(e: SecurityEnv): Resolved<DatabaseSsl> {
  const params = new URL(e.DATABASE_URL).searchParams;
  const caFile = e.DATABASE_SSL_CA_FILE ?? params.get('sslrootcert') ?? undefined;
  const mode = e.DATABASE_SSL_MODE ?? params.get('sslmode') ?? (caFile ? 'verify-full' : 'disable');
  if (!(sslModes as readonly string[]).includes(mode)) {
    return { problems: [`DATABASE_SSL_MODE (or sslmode in DATABASE_URL) ${JSON.stringify(mode)} is not one of ${sslModes.join(', ')} (node-postgres cannot fall back from TLS, so prefer and allow are not offered)`] };
  }
  if (mode === 'verify-ca' && !caFile) return { problems: ['DATABASE_SSL_MODE verify-ca needs DATABASE_SSL_CA_FILE'] };
  if (mode === 'disable' && caFile) return { problems: ['DATABASE_SSL_CA_FILE set while DATABASE_SSL_MODE is disable'] };
  const ca = readCa('DATABASE_SSL_CA_FILE', caFile);
  return ca.problems.length ? { problems: ca.problems } : { value: { mode: mode as DatabaseSsl['mode'], ca: ca.value }, problems: [] };
}

/** The URL without the TLS parameters this config took over, so node-postgres does not apply its own reading of them. */
export function withoutSslParams(url: string): string {
  const u = new URL(url);
  for (const p of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'ssl']) u.searchParams.delete(p);
  return u.toString();
}

function readCa(variable: string, file: string | undefined): Resolved<string | undefined> {
  if (!file) return { value: undefined, problems: [] };
  try {
    const pem = readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) return { problems: [`${variable}: ${file} holds no PEM certificate`] };
    return { value: pem, problems: [] };
  } catch (err) {
    return { problems: [`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`] };
  }
}
