/**
 * `npm run bench -- ddns`: from "the address changed" until EVERY
 * authoritative server (BIND primary + secondary) serves the new A records,
 * for 1 record and for 1 000 records across 10 zones, through:
 *
 * - rfc2136 straight to BIND (no rate limit: one UPDATE per zone);
 * - the Route 53 emulator with Route 53's documented limit on (5 requests a
 *   second per account; ChangeResourceRecordSets takes a whole zone's
 *   changes in one batch);
 * - the Tencent DNSPod emulator with DNSPod's API 3.0 default limit on
 *   (20 requests a second per API; one ModifyRecord per record would take
 *   at least 1 000 / 20 = 50 s, so the provider sends one ModifyRecordBatch
 *   job per zone and awaits it with DescribeBatchTask).
 *
 * A run is the daemon's pass in-process (ddns/reconcile.ts on a real SQLite
 * store, the address given) plus `waitFor` of every record on every server;
 * for 1 record the whole CLI process (`ddns sync`, address from a command
 * source, waiting included) is timed too. Before the timed pass an untimed
 * pass creates the records at the old address. After every run each server
 * is asked (untimed) whether it serves every new value: a run that did not
 * do the work fails the benchmark. The table shows provider requests and
 * throttled answers (429 / the vendor's throttling code) per run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { mapLimit } from '../src/core/limit.ts';
import { reconcile } from '../src/ddns/reconcile.ts';
import type { DesiredRecord } from '../src/ddns/types.ts';
import { waitFor } from '../src/propagation/wait.ts';
import { route53Manifest } from '../src/providers/route53/manifest.ts';
import { rfc2136Manifest } from '../src/providers/rfc2136/manifest.ts';
import { tencentcloudManifest } from '../src/providers/tencentcloud/manifest.ts';
import type { DnsProvider } from '../src/providers/types.ts';
import { openSqliteStore } from '../src/store/sqlite/open.ts';
import { startRoute53Emulator } from '../test/emulators/route53.ts';
import { startTencentEmulator } from '../test/emulators/tencent.ts';
import { KEY_FULL, startBind, type BindBed } from '../test/harness/bind.ts';
import { runCli } from '../test/harness/cli.ts';
import { probe } from '../test/harness/dns-probe.ts';
import { renderTable, seconds, summarize } from './table.ts';

const ZONES = Array.from({ length: 10 }, (_, i) => `z${i}.ddns.test`);
const BIG = 1000;
const RUNS_SMALL = 3;
const TIMEOUT_MS = 180_000;
/**
 * Untimed quiet time before every timed run: the vendor's token bucket
 * refills (real address changes are minutes apart) and BIND's NOTIFY rate
 * limiter goes idle (see record.ts), so every run starts from the same state.
 */
const QUIET_MS = 1500;

interface Target {
  readonly name: string;
  readonly provider: DnsProvider;
  readonly limit: string;
  requests(): number;
  throttled(): number;
  reset(): void;
  /** CLI config lines for this provider (`providers:` entry named p). */
  readonly cliProvider: readonly string[];
}

function records(n: number, provider: string, tag: string): DesiredRecord[] {
  return Array.from({ length: n }, (_, i) => ({ fqdn: `${tag}-${i}.${ZONES[i % ZONES.length]}.`, type: 'A' as const, provider, ttl: 300 }));
}

/** Every server serves `address` at every record (untimed check). */
async function verify(bed: BindBed, desired: readonly DesiredRecord[], address: string): Promise<void> {
  await mapLimit(desired, 32, async (d) => {
    for (const s of bed.servers) {
      const got = (await probe(s.host, s.port, d.fqdn, 'A')).answers.map((a) => a.data);
      if (got.length !== 1 || got[0] !== address) throw new Error(`${s.host}:${s.port} serves ${JSON.stringify(got)} at ${d.fqdn}, not ${address}`);
    }
  });
}

async function pass(bed: BindBed, t: Target, dataDir: string, desired: readonly DesiredRecord[], address: string): Promise<{ ms: number; requests: number; throttled: number }> {
  const store = await openSqliteStore(join(dataDir, 'zonekeeper.db'));
  const clock = new CorrectedClock({ system: systemClock });
  const dns = { resolvers: [], nameservers: new Map(ZONES.map((z) => [`${z}.`, bed.servers])), timeoutMs: 2000 };
  try {
    t.reset();
    const start = performance.now();
    const r = await reconcile({ desired, addresses: { ipv4: address }, provider: () => t.provider, store, dns, clock, readEvery: 12, concurrency: 4, perProvider: 2, dryRun: false });
    const failed = r.records.find((x) => x.action === 'failed');
    if (failed !== undefined) throw new Error(`${t.name}: ${failed.fqdn} failed: ${failed.error?.code ?? '?'} ${JSON.stringify(failed.error?.diagnosis.evidence)}`);
    await mapLimit(r.records, 64, (x) =>
      waitFor({ fqdn: x.fqdn, type: 'A', values: [address] }, { servers: bed.servers, clock, timeoutMs: TIMEOUT_MS, queryTimeoutMs: 2000 }),
    );
    return { ms: performance.now() - start, requests: t.requests(), throttled: t.throttled() };
  } finally {
    await store.close();
  }
}

export async function benchDdns(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'zk-bench-ddns-'));
  const bed = await startBind({ secondaries: 1, zones: ZONES.map((name) => ({ name, records: [] })) });
  const key = bed.keys[KEY_FULL];
  if (key === undefined) throw new Error('no key');
  const r53Key = { accessKeyId: 'AKIABENCH00000000000', secretAccessKey: 'bench-r53-secret-00000000000000000000000' };
  const tcKey = { secretId: 'AKIDbench00000000000000000000000000000', secretKey: 'bench-tc-secret-key-000000000000' };
  const [r53, tc] = await Promise.all([startRoute53Emulator({ bed, keys: [r53Key] }), startTencentEmulator({ bed, keys: [tcKey] })]);
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled([r53.close(), tc.close()]);
    await bed.stop();
    await rm(work, { recursive: true, force: true });
  };
  const onSignal = (): void => void stopAll().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await writeFile(join(work, 'r53.pem'), r53.rootPem);
    await writeFile(join(work, 'tc.pem'), tc.rootPem);
    const deps = { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } };
    const primary = `${bed.primary.host}:${bed.primary.port}`;
    r53.limit.perSecond = 5;
    r53.limit.burst = 5;
    tc.limit.perSecond = 20;
    tc.limit.burst = 20;
    const targets: Target[] = [
      {
        name: 'rfc2136 (BIND)',
        limit: 'none',
        provider: rfc2136Manifest.create(rfc2136Manifest.parse({ server: primary, tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret } }, 'bench'), deps),
        requests: () => 0,
        throttled: () => 0,
        reset: () => undefined,
        cliProvider: ['    type: rfc2136', `    server: "${primary}"`, `    tsig: { name: ${key.name}, algorithm: ${key.algorithm}, secret: "${key.secret}" }`],
      },
      {
        name: 'route53 emulator',
        limit: '5/s',
        provider: route53Manifest.create(route53Manifest.parse({ ...r53Key, endpoint: r53.endpoint, trust: join(work, 'r53.pem') }, 'bench'), deps),
        requests: () => r53.count(),
        throttled: () => r53.throttled(),
        reset: () => r53.reset(),
        cliProvider: ['    type: route53', `    accessKeyId: ${r53Key.accessKeyId}`, `    secretAccessKey: "${r53Key.secretAccessKey}"`, `    endpoint: ${r53.endpoint}`, `    trust: ${join(work, 'r53.pem')}`],
      },
      {
        name: 'tencentcloud emulator',
        limit: '20/s',
        provider: tencentcloudManifest.create(tencentcloudManifest.parse({ ...tcKey, endpoint: tc.endpoint, trust: join(work, 'tc.pem') }, 'bench'), deps),
        requests: () => tc.count(),
        throttled: () => tc.throttled(),
        reset: () => tc.reset(),
        cliProvider: ['    type: tencentcloud', `    secretId: ${tcKey.secretId}`, `    secretKey: "${tcKey.secretKey}"`, `    endpoint: ${tc.endpoint}`, `    trust: ${join(work, 'tc.pem')}`],
      },
    ];
    const rows: string[][] = [];
    let ip = 10;
    const next = (): string => `81.2.69.${ip++}`;
    for (const [ti, t] of targets.entries()) {
      // One record: in-process passes, then the whole CLI.
      const one = records(1, 'p', `one${ti}`);
      const dataOne = join(work, `one-${ti}`);
      await pass(bed, t, dataOne, one, next());
      const small: number[] = [];
      let last = { requests: 0, throttled: 0 };
      for (let i = 0; i < RUNS_SMALL; i++) {
        const address = next();
        await delay(QUIET_MS);
        const r = await pass(bed, t, dataOne, one, address);
        await verify(bed, one, address);
        small.push(r.ms);
        last = r;
      }
      const s = summarize(small);
      rows.push([t.name, t.limit, '1', 'in-process pass + wait', `${seconds(s.medianMs)} s`, `${seconds(s.minMs)}–${seconds(s.maxMs)}`, String(last.requests), String(last.throttled)]);

      const cli: number[] = [];
      const config = join(work, `cli-${ti}.yaml`);
      const addrFile = join(work, `cli-${ti}.ip`);
      const cliRecords = records(1, 'p', `cli${ti}`);
      const servers = bed.servers.map((x) => `"${x.host}:${x.port}"`).join(', ');
      await writeFile(
        config,
        ['dns:', '  resolvers: []', '  nameservers:', ...ZONES.map((z) => `    ${z}: [${servers}]`), 'providers:', '  p:', ...t.cliProvider, 'ddns:', `  ipv4: { sources: [{ type: command, run: "cat ${addrFile}" }], quorum: 1 }`, '  ipv6: false', '  records:', `    - { name: ${(cliRecords[0] as DesiredRecord).fqdn}, type: A, provider: p, ttl: 300 }`, ''].join('\n'),
      );
      for (let i = 0; i <= RUNS_SMALL; i++) {
        const address = next();
        await writeFile(addrFile, `${address}\n`);
        await delay(QUIET_MS);
        t.reset();
        const start = performance.now();
        const res = await runCli(['--config', config, '--data', join(work, `cli-data-${ti}`), '--json', 'ddns', 'sync'], { timeoutMs: TIMEOUT_MS });
        const ms = performance.now() - start;
        if (res.status !== 0) throw new Error(`${t.name}: ddns sync exited ${res.status}: ${res.stderr}`);
        await verify(bed, cliRecords, address);
        if (i > 0) cli.push(ms); // the first run creates the record
      }
      const c = summarize(cli);
      rows.push([t.name, t.limit, '1', '`zonekeeper ddns sync` (process)', `${seconds(c.medianMs)} s`, `${seconds(c.minMs)}–${seconds(c.maxMs)}`, '', '']);

      // 1 000 records in 10 zones: one timed run after an untimed creating one.
      const big = records(BIG, 'p', `big${ti}`);
      const dataBig = join(work, `big-${ti}`);
      process.stderr.write(`${t.name}: creating ${BIG} records…\n`);
      await pass(bed, t, dataBig, big, next());
      const address = next();
      await delay(QUIET_MS);
      process.stderr.write(`${t.name}: changing ${BIG} records…\n`);
      const r = await pass(bed, t, dataBig, big, address);
      await verify(bed, big, address);
      rows.push([t.name, t.limit, String(BIG), 'in-process pass + wait (10 zones)', `${seconds(r.ms)} s`, '1 run', String(r.requests), String(r.throttled)]);
    }
    process.stdout.write(
      `\nDDNS: address change → every authoritative server serves it (BIND primary + secondary), ${availableParallelism()} cores, load ${loadavg()[0]?.toFixed(1) ?? '?'}\n\n` +
        renderTable(['provider', 'vendor limit', 'records', 'what is timed', 'median', 'min–max', 'requests', 'throttled'], rows) +
        '\n',
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAll();
  }
}
