/**
 * `npm run bench -- issue [--runs N]`: wall time of one whole certificate
 * issuance (new account, order, DNS-01 through RFC 2136, validation,
 * finalize, download) against a loopback bed of real Pebble + BIND (primary
 * + 1 secondary, NOTIFY), for ONE name (`a.example.test`) and for APEX +
 * WILDCARD (`example.test`, `*.example.test`), with:
 *
 * - zonekeeper's CLI: `zonekeeper cert issue` as a whole process (Node
 *   start-up included), a fresh data dir every run;
 * - zonekeeper in-process (protocol only): `issueCertificate` with an HTTP
 *   client, clock, DNS context and provider made once, and a fresh store
 *   opened (untimed) before every run: the minimum the protocol needs, done
 *   by our own modules;
 * - lego and certbot as Debian packages them (see acme-peers.ts for the
 *   exact command lines), each run in a fresh directory.
 *
 * Every run registers a new account, and after it (untimed) the certificate
 * it wrote is read back and must name every domain: a run that did not do
 * the work fails the benchmark. Light rows run RUNS times, round-robin.
 * certbot with its default 60 s propagation sleep runs once per scenario,
 * beside 5 runs with `--dns-rfc2136-propagation-seconds 0`; lego's
 * apex+wildcard default (≈ 70 s: a 60 s pause between the two
 * authorizations) is repeated only while the whole benchmark stays within
 * BUDGET_MS (at least once). Peers that are not installed are skipped, with
 * the apt-get line that installs them. All servers (and any child still
 * running) are stopped at the end, on error, and on SIGINT/SIGTERM.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { resolveCa } from '../src/acme/cas.ts';
import { issueCertificate } from '../src/acme/issue.ts';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import type { DnsContext } from '../src/dns/context.ts';
import { createHttpClient } from '../src/http/client.ts';
import { rfc2136Manifest } from '../src/providers/rfc2136/manifest.ts';
import { openSqliteStore } from '../src/store/sqlite/open.ts';
import { KEY_FULL, startBind, type BindBed } from '../test/harness/bind.ts';
import { CLI_MAIN } from '../test/harness/cli.ts';
import { startPebble, type PebbleBed } from '../test/harness/pebble.ts';
import {
  CERTBOT_INSTALL,
  LEGO_INSTALL,
  certbotInvocation,
  commandLine,
  legoInvocation,
  peerVersion,
  type Invocation,
  type PeerBed,
} from './acme-peers.ts';
import { renderTable, seconds, summarize } from './table.ts';
import { killTracked, runTracked } from './tracked-process.ts';
import { writeLabConfig } from '../test/harness/zk-config.ts';

const ZONE = 'example.test';
const DEFAULT_RUNS = 5;
/** Extra runs of the heavy row start only while the benchmark has run less than this (minus the last run's length). */
const BUDGET_MS = 540_000;
/** Untimed pause before every run: lets BIND's notify/refresh rate limiters (500 ms ticker) go idle, as in the record benchmark. */
const QUIET_MS = 750;
/** Per-run limit: a stuck run fails instead of hanging. */
const RUN_TIMEOUT_MS = 180_000;
/** What the CLI passes to `issueCertificate` (src/cli/commands/cert.ts). */
const PROPAGATION_TIMEOUT_MS = 120_000;
const VALIDATION_TIMEOUT_MS = 120_000;
const CERTBOT_DEFAULT_PROPAGATION_S = 60;

interface Scenario {
  readonly id: string;
  readonly label: string;
  readonly domains: readonly string[];
}

const SCENARIOS: readonly Scenario[] = [
  { id: 'one', label: '1 name', domains: ['a.example.test'] },
  { id: 'wild', label: 'apex + wildcard', domains: ['example.test', '*.example.test'] },
];

type Method = 'zk-cli' | 'zk-lib' | 'lego' | 'certbot-0' | 'certbot-60';

/** One prepared run: `start` is the timed part and resolves to the file holding the certificate (leaf first). */
interface Prepared {
  readonly start: () => Promise<string>;
  readonly finish?: () => Promise<void>;
  /** The exact command line, for the report (secrets and temp dirs replaced). */
  readonly shown?: string;
}

interface Row {
  readonly scenario: Scenario;
  readonly method: Method;
  readonly label: string;
  /** light: every run round-robin; once: 1 run; heavy: runs only while within the budget (at least 1). */
  readonly kind: 'light' | 'once' | 'heavy';
  /** Runs wanted; the heavy row may get fewer (budget), never fewer than 1. */
  readonly runs: number;
  readonly prepare: (runDir: string) => Promise<Prepared>;
  readonly timesMs: number[];
  shown?: string;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}


/** Throws unless the PEM's first certificate names every domain. */
async function verifyCertificate(file: string, domains: readonly string[]): Promise<void> {
  const san = new X509Certificate(await readFile(file, 'utf8')).subjectAltName ?? '';
  const names = san.split(', ').map((s) => s.replace(/^DNS:/, ''));
  const lacking = domains.filter((d) => !names.includes(d));
  if (lacking.length > 0) throw new Error(`${file}: certificate lacks ${lacking.join(', ')} (SAN: ${san})`);
}

/** Runs a peer process; throws with its output (secret redacted) unless it exits 0. */
async function runPeer(inv: Invocation, secret: string): Promise<string> {
  const r = await runTracked(inv.command, inv.args, { env: inv.env, timeoutMs: RUN_TIMEOUT_MS });
  if (r.status !== 0) {
    const why = r.timedOut ? `killed after ${RUN_TIMEOUT_MS} ms` : `exited ${String(r.status ?? r.signal)}`;
    throw new Error(`${inv.command} ${why}:\n${(r.stdout + r.stderr).slice(-4000).replaceAll(secret, '<secret>')}`);
  }
  return inv.certFile;
}

interface Beds {
  readonly bind: BindBed;
  readonly pebble: PebbleBed;
  readonly peer: PeerBed;
  readonly configFile: string;
  readonly lego: boolean;
  readonly certbot: boolean;
}

function rows(b: Beds, runs: number): Row[] {
  const secret = b.peer.key.secret;
  const clock = new CorrectedClock({ system: systemClock });
  const http = createHttpClient({ clock, userAgent: 'zonekeeper/0.1' });
  const dns: DnsContext = { resolvers: [], nameservers: new Map([[ZONE, b.bind.servers]]), timeoutMs: 2000 };
  const provider = rfc2136Manifest.create(
    rfc2136Manifest.parse(
      { server: `${b.bind.primary.host}:${b.bind.primary.port}`, zone: ZONE, tsig: { name: b.peer.key.name, algorithm: b.peer.key.algorithm, secret } },
      'providers.lab',
    ),
    { clock, dns },
  );
  const ca = resolveCa({ directory: b.pebble.directoryUrl, trust: b.pebble.tlsCaFile });
  const show = (inv: Invocation, runDir: string): string =>
    commandLine(inv, { [runDir]: '$RUN', [b.pebble.tlsCaFile]: '$PEBBLE_TLS_CA', [secret]: '<secret>' });

  const out: Row[] = [];
  for (const sc of SCENARIOS) {
    const make = (method: Method, label: string, prepare: Row['prepare'], kind: Row['kind'] = 'light'): void => {
      out.push({ scenario: sc, method, label, kind, runs: kind === 'once' ? 1 : runs, prepare, timesMs: [] });
    };
    make('zk-cli', 'zonekeeper `cert issue` (CLI, whole process)', (runDir) => {
      const args = ['--config', b.configFile, '--data', join(runDir, 'data'), '--json', 'cert', 'issue', ...sc.domains, '--provider', 'lab', '--ca', b.pebble.directoryUrl, '--ca-trust', b.pebble.tlsCaFile];
      return Promise.resolve({
        shown: ['node', 'src/cli/main.ts', ...args.map((a) => a.replaceAll(runDir, '$RUN').replaceAll(b.pebble.tlsCaFile, '$PEBBLE_TLS_CA').replaceAll(b.configFile, 'zonekeeper.yaml'))]
          .map((w) => (w.includes('$') || w.includes('*') ? `"${w}"` : w))
          .join(' '),
        start: async () => {
          const r = await runTracked(process.execPath, [CLI_MAIN, ...args], { timeoutMs: RUN_TIMEOUT_MS });
          if (r.status !== 0) throw new Error(`zonekeeper cert issue exited ${String(r.status ?? r.signal)}${r.timedOut ? ' (killed: timeout)' : ''}:\n${r.stderr.slice(-4000)}`);
          const json = JSON.parse(r.stdout) as { files?: { cert?: string } };
          if (json.files?.cert === undefined) throw new Error(`zonekeeper cert issue printed no certificate file: ${r.stdout}`);
          return json.files.cert;
        },
      });
    });
    make('zk-lib', 'zonekeeper in-process (protocol only)', async (runDir) => {
      const dataDir = join(runDir, 'data');
      await mkdir(dataDir, { recursive: true });
      const store = await openSqliteStore(join(dataDir, 'zonekeeper.db'));
      return {
        start: async () => {
          const r = await issueCertificate(
            {
              name: sc.domains[0]?.replace(/^\*\./, '_wildcard.') ?? 'bench',
              domains: sc.domains,
              keyType: 'ec256',
              reuseKey: false,
              ca,
              contact: [],
              providerName: 'lab',
              provider,
              propagationTimeoutMs: PROPAGATION_TIMEOUT_MS,
              validationTimeoutMs: VALIDATION_TIMEOUT_MS,
            },
            { http, clock, store, dns, dataDir },
          );
          return r.files.cert;
        },
        finish: () => store.close(),
      };
    });
    if (b.lego) {
      make(
        'lego',
        'lego defaults (+ mandatory `--dns.disable-cp --dns.resolvers`)',
        (runDir) => {
          const inv = legoInvocation(b.peer, sc.domains, runDir);
          return Promise.resolve({ shown: show(inv, runDir), start: () => runPeer(inv, secret) });
        },
        sc.domains.length > 1 ? 'heavy' : 'light',
      );
    }
    if (b.certbot) {
      make('certbot-0', 'certbot, `--dns-rfc2136-propagation-seconds 0`', async (runDir) => {
        const inv = await certbotInvocation(b.peer, sc.domains, runDir, 0);
        return { shown: show(inv, runDir), start: () => runPeer(inv, secret) };
      });
      make(
        'certbot-60',
        `certbot defaults (propagation-seconds ${CERTBOT_DEFAULT_PROPAGATION_S})`,
        async (runDir) => {
          const inv = await certbotInvocation(b.peer, sc.domains, runDir);
          return { shown: show(inv, runDir), start: () => runPeer(inv, secret) };
        },
        'once',
      );
    }
  }
  return out;
}

let runSeq = 0;

/** One run of `row`: untimed setup and quiet pause, the timed issuance, untimed check of the certificate. Returns its wall time. */
async function runOnce(root: string, row: Row): Promise<number> {
  const runDir = join(root, `run-${++runSeq}-${row.method}-${row.scenario.id}`);
  await mkdir(runDir, { recursive: true });
  const p = await row.prepare(runDir);
  if (p.shown !== undefined) row.shown ??= p.shown;
  await delay(QUIET_MS);
  let ms: number;
  let certFile: string;
  try {
    const t0 = performance.now();
    certFile = await p.start();
    ms = performance.now() - t0;
  } finally {
    await p.finish?.();
  }
  await verifyCertificate(certFile, row.scenario.domains);
  await rm(runDir, { recursive: true, force: true });
  return ms;
}

async function measure(root: string, row: Row, started: number): Promise<void> {
  const ms = await runOnce(root, row);
  row.timesMs.push(ms);
  log(`[${seconds(performance.now() - started)} s] ${row.scenario.label}: ${row.label}: run ${row.timesMs.length}: ${seconds(ms)} s`);
}

function medianOf(list: readonly Row[], scenario: Scenario, method: Method): number | undefined {
  const row = list.find((r) => r.scenario === scenario && r.method === method);
  return row === undefined || row.timesMs.length === 0 ? undefined : summarize(row.timesMs).medianMs;
}

function ratioCell(num: number | undefined, den: number | undefined, target: number): string {
  if (num === undefined || den === undefined) return 'n/a';
  const r = num / den;
  return `${r.toFixed(3)} (${r <= target ? 'met' : 'missed'})`;
}

interface ReportInput {
  readonly beds: Beds;
  readonly list: readonly Row[];
  readonly versions: readonly string[];
  readonly missing: readonly string[];
  readonly load: string;
  readonly elapsedMs: number;
  readonly runs: number;
}

function report(i: ReportInput): string {
  const table = renderTable(
    ['scenario', 'method', 'runs', 'min s', 'median s', 'max s'],
    i.list.map((r) => {
      const s = summarize(r.timesMs);
      return [r.scenario.label, r.label, String(s.runs), seconds(s.minMs), seconds(s.medianMs), seconds(s.maxMs)];
    }),
    [false, false, true, true, true, true],
  );
  const ratios = renderTable(
    ['scenario', 'zonekeeper CLI median ÷ lego median (target ≤ 0.1)', 'zonekeeper CLI median ÷ in-process median (target ≤ 2)'],
    SCENARIOS.map((sc) => {
      const cli = medianOf(i.list, sc, 'zk-cli');
      return [sc.label, ratioCell(cli, medianOf(i.list, sc, 'lego'), 0.1), ratioCell(cli, medianOf(i.list, sc, 'zk-lib'), 2)];
    }),
  );
  const servers = i.beds.bind.servers.map((s) => `${s.host}:${s.port}`).join(', ');
  const commands = SCENARIOS.flatMap((sc) =>
    i.list.filter((r) => r.scenario === sc && r.shown !== undefined).map((r) => `- ${sc.label}, ${r.label}:\n  \`${r.shown ?? ''}\``),
  );
  const raw = i.list.map((r) => `- ${r.scenario.label}, ${r.label}: ${r.timesMs.map(seconds).join(', ')}`);
  return [
    '# zonekeeper issuance benchmark: wall time of one whole issuance (new account → certificate on disk)',
    '',
    `Bed: Pebble (${i.beds.pebble.directoryUrl}, VA via the BIND primary, no VA sleep, no nonce rejection, no authorization reuse); BIND primary + 1 secondary (NOTIFY), ${servers}; zone ${ZONE}, TSIG hmac-sha256.`,
    `Machine: ${availableParallelism()} CPUs, 1-min load average ${i.load} at start; Node ${process.version}; ${i.versions.join('; ')}.`,
    ...(i.missing.length === 0 ? [] : ['', ...i.missing.map((m) => `SKIPPED: ${m}`)]),
    '',
    table,
    '',
    ratios,
    '',
    'How each row is timed (wall clock; each run registers a new account: fresh data dir / --path / --config-dir):',
    '- zonekeeper CLI: from spawning `node src/cli/main.ts cert issue …` until it exits 0 (Node start-up included). It returns once the CA validated, after its own propagation check found the TXT on EVERY authoritative server (primary and secondary).',
    '- zonekeeper in-process (protocol only): `issueCertificate()` (account key + registration, order, TXT via the rfc2136 provider, the same every-server propagation check, respond, poll, finalize, download, files, store); HTTP client, clock, DNS context and provider made once, a fresh store opened untimed before each run. The floor the CLI is compared with.',
    '- lego: its defaults (ec256 key; rfc2136 provider: 2 s polling interval, 60 s `RFC2136_SEQUENCE_INTERVAL` between authorizations, which are solved one after another), plus what this bed makes mandatory: `--dns.disable-cp --dns.resolvers <primary>` (its default check queries the NS hosts on port 53 via the system resolver and cannot succeed here) and `LEGO_CA_CERTIFICATES`. With disable-cp it checks only that one query to the resolver does not fail; it never looks at the secondary.',
    `- certbot: dns-rfc2136 authenticator, which sleeps \`--dns-rfc2136-propagation-seconds\` once (default ${CERTBOT_DEFAULT_PROPAGATION_S}) and checks nothing. The default row ran once per scenario (a run costs ≈ ${CERTBOT_DEFAULT_PROPAGATION_S + 4} s); the 0 s row shows its protocol time.`,
    `- Light rows ran ${i.runs} times each, round-robin, after one untimed warm-up run of each (1 name); the lego apex + wildcard row was repeated only while the total stayed within ${BUDGET_MS / 1000} s. Before every run an untimed ${QUIET_MS} ms pause lets BIND's notify/refresh rate limiters go idle.`,
    '- After every run (untimed) the certificate it wrote was read back and had to name every domain; all runs passed.',
    `- Total benchmark time ${seconds(i.elapsedMs)} s.`,
    '',
    'Exact command lines ($RUN = a fresh directory per run, $PEBBLE_TLS_CA = the CA of Pebble\'s HTTPS certificate; the zonekeeper.yaml gives `dns.nameservers` = both BIND servers and provider `lab` = rfc2136 at the primary with the TSIG key):',
    ...commands,
    '',
    'Raw timings (s):',
    ...raw,
    '',
  ].join('\n');
}

async function dpkgVersion(pkg: string): Promise<string> {
  try {
    const r = await runTracked('dpkg-query', ['-W', '-f', '${Version}', pkg], { timeoutMs: 10_000 });
    return r.status === 0 ? `${pkg} ${r.stdout.trim()}` : `${pkg} ?`;
  } catch {
    return `${pkg} ?`;
  }
}

function parseArgs(args: readonly string[]): number {
  if (args.length === 0) return DEFAULT_RUNS;
  const [flag, value, ...rest] = args;
  const n = Number(value);
  if (flag !== '--runs' || rest.length > 0 || !Number.isInteger(n) || n < 1) throw new Error(`usage: npm run bench -- issue [--runs N] (got ${args.join(' ')})`);
  return n;
}

export async function benchIssue(args: readonly string[]): Promise<void> {
  const runs = parseArgs(args);
  const started = performance.now();
  const load = (loadavg()[0] ?? 0).toFixed(2);
  const [legoVersion, certbotVersion, ...versions] = await Promise.all([
    peerVersion('lego'),
    peerVersion('certbot'),
    dpkgVersion('pebble'),
    dpkgVersion('bind9'),
  ]);
  const missing: string[] = [];
  if (legoVersion === undefined) missing.push(`lego is not installed (\`${LEGO_INSTALL}\`); its rows are left out.`);
  if (certbotVersion === undefined) missing.push(`certbot or its rfc2136 plugin is not installed (\`${CERTBOT_INSTALL}\`); its rows are left out.`);
  for (const m of missing) log(m);

  let bind: BindBed | undefined;
  let pebble: PebbleBed | undefined;
  let root: string | undefined;
  const cleanup = async (): Promise<void> => {
    killTracked();
    await pebble?.stop();
    await bind?.stop();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    log('interrupted: stopping the servers');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    log('starting BIND primary + secondary and Pebble…');
    bind = await startBind({ secondaries: 1 });
    pebble = await startPebble({ dnsServer: bind.primary });
    const key = bind.keys[KEY_FULL];
    if (key === undefined) throw new Error(`the test bed has no ${KEY_FULL} key`);
    root = await mkdtemp(join(tmpdir(), 'zk-bench-issue-'));
    const configFile = join(root, 'zonekeeper.yaml');
    writeLabConfig(configFile, bind, { providerZone: ZONE });
    const beds: Beds = {
      bind,
      pebble,
      peer: { directoryUrl: pebble.directoryUrl, tlsCaFile: pebble.tlsCaFile, primary: bind.primary, key },
      configFile,
      lego: legoVersion !== undefined,
      certbot: certbotVersion !== undefined,
    };
    const list = rows(beds, runs);
    const light = list.filter((r) => r.kind === 'light');
    const first = SCENARIOS[0];
    for (const r of light.filter((x) => x.scenario === first)) {
      await runOnce(root, r);
      log(`[${seconds(performance.now() - started)} s] warm-up: ${r.label}`);
    }
    for (let run = 0; run < runs; run++) for (const r of light) await measure(root, r, started);
    for (const r of list.filter((x) => x.kind === 'once')) await measure(root, r, started);
    for (const r of list.filter((x) => x.kind === 'heavy')) {
      while (r.timesMs.length < r.runs) {
        const last = r.timesMs.at(-1);
        if (last !== undefined && performance.now() - started + last > BUDGET_MS) break;
        await measure(root, r, started);
      }
    }
    const all = [legoVersion, certbotVersion, ...versions].filter((v) => v !== undefined);
    process.stdout.write(report({ beds, list, versions: all, missing, load, elapsedMs: performance.now() - started, runs }));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
