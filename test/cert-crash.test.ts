/**
 * Crash safety: `zonekeeper cert issue` killed with SIGKILL at 20 seeded
 * random moments; after each, a new run issues the certificate and BIND
 * holds no challenge record of ours.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { writeLabConfig } from './harness/zk-config.ts';
import { CLI_MAIN, REPO_ROOT, runCli } from './harness/cli.ts';
import { probe } from './harness/dns-probe.ts';
import { startPebble, type PebbleBed } from './harness/pebble.ts';

const SEED = 20261122;
const KILLS = 20;

/** mulberry32: a small seeded PRNG, so a failing moment can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let bed: BindBed;
let pebble: PebbleBed;
let root: string;
let config: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'zk-crash-'));
  bed = await startBind({ secondaries: 0 });
  pebble = await startPebble({ dnsServer: bed.primary });
  config = writeLabConfig(join(root, 'zonekeeper.yaml'), bed);
});

after(async () => {
  await pebble?.stop();
  await stopBind(bed);
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

function killedAfter(args: string[], ms: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: REPO_ROOT, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('error', reject);
    child.once('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : 'finished');
    });
  });
}

async function challengeTxt(): Promise<string[]> {
  const names = ['_acme-challenge.crash.example.test', '_acme-challenge.example.test'];
  const out: string[] = [];
  for (const n of names) for (const a of (await probe(bed.primary.host, bed.primary.port, n, 'TXT')).answers) out.push(`${n} ${a.data}`);
  return out;
}

test(`SIGKILL at ${KILLS} seeded moments during issuance: the next run issues and leaves no challenge record`, async () => {
  const random = seeded(SEED);
  const data = join(root, 'data');
  const args = ['--config', config, '--data', data, '--json', 'cert', 'issue', 'crash.example.test', '*.crash.example.test', '--provider', 'lab', '--ca', pebble.directoryUrl, '--ca-trust', pebble.tlsCaFile];
  // Kill moments are spread over the time one whole issuance takes here (process start included),
  // measured on a run that, like the ones after a kill, reuses the account.
  const first = await runCli(args, { timeoutMs: 120_000 });
  assert.equal(first.status, 0, first.stderr);
  const started = performance.now();
  const warm = await runCli(args, { timeoutMs: 120_000 });
  assert.equal(warm.status, 0, warm.stderr);
  const spreadMs = performance.now() - started;
  // A run that finishes before its moment interrupted nothing: draw another moment, until 20 runs were killed.
  let killed = 0;
  let attempts = 0;
  while (killed < KILLS) {
    assert.ok(++attempts <= 3 * KILLS, `only ${killed} of ${attempts - 1} runs were killed before finishing (spread ${Math.round(spreadMs)} ms)`);
    const at = Math.floor(random() * spreadMs);
    if ((await killedAfter(args, at)) !== 'killed') continue;
    killed++;
    const r = await runCli(args, { timeoutMs: 120_000 });
    assert.equal(r.status, 0, `run after a kill at ${at} ms (seed ${SEED}, kill #${killed}): ${r.stderr}`);
    assert.deepEqual(await challengeTxt(), [], `challenge records left after the kill at ${at} ms (#${killed})`);
  }
});
