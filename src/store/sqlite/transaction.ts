/**
 * Write transactions on a node:sqlite connection, which has no transaction
 * helper. `BEGIN IMMEDIATE` takes the write lock up front (waiting up to the
 * busy timeout), so a transaction never fails half-way with SQLITE_BUSY when
 * a read lock would have to be upgraded. `fn` is synchronous, so no other
 * call on the same connection can run inside the transaction.
 */
import type { DatabaseSync } from 'node:sqlite';

/** Run `fn` inside BEGIN IMMEDIATE … COMMIT; roll back and rethrow if anything throws. */
export function writeTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (e) {
    // COMMIT itself can fail (SQLITE_BUSY, I/O); SQLite may then have rolled back already.
    if (db.isTransaction) db.exec('ROLLBACK');
    throw e;
  }
}
