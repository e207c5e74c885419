/** The provider contract suite against the rfc2136 provider on real BIND. */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { runProviderContract, type ContractTarget } from '../src/providers/contract.ts';
import { rfc2136Manifest } from '../src/providers/rfc2136/manifest.ts';
import { KEY_FULL, startBind, stopBind, type BindBed } from './harness/bind.ts';

let bed: BindBed;
let target: ContractTarget;

before(async () => {
  bed = await startBind({ secondaries: 0 });
  const key = bed.keys[KEY_FULL];
  assert.ok(key);
  const config = rfc2136Manifest.parse(
    { server: `${bed.primary.host}:${bed.primary.port}`, tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret }, timeout: 5000 },
    'providers.lab',
  );
  target = {
    provider: rfc2136Manifest.create(config, { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } }),
    zone: 'example.test.',
  };
});

after(async () => {
  await stopBind(bed);
});

runProviderContract('rfc2136', () => target, { label: 'contract', pagination: 250 });
