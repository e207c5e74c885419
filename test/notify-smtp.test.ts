/**
 * The smtp notifier against a real SMTP server (Debian python3-aiosmtpd on
 * loopback): STARTTLS with AUTH, implicit TLS, English and Chinese messages
 * as Python's email package decodes them, every failure mode with its code,
 * and TLS verified at the trusted time when the system clock is wrong.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { renderEvent } from '../src/cli/event-messages.ts';
import { createHttpClient } from '../src/http/client.ts';
import { DAY_MS, makeCert, makeRoot } from '../src/http/testing/certs.ts';
import { parseNotifiers } from '../src/notifiers/config.ts';
import { dispatch, type Delivery } from '../src/notifiers/dispatch.ts';
import { NotifyLimiter } from '../src/notifiers/limiter.ts';
import type { NotifyEvent } from '../src/notifiers/types.ts';
import { freePort } from './harness/ports.ts';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from './harness/smtp-capture.ts';

const USER = 'zk-mailer';
const PASSWORD = 'smtp-pass-Zq81_secret';
const FROM = 'zonekeeper@example.test';
const TO = ['ops@example.test', 'oncall@example.test'];

let dir: string;
let starttls: SmtpCapture;
let implicit: SmtpCapture;
let plain: SmtpCapture;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zk-notify-smtp-'));
  [starttls, implicit, plain] = await Promise.all([
    startSmtpCapture({ mode: 'starttls', auth: { username: USER, password: PASSWORD }, reject: 'nobody@example.test' }),
    startSmtpCapture({ mode: 'implicit' }),
    startSmtpCapture({ mode: 'plain' }),
  ]);
  writeFileSync(join(dir, 'starttls-root.pem'), starttls.rootPem);
  writeFileSync(join(dir, 'implicit-root.pem'), implicit.rootPem);
});
after(async () => {
  await Promise.all([starttls?.stop(), implicit?.stop(), plain?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const at = Date.UTC(2026, 10, 22, 12, 0, 0);
const ipChanged = (n: number): NotifyEvent => ({ kind: 'ip-changed', subject: 'ipv4', at, data: { family: 'ipv4', old: '81.2.69.1', new: `81.2.69.${n}` } });

/** Send `events` through one smtp notifier configured with `settings` (as under `notifiers:` in zonekeeper.yaml). */
async function send(settings: Record<string, unknown>, events: NotifyEvent[], clock = new CorrectedClock({ system: systemClock })): Promise<Delivery[]> {
  const entries = parseNotifiers({ mail: { type: 'smtp', from: FROM, to: TO.join(', '), timeout: 20_000, ...settings } }, {});
  const entry = entries.get('mail');
  assert.ok(entry !== undefined);
  const http = createHttpClient({ clock, userAgent: 'zonekeeper-test' });
  const notifier = entry.manifest.create(entry.config, { http, clock });
  return dispatch(events, { entries: new Map([['mail', { entry, notifier }]]), render: renderEvent, limiter: new NotifyLimiter(clock) });
}

function only(d: Delivery[]): Delivery {
  assert.equal(d.length, 1, JSON.stringify(d));
  return d[0] as Delivery;
}

function delivered(d: Delivery[]): void {
  for (const x of d) assert.equal(x.error, undefined, JSON.stringify(x.error?.toJSON()));
}

describe('STARTTLS with AUTH', () => {
  const base = (): Record<string, unknown> => ({ host: '127.0.0.1', port: starttls.port, tls: 'starttls', username: USER, password: PASSWORD, trust: join(dir, 'starttls-root.pem') });

  test('English: upgraded to TLS before the login; envelope, subject and body as configured', async () => {
    const seen = starttls.messages().length;
    delivered(await send(base(), [ipChanged(2)]));
    const [mail] = (await starttls.waitForCount(seen + 1)).slice(seen) as [CapturedMail];
    assert.equal(mail.tls, true);
    assert.equal(mail.login, USER);
    assert.equal(mail.mailFrom, FROM);
    assert.deepEqual(mail.rcptTos, TO);
    assert.equal(mail.subject, '[zonekeeper] Public IPv4 address changed');
    assert.equal(mail.body, 'The public IPv4 address changed from 81.2.69.1 to 81.2.69.2.\r\n', 'text in canonical form (CRLF)');
    assert.match(mail.headers['Content-Type'] ?? '', /^text\/plain; charset="?utf-8"?$/i);
    assert.equal(mail.headers['X-Zonekeeper-Event'], 'ip-changed');
    assert.equal(mail.headers['Auto-Submitted'], 'auto-generated');
    assert.equal(mail.headers['To'], TO.join(', '));
    assert.ok(!mail.raw.includes(PASSWORD));
  });

  test('Chinese: the subject as RFC 2047 UTF-8 encoded-words, the body UTF-8', async () => {
    const seen = starttls.messages().length;
    delivered(await send({ ...base(), lang: 'zh-CN' }, [ipChanged(3)]));
    const [mail] = (await starttls.waitForCount(seen + 1)).slice(seen) as [CapturedMail];
    assert.equal(mail.subject, '[zonekeeper] 公网 IPv4 地址已变更');
    assert.match(mail.raw, /^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=/m, 'encoded-words on the wire');
    assert.ok(Buffer.from(mail.raw, 'utf8').every((b) => b < 0x80), 'the message is 7-bit');
    assert.equal(mail.body, '公网 IPv4 地址从 81.2.69.1 变为 81.2.69.3。\r\n');
  });

  test('a wrong password: SMTP_AUTH_FAILED, and the password is nowhere in the error', async () => {
    const d = only(await send({ ...base(), password: 'not-the-password' }, [ipChanged(4)]));
    assert.equal(d.error?.code, 'SMTP_AUTH_FAILED');
    assert.equal(d.error?.diagnosis.evidence['replyCode'], 535);
    assert.ok(!JSON.stringify(d.error?.toJSON()).includes('not-the-password'));
  });

  test('a refused recipient: SMTP_REPLY at the rcpt stage naming it; nothing delivered', async () => {
    const seen = starttls.messages().length;
    const d = only(await send({ ...base(), to: 'ops@example.test, nobody@example.test' }, [ipChanged(5)]));
    assert.equal(d.error?.code, 'SMTP_REPLY');
    assert.deepEqual([d.error?.diagnosis.evidence['stage'], d.error?.diagnosis.evidence['replyCode'], d.error?.diagnosis.evidence['recipient']], ['rcpt', 550, 'nobody@example.test']);
    assert.equal(starttls.messages().length, seen);
  });

  test('a certificate from a root we do not trust: TLS_UNTRUSTED, and no credential sent', async () => {
    const d = only(await send({ ...base(), trust: join(dir, 'implicit-root.pem') }, [ipChanged(6)]));
    assert.equal(d.error?.code, 'TLS_UNTRUSTED');
  });

});

describe('a certificate for another name', () => {
  let misnamed: SmtpCapture;
  let rootFile: string;
  before(async () => {
    const now = Date.now();
    const root = await makeRoot('zk smtp misnamed root', now);
    const leaf = await makeCert({ name: 'mail.example.test', issuer: root, notBefore: now - DAY_MS, notAfter: now + 30 * DAY_MS, dns: ['mail.example.test'] });
    rootFile = join(dir, 'misnamed-root.pem');
    writeFileSync(rootFile, root.certPem);
    misnamed = await startSmtpCapture({ mode: 'starttls', cert: leaf });
  });
  after(async () => {
    await misnamed?.stop();
  });

  test('TLS_HOSTNAME_MISMATCH: a trusted chain is not enough, the name must match', async () => {
    const d = only(await send({ host: '127.0.0.1', port: misnamed.port, tls: 'starttls', trust: rootFile }, [ipChanged(7)]));
    assert.equal(d.error?.code, 'TLS_HOSTNAME_MISMATCH');
    assert.equal(misnamed.messages().length, 0);
  });
});

describe('implicit TLS', () => {
  test('TLS from the first byte (port 465 style), no AUTH', async () => {
    const seen = implicit.messages().length;
    delivered(await send({ host: '127.0.0.1', port: implicit.port, tls: 'implicit', trust: join(dir, 'implicit-root.pem') }, [ipChanged(8)]));
    const [mail] = (await implicit.waitForCount(seen + 1)).slice(seen) as [CapturedMail];
    assert.equal(mail.tls, true);
    assert.equal(mail.login, null);
    assert.equal(mail.subject, '[zonekeeper] Public IPv4 address changed');
  });

  test('talking STARTTLS to an implicit-TLS port fails cleanly (no plaintext exchange succeeds)', async () => {
    const d = only(await send({ host: '127.0.0.1', port: implicit.port, tls: 'starttls', trust: join(dir, 'implicit-root.pem'), timeout: 3000 }, [ipChanged(9)]));
    assert.equal(d.error?.code, 'SMTP_CONNECTION');
  });
});

describe('refusals before anything is sent', () => {
  test('a server without STARTTLS: SMTP_STARTTLS_UNAVAILABLE, nothing sent in clear', async () => {
    const d = only(await send({ host: '127.0.0.1', port: plain.port, tls: 'starttls', username: USER, password: PASSWORD }, [ipChanged(10)]));
    assert.equal(d.error?.code, 'SMTP_STARTTLS_UNAVAILABLE');
    assert.equal(plain.messages().length, 0);
  });

  test('nothing listening: SMTP_CONNECTION', async () => {
    const d = only(await send({ host: '127.0.0.1', port: await freePort(), tls: 'implicit' }, [ipChanged(11)]));
    assert.equal(d.error?.code, 'SMTP_CONNECTION');
    assert.equal(d.error?.diagnosis.evidence['error'], 'ECONNREFUSED');
  });
});

describe('a wrong system clock', () => {
  let expired: SmtpCapture;
  let rootFile: string;
  before(async () => {
    // The server's certificate expired a day ago by the system clock, which runs three days ahead.
    const now = Date.now();
    const root = await makeRoot('zk smtp skew root', now);
    const leaf = await makeCert({ name: 'localhost', issuer: root, notBefore: now - 10 * DAY_MS, notAfter: now - DAY_MS, dns: ['localhost'], ips: ['127.0.0.1'] });
    rootFile = join(dir, 'skew-root.pem');
    writeFileSync(rootFile, root.certPem);
    expired = await startSmtpCapture({ mode: 'implicit', cert: leaf });
  });
  after(async () => {
    await expired?.stop();
  });
  const settings = (): Record<string, unknown> => ({ host: '127.0.0.1', port: expired.port, tls: 'implicit', trust: rootFile });

  test('with a trusted clock three days behind the system clock, the certificate is verified at the trusted time and the mail goes out', async () => {
    const clock = new CorrectedClock({ system: systemClock });
    const sys = systemClock.now();
    clock.addSample({ source: 'ntp:test', kind: 'ntp', serverMs: sys - 3 * DAY_MS, systemMs: sys, monoMs: systemClock.monotonicMs(), delayMs: 1, uncertaintyMs: 1 });
    assert.ok(clock.trusted);
    delivered(await send(settings(), [ipChanged(12)], clock));
    assert.equal((await expired.waitForCount(1)).length, 1);
  });

  test('with nothing vouching for the time, it is CLOCK_UNTRUSTED, not a silent acceptance', async () => {
    const d = only(await send(settings(), [ipChanged(13)]));
    assert.equal(d.error?.code, 'CLOCK_UNTRUSTED');
  });
});
