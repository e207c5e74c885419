/**
 * The daemon log's defences: values under secret keys at any depth, every
 * form of every known secret value anywhere in a line (message included),
 * AppErrors as their redacted diagnosis, the access log without headers
 * or query strings, and the secrets of a configuration.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { FakeClock } from '../clock/fake-clock.ts';
import { parseConfig } from '../config/load.ts';
import { AppError } from '../core/errors.ts';
import { accessLog } from '../observability/access-log.ts';
import { configSecrets, SecretValues } from '../observability/secret-values.ts';
import { censorKeys, createLogger, isSecretKey, type Logger } from './log.ts';

const SECRET = 'S3cr3t-"quoted"\\-value-0123456789';
const TSIG = 'c2VjcmV0LXRzaWcta2V5LWZvci1sb2ctdGVzdHMtMDEyMw==';
const HEADER = 'Bearer hook-token-for-log-tests-9876';

function capture(level = 'debug'): { log: Logger; lines: string[]; secrets: SecretValues } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const secrets = new SecretValues();
  return { log: createLogger({ level, destination, secrets }), lines, secrets };
}

/** Every line holds none of `values` in any of the usual encodings. */
function assertClean(lines: readonly string[], values: readonly string[]): void {
  assert.ok(lines.length > 0, 'something was logged');
  const all = lines.join('\n');
  for (const v of values)
    for (const form of [v, JSON.stringify(v).slice(1, -1), Buffer.from(v).toString('base64'), Buffer.from(v).toString('hex')]) assert.ok(!all.includes(form), `${JSON.stringify(form)} in:\n${all}`);
}

describe('the log censors by key', () => {
  test('which keys: secrets yes, where a secret lives or its id no', () => {
    for (const k of ['secret', 'secretKey', 'secretAccessKey', 'accessKeySecret', 'password', 'apiToken', 'api_key', 'Authorization', 'cookie', 'set-cookie', 'x-csrf-token', 'keyPem', 'privateKey', 'hmacKey', 'sessionToken', 'credentials', 'signature'])
      assert.ok(isSecretKey(k), k);
    for (const k of ['tokenFile', 'secretId', 'keyName', 'event', 'reason', 'path', 'provider', 'fqdn']) assert.ok(!isSecretKey(k), k);
  });

  test('at any depth, in arrays, AppErrors as their diagnosis; the input is not changed', () => {
    const input = { a: { b: [{ c: { d: { e: { secretAccessKey: 'x-1', headers: { Authorization: 'y-2', Cookie: 'z-3' } } } } }] }, tokenFile: '/data/setup-token' };
    const out = censorKeys(input) as typeof input;
    assert.deepEqual(out, { a: { b: [{ c: { d: { e: { secretAccessKey: '[redacted]', headers: { Authorization: '[redacted]', Cookie: '[redacted]' } } } } }] }, tokenFile: '/data/setup-token' });
    assert.equal(input.a.b[0]?.c.d.e.secretAccessKey, 'x-1');
    assert.deepEqual(censorKeys({ headers: [{ name: 'Authorization', value: 'Bearer q-1' }, { name: 'accept', value: 'text/plain' }] }), { headers: [{ name: 'Authorization', value: '[redacted]' }, { name: 'accept', value: 'text/plain' }] });
    const err = new AppError('PROVIDER_AUTH', { evidence: { status: 403 } });
    assert.deepEqual(censorKeys({ error: err }), { error: { code: 'PROVIDER_AUTH', evidence: { status: 403 }, retryable: false } });
  });

  test('a logged object never carries a value under a secret key', () => {
    const { log, lines } = capture();
    log.info({ event: 'x', request: { method: 'POST', url: 'https://api.test/', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/…, Signature=abcdef0123', 'x-api-key': 'k-123456' } }, settings: { secretKey: 'sk-999999' } });
    assertClean(lines, ['AWS4-HMAC-SHA256 Credential=AKID/…, Signature=abcdef0123', 'k-123456', 'sk-999999']);
    assert.match(lines[0] ?? '', /"method":"POST"/);
  });
});

describe('the log censors known secret values', () => {
  test('in messages, under innocent keys, inside vendor echoes, JSON-escaped, base64 and hex', () => {
    const { log, lines, secrets } = capture();
    secrets.set('config', [SECRET, TSIG, 'ab']);
    log.warn({ event: 'vendor', reason: `the vendor said: key ${SECRET} is wrong` }, `message with ${SECRET}`);
    log.error({ event: 'dump', body: Buffer.from(SECRET).toString('base64'), hex: Buffer.from(SECRET).toString('hex'), tsig: `key ${TSIG}` });
    log.info({ err: new Error(`cause mentions ${SECRET}`) });
    log.info({ event: 'short', note: 'ab stays: too short to be a secret worth censoring' });
    assertClean(lines, [SECRET, TSIG]);
    assert.equal(lines.length, 4);
    assert.ok(lines.every((l) => l.includes('[redacted]') || l.includes('"short"')), lines.join('\n'));
    assert.ok(lines[3]?.includes('ab stays'));
  });

  test('a group replaced (a reload) censors the new values', () => {
    const { log, lines, secrets } = capture();
    secrets.set('config', ['old-secret-value']);
    secrets.set('config', ['new-secret-value']);
    log.info({ a: 'old-secret-value new-secret-value' });
    assert.ok(lines[0]?.includes('old-secret-value') && !lines[0].includes('new-secret-value'), lines[0]);
  });

  test('the secrets of a configuration: provider secret settings and notifier headers', () => {
    const config = parseConfig(
      {
        providers: { lab: { type: 'rfc2136', server: '127.0.0.1:53', tsig: { name: 'zk-key', algorithm: 'hmac-sha256', secret: TSIG } } },
        notifiers: { ops: { type: 'webhook', url: 'https://127.0.0.1:9/hook', headers: { authorization: HEADER } } },
      },
      {},
    );
    const found = configSecrets(config);
    assert.ok(found.includes(TSIG) && found.includes(HEADER), JSON.stringify(found.length));
    assert.ok(!found.includes('zk-key'), 'key names are not secrets');

    // Provider and notifier settings, parsed (key bytes, header lists), logged whole: nothing of a secret shows.
    const { log, lines, secrets } = capture();
    secrets.set('config', found);
    log.info({ providers: [...config.providers.values()].map((p) => ({ name: p.name, config: p.config })), notifiers: [...config.notifiers.values()].map((n) => ({ name: n.name, config: n.config })) });
    assertClean(lines, [TSIG, HEADER, 'hook-token-for-log-tests-9876']);
    const tsigBytes = Buffer.from(TSIG, 'base64');
    assert.ok(!lines[0]?.includes(tsigBytes.toString('hex')) && !lines[0]?.includes(JSON.stringify([...tsigBytes]).slice(1, -1)), lines[0]);
    assert.match(lines[0] ?? '', /zk-key/);
  });
});

describe('the access log', () => {
  test('method, path, route and status; never the query string, headers, cookies or body', async () => {
    const { log, lines } = capture();
    const clock = new FakeClock();
    const app = new Hono();
    app.use('*', accessLog(log, clock));
    app.post('/api/things/:id', (c) => c.json({ ok: true }));
    app.get('/boom', (c) => c.json({ error: 'x' }, 500));
    const r = await app.request('/api/things/42?token=query-secret-123456', {
      method: 'POST',
      headers: { authorization: 'Bearer zkt_0011_header-secret-abcdef', cookie: 'zk_session=cookie-secret-778899', 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'body-secret-445566' }),
    });
    assert.equal(r.status, 200);
    assert.equal((await app.request('/boom')).status, 500);
    assertClean(lines, ['query-secret-123456', 'zkt_0011_header-secret-abcdef', 'cookie-secret-778899', 'body-secret-445566']);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual({ ...first, time: 0, pid: 0, ms: 0 }, { level: 20, time: 0, pid: 0, event: 'http', method: 'POST', path: '/api/things/42', route: '/api/things/:id', status: 200, ms: 0 });
    assert.equal(second?.['level'], 40, 'a 5xx is a warning');
  });
});
