/**
 * Issue 4's skew matrix for every HTTP provider: `zonekeeper record set` as
 * a whole process under libfaketime at −400 d … +400 d, against the
 * emulators (their records in a real BIND), a real pdns-server and a
 * webhook receiver, all on the real clock (provider-lab.ts). Requests are
 * counted at the servers.
 *
 * - ±400 d: the emulators' TLS certificates are outside their validity at
 *   the faked time, so `clock.ntp` names a chronyd on loopback; the clock is
 *   right before the first request and no request is refused.
 * - Every other shift runs WITHOUT a time source, so the vendor's own
 *   signal must correct it: exactly one request refused for its time when
 *   the shift is outside the vendor's window, none inside it, none where
 *   requests carry no time the server checks (cloudflare: bearer token;
 *   powerdns: API key over plain HTTP). With NTP every shift would need no
 *   extra request and prove nothing about that path.
 * - At 0 skew no request is refused; its request counts are the baseline
 *   every shifted run must match (plus the one refused request).
 * - A second run with the same data dir needs no extra request: the offset
 *   learnt was saved in <data>/clock.json.
 * Providers run three at a time (each has its own server and counters).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChrony, type Chrony } from './harness/chrony.ts';
import { runCli } from './harness/cli.ts';
import { probe } from './harness/dns-probe.ts';
import { LAB_PROVIDER_IDS, startProviderLab, writeLabProviderConfig, type LabProvider, type ProviderLab } from './harness/provider-lab.ts';
import { parseShift } from './harness/shifted-clock.ts';

const SHIFTS = ['-400d', '-1d', '-2h', '-10m', '+10m', '+2h', '+1d', '+400d'] as const;
/** Shifts where TLS cannot be verified from the faked system clock: the trusted time comes from chronyd. */
const NTP_SHIFTS: ReadonlySet<string> = new Set(['-400d', '+400d']);
/**
 * An offset learnt from an HTTP Date (one-second resolution, ± half the
 * round trip, which a loaded machine stretches) or NTP is this close to the
 * shift; the smallest shift is 200 times larger.
 */
const OFFSET_TOLERANCE_MS = 3000;

let root: string;
let lab: ProviderLab;
let chrony: Chrony;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'zk-provider-skew-'));
  [lab, chrony] = await Promise.all([startProviderLab(root), startChrony()]);
});

after(async () => {
  await Promise.all([lab?.stop(), chrony?.stop()]);
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

interface RunResult {
  readonly requests: number;
  readonly skewRefusals: number;
  readonly clock: { offsetMs: number; trusted: boolean; basis: string };
}

/** `record set <name> A <value>` through provider `p` under `shift` ("0": no faketime); counts taken at the server. */
async function recordSet(p: LabProvider, o: { config: string; data: string; name: string; value: string; shift: string }): Promise<RunResult> {
  p.reset();
  const r = await runCli(
    ['--config', o.config, '--data', o.data, '--json', 'record', 'set', o.name, 'A', o.value, '--provider', 'p'],
    o.shift === '0' ? {} : { faketime: o.shift },
  );
  assert.equal(r.status, 0, `${p.id} ${o.shift}: ${r.stdout}\n${r.stderr}`);
  assert.deepEqual((await probe(p.dns.host, p.dns.port, o.name, 'A')).answers.map((a) => a.data), [o.value], `${p.id} ${o.shift}: served`);
  const out = r.json as { clock: RunResult['clock'] };
  return { requests: p.requests(), skewRefusals: p.skewRefusals(), clock: out.clock };
}

/** Requests refused for their time when the clock is off by `shiftMs` and nothing corrected it first. */
function expectedExtra(p: LabProvider, shiftMs: number): 0 | 1 {
  return p.windowMs !== undefined && Math.abs(shiftMs) > p.windowMs ? 1 : 0;
}

describe('record set under libfaketime, every HTTP provider', { concurrency: 3 }, () => {
  for (const id of LAB_PROVIDER_IDS) {
    test(id, async (t) => {
      const p = lab.provider(id);
      const run = (i: number | string, shift: string, ntp: boolean): { config: string; data: string; name: string } => ({
        config: writeLabProviderConfig(join(root, `${id}-${i}.yaml`), p, ntp ? { ntp: [`${chrony.host}:${chrony.port}`] } : {}),
        data: join(root, `${id}-${i}-data`),
        name: `skew${i}.${p.zone}`,
      });

      const base = run('base', '0', false);
      const first = await recordSet(p, { ...base, value: '192.0.2.50', shift: '0' });
      const again = await recordSet(p, { ...base, value: '192.0.2.51', shift: '0' });
      await t.test('no skew: no request refused, twice', () => {
        assert.equal(first.skewRefusals, 0);
        assert.equal(again.skewRefusals, 0);
        assert.ok(first.requests >= 1 && again.requests >= 1);
        assert.ok(Math.abs(first.clock.offsetMs) < OFFSET_TOLERANCE_MS, String(first.clock.offsetMs));
      });

      for (const [i, shift] of SHIFTS.entries()) {
        await t.test(`clock ${shift}`, async () => {
          const shiftMs = parseShift(shift);
          const ntp = NTP_SHIFTS.has(shift);
          const s = run(i, shift, ntp);
          const extra = ntp ? 0 : expectedExtra(p, shiftMs);

          const r = await recordSet(p, { ...s, value: `192.0.2.${60 + i}`, shift });
          assert.equal(r.skewRefusals, extra, `requests refused for their time (window ${p.windowMs} ms)`);
          assert.equal(r.requests, first.requests + extra, 'the 0-skew run plus the refused one');
          // The clock learnt the time: from NTP, else from the HTTPS answers' Date; plain HTTP teaches nothing.
          const learnt = ntp || p.https;
          assert.equal(r.clock.basis, ntp ? 'ntp' : learnt ? 'http' : 'system');
          const expectedOffset = learnt ? -shiftMs : 0;
          assert.ok(Math.abs(r.clock.offsetMs - expectedOffset) < OFFSET_TOLERANCE_MS, `offset ${r.clock.offsetMs} ms, expected ${expectedOffset}`);

          const next = await recordSet(p, { ...s, value: `198.51.100.${60 + i}`, shift });
          assert.equal(next.skewRefusals, 0, 'the saved offset is used from the first request');
          assert.equal(next.requests, again.requests);
        });
      }
    });
  }
});
