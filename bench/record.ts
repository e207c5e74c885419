/**
 * `npm run bench -- record`: how long from starting to set A records until
 * EVERY authoritative server (BIND primary + secondary, NOTIFY + IXFR between
 * them) serves them, for 1 and for 100 records, with:
 *
 * - zonekeeper's CLI (`record set`, which returns once every server serves
 *   the value): 1 process; 100 processes one after another; 100 processes,
 *   CONCURRENCY at a time (there is no batch command);
 * - zonekeeper in-process, as the daemon will run it: the rfc2136 provider's
 *   `setRecords` with all records in one call (one UPDATE), then `waitFor`
 *   for every name against every server, in parallel;
 * - the shell peer: `nsupdate` (one process per record in a row, or one
 *   process with every update in one message), then a `dig +short` loop with
 *   DIG_INTERVAL_MS between rounds (see nsupdate-peer.ts).
 *
 * Every run uses fresh names, and after every run (untimed) each server is
 * asked directly whether it serves every value: a run that did not do the
 * work fails the benchmark. Runs are repeated RUNS times (min / median /
 * max); the two 100-process CLI rows cost tens of seconds each, so they are
 * repeated only while the whole benchmark stays within BUDGET_MS (at least
 * once each) and the table says how many runs each row got. The servers are
 * stopped at the end, on error, and on SIGINT/SIGTERM.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { waitFor } from '../src/propagation/wait.ts';
import { rfc2136Manifest } from '../src/providers/rfc2136/manifest.ts';
import type { DnsProvider } from '../src/providers/types.ts';
import { KEY_FULL, startBind, type BindBed, type TsigKey } from '../test/harness/bind.ts';
import { runCli } from '../test/harness/cli.ts';
import { probe } from '../test/harness/dns-probe.ts';
import { digUntilServed, nsupdate, nsupdateScript, runProcess, type BenchRecord } from './nsupdate-peer.ts';
import { renderTable, seconds, summarize } from './table.ts';
import { writeLabConfig } from '../test/harness/zk-config.ts';

const ZONE = 'example.test';
const RUNS = 5;
const BATCH = 100;
const CONCURRENCY = 8;
const DIG_INTERVAL_MS = 100;
/** TTL the peer sets; the rfc2136 provider's default, which the CLI uses. */
const TTL = 300;
/** Heavy rows are not repeated once the benchmark has run this long. */
const BUDGET_MS = 150_000;
/**
 * Untimed quiet time before every run. BIND's notify and refresh rate
 * limiters (default notify-rate / serial-query-rate 20/s) dispatch on a
 * 500 ms ticker while busy: a change that follows the previous one within
 * about half a second waits up to 0.5 s for its NOTIFY and again for the
 * secondary's refresh. After a quiet tick they are idle and a change reaches
 * the secondary within milliseconds, so every run starts from the same state.
 */
const QUIET_MS = 750;
/** Per-operation limit: a stuck run fails instead of hanging. */
const OP_TIMEOUT_MS = 30_000;

interface Scenario {
  readonly count: 1 | typeof BATCH;
  readonly tag: string;
  readonly method: string;
  /** Costs tens of seconds per run: repeated only within the budget. */
  readonly heavy: boolean;
  /** Sets the records and resolves once every server serves them; may return a note on the run. */
  readonly run: (records: readonly BenchRecord[]) => Promise<string | undefined>;
  readonly timesMs: number[];
  readonly notes: string[];
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

let valueSeq = 0;

/** Fresh names for one run, each with its own value from 198.18.0.0/15 (RFC 2544, for benchmarks). */
function freshRecords(tag: string, run: string, n: number): BenchRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const k = valueSeq++;
    return { fqdn: `${tag}-${run}-${i}.${ZONE}`, value: `198.${18 + (k >> 16)}.${(k >> 8) & 255}.${k & 255}` };
  });
}

/** Untimed independent check: every server serves every value. */
async function verifyServed(bed: BindBed, records: readonly BenchRecord[]): Promise<void> {
  await pool(records, 16, async (r) => {
    for (const s of bed.servers) {
      const answers = (await probe(s.host, s.port, r.fqdn, 'A')).answers.map((a) => a.data);
      if (!answers.includes(r.value)) throw new Error(`${s.host}:${s.port} does not serve ${r.fqdn} A ${r.value} (got ${JSON.stringify(answers)})`);
    }
  });
}


function inProcessProvider(bed: BindBed, key: TsigKey, clock: CorrectedClock): DnsProvider {
  const config = rfc2136Manifest.parse(
    { server: `${bed.primary.host}:${bed.primary.port}`, zone: ZONE, tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret } },
    'providers.lab',
  );
  return rfc2136Manifest.create(config, { clock, dns: { resolvers: [], nameservers: new Map([[ZONE, bed.servers]]), timeoutMs: 2000 } });
}

function scenarios(bed: BindBed, key: TsigKey, configFile: string, dataDir: string): Scenario[] {
  const clock = new CorrectedClock({ system: systemClock });
  const provider = inProcessProvider(bed, key, clock);

  const cliSet = async (r: BenchRecord): Promise<void> => {
    const args = ['--config', configFile, '--data', dataDir, 'record', 'set', r.fqdn, 'A', r.value, '--provider', 'lab', '--timeout', `${OP_TIMEOUT_MS}ms`];
    const res = await runCli(args, { timeoutMs: OP_TIMEOUT_MS * 2 });
    if (res.status !== 0) throw new Error(`zonekeeper record set ${r.fqdn} exited ${String(res.status)}${res.timedOut ? ' (killed: timeout)' : ''}: ${res.stderr}`);
  };
  const inProcess = async (records: readonly BenchRecord[]): Promise<undefined> => {
    const suffix = `.${ZONE}`;
    await provider.setRecords(`${ZONE}.`, records.map((r) => ({ name: r.fqdn.slice(0, -suffix.length), type: 'A', data: r.value })));
    await Promise.all(
      records.map((r) => waitFor({ fqdn: `${r.fqdn}.`, type: 'A', values: [r.value] }, { servers: bed.servers, clock, timeoutMs: OP_TIMEOUT_MS })),
    );
    return undefined;
  };
  const digLoop = async (records: readonly BenchRecord[]): Promise<string> => {
    const d = await digUntilServed(bed.servers, records, DIG_INTERVAL_MS, OP_TIMEOUT_MS);
    return `${d.rounds} dig round${d.rounds === 1 ? '' : 's'}`;
  };
  const make = (count: 1 | typeof BATCH, tag: string, method: string, heavy: boolean, run: Scenario['run']): Scenario => ({
    count,
    tag,
    method,
    heavy,
    run,
    timesMs: [],
    notes: [],
  });

  return [
    make(1, 'cli1', 'zonekeeper `record set` (1 process)', false, async ([r]) => {
      if (r !== undefined) await cliSet(r);
      return undefined;
    }),
    make(1, 'lib1', 'zonekeeper in-process: setRecords + waitFor', false, inProcess),
    make(1, 'ns1', 'nsupdate (1 process) + dig loop', false, async (records) => {
      await nsupdate(key, nsupdateScript(bed.primary, ZONE, records, TTL));
      return digLoop(records);
    }),
    make(BATCH, 'cliseq', `zonekeeper \`record set\` × ${BATCH} processes, sequential`, true, async (records) => {
      for (const r of records) await cliSet(r);
      return undefined;
    }),
    make(BATCH, 'clipar', `zonekeeper \`record set\` × ${BATCH} processes, ${CONCURRENCY} at a time`, true, async (records) => {
      await pool(records, CONCURRENCY, cliSet);
      return undefined;
    }),
    make(BATCH, 'lib100', `zonekeeper in-process: 1 setRecords (1 UPDATE) + ${BATCH} waitFor`, false, inProcess),
    make(BATCH, 'nsseq', `nsupdate × ${BATCH} processes, sequential + dig loop`, false, async (records) => {
      for (const r of records) await nsupdate(key, nsupdateScript(bed.primary, ZONE, [r], TTL));
      return digLoop(records);
    }),
    make(BATCH, 'nsone', `nsupdate, 1 process, ${BATCH} updates in 1 message + dig loop`, false, async (records) => {
      await nsupdate(key, nsupdateScript(bed.primary, ZONE, records, TTL));
      return digLoop(records);
    }),
  ];
}

async function measure(bed: BindBed, s: Scenario, run: number, started: number): Promise<void> {
  const records = freshRecords(s.tag, String(run + 1), s.count);
  await delay(QUIET_MS);
  const t0 = performance.now();
  const note = await s.run(records);
  const ms = performance.now() - t0;
  await verifyServed(bed, records);
  s.timesMs.push(ms);
  if (note !== undefined) s.notes.push(note);
  log(`[${seconds(performance.now() - started)} s] ${s.count} × ${s.method}: run ${run + 1}: ${seconds(ms)} s${note === undefined ? '' : ` (${note})`}`);
}

async function toolVersion(command: string, args: string[]): Promise<string> {
  try {
    const r = await runProcess(command, args);
    return (r.stdout + r.stderr).trim().split('\n')[0] ?? '?';
  } catch {
    return 'not found';
  }
}

function report(bed: BindBed, key: TsigKey, list: readonly Scenario[], versions: readonly string[], load: string, elapsedMs: number): string {
  const rows = list.map((s) => {
    const sum = summarize(s.timesMs);
    return [
      String(s.count),
      s.method,
      String(sum.runs),
      seconds(sum.minMs),
      seconds(sum.medianMs),
      seconds(sum.maxMs),
      s.count === 1 ? '' : (sum.medianMs / s.count).toFixed(1),
    ];
  });
  const table = renderTable(['records', 'method', 'runs', 'min s', 'median s', 'max s', 'median ms/record'], rows, [true, false, true, true, true, true, true]);
  const servers = bed.servers.map((s) => `${s.host}:${s.port}`).join(', ');
  const raw = list.map((s) => `- ${s.count} × ${s.method}: ${s.timesMs.map(seconds).join(', ')} s${s.notes.length === 0 ? '' : ` (${s.notes.join('; ')})`}`);
  return [
    `# zonekeeper record benchmark: time from start until EVERY authoritative server serves the value`,
    '',
    `Servers: BIND primary + 1 secondary (NOTIFY, notify-delay 0), ${servers}; zone ${ZONE}; A records with fresh names every run.`,
    `Machine: ${availableParallelism()} CPUs, 1-min load average ${load} at start; Node ${process.version}; ${versions.join('; ')}.`,
    '',
    table,
    '',
    'How each row is timed (wall clock, from the first process start to confirmation on every server):',
    `- zonekeeper CLI: until the \`record set\` process exits 0; it polls each server itself (first poll at once, then 50 ms growing by half each time up to 1 s). Process start is included (${CONCURRENCY} at a time on the parallel row).`,
    '- zonekeeper in-process: rfc2136 provider `setRecords` with every record in one call (one UPDATE over TCP), then `waitFor` for each name against both servers, all names in parallel; provider and clock created once beforehand, as in the daemon.',
    `- nsupdate + dig: the update(s), then rounds of one \`dig +short\` per server still lacking a value (asking only for the names it lacks), **${DIG_INTERVAL_MS / 1000} s sleep between dig rounds**, first round at once; processes run one after another, as in a shell script.`,
    `- Peer command lines: \`nsupdate -y ${key.algorithm}:${key.name}:<secret>\` with stdin \`server 127.0.0.1 ${bed.primary.port}\` / \`zone ${ZONE}\` / per record \`update delete <name> A\` + \`update add <name> ${TTL} A <value>\` / \`send\`; then \`dig +short @127.0.0.1 -p <port> <name> A [<name> A …]\` for port ${bed.servers.map((s) => s.port).join(' and ')}.`,
    `- Before every run an untimed ${QUIET_MS} ms pause lets BIND's notify/refresh rate limiters (default 20/s, a 500 ms ticker while busy) go idle, so each run starts from quiet servers; inside the 100-process rows consecutive changes still meet the ticker, as they would in practice.`,
    `- After every run (untimed) each server is queried directly for every name; all runs passed. Rows with fewer than ${RUNS} runs were cut by the ${BUDGET_MS / 1000} s budget.`,
    `- One untimed warm-up run of each 1-record row came first. Total benchmark time ${seconds(elapsedMs)} s.`,
    '',
    'Raw timings (s):',
    ...raw,
    '',
  ].join('\n');
}

export async function benchRecord(args: readonly string[]): Promise<void> {
  if (args.length > 0) throw new Error(`bench record takes no arguments (got ${args.join(' ')})`);
  const started = performance.now();
  const load = (loadavg()[0] ?? 0).toFixed(2);
  const versions = await Promise.all([toolVersion('named', ['-v']), toolVersion('nsupdate', ['-V']), toolVersion('dig', ['-v'])]);
  log('starting BIND primary + secondary…');
  const bed = await startBind({ secondaries: 1 });
  let root: string | undefined;
  const cleanup = async (): Promise<void> => {
    await bed.stop();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    log('interrupted: stopping the servers');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const key = bed.keys[KEY_FULL];
    if (key === undefined) throw new Error(`the test bed has no ${KEY_FULL} key`);
    root = await mkdtemp(join(tmpdir(), 'zk-bench-'));
    const configFile = join(root, 'zonekeeper.yaml');
    writeLabConfig(configFile, bed, { providerZone: ZONE });
    const list = scenarios(bed, key, configFile, join(root, 'data'));

    for (const s of list.filter((x) => x.count === 1)) {
      const warm = freshRecords(s.tag, 'warm', 1);
      await delay(QUIET_MS);
      await s.run(warm);
      await verifyServed(bed, warm);
    }
    for (let run = 0; run < RUNS; run++) {
      for (const s of list.filter((x) => !x.heavy)) await measure(bed, s, run, started);
    }
    // Heavy rows round-robin, cheapest first; a run starts only if its last duration still fits the budget.
    const heavy = list.filter((x) => x.heavy).toReversed();
    for (let run = 0; run < RUNS; run++) {
      for (const s of heavy) {
        const last = s.timesMs.at(-1);
        if (last !== undefined && performance.now() - started + last > BUDGET_MS) continue;
        await measure(bed, s, run, started);
      }
    }
    process.stdout.write(report(bed, key, list, versions, load, performance.now() - started));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
