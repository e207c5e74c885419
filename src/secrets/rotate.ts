/**
 * `secrets rotate-key`: re-encrypt every secret in the store under a new key.
 *
 * File mode (key in `<data>/secret.key`), in this order:
 * 1. the new key is written to `secret.key.new` (complete and fsynced
 *    before step 2);
 * 2. ONE write transaction opens every secret (with any key of the
 *    keyring) and seals it under the new key: all values change or none;
 * 3. the current key is copied to `secret.key.old` (atomic replace);
 * 4. `secret.key.new` is renamed over `secret.key` (atomic).
 * `secret.key.old` stays until the next rotation replaces it (so a value a
 * process sealed with the old key in the instant around the rotation still
 * opens, and is resealed by the next rotation); delete it by hand once no
 * process started before the rotation runs.
 *
 * Crash windows (opening tries secret.key, secret.key.new and
 * secret.key.old, so every one of them still opens every value):
 * - during 1: a leftover `secret.key.new.tmp-…` file, nothing else changed.
 * - after 1, before 2 commits: the store is under the old key; secret.key.new
 *   holds a key nothing uses yet.
 * - after 2, before 4: the store is under the new key (secret.key.new),
 *   secret.key still holds the old one, which keeps sealing new values (they
 *   open with it).
 * - after 3, before 4: the same, with secret.key.old = secret.key.
 * Recovery in each: run `secrets rotate-key` again. When it finds
 * secret.key.new it first completes that rotation (steps 2-4 with that key:
 * every value, whichever key it is under, ends under it), then, only if
 * --new-key-file names another key, rotates again to that one.
 *
 * Env mode (ZONEKEEPER_SECRET_KEY): the new key must come from a file
 * (--new-key-file); only step 2 runs, no key file is written. After it the
 * process environment must be given the new key: until then opening fails
 * with SECRET_KEY_MISMATCH naming the new key's id.
 */
import { AppError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { generateSecretKey, type SecretKey } from './key.ts';
import { moveKeyFile, removeKeyFile, writeKeyFile } from './key-file.ts';
import { type Keyring, SECRET_KEY_ENV } from './keyring.ts';
import { seal } from './seal.ts';

export interface RotateOptions {
  /** The key to rotate to (from --new-key-file); absent: a new random key (file mode only). */
  readonly newKey?: SecretKey;
}

export interface RotateResult {
  readonly mode: 'env' | 'file';
  /** The key every secret is now sealed with. */
  readonly keyId: string;
  /** How many secret values the store holds (all now under `keyId`). */
  readonly values: number;
  /** How many of them were rewritten. */
  readonly resealed: number;
  /** The key ids (or "plaintext") the rewritten values were under before, sorted. */
  readonly from: readonly string[];
  /** The id of an interrupted rotation's key, when this run completed that rotation first. */
  readonly completedInterrupted?: string;
}

/** Step 2: reseal every secret under `target`, in one transaction. */
async function resealAll(store: Store, ring: Keyring, target: SecretKey): Promise<{ values: number; resealed: number; from: Set<string> }> {
  let values = 0;
  const from = new Set<string>();
  const resealed = await store.resealSecrets((value, where) => {
    values++;
    const id = ring.keyIdOf(value, where);
    if (id === target.id) return value;
    const plain = ring.open(value, where);
    from.add(id ?? 'plaintext');
    return seal(plain, target);
  });
  return { values, resealed, from };
}

/** Does any secret in the store name key `keyId`? (A read inside a write transaction that changes nothing.) */
async function storeUses(store: Store, ring: Keyring, keyId: string): Promise<boolean> {
  let used = false;
  await store.resealSecrets((value, where) => {
    if (ring.keyIdOf(value, where) === keyId) used = true;
    return value;
  });
  return used;
}

/** Steps 2-4 in file mode, with `target` already in secret.key.new (or equal to the current key). */
async function rotateFileTo(store: Store, ring: Keyring, target: SecretKey): Promise<{ values: number; resealed: number; from: Set<string> }> {
  const paths = ring.paths;
  if (paths === undefined) throw new AppError('INTERNAL', { evidence: { error: 'file rotation without key files' } });
  const result = await resealAll(store, ring, target);
  const current = ring.current();
  if (current.id !== target.id) {
    writeKeyFile(paths.old, current);
    moveKeyFile(paths.pending, paths.current);
  }
  ring.reload();
  return result;
}

/** Rotate the secret key of `store` (the raw store or a SealedStore: only `resealSecrets` is used) and its keyring. */
export async function rotateSecretKey(store: Store, ring: Keyring, o: RotateOptions = {}): Promise<RotateResult> {
  ring.reload();
  if (ring.mode === 'env') {
    if (o.newKey === undefined) {
      throw new AppError('USAGE', { evidence: { reason: `the key comes from ${SECRET_KEY_ENV}: give the new key with --new-key-file, then set ${SECRET_KEY_ENV} to it` } });
    }
    const r = await resealAll(store, ring, o.newKey);
    return { mode: 'env', keyId: o.newKey.id, values: r.values, resealed: r.resealed, from: [...r.from].sort() };
  }
  const interrupted = ring.pending();
  let completed: { values: number; resealed: number; from: Set<string> } | undefined;
  if (interrupted !== undefined) {
    completed = await rotateFileTo(store, ring, interrupted);
    if (o.newKey === undefined || o.newKey.id === interrupted.id) {
      return { mode: 'file', keyId: interrupted.id, values: completed.values, resealed: completed.resealed, from: [...completed.from].sort(), completedInterrupted: interrupted.id };
    }
  }
  const target = o.newKey ?? generateSecretKey();
  const paths = ring.paths;
  const staged = paths !== undefined && target.id !== ring.current().id;
  if (staged) writeKeyFile(paths.pending, target);
  let r: { values: number; resealed: number; from: Set<string> };
  try {
    r = await rotateFileTo(store, ring, target);
  } catch (e) {
    // If the transaction rolled back, nothing is sealed under the staged key (other processes seal
    // with secret.key), so it can go; if it committed (moving the files failed), it must stay.
    // When in doubt (the check fails too), the staged key stays: a leftover secret.key.new is harmless.
    if (staged && ring.pending()?.id === target.id && !(await storeUses(store, ring, target.id).catch(() => true))) removeKeyFile(paths.pending);
    throw e;
  }
  const from = new Set([...(completed?.from ?? []), ...r.from]);
  return {
    mode: 'file',
    keyId: target.id,
    values: r.values,
    resealed: r.resealed,
    from: [...from].sort(),
    ...(interrupted === undefined ? {} : { completedInterrupted: interrupted.id }),
  };
}
