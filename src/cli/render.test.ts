import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES, type ErrorCode } from '../core/codes.ts';
import { AppError, type Evidence } from '../core/errors.ts';
import { CATALOGUES, messageFor, type Lang } from './messages.ts';
import { langFromEnv, renderDiagnosis, renderError, renderFinding } from './render.ts';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];
const LANGS: readonly Lang[] = ['en', 'zh-CN'];
const CJK = /[\u3400-\u9fff]/;

/** Evidence with every key some code reads, shaped as the code paths that raise them shape it. */
const TYPICAL: Evidence = {
  reason: 'empty-label',
  path: 'providers.lab.tsig.secret',
  file: '/etc/zonekeeper.yaml',
  error: 'ENOENT',
  reference: 'env:TSIG_SECRET',
  character: 'U+200B',
  characterName: 'ZERO WIDTH SPACE',
  position: 11,
  length: 45,
  where: 'inside',
  name: 'www.example.test.',
  label: 'www',
  value: '192.0.2.300',
  type: 'A',
  known: ['lab', 'home'],
  didYouMean: 'lab',
  offsetMs: 7200000,
  servers: ['127.0.0.1:123'],
  server: '127.0.0.1:5353',
  kissCode: 'RATE',
  zone: 'example.test.',
  resolver: '127.0.0.1:53',
  answered: ['198.18.0.7'],
  authoritative: ['192.0.2.1'],
  ttl: 300,
  key: 'ddns-key',
  algorithm: 'hmac-sha256',
  rcode: 'FORMERR',
  vendorCode: 'AuthFailure',
  capability: 'delete',
  timeoutMs: 30000,
  lagging: [{ server: '127.0.0.1:15353', answered: ['192.0.2.9'], error: 'DNS_TIMEOUT' }, '127.0.0.2:53'],
  matched: ['127.0.0.1:5353'],
};

function allText(lang: Lang, code: ErrorCode, e: Evidence): string {
  const m = messageFor(lang, code, e);
  return [m.summary, ...m.causes, m.fix].join('\n');
}

void test('both catalogues have exactly the codes of core/codes.ts', () => {
  for (const lang of LANGS) assert.deepEqual(Object.keys(CATALOGUES[lang]).sort(), [...CODES].sort(), lang);
});

for (const lang of LANGS)
  void test(`${lang}: every code renders a summary with no evidence and with typical evidence`, () => {
    for (const code of CODES)
      for (const evidence of [{}, TYPICAL]) {
        const m = messageFor(lang, code, evidence);
        assert.ok(m.summary.trim().length > 0, `${code} summary`);
        const text = allText(lang, code, evidence);
        assert.ok(!/undefined|\[object Object\]|NaN/.test(text), `${code}: ${text}`);
        if (lang === 'zh-CN') assert.match(m.summary, CJK, `${code}: ${m.summary}`);
        const r = renderDiagnosis(lang, 'error', code, evidence, false);
        assert.ok(r.includes(`[${code}]`) && r.includes(m.summary), r);
      }
  });

void test('zh-CN differs from en for every code', () => {
  for (const code of CODES)
    for (const evidence of [{}, TYPICAL]) assert.notEqual(allText('zh-CN', code, evidence), allText('en', code, evidence), code);
});

void test('typical evidence shows up in the summary', () => {
  for (const lang of LANGS) {
    assert.match(messageFor(lang, 'CONFIG_INVALID', { path: 'provders', reason: 'unknown setting', didYouMean: 'providers' }).summary, /provders.*providers/);
    const secret = messageFor(lang, 'SECRET_INVISIBLE_CHARACTER', TYPICAL).summary;
    assert.ok(secret.includes('U+200B') && secret.includes('11') && secret.includes('providers.lab.tsig.secret'), secret);
    assert.match(messageFor(lang, 'TSIG_BADSIG', TYPICAL).summary, /127\.0\.0\.1:5353/);
    assert.match(messageFor(lang, 'CONFIG_INVALID', { file: 'zk.yaml', reason: 'not valid YAML', error: 'Unexpected x at line 3, column 4' }).summary, /line 3/);
  }
});

void test('PROPAGATION_TIMEOUT lists the lagging servers readably in both languages', () => {
  for (const lang of LANGS) {
    const summary = messageFor(lang, 'PROPAGATION_TIMEOUT', TYPICAL).summary;
    assert.ok(summary.includes('127.0.0.1:15353') && summary.includes('DNS_TIMEOUT') && summary.includes('127.0.0.2:53'), summary);
    assert.ok(!summary.includes('{"server"'), `no raw JSON: ${summary}`);
  }
});

void test('zh-CN: where the invisible character is, in Chinese', () => {
  for (const [where, zh] of [['leading', '开头'], ['trailing', '结尾'], ['inside', '中间']] as const)
    assert.ok(messageFor('zh-CN', 'SECRET_INVISIBLE_CHARACTER', { ...TYPICAL, where }).summary.includes(zh));
});

void test('renderDiagnosis: labels per language and severity; evidence only when verbose', () => {
  const quiet = renderDiagnosis('en', 'warning', 'RESOLVER_FAKE_IP', TYPICAL, false);
  assert.match(quiet, /^warning \[RESOLVER_FAKE_IP\]: /);
  assert.match(quiet, /likely causes:/);
  assert.match(quiet, /fix: /);
  assert.ok(!quiet.includes('evidence'));
  const loud = renderDiagnosis('zh-CN', 'info', 'RESOLVER_FAKE_IP', TYPICAL, true);
  assert.match(loud, /^提示 \[RESOLVER_FAKE_IP\]: /);
  assert.ok(loud.includes(`证据: ${JSON.stringify(TYPICAL)}`));
  const aborted = renderDiagnosis('en', 'error', 'ABORTED', {}, false);
  assert.equal(aborted, 'error [ABORTED]: Cancelled.', 'no empty causes or fix lines');
});

void test('renderError and renderFinding render the code and evidence of what they are given', () => {
  const e = new AppError('CONFIG_NOT_FOUND', { evidence: { file: '/nope.yaml', error: 'ENOENT' } });
  assert.equal(renderError('en', e, false), renderDiagnosis('en', 'error', 'CONFIG_NOT_FOUND', e.diagnosis.evidence, false));
  assert.match(renderError('zh-CN', e, false), /^错误 \[CONFIG_NOT_FOUND\]: .*\/nope\.yaml/);
  assert.match(renderFinding('en', { code: 'RESOLVER_STALE', severity: 'warning', evidence: TYPICAL }, false), /^warning \[RESOLVER_STALE\]/);
});

void test('langFromEnv: zh locales give zh-CN; LC_ALL wins over LC_MESSAGES over LANG', () => {
  assert.equal(langFromEnv({}), 'en');
  assert.equal(langFromEnv({ LANG: 'zh_CN.UTF-8' }), 'zh-CN');
  assert.equal(langFromEnv({ LANG: 'en_US.UTF-8' }), 'en');
  assert.equal(langFromEnv({ LANG: 'C.UTF-8' }), 'en');
  assert.equal(langFromEnv({ LANG: 'en_US.UTF-8', LC_ALL: 'zh_CN.UTF-8' }), 'zh-CN');
  assert.equal(langFromEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' }), 'en');
  assert.equal(langFromEnv({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8' }), 'zh-CN');
  assert.equal(langFromEnv({ LC_MESSAGES: 'zh_CN.UTF-8', LC_ALL: 'en_GB.UTF-8' }), 'en');
  assert.equal(langFromEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: '' }), 'zh-CN', 'an empty LC_ALL is unset');
});
