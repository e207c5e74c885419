/**
 * The Store contract for the web API's accounts: the admin user, sessions
 * (stored by the hash of their token) and API tokens (stored by the hash of
 * the token). Registered by `runStoreContract` (contract.ts).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import { type ContractDatabases, DAY, T0 } from './contract-fixtures.ts';
import type { ApiTokenRecord, SessionRecord, UserRecord } from './store.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

const user = (over: Partial<UserRecord> = {}): UserRecord => ({
  username: 'admin',
  passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

const session = (over: Partial<SessionRecord> = {}): SessionRecord => ({
  id: sha('session-token-1'),
  username: 'admin',
  csrfHash: sha('csrf-1'),
  createdAt: T0,
  expiresAt: T0 + DAY,
  lastSeenAt: T0,
  ...over,
});

const token = (over: Partial<ApiTokenRecord> = {}): ApiTokenRecord => ({
  id: 'a1b2c3',
  name: 'backup-script',
  tokenHash: sha('zkt_a1b2c3_secret'),
  createdAt: T0,
  ...over,
});

export function runAuthContract({ withStore }: ContractDatabases): void {
  describe('users', () => {
    test('none at first; round trip; a replacement keeps createdAt; count', () =>
      withStore(async (s) => {
        assert.equal(await s.countUsers(), 0);
        assert.equal(await s.getUser('admin'), undefined);
        const first = user();
        assert.deepEqual(await s.saveUser(first), first);
        assert.deepEqual(await s.getUser('admin'), first);
        assert.equal(await s.getUser('Admin'), undefined, 'usernames are compared exactly');
        const changed = user({ passwordHash: 'scrypt$16384$8$1$bmV3$bmV3aGFzaA', createdAt: T0 + 9, updatedAt: T0 + 10 });
        assert.deepEqual(await s.saveUser(changed), { ...changed, createdAt: T0 });
        assert.deepEqual(await s.getUser('admin'), { ...changed, createdAt: T0 });
        assert.equal(await s.countUsers(), 1);
        await s.saveUser(user({ username: 'ops' }));
        assert.equal(await s.countUsers(), 2);
      }));
  });

  describe('sessions', () => {
    test('round trip; a replacement keeps createdAt; delete one', () =>
      withStore(async (s) => {
        assert.equal(await s.getSession(sha('session-token-1')), undefined);
        const first = session();
        assert.deepEqual(await s.saveSession(first), first);
        assert.deepEqual(await s.getSession(first.id), first);
        const seen = session({ lastSeenAt: T0 + 60_000, expiresAt: T0 + 2 * DAY, createdAt: T0 + 60_000, csrfHash: sha('csrf-2') });
        assert.deepEqual(await s.saveSession(seen), { ...seen, createdAt: T0 });
        assert.deepEqual(await s.getSession(first.id), { ...seen, createdAt: T0 });
        assert.equal(await s.deleteSession(first.id), true);
        assert.equal(await s.deleteSession(first.id), false);
        assert.equal(await s.getSession(first.id), undefined);
      }));

    test("deleteSessionsOf removes exactly that user's sessions and counts them", () =>
      withStore(async (s) => {
        await s.saveSession(session({ id: sha('a1') }));
        await s.saveSession(session({ id: sha('a2') }));
        await s.saveSession(session({ id: sha('o1'), username: 'ops' }));
        assert.equal(await s.deleteSessionsOf('admin'), 2);
        assert.equal(await s.deleteSessionsOf('admin'), 0);
        assert.equal(await s.getSession(sha('a1')), undefined);
        assert.equal((await s.getSession(sha('o1')))?.username, 'ops');
      }));

    test('expired sessions are still returned; pruneSessions(now) deletes those with expiresAt ≤ now', () =>
      withStore(async (s) => {
        await s.saveSession(session({ id: sha('past'), expiresAt: T0 - 1 }));
        await s.saveSession(session({ id: sha('now'), expiresAt: T0 }));
        await s.saveSession(session({ id: sha('future'), expiresAt: T0 + 1 }));
        assert.equal((await s.getSession(sha('past')))?.expiresAt, T0 - 1);
        assert.equal(await s.pruneSessions(T0), 2);
        assert.equal(await s.getSession(sha('past')), undefined);
        assert.equal(await s.getSession(sha('now')), undefined);
        assert.equal((await s.getSession(sha('future')))?.expiresAt, T0 + 1);
        assert.equal(await s.pruneSessions(T0), 0);
        await rejectsAppError(s.pruneSessions(T0 + 0.5), 'STORE_INVALID_RECORD', { field: 'now' });
      }));
  });

  describe('API tokens', () => {
    test('found by hash; round trip of a minimal and a full token; list is oldest first, ties by id', () =>
      withStore(async (s) => {
        assert.equal(await s.getApiTokenByHash(sha('x')), undefined);
        assert.deepEqual(await s.listApiTokens(), []);
        const minimal = token({ id: 'm', tokenHash: sha('m'), createdAt: T0 + 2 });
        const full = token({ id: 'f', tokenHash: sha('f'), createdAt: T0 + 1, lastUsedAt: T0 + 5, expiresAt: T0 + 30 * DAY });
        const tie = token({ id: 'e', tokenHash: sha('e'), createdAt: T0 + 2 });
        for (const t of [minimal, full, tie]) assert.deepEqual(await s.saveApiToken(t), t);
        assert.deepEqual(await s.getApiTokenByHash(sha('m')), minimal);
        assert.deepEqual(await s.getApiTokenByHash(sha('f')), full);
        for (const k of ['lastUsedAt', 'expiresAt']) assert.ok(!(k in ((await s.getApiTokenByHash(sha('m'))) ?? {})), `${k} absent`);
        assert.deepEqual(await s.listApiTokens(), [full, tie, minimal]);
      }));

    test('a replacement by id keeps createdAt and clears optional fields left out; delete', () =>
      withStore(async (s) => {
        await s.saveApiToken(token({ lastUsedAt: T0 + 1, expiresAt: T0 + DAY }));
        const renamed = token({ name: 'renamed', createdAt: T0 + 7 });
        assert.deepEqual(await s.saveApiToken(renamed), { ...renamed, createdAt: T0 });
        assert.deepEqual(await s.listApiTokens(), [{ ...renamed, createdAt: T0 }]);
        assert.equal(await s.deleteApiToken('a1b2c3'), true);
        assert.equal(await s.deleteApiToken('a1b2c3'), false);
        assert.equal(await s.getApiTokenByHash(token().tokenHash), undefined);
      }));

    test('a token hash another token already has is refused', () =>
      withStore(async (s) => {
        await s.saveApiToken(token());
        await rejectsAppError(s.saveApiToken(token({ id: 'other' })), 'STORE_INVALID_RECORD', { field: 'tokenHash' });
        assert.deepEqual(
          (await s.listApiTokens()).map((t) => t.id),
          ['a1b2c3'],
        );
      }));
  });

  test('users, sessions and tokens breaking the field rules are refused and nothing is written', () =>
    withStore(async (s) => {
      const bad: [string, () => Promise<unknown>][] = [
        ['empty username', () => s.saveUser(user({ username: '' }))],
        ['empty password hash', () => s.saveUser(user({ passwordHash: '' }))],
        ['fractional user time', () => s.saveUser(user({ updatedAt: T0 + 0.1 }))],
        ['session id is the token, not its hash', () => s.saveSession(session({ id: 'session-token-1' }))],
        ['session id upper-case hex', () => s.saveSession(session({ id: sha('t').toUpperCase() }))],
        ['empty csrf hash', () => s.saveSession(session({ csrfHash: '' }))],
        ['session without expiry', () => s.saveSession(session({ expiresAt: undefined as unknown as number }))],
        ['token hash is the token', () => s.saveApiToken(token({ tokenHash: 'zkt_a1b2c3_secret' }))],
        ['empty token name', () => s.saveApiToken(token({ name: '' }))],
        ['bad lastUsedAt', () => s.saveApiToken(token({ lastUsedAt: Number.POSITIVE_INFINITY }))],
      ];
      for (const [what, fn] of bad) {
        const e = await rejectsAppError(fn(), 'STORE_INVALID_RECORD').catch((err: unknown) => assert.fail(`${what}: ${String(err)}`));
        const text = JSON.stringify(e.diagnosis);
        assert.ok(!text.includes('secret') && !text.includes('session-token-1'), `${what}: the value reached the error`);
      }
      assert.equal(await s.countUsers(), 0);
      assert.equal(await s.getSession(sha('session-token-1')), undefined);
      assert.deepEqual(await s.listApiTokens(), []);
    }));
}
