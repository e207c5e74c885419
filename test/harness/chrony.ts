/**
 * chronyd as an NTP server on a free loopback port, optionally with its clock
 * shifted by libfaketime (so "NTP says your clock is off by X" is real).
 *
 * chronyd runs with `-x` (never touches the system clock), `local stratum 8`
 * (serves with no upstream), `cmdport 0` (no control socket), and keeps its
 * pid and drift files in a temporary directory. It is ready when an SNTP
 * query gets a synchronised answer (it may answer unsynchronised, LI=3, at
 * first). Needs root (`-u root`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { querySntp } from '../../src/clock/sntp.ts';
import { systemClock } from '../../src/clock/system-clock.ts';
import { faketimeEnv } from './faketime.ts';
import { freePort } from './ports.ts';
import { startServer, type ServerProcess } from './server-process.ts';

export interface ChronyOptions {
  /** libfaketime offset for chronyd's clock, e.g. "+2h", "-400d". */
  readonly fakeOffset?: string;
}

export interface Chrony {
  readonly host: string;
  readonly port: number;
  readonly process: ServerProcess;
  stop(): Promise<void>;
}

export async function startChrony(options: ChronyOptions = {}): Promise<Chrony> {
  if (process.getuid?.() !== 0) throw new Error('startChrony: chronyd -u root needs the tests to run as root');
  const host = '127.0.0.1';
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'zk-chrony-'));
  const conf = join(dir, 'chrony.conf');
  await writeFile(
    conf,
    [
      `port ${port}`,
      `bindaddress ${host}`,
      `allow ${host}`,
      'local stratum 8',
      'cmdport 0',
      `pidfile ${join(dir, 'chronyd.pid')}`,
      `driftfile ${join(dir, 'chrony.drift')}`,
      '',
    ].join('\n'),
  );
  // chronyd is a daemon: its timers must keep the real monotonic clock (testbed.md §7.3).
  const env: NodeJS.ProcessEnv =
    options.fakeOffset === undefined
      ? process.env
      : { ...process.env, ...faketimeEnv(options.fakeOffset), FAKETIME_DONT_FAKE_MONOTONIC: '1' };
  const ready = async (): Promise<boolean> => {
    await querySntp({ host, port }, { system: systemClock, timeoutMs: 250 });
    return true;
  };
  let server: ServerProcess;
  try {
    server = await startServer({ name: 'chronyd', command: '/usr/sbin/chronyd', args: ['-x', '-d', '-u', 'root', '-f', conf], dir, env, ready });
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    host,
    port,
    process: server,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
