/** The part of the Store the web layer's authentication uses (schema v3). */
import type { Store } from '../../store/store.ts';

export type AuthStore = Pick<
  Store,
  'getUser' | 'saveUser' | 'countUsers' | 'getSession' | 'saveSession' | 'deleteSession' | 'deleteSessionsOf' | 'getApiTokenByHash' | 'listApiTokens' | 'saveApiToken' | 'deleteApiToken'
>;
