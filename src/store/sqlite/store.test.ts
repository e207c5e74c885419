import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runStoreContract } from '../contract.ts';
import { applyPragmas, openSqliteStore } from './open.ts';
import { LATEST_SCHEMA_VERSION } from './migrations.ts';

const root = mkdtempSync(join(tmpdir(), 'zonekeeper-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
/** A path for a database that does not exist yet, in a directory that does not exist yet. */
const freshPath = (): string => join(root, `db${++counter}`, 'nested', 'zonekeeper.db');

runStoreContract(() => {
  const path = freshPath();
  return Promise.resolve(() => openSqliteStore(path));
});

const OPEN_URL = pathToFileURL(join(import.meta.dirname, 'open.ts')).href;

interface ChildResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Run `body` as an ES module in a new Node process, with `openSqliteStore`
 * imported and the database path as `path`. `onLine` sees each stdout line
 * and may return true to SIGKILL the child.
 */
function runChild(path: string, body: string, onLine: (line: string) => boolean = () => false): Promise<ChildResult> {
  const script = `import { openSqliteStore } from ${JSON.stringify(OPEN_URL)};\nconst path = process.argv[1];\n${body}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (onLine(line)) child.kill('SIGKILL');
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ stdout, stderr, code, signal }));
  });
}

const ENTRY = `{ provider: 'lab', zone: 'example.test', name: '_acme-challenge', type: 'TXT', value: 'v', fqdn: '_acme-challenge.example.test', createdAt: 1767225600000 }`;

describe('SQLite store', () => {
  test('creates the directory 0700 and the database 0600, its WAL too', async () => {
    const path = freshPath();
    const store = await openSqliteStore(path);
    try {
      await store.addJournalEntry({ provider: 'lab', zone: 'example.test', name: 'x', type: 'TXT', value: 'v', fqdn: 'x.example.test', createdAt: 1 });
      assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(statSync(`${path}-wal`).mode & 0o777, 0o600);
    } finally {
      await store.close();
    }
  });

  test('the file is in WAL mode and connections are FULL-synchronous with foreign keys, secure delete and a busy timeout', async () => {
    const path = freshPath();
    await (await openSqliteStore(path)).close();
    const db = new DatabaseSync(path);
    try {
      assert.equal(db.prepare('PRAGMA journal_mode').get()?.['journal_mode'], 'wal');
      db.exec('PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA secure_delete = OFF; PRAGMA busy_timeout = 0');
      applyPragmas(db, path);
      assert.equal(db.prepare('PRAGMA secure_delete').get()?.['secure_delete'], 1);
      assert.equal(db.prepare('PRAGMA synchronous').get()?.['synchronous'], 2);
      assert.equal(db.prepare('PRAGMA foreign_keys').get()?.['foreign_keys'], 1);
      assert.equal(db.prepare('PRAGMA busy_timeout').get()?.['timeout'], 5000);
    } finally {
      db.close();
    }
  });

  test('a journal entry survives SIGKILL right after the add resolves', async () => {
    const path = freshPath();
    const result = await runChild(
      path,
      `const store = await openSqliteStore(path);
       const e = await store.addJournalEntry(${ENTRY});
       (await import('node:fs')).writeSync(1, e.id + '\\n');
       process.kill(process.pid, 'SIGKILL');`,
    );
    assert.equal(result.signal, 'SIGKILL', result.stderr);
    const id = result.stdout.trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    const store = await openSqliteStore(path);
    try {
      assert.deepEqual(
        (await store.listJournal()).map((e) => e.id),
        [id],
      );
    } finally {
      await store.close();
    }
  });

  test('killed while adding entries in a loop: every entry reported as added is there, the file opens', async () => {
    const path = freshPath();
    const reported: string[] = [];
    const result = await runChild(
      path,
      `const store = await openSqliteStore(path);
       const { writeSync } = await import('node:fs');
       for (;;) { const e = await store.addJournalEntry(${ENTRY}); writeSync(1, e.id + '\\n'); }`,
      (line) => {
        reported.push(line);
        return reported.length === 40;
      },
    );
    assert.equal(result.signal, 'SIGKILL', result.stderr);
    const store = await openSqliteStore(path);
    try {
      const ids = new Set((await store.listJournal()).map((e) => e.id));
      for (const id of reported) assert.ok(ids.has(id), `entry ${id} was reported added but is missing`);
      assert.equal(await store.schemaVersion(), LATEST_SCHEMA_VERSION);
    } finally {
      await store.close();
    }
  });

  test('two processes opening one new file at once and writing in parallel lose nothing', async () => {
    const path = freshPath();
    const n = 100;
    const body = (tag: string): string =>
      `const store = await openSqliteStore(path);
       for (let i = 0; i < ${n}; i++) await store.addJournalEntry({ ...${ENTRY}, value: '${tag}' + i });
       await store.close();`;
    const results = await Promise.all([runChild(path, body('a')), runChild(path, body('b'))]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const store = await openSqliteStore(path);
    try {
      const values = new Set((await store.listJournal()).map((e) => e.value));
      assert.equal(values.size, 2 * n);
      for (let i = 0; i < n; i++) assert.ok(values.has(`a${i}`) && values.has(`b${i}`), String(i));
    } finally {
      await store.close();
    }
  });
});
