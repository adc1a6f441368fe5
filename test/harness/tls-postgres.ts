import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Certificates } from './certificates.ts';

export interface TlsPostgres { url: string; stop(): void }

const bin = (name: string): string => path.join('/usr/lib/postgresql', execFileSync('ls', ['/usr/lib/postgresql'], { encoding: 'utf8' }).trim().split('\n').sort().at(-1) ?? '', 'bin', name);

/**
 * A throwaway PostgreSQL cluster with ssl=on and the test CA's server certificate, on its own port and in its
 * own folder, run as the `postgres` OS user. The machine's own server is never touched (its ssl is off here).
 * Both TLS and plain connections are accepted, so a client's sslmode alone decides.
 */
export function startTlsPostgres(certs: Certificates, port: number): TlsPostgres {
  const dir = path.join(certs.dir, 'postgres');
  const data = path.join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  const { uid, gid } = ids();
  chownSync(certs.dir, uid, gid);
  chownSync(dir, uid, gid);
  const asPostgres = (args: string[]): void => {
    execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  asPostgres([bin('initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  for (const [from, to] of [[certs.cert, 'server.crt'], [certs.key, 'server.key']] as const) {
    copyFileSync(from, path.join(data, to));
    chownSync(path.join(data, to), uid, gid);
    chmodSync(path.join(data, to), 0o600);
  }
  writeFileSync(path.join(data, 'postgresql.auto.conf'), [
    `port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`,
    'ssl = on', "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'", 'fsync = off', 'max_connections = 20',
  ].join('\n'));
  writeFileSync(path.join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 trust\n');
  asPostgres([bin('pg_ctl'), '-D', data, '-l', path.join(dir, 'postgres.log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => asPostgres([bin('pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop']),
  };
}

function ids(): { uid: number; gid: number } {
  const [uid, gid] = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim().split('\n').concat(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: Number(uid), gid: Number(gid) };
}
