/**
 * Test PKI made in-process with @peculiar/x509 and WebCrypto (no openssl,
 * no faketime): a root CA (EC P-256) and a `localhost` server certificate it
 * signs (SANs DNS:localhost, IP:127.0.0.1, IP:::1), plus a second, unrelated
 * CA for "wrong trust" tests. Validity windows are computed from a `now`
 * passed by the caller, so a test can make the server certificate look
 * expired or not yet valid to a client whose clock is shifted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DAY_MS, makeCert, makeRoot, type TestCert } from '../../src/http/testing/certs.ts';

/** A root CA with its key pair, and its subject common name. */
export type TestCa = TestCert & { readonly name: string };

export interface ServerCert {
  /** The leaf alone (Pebble sends no chain; the CA is the trust anchor). */
  readonly certPem: string;
  /** PKCS#8 "PRIVATE KEY" PEM. */
  readonly keyPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface TestPkiOptions {
  /** The real current time in epoch ms (tests pass it; this module never reads the clock). */
  readonly now: number;
  /** Server certificate notBefore; default now − 30 d. */
  readonly notBefore?: Date;
  /** Server certificate notAfter; default now + 60 d. */
  readonly notAfter?: Date;
}

export interface TestPki {
  readonly ca: TestCa;
  /** Server certificate for localhost / 127.0.0.1 / ::1, signed by `ca`. */
  readonly server: ServerCert;
  /** An unrelated CA with the same subject name shape: trusting it must not trust `server`. */
  readonly otherCa: TestCa;
}

export interface TestPkiFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly otherCaFile: string;
}

/**
 * A self-signed root CA valid from now − 10 years to now + 10 years, so that
 * only the server certificate's window decides what a shifted client sees.
 */
export async function createTestCa(name: string, now: number): Promise<TestCa> {
  return { ...(await makeRoot(name, now)), name };
}

/** A server certificate for DNS:localhost, IP:127.0.0.1, IP:::1 issued by `ca`. */
export async function issueServerCert(ca: TestCa, notBefore: Date, notAfter: Date): Promise<ServerCert> {
  const leaf = await makeCert({
    name: 'localhost',
    notBefore: notBefore.getTime(),
    notAfter: notAfter.getTime(),
    issuer: ca,
    dns: ['localhost'],
    ips: ['127.0.0.1', '::1'],
  });
  return { certPem: leaf.certPem, keyPem: leaf.keyPem, notBefore, notAfter };
}

/** The test CA, its localhost certificate (default now − 30 d .. now + 60 d) and an unrelated CA. */
export async function createTestPki(opts: TestPkiOptions): Promise<TestPki> {
  const ca = await createTestCa('zonekeeper test CA', opts.now);
  const otherCa = await createTestCa('zonekeeper unrelated test CA', opts.now);
  const server = await issueServerCert(
    ca,
    opts.notBefore ?? new Date(opts.now - 30 * DAY_MS),
    opts.notAfter ?? new Date(opts.now + 60 * DAY_MS),
  );
  return { ca, server, otherCa };
}

/** Writes ca.pem, localhost.pem, localhost.key (mode 0600) and other-ca.pem into `dir` (created if missing). */
export async function writeTestPki(pki: TestPki, dir: string): Promise<TestPkiFiles> {
  await mkdir(dir, { recursive: true });
  const files: TestPkiFiles = {
    caFile: join(dir, 'ca.pem'),
    certFile: join(dir, 'localhost.pem'),
    keyFile: join(dir, 'localhost.key'),
    otherCaFile: join(dir, 'other-ca.pem'),
  };
  await writeFile(files.caFile, pki.ca.certPem);
  await writeFile(files.certFile, pki.server.certPem);
  await writeFile(files.keyFile, pki.server.keyPem, { mode: 0o600 });
  await writeFile(files.otherCaFile, pki.otherCa.certPem);
  return files;
}
