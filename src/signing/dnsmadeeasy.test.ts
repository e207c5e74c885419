import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAppError } from '../core/errors.ts';
import { signDnsMadeEasy } from './dnsmadeeasy.ts';

interface Vector {
  name: string;
  inputs: { apiKey: string; secretKey: string; epochSeconds: number };
  expected: { requestDate: string; hmac: string; headers: Record<string, string> };
}

const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/dnsmadeeasy.json', import.meta.url), 'utf8')) as { cases: Vector[] };

test('the vectors file has the two DNS Made Easy cases', () => {
  assert.equal(vectors.cases.length, 2);
});

for (const v of vectors.cases) {
  test(`DNS Made Easy vector: ${v.name}`, () => {
    const s = signDnsMadeEasy({ apiKey: v.inputs.apiKey, secretKey: v.inputs.secretKey, timeMs: v.inputs.epochSeconds * 1000 });
    assert.equal(s.requestDate, v.expected.requestDate);
    assert.equal(s.hmac, v.expected.hmac);
    assert.deepEqual(s.headers, v.expected.headers);
  });
}

const first = vectors.cases[0];

test('DNS Made Easy: one changed byte in the secret or one second of time changes the HMAC', () => {
  assert.ok(first);
  const input = { apiKey: first.inputs.apiKey, secretKey: first.inputs.secretKey, timeMs: first.inputs.epochSeconds * 1000 };
  const good = signDnsMadeEasy(input);
  assert.notEqual(signDnsMadeEasy({ ...input, secretKey: `${input.secretKey.slice(0, -1)}6` }).hmac, good.hmac);
  const later = signDnsMadeEasy({ ...input, timeMs: input.timeMs + 1000 });
  assert.equal(later.requestDate, 'Sat, 12 Feb 2011 20:59:05 GMT');
  assert.notEqual(later.hmac, good.hmac);
  // Milliseconds are dropped, not rounded.
  assert.deepEqual(signDnsMadeEasy({ ...input, timeMs: input.timeMs + 999 }), good);
  // The API key is sent but not signed.
  assert.equal(signDnsMadeEasy({ ...input, apiKey: 'other' }).hmac, good.hmac);
});

test('DNS Made Easy: a non-finite, negative or five-digit-year time is rejected with INTERNAL', () => {
  for (const timeMs of [Number.NaN, Number.NEGATIVE_INFINITY, -1, Date.UTC(10000, 0, 1)]) {
    assert.throws(() => signDnsMadeEasy({ apiKey: 'k', secretKey: 's', timeMs }), (e: unknown) => isAppError(e, 'INTERNAL'));
  }
});
