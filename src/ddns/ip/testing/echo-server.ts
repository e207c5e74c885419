/**
 * "What is my IP" echo servers for tests: HTTPS on a loopback address
 * (127.0.0.1 or ::1), a port chosen by the kernel. An echo server on
 * loopback sees 127.0.0.1 / ::1 as the client, so each one answers what the
 * test configures (honest: a public address; liars: a private address, an
 * HTML page, ...) or, with 'hang', takes the request and never answers.
 * `close()` also drops connections still open.
 */
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface EchoReply {
  readonly status?: number;
  readonly contentType?: string;
  readonly body: string;
}

export type EchoBehaviour = EchoReply | 'hang' | ((req: IncomingMessage) => EchoReply);

export interface EchoServer {
  /** https://127.0.0.1:port/ip or https://[::1]:port/ip */
  readonly url: string;
  /** Requests received. */
  readonly hits: () => number;
  close(): Promise<void>;
}

export function startEchoServer(o: { readonly host: '127.0.0.1' | '::1'; readonly certPem: string; readonly keyPem: string; readonly reply: EchoBehaviour }): Promise<EchoServer> {
  let hits = 0;
  const server = createServer({ cert: o.certPem, key: o.keyPem }, (req, res) => {
    hits++;
    if (o.reply === 'hang') return;
    const r = typeof o.reply === 'function' ? o.reply(req) : o.reply;
    res.writeHead(r.status ?? 200, { 'content-type': r.contentType ?? 'text/plain' });
    res.end(r.body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, o.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = o.host === '::1' ? '[::1]' : o.host;
      resolve({
        url: `https://${host}:${port}/ip`,
        hits: () => hits,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
