/**
 * Real Pebble (Debian `/usr/bin/pebble`, 2.4.0) on free 127.0.0.1 ports,
 * serving HTTPS with a certificate from `test-ca.ts` whose validity the test
 * chooses, and validating DNS-01 through the DNS server it is given (the
 * BIND primary of `bind.ts`). Each bed lives in a fresh temp dir.
 *
 * URLs use `127.0.0.1`, never `localhost`: no name lookup at all (this
 * machine's /etc/hosts has no `::1 localhost`, others may map it to ::1 only,
 * where Pebble does not listen), and the certificate carries IP:127.0.0.1.
 * Pebble builds every URL it returns from the request's Host, so the whole
 * conversation stays on 127.0.0.1.
 *
 * Pebble's randomness is off unless asked for: no VA sleep, no nonce
 * rejection, no authorization reuse.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/clock/system-clock.ts';
import { freePort } from './ports.ts';
import { startServer, type ServerProcess } from './server-process.ts';
import { createTestPki, writeTestPki, type TestPki } from './test-ca.ts';
import { httpsRequest, type HttpsRequestOptions } from './https-request.ts';

export const PEBBLE_BIN = '/usr/bin/pebble';
const LOCAL = '127.0.0.1';

export interface PebbleOptions {
  /** Where the VA resolves `_acme-challenge` TXT (and CAA): e.g. `bindBed.primary`. */
  readonly dnsServer: { readonly host: string; readonly port: number };
  /** Real current time (epoch ms) the TLS validity defaults are computed from; default the system clock. */
  readonly now?: number;
  /** Pebble's HTTPS certificate notBefore; default now − 30 d. */
  readonly tlsNotBefore?: Date;
  /** Pebble's HTTPS certificate notAfter; default now + 60 d. */
  readonly tlsNotAfter?: Date;
  /** PEBBLE_WFE_NONCEREJECT, percent of good nonces rejected as badNonce; default 0. */
  readonly nonceReject?: number;
  /** PEBBLE_AUTHZREUSE, percent of valid authorizations reused in new orders; default 0. */
  readonly authzReuse?: number;
  /** PEBBLE_CHAIN_LENGTH (intermediates between leaf and root); default Pebble's own (1). */
  readonly chainLength?: number;
  /** PEBBLE_ALTERNATE_ROOTS, number of alternate chains; default 0. */
  readonly alternateRoots?: number;
  /**
   * External account binding: kid -> base64url HMAC key (see `newEabKey`).
   * When given, Pebble requires EAB on newAccount and the directory meta says
   * `externalAccountRequired: true`.
   */
  readonly eab?: Readonly<Record<string, string>>;
  /** Lifetime of issued certificates in seconds (config `certificateValidityPeriod`); default Pebble's 5 years. */
  readonly certValiditySeconds?: number;
  /**
   * Run with `-strict`; default false. In 2.4.0 it changed nothing observable for a full
   * DNS-01 issuance, `replaces`, revokeCert or keyChange.
   */
  readonly strict?: boolean;
  /** Readiness limit; default 20 s (Pebble makes RSA keys per chain at start). */
  readonly readyTimeoutMs?: number;
}

export interface PebbleBed {
  /** `https://127.0.0.1:<port>/dir` */
  readonly directoryUrl: string;
  /** `https://127.0.0.1:<mport>` (roots, intermediates, cert-status-by-serial). */
  readonly managementUrl: string;
  /** The CA that signed Pebble's HTTPS certificate (trust this, and only this). */
  readonly tlsCaPem: string;
  readonly tlsCaFile: string;
  /** An unrelated CA, for "wrong trust" tests. */
  readonly otherCaPem: string;
  readonly otherCaFile: string;
  /** The whole test PKI, e.g. for a proxy that must serve the same localhost certificate. */
  readonly pki: TestPki;
  readonly dir: string;
  /** PEMs of Pebble's issuing roots: `/roots/0` (the default chain) first, then each alternate. */
  roots(): Promise<string[]>;
  /** PEMs of the intermediate that signs leaves, one per chain, same order as `roots()`. */
  intermediates(): Promise<string[]>;
  /** Management `/cert-status-by-serial/<hex>`: `{ Status: 'Valid' | 'Revoked', Reason?, ... }`, undefined on 404. */
  certStatus(serialHex: string): Promise<Record<string, unknown> | undefined>;
  logTail(lines?: number): string;
  /** Pebble's whole output so far. */
  readLog(): string;
  stop(): Promise<void>;
}

/** A fresh random EAB HMAC key (32 bytes, base64url), as Pebble's config expects. */
export function newEabKey(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

/** Removes a bed's temp dir unless ZK_KEEP_TESTBED=1 asks to keep it for debugging. */
async function removeDir(dir: string): Promise<void> {
  if (process.env['ZK_KEEP_TESTBED'] === '1') return;
  await rm(dir, { recursive: true, force: true });
}

/**
 * The harness's own calls pin Pebble's exact certificate instead of checking
 * chain and validity, so they work whatever window a test gave it.
 */
function pin(pki: TestPki): HttpsRequestOptions {
  return { ca: pki.ca.certPem, pinnedCertPem: pki.server.certPem };
}

/** GETs `<base>/0`, `<base>/1`, ... until a 404; fails on anything but 200 or 404. */
async function fetchNumbered(base: string, pki: TestPki): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const res = await httpsRequest(`${base}/${i}`, pin(pki));
    if (res.status === 404) return out;
    if (res.status !== 200) throw new Error(`GET ${base}/${i}: HTTP ${res.status}: ${res.text}`);
    out.push(res.text);
  }
}

/** Starts Pebble; resolves once `GET /dir` answers 200 over HTTPS (certificate pinned). */
export async function startPebble(opts: PebbleOptions): Promise<PebbleBed> {
  const now = opts.now ?? systemClock.now();
  const dir = await mkdtemp(join(tmpdir(), 'zk-pebble-'));
  const pki = await createTestPki({
    now,
    ...(opts.tlsNotBefore === undefined ? {} : { notBefore: opts.tlsNotBefore }),
    ...(opts.tlsNotAfter === undefined ? {} : { notAfter: opts.tlsNotAfter }),
  });
  const files = await writeTestPki(pki, join(dir, 'tls'));
  const [port, mport, httpPort, tlsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const eab = opts.eab ?? {};
  const config = {
    pebble: {
      listenAddress: `${LOCAL}:${port}`,
      managementListenAddress: `${LOCAL}:${mport}`,
      certificate: files.certFile,
      privateKey: files.keyFile,
      // Ports the VA *connects to* for http-01 / tls-alpn-01 (Pebble listens on neither):
      // free ports, so no validation ever reaches the defaults 5002/5001.
      httpPort,
      tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: Object.keys(eab).length > 0,
      externalAccountMACKeys: eab,
      ...(opts.certValiditySeconds === undefined ? {} : { certificateValidityPeriod: opts.certValiditySeconds }),
    },
  };
  const configFile = join(dir, 'pebble-config.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PEBBLE_VA_NOSLEEP: '1',
    PEBBLE_WFE_NONCEREJECT: String(opts.nonceReject ?? 0),
    PEBBLE_AUTHZREUSE: String(opts.authzReuse ?? 0),
    PEBBLE_ALTERNATE_ROOTS: String(opts.alternateRoots ?? 0),
    ...(opts.chainLength === undefined ? {} : { PEBBLE_CHAIN_LENGTH: String(opts.chainLength) }),
  };
  const directoryUrl = `https://${LOCAL}:${port}/dir`;
  const managementUrl = `https://${LOCAL}:${mport}`;
  const ready = async (): Promise<boolean> => (await httpsRequest(directoryUrl, { ...pin(pki), timeoutMs: 1000 })).status === 200;
  const args = ['-config', configFile, '-dnsserver', `${opts.dnsServer.host}:${opts.dnsServer.port}`];
  if (opts.strict === true) args.push('-strict');
  let proc: ServerProcess;
  try {
    proc = await startServer({ name: 'pebble', command: PEBBLE_BIN, args, dir, env, ready, readyTimeoutMs: opts.readyTimeoutMs ?? 20000 });
  } catch (e) {
    await removeDir(dir);
    throw e;
  }
  return {
    directoryUrl,
    managementUrl,
    tlsCaPem: pki.ca.certPem,
    tlsCaFile: files.caFile,
    otherCaPem: pki.otherCa.certPem,
    otherCaFile: files.otherCaFile,
    pki,
    dir,
    roots: () => fetchNumbered(`${managementUrl}/roots`, pki),
    intermediates: () => fetchNumbered(`${managementUrl}/intermediates`, pki),
    certStatus: async (serialHex) => {
      const res = await httpsRequest(`${managementUrl}/cert-status-by-serial/${serialHex}`, pin(pki));
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new Error(`cert-status-by-serial/${serialHex}: HTTP ${res.status}: ${res.text}`);
      return JSON.parse(res.text) as Record<string, unknown>;
    },
    logTail: (lines) => proc.logTail(lines),
    readLog: () => {
      try {
        return readFileSync(proc.logFile, 'utf8');
      } catch {
        return '';
      }
    },
    stop: async () => {
      await proc.stop();
      await removeDir(dir);
    },
  };
}
