import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowsArg, windowsInstallRecipe, windowsUninstallRecipe } from './windows-recipe.ts';

/**
 * The Microsoft C runtime's command-line parsing (the documented rules of
 * "Parsing C command-line arguments"), to check windowsArg against.
 */
function parseMsvcrt(line: string): string[] {
  const args: string[] = [];
  let cur = '';
  let inQuotes = false;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      let n = 0;
      while (line[i] === '\\') {
        n++;
        i++;
      }
      if (line[i] === '"') {
        cur += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) cur += '"';
        else inQuotes = !inQuotes;
      } else {
        cur += '\\'.repeat(n);
        i--;
      }
      started = true;
    } else if (c === '"') {
      inQuotes = !inQuotes;
      started = true;
    } else if ((c === ' ' || c === '\t') && !inQuotes) {
      if (started) args.push(cur);
      cur = '';
      started = false;
    } else {
      cur += c;
      started = true;
    }
  }
  if (started) args.push(cur);
  return args;
}

void test('windowsArg: round-trips through the C runtime rules', () => {
  const cases = ['C:\\Program Files\\nodejs\\node.exe', 'plain', 'a "quoted" word', 'ends in slash\\', 'C:\\dir with space\\', 'back\\\\"quote', '', 'tab\there'];
  const line = cases.map(windowsArg).join(' ');
  assert.deepEqual(parseMsvcrt(line), cases);
  assert.equal(windowsArg('C:\\zk\\main.ts'), 'C:\\zk\\main.ts');
  assert.equal(windowsArg('C:\\Program Files\\x'), '"C:\\Program Files\\x"');
});

const OPTIONS = {
  launch: { node: 'C:\\Program Files\\nodejs\\node.exe', entry: 'C:\\src\\zone keeper\\src\\cli\\main.ts' },
  baseDir: 'C:\\ProgramData\\zonekeeper',
  configFile: 'C:\\ProgramData\\zonekeeper\\zonekeeper.yaml',
  dataDir: 'C:\\ProgramData\\zonekeeper\\data',
  logDir: 'C:\\ProgramData\\zonekeeper\\logs',
};

void test('windowsInstallRecipe: NSSM runs the Node and entry with the daemon arguments; sc.exe sets recovery', () => {
  const lines = windowsInstallRecipe(OPTIONS).split('\n');
  const nssm = lines.filter((l) => l.startsWith('nssm ')).map(parseMsvcrt);
  assert.deepEqual(nssm[0], ['nssm', 'install', 'zonekeeper', OPTIONS.launch.node]);
  const params = nssm.find((a) => a[2] === 'zonekeeper' && a[3] === 'AppParameters')?.[4] ?? '';
  // NSSM hands AppParameters to the program's command line, parsed by the same rules.
  assert.deepEqual(parseMsvcrt(params), [OPTIONS.launch.entry, 'run', '--config', OPTIONS.configFile, '--data', OPTIONS.dataDir]);
  assert.ok(nssm.some((a) => a.join(' ') === 'nssm set zonekeeper AppExit 2 Exit'), 'a bad config is not restarted');
  assert.ok(lines.some((l) => l.startsWith('sc.exe failure zonekeeper ')));
  assert.equal(nssm.at(-1)?.join(' '), 'nssm start zonekeeper');
});

void test('windowsUninstallRecipe: stop, remove, keep the data folder', () => {
  const text = windowsUninstallRecipe(OPTIONS);
  assert.ok(text.includes('nssm stop zonekeeper\nnssm remove zonekeeper confirm'));
  assert.ok(text.includes(`kept: ${OPTIONS.baseDir}`));
});
