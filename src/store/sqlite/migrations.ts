/**
 * The SQLite schema as an ordered list of migrations. Rules:
 * - Versions are 1, 2, 3 … with no gaps; a published migration is never
 *   edited, a change is a new migration appended at the end.
 * - Each migration runs in its own write transaction together with the
 *   update of `meta.schema_version`, so a database is always at exactly one
 *   version; a failed migration leaves it at the previous one.
 * - A database at a version newer than the last migration here is refused
 *   (STORE_SCHEMA_TOO_NEW) before anything is written.
 * - Adding a migration needs a seed for the previous version in
 *   `migrations.test.ts`, which then checks that a database at that version
 *   upgrades with its data intact.
 */
import type { DatabaseSync } from 'node:sqlite';
import { AppError } from '../../core/errors.ts';
import { isBusy, isCorruption, storeError } from './sqlite-errors.ts';
import { writeTransaction } from './transaction.ts';

export interface Migration {
  /** The schema version the database is at after this migration. */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'accounts, certificates, orders, challenge journal, meta',
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE accounts (
        id            TEXT PRIMARY KEY,
        directory_url TEXT NOT NULL,
        contact_key   TEXT NOT NULL,  -- JSON of the distinct contacts, sorted: the lookup key
        contact       TEXT NOT NULL,  -- JSON array, as saved
        account_url   TEXT NOT NULL,
        key_pem       TEXT NOT NULL,  -- PKCS#8 PEM; the one column encryption at rest will wrap
        eab_kid       TEXT,
        created_at    INTEGER NOT NULL,
        UNIQUE (directory_url, contact_key)
      ) STRICT;

      CREATE TABLE certificates (
        name             TEXT PRIMARY KEY,
        domains          TEXT NOT NULL,  -- JSON array
        provider         TEXT NOT NULL,
        ca               TEXT NOT NULL,
        key_type         TEXT NOT NULL,
        not_before       INTEGER NOT NULL,
        not_after        INTEGER NOT NULL,
        serial           TEXT NOT NULL,
        cert_id          TEXT NOT NULL,
        ari_window_start INTEGER,
        ari_window_end   INTEGER,
        ari_retry_after  INTEGER,
        next_renewal_at  INTEGER NOT NULL,
        replaces_cert_id TEXT,
        last_renewed_at  INTEGER,
        last_error       TEXT,           -- JSON diagnosis
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX certificates_next_renewal ON certificates (next_renewal_at);

      CREATE TABLE orders (
        order_url        TEXT PRIMARY KEY,
        certificate_name TEXT NOT NULL,
        status           TEXT NOT NULL,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        finalized_at     INTEGER,
        error            TEXT            -- JSON diagnosis
      ) STRICT;
      CREATE INDEX orders_by_certificate ON orders (certificate_name, created_at, order_url);

      CREATE TABLE challenge_journal (
        id               TEXT PRIMARY KEY,
        provider         TEXT NOT NULL,
        zone             TEXT NOT NULL,
        name             TEXT NOT NULL,
        type             TEXT NOT NULL,
        value            TEXT NOT NULL,
        fqdn             TEXT NOT NULL,
        certificate_name TEXT,
        created_at       INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX challenge_journal_by_age ON challenge_journal (created_at, id);
    `,
  },
  {
    version: 2,
    description: 'DDNS record states, detected addresses, event log',
    sql: `
      CREATE TABLE ddns_records (
        provider          TEXT NOT NULL,
        fqdn              TEXT NOT NULL,
        type              TEXT NOT NULL,
        zone              TEXT NOT NULL,
        held_values       TEXT NOT NULL,  -- JSON array, order kept ("values" is an SQL keyword)
        desired           TEXT,
        confirmed_at      INTEGER NOT NULL,
        updated_at        INTEGER,
        passes_since_read INTEGER NOT NULL,
        last_error        TEXT,           -- JSON diagnosis
        created_at        INTEGER NOT NULL,
        PRIMARY KEY (provider, fqdn, type)
      ) STRICT;

      CREATE TABLE addresses (
        family      TEXT PRIMARY KEY,
        address     TEXT NOT NULL,
        detected_at INTEGER NOT NULL,
        changed_at  INTEGER NOT NULL
      ) STRICT;

      -- AUTOINCREMENT: ids are never reused, even after every event was pruned.
      CREATE TABLE events (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      INTEGER NOT NULL,
        kind    TEXT NOT NULL,
        subject TEXT NOT NULL,
        data    TEXT NOT NULL  -- JSON object
      ) STRICT;
      CREATE INDEX events_by_time ON events (at);
      CREATE INDEX events_by_kind ON events (kind, id);
    `,
  },
  {
    version: 3,
    description: 'scheduler job states, stored settings, admin users, sessions, API tokens',
    sql: `
      CREATE TABLE jobs (
        name            TEXT PRIMARY KEY,
        next_run_at     INTEGER NOT NULL,
        last_run_at     INTEGER,
        last_success_at INTEGER,
        failures        INTEGER NOT NULL,
        last_error      TEXT             -- JSON diagnosis
      ) STRICT;

      CREATE TABLE settings (
        path       TEXT PRIMARY KEY,     -- dotted config path
        value      TEXT NOT NULL,        -- JSON text; sealed (zk1.…) when secret
        secret     INTEGER NOT NULL CHECK (secret IN (0, 1)),
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE users (
        username      TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;

      -- The session token and the CSRF token are never stored, only their hashes.
      CREATE TABLE sessions (
        id           TEXT PRIMARY KEY,   -- SHA-256 hex of the session token
        username     TEXT NOT NULL,
        csrf_hash    TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_by_user ON sessions (username);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);

      CREATE TABLE api_tokens (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        token_hash   TEXT NOT NULL UNIQUE, -- SHA-256 hex of the whole token
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER,
        expires_at   INTEGER
      ) STRICT;
      CREATE INDEX api_tokens_by_age ON api_tokens (created_at, id);
    `,
  },
];

/** The newest schema version this build knows. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * The schema version of an open database: 0 for an empty one. A database
 * with tables but no `meta` table (another program's) or with an unreadable
 * version is STORE_CORRUPT.
 */
export function readSchemaVersion(db: DatabaseSync, database: string): number {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all().map((r) => r['name']);
  if (!tables.includes('meta')) {
    if (tables.length === 0) return 0;
    throw new AppError('STORE_CORRUPT', { evidence: { database, reason: 'not a zonekeeper database (no meta table)' } });
  }
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get();
  const version = typeof row?.['value'] === 'string' && /^[1-9][0-9]{0,8}$/.test(row['value']) ? Number(row['value']) : undefined;
  if (version === undefined) throw new AppError('STORE_CORRUPT', { evidence: { database, reason: 'meta.schema_version is missing or not a version' } });
  return version;
}

/** Refuse a database newer than `migrations` know, without writing anything. */
export function checkNotTooNew(version: number, database: string, migrations: readonly Migration[] = MIGRATIONS): void {
  const supported = migrations.at(-1)?.version ?? 0;
  if (version > supported) throw new AppError('STORE_SCHEMA_TOO_NEW', { evidence: { database, version, supported } });
}

/**
 * Bring the database up to the last of `migrations`, one transaction per
 * migration. The version is re-read inside each transaction, so processes
 * opening the same fresh database at once apply each migration once.
 */
export function migrate(db: DatabaseSync, database: string, migrations: readonly Migration[] = MIGRATIONS): { readonly from: number; readonly to: number } {
  const from = readSchemaVersion(db, database);
  checkNotTooNew(from, database, migrations);
  for (const m of migrations) {
    try {
      writeTransaction(db, () => {
        const current = readSchemaVersion(db, database);
        checkNotTooNew(current, database, migrations);
        if (current >= m.version) return;
        if (current !== m.version - 1) throw new Error(`migration ${m.version} needs version ${m.version - 1}, database is at ${current}`);
        db.exec(m.sql);
        db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(m.version));
      });
    } catch (e) {
      if (e instanceof AppError || isBusy(e) || isCorruption(e)) throw storeError(e, database, `migrate to ${m.version}`);
      throw new AppError('STORE_MIGRATION_FAILED', { evidence: { database, version: m.version, error: e instanceof Error ? e.message : String(e) }, cause: e });
    }
  }
  return { from, to: readSchemaVersion(db, database) };
}
