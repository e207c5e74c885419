/**
 * E-mail: one message per event over SMTP (RFC 5321), written here over
 * node:net / node:tls rather than taken from a package: the part we need
 * (EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA) is small, and TLS
 * must be verified the project's way (smtp/tls.ts: at the trusted time when
 * the system clock is wrong), which no mail library offers.
 *
 * Conversation: connect (TLS first with `implicit`) → 220 greeting → EHLO →
 * with `starttls`: STARTTLS (refused with SMTP_STARTTLS_UNAVAILABLE when the
 * server does not offer it: nothing, credentials least of all, goes out in
 * clear) → EHLO again → AUTH PLAIN (or LOGIN) when a username is set →
 * MAIL FROM → RCPT TO each → DATA → QUIT. The whole conversation is bounded
 * by `timeout`.
 *
 * Errors: SMTP_CONNECTION (connect failure, timeout, connection lost),
 * SMTP_REPLY (the server refused a step: stage, reply code and text),
 * SMTP_AUTH_FAILED, SMTP_STARTTLS_UNAVAILABLE, and the TLS_* codes. The
 * password never appears in any of them.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { TrustedClock } from '../../clock/clock.ts';
import { AppError } from '../../core/errors.ts';
import type { HttpClient } from '../../http/types.ts';
import type { Notifier, NotifyEvent, RenderedEvent } from '../types.ts';
import { buildMessage, dotStuff } from './message.ts';
import { SmtpSession, type Reply } from './session.ts';
import { openVerifiedTls } from './tls.ts';

export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  readonly tls: 'starttls' | 'implicit';
  readonly from: string;
  readonly to: readonly string[];
  readonly ehlo: string;
  readonly auth?: { readonly username: string; readonly password: string };
  readonly caPem?: string;
  readonly timeoutMs: number;
}

type Stage = 'greeting' | 'ehlo' | 'starttls' | 'auth' | 'mail' | 'rcpt' | 'data' | 'message';

function connectTcp(host: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = netConnect({ host, port });
    const cleanup = (): void => {
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onConnect = (): void => {
      cleanup();
      resolve(socket);
    };
    const onError = (e: Error): void => {
      cleanup();
      socket.destroy();
      reject(e);
    };
    const onAbort = (): void => {
      cleanup();
      socket.destroy();
      reject(signal.reason as Error);
    };
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** EHLO keywords (upper case) → their parameters. */
function extensions(r: Reply): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of r.lines.slice(1)) {
    const [word, ...params] = line.trim().split(/\s+/);
    if (word !== undefined && word !== '') out.set(word.toUpperCase(), params.map((p) => p.toUpperCase()));
  }
  return out;
}

export class SmtpNotifier implements Notifier {
  readonly #c: SmtpConfig;
  readonly #clock: TrustedClock;

  constructor(c: SmtpConfig, deps: { http: HttpClient; clock: TrustedClock }) {
    this.#c = c;
    this.#clock = deps.clock;
  }

  get #server(): string {
    return `${this.#c.host.includes(':') ? `[${this.#c.host}]` : this.#c.host}:${this.#c.port}`;
  }

  #secrets(): string[] {
    const a = this.#c.auth;
    return a === undefined ? [] : [a.password, Buffer.from(`\0${a.username}\0${a.password}`).toString('base64'), Buffer.from(a.password).toString('base64')];
  }

  #expect(r: Reply, ok: (code: number) => boolean, stage: Stage, extra: Record<string, string> = {}): void {
    if (ok(r.code)) return;
    throw new AppError('SMTP_REPLY', {
      evidence: { server: this.#server, stage, replyCode: r.code, reply: r.lines.join(' ').slice(0, 300), ...extra },
      retryable: r.code >= 400 && r.code < 500,
      secrets: this.#secrets(),
    });
  }

  async send(e: NotifyEvent, rendered: RenderedEvent, signal?: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(this.#c.timeoutMs);
    const all = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    try {
      await this.#converse(e, rendered, all);
    } catch (err) {
      if (signal?.aborted !== true && timeout.aborted) throw new AppError('SMTP_CONNECTION', { evidence: { server: this.#server, error: 'timeout', timeoutMs: this.#c.timeoutMs }, retryable: true });
      if (err instanceof AppError || signal?.aborted === true) throw err;
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new AppError('SMTP_CONNECTION', { evidence: { server: this.#server, error: code }, retryable: true, cause: err });
    }
  }

  async #converse(e: NotifyEvent, rendered: RenderedEvent, signal: AbortSignal): Promise<void> {
    const c = this.#c;
    const tls = { host: c.host, port: c.port, ...(c.caPem === undefined ? {} : { caPem: c.caPem }) };
    const socket = c.tls === 'implicit' ? await openVerifiedTls(tls, this.#clock, signal) : await connectTcp(c.host, c.port, signal);
    const session = new SmtpSession(socket, this.#server, signal);
    try {
      this.#expect(await session.read(), (x) => x === 220, 'greeting');
      const helo = isIP(c.ehlo) === 4 ? `[${c.ehlo}]` : isIP(c.ehlo) === 6 ? `[IPv6:${c.ehlo}]` : c.ehlo;
      let ehlo = await session.command(`EHLO ${helo}`);
      this.#expect(ehlo, (x) => x === 250, 'ehlo');
      if (c.tls === 'starttls') {
        if (!extensions(ehlo).has('STARTTLS')) throw new AppError('SMTP_STARTTLS_UNAVAILABLE', { evidence: { server: this.#server, offered: [...extensions(ehlo).keys()] } });
        this.#expect(await session.command('STARTTLS'), (x) => x === 220, 'starttls');
        await session.upgrade((raw) => openVerifiedTls({ ...tls, socket: raw }, this.#clock, signal));
        ehlo = await session.command(`EHLO ${helo}`);
        this.#expect(ehlo, (x) => x === 250, 'ehlo');
      }
      if (c.auth !== undefined) await this.#authenticate(session, extensions(ehlo).get('AUTH') ?? [], c.auth);
      this.#expect(await session.command(`MAIL FROM:<${c.from}>`), (x) => x === 250, 'mail');
      for (const to of c.to) this.#expect(await session.command(`RCPT TO:<${to}>`), (x) => x === 250 || x === 251, 'rcpt', { recipient: to });
      this.#expect(await session.command('DATA'), (x) => x === 354, 'data');
      const message = buildMessage({ from: c.from, to: c.to, subject: `[zonekeeper] ${rendered.title}`, text: rendered.text, date: Math.floor(this.#clock.now()), kind: e.kind });
      session.write(`${dotStuff(message)}\r\n.\r\n`);
      this.#expect(await session.read(), (x) => x === 250, 'message');
      await session.close();
    } catch (err) {
      session.destroy();
      throw err;
    }
  }

  async #authenticate(session: SmtpSession, mechanisms: readonly string[], auth: { username: string; password: string }): Promise<void> {
    const failed = (r: Reply | undefined, mechanism: string): AppError =>
      new AppError('SMTP_AUTH_FAILED', {
        evidence: { server: this.#server, username: auth.username, mechanism, offered: [...mechanisms], ...(r === undefined ? {} : { replyCode: r.code, reply: r.lines.join(' ').slice(0, 300) }) },
        retryable: r !== undefined && r.code >= 400 && r.code < 500,
        secrets: this.#secrets(),
      });
    const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
    if (mechanisms.includes('PLAIN')) {
      const r = await session.command(`AUTH PLAIN ${b64(`\0${auth.username}\0${auth.password}`)}`);
      if (r.code !== 235) throw failed(r, 'PLAIN');
      return;
    }
    if (mechanisms.includes('LOGIN')) {
      let r = await session.command('AUTH LOGIN');
      if (r.code === 334) r = await session.command(b64(auth.username));
      if (r.code === 334) r = await session.command(b64(auth.password));
      if (r.code !== 235) throw failed(r, 'LOGIN');
      return;
    }
    throw failed(undefined, 'none');
  }
}
