/**
 * Values and helpers the Store contract suite (`contract.ts` and the files
 * it pulls in) shares: the base time, a diagnosis with awkward nested JSON,
 * and the type of the helpers that give each test its own database.
 */
import type { Diagnosis } from '../core/errors.ts';
import type { Store } from './store.ts';

export const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
export const DAY = 86_400_000;

export const diagnosis: Diagnosis = {
  code: 'PROPAGATION_TIMEOUT',
  evidence: {
    identifier: '*.例子.测试',
    detail: 'Incorrect TXT record "abc\\"def" found at _acme-challenge.example.test 🙃',
    authoritative: [{ server: '127.0.0.1:5353', answered: ['x', 'y'] }, { server: '::1', answered: [] }],
    ttl: 300,
    ratio: 0.25,
    negative: -1,
    stale: null,
    validated: false,
    nested: { deeper: { list: [1, 'two', true, null, { k: '' }] } },
  },
  retryable: true,
  retryAfterMs: 1500,
};

/** Opens another store instance on one database. */
export type OpenStore = () => Promise<Store>;

/** How a contract test gets its database; every store opened through these is closed afterwards. */
export interface ContractDatabases {
  /** Run `fn` with an opener on a new, empty database. */
  readonly withDatabase: (fn: (open: OpenStore) => Promise<void>) => Promise<void>;
  /** Run `fn` with one store on a new, empty database. */
  readonly withStore: (fn: (s: Store) => Promise<void>) => Promise<void>;
}

/** Byte-wise UTF-8 order of strings (SQLite's BINARY collation on UTF-8 text). */
export function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
