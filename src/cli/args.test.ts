import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import { parseArgs } from './args.ts';

function usageError(argv: string[], env: NodeJS.ProcessEnv = {}): AppError {
  let caught: AppError | undefined;
  assert.throws(
    () => parseArgs(argv, env, 'en'),
    (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'USAGE');
      caught = e;
      return true;
    },
    argv.join(' '),
  );
  return caught as AppError;
}

void test('defaults: ./zonekeeper.yaml (not explicit), ./data, text, the language given, quiet', () => {
  const p = parseArgs(['clock'], {}, 'zh-CN');
  assert.deepEqual(p.global, {
    config: 'zonekeeper.yaml',
    configExplicit: false,
    data: 'data',
    json: false,
    lang: 'zh-CN',
    verbose: false,
    sources: { config: 'default', data: 'default' },
  });
  assert.deepEqual(p.words, ['clock']);
  assert.equal(p.help, false);
  assert.equal(p.options.size, 0);
});

void test('global flags anywhere, removed from the command options', () => {
  const p = parseArgs(['record', '--json', 'set', 'a.example.test', '--config', 'c.yaml', 'A', '192.0.2.1', '--provider', 'lab', '--verbose', '--data', 'd', '--lang', 'zh-CN'], {}, 'en');
  assert.deepEqual(p.words, ['record', 'set', 'a.example.test', 'A', '192.0.2.1']);
  assert.deepEqual(p.global, { config: 'c.yaml', configExplicit: true, data: 'd', json: true, lang: 'zh-CN', verbose: true, sources: { config: 'flag', data: 'flag' } });
  assert.deepEqual([...p.options], [['provider', 'lab']]);
});

void test('--name=value is the same as --name value; the value may contain =', () => {
  const p = parseArgs(['--config=x.yaml', 'record', 'list', '--provider=a=b', '--ttl=60'], {}, 'en');
  assert.equal(p.global.config, 'x.yaml');
  assert.equal(p.options.get('provider'), 'a=b');
  assert.equal(p.options.get('ttl'), '60');
  assert.equal(parseArgs(['--reason=--odd'], {}, 'en').options.get('reason'), '--odd', 'a value starting with -- can be given with =');
});

void test('boolean flags, repeated options keep the last, -h and --help', () => {
  const p = parseArgs(['cert', 'renew', '--all', '--force', '--provider', 'a', '--provider', 'b'], {}, 'en');
  assert.equal(p.options.get('all'), true);
  assert.equal(p.options.get('force'), true);
  assert.equal(p.options.get('provider'), 'b');
  assert.equal(parseArgs(['-h'], {}, 'en').help, true);
  const h = parseArgs(['record', '--help'], {}, 'en');
  assert.equal(h.help, true);
  assert.equal(h.options.has('help'), false);
});

void test('after -- everything is a word', () => {
  const p = parseArgs(['record', 'set', 'x.example.test', 'TXT', '--', '--json', '--nope'], {}, 'en');
  assert.deepEqual(p.words, ['record', 'set', 'x.example.test', 'TXT', '--json', '--nope']);
  assert.equal(p.global.json, false);
});

void test('an unknown option is USAGE naming it', () => {
  assert.match(JSON.stringify(usageError(['clock', '--bogus']).diagnosis.evidence['reason']), /--bogus/);
  usageError(['--jsn']);
  usageError(['--=x']);
});

void test('a valued option without its value is USAGE', () => {
  usageError(['record', 'list', '--provider']);
  usageError(['--config']);
  usageError(['--provider', '--json', 'record', 'list'], {});
  usageError(['--config', '--verbose', 'clock']);
});

void test('a boolean flag given a value is USAGE', () => {
  usageError(['--json=true']);
  usageError(['--force=yes']);
});

void test('--lang accepts en and zh-CN only', () => {
  assert.equal(parseArgs(['--lang', 'en'], {}, 'zh-CN').global.lang, 'en');
  assert.equal(parseArgs(['--lang=zh-CN'], {}, 'en').global.lang, 'zh-CN');
  for (const bad of ['fr', 'zh', 'EN', ''])
    assert.equal(usageError([`--lang=${bad}`]).diagnosis.evidence['value'], bad);
});

void test('ZONEKEEPER_CONFIG and ZONEKEEPER_DATA apply when no flag is given; the flag wins', () => {
  const env = { ZONEKEEPER_CONFIG: '/etc/zk.yaml', ZONEKEEPER_DATA: '/var/lib/zk' };
  const fromEnv = parseArgs(['clock'], env, 'en').global;
  assert.equal(fromEnv.config, '/etc/zk.yaml');
  assert.equal(fromEnv.configExplicit, true, 'a file named through the environment must exist');
  assert.equal(fromEnv.data, '/var/lib/zk');
  assert.deepEqual(fromEnv.sources, { config: 'env', data: 'env' });
  const flags = parseArgs(['clock', '--config', 'c.yaml', '--data', 'd'], env, 'en').global;
  assert.equal(flags.config, 'c.yaml');
  assert.equal(flags.data, 'd');
  assert.deepEqual(flags.sources, { config: 'flag', data: 'flag' });
});

void test('--listen is a global flag (its value only: ZONEKEEPER_LISTEN and the file are the config loader\'s)', () => {
  const p = parseArgs(['run', '--listen', '0.0.0.0:9999'], { ZONEKEEPER_LISTEN: '127.0.0.1:1' }, 'en');
  assert.equal(p.global.listen, '0.0.0.0:9999');
  assert.equal(parseArgs(['run'], { ZONEKEEPER_LISTEN: '127.0.0.1:1' }, 'en').global.listen, undefined);
});

void test('an empty ZONEKEEPER_CONFIG / ZONEKEEPER_DATA counts as unset', () => {
  const g = parseArgs(['clock'], { ZONEKEEPER_CONFIG: '', ZONEKEEPER_DATA: '' }, 'en').global;
  assert.equal(g.config, 'zonekeeper.yaml');
  assert.equal(g.configExplicit, false);
  assert.equal(g.data, 'data');
});

void test('single-dash arguments other than -h are words (negative numbers, "-")', () => {
  assert.deepEqual(parseArgs(['record', 'set', 'x', 'TXT', '-5', '-'], {}, 'en').words, ['record', 'set', 'x', 'TXT', '-5', '-']);
});
