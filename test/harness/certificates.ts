import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Certificates {
  dir: string;
  /** The CA that signed the server certificate (PEM). */
  ca: string;
  /** A CA that signed nothing here: a client trusting only it must refuse the server. */
  otherCa: string;
  /** The server's certificate (SAN 127.0.0.1 and localhost) and unencrypted key, PEM. */
  cert: string;
  key: string;
  /** The same key and chain as a PKCS#12 keystore, for Java servers. */
  keystore: string;
  keystorePassword: string;
}

const openssl = (dir: string, args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
};

/** A throwaway CA and a server certificate it signed, made with openssl for one test run. */
export function makeCertificates(): Certificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'relocate-tls-'));
  const keystorePassword = 'relocate-test';
  for (const name of ['ca', 'other-ca']) {
    openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=relocate test ${name}`]);
  }
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
  openssl(dir, ['pkcs12', '-export', '-in', 'server.pem', '-inkey', 'server.key', '-certfile', 'ca.pem', '-out', 'server.p12', '-passout', `pass:${keystorePassword}`]);
  const at = (f: string): string => path.join(dir, f);
  return { dir, ca: at('ca.pem'), otherCa: at('other-ca.pem'), cert: at('server.pem'), key: at('server.key'), keystore: at('server.p12'), keystorePassword };
}
