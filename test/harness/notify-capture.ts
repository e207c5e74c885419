/**
 * An HTTPS server on a free 127.0.0.1 port that stands in for every chat
 * vendor at once (a certificate from its own root, valid ±30 days): it
 * records each request and answers what the vendor answers on success,
 * chosen by path — Telegram `/bot<token>/sendMessage`, DingTalk
 * `/robot/send`, WeCom `/cgi-bin/webhook/send`, Lark
 * `/open-apis/bot/v2/hook/<id>`, ServerChan `/<key>.send` and
 * `/send/<key>.send`; anything else (a webhook) gets `{}`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { DAY_MS, makeCert, makeRoot } from '../../src/http/testing/certs.ts';
import { startHttpsServer, type TestServer } from '../../src/http/testing/servers.ts';

export interface CapturedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body, parsed (the raw text when it is not JSON). */
  readonly body: unknown;
}

export interface NotifyCapture {
  /** https://127.0.0.1:<port> */
  readonly origin: string;
  readonly rootPem: string;
  readonly requests: CapturedRequest[];
  close(): Promise<void>;
}

/** The vendor's success answer for a request path. */
export function vendorSuccess(path: string): unknown {
  if (/^\/bot[^/]+\/sendMessage$/.test(path)) return { ok: true, result: { message_id: 1 } };
  if (path === '/robot/send' || path === '/cgi-bin/webhook/send') return { errcode: 0, errmsg: 'ok' };
  if (path.startsWith('/open-apis/bot/v2/hook/')) return { code: 0, msg: 'success', data: {} };
  if (path.endsWith('.send')) return { code: 0, message: '', data: { errno: 0 } };
  return {};
}

export async function startNotifyCapture(): Promise<NotifyCapture> {
  const now = Date.now();
  const root = await makeRoot('zk notify capture root', now);
  const leaf = await makeCert({ name: 'localhost', issuer: root, notBefore: now - 30 * DAY_MS, notAfter: now + 30 * DAY_MS, dns: ['localhost'], ips: ['127.0.0.1'] });
  const requests: CapturedRequest[] = [];
  let origin = '';
  const server: TestServer = await startHttpsServer(leaf.certPem, leaf.keyPem, (req, res, body) => {
    const text = body.toString('utf8');
    let doc: unknown = text;
    try {
      doc = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    const url = new URL(req.url ?? '/', origin);
    requests.push({ method: req.method ?? '', url, headers: req.headers, body: doc });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(vendorSuccess(url.pathname)));
  });
  origin = `https://127.0.0.1:${server.port}`;
  return { origin, rootPem: root.certPem, requests, close: () => server.close() };
}
