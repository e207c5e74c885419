/**
 * Test PKI made in-process with @peculiar/x509 and WebCrypto (no openssl,
 * no faketime): a root CA (EC P-256) and a `localhost` server certificate it
 * signs (SANs DNS:localhost, IP:127.0.0.1, IP:::1), plus a second, unrelated
 * CA for "wrong trust" tests. Validity windows are computed from a `now`
 * passed by the caller, so a test can make the server certificate look
 * expired or not yet valid to a client whose clock is shifted.
 */
import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import type { webcrypto } from 'node:crypto';
import { join } from 'node:path';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
  type X509Certificate,
} from '@peculiar/x509';

const DAY_MS = 86_400_000;
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface TestCa {
  /** Subject common name, e.g. "zonekeeper test CA". */
  readonly name: string;
  readonly certPem: string;
  readonly cert: X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
}

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

/** 16 random bytes as hex, high bit clear and first byte non-zero: a positive DER INTEGER of fixed length. */
function serialHex(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0] = ((b[0] ?? 1) & 0x7f) | 0x01;
  return Buffer.from(b).toString('hex');
}

function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

/**
 * A self-signed root CA valid from now − 10 years to now + 10 years, so that
 * only the server certificate's window decides what a shifted client sees.
 */
export async function createTestCa(name: string, now: number): Promise<TestCa> {
  const keys = await generateKeys();
  const cert = await X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialHex(),
      name: `CN=${name}`,
      notBefore: new Date(now - 3650 * DAY_MS),
      notAfter: new Date(now + 3650 * DAY_MS),
      keys,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new BasicConstraintsExtension(true, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
        await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { name, certPem: cert.toString('pem'), cert, keys };
}

/** A server certificate for DNS:localhost, IP:127.0.0.1, IP:::1 issued by `ca`. */
export async function issueServerCert(ca: TestCa, notBefore: Date, notAfter: Date): Promise<ServerCert> {
  const keys = await generateKeys();
  const cert = await X509CertificateGenerator.create(
    {
      serialNumber: serialHex(),
      subject: 'CN=localhost',
      issuer: ca.cert.subjectName,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
        new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
        new SubjectAlternativeNameExtension([
          { type: 'dns', value: 'localhost' },
          { type: 'ip', value: '127.0.0.1' },
          { type: 'ip', value: '::1' },
        ]),
        await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await AuthorityKeyIdentifierExtension.create(ca.keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certPem: cert.toString('pem'),
    keyPem: PemConverter.encode(pkcs8, 'PRIVATE KEY'),
    notBefore,
    notAfter,
  };
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
