/**
 * Opening the SQLite store: `openSqliteStore(path)`.
 *
 * Order of steps, chosen so that a file that is not ours, damaged, or from a
 * newer zonekeeper is refused before anything is written to it:
 * 1. create the parent directory (mode 0700) and the file (mode 0600) if
 *    missing; an existing file is never truncated or re-created;
 * 2. open it and run `PRAGMA quick_check` (reads every page; the database is
 *    small) → STORE_CORRUPT for a non-database or damaged file;
 * 3. read the schema version → STORE_CORRUPT for another program's
 *    database, STORE_SCHEMA_TOO_NEW for a newer one;
 * 4. only then set the connection pragmas (see `applyPragmas`) and apply
 *    the missing migrations.
 * On any failure the connection is closed and the file left as it was.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AppError } from '../../core/errors.ts';
import type { Store } from '../store.ts';
import { checkNotTooNew, MIGRATIONS, migrate, readSchemaVersion, type Migration } from './migrations.ts';
import { BUSY_TIMEOUT_MS, storeError } from './sqlite-errors.ts';
import { SqliteStore } from './store.ts';

/** The store's file name inside the data directory (`--data`). */
export const SQLITE_FILE_NAME = 'zonekeeper.db';

export interface OpenSqliteOptions {
  /** Tests only: the migrations to apply instead of `MIGRATIONS`. */
  readonly migrations?: readonly Migration[];
}

/**
 * Configure a connection:
 * - `journal_mode=WAL`: readers never block the writer and vice versa, so
 *   the daemon, CLI commands and the web API can share the file; it is a
 *   property of the file and stays set.
 * - `synchronous=FULL`: in WAL mode every commit fsyncs the WAL. NORMAL
 *   would survive a process crash too, but may lose the last commits on a
 *   power loss or kernel panic; the challenge journal promises that an entry
 *   is on disk before the provider creates the record, so commits must be
 *   durable when they return. Writes are rare, so the fsync costs nothing
 *   that matters.
 * - `foreign_keys=ON`: enforce references in later schema versions.
 * - `busy_timeout`: wait up to 5 s for another process's write lock instead
 *   of failing at once.
 * - `secure_delete=ON`: deleted and overwritten content is zeroed, so a
 *   plaintext secret sealed in place, a value resealed by a key rotation or
 *   a deleted session does not linger in free pages of the file.
 */
export function applyPragmas(db: DatabaseSync, database: string): void {
  const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.['journal_mode'];
  if (mode !== 'wal') throw new AppError('STORE_OPEN_FAILED', { evidence: { database, error: `journal_mode stayed ${String(mode)}; WAL was refused` } });
  db.exec(`PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};`);
}

/** Create the parent directory (0700) and an empty file (0600) when missing; never touch existing ones. */
function createFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // 'a' creates the file when missing and never truncates an existing one.
    closeSync(openSync(path, 'a', 0o600));
  } catch (e) {
    throw new AppError('STORE_OPEN_FAILED', { evidence: { database: path, error: e instanceof Error ? e.message : String(e) }, cause: e });
  }
}

/** `PRAGMA quick_check`: throws STORE_CORRUPT unless it reports "ok". */
function checkIntegrity(db: DatabaseSync, path: string): void {
  const problems = db
    .prepare('PRAGMA quick_check')
    .all()
    .map((r) => String(r['quick_check']))
    .filter((r) => r !== 'ok');
  if (problems.length > 0) throw new AppError('STORE_CORRUPT', { evidence: { database: path, reason: 'integrity check failed', problems: problems.slice(0, 5) } });
}

/** Close after a failed open; the original error is the one to report. */
function closeQuietly(db: DatabaseSync | undefined): void {
  try {
    if (db?.isOpen === true) db.close();
  } catch {
    // already failing
  }
}

/** Open (creating when missing) and migrate the SQLite store at `path`. */
export function openSqliteStore(path: string, options: OpenSqliteOptions = {}): Promise<Store> {
  const migrations = options.migrations ?? MIGRATIONS;
  let db: DatabaseSync | undefined;
  try {
    createFile(path);
    try {
      db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
    } catch (e) {
      throw new AppError('STORE_OPEN_FAILED', { evidence: { database: path, error: e instanceof Error ? e.message : String(e) }, cause: e });
    }
    checkIntegrity(db, path);
    checkNotTooNew(readSchemaVersion(db, path), path, migrations);
    applyPragmas(db, path);
    migrate(db, path, migrations);
    return Promise.resolve(new SqliteStore(db, path));
  } catch (e) {
    closeQuietly(db);
    return Promise.reject(storeError(e, path, 'open'));
  }
}
