import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import { CredentialWatch } from './credential-watch.ts';

const auth = new AppError('TSIG_BADSIG', { evidence: { server: '127.0.0.1:53', key: 'k' } });
const other = new AppError('HTTP_TIMEOUT', { evidence: {} });

void test('once per provider until it works again; other failures change nothing', () => {
  const w = new CredentialWatch();
  const first = w.observe(
    [
      { provider: 'lab', during: 'ddns', affected: 'a.example.test', error: auth },
      { provider: 'lab', during: 'ddns', affected: 'b.example.test', error: auth },
      { provider: 'cf', during: 'ddns', affected: 'c.example.test', error: other },
    ],
    1000,
  );
  assert.deepEqual(
    first.map((e) => [e.kind, e.subject, e.data['during'], e.data['affected'], e.data['code']]),
    [['credential-failing', 'lab', 'ddns', 'a.example.test', 'TSIG_BADSIG']],
  );
  assert.deepEqual(w.observe([{ provider: 'lab', during: 'renewal', affected: 'web', error: auth }], 2000), [], 'still failing: said already');
  assert.deepEqual(w.observe([{ provider: 'lab', during: 'ddns', affected: 'a.example.test', error: other }], 3000), [], 'an unrelated failure');
  assert.deepEqual(w.observe([{ provider: 'lab', during: 'ddns', affected: 'a.example.test' }], 4000), [], 'works again');
  assert.equal(w.observe([{ provider: 'lab', during: 'renewal', affected: 'web', error: new AppError('PROVIDER_AUTH', { evidence: {} }) }], 5000)[0]?.data['code'], 'PROVIDER_AUTH');
});

void test('a run where the provider both failed on its credential and worked still counts as failing', () => {
  const w = new CredentialWatch();
  const events = w.observe(
    [
      { provider: 'lab', during: 'ddns', affected: 'a', error: new AppError('TSIG_BADKEY', { evidence: {} }) },
      { provider: 'lab', during: 'ddns', affected: 'b' },
    ],
    0,
  );
  assert.equal(events.length, 1);
});
