/**
 * Real unbound on loopback as the "local resolver" in its honest and lying
 * forms. It never leaves loopback: stub zones point at the test bed's BIND,
 * "." is forwarded to the same BIND (which refuses: recursion no), and all
 * outgoing queries come from 127.0.0.1/::1.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { startServer } from './server-process.ts';
import { probe } from './dns-probe.ts';

/**
 * - `honest`: answers like the authoritative servers at the moment of the
 *   query (nothing is cached: cache-max-ttl 0, cache-max-negative-ttl 0).
 * - `caching`: an ordinary cache, TTLs as served (negative answers for the
 *   SOA minimum, 30 s in the bed).
 * - `fake-ip`: a proxy's fake-IP resolver (`local-zone redirect` per zone).
 *   For every name at or under a zone: A -> `FAKE_IP` (TTL 60, AA set), even
 *   for names that do not exist and for CNAME owners (the CNAME is hidden);
 *   every other type (TXT, AAAA, SOA, NS, CNAME, ANY) -> NOERROR with no
 *   records at all, not even an SOA (node:dns: ENODATA). Names outside the
 *   zones are resolved honestly, with normal caching.
 * - `stale`: keeps every answer for at least an hour (cache-min-ttl 3600,
 *   serve-expired), so after a change it still returns what it saw first.
 */
export type UnboundMode = 'honest' | 'caching' | 'fake-ip' | 'stale';

/** The address the fake-IP resolver returns for every A query under its zones (inside 198.18.0.0/15). */
export const FAKE_IP = '198.18.0.7';

export interface UnboundOptions {
  /** The authoritative server to ask (the BIND primary or a secondary). */
  readonly upstream: { readonly host: string; readonly port: number };
  /** Zones (no trailing dot) to send to `upstream` (and, in fake-ip mode, to fake). */
  readonly zones: readonly string[];
  readonly mode: UnboundMode;
  readonly readyTimeoutMs?: number;
}

export interface UnboundResolver {
  /** 127.0.0.1; unbound also listens on [::1] on the same port. */
  readonly host: string;
  readonly port: number;
  readonly mode: UnboundMode;
  readonly dir: string;
  logTail(lines?: number): string;
  /** unbound's own log (stderr, verbosity 1, with log-queries/log-replies). */
  readLog(): string;
  stop(): Promise<void>;
}

function addr(host: string, port: number): string {
  return `${host}@${port}`;
}

function modeLines(mode: UnboundMode, zones: readonly string[]): string[] {
  switch (mode) {
    case 'honest':
      return ['cache-max-ttl: 0', 'cache-max-negative-ttl: 0', 'serve-expired: no', 'prefetch: no'];
    case 'caching':
      return ['serve-expired: no', 'prefetch: no'];
    case 'stale':
      return ['cache-min-ttl: 3600', 'serve-expired: yes', 'serve-expired-ttl: 0', 'prefetch: no'];
    case 'fake-ip':
      return zones.flatMap((z) => [`local-zone: "${z}." redirect`, `local-data: "${z}. 60 IN A ${FAKE_IP}"`]);
  }
}

export function unboundConf(dir: string, port: number, o: UnboundOptions): string {
  const up = addr(o.upstream.host, o.upstream.port);
  const server = [
    'verbosity: 1',
    'use-syslog: no',
    'logfile: ""',
    'log-queries: yes',
    'log-replies: yes',
    `interface: ${addr('127.0.0.1', port)}`,
    `interface: ${addr('::1', port)}`,
    `port: ${port}`,
    'interface-automatic: no',
    'do-ip4: yes',
    'do-ip6: yes',
    'outgoing-interface: 127.0.0.1',
    'outgoing-interface: ::1',
    'do-not-query-localhost: no',
    'access-control: 127.0.0.0/8 allow',
    'access-control: ::1/128 allow',
    'chroot: ""',
    'username: ""',
    `directory: ${JSON.stringify(dir)}`,
    `pidfile: ${JSON.stringify(join(dir, 'unbound.pid'))}`,
    'module-config: "iterator"',
    'local-zone: "test." nodefault',
    'qname-minimisation: no',
    'minimal-responses: no',
    ...modeLines(o.mode, o.zones),
  ];
  const stubs = o.zones.map((z) => `stub-zone:\n  name: "${z}."\n  stub-addr: ${up}\n`);
  // Everything else goes to the same BIND, which refuses (recursion no):
  // unbound never primes the root or reaches the internet.
  const root = `forward-zone:\n  name: "."\n  forward-addr: ${up}\n`;
  return `server:\n${server.map((l) => `  ${l}`).join('\n')}\nremote-control:\n  control-enable: no\n${stubs.join('')}${root}`;
}

export async function startUnbound(o: UnboundOptions): Promise<UnboundResolver> {
  const dir = await mkdtemp(join(tmpdir(), 'zk-unbound-'));
  const port = await freePort();
  const conf = join(dir, 'unbound.conf');
  await writeFile(conf, unboundConf(dir, port, o));
  let proc;
  try {
    proc = await startServer({
      name: 'unbound',
      command: 'unbound',
      args: ['-d', '-c', conf],
      dir,
      // `localhost.` is unbound's built-in local zone: proves it serves
      // without asking BIND or caching anything under the test zones.
      ready: async () => (await probe('127.0.0.1', port, 'localhost', 'A', { rd: true, timeoutMs: 500 })).rcode === 0,
      readyTimeoutMs: o.readyTimeoutMs ?? 15000,
    });
  } catch (e) {
    if (process.env['ZK_KEEP_TESTBED'] !== '1') await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const p = proc;
  return {
    host: '127.0.0.1',
    port,
    mode: o.mode,
    dir,
    logTail: (lines) => p.logTail(lines),
    readLog: () => {
      try {
        return readFileSync(p.logFile, 'utf8');
      } catch {
        return '';
      }
    },
    stop: async () => {
      await p.stop();
      if (process.env['ZK_KEEP_TESTBED'] !== '1') await rm(dir, { recursive: true, force: true });
    },
  };
}
