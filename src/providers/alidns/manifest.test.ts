import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../core/errors.ts';
import { DEFAULT_ENDPOINT, alidnsManifest } from './manifest.ts';

const base = { accessKeyId: 'LTAIx', accessKeySecret: 'k' };

function configError(raw: Record<string, unknown>, code = 'CONFIG_INVALID'): string {
  try {
    alidnsManifest.parse(raw, 'providers.t');
  } catch (e) {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, code);
    return JSON.stringify(e.diagnosis.evidence['path']);
  }
  assert.fail('parsed');
}

test('defaults: the public endpoint, no zone, no private roots', () => {
  const c = alidnsManifest.parse(base, 'providers.t');
  assert.equal(c.endpoint, DEFAULT_ENDPOINT);
  assert.equal(c.zone, undefined);
  assert.equal(c.caPem, undefined);
});

test('zone is normalised; trust is read from the PEM file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zk-ali-manifest-'));
  try {
    const file = join(dir, 'root.pem');
    writeFileSync(file, '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n');
    const c = alidnsManifest.parse({ ...base, zone: 'Example.COM', trust: file, endpoint: 'https://127.0.0.1:8443' }, 'providers.t');
    assert.equal(c.zone, 'example.com.');
    assert.ok(c.caPem?.includes('BEGIN CERTIFICATE'));
    assert.equal(c.endpoint, 'https://127.0.0.1:8443');
    writeFileSync(file, 'not a pem');
    assert.equal(configError({ ...base, trust: file }), '"providers.t.trust"');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad endpoint and bad timeout are CONFIG_INVALID, an unreadable trust file CONFIG_REFERENCE_UNRESOLVED, at their path', () => {
  assert.equal(configError({ ...base, endpoint: 'http://alidns.aliyuncs.com' }), '"providers.t.endpoint"');
  assert.equal(configError({ ...base, endpoint: 'https://alidns.aliyuncs.com/v3' }), '"providers.t.endpoint"');
  assert.equal(configError({ ...base, endpoint: 'not a url' }), '"providers.t.endpoint"');
  assert.equal(configError({ ...base, trust: '/nonexistent/zk/root.pem' }, 'CONFIG_REFERENCE_UNRESOLVED'), '"providers.t.trust"');
  assert.equal(configError({ ...base, timeout: 0 }), '"providers.t.timeout"');
});

test('registered as alidns with the alias aliyun', () => {
  assert.equal(alidnsManifest.id, 'alidns');
  assert.deepEqual(alidnsManifest.aliases, ['aliyun']);
});
