/**
 * A real SMTP server on a free 127.0.0.1 port: Debian's python3-aiosmtpd
 * (/usr/bin/python3), run by smtp-capture.py, in `plain`, `starttls` or
 * `implicit` TLS mode with a certificate from its own test root, optionally
 * requiring AUTH (PLAIN/LOGIN over TLS) and refusing one recipient.
 *
 * Every accepted message is a JSON file in the capture directory, decoded
 * by Python's email package (subject RFC 2047-decoded, body decoded from
 * its transfer encoding and charset): an independent reading of what
 * zonekeeper sent. Ready once the script reports its socket listening.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAY_MS, makeCert, makeRoot } from '../../src/http/testing/certs.ts';
import { freePort } from './ports.ts';
import { startServer, type ServerProcess } from './server-process.ts';

export const SYSTEM_PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./smtp-capture.py', import.meta.url));

export interface CapturedMail {
  readonly mailFrom: string;
  readonly rcptTos: readonly string[];
  readonly login: string | null;
  readonly tls: boolean;
  /** Decoded by Python's email package. */
  readonly subject: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly raw: string;
}

export interface SmtpCaptureOptions {
  readonly mode: 'plain' | 'starttls' | 'implicit';
  readonly auth?: { readonly username: string; readonly password: string };
  /** RCPT TO this address is answered 550. */
  readonly reject?: string;
  /** Serve this certificate (PEM) and key instead of one from the capture's own root. */
  readonly cert?: { readonly certPem: string; readonly keyPem: string };
}

export interface SmtpCapture {
  readonly host: string;
  readonly port: number;
  /** PEM of the root that signed the server certificate (write it to a `trust:` file). */
  readonly rootPem: string;
  readonly dir: string;
  /** Every message received so far, oldest first. */
  messages(): CapturedMail[];
  /** Poll until at least `count` messages are in. */
  waitForCount(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  stop(): Promise<void>;
}

export async function startSmtpCapture(o: SmtpCaptureOptions): Promise<SmtpCapture> {
  const dir = mkdtempSync(join(tmpdir(), 'zk-smtp-'));
  const mailDir = join(dir, 'mail');
  mkdirSync(mailDir);
  const now = Date.now();
  const root = await makeRoot('zk smtp capture root', now);
  // Named by its IP only: a client must check the address it connected to, not a default "localhost".
  const leaf = o.cert ?? (await makeCert({ name: 'smtp.capture.test', issuer: root, notBefore: now - DAY_MS, notAfter: now + 400 * DAY_MS, dns: ['smtp.capture.test'], ips: ['127.0.0.1'] }));
  writeFileSync(join(dir, 'cert.pem'), leaf.certPem);
  writeFileSync(join(dir, 'key.pem'), leaf.keyPem, { mode: 0o600 });
  const port = await freePort();
  const args = [SCRIPT, '--port', String(port), '--dir', mailDir, '--mode', o.mode, '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem')];
  if (o.auth !== undefined) args.push('--user', o.auth.username, '--password', o.auth.password);
  if (o.reject !== undefined) args.push('--reject', o.reject);
  const proc: ServerProcess = await startServer({
    name: 'aiosmtpd',
    command: SYSTEM_PYTHON,
    args,
    dir,
    // The script prints "listening" once its socket is bound and listening.
    ready: () => Promise.resolve(existsSync(join(dir, 'aiosmtpd.log')) && readFileSync(join(dir, 'aiosmtpd.log'), 'utf8').includes('listening')),
    readyTimeoutMs: 30_000,
  });
  const messages = (): CapturedMail[] =>
    readdirSync(mailDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(mailDir, f), 'utf8')) as CapturedMail);
  return {
    host: '127.0.0.1',
    port,
    rootPem: root.certPem,
    dir: mailDir,
    messages,
    async waitForCount(count, timeoutMs = 30_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const got = messages();
        if (got.length >= count) return got;
        if (performance.now() > deadline) throw new Error(`only ${got.length} of ${count} messages arrived\n${proc.logTail()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
