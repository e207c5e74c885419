/**
 * One SMTP client connection: send a command, read its reply (RFC 5321
 * §4.2: "250-…" continuation lines until "250 …"), switch to TLS after
 * STARTTLS. Replies are read as UTF-8 text; a reply line longer than 4 KiB
 * or a connection that closes mid-conversation is SMTP_CONNECTION.
 *
 * The session owns its socket: `close()` ends it politely (QUIT), `destroy()`
 * drops it. Every wait ends when `signal` aborts (the socket is destroyed).
 */
import type { Socket } from 'node:net';
import { AppError } from '../../core/errors.ts';

export interface Reply {
  readonly code: number;
  /** The text of every line, without the code. */
  readonly lines: readonly string[];
}

const MAX_LINE = 4096;

export class SmtpSession {
  #socket: Socket;
  readonly #server: string;
  readonly #signal: AbortSignal;
  #buffer = '';
  #pending: string[] = [];
  readonly #replies: Reply[] = [];
  #waiter: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  #failure: Error | undefined;
  readonly #onData = (b: Buffer): void => this.#data(b.toString('utf8'));
  readonly #onEnd = (): void => this.#fail(this.#connectionError('closed'));
  readonly #onError = (e: NodeJS.ErrnoException): void => this.#fail(this.#connectionError(e.code ?? e.message));
  readonly #onAbort = (): void => {
    this.#fail(this.#signal.reason as Error);
    this.#socket.destroy();
  };

  constructor(socket: Socket, server: string, signal: AbortSignal) {
    this.#socket = socket;
    this.#server = server;
    this.#signal = signal;
    this.#attach(socket);
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  #connectionError(error: string): AppError {
    return new AppError('SMTP_CONNECTION', { evidence: { server: this.#server, error }, retryable: true });
  }

  #attach(s: Socket): void {
    s.on('data', this.#onData);
    s.on('end', this.#onEnd);
    s.on('close', this.#onEnd);
    s.on('error', this.#onError);
  }

  #detach(s: Socket): void {
    s.off('data', this.#onData);
    s.off('end', this.#onEnd);
    s.off('close', this.#onEnd);
    s.off('error', this.#onError);
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.reject(this.#failure);
  }

  #data(text: string): void {
    this.#buffer += text;
    let i: number;
    while ((i = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, i).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(i + 1);
      const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (m === null) return this.#fail(this.#connectionError('malformed reply'));
      this.#pending.push(m[3] ?? '');
      if (m[2] === '-') continue;
      const reply = { code: Number(m[1]), lines: this.#pending };
      this.#pending = [];
      const w = this.#waiter;
      this.#waiter = undefined;
      if (w === undefined) this.#replies.push(reply);
      else w.resolve(reply);
    }
    if (this.#buffer.length > MAX_LINE) this.#fail(this.#connectionError('reply line too long'));
  }

  /** The next reply from the server. */
  read(): Promise<Reply> {
    const queued = this.#replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<Reply>((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Send one command line (CRLF added) and read its reply. */
  async command(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  write(data: string): void {
    if (this.#failure !== undefined) throw this.#failure;
    this.#socket.write(data);
  }

  /**
   * Hand the raw socket to `upgrade` (after the server's 220 to STARTTLS) and
   * continue on the socket it resolves to. Anything the server sent after
   * its 220 would be read as if it came over TLS (STARTTLS injection): refused.
   */
  async upgrade(upgrade: (raw: Socket) => Promise<Socket>): Promise<void> {
    if (this.#buffer !== '' || this.#replies.length > 0) throw this.#connectionError('data after STARTTLS reply');
    const raw = this.#socket;
    this.#detach(raw);
    // Until the TLS socket takes over, a failure of the raw one is the upgrade's.
    raw.on('error', () => {});
    this.#socket = await upgrade(raw);
    this.#attach(this.#socket);
  }

  /** QUIT and end the connection; errors here no longer matter (the mail is sent). */
  async close(): Promise<void> {
    try {
      await this.command('QUIT');
    } catch {
      // already closed
    } finally {
      this.destroy();
    }
  }

  destroy(): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#detach(this.#socket);
    this.#socket.on('error', () => {});
    this.#socket.destroy();
  }
}
