import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MASK, maskSecret, redactEvidence, redactString } from './redact.ts';

void test('values under secret-looking keys are masked, whatever the case', () => {
  const out = redactEvidence(
    { secret: 'abc', secretKey: 'k', apiKey: 'k', API_KEY: 'k', sessionToken: 't', password: 'p', privateKey: 'x', authorization: 'Bearer x', signature: 's', credentials: 'c' },
    [],
  );
  for (const [k, v] of Object.entries(out)) assert.equal(v, MASK, k);
});

void test('ordinary keys, empty strings, numbers and booleans stay', () => {
  const ev = { path: 'providers.lab.tsig.secret', key: 'ddns-key', server: '127.0.0.1:53', secret: '', secretLength: 44, tokenValid: false, n: null };
  assert.deepEqual(redactEvidence(ev, []), ev);
});

void test('everything below a secret-looking key is masked, at any depth', () => {
  const out = redactEvidence({ credentials: { id: 'AKID', value: 'hunter22', list: ['a', { deep: 'b' }] }, tokens: ['t1', 't2'] }, []);
  assert.deepEqual(out, { credentials: { id: MASK, value: MASK, list: [MASK, { deep: MASK }] }, tokens: [MASK, MASK] });
});

void test('a secret-looking key inside an object masks its value only', () => {
  assert.deepEqual(redactEvidence({ request: { url: 'https://x.test/', headers: { Authorization: 'HMAC abc', Accept: 'json' } } }, []), {
    request: { url: 'https://x.test/', headers: { Authorization: MASK, Accept: 'json' } },
  });
});

void test('known secret strings are replaced inside nested values', () => {
  const secret = 'c2VjcmV0LWtleQ==';
  const out = redactEvidence({ message: `bad key ${secret}!`, lines: [`x ${secret}`, { body: `${secret}${secret}` }], count: 2 }, [secret]);
  assert.deepEqual(out, { message: `bad key ${MASK}!`, lines: [`x ${MASK}`, { body: `${MASK}${MASK}` }], count: 2 });
  assert.ok(!JSON.stringify(out).includes(secret));
});

void test('secrets shorter than 4 characters are not replaced (they would mask everything)', () => {
  assert.deepEqual(redactEvidence({ m: 'abc and a' }, ['a', 'abc']), { m: 'abc and a' });
});

void test('a secret that contains another is replaced whole, whatever the order given', () => {
  const long = 'abcdefgh12345678';
  const short = 'abcdefgh';
  for (const secrets of [[short, long], [long, short]]) {
    const out = redactString(`x=${long} y=${short}`, secrets);
    assert.equal(out, `x=${MASK} y=${MASK}`, JSON.stringify(secrets));
    assert.ok(!JSON.stringify(redactEvidence({ m: long }, secrets)).includes('12345678'));
  }
});

void test('maskSecret shows nothing of the secret', () => {
  assert.equal(maskSecret('hunter22'), MASK);
  assert.equal(maskSecret(''), '');
});

void test('the input is not modified', () => {
  const ev = { secret: 'x', nested: { token: 'y' } };
  redactEvidence(ev, ['xxxx']);
  assert.deepEqual(ev, { secret: 'x', nested: { token: 'y' } });
});
