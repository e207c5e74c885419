import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAUNCHD_LABEL, launchdPlist } from './launchd-plist.ts';

const OPTIONS = {
  launch: { node: '/Users/al/.nvm/versions/node/v24.12.0/bin/node', entry: '/Users/al/src/R&D <zk>/src/cli/main.ts' },
  configFile: '/Users/al/Library/Application Support/zonekeeper/zonekeeper.yaml',
  dataDir: '/Users/al/Library/Application Support/zonekeeper/data',
  logDir: '/Users/al/Library/Logs/zonekeeper',
};

const unescape = (s: string): string => s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');

/** Tags open and close in order (a well-formedness check without an XML library). */
function assertBalanced(xml: string): void {
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([A-Za-z]+)[^>]*?(\/?)>/g)) {
    const [, close, name, selfClose] = m;
    if (selfClose === '/') continue;
    if (close === '/') assert.equal(stack.pop(), name, `</${name}> closes the open element`);
    else stack.push(name ?? '');
  }
  assert.deepEqual(stack, []);
}

/** The <string> values of the <array> after <key>name</key>. */
function arrayOf(xml: string, name: string): string[] {
  const body = new RegExp(`<key>${name}</key>\\s*<array>([\\s\\S]*?)</array>`).exec(xml)?.[1] ?? '';
  return [...body.matchAll(/<string>([^<]*)<\/string>/g)].map((m) => unescape(m[1] ?? ''));
}

const valueOf = (xml: string, key: string): string | undefined => new RegExp(`<key>${key}</key>\\s*<string>([^<]*)</string>`).exec(xml)?.[1];

void test('launchdPlist: program arguments survive XML escaping, in order', () => {
  const xml = launchdPlist(OPTIONS);
  assertBalanced(xml);
  assert.deepEqual(arrayOf(xml, 'ProgramArguments'), [OPTIONS.launch.node, OPTIONS.launch.entry, 'run', '--config', OPTIONS.configFile, '--data', OPTIONS.dataDir]);
  assert.ok(xml.includes('R&amp;D &lt;zk&gt;'));
});

void test('launchdPlist: label, restart on failure only, logs, working directory', () => {
  const xml = launchdPlist(OPTIONS);
  assert.equal(valueOf(xml, 'Label'), LAUNCHD_LABEL);
  assert.match(xml, /<key>KeepAlive<\/key>\s*<dict>\s*<key>SuccessfulExit<\/key><false\/>\s*<\/dict>/);
  assert.match(xml, /<key>RunAtLoad<\/key><true\/>/);
  assert.equal(valueOf(xml, 'StandardErrorPath'), '/Users/al/Library/Logs/zonekeeper/zonekeeper.log');
  assert.equal(valueOf(xml, 'WorkingDirectory'), OPTIONS.dataDir);
});

void test('launchdPlist: a control character cannot be written', () => {
  assert.throws(() => launchdPlist({ ...OPTIONS, dataDir: '/tmp/a\u0001b' }), RangeError);
});
