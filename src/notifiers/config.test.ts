import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsAppError } from '../core/testing/app-error-assert.ts';
import { parseNotifiers } from './config.ts';

const parse = (entry: Record<string, unknown>): ReturnType<typeof parseNotifiers> => parseNotifiers({ n: entry }, {});

void test('the common settings: lang, minInterval, maxPerHour, with their defaults', () => {
  const d = parse({ type: 'wecom', key: 'k' }).get('n');
  assert.deepEqual([d?.lang, d?.minIntervalMs, d?.maxPerHour], ['en', 600_000, 30]);
  const z = parse({ type: 'wecom', key: 'k', lang: 'zh-cn', minInterval: '0s', maxPerHour: 5 }).get('n');
  assert.deepEqual([z?.lang, z?.minIntervalMs, z?.maxPerHour], ['zh-CN', 0, 5]);
  throwsAppError(() => parse({ type: 'wecom', key: 'k', lang: 'fr' }), 'CONFIG_INVALID', { path: 'notifiers.n.lang' });
  throwsAppError(() => parse({ type: 'wecom', key: 'k', minInterval: '10 minutes' }), 'CONFIG_INVALID', { path: 'notifiers.n.minInterval' });
  throwsAppError(() => parse({ type: 'wecom', key: 'k', maxPerHour: 0 }), 'CONFIG_INVALID', { path: 'notifiers.n.maxPerHour' });
});

void test('every new event kind may be subscribed to; a typo gets a hint', () => {
  assert.deepEqual(parse({ type: 'wecom', key: 'k', events: ['certificate-expiring', 'clock-skew', 'credential-failing'] }).get('n')?.events, ['certificate-expiring', 'clock-skew', 'credential-failing']);
  throwsAppError(() => parse({ type: 'wecom', key: 'k', events: ['certificate-expired'] }), 'CONFIG_INVALID', { path: 'notifiers.n.events', didYouMean: 'certificate-expiring' });
});

void test('smtp: TLS mode and port, addresses, username and password together; secrets recorded', () => {
  const base = { type: 'smtp', host: 'smtp.example.com', from: 'zk@example.com', to: 'a@example.com, b@example.com' };
  const c = parse(base).get('n')?.config as { port: number; tls: string; to: string[] };
  assert.deepEqual([c.port, c.tls, c.to], [587, 'starttls', ['a@example.com', 'b@example.com']]);
  assert.equal((parse({ ...base, tls: 'implicit' }).get('n')?.config as { port: number } | undefined)?.port, 465);
  throwsAppError(() => parse({ ...base, tls: 'none' }), 'CONFIG_INVALID', { path: 'notifiers.n.tls' });
  throwsAppError(() => parse({ ...base, to: 'a@example.com, Bcc: x' }), 'CONFIG_INVALID', { path: 'notifiers.n.to' });
  throwsAppError(() => parse({ ...base, from: 'zk@example.com\r\nBcc: x@example.com' }), 'CONFIG_INVALID', { path: 'notifiers.n.from' });
  throwsAppError(() => parse({ ...base, username: 'u' }), 'CONFIG_INVALID', { path: 'notifiers.n.password' });
  assert.deepEqual(parse({ ...base, username: 'u', password: 'pw-123' }).get('n')?.secrets, ['pw-123']);
});

void test('chat notifiers: tokens that would change the URL path are refused; endpoint must be an https origin', () => {
  throwsAppError(() => parse({ type: 'telegram', botToken: '123:abc/../x', chatId: 1 }), 'CONFIG_INVALID', { path: 'notifiers.n.botToken' });
  throwsAppError(() => parse({ type: 'telegram', botToken: '123:abc', chatId: 'someone' }), 'CONFIG_INVALID', { path: 'notifiers.n.chatId' });
  throwsAppError(() => parse({ type: 'lark', hook: 'a/b' }), 'CONFIG_INVALID', { path: 'notifiers.n.hook' });
  throwsAppError(() => parse({ type: 'serverchan', sendKey: 'SCT1?x=1' }), 'CONFIG_INVALID', { path: 'notifiers.n.sendKey' });
  throwsAppError(() => parse({ type: 'dingtalk', accessToken: 't', endpoint: 'http://oapi.dingtalk.com' }), 'CONFIG_INVALID', { path: 'notifiers.n.endpoint' });
  const sc3 = parse({ type: 'serverchan', sendKey: 'sctp42tKEY' }).get('n')?.config as { http: { endpoint: string } };
  assert.equal(sc3.http.endpoint, 'https://42.push.ft07.com');
});
