/**
 * `zonekeeper secrets rotate-key [--new-key-file F]`: re-encrypt every
 * stored secret under a new key (src/secrets/rotate.ts for the steps and the
 * crash windows).
 * `zonekeeper secrets status`: where the key comes from, the key files, and
 * every stored secret checked to open (exit status of the first failure).
 * Neither needs the configuration file: only the data directory.
 */
import { join } from 'node:path';
import { AppError, toAppError } from '../../core/errors.ts';
import type { SecretKey } from '../../secrets/key.ts';
import { readKeyFile } from '../../secrets/key-file.ts';
import { Keyring } from '../../secrets/keyring.ts';
import { rotateSecretKey } from '../../secrets/rotate.ts';
import { openSealedStore } from '../../secrets/sealed-store.ts';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../store/sqlite/open.ts';
import { usage } from '../args.ts';
import { type CommandContext, optionString } from '../command.ts';

export async function secretsRotateKey(ctx: CommandContext): Promise<void> {
  const file = optionString(ctx, 'new-key-file');
  let newKey: SecretKey | undefined;
  if (file !== undefined) {
    newKey = readKeyFile(file);
    if (newKey === undefined) throw usage('--new-key-file names no file', { file });
  }
  const ring = Keyring.load({ dataDir: ctx.global.data, env: ctx.env });
  const store = await openSqliteStore(join(ctx.global.data, SQLITE_FILE_NAME));
  try {
    const r = await rotateSecretKey(store, ring, newKey === undefined ? {} : { newKey });
    if (ctx.global.json) {
      ctx.out(JSON.stringify({ ok: true, command: 'secrets rotate-key', ...r }));
      return;
    }
    if (r.completedInterrupted !== undefined) ctx.out(`completed an interrupted rotation to key ${r.completedInterrupted}`);
    ctx.out(`every stored secret (${r.values}) is now sealed with key ${r.keyId}; ${r.resealed} rewritten${r.from.length > 0 ? ` (were: ${r.from.join(', ')})` : ''}`);
    if (r.mode === 'env') ctx.out(`set ZONEKEEPER_SECRET_KEY to the content of ${file ?? '?'} (key ${r.keyId}) before the next start: the old key no longer opens these secrets`);
    else ctx.out(`the key is in ${ring.paths?.current ?? '?'}; the previous one stays in ${ring.paths?.old ?? '?'} until the next rotation`);
  } finally {
    await store.close();
  }
}

export async function secretsStatus(ctx: CommandContext): Promise<void> {
  const store = await openSealedStore({ dataDir: ctx.global.data, env: ctx.env });
  try {
    const ring = store.keyring;
    const byKey: Record<string, number> = {};
    let failure: AppError | undefined;
    await store.resealSecrets((value, where) => {
      const id = ring.keyIdOf(value, where) ?? 'plaintext';
      byKey[id] = (byKey[id] ?? 0) + 1;
      try {
        ring.open(value, where);
      } catch (e) {
        failure ??= toAppError(e);
      }
      return value;
    });
    const keys = ring.keys().map((k) => k.id);
    const files = ring.fileKeyIds();
    if (ctx.global.json) {
      if (failure === undefined) ctx.out(JSON.stringify({ ok: true, command: 'secrets status', mode: ring.mode, source: ring.source, keys, files, sealed: byKey }));
    } else {
      ctx.out(`key source    ${ring.source}`);
      if (ring.mode === 'file') {
        ctx.out(`key files     ${Object.keys(files).length === 0 ? '(none yet: created when the first secret is saved)' : Object.entries(files).map(([k, id]) => `${k} ${id}`).join(', ')}`);
      }
      if (files.pending !== undefined) ctx.out(`interrupted   a rotation to key ${files.pending} did not finish: run \`zonekeeper secrets rotate-key\``);
      const counts = Object.entries(byKey).map(([k, n]) => `${n} under ${k}`);
      ctx.out(`secrets       ${counts.length === 0 ? 'none stored' : counts.join(', ')}`);
    }
    if (failure !== undefined) throw failure;
  } finally {
    await store.close();
  }
}
