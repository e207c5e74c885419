/**
 * The chat notifiers (telegram, dingtalk, wecom, lark, serverchan) and the
 * webhook's {{title}}/{{text}} against a local HTTPS capture server: the
 * exact request each vendor documents (method, path, query, JSON body),
 * signatures checked by an independent implementation here, the text in
 * the configured language, the vendor's refusal as NOTIFY_REJECTED, and no
 * token or secret in any error.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { renderEvent } from '../src/cli/event-messages.ts';
import { createHttpClient } from '../src/http/client.ts';
import { DAY_MS, makeCert, makeRoot } from '../src/http/testing/certs.ts';
import { startHttpsServer, type TestServer } from '../src/http/testing/servers.ts';
import { parseNotifiers } from '../src/notifiers/config.ts';
import { dispatch, type Delivery } from '../src/notifiers/dispatch.ts';
import { NotifyLimiter } from '../src/notifiers/limiter.ts';
import type { NotifyEvent } from '../src/notifiers/types.ts';

interface Captured {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

let dir: string;
let server: TestServer;
let origin: string;
let trust: string;
const captured: Captured[] = [];
/** What the server answers next: status and JSON document. */
let answer: { status: number; doc: unknown } = { status: 200, doc: {} };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zk-notify-http-'));
  const now = Date.now();
  const root = await makeRoot('zk notify capture root', now);
  const leaf = await makeCert({ name: 'localhost', issuer: root, notBefore: now - DAY_MS, notAfter: now + 30 * DAY_MS, dns: ['localhost'], ips: ['127.0.0.1'] });
  trust = join(dir, 'root.pem');
  writeFileSync(trust, root.certPem);
  server = await startHttpsServer(leaf.certPem, leaf.keyPem, (req, res, body) => {
    let doc: unknown = null;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch {
      doc = body.toString('utf8');
    }
    captured.push({ method: req.method ?? '', url: new URL(req.url ?? '/', origin), headers: req.headers, body: doc });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.doc));
  });
  origin = `https://127.0.0.1:${server.port}`;
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  captured.length = 0;
});

const at = Date.UTC(2026, 10, 22, 12, 0, 0);
const renewed: NotifyEvent = { kind: 'certificate-renewed', subject: 'web', at, data: { domains: ['web.example.test'], provider: 'lab', serial: '0a1c', notAfter: '2027-02-20T12:00:00.000Z', issuer: 'Pebble', basis: 'ari' } };
const EN_TITLE = 'Certificate renewed: web';
const EN_TEXT = 'Certificate web for web.example.test was renewed (serial 0a1c), valid until 2027-02-20 12:00:00 UTC.';
const ZH_TITLE = '证书已续期：web';
const ZH_TEXT = '证书 web（web.example.test）已续期（序列号 0a1c），有效期至 2027-02-20 12:00:00 UTC。';

/** Send `event` through one notifier configured with `settings`, the server answering `reply`. */
async function send(settings: Record<string, unknown>, reply: { status: number; doc: unknown }, event: NotifyEvent = renewed): Promise<Delivery> {
  answer = reply;
  const entries = parseNotifiers({ n: { ...(settings['type'] === 'webhook' ? {} : { endpoint: origin }), trust, ...settings } }, {});
  const entry = entries.get('n');
  assert.ok(entry !== undefined);
  const clock = new CorrectedClock({ system: systemClock });
  const notifier = entry.manifest.create(entry.config, { http: createHttpClient({ clock, userAgent: 'zonekeeper-test' }), clock });
  const d = await dispatch([event], { entries: new Map([['n', { entry, notifier }]]), render: renderEvent, limiter: new NotifyLimiter(clock) });
  assert.equal(d.length, 1);
  return d[0] as Delivery;
}

function one(): Captured {
  assert.equal(captured.length, 1, JSON.stringify(captured.map((c) => c.url.pathname)));
  const c = captured[0] as Captured;
  assert.equal(c.method, 'POST');
  assert.match(String(c.headers['content-type']), /^application\/json(; charset=utf-8)?$/);
  return c;
}

function ok(d: Delivery): void {
  assert.equal(d.error, undefined, JSON.stringify(d.error?.toJSON()));
}

function rejected(d: Delivery, vendorCode: string | number, secrets: readonly string[]): void {
  assert.equal(d.error?.code, 'NOTIFY_REJECTED', JSON.stringify(d.error?.toJSON()));
  assert.equal(d.error?.diagnosis.evidence['vendorCode'], vendorCode);
  const text = `${JSON.stringify(d.error?.toJSON())} ${d.error?.message ?? ''}`;
  for (const s of secrets) assert.ok(!text.includes(s), `a secret leaked into the error: ${text}`);
}

const keys = (u: URL): string[] => [...u.searchParams.keys()].sort();

describe('telegram', () => {
  const TOKEN = '123456789:AAHk-test_token_Zz09';
  test('POST /bot<token>/sendMessage {chat_id, text}: English', async () => {
    ok(await send({ type: 'telegram', botToken: TOKEN, chatId: -1001234567890 }, { status: 200, doc: { ok: true, result: { message_id: 7 } } }));
    const c = one();
    assert.equal(c.url.pathname, `/bot${TOKEN}/sendMessage`);
    assert.deepEqual(keys(c.url), []);
    assert.deepEqual(c.body, { chat_id: -1001234567890, text: `[zonekeeper] ${EN_TITLE}\n\n${EN_TEXT}` });
  });
  test('a channel username, Chinese', async () => {
    ok(await send({ type: 'telegram', botToken: TOKEN, chatId: '@zk_alerts', lang: 'zh-CN' }, { status: 200, doc: { ok: true, result: {} } }));
    assert.deepEqual(one().body, { chat_id: '@zk_alerts', text: `[zonekeeper] ${ZH_TITLE}\n\n${ZH_TEXT}` });
  });
  test('{"ok": false} (HTTP 401): NOTIFY_REJECTED with error_code, no token in the error', async () => {
    rejected(await send({ type: 'telegram', botToken: TOKEN, chatId: 1 }, { status: 401, doc: { ok: false, error_code: 401, description: 'Unauthorized' } }), 401, [TOKEN]);
  });
  test('a 5xx: NOTIFY_FAILED, retryable, no token in the error', async () => {
    const d = await send({ type: 'telegram', botToken: TOKEN, chatId: 1 }, { status: 502, doc: {} });
    assert.equal(d.error?.code, 'NOTIFY_FAILED');
    assert.equal(d.error?.diagnosis.retryable, true);
    assert.ok(!JSON.stringify(d.error?.toJSON()).includes(TOKEN));
  });
});

describe('dingtalk', () => {
  const TOKEN = 'ding0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab';
  const SECRET = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';
  test('signed: POST /robot/send?access_token&timestamp&sign, sign = base64 HMAC-SHA256(secret, "<ms>\\n<secret>")', async () => {
    ok(await send({ type: 'dingtalk', accessToken: TOKEN, secret: SECRET, lang: 'zh-CN' }, { status: 200, doc: { errcode: 0, errmsg: 'ok' } }));
    const c = one();
    assert.equal(c.url.pathname, '/robot/send');
    assert.deepEqual(keys(c.url), ['access_token', 'sign', 'timestamp']);
    assert.equal(c.url.searchParams.get('access_token'), TOKEN);
    const timestamp = c.url.searchParams.get('timestamp') ?? '';
    assert.match(timestamp, /^\d{13}$/, 'milliseconds');
    assert.ok(Math.abs(Number(timestamp) - Date.now()) < 300_000, 'the trusted time (the system clock is right here)');
    const expected = createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest('base64');
    assert.equal(c.url.searchParams.get('sign'), expected);
    assert.ok(!/[+/=]/.test(c.url.search.split('sign=')[1] ?? ''), 'sign is URL-encoded');
    assert.deepEqual(c.body, { msgtype: 'text', text: { content: `[zonekeeper] ${ZH_TITLE}\n\n${ZH_TEXT}` } });
  });
  test('unsigned: only access_token', async () => {
    ok(await send({ type: 'dingtalk', accessToken: TOKEN }, { status: 200, doc: { errcode: 0, errmsg: 'ok' } }));
    assert.deepEqual(keys(one().url), ['access_token']);
  });
  test('errcode ≠ 0 (HTTP 200): NOTIFY_REJECTED, no token or secret in the error', async () => {
    rejected(await send({ type: 'dingtalk', accessToken: TOKEN, secret: SECRET }, { status: 200, doc: { errcode: 310000, errmsg: 'sign not match' } }), 310000, [TOKEN, SECRET]);
  });
});

describe('wecom', () => {
  const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
  test('POST /cgi-bin/webhook/send?key {msgtype: text, text: {content}}', async () => {
    ok(await send({ type: 'wecom', key: KEY }, { status: 200, doc: { errcode: 0, errmsg: 'ok' } }));
    const c = one();
    assert.equal(c.url.pathname, '/cgi-bin/webhook/send');
    assert.deepEqual(keys(c.url), ['key']);
    assert.equal(c.url.searchParams.get('key'), KEY);
    assert.deepEqual(c.body, { msgtype: 'text', text: { content: `[zonekeeper] ${EN_TITLE}\n\n${EN_TEXT}` } });
  });
  test('content is cut to 2048 bytes of UTF-8, on a character boundary', async () => {
    const failures = Array.from({ length: 60 }, (_, i) => ({ fqdn: `主机-${i}.example.test`, type: 'A', provider: 'lab', error: { code: 'TSIG_BADSIG', evidence: { server: '127.0.0.1:53', key: 'k', algorithm: 'hmac-sha256' }, retryable: false } }));
    ok(await send({ type: 'wecom', key: KEY, lang: 'zh-CN' }, { status: 200, doc: { errcode: 0, errmsg: 'ok' } }, { kind: 'ddns-failed', subject: 'ddns', at, data: { failed: 60, records: 60, failures, detection: [] } }));
    const content = (one().body as { text: { content: string } }).text.content;
    assert.ok(Buffer.byteLength(content, 'utf8') <= 2048);
    assert.ok(content.endsWith('…'));
    assert.ok(!content.includes('\ufffd'));
  });
  test('errcode ≠ 0: NOTIFY_REJECTED, no key in the error', async () => {
    rejected(await send({ type: 'wecom', key: KEY }, { status: 200, doc: { errcode: 93000, errmsg: 'invalid webhook url' } }), 93000, [KEY]);
  });
});

describe('lark', () => {
  const HOOK = 'a1b2c3d4-0000-4e5f-9a8b-abcdefabcdef';
  const SECRET = 'larkSigningSecret0123';
  test('signed: POST /open-apis/bot/v2/hook/<id> {timestamp, sign, msg_type: text, content: {text}}; sign = base64 HMAC-SHA256(key "<s>\\n<secret>", "")', async () => {
    ok(await send({ type: 'lark', hook: HOOK, secret: SECRET, lang: 'zh-CN' }, { status: 200, doc: { code: 0, msg: 'success', data: {} } }));
    const c = one();
    assert.equal(c.url.pathname, `/open-apis/bot/v2/hook/${HOOK}`);
    const body = c.body as { timestamp: string; sign: string };
    assert.match(body.timestamp, /^\d{10}$/, 'seconds, as a string');
    assert.ok(Math.abs(Number(body.timestamp) * 1000 - Date.now()) < 300_000);
    const expected = createHmac('sha256', `${body.timestamp}\n${SECRET}`).update('').digest('base64');
    assert.deepEqual(c.body, { timestamp: body.timestamp, sign: expected, msg_type: 'text', content: { text: `[zonekeeper] ${ZH_TITLE}\n\n${ZH_TEXT}` } });
  });
  test('unsigned: no timestamp or sign; the older StatusCode answer is understood', async () => {
    ok(await send({ type: 'lark', hook: HOOK }, { status: 200, doc: { StatusCode: 0, StatusMessage: 'success' } }));
    assert.deepEqual(one().body, { msg_type: 'text', content: { text: `[zonekeeper] ${EN_TITLE}\n\n${EN_TEXT}` } });
  });
  test('code ≠ 0: NOTIFY_REJECTED, no hook id or secret in the error', async () => {
    rejected(await send({ type: 'lark', hook: HOOK, secret: SECRET }, { status: 200, doc: { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' } }), 19021, [HOOK, SECRET]);
  });
});

describe('serverchan', () => {
  test('Turbo key: POST /<SendKey>.send {title, desp}', async () => {
    const KEY = 'SCT123456TabcdefABCDEF0123456789';
    ok(await send({ type: 'serverchan', sendKey: KEY, lang: 'zh-CN' }, { status: 200, doc: { code: 0, message: '', data: { pushid: '1', readkey: 'x', error: 'SUCCESS', errno: 0 } } }));
    const c = one();
    assert.equal(c.url.pathname, `/${KEY}.send`);
    assert.deepEqual(c.body, { title: `[zonekeeper] ${ZH_TITLE}`, desp: ZH_TEXT });
  });
  test('Server酱³ key (sctp<n>t…): POST /send/<SendKey>.send', async () => {
    const KEY = 'sctp1234tAbCdEf0123456789';
    ok(await send({ type: 'serverchan', sendKey: KEY }, { status: 200, doc: { code: 0, message: '', data: {} } }));
    assert.equal(one().url.pathname, `/send/${KEY}.send`);
  });
  test('code ≠ 0: NOTIFY_REJECTED, no key in the error', async () => {
    const KEY = 'SCT999TwrongKey';
    rejected(await send({ type: 'serverchan', sendKey: KEY }, { status: 200, doc: { code: 40001, message: 'bad pushtoken' } }), 40001, [KEY]);
  });
});

describe('webhook', () => {
  test('{{title}} and {{text}} are the event in the notifier\'s language', async () => {
    const url = `${origin}/hook?kind={{kind}}`;
    ok(await send({ type: 'webhook', url, body: '{"msg": "{{title}}", "detail": "{{text}}", "subject": "{{subject}}"}', lang: 'zh-CN' }, { status: 200, doc: {} }));
    const c = one();
    assert.equal(c.url.searchParams.get('kind'), 'certificate-renewed');
    assert.deepEqual(c.body, { msg: ZH_TITLE, detail: ZH_TEXT, subject: 'web' });
  });
});
