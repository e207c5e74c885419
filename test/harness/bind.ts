/**
 * Real BIND 9 on loopback: one primary that takes TSIG-signed RFC 2136
 * updates, plus secondaries (separate `named` processes on their own ports)
 * that transfer from it after NOTIFY. Each bed lives in a fresh temp dir.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { startServer, type ServerProcess } from './server-process.ts';
import { probeSoa, sendNotify } from './dns-probe.ts';
import {
  DEFAULT_ZONES,
  generateKeys,
  primaryConf,
  secondaryConf,
  zoneFileName,
  zoneFileText,
  type TsigKey,
  type ZoneSpec,
} from './bind-config.ts';

export { DEFAULT_ZONES, KEY_FULL, KEY_FULL_512, KEY_TXT_ONLY, NEGATIVE_TTL, DEFAULT_TTL } from './bind-config.ts';
export type { TsigKey, ZoneSpec } from './bind-config.ts';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

export interface BindOptions {
  /** Number of secondaries; default 1. 0 gives a lone primary. */
  readonly secondaries?: number;
  /** Zones served in addition to `DEFAULT_ZONES` (same SOA/NS/update-policy). */
  readonly zones?: readonly ZoneSpec[];
  /**
   * Default true: the primary NOTIFYs every secondary on each change, so they
   * catch up within milliseconds. With false the secondaries only move when a
   * test calls `bed.notify()`: a lagging authoritative server on demand.
   */
  readonly notify?: boolean;
  /** Per-process readiness limit; default 20 s. */
  readonly readyTimeoutMs?: number;
}

export interface BindBed {
  /** Takes updates; 127.0.0.1 (also listens on [::1] on the same port). */
  readonly primary: ServerAddress;
  readonly secondaries: readonly ServerAddress[];
  /** Primary first, then every secondary: "every authoritative server". */
  readonly servers: readonly ServerAddress[];
  /** `zk-key` (sha256, any type), `zk-key512` (sha512, any type), `txt-only` (sha256, TXT only). */
  readonly keys: Readonly<Record<string, TsigKey>>;
  /** Names of all served zones, default ones first. */
  readonly zones: readonly string[];
  readonly dir: string;
  /** Last lines of every server's log, for assertion messages. */
  logTail(lines?: number): string;
  /**
   * The named log (`named.run`: queries, security, update, update-security,
   * notify, xfer) of the primary, or of secondary `i` (0-based).
   */
  readLog(which?: 'primary' | number): string;
  /** SOA serial of `zone` on each server, primary first (undefined: no answer). */
  serials(zone?: string): Promise<Array<number | undefined>>;
  /** Polls until every secondary serves the primary's serial of `zone` (default: all zones). */
  waitForSync(zone?: string, timeoutMs?: number): Promise<void>;
  /** Sends NOTIFY for `zone` from 127.0.0.1 to every secondary (useful with `notify: false`). */
  notify(zone?: string): Promise<void>;
  stop(): Promise<void>;
}

interface Member {
  readonly addr: ServerAddress;
  readonly dir: string;
  proc?: ServerProcess;
}

const LOCAL = '127.0.0.1';

async function soaSerial(addr: ServerAddress, zone: string): Promise<number | undefined> {
  try {
    const r = await probeSoa(addr.host, addr.port, zone, 500);
    return r.rcode === 0 && r.aa ? r.serial : undefined;
  } catch {
    return undefined;
  }
}

async function allServe(addr: ServerAddress, zones: readonly string[]): Promise<boolean> {
  const serials = await Promise.all(zones.map((z) => soaSerial(addr, z)));
  return serials.every((s) => s !== undefined);
}

/** Secondary `addr` serves every zone at the primary's current serial. */
async function inSync(primary: ServerAddress, addr: ServerAddress, zones: readonly string[]): Promise<boolean> {
  for (const z of zones) {
    const want = await soaSerial(primary, z);
    if (want === undefined || (await soaSerial(addr, z)) !== want) return false;
  }
  return true;
}

function readNamedLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'named.run'), 'utf8');
  } catch {
    return '';
  }
}

/** `named-checkconf -z`: config and zone-file errors in milliseconds instead of a readiness timeout. */
function checkConf(conf: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('named-checkconf', ['-z', conf], { cwd }, (err, stdout, stderr) => {
      if (err === null) resolve();
      else reject(new Error(`named-checkconf -z ${conf} failed:\n${stdout}${stderr}`));
    });
  });
}

/** Removes a bed's temp dir unless ZK_KEEP_TESTBED=1 asks to keep it for debugging. */
async function removeDir(dir: string): Promise<void> {
  if (process.env['ZK_KEEP_TESTBED'] === '1') return;
  await rm(dir, { recursive: true, force: true });
}

/** Starts the primary and its secondaries; resolves once every secondary has every zone. */
export async function startBind(opts: BindOptions = {}): Promise<BindBed> {
  const zones = [...DEFAULT_ZONES, ...(opts.zones ?? [])];
  const zoneNames = zones.map((z) => z.name);
  const keyList = generateKeys();
  const keys = Object.fromEntries(keyList.map((k) => [k.name, k]));
  const dir = await mkdtemp(join(tmpdir(), 'zk-bind-'));
  const timeout = opts.readyTimeoutMs ?? 20000;
  const primary: Member = { addr: { host: LOCAL, port: await freePort() }, dir: join(dir, 'primary') };
  const secondaries: Member[] = [];
  for (let i = 0; i < (opts.secondaries ?? 1); i++) {
    secondaries.push({ addr: { host: LOCAL, port: await freePort() }, dir: join(dir, `secondary-${i + 1}`) });
  }
  const all = [primary, ...secondaries];

  const stop = async (): Promise<void> => {
    await Promise.all(all.map((m) => m.proc?.stop() ?? Promise.resolve()));
    await removeDir(dir);
  };
  const logTail = (lines = 30): string =>
    all
      .map((m) => {
        const log = readNamedLog(m.dir).split('\n').slice(-lines).join('\n');
        return `--- ${m.dir} (port ${m.addr.port})\n${log}\n${m.proc?.logTail(lines) ?? ''}`;
      })
      .join('\n');

  try {
    await mkdir(primary.dir);
    for (const z of zones) await writeFile(join(primary.dir, zoneFileName(z.name)), zoneFileText(z));
    const notifyPorts = opts.notify === false ? [] : secondaries.map((s) => s.addr.port);
    const pConf = primaryConf({ dir: primary.dir, port: primary.addr.port, keys: keyList, zones, notifyPorts });
    await writeFile(join(primary.dir, 'named.conf'), pConf);
    await checkConf(join(primary.dir, 'named.conf'), primary.dir);
    for (const s of secondaries) {
      await mkdir(s.dir);
      const sConf = secondaryConf({ dir: s.dir, port: s.addr.port, keys: keyList, zones, primaryPort: primary.addr.port });
      await writeFile(join(s.dir, 'named.conf'), sConf);
    }
    const launch = async (m: Member, name: string, ready: () => Promise<boolean>): Promise<void> => {
      // -f: foreground with logging as configured (-g would force stderr only).
      // No -u: named keeps the invoking user, which owns the temp dir.
      m.proc = await startServer({
        name,
        command: 'named',
        args: ['-f', '-c', join(m.dir, 'named.conf')],
        dir: m.dir,
        ready,
        readyTimeoutMs: timeout,
      });
    };
    await launch(primary, 'named-primary', () => allServe(primary.addr, zoneNames));
    const started = await Promise.allSettled(
      secondaries.map((s, i) => launch(s, `named-secondary-${i + 1}`, () => inSync(primary.addr, s.addr, zoneNames))),
    );
    const failed = started.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  } catch (e) {
    const tail = logTail();
    await stop();
    throw new Error(`BIND test bed failed to start: ${e instanceof Error ? e.message : String(e)}\n${tail}`, { cause: e });
  }

  const serials = (zone = zoneNames[0] ?? 'example.test'): Promise<Array<number | undefined>> =>
    Promise.all(all.map((m) => soaSerial(m.addr, zone)));

  return {
    primary: primary.addr,
    secondaries: secondaries.map((s) => s.addr),
    servers: all.map((m) => m.addr),
    keys,
    zones: zoneNames,
    dir,
    logTail,
    readLog: (which = 'primary') => {
      const m = which === 'primary' ? primary : secondaries[which];
      if (m === undefined) throw new Error(`no secondary ${String(which)}`);
      return readNamedLog(m.dir);
    },
    serials,
    waitForSync: async (zone, timeoutMs = 10000) => {
      const names = zone === undefined ? zoneNames : [zone];
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const ok = await Promise.all(secondaries.map((s) => inSync(primary.addr, s.addr, names)));
        if (ok.every(Boolean)) return;
        if (performance.now() > deadline) {
          throw new Error(`secondaries not in sync for ${names.join(', ')}: ${JSON.stringify(await serials(names[0]))}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    notify: async (zone = zoneNames[0] ?? 'example.test') => {
      await Promise.all(secondaries.map((s) => sendNotify(s.addr.host, s.addr.port, zone)));
    },
    stop,
  };
}

/** Stops every process of the bed and deletes its temp dir; safe to call twice. */
export async function stopBind(bed: BindBed | undefined): Promise<void> {
  await bed?.stop();
}
