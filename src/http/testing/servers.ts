/**
 * Local HTTP(S) servers for the client tests: 127.0.0.1 only, a port
 * chosen by the kernel, every request counted per path, and `close()` that
 * also drops connections still open (hung responses).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

export interface TestServer {
  readonly port: number;
  /** Requests received per path (query included). */
  readonly hits: Map<string, number>;
  hitsOf(path: string): number;
  close(): Promise<void>;
}

function serve(server: Server, handler: Handler): Promise<TestServer> {
  const hits = new Map<string, number>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      handler(req, res, Buffer.concat(chunks));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        hits,
        hitsOf: (path) => hits.get(path) ?? 0,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** An HTTPS server presenting `certPem` (leaf first, then any intermediates). */
export function startHttpsServer(certPem: string, keyPem: string, handler: Handler): Promise<TestServer> {
  return serve(createHttpsServer({ cert: certPem, key: keyPem }), handler);
}

export function startHttpServer(handler: Handler): Promise<TestServer> {
  return serve(createHttpServer(), handler);
}
