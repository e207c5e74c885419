/**
 * `zonekeeper config explain` through the real CLI: a setting given in each
 * of the four places a user can reach from the command line (flag, env,
 * file, default) is reported with that source, in English and Chinese, as
 * text and JSON; secrets, wherever they came from, never appear in any
 * output, failures included. (The fifth place, stored settings, is covered
 * through the function API in src/config/effective.test.ts.) Nothing is
 * contacted, so no server is needed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from './harness/cli.ts';

const FILE_SECRET = 'ZmlsZS1zZWNyZXQtdGhhdC1tdXN0LW5vdC1sZWFr';
const REF_SECRET = 'cf-token-via-env-reference-0a1b2c3d4e';
const ENV_SECRET = 'powerdns-api-key-from-override-9f8e7d';
const SECRETS = [FILE_SECRET, REF_SECRET, ENV_SECRET];

let dir = '';
let file = '';
const outputs: CliResult[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'zk-config-explain-'));
  file = join(dir, 'zk.yaml');
  writeFileSync(
    file,
    [
      'dns:',
      '  resolvers: ["127.0.0.1:5353"]',
      'providers:',
      '  lab:',
      '    type: rfc2136',
      '    server: "127.0.0.1:5353"',
      `    tsig: { name: ddns-key, algorithm: hmac-sha256, secret: "${FILE_SECRET}" }`,
      '  cf:',
      '    type: cloudflare',
      '    apiToken: "${env:ZK_TEST_CF_TOKEN}"',
      '',
    ].join('\n'),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

const BASE_ENV: NodeJS.ProcessEnv = {
  LANG: 'C.UTF-8',
  LC_ALL: '',
  LC_MESSAGES: '',
  ZONEKEEPER_CONFIG: '',
  ZONEKEEPER_LISTEN: '',
  ZK_TEST_CF_TOKEN: REF_SECRET,
  ZONEKEEPER_DATA: join(dir, 'data-from-env'),
  ZONEKEEPER_DNS__TIMEOUT: '3000',
  ZONEKEEPER_PROVIDERS__PDNS__TYPE: 'powerdns',
  ZONEKEEPER_PROVIDERS__PDNS__ENDPOINT: 'http://127.0.0.1:8081',
  ZONEKEEPER_PROVIDERS__PDNS__APIKEY: ENV_SECRET,
};

async function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const r = await runCli(args, { cwd: dir, env: { ...BASE_ENV, ...env }, timeoutMs: 60_000 });
  outputs.push(r);
  return r;
}

interface Setting {
  path: string;
  source: string;
  value?: unknown;
  secret?: { length: number };
  env?: string;
  flag?: string;
  file?: string;
  line?: number;
  column?: number;
  references?: string[];
}

function settingsOf(r: CliResult): Map<string, Setting> {
  assert.equal(r.status, 0, r.stderr);
  const doc = r.json as { ok: boolean; command: string; file: string; precedence: string[]; settings: Setting[] };
  assert.equal(doc.ok, true);
  assert.equal(doc.command, 'config explain');
  assert.equal(doc.file, file);
  assert.deepEqual(doc.precedence, ['flag', 'env', 'file', 'stored', 'default']);
  return new Map(doc.settings.map((s) => [s.path, s]));
}

describe('config explain', () => {
  test('--json: a value set by flag, env, file and default each reports that source', async () => {
    const s = settingsOf(await cli(['config', 'explain', '--config', file, '--listen', '127.0.0.1:19876', '--json']));
    assert.deepEqual(s.get('listen'), { path: 'listen', source: 'flag', flag: '--listen', value: '127.0.0.1:19876' });
    assert.deepEqual(s.get('dns.timeout'), { path: 'dns.timeout', source: 'env', env: 'ZONEKEEPER_DNS__TIMEOUT', value: 3000 });
    assert.deepEqual(s.get('dns.resolvers'), { path: 'dns.resolvers', source: 'file', file, line: 2, column: 14, value: ['127.0.0.1:5353'] });
    assert.deepEqual(s.get('ddns.interval'), { path: 'ddns.interval', source: 'default', value: '5m' });
    assert.deepEqual(s.get('config'), { path: 'config', source: 'flag', flag: '--config', value: file });
    assert.deepEqual(s.get('data'), { path: 'data', source: 'env', env: 'ZONEKEEPER_DATA', value: join(dir, 'data-from-env') });
  });

  test('--json: secrets from the file, a file reference and an override are masked with their length and source', async () => {
    const s = settingsOf(await cli(['config', 'explain', '--config', file, '--json']));
    assert.deepEqual(s.get('providers.lab.tsig.secret'), { path: 'providers.lab.tsig.secret', source: 'file', file, line: 7, column: 61, secret: { length: FILE_SECRET.length } });
    assert.deepEqual(s.get('providers.cf.apiToken'), {
      path: 'providers.cf.apiToken',
      source: 'file',
      file,
      line: 10,
      column: 15,
      references: ['env:ZK_TEST_CF_TOKEN'],
      secret: { length: REF_SECRET.length },
    });
    assert.deepEqual(s.get('providers.pdns.apiKey'), { path: 'providers.pdns.apiKey', source: 'env', env: 'ZONEKEEPER_PROVIDERS__PDNS__APIKEY', secret: { length: ENV_SECRET.length } });
    assert.equal(s.get('listen')?.source, 'default');
    assert.equal(s.get('listen')?.value, '127.0.0.1:9876');
  });

  test('ZONEKEEPER_LISTEN is the env source of listen; the flag still wins over it', async () => {
    const env = { ZONEKEEPER_LISTEN: '127.0.0.1:29876' };
    assert.deepEqual(settingsOf(await cli(['config', 'explain', '--config', file, '--json'], env)).get('listen'), {
      path: 'listen',
      source: 'env',
      env: 'ZONEKEEPER_LISTEN',
      value: '127.0.0.1:29876',
    });
    assert.equal(settingsOf(await cli(['config', 'explain', '--config', file, '--json', '--listen', ':0'], env)).get('listen')?.source, 'flag');
  });

  test('text, in English and in Chinese: one line per setting with its source', async () => {
    const en = await cli(['config', 'explain', '--config', file, '--listen', '127.0.0.1:19876']);
    assert.equal(en.status, 0, en.stderr);
    assert.match(en.stdout, /^listen = "127\.0\.0\.1:19876" \(from flag --listen\)$/m);
    assert.match(en.stdout, /^dns\.timeout = 3000 \(from env ZONEKEEPER_DNS__TIMEOUT\)$/m);
    assert.ok(en.stdout.includes(`dns.resolvers = ["127.0.0.1:5353"] (from file ${file}:2:14)`), en.stdout);
    assert.match(en.stdout, /^ddns\.interval = "5m" \(default\)$/m);
    assert.ok(en.stdout.split('\n').includes(`providers.pdns.apiKey = •••• (secret, ${ENV_SECRET.length} chars, from env ZONEKEEPER_PROVIDERS__PDNS__APIKEY)`), en.stdout);
    assert.ok(en.stdout.includes(`providers.cf.apiToken = •••• (secret, ${REF_SECRET.length} chars, from file ${file}:10:15 via \${env:ZK_TEST_CF_TOKEN})`), en.stdout);
    const zh = await cli(['config', 'explain', '--config', file, '--listen', '127.0.0.1:19876', '--lang', 'zh-CN']);
    assert.equal(zh.status, 0, zh.stderr);
    assert.match(zh.stdout, /^listen = "127\.0\.0\.1:19876"（来自命令行参数 --listen）$/m);
    assert.match(zh.stdout, /^dns\.timeout = 3000（来自环境变量 ZONEKEEPER_DNS__TIMEOUT）$/m);
    assert.ok(zh.stdout.includes(`dns.resolvers = ["127.0.0.1:5353"]（来自配置文件 ${file}:2:14）`), zh.stdout);
    assert.match(zh.stdout, /^ddns\.interval = "5m"（默认值）$/m);
    assert.ok(zh.stdout.split('\n').includes(`providers.pdns.apiKey = ••••（机密，${ENV_SECRET.length} 个字符，来自环境变量 ZONEKEEPER_PROVIDERS__PDNS__APIKEY）`), zh.stdout);
  });

  test('a bad override: exit 2, the variable named, the secret not shown', async () => {
    const typo = await cli(['config', 'explain', '--config', file, '--json'], { ZONEKEEPER_DNS__TIMOUT: '1' });
    assert.equal(typo.status, 2);
    const error = (typo.json as { error: { code: string; evidence: Record<string, unknown> } }).error;
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.evidence['env'], 'ZONEKEEPER_DNS__TIMOUT');
    assert.equal(error.evidence['didYouMean'], 'timeout');
    assert.match(typo.stderr, /ZONEKEEPER_DNS__TIMOUT/);
    const invisible = await cli(['config', 'explain', '--config', file, '--json', '--verbose'], { ZONEKEEPER_PROVIDERS__PDNS__APIKEY: `${ENV_SECRET}\u200b` });
    assert.equal(invisible.status, 2);
    const e2 = (invisible.json as { error: { code: string; evidence: Record<string, unknown> } }).error;
    assert.equal(e2.code, 'SECRET_INVISIBLE_CHARACTER');
    assert.equal(e2.evidence['env'], 'ZONEKEEPER_PROVIDERS__PDNS__APIKEY');
    const check = await cli(['config', 'check', '--config', file, '--json', '--verbose']);
    assert.equal(check.status, 0, check.stderr);
    assert.deepEqual((check.json as { providers: string[] }).providers.sort(), ['cf', 'lab', 'pdns']);
  });

  test('no secret appears in any output of this file', () => {
    assert.ok(outputs.length >= 8, `outputs collected: ${outputs.length}`);
    for (const r of outputs) for (const secret of SECRETS) assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `a secret leaked:\n${r.stdout}\n${r.stderr}`);
    assert.ok(outputs.some((r) => r.stdout.includes('••••')), 'the secrets were there, masked');
  });
});
