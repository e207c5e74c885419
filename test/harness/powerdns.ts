/**
 * Real PowerDNS Authoritative (Debian `pdns-server`) with the SQLite backend
 * (`pdns-backend-sqlite3`) on loopback: a fresh database from the schema
 * Debian ships, a pdns.conf in a temp dir, DNS and the HTTP API (v1) on free
 * ports, and the zone `example.test.` created through the API. Caches are
 * off, so a write through the API is served over DNS at once.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { startServer } from './server-process.ts';

export const PDNS_SERVER = '/usr/sbin/pdns_server';
export const PDNS_SCHEMA = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';
export const PDNS_ZONE = 'example.test.';

export interface PowerDnsBed {
  /** Webserver base, e.g. "http://127.0.0.1:41234" (the API is under /api/v1). */
  readonly apiUrl: string;
  readonly apiKey: string;
  /** DNS (UDP and TCP) on 127.0.0.1. */
  readonly dnsPort: number;
  readonly dir: string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

function sqlite(db: string, schemaFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sqlite3', [db, `.read ${schemaFile}`], (e, _out, err) => (e === null ? resolve() : reject(new Error(`sqlite3 failed: ${err}`))));
  });
}

async function api(base: string, key: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${base}/api/v1${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Starts pdns_server in a fresh temp dir and creates `example.test.` (SOA, NS ns1.example.test.). */
export async function startPowerDns(): Promise<PowerDnsBed> {
  if (!existsSync(PDNS_SERVER) || !existsSync(PDNS_SCHEMA)) throw new Error('pdns-server / pdns-backend-sqlite3 are not installed (scripts/install-test-deps.sh)');
  const dir = await mkdtemp(join(tmpdir(), 'zk-pdns-'));
  const db = join(dir, 'pdns.sqlite3');
  await sqlite(db, PDNS_SCHEMA);
  const dnsPort = await freePort();
  const webPort = await freePort();
  const apiKey = randomBytes(18).toString('hex');
  const conf = [
    'launch=gsqlite3',
    `gsqlite3-database=${db}`,
    'local-address=127.0.0.1',
    `local-port=${dnsPort}`,
    'api=yes',
    `api-key=${apiKey}`,
    'webserver=yes',
    'webserver-address=127.0.0.1',
    `webserver-port=${webPort}`,
    'webserver-allow-from=127.0.0.1',
    `socket-dir=${dir}`,
    'guardian=no',
    'daemon=no',
    'disable-syslog=yes',
    'cache-ttl=0',
    'negquery-cache-ttl=0',
    'query-cache-ttl=0',
    'zone-cache-refresh-interval=0',
    'loglevel=4',
    'security-poll-suffix=',
    '',
  ].join('\n');
  await writeFile(join(dir, 'pdns.conf'), conf);
  const apiUrl = `http://127.0.0.1:${webPort}`;
  let proc;
  try {
    proc = await startServer({
      name: 'pdns',
      command: PDNS_SERVER,
      args: [`--config-dir=${dir}`],
      dir,
      ready: async () => (await api(apiUrl, apiKey, 'GET', '/servers/localhost')).ok,
    });
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const created = await api(apiUrl, apiKey, 'POST', '/servers/localhost/zones', { name: PDNS_ZONE, kind: 'Native', nameservers: [`ns1.${PDNS_ZONE}`] });
  if (created.status !== 201) {
    await proc.stop();
    throw new Error(`creating ${PDNS_ZONE} failed: ${created.status} ${await created.text()}`);
  }
  const p = proc;
  return {
    apiUrl,
    apiKey,
    dnsPort,
    dir,
    logTail: (lines) => p.logTail(lines),
    stop: async () => {
      await p.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
