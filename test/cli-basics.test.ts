/**
 * The command line's contract without any server: help, the provider list,
 * `config check`, languages, usage errors, exit statuses. Runs the real CLI
 * as a child process in an empty temporary directory (so no stray
 * ./zonekeeper.yaml is picked up) with a neutral locale.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from './harness/cli.ts';

const SECRET = 'c2VjcmV0LWtleS1tYXRlcmlhbA==';
const CJK = /[\u3400-\u9fff]/;
/** Every command this build dispatches (src/cli/cli.ts), as help must list them. */
const COMMANDS = ['record set', 'record delete', 'record list', 'cert issue', 'cert renew', 'cert list', 'cert revoke', 'ddns sync', 'clock', 'providers', 'provider test', 'config check', 'config explain', 'run'];

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'zk-cli-basics-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(args, {
    cwd: dir,
    env: { LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '', ZONEKEEPER_CONFIG: '', ZONEKEEPER_DATA: '', ...env },
    timeoutMs: 30000,
  });
}

function config(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

interface JsonError {
  readonly ok: false;
  readonly error: { readonly code: string; readonly evidence: Record<string, unknown> };
}

function jsonError(r: CliResult): JsonError['error'] {
  assert.equal(r.jsonError, undefined, `stdout is one JSON document: ${r.stdout}`);
  const doc = r.json as JsonError;
  assert.equal(doc.ok, false);
  return doc.error;
}

const VALID = `dns:\n  resolvers: ["127.0.0.1:5353"]\nproviders:\n  lab:\n    type: rfc2136\n    server: 127.0.0.1:5353\n    tsig:\n      name: ddns-key\n      secret: \${env:ZK_TEST_TSIG_SECRET}\n`;
const TYPO = 'provders:\n  lab:\n    type: rfc2136\n    server: 127.0.0.1\n';

describe('help', () => {
  test('--help exits 0 and lists every command', async () => {
    const r = await cli(['--help']);
    assert.equal(r.status, 0, r.stderr);
    for (const c of COMMANDS) assert.ok(r.stdout.includes(`  ${c} `), `help lists "${c}"`);
    for (const flag of ['--config', '--data', '--json', '--lang', '--verbose']) assert.ok(r.stdout.includes(flag), flag);
  });

  test('-h, `help` and --help after a command are the same', async () => {
    const reference = (await cli(['--help'])).stdout;
    for (const args of [['-h'], ['help'], ['record', 'set', '--help']]) {
      const r = await cli(args);
      assert.equal(r.status, 0, args.join(' '));
      assert.equal(r.stdout, reference, args.join(' '));
    }
  });
});

describe('providers', () => {
  test('--json lists rfc2136 with its secret field marked secret', async () => {
    const r = await cli(['providers', '--json']);
    assert.equal(r.status, 0, r.stderr);
    interface Field {
      name: string;
      secret: boolean;
      fields?: Field[];
    }
    const doc = r.json as { ok: boolean; providers: { id: string; aliases: string[]; fields: Field[] }[] };
    assert.equal(doc.ok, true);
    const rfc = doc.providers.find((p) => p.id === 'rfc2136');
    assert.ok(rfc !== undefined, 'rfc2136 is listed');
    const tsig = rfc.fields.find((f) => f.name === 'tsig');
    assert.equal(tsig?.fields?.find((f) => f.name === 'secret')?.secret, true);
    assert.equal(tsig?.fields?.find((f) => f.name === 'name')?.secret, false);
    assert.equal(rfc.fields.find((f) => f.name === 'server')?.secret, false);
  });

  test('as text, the secret is marked too', async () => {
    const r = await cli(['providers']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^rfc2136\b/m);
    assert.match(r.stdout, /tsig\.secret\s+string \(secret\)/);
  });
});

describe('config check', () => {
  test('a valid config exits 0 and prints no secret', async () => {
    const file = config('valid.yaml', VALID);
    const r = await cli(['config', 'check', '--config', file, '--json'], { ZK_TEST_TSIG_SECRET: SECRET });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.json, { ok: true, command: 'config check', file, providers: ['lab'] });
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
  });

  test('ZONEKEEPER_CONFIG names the file when --config is absent', async () => {
    const file = config('valid-env.yaml', VALID);
    const r = await cli(['config', 'check', '--json'], { ZK_TEST_TSIG_SECRET: SECRET, ZONEKEEPER_CONFIG: file });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((r.json as { file: string }).file, file);
  });

  test('no config file at the default path is a valid empty config; a missing named one is CONFIG_NOT_FOUND', async () => {
    const r = await cli(['config', 'check', '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.json, { ok: true, command: 'config check', file: null, providers: [] });
    const missing = await cli(['config', 'check', '--json', '--config', join(dir, 'missing.yaml')]);
    assert.equal(missing.status, 2);
    assert.equal(jsonError(missing).code, 'CONFIG_NOT_FOUND');
  });

  test('a typo exits 2 with CONFIG_INVALID and a didYouMean', async () => {
    const file = config('typo.yaml', TYPO);
    const r = await cli(['config', 'check', '--config', file, '--json']);
    assert.equal(r.status, 2);
    const error = jsonError(r);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.evidence['didYouMean'], 'providers');
    assert.match(r.stderr, /\[CONFIG_INVALID\]/);
  });

  test('a secret with a zero-width space exits 2 with its position, never the secret', async () => {
    const file = config('zwsp.yaml', VALID);
    const bad = `${SECRET.slice(0, 8)}\u200B${SECRET.slice(8)}`;
    const r = await cli(['config', 'check', '--config', file, '--json', '--verbose'], { ZK_TEST_TSIG_SECRET: bad });
    assert.equal(r.status, 2);
    const error = jsonError(r);
    assert.equal(error.code, 'SECRET_INVISIBLE_CHARACTER');
    assert.equal(error.evidence['position'], 9);
    assert.ok(!`${r.stdout}${r.stderr}`.includes(SECRET.slice(8)), 'the secret is not printed');
  });

  test('--lang zh-CN renders the error in Chinese', async () => {
    const file = config('typo-zh.yaml', TYPO);
    const r = await cli(['--lang', 'zh-CN', 'config', 'check', '--config', file]);
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes('CONFIG_INVALID'), r.stderr);
    assert.match(r.stderr, CJK);
    const en = await cli(['config', 'check', '--config', file]);
    assert.ok(en.stderr.includes('CONFIG_INVALID'));
    assert.doesNotMatch(en.stderr, CJK, 'the C locale renders English');
  });

  test('LANG=zh_CN.UTF-8 selects Chinese too; --lang en overrides it', async () => {
    const file = config('typo-lang.yaml', TYPO);
    const zh = await cli(['config', 'check', '--config', file], { LANG: 'zh_CN.UTF-8' });
    assert.match(zh.stderr, CJK);
    const en = await cli(['config', 'check', '--config', file, '--lang', 'en'], { LANG: 'zh_CN.UTF-8' });
    assert.doesNotMatch(en.stderr, CJK);
    assert.ok(en.stderr.includes('CONFIG_INVALID'));
  });
});

describe('usage errors exit 2 with USAGE', () => {
  const cases: [string, string[]][] = [
    ['an unknown command', ['frobnicate', '--json']],
    ['an unknown sub-command', ['config', 'explode', '--json']],
    ['an unknown option', ['providers', '--bogus', '--json']],
    ['a valued option without its value', ['config', 'check', '--json', '--config']],
    ['an unsupported language', ['--lang', 'fr', 'providers', '--json']],
  ];
  for (const [label, args] of cases)
    test(label, async () => {
      const r = await cli(args);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(jsonError(r).code, 'USAGE');
      assert.match(r.stderr, /\[USAGE\]/);
    });
});
