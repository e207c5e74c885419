import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldSpec } from '../providers/types.ts';
import { checkFields, isPlainObject, unknownKey } from './fields.ts';
import { throwsAppError as fails } from '../core/testing/app-error-assert.ts';

const FIELDS: readonly FieldSpec[] = [
  { name: 'server', type: 'string', required: true, secret: false, description: 'server' },
  { name: 'apiKey', type: 'string', required: false, secret: true, description: 'a secret' },
  { name: 'mode', type: 'string', required: false, secret: false, description: 'enum', enum: ['fast', 'slow'], default: 'fast' },
  { name: 'timeout', type: 'integer', required: false, secret: false, description: 'ms', default: 5000 },
  {
    name: 'tsig',
    type: 'object',
    required: false,
    secret: false,
    description: 'nested',
    fields: [
      { name: 'name', type: 'string', required: true, secret: false, description: 'key name' },
      { name: 'secret', type: 'string', required: true, secret: true, description: 'key secret' },
    ],
  },
];

const SECRET = 'c2VjcmV0LWtleS1tYXRlcmlhbA==';


let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'zk-fields-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

void test('isPlainObject: mappings only', () => {
  assert.equal(isPlainObject({}), true);
  assert.equal(isPlainObject([]), false);
  assert.equal(isPlainObject(null), false);
  assert.equal(isPlainObject('x'), false);
});

void test('valid values: defaults filled in, numbers accepted as strings, secrets collected', () => {
  const r = checkFields(FIELDS, { server: 12345, apiKey: SECRET, tsig: { name: 'k', secret: 'b3RoZXI=' } }, 'providers.x', {});
  assert.deepEqual(r.values, { server: '12345', apiKey: SECRET, mode: 'fast', timeout: 5000, tsig: { name: 'k', secret: 'b3RoZXI=' } });
  assert.deepEqual(r.secrets, [SECRET, 'b3RoZXI=']);
});

void test('null counts as absent', () => {
  const r = checkFields(FIELDS, { server: 'a', apiKey: null, mode: null }, 'p', {});
  assert.equal(r.values['apiKey'], undefined);
  assert.equal(r.values['mode'], 'fast');
});

void test('an unknown field is CONFIG_INVALID with its path and a suggestion; ignored keys pass', () => {
  fails(() => checkFields(FIELDS, { server: 'a', severs: 'b' }, 'providers.x', {}), 'CONFIG_INVALID', { path: 'providers.x.severs', didYouMean: 'server' });
  const e = fails(() => checkFields(FIELDS, { server: 'a', zzzzzz: 1 }, 'providers.x', {}), 'CONFIG_INVALID', { path: 'providers.x.zzzzzz' });
  assert.equal(e.diagnosis.evidence['didYouMean'], undefined);
  fails(() => checkFields(FIELDS, { server: 'a', tsig: { name: 'k', secret: SECRET, algoritm: 'x' } }, 'providers.x', {}), 'CONFIG_INVALID', {
    path: 'providers.x.tsig.algoritm',
  });
  assert.equal(checkFields(FIELDS, { type: 'rfc2136', server: 'a' }, 'p', {}, ['type']).values['server'], 'a');
});

void test('unknownKey: at the top level the path is the key alone', () => {
  assert.equal(unknownKey('', 'provders', ['providers']).diagnosis.evidence['path'], 'provders');
  assert.equal(unknownKey('', 'provders', ['providers']).diagnosis.evidence['didYouMean'], 'providers');
  assert.equal(unknownKey('dns', 'resolver', ['resolvers']).diagnosis.evidence['path'], 'dns.resolver');
});

void test('a missing required field is CONFIG_INVALID, also inside an object', () => {
  fails(() => checkFields(FIELDS, {}, 'providers.x', {}), 'CONFIG_INVALID', { path: 'providers.x.server', reason: 'required setting missing' });
  fails(() => checkFields(FIELDS, { server: 'a', tsig: { name: 'k' } }, 'providers.x', {}), 'CONFIG_INVALID', { path: 'providers.x.tsig.secret' });
});

void test('wrong types are CONFIG_INVALID', () => {
  fails(() => checkFields(FIELDS, { server: ['a'] }, 'p', {}), 'CONFIG_INVALID', { path: 'p.server', reason: 'expected a string' });
  fails(() => checkFields(FIELDS, { server: true }, 'p', {}), 'CONFIG_INVALID', { path: 'p.server' });
  fails(() => checkFields(FIELDS, { server: 'a', tsig: 'k' }, 'p', {}), 'CONFIG_INVALID', { path: 'p.tsig', reason: 'expected a mapping' });
  fails(() => checkFields(FIELDS, { server: 'a', tsig: [] }, 'p', {}), 'CONFIG_INVALID', { path: 'p.tsig' });
  for (const bad of [1.5, 'abc', '', ' ', '12ms', '0x10', true])
    fails(() => checkFields(FIELDS, { server: 'a', timeout: bad }, 'p', {}), 'CONFIG_INVALID', { path: 'p.timeout', reason: 'expected an integer' });
});

void test('an integer may be a decimal string or a reference', () => {
  assert.equal(checkFields(FIELDS, { server: 'a', timeout: ' 250 ' }, 'p', {}).values['timeout'], 250);
  assert.equal(checkFields(FIELDS, { server: 'a', timeout: '${env:T}' }, 'p', { T: '750' }).values['timeout'], 750);
  fails(() => checkFields(FIELDS, { server: 'a', timeout: '${env:T}' }, 'p', { T: '' }), 'CONFIG_INVALID', { path: 'p.timeout' });
});

void test('enumerations: case and a trailing dot are tolerated; others are CONFIG_INVALID with a suggestion', () => {
  assert.equal(checkFields(FIELDS, { server: 'a', mode: 'SLOW.' }, 'p', {}).values['mode'], 'SLOW.');
  fails(() => checkFields(FIELDS, { server: 'a', mode: 'fsat' }, 'p', {}), 'CONFIG_INVALID', { path: 'p.mode', didYouMean: 'fast', allowed: ['fast', 'slow'] });
});

void test('references are resolved in strings; an unresolved one is CONFIG_REFERENCE_UNRESOLVED', () => {
  const f = join(dir, 'key');
  writeFileSync(f, `${SECRET}\n`);
  const r = checkFields(FIELDS, { server: '${env:HOST}', apiKey: `\${file:${f}}` }, 'p', { HOST: '192.0.2.1' });
  assert.equal(r.values['server'], '192.0.2.1');
  assert.equal(r.values['apiKey'], SECRET);
  assert.deepEqual(r.secrets, [SECRET]);
  fails(() => checkFields(FIELDS, { server: 'a', apiKey: '${env:NOPE}' }, 'p', {}), 'CONFIG_REFERENCE_UNRESOLVED', { path: 'p.apiKey', reference: 'env:NOPE' });
});

void test('a secret with a zero-width character: SECRET_INVISIBLE_CHARACTER with the position, never the secret', () => {
  const bad = `${SECRET.slice(0, 10)}\u200B${SECRET.slice(10)}`;
  const e = fails(() => checkFields(FIELDS, { server: 'a', tsig: { name: 'k', secret: bad } }, 'providers.lab', {}), 'SECRET_INVISIBLE_CHARACTER', {
    path: 'providers.lab.tsig.secret',
    character: 'U+200B',
    characterName: 'ZERO WIDTH SPACE',
    position: 11,
    length: SECRET.length + 1,
    where: 'inside',
  });
  const text = `${JSON.stringify(e.diagnosis)} ${e.message}`;
  assert.ok(!text.includes(SECRET.slice(0, 10)) && !text.includes(SECRET.slice(10)), text);
});

void test('a secret read from a file with two trailing newlines is caught, the first one dropped', () => {
  const f = join(dir, 'key2');
  writeFileSync(f, `${SECRET}\n\n`);
  fails(() => checkFields(FIELDS, { server: 'a', apiKey: `\${file:${f}}` }, 'p', {}), 'SECRET_INVISIBLE_CHARACTER', {
    character: 'U+000A',
    position: SECRET.length + 1,
    where: 'trailing',
  });
});

void test('invisible characters in a non-secret field are not the secret check\'s business', () => {
  assert.equal(checkFields(FIELDS, { server: 'a\u200B' }, 'p', {}).values['server'], 'a\u200B');
});

void test('a secret that YAML read as a number is refused (leading zeros are already lost), without the value', () => {
  const e = fails(() => checkFields(FIELDS, { server: 'a', apiKey: 12345678 }, 'p', {}), 'CONFIG_INVALID', { path: 'p.apiKey' });
  assert.ok(!JSON.stringify(e.diagnosis).includes('12345678'));
});

const MAP_FIELDS: readonly FieldSpec[] = [
  { name: 'keyId', type: 'string', required: false, secret: false, credential: true, description: 'access key id' },
  { name: 'headers', type: 'map', required: false, secret: false, description: 'free-form', keyPattern: { regex: /^[A-Za-z0-9-]+$/, description: 'letters, digits and -' } },
  { name: 'tokens', type: 'map', required: false, secret: true, description: 'secret values' },
];

void test('map: free-form keys to strings; references resolved; numbers become text', () => {
  const { values, secrets } = checkFields(MAP_FIELDS, { headers: { 'X-Team': 'dns', 'X-Retry': 3, 'X-From': '${env:ZK_FROM}' } }, 'p', { ZK_FROM: 'env-value' });
  assert.deepEqual(values['headers'], { 'X-Team': 'dns', 'X-Retry': '3', 'X-From': 'env-value' });
  assert.deepEqual(secrets, []);
});

void test('map: a key outside the pattern, a nested value or a non-mapping → CONFIG_INVALID at the path', () => {
  fails(() => checkFields(MAP_FIELDS, { headers: { 'X Bad': 'v' } }, 'p', {}), 'CONFIG_INVALID', { path: 'p.headers.X Bad' });
  fails(() => checkFields(MAP_FIELDS, { headers: { 'X-A': { deep: 1 } } }, 'p', {}), 'CONFIG_INVALID', { path: 'p.headers.X-A' });
  fails(() => checkFields(MAP_FIELDS, { headers: 'X-A: b' }, 'p', {}), 'CONFIG_INVALID', { path: 'p.headers' });
  fails(() => checkFields(MAP_FIELDS, { headers: ['X-A'] }, 'p', {}), 'CONFIG_INVALID', { path: 'p.headers' });
});

void test('map of secrets: values collected for redaction, checked for invisible characters, never numbers', () => {
  const { secrets } = checkFields(MAP_FIELDS, { tokens: { a: 'one', b: 'two' } }, 'p', {});
  assert.deepEqual(secrets.sort(), ['one', 'two']);
  const e = fails(() => checkFields(MAP_FIELDS, { tokens: { a: 'ab\u200Bcd' } }, 'p', {}), 'SECRET_INVISIBLE_CHARACTER', { path: 'p.tokens.a', position: 3 });
  assert.ok(!JSON.stringify(e.diagnosis).includes('ab\u200Bcd'));
  fails(() => checkFields(MAP_FIELDS, { tokens: { a: 12 } }, 'p', {}), 'CONFIG_INVALID', { path: 'p.tokens.a' });
});

void test('a credential id (not secret) is checked for stray whitespace with its position, and not redacted', () => {
  fails(() => checkFields(MAP_FIELDS, { keyId: 'AKID123 ' }, 'p', {}), 'SECRET_INVISIBLE_CHARACTER', { path: 'p.keyId', position: 8, where: 'trailing' });
  fails(() => checkFields(MAP_FIELDS, { keyId: '\u00A0AKID123' }, 'p', {}), 'SECRET_INVISIBLE_CHARACTER', { path: 'p.keyId', position: 1, character: 'U+00A0' });
  const { values, secrets } = checkFields(MAP_FIELDS, { keyId: 'AKID123' }, 'p', {});
  assert.equal(values['keyId'], 'AKID123');
  assert.deepEqual(secrets, []);
});
