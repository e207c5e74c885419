/**
 * First-run setup, sign-in, sign-out and API tokens.
 *
 * - POST /api/setup {token, username, password}: only while no admin exists,
 *   and only with the one-time setup token the daemon printed at start
 *   (so whoever reaches the port first cannot claim it); creates the admin
 *   (scrypt) and signs in. Throttled like sign-in.
 * - POST /api/login {username, password}: throttled per client address and
 *   per username (throttle.ts); a wrong user and a wrong password are the
 *   same answer and cost the same time.
 * - POST /api/logout, GET/POST/DELETE /api/tokens (behind requireAuth).
 */
import { Hono, type Context } from 'hono';
import { setCookie, deleteCookie } from 'hono/cookie';
import type { Clock } from '../../clock/clock.ts';
import { errorResponse, webError } from '../http-errors.ts';
import { clientAddress, CSRF_COOKIE, SESSION_COOKIE, SESSION_TTL_MS, type AuthEnv } from '../auth/middleware.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/password.ts';
import type { AuthStore } from '../auth/store.ts';
import type { LoginThrottle } from '../auth/throttle.ts';
import { newApiToken, newSecret, sameSecret, sha256Hex } from '../auth/tokens.ts';

export interface AuthRouteDeps {
  readonly store: AuthStore;
  readonly clock: Clock;
  readonly throttle: LoginThrottle;
  /** The first-run setup token; undefined once an admin exists. */
  setupToken(): string | undefined;
  /** Called once the admin exists (the daemon forgets the token and removes its file). */
  setupDone?(): Promise<void>;
  /** Cookies get `Secure` (true unless the daemon serves plain http to a non-loopback client). */
  readonly secureCookies: boolean;
}

/** A hash to verify against when the user does not exist, so both cases cost one scrypt. */
let decoy: Promise<string> | undefined;

async function body(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/json')) throw webError('WEB_BAD_REQUEST', { reason: 'expected an application/json body' });
  const v: unknown = await c.req.json().catch(() => undefined);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw webError('WEB_BAD_REQUEST', { reason: 'expected a JSON object' });
  return v as Record<string, unknown>;
}

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw webError('WEB_BAD_REQUEST', { reason: `${field} is required` });
  return v;
}

async function startSession(c: Context, d: AuthRouteDeps, username: string): Promise<Response> {
  const now = Math.floor(d.clock.now());
  const token = newSecret();
  const csrf = newSecret();
  await d.store.saveSession({ id: sha256Hex(token), username, csrfHash: sha256Hex(csrf), createdAt: now, expiresAt: now + SESSION_TTL_MS, lastSeenAt: now });
  const base = { path: '/', sameSite: 'Strict', secure: d.secureCookies, maxAge: SESSION_TTL_MS / 1000 } as const;
  setCookie(c, SESSION_COOKIE, token, { ...base, httpOnly: true });
  setCookie(c, CSRF_COOKIE, csrf, base);
  return c.json({ username, csrfToken: csrf });
}

/** Routes that need no session (setup, login). */
export function publicAuthRoutes(d: AuthRouteDeps): Hono {
  const app = new Hono();
  app.get('/api/setup', async (c) => c.json({ needed: (await d.store.countUsers()) === 0 }));

  app.post('/api/setup', async (c) => {
    try {
      const keys = [`ip:${clientAddress(c)}`];
      const wait = d.throttle.retryAfterMs(keys);
      if (wait > 0) throw webError('WEB_THROTTLED', { retryAfterSeconds: Math.ceil(wait / 1000) }, wait);
      if ((await d.store.countUsers()) > 0) throw webError('WEB_SETUP_DONE');
      const b = await body(c);
      const expected = d.setupToken();
      if (expected === undefined || !sameSecret(text(b['token'], 'token'), expected)) {
        d.throttle.failed(keys);
        throw webError('WEB_UNAUTHENTICATED', { reason: 'wrong setup token' });
      }
      const username = text(b['username'], 'username');
      const password = text(b['password'], 'password');
      const problem = passwordProblem(password);
      if (problem !== undefined) throw webError('WEB_BAD_REQUEST', { reason: `the password needs ${problem}` });
      const now = Math.floor(d.clock.now());
      await d.store.saveUser({ username, passwordHash: await hashPassword(password), createdAt: now, updatedAt: now });
      await d.setupDone?.();
      return await startSession(c, d, username);
    } catch (e) {
      return errorResponse(c, e);
    }
  });

  app.post('/api/login', async (c) => {
    try {
      const b = await body(c);
      const username = text(b['username'], 'username');
      const password = text(b['password'], 'password');
      const keys = [`ip:${clientAddress(c)}`, `user:${username}`];
      const wait = d.throttle.retryAfterMs(keys);
      if (wait > 0) throw webError('WEB_THROTTLED', { retryAfterSeconds: Math.ceil(wait / 1000) }, wait);
      const user = await d.store.getUser(username);
      decoy ??= hashPassword(newSecret());
      const ok = await verifyPassword(password, user?.passwordHash ?? (await decoy));
      if (!ok || user === undefined) {
        d.throttle.failed(keys);
        throw webError('WEB_UNAUTHENTICATED', { reason: 'wrong username or password' });
      }
      d.throttle.succeeded(keys);
      return await startSession(c, d, username);
    } catch (e) {
      return errorResponse(c, e);
    }
  });
  return app;
}

/** Routes behind requireAuth. */
export function sessionRoutes(d: AuthRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.post('/api/logout', async (c) => {
    const p = c.get('principal');
    if (p.sessionId !== undefined) await d.store.deleteSession(p.sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    deleteCookie(c, CSRF_COOKIE, { path: '/' });
    return c.json({ ok: true });
  });
  app.get('/api/tokens', async (c) => c.json({ tokens: (await d.store.listApiTokens()).map(({ tokenHash: _hash, ...t }) => t) }));
  app.post('/api/tokens', async (c) => {
    try {
      const name = text((await body(c))['name'], 'name');
      const { id, token } = newApiToken();
      await d.store.saveApiToken({ id, name, tokenHash: sha256Hex(token), createdAt: Math.floor(d.clock.now()) });
      // The only time the token is ever shown.
      return c.json({ id, name, token }, 201);
    } catch (e) {
      return errorResponse(c, e);
    }
  });
  app.delete('/api/tokens/:id', async (c) => c.json({ deleted: await d.store.deleteApiToken(c.req.param('id')) }));
  return app;
}
