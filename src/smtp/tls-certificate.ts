/**
 * ensureCertificate: the server's TLS key and certificate when config names none — a
 * self-signed one made on first start under the data dir and reused afterwards.
 *
 * RFC 3207 (STARTTLS), RFC 8314 (implicit TLS). Opportunistic STARTTLS between MTAs accepts
 * self-signed certificates (RFC 7435); submission users should configure a real one.
 * Security: the private key file is written with mode 0600 in a 0700 directory.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface PemPair {
  readonly key: string;
  readonly cert: string;
}

export async function ensureCertificate(dataDir: string, hostname: string): Promise<PemPair> {
  const dir = join(dataDir, 'tls');
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  try {
    const [key, cert] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
    return { key, cert };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: hostname }] }],
  });
  // Key first with 0600; the certificate last, so a half-made pair is never read back.
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  await chmod(keyPath, 0o600);
  await writeFile(certPath, pems.cert, { mode: 0o644 });
  return { key: pems.private, cert: pems.cert };
}
