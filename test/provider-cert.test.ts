/**
 * Issue 4: `zonekeeper cert issue <zone> *.<zone>` through every HTTP
 * provider against real Pebble. The emulators and the webhook receiver
 * write into a real BIND and Pebble resolves the challenge TXT there; for
 * powerdns a second Pebble resolves through pdns itself
 * (provider-lab.ts). Each issuance must exit 0 with a chain that verifies
 * and names both the apex and the wildcard, and leave no `_acme-challenge`
 * record behind, neither at the authoritative server nor in the provider's
 * own listing. Providers run three at a time (separate zones and servers).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { loadConfig } from '../src/config/load.ts';
import { runCli } from './harness/cli.ts';
import { probe } from './harness/dns-probe.ts';
import { startPebble, type PebbleBed } from './harness/pebble.ts';
import { LAB_PROVIDER_IDS, startProviderLab, writeLabProviderConfig, type LabProvider, type ProviderLab } from './harness/provider-lab.ts';

let root: string;
let lab: ProviderLab;
/** Validates through the BIND primary (every provider but powerdns). */
let pebbleBind: PebbleBed;
/** Validates through pdns. */
let pebblePdns: PebbleBed;
/** Pebble's issuing roots, one PEM file per Pebble. */
const rootFiles = new Map<PebbleBed, string>();

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'zk-provider-cert-'));
  lab = await startProviderLab(root);
  [pebbleBind, pebblePdns] = await Promise.all([startPebble({ dnsServer: lab.bed.primary }), startPebble({ dnsServer: lab.provider('powerdns').dns })]);
  for (const [i, pebble] of [pebbleBind, pebblePdns].entries()) {
    const file = join(root, `pebble-root-${i}.pem`);
    writeFileSync(file, (await pebble.roots())[0] as string);
    rootFiles.set(pebble, file);
  }
});

after(async () => {
  await Promise.all([pebbleBind?.stop(), pebblePdns?.stop()]);
  await lab?.stop();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

interface Issued {
  domains: string[];
  files: { dir: string; cert: string; chain: string; fullchain: string; privkey: string };
}

/** Names of `_acme-challenge` records in the provider's own listing, through the provider the CLI configured. */
async function listedChallenges(p: LabProvider, config: string): Promise<string[]> {
  const entry = loadConfig({ path: config, explicit: true, env: {} }).providers.get('p');
  assert.ok(entry);
  const provider = entry.manifest.create(entry.config, { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
  const records = await provider.getRecords(`${p.zone}.`);
  assert.ok(records.length > 0, 'the listing works');
  return records.filter((r) => r.name.toLowerCase().startsWith('_acme-challenge')).map((r) => `${r.name} ${r.type} ${r.data}`);
}

describe('cert issue <zone> *.<zone> through every HTTP provider', { concurrency: 3 }, () => {
  for (const id of LAB_PROVIDER_IDS) {
    test(`${id}: issued for apex and wildcard, no challenge record left`, async () => {
      const p = lab.provider(id);
      const pebble = id === 'powerdns' ? pebblePdns : pebbleBind;
      const config = writeLabProviderConfig(join(root, `${id}.yaml`), p);
      const apex = p.zone;
      const r = await runCli(
        ['--config', config, '--data', join(root, `${id}-data`), '--json', 'cert', 'issue', apex, `*.${apex}`, '--provider', 'p', '--ca', pebble.directoryUrl, '--ca-trust', pebble.tlsCaFile],
        { timeoutMs: 120_000 },
      );
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      const out = r.json as Issued;
      assert.deepEqual(out.domains, [apex, `*.${apex}`]);
      for (const f of Object.values(out.files).slice(1)) assert.ok(existsSync(f), f);
      const san = execFileSync('openssl', ['x509', '-in', out.files.cert, '-noout', '-ext', 'subjectAltName']).toString();
      const byName = (a: string, b: string): number => a.localeCompare(b);
      const names = [...san.matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1] as string).sort(byName);
      assert.deepEqual(names, [apex, `*.${apex}`].sort(byName));
      const verified = execFileSync('openssl', ['verify', '-CAfile', rootFiles.get(pebble) as string, '-untrusted', out.files.chain, out.files.cert]).toString();
      assert.match(verified, /: OK/);

      assert.deepEqual((await probe(p.dns.host, p.dns.port, `_acme-challenge.${apex}`, 'TXT')).answers, [], 'served by the authoritative server');
      assert.deepEqual(await listedChallenges(p, config), [], "in the provider's listing");
    });
  }
});
