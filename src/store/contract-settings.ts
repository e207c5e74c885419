/**
 * The Store contract for the scheduler's job states, stored settings and
 * `resealSecrets` (the one-transaction rewrite of every secret value a key
 * rotation needs). Registered by `runStoreContract` (contract.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError, type Diagnosis } from '../core/errors.ts';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import { type ContractDatabases, diagnosis, T0, utf8Compare } from './contract-fixtures.ts';
import type { JobState, NewAccount, SecretLocation, StoredSetting } from './store.ts';

const job = (over: Partial<JobState> = {}): JobState => ({ name: 'ddns', nextRunAt: T0 + 300_000, failures: 0, ...over });

const fullJob = (over: Partial<JobState> = {}): JobState =>
  job({ lastRunAt: T0, lastSuccessAt: T0 - 300_000, failures: 3, lastError: diagnosis, ...over });

const setting = (over: Partial<StoredSetting> = {}): StoredSetting => ({
  path: 'ddns.interval',
  value: '"5m"',
  secret: false,
  updatedAt: T0,
  ...over,
});

const account = (over: Partial<NewAccount> = {}): NewAccount => ({
  directoryUrl: 'https://acme.example.test/directory',
  contact: [],
  accountUrl: 'https://acme.example.test/acct/1',
  keyPem: 'KEY-1',
  createdAt: T0,
  ...over,
});

export function runSettingsContract({ withStore, withDatabase }: ContractDatabases): void {
  describe('job states', () => {
    test('missing reads as undefined; round trip of a minimal and a full state, exactly', () =>
      withStore(async (s) => {
        assert.equal(await s.getJobState('ddns'), undefined);
        assert.deepEqual(await s.listJobStates(), []);
        const minimal = job({ name: 'minimal' });
        const full = fullJob({ name: 'full' });
        assert.deepEqual(await s.saveJobState(minimal), minimal);
        assert.deepEqual(await s.saveJobState(full), full);
        assert.deepEqual(await s.getJobState('minimal'), minimal);
        assert.deepEqual(await s.getJobState('full'), full);
        for (const k of ['lastRunAt', 'lastSuccessAt', 'lastError']) assert.ok(!(k in ((await s.getJobState('minimal')) ?? {})), `${k} absent`);
      }));

    test('save replaces every field, clearing optional ones left out; list is ordered by name, byte-wise', () =>
      withStore(async (s) => {
        await s.saveJobState(fullJob());
        const ok = job({ nextRunAt: T0 + 600_000, lastRunAt: T0 + 300_000 });
        assert.deepEqual(await s.saveJobState(ok), ok);
        assert.deepEqual(await s.getJobState('ddns'), ok);
        const names = ['renewal:web', 'ddns', 'Renewal', 'a', 'ü'];
        for (const name of names) await s.saveJobState(job({ name }));
        assert.deepEqual(
          (await s.listJobStates()).map((j) => j.name),
          [...names].sort(utf8Compare),
        );
      }));

    test('job states breaking the field rules are refused and nothing is written', () =>
      withStore(async (s) => {
        const bad: [string, JobState][] = [
          ['empty name', job({ name: '' })],
          ['fractional nextRunAt', job({ nextRunAt: T0 + 0.5 })],
          ['negative failures', job({ failures: -1 })],
          ['fractional failures', job({ failures: 1.5 })],
          ['bad lastRunAt', job({ lastRunAt: Number.NaN })],
          ['bad lastError', job({ lastError: { code: 'X' } as unknown as Diagnosis })],
        ];
        for (const [what, j] of bad) await rejectsAppError(s.saveJobState(j), 'STORE_INVALID_RECORD').catch((e: unknown) => assert.fail(`${what}: ${String(e)}`));
        assert.deepEqual(await s.listJobStates(), []);
      }));

    test('states survive reopening', () =>
      withDatabase(async (open) => {
        const first = await open();
        const full = fullJob();
        await first.saveJobState(full);
        await first.close();
        assert.deepEqual(await (await open()).getJobState('ddns'), full);
      }));
  });

  describe('settings', () => {
    test('missing reads as undefined; round trip of plain and secret settings; list is ordered by path', () =>
      withStore(async (s) => {
        assert.equal(await s.getSetting('ddns.interval'), undefined);
        assert.deepEqual(await s.listSettings(), []);
        assert.equal(await s.deleteSetting('ddns.interval'), false);
        const inputs = [
          setting(),
          setting({ path: 'providers.home.secretKey', value: 'zk1.0011aabb.AAAAAAAAAAAAAAAA.c2VhbGVkLXRleHQtYW5kLXRhZw', secret: true }),
          setting({ path: 'providers.home.endpoint', value: '{"url":"https://例子.test","ports":[443,8443],"on":true,"x":null}' }),
          setting({ path: 'notify.lang', value: '"zh-CN"', updatedAt: T0 - 1 }),
        ];
        for (const input of inputs) assert.deepEqual(await s.saveSetting(input), input);
        for (const input of inputs) assert.deepEqual(await s.getSetting(input.path), input);
        assert.deepEqual(
          await s.listSettings(),
          [...inputs].sort((a, b) => utf8Compare(a.path, b.path)),
        );
      }));

    test('save replaces every field; delete removes only that path', () =>
      withStore(async (s) => {
        await s.saveSetting(setting({ path: 'a.b', value: '1' }));
        await s.saveSetting(setting({ path: 'a.c', value: '2' }));
        const replaced = setting({ path: 'a.b', value: 'sealed-by-someone', secret: true, updatedAt: T0 + 5 });
        assert.deepEqual(await s.saveSetting(replaced), replaced);
        assert.deepEqual(await s.getSetting('a.b'), replaced);
        const back = setting({ path: 'a.b', value: '[1,2]', updatedAt: T0 + 6 });
        assert.deepEqual(await s.saveSetting(back), back);
        assert.equal(await s.deleteSetting('a.b'), true);
        assert.equal(await s.deleteSetting('a.b'), false);
        assert.deepEqual(
          (await s.listSettings()).map((x) => x.path),
          ['a.c'],
        );
      }));

    test('settings breaking the field rules are refused and nothing is written; the value never reaches the error', () =>
      withStore(async (s) => {
        const bad: [string, StoredSetting][] = [
          ['empty path', setting({ path: '' })],
          ['leading dot', setting({ path: '.a' })],
          ['trailing dot', setting({ path: 'a.' })],
          ['empty segment', setting({ path: 'a..b' })],
          ['plain value not JSON', setting({ value: 'PLAIN-NOT-JSON' })],
          ['empty secret', setting({ value: '', secret: true })],
          ['secret not boolean', setting({ secret: 'yes' as unknown as boolean })],
          ['fractional time', setting({ updatedAt: T0 + 0.5 })],
        ];
        for (const [what, st] of bad) {
          const e = await rejectsAppError(s.saveSetting(st), 'STORE_INVALID_RECORD').catch((err: unknown) => assert.fail(`${what}: ${String(err)}`));
          assert.ok(!JSON.stringify(e.diagnosis).includes('PLAIN-NOT-JSON'), what);
        }
        assert.deepEqual(await s.listSettings(), []);
      }));
  });

  describe('resealSecrets', () => {
    test('passes every account key and every secret setting value, rewrites what changed, nothing else', () =>
      withStore(async (s) => {
        const a1 = await s.saveAccount(account());
        const a2 = await s.saveAccount(account({ contact: ['mailto:b@example.test'], keyPem: 'KEY-2' }));
        await s.saveSetting(setting({ path: 'p.plain', value: '"not secret"' }));
        await s.saveSetting(setting({ path: 'p.secret', value: 'S-1', secret: true }));
        await s.saveSetting(setting({ path: 'p.same', value: 'S-2', secret: true }));
        const seen: [string, SecretLocation][] = [];
        const changed = await s.resealSecrets((value, where) => {
          seen.push([value, where]);
          return value === 'S-2' ? value : `new:${value}`;
        });
        assert.equal(changed, 3);
        const byValue = new Map(seen.map(([v, w]) => [v, w]));
        assert.equal(seen.length, 4);
        assert.deepEqual(byValue.get('KEY-1'), { kind: 'account-key', accountId: a1.id });
        assert.deepEqual(byValue.get('KEY-2'), { kind: 'account-key', accountId: a2.id });
        assert.deepEqual(byValue.get('S-1'), { kind: 'setting', path: 'p.secret' });
        assert.deepEqual(byValue.get('S-2'), { kind: 'setting', path: 'p.same' });
        assert.equal((await s.findAccount(a1.directoryUrl, []))?.keyPem, 'new:KEY-1');
        assert.deepEqual(await s.findAccount(a2.directoryUrl, a2.contact), { ...a2, keyPem: 'new:KEY-2' });
        assert.equal((await s.getSetting('p.secret'))?.value, 'new:S-1');
        assert.equal((await s.getSetting('p.same'))?.value, 'S-2');
        assert.deepEqual(await s.getSetting('p.plain'), setting({ path: 'p.plain', value: '"not secret"' }));
        assert.equal(await s.resealSecrets((v) => v), 0);
      }));

    test('all or nothing: a throw half-way (its AppError unchanged) or a bad value leaves every value as it was', () =>
      withStore(async (s) => {
        await s.saveAccount(account());
        await s.saveSetting(setting({ path: 'p.a', value: 'S-A', secret: true }));
        await s.saveSetting(setting({ path: 'p.b', value: 'S-B', secret: true }));
        let calls = 0;
        await rejectsAppError(
          s.resealSecrets((value) => {
            if (++calls === 3) throw new AppError('SECRET_KEY_MISMATCH', { evidence: { expectedKeyId: '00000000' } });
            return `new:${value}`;
          }),
          'SECRET_KEY_MISMATCH',
        );
        assert.equal(calls, 3);
        await rejectsAppError(
          s.resealSecrets((value) => (value === 'S-B' ? '' : `new:${value}`)),
          'STORE_INVALID_RECORD',
        );
        assert.equal((await s.findAccount(account().directoryUrl, []))?.keyPem, 'KEY-1');
        assert.deepEqual(
          (await s.listSettings()).map((x) => x.value),
          ['S-A', 'S-B'],
        );
      }));

    test('an empty database has nothing to reseal', () =>
      withStore(async (s) => {
        assert.equal(
          await s.resealSecrets(() => assert.fail('called')),
          0,
        );
      }));
  });
}
