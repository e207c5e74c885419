/**
 * Who is asking. Every route behind `requireAuth` needs either
 * - a session cookie `zk_session` (its SHA-256 names the stored session;
 *   expired → as if absent). For POST/PUT/PATCH/DELETE the header
 *   `X-CSRF-Token` must also carry the session's CSRF token (the value of
 *   the readable `zk_csrf` cookie: double submit, compared by hash), else
 *   403 WEB_CSRF; or
 * - `Authorization: Bearer zkt_…`, an API token (no CSRF: a browser never
 *   sends it by itself).
 * Otherwise 401 WEB_UNAUTHENTICATED. Sessions slide: each use moves
 * `lastSeenAt`; they end at `expiresAt` (SESSION_TTL_MS after sign-in).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Clock } from '../../clock/clock.ts';
import { errorResponse, webError } from '../http-errors.ts';
import type { AuthStore } from './store.ts';
import { sameSecret, sha256Hex } from './tokens.ts';

export const SESSION_COOKIE = 'zk_session';
export const CSRF_COOKIE = 'zk_csrf';
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface Principal {
  readonly username: string;
  readonly via: 'session' | 'token';
  readonly sessionId?: string;
}

export type AuthEnv = { Variables: { principal: Principal } };

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function requireAuth(store: AuthStore, clock: Clock): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const now = Math.floor(clock.now());
    const bearer = /^Bearer\s+(zkt_[0-9a-f]+_[A-Za-z0-9_-]+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (bearer !== undefined) {
      const t = await store.getApiTokenByHash(sha256Hex(bearer));
      if (t === undefined || (t.expiresAt !== undefined && t.expiresAt <= now)) return errorResponse(c, webError('WEB_UNAUTHENTICATED'));
      await store.saveApiToken({ ...t, lastUsedAt: now });
      c.set('principal', { username: `token:${t.name}`, via: 'token' });
      await next();
      return;
    }
    const token = getCookie(c, SESSION_COOKIE);
    const session = token === undefined ? undefined : await store.getSession(sha256Hex(token));
    if (session === undefined || session.expiresAt <= now) return errorResponse(c, webError('WEB_UNAUTHENTICATED'));
    if (UNSAFE.has(c.req.method)) {
      const csrf = c.req.header('x-csrf-token');
      if (csrf === undefined || !sameSecret(sha256Hex(csrf), session.csrfHash)) return errorResponse(c, webError('WEB_CSRF'));
    }
    await store.saveSession({ ...session, lastSeenAt: now });
    c.set('principal', { username: session.username, via: 'session', sessionId: session.id });
    await next();
    return;
  };
}

/** The client's address for throttling (the socket's; no proxy headers are trusted). */
export function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}
