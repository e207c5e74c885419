import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEffectiveConfig, type EffectiveConfig, type EffectiveLoadOptions } from './effective.ts';
import { reloadConfig, type ReloadResult } from './reload.ts';

const SECRET = 'c2VjcmV0LWtleS1tYXRlcmlhbC1yZWxvYWQ=';
const GOOD = ['dns:', '  timeout: 1500', 'providers:', '  lab:', '    type: rfc2136', '    server: 127.0.0.1:5353', `    tsig: { name: k, algorithm: hmac-sha256, secret: "${SECRET}" }`, ''];

let dir = '';
let file = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'zk-reload-'));
  file = join(dir, 'zk.yaml');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Write atomically (rename), the way most editors and config managers replace a file. */
function replace(lines: string[]): void {
  writeFileSync(`${file}.tmp`, lines.join('\n'));
  renameSync(`${file}.tmp`, file);
}

function start(env: NodeJS.ProcessEnv = {}): { current: EffectiveConfig; opts: EffectiveLoadOptions } {
  replace(GOOD);
  const opts: EffectiveLoadOptions = { path: file, explicit: false, env };
  return { current: loadEffectiveConfig(opts), opts };
}

function failed(r: ReloadResult): Extract<ReloadResult, { ok: false }> {
  assert.equal(r.ok, false);
  return r as Extract<ReloadResult, { ok: false }>;
}

void test('a valid new file: the whole new config', () => {
  const { current, opts } = start();
  replace(GOOD.map((l) => l.replace('1500', '2500')));
  const r = reloadConfig(current, opts);
  assert.ok(r.ok);
  assert.equal(r.config.config.dnsTimeoutMs, 2500);
  assert.equal(current.config.dnsTimeoutMs, 1500, 'the running config object is never changed');
});

void test('a file replaced by an invalid one: the old config is kept and the typed errors returned', () => {
  const { current, opts } = start();
  for (const [lines, code] of [
    [[...GOOD, 'provders: {}'], 'CONFIG_INVALID'],
    [GOOD.map((l) => l.replace('rfc2136', 'rfc2163')), 'PROVIDER_TYPE_UNKNOWN'],
    [GOOD.map((l) => l.replace(`"${SECRET}"`, `"${SECRET}\u200b"`)), 'SECRET_INVISIBLE_CHARACTER'],
    [GOOD.map((l) => l.replace(`"${SECRET}"`, '"${env:ZK_UNSET_VARIABLE}"')), 'CONFIG_REFERENCE_UNRESOLVED'],
    [['dns: [unclosed'], 'CONFIG_INVALID'],
    [[''], 'CONFIG_INVALID'],
  ] as const) {
    replace([...lines]);
    const r = failed(reloadConfig(current, opts));
    assert.equal(r.config, current, 'the running config, unchanged');
    assert.deepEqual(
      r.errors.map((e) => e.code),
      [code],
      lines.join('\n'),
    );
    assert.ok(!JSON.stringify(r.errors.map((e) => e.toJSON())).includes(SECRET), 'no secret in the errors');
  }
  assert.equal(current.config.dnsTimeoutMs, 1500);
});

void test('the file removed: the old config is kept, with CONFIG_NOT_FOUND (even for the default path)', () => {
  const { current, opts } = start();
  unlinkSync(file);
  const r = failed(reloadConfig(current, opts));
  assert.equal(r.config, current);
  assert.equal(r.errors[0]?.code, 'CONFIG_NOT_FOUND');
  assert.equal(r.errors[0]?.diagnosis.evidence['file'], file);
});

void test('the environment changed: the new override is in effect, with its source', () => {
  const { current, opts } = start({ ZONEKEEPER_DNS__TIMEOUT: '3000' });
  assert.equal(current.config.dnsTimeoutMs, 3000);
  const changed = reloadConfig(current, { ...opts, env: { ZONEKEEPER_DNS__TIMEOUT: '4000' } });
  assert.ok(changed.ok);
  assert.equal(changed.config.config.dnsTimeoutMs, 4000);
  assert.equal(changed.config.settings.find((s) => s.path === 'dns.timeout')?.env, 'ZONEKEEPER_DNS__TIMEOUT');
  const gone = reloadConfig(changed.config, { ...opts, env: {} });
  assert.ok(gone.ok);
  assert.equal(gone.config.config.dnsTimeoutMs, 1500);
  assert.equal(gone.config.settings.find((s) => s.path === 'dns.timeout')?.source, 'file');
  const bad = failed(reloadConfig(gone.config, { ...opts, env: { ZONEKEEPER_DNS__TIMEOUT: 'later' } }));
  assert.equal(bad.errors[0]?.diagnosis.evidence['env'], 'ZONEKEEPER_DNS__TIMEOUT');
  assert.equal(bad.config, gone.config);
});

void test('a daemon started without a file picks one up once it appears; an empty file is fine when nothing came from a file', () => {
  const opts: EffectiveLoadOptions = { path: join(dir, 'later.yaml'), explicit: false, env: {} };
  const empty = loadEffectiveConfig(opts);
  const still = reloadConfig(empty, opts);
  assert.ok(still.ok, 'no file yet: still the empty config');
  writeFileSync(opts.path, '');
  assert.ok(reloadConfig(empty, opts).ok, 'an empty file after an empty config is no truncation');
  writeFileSync(opts.path, GOOD.join('\n'));
  const r = reloadConfig(empty, opts);
  assert.ok(r.ok);
  assert.deepEqual([...r.config.config.providers.keys()], ['lab']);
});
