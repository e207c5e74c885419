/**
 * Notifications end to end: the real daemon process, its system clock 5
 * minutes fast (libfaketime), with a real BIND (DDNS and DNS-01; its
 * TSIG-signed time and a real chronyd give the trusted time), a real Pebble
 * (certificates, 10-day lifetime), a real SMTP server (aiosmtpd, STARTTLS
 * and AUTH) and an HTTPS capture server standing in for every chat vendor.
 *
 * Every event kind is produced by the daemon's own jobs:
 * - DDNS pass: record-updated (home), update-failed + ddns-failed +
 *   credential-failing (a provider whose TSIG secret is wrong); after the
 *   address changes and SIGHUP: ip-changed, record-updated again;
 * - renewals: certificate-issued (never issued), certificate-renewed (issued
 *   by the CLI beforehand, then made due by moving its renewal time into
 *   the past in the store, as if time had passed), certificate-failed (the
 *   bad provider), then certificate-expiring (10 days left < 14);
 * - clock: clock-skew (5 min > the 60 s default).
 * Asserted from both ends: every event the daemon stored in its event log
 * reached the SMTP server and each of the six HTTP notifiers, as the
 * renderer writes it in that notifier's language (zh-CN or en), each once;
 * the second, identical ddns-failed was deduplicated.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderEvent } from '../src/cli/event-messages.ts';
import { fingerprint } from '../src/notifiers/limiter.ts';
import type { NotifyLang } from '../src/notifiers/types.ts';
import { openSqliteStore } from '../src/store/sqlite/open.ts';
import type { EventRecord } from '../src/store/store.ts';
import { KEY_FULL, startBind, stopBind, type BindBed } from './harness/bind.ts';
import { startChrony, type Chrony } from './harness/chrony.ts';
import { runCli } from './harness/cli.ts';
import { startNotifyCapture, type CapturedRequest, type NotifyCapture } from './harness/notify-capture.ts';
import { startPebble, type PebbleBed } from './harness/pebble.ts';
import { startSmtpCapture, type SmtpCapture } from './harness/smtp-capture.ts';
import { spawnCli } from './harness/daemon-process.ts';

const SMTP_USER = 'zk-daemon';
const SMTP_PASSWORD = 'daemon-smtp-Pw_0192';
const ALL_KINDS = ['ip-changed', 'record-updated', 'update-failed', 'ddns-failed', 'certificate-issued', 'certificate-renewed', 'certificate-failed', 'certificate-expiring', 'clock-skew', 'credential-failing'];
/** The HTTP notifiers and their languages (mail is zh-CN). */
const LANGS: Record<string, NotifyLang> = { tg: 'en', ding: 'zh-CN', wecom: 'en', lark: 'zh-CN', sc: 'en', hook: 'en' };

let dir: string;
let bed: BindBed;
let pebble: PebbleBed;
let chrony: Chrony;
let smtp: SmtpCapture;
let capture: NotifyCapture;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zk-notify-daemon-'));
  bed = await startBind({ secondaries: 0 });
  [pebble, chrony, smtp, capture] = await Promise.all([
    startPebble({ dnsServer: bed.primary, certValiditySeconds: 10 * 86_400 }),
    startChrony(),
    startSmtpCapture({ mode: 'starttls', auth: { username: SMTP_USER, password: SMTP_PASSWORD } }),
    startNotifyCapture(),
  ]);
});
after(async () => {
  await Promise.all([pebble?.stop(), chrony?.stop(), smtp?.stop(), capture?.close()]);
  if (bed !== undefined) await stopBind(bed);
  rmSync(dir, { recursive: true, force: true });
});

function config(addressFile: string): string {
  const key = bed.keys[KEY_FULL];
  assert.ok(key !== undefined);
  const smtpRoot = join(dir, 'smtp-root.pem');
  const httpRoot = join(dir, 'capture-root.pem');
  writeFileSync(smtpRoot, smtp.rootPem);
  writeFileSync(httpRoot, capture.rootPem);
  const primary = `"${bed.primary.host}:${bed.primary.port}"`;
  const ca = `{ directory: "${pebble.directoryUrl}", trust: "${pebble.tlsCaFile}" }`;
  const http = `endpoint: "${capture.origin}", trust: "${httpRoot}"`;
  const file = join(dir, 'zonekeeper.yaml');
  writeFileSync(
    file,
    [
      'clock:',
      `  ntp: ["${chrony.host}:${chrony.port}"]`,
      'dns:',
      '  resolvers: []',
      '  nameservers:',
      ...bed.zones.map((z) => `    ${z}: [${primary}]`),
      'providers:',
      '  lab:',
      '    type: rfc2136',
      `    server: ${primary}`,
      `    tsig: { name: ${key.name}, algorithm: ${key.algorithm}, secret: "${key.secret}" }`,
      '  badkey:',
      '    type: rfc2136',
      `    server: ${primary}`,
      `    tsig: { name: ${key.name}, algorithm: ${key.algorithm}, secret: "${Buffer.from('not the real secret at all!!').toString('base64')}" }`,
      'ddns:',
      `  ipv4: { sources: [{ type: command, run: "cat ${addressFile}" }], quorum: 1 }`,
      '  ipv6: false',
      '  records:',
      '    - { name: home.example.test, type: A, provider: lab }',
      '    - { name: broken.example.test, type: A, provider: badkey }',
      'certificates:',
      `  old: { domains: [old.example.test], provider: lab, ca: ${ca} }`,
      `  fresh: { domains: [fresh.example.test], provider: lab, ca: ${ca} }`,
      `  broken: { domains: [brokencert.example.test], provider: badkey, ca: ${ca} }`,
      'notifiers:',
      `  mail: { type: smtp, host: 127.0.0.1, port: ${smtp.port}, tls: starttls, username: ${SMTP_USER}, password: "${SMTP_PASSWORD}", from: zonekeeper@example.test, to: "ops@example.test", trust: "${smtpRoot}", lang: zh-CN }`,
      `  tg: { type: telegram, botToken: "123456:daemonTestToken_x", chatId: 42, ${http} }`,
      `  ding: { type: dingtalk, accessToken: "ding-daemon-token", secret: "SECdaemon-secret", lang: zh-CN, ${http} }`,
      `  wecom: { type: wecom, key: "wecom-daemon-key", ${http} }`,
      `  lark: { type: lark, hook: "lark-daemon-hook", secret: "lark-daemon-secret", lang: zh-CN, ${http} }`,
      `  sc: { type: serverchan, sendKey: "SCTdaemonKey01", ${http} }`,
      `  hook: { type: webhook, url: "${capture.origin}/hook", trust: "${httpRoot}", body: '{"kind": "{{kind}}", "title": "{{title}}", "text": "{{text}}"}' }`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}

/** Which notifier a captured request came from, and the title it carried. */
function titleOf(r: CapturedRequest): { notifier: string; title: string; kind?: string } {
  const p = r.url.pathname;
  const b = r.body as Record<string, unknown>;
  const firstLine = (t: unknown): string => String(t).split('\n')[0]?.replace(/^\[zonekeeper\] /, '') ?? '';
  if (p.startsWith('/bot')) return { notifier: 'tg', title: firstLine(b['text']) };
  if (p === '/robot/send') return { notifier: 'ding', title: firstLine((b['text'] as { content: string }).content) };
  if (p === '/cgi-bin/webhook/send') return { notifier: 'wecom', title: firstLine((b['text'] as { content: string }).content) };
  if (p.startsWith('/open-apis/')) return { notifier: 'lark', title: firstLine((b['content'] as { text: string }).text) };
  if (p.endsWith('.send')) return { notifier: 'sc', title: firstLine(b['title']) };
  return { notifier: 'hook', title: String(b['title']), kind: String(b['kind']) };
}


test('every event kind reaches the SMTP server and each chat vendor, in its language, once', { timeout: 600_000 }, async () => {
  const addressFile = join(dir, 'ipv4.txt');
  writeFileSync(addressFile, '81.2.69.160\n');
  const cfg = config(addressFile);
  const data = join(dir, 'data');

  // "old" is issued now by the CLI (which stores its event but notifies nobody) …
  const issued = await runCli(['--config', cfg, '--data', data, '--json', 'cert', 'renew', 'old'], { timeoutMs: 180_000 });
  assert.equal(issued.status, 0, `${issued.stdout}\n${issued.stderr}`);
  // … and made due, as if two thirds of its life had passed.
  let firstId = 0;
  {
    const store = await openSqliteStore(join(data, 'zonekeeper.db'));
    const old = (await store.listCertificates()).find((c) => c.name === 'old');
    assert.ok(old !== undefined);
    await store.saveCertificate({ ...old, nextRenewalAt: Date.now() - 60_000, ariRetryAfter: Date.now() + 6 * 3_600_000 });
    firstId = (await store.listEvents({ limit: 1000 })).reduce((m, e) => Math.max(m, e.id), 0);
    await store.close();
  }

  const daemon = spawnCli(['--config', cfg, '--data', data, 'run', '--listen', '127.0.0.1:0'], { faketime: '+5m' });
  try {
    await daemon.waitFor((l) => l['event'] === 'listening');
    // A job's line is logged once its run, notifications included, is over.
    const job = (name: string) => (l: Record<string, unknown>) => l['event'] === 'job' && l['job'] === name;
    for (const name of ['clock', 'expiry', 'ddns', 'renewals']) await daemon.waitFor(job(name));
    // The address changes; SIGHUP reloads (new notifier objects, same rate limiter) and runs a DDNS pass at once.
    writeFileSync(addressFile, '81.2.69.161\n');
    process.kill(daemon.child.pid as number, 'SIGHUP');
    const reloaded = await daemon.waitFor((l) => l['event'] === 'reloaded');
    await daemon.waitFor(job('ddns'), { from: reloaded.at });
    const hookKinds = new Set(capture.requests.map(titleOf).map((s) => s.kind));
    assert.deepEqual(ALL_KINDS.filter((k) => !hookKinds.has(k)), [], daemon.lines.join('\n'));
  } finally {
    assert.equal(await daemon.stop(), 0, daemon.lines.join('\n'));
  }

  const store = await openSqliteStore(join(data, 'zonekeeper.db'));
  let events: readonly EventRecord[];
  try {
    events = (await store.listEvents({ limit: 1000 })).filter((e) => e.id > firstId);
  } finally {
    await store.close();
  }
  assert.deepEqual([...new Set(events.map((e) => e.kind))].sort(), [...ALL_KINDS].sort(), 'the daemon stored every kind');
  assert.ok(events.filter((e) => e.kind === 'ddns-failed').length >= 2, 'two failing passes');
  const skew = events.find((e) => e.kind === 'clock-skew')?.data;
  assert.equal(skew?.['thresholdMs'], 60_000);
  assert.ok(Math.abs(Number(skew?.['offsetMs']) + 300_000) < 5_000, `trusted − system ≈ −5 min: ${JSON.stringify(skew)}`);
  assert.equal(events.find((e) => e.kind === 'credential-failing')?.subject, 'badkey');

  // What each notifier must have received: every stored event, rendered in its language, identical ones once.
  const distinct = [...new Map(events.map((e) => [`${e.kind}\n${e.subject}\n${fingerprint(e)}`, e])).values()];
  const expected = (lang: NotifyLang): string[] => distinct.map((e) => renderEvent(e, lang).title).sort();
  const byNotifier = new Map<string, string[]>();
  for (const s of capture.requests.map(titleOf)) byNotifier.set(s.notifier, [...(byNotifier.get(s.notifier) ?? []), s.title]);
  for (const [notifier, lang] of Object.entries(LANGS)) assert.deepEqual((byNotifier.get(notifier) ?? []).sort(), expected(lang), `${notifier} (${lang})`);
  const mails = smtp.messages();
  assert.deepEqual(mails.map((m) => m.subject.replace(/^\[zonekeeper\] /, '')).sort(), expected('zh-CN'), 'mail (zh-CN)');
  assert.ok(mails.every((m) => m.tls && m.login === SMTP_USER));
  assert.equal(mails.filter((m) => m.headers['X-Zonekeeper-Event'] === 'ddns-failed').length, 1, 'the second, identical ddns-failed was deduplicated');
});
