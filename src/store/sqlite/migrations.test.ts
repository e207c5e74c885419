import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { rejectsAppError } from '../../core/testing/app-error-assert.ts';
import type { Store } from '../store.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, type Migration } from './migrations.ts';
import { applyPragmas, openSqliteStore } from './open.ts';

const root = mkdtempSync(join(tmpdir(), 'zonekeeper-migrations-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => {
  const dir = join(root, `db${++counter}`);
  mkdirSync(dir);
  return join(dir, 'zonekeeper.db');
};

const T0 = 1_767_225_600_000;

/**
 * Data written with the raw SQL of one schema version, and what the current
 * Store must read from it after migrating. Adding migration N+1 means adding
 * SEEDS[N] here, written against version N's schema.
 */
interface Seed {
  write(db: DatabaseSync): void;
  check(store: Store): Promise<void>;
}

const SEEDS: Record<number, Seed> = {
  0: {
    write: () => {},
    check: async (store) => {
      assert.deepEqual(await store.listCertificates(), []);
      assert.deepEqual(await store.listJournal(), []);
    },
  },
  1: {
    write: (db) => {
      db.exec(`
        INSERT INTO accounts VALUES ('acct-1', 'https://acme.example.test/directory',
          '["mailto:a@example.test","mailto:b@example.test"]', '["mailto:b@example.test","mailto:a@example.test"]',
          'https://acme.example.test/acct/7', 'PEM', 'kid-1', ${T0});
        INSERT INTO certificates VALUES ('web', '["example.test","*.example.test"]', 'lab', 'https://acme.example.test/directory', 'ec256',
          ${T0}, ${T0 + 7_776_000_000}, '0a1b', 'aki.CgE', ${T0 + 1}, ${T0 + 2}, NULL, ${T0 + 5_184_000_000}, NULL, ${T0},
          '{"code":"PROPAGATION_TIMEOUT","evidence":{"lagging":[]},"retryable":true}', ${T0}, ${T0 + 3});
        INSERT INTO orders VALUES ('https://acme.example.test/order/1', 'web', 'valid', ${T0}, ${T0 + 4}, ${T0 + 4}, NULL);
        INSERT INTO challenge_journal VALUES ('j-1', 'lab', 'example.test', '_acme-challenge', 'TXT', 'abc', '_acme-challenge.example.test', 'web', ${T0});
      `);
    },
    check: async (store) => {
      assert.deepEqual(await store.findAccount('https://acme.example.test/directory', ['mailto:a@example.test', 'mailto:b@example.test']), {
        id: 'acct-1',
        directoryUrl: 'https://acme.example.test/directory',
        contact: ['mailto:b@example.test', 'mailto:a@example.test'],
        accountUrl: 'https://acme.example.test/acct/7',
        keyPem: 'PEM',
        eabKid: 'kid-1',
        createdAt: T0,
      });
      assert.deepEqual(await store.listCertificates(), [
        {
          name: 'web',
          domains: ['example.test', '*.example.test'],
          provider: 'lab',
          ca: 'https://acme.example.test/directory',
          keyType: 'ec256',
          notBefore: T0,
          notAfter: T0 + 7_776_000_000,
          serial: '0a1b',
          certId: 'aki.CgE',
          ariWindowStart: T0 + 1,
          ariWindowEnd: T0 + 2,
          nextRenewalAt: T0 + 5_184_000_000,
          lastRenewedAt: T0,
          lastError: { code: 'PROPAGATION_TIMEOUT', evidence: { lagging: [] }, retryable: true },
          createdAt: T0,
          updatedAt: T0 + 3,
        },
      ]);
      assert.deepEqual(await store.listOrders('web'), [
        { orderUrl: 'https://acme.example.test/order/1', certificateName: 'web', status: 'valid', createdAt: T0, updatedAt: T0 + 4, finalizedAt: T0 + 4 },
      ]);
      assert.deepEqual(await store.listJournal(), [
        { id: 'j-1', provider: 'lab', zone: 'example.test', name: '_acme-challenge', type: 'TXT', value: 'abc', fqdn: '_acme-challenge.example.test', certificateName: 'web', createdAt: T0 },
      ]);
    },
  },
  2: {
    write: (db) => {
      db.exec(`
        INSERT INTO ddns_records VALUES ('lab', 'home.example.test', 'A', 'example.test', '["192.0.2.7","192.0.2.1"]', '192.0.2.1',
          ${T0 + 1}, ${T0 + 2}, 4, '{"code":"PROVIDER_UNREACHABLE","evidence":{"provider":"lab"},"retryable":true}', ${T0});
        INSERT INTO ddns_records VALUES ('lab', 'home.example.test', 'AAAA', 'example.test', '[]', NULL, ${T0 + 3}, NULL, 0, NULL, ${T0});
        INSERT INTO addresses VALUES ('ipv6', '2001:db8::1', ${T0 + 5}, ${T0 + 4});
        INSERT INTO events VALUES (7, ${T0 + 6}, 'ip-changed', 'ipv6', '{"to":"2001:db8::1","sources":["a","b"]}');
      `);
    },
    check: async (store) => {
      assert.deepEqual(await store.listDdnsRecords(), [
        {
          provider: 'lab',
          fqdn: 'home.example.test',
          type: 'A',
          zone: 'example.test',
          values: ['192.0.2.7', '192.0.2.1'],
          desired: '192.0.2.1',
          confirmedAt: T0 + 1,
          updatedAt: T0 + 2,
          passesSinceRead: 4,
          lastError: { code: 'PROVIDER_UNREACHABLE', evidence: { provider: 'lab' }, retryable: true },
          createdAt: T0,
        },
        { provider: 'lab', fqdn: 'home.example.test', type: 'AAAA', zone: 'example.test', values: [], confirmedAt: T0 + 3, passesSinceRead: 0, createdAt: T0 },
      ]);
      assert.equal(await store.getAddress('ipv4'), undefined);
      assert.deepEqual(await store.getAddress('ipv6'), { family: 'ipv6', address: '2001:db8::1', detectedAt: T0 + 5, changedAt: T0 + 4 });
      assert.deepEqual(await store.listEvents(), [{ id: 7, at: T0 + 6, kind: 'ip-changed', subject: 'ipv6', data: { to: '2001:db8::1', sources: ['a', 'b'] } }]);
    },
  },
  3: {
    write: (db) => {
      db.exec(`
        INSERT INTO accounts VALUES ('acct-3', 'https://acme.example.test/directory', '[]', '[]',
          'https://acme.example.test/acct/3', 'zk1.0a1b2c3d.AAAAAAAAAAAAAAAA.c2VhbGVk', NULL, ${T0});
        INSERT INTO jobs VALUES ('ddns', ${T0 + 300_000}, ${T0}, ${T0 - 300_000}, 2,
          '{"code":"PROVIDER_UNREACHABLE","evidence":{"provider":"lab"},"retryable":true,"retryAfterMs":500}');
        INSERT INTO jobs VALUES ('renewal', ${T0 + 3_600_000}, NULL, NULL, 0, NULL);
        INSERT INTO settings VALUES ('ddns.interval', '"10m"', 0, ${T0});
        INSERT INTO settings VALUES ('providers.home.secretKey', 'zk1.0a1b2c3d.AAAAAAAAAAAAAAAA.c2VhbGVk', 1, ${T0 + 1});
        INSERT INTO users VALUES ('admin', 'scrypt$16384$8$1$c2FsdA$aGFzaA', ${T0}, ${T0 + 2});
        INSERT INTO sessions VALUES ('${'ab'.repeat(32)}', 'admin', 'csrf-hash', ${T0}, ${T0 + 86_400_000}, ${T0 + 3});
        INSERT INTO api_tokens VALUES ('t1', 'backup', '${'cd'.repeat(32)}', ${T0}, ${T0 + 4}, NULL);
      `);
    },
    check: async (store) => {
      assert.equal((await store.findAccount('https://acme.example.test/directory', []))?.keyPem, 'zk1.0a1b2c3d.AAAAAAAAAAAAAAAA.c2VhbGVk');
      assert.deepEqual(await store.listJobStates(), [
        {
          name: 'ddns',
          nextRunAt: T0 + 300_000,
          lastRunAt: T0,
          lastSuccessAt: T0 - 300_000,
          failures: 2,
          lastError: { code: 'PROVIDER_UNREACHABLE', evidence: { provider: 'lab' }, retryable: true, retryAfterMs: 500 },
        },
        { name: 'renewal', nextRunAt: T0 + 3_600_000, failures: 0 },
      ]);
      assert.deepEqual(await store.listSettings(), [
        { path: 'ddns.interval', value: '"10m"', secret: false, updatedAt: T0 },
        { path: 'providers.home.secretKey', value: 'zk1.0a1b2c3d.AAAAAAAAAAAAAAAA.c2VhbGVk', secret: true, updatedAt: T0 + 1 },
      ]);
      assert.deepEqual(await store.getUser('admin'), { username: 'admin', passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA', createdAt: T0, updatedAt: T0 + 2 });
      assert.equal(await store.countUsers(), 1);
      assert.deepEqual(await store.getSession('ab'.repeat(32)), {
        id: 'ab'.repeat(32),
        username: 'admin',
        csrfHash: 'csrf-hash',
        createdAt: T0,
        expiresAt: T0 + 86_400_000,
        lastSeenAt: T0 + 3,
      });
      assert.deepEqual(await store.listApiTokens(), [{ id: 't1', name: 'backup', tokenHash: 'cd'.repeat(32), createdAt: T0, lastUsedAt: T0 + 4 }]);
    },
  },
};

/** A database file at schema `version` (0: an empty file) holding that version's seed. */
function databaseAt(version: number): string {
  const path = freshPath();
  const db = new DatabaseSync(path);
  try {
    if (version > 0) {
      applyPragmas(db, path);
      migrate(db, path, MIGRATIONS.slice(0, version));
    }
    const seed = SEEDS[version];
    assert.ok(seed !== undefined, `no seed for schema version ${version}: add SEEDS[${version}]`);
    seed.write(db);
  } finally {
    db.close();
  }
  return path;
}

function rawQuery(path: string, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare(sql).all().map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}

async function withOpened(path: string, fn: (store: Store) => Promise<void>, migrations?: readonly Migration[]): Promise<void> {
  const store = await openSqliteStore(path, migrations === undefined ? {} : { migrations });
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

/** Opening `path` rejects with `code`, and the file is byte for byte what it was. */
async function refusesUntouched(path: string, code: string, evidence: Record<string, unknown> = {}): Promise<void> {
  const before = readFileSync(path);
  await rejectsAppError(openSqliteStore(path), code, evidence);
  assert.ok(readFileSync(path).equals(before), 'the file was changed');
}

const EXTRA: Migration = { version: LATEST_SCHEMA_VERSION + 1, description: 'test: a note column', sql: 'ALTER TABLE certificates ADD COLUMN note TEXT' };

describe('SQLite migrations', () => {
  test('versions run 1, 2, … without gaps and the latest is the last', () => {
    assert.deepEqual(
      MIGRATIONS.map((m) => m.version),
      MIGRATIONS.map((_, i) => i + 1),
    );
    for (const m of MIGRATIONS) assert.ok(m.description !== '' && m.sql.trim() !== '', String(m.version));
    assert.equal(LATEST_SCHEMA_VERSION, MIGRATIONS.length);
  });

  for (let version = 0; version <= LATEST_SCHEMA_VERSION; version++) {
    test(`a database at schema version ${version} opens at ${LATEST_SCHEMA_VERSION} with its data intact`, async () => {
      const path = databaseAt(version);
      await withOpened(path, async (store) => {
        assert.equal(await store.schemaVersion(), LATEST_SCHEMA_VERSION);
        await SEEDS[version]?.check(store);
      });
      assert.deepEqual(rawQuery(path, "SELECT value FROM meta WHERE key = 'schema_version'"), [{ value: String(LATEST_SCHEMA_VERSION) }]);
    });
  }

  test('a version 1 database gains empty, usable DDNS and event tables; its version 1 data stays as it was', async () => {
    const path = databaseAt(1);
    await withOpened(path, async (store) => {
      assert.deepEqual(await store.listDdnsRecords(), []);
      assert.equal(await store.getAddress('ipv4'), undefined);
      assert.equal(await store.getAddress('ipv6'), undefined);
      assert.deepEqual(await store.listEvents(), []);

      const state = { provider: 'lab', fqdn: 'home.example.test', type: 'A', zone: 'example.test', values: ['192.0.2.1'], confirmedAt: T0, passesSinceRead: 0, createdAt: T0 } as const;
      assert.deepEqual(await store.saveDdnsRecord(state), state);
      const address = { family: 'ipv4', address: '192.0.2.1', detectedAt: T0, changedAt: T0 } as const;
      assert.deepEqual(await store.saveAddress(address), address);
      const e = await store.addEvent({ at: T0, kind: 'ip-changed', subject: 'ipv4', data: { to: '192.0.2.1' } });
      assert.equal(e.id, 1);
      await SEEDS[1]?.check(store);
    });
    await withOpened(path, async (store) => {
      assert.equal((await store.listDdnsRecords()).length, 1);
      assert.equal((await store.getAddress('ipv4'))?.address, '192.0.2.1');
      assert.deepEqual(
        (await store.listEvents()).map((e) => e.id),
        [1],
      );
      await SEEDS[1]?.check(store);
    });
  });

  test('a version 2 database gains empty, usable job, settings, user, session and token tables; its data stays as it was', async () => {
    const path = databaseAt(2);
    const session = { id: 'ef'.repeat(32), username: 'admin', csrfHash: 'c', createdAt: T0, expiresAt: T0 + 1, lastSeenAt: T0 };
    await withOpened(path, async (store) => {
      assert.deepEqual(await store.listJobStates(), []);
      assert.deepEqual(await store.listSettings(), []);
      assert.equal(await store.countUsers(), 0);
      assert.deepEqual(await store.listApiTokens(), []);
      assert.equal(await store.resealSecrets((v) => v), 0);

      const job = { name: 'ddns', nextRunAt: T0, failures: 0 };
      assert.deepEqual(await store.saveJobState(job), job);
      const setting = { path: 'ddns.interval', value: '"5m"', secret: false, updatedAt: T0 };
      assert.deepEqual(await store.saveSetting(setting), setting);
      await store.saveUser({ username: 'admin', passwordHash: 'h', createdAt: T0, updatedAt: T0 });
      assert.deepEqual(await store.saveSession(session), session);
      await store.saveApiToken({ id: 't', name: 'n', tokenHash: '01'.repeat(32), createdAt: T0 });
      await SEEDS[2]?.check(store);
    });
    await withOpened(path, async (store) => {
      assert.equal((await store.getJobState('ddns'))?.nextRunAt, T0);
      assert.equal((await store.getSetting('ddns.interval'))?.value, '"5m"');
      assert.equal(await store.countUsers(), 1);
      assert.deepEqual(await store.getSession(session.id), session);
      assert.equal((await store.getApiTokenByHash('01'.repeat(32)))?.id, 't');
      await SEEDS[2]?.check(store);
    });
  });

  test('a database migrated from any earlier version has exactly the schema of a new one', async () => {
    const schemaOf = (path: string): Record<string, unknown>[] => rawQuery(path, 'SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name');
    const fresh = freshPath();
    await withOpened(fresh, async () => {});
    const expected = schemaOf(fresh);
    assert.ok(
      expected.some((r) => r['name'] === 'api_tokens'),
      'the comparison sees the latest tables',
    );
    for (let version = 0; version < LATEST_SCHEMA_VERSION; version++) {
      const path = databaseAt(version);
      await withOpened(path, async () => {});
      assert.deepEqual(schemaOf(path), expected, `migrated from version ${version}`);
    }
  });

  test('a later migration applies on open and its version is recorded; the older code then refuses the file', async () => {
    const path = databaseAt(LATEST_SCHEMA_VERSION);
    await withOpened(
      path,
      async (store) => {
        assert.equal(await store.schemaVersion(), EXTRA.version);
        await SEEDS[LATEST_SCHEMA_VERSION]?.check(store);
      },
      [...MIGRATIONS, EXTRA],
    );
    await refusesUntouched(path, 'STORE_SCHEMA_TOO_NEW', { version: EXTRA.version, supported: LATEST_SCHEMA_VERSION });
  });

  test('a failing migration is rolled back whole and the database stays at its version', async () => {
    const path = databaseAt(LATEST_SCHEMA_VERSION);
    const broken: Migration = { version: LATEST_SCHEMA_VERSION + 1, description: 'test: fails half-way', sql: 'CREATE TABLE extra (x INTEGER); INSERT INTO no_such_table VALUES (1);' };
    await rejectsAppError(openSqliteStore(path, { migrations: [...MIGRATIONS, broken] }), 'STORE_MIGRATION_FAILED', { version: broken.version });
    assert.deepEqual(rawQuery(path, "SELECT name FROM sqlite_schema WHERE name = 'extra'"), []);
    await withOpened(path, async (store) => {
      assert.equal(await store.schemaVersion(), LATEST_SCHEMA_VERSION);
      await SEEDS[LATEST_SCHEMA_VERSION]?.check(store);
    });
  });

  test('a database with a newer version than this build knows is refused untouched', async () => {
    const path = databaseAt(LATEST_SCHEMA_VERSION);
    const db = new DatabaseSync(path);
    db.exec(`UPDATE meta SET value = '${LATEST_SCHEMA_VERSION + 5}' WHERE key = 'schema_version'`);
    db.close();
    await refusesUntouched(path, 'STORE_SCHEMA_TOO_NEW', { version: LATEST_SCHEMA_VERSION + 5, supported: LATEST_SCHEMA_VERSION });
  });
});

describe('SQLite files that are not a usable database', () => {
  test('a file that is not SQLite is STORE_CORRUPT and left untouched, no WAL created', async () => {
    const path = freshPath();
    writeFileSync(path, Buffer.concat([Buffer.from('certificates and keys, not a database\n'), Buffer.alloc(8192, 0x5a)]));
    await refusesUntouched(path, 'STORE_CORRUPT');
    assert.equal(existsSync(`${path}-wal`), false);
  });

  test('a zonekeeper database with a damaged page is STORE_CORRUPT and left untouched', async () => {
    const path = freshPath();
    await withOpened(path, async (store) => {
      for (let i = 0; i < 200; i++) {
        await store.addJournalEntry({ provider: 'lab', zone: 'example.test', name: `n${i}`, type: 'TXT', value: 'v'.repeat(40), fqdn: `n${i}.example.test`, createdAt: i });
      }
    });
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    const pages = bytes.length / pageSize;
    assert.ok(pages >= 8, `only ${pages} pages`);
    const middle = Math.floor(pages / 2) * pageSize;
    bytes.fill(0xab, middle, middle + pageSize);
    writeFileSync(path, bytes);
    await refusesUntouched(path, 'STORE_CORRUPT');
  });

  test("another program's SQLite database is STORE_CORRUPT and left untouched (not switched to WAL)", async () => {
    const path = freshPath();
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO photos (title) VALUES ('beach');");
    db.close();
    await refusesUntouched(path, 'STORE_CORRUPT');
    assert.deepEqual(rawQuery(path, 'PRAGMA journal_mode'), [{ journal_mode: 'delete' }]);
  });

  test('a meta table without a readable schema version is STORE_CORRUPT', async () => {
    const path = databaseAt(LATEST_SCHEMA_VERSION);
    const db = new DatabaseSync(path);
    db.exec("UPDATE meta SET value = 'one' WHERE key = 'schema_version'");
    db.close();
    await refusesUntouched(path, 'STORE_CORRUPT');
  });

  test('a path that cannot be a database file is STORE_OPEN_FAILED', async () => {
    const dir = freshPath();
    mkdirSync(dir);
    await rejectsAppError(openSqliteStore(dir), 'STORE_OPEN_FAILED');
    const file = freshPath();
    writeFileSync(file, '');
    await rejectsAppError(openSqliteStore(join(file, 'zonekeeper.db')), 'STORE_OPEN_FAILED');
  });
});
