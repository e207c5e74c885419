/**
 * An in-process DNS forwarder on a free 127.0.0.1 port (UDP and TCP) that
 * counts and records every request before passing it to an upstream server.
 * Tests use it to assert how many UPDATEs a client sent, and its `decide`
 * hook to lose requests or replies on purpose.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, connect, type Server, type Socket as TcpSocket } from 'node:net';
import { freePort } from './ports.ts';
import { OPCODE_QUERY, OPCODE_UPDATE } from './dns-probe.ts';

export type Transport = 'udp' | 'tcp';

export interface ProxiedRequest {
  readonly transport: Transport;
  readonly opcode: number;
  /** The DNS message as the client sent it (no TCP length prefix). */
  readonly bytes: Buffer;
  /** 0-based position among all requests since the last reset. */
  readonly index: number;
}

/**
 * What to do with one request:
 * - `forward` (default): pass it on and relay the reply;
 * - `drop`: never forward it, never answer (the client times out);
 * - `drop-reply`: forward it (so the server acts on it) but discard the reply;
 * - `truncate` (UDP only; TCP forwards): answer at once with the request's
 *   header and question, QR and TC set, telling the client to retry over TCP.
 */
export type ProxyAction = 'forward' | 'drop' | 'drop-reply' | 'truncate';

export interface DnsProxyOptions {
  readonly upstream: { readonly host: string; readonly port: number };
  readonly decide?: (req: ProxiedRequest) => ProxyAction;
  /** How long a UDP upstream exchange may stay open; default 5000 ms. */
  readonly udpTimeoutMs?: number;
}

export interface OpcodeCounts {
  readonly query: number;
  readonly update: number;
  /** Every other opcode (NOTIFY, STATUS, ...). */
  readonly other: number;
}

export interface DnsProxy {
  readonly host: string;
  readonly port: number;
  /** Requests seen since the last reset, by opcode (dropped ones included). */
  counts(): OpcodeCounts;
  /** Every request since the last reset, in arrival order (the same array object across resets). */
  readonly requests: Buffer[];
  /** Same as `requests` with transport and opcode. */
  readonly log: ProxiedRequest[];
  reset(): void;
  close(): Promise<void>;
}

/** Opcode from header byte 2: (b >> 3) & 0xf. */
export function opcodeOf(msg: Buffer): number {
  return ((msg[2] ?? 0) >> 3) & 0xf;
}

/** Header + question of `req` with QR and TC set and no records: a "truncated" reply. */
function truncatedReply(req: Buffer): Buffer {
  const r = Buffer.from(req);
  if (r.length < 12) return r;
  r[2] = (r[2] ?? 0) | 0x80 | 0x02;
  r.writeUInt16BE(0, 6);
  r.writeUInt16BE(0, 8);
  r.writeUInt16BE(0, 10);
  return r;
}

export async function startDnsProxy(o: DnsProxyOptions): Promise<DnsProxy> {
  const host = '127.0.0.1';
  const port = await freePort();
  const requests: Buffer[] = [];
  const log: ProxiedRequest[] = [];
  const upFamily = o.upstream.host.includes(':') ? 'udp6' : 'udp4';
  const openUdp = new Set<Socket>();
  const openTcp = new Set<TcpSocket>();

  const record = (transport: Transport, bytes: Buffer): ProxyAction => {
    const req: ProxiedRequest = { transport, opcode: opcodeOf(bytes), bytes: Buffer.from(bytes), index: log.length };
    requests.push(req.bytes);
    log.push(req);
    return o.decide?.(req) ?? 'forward';
  };

  const udp = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    const action = record('udp', msg);
    if (action === 'drop') return;
    if (action === 'truncate') {
      udp.send(truncatedReply(msg), rinfo.port, rinfo.address);
      return;
    }
    const up = createSocket(upFamily);
    openUdp.add(up);
    const finish = (): void => {
      clearTimeout(timer);
      if (openUdp.delete(up)) up.close();
    };
    const timer = setTimeout(finish, o.udpTimeoutMs ?? 5000);
    up.on('error', finish);
    up.on('message', (reply) => {
      if (action === 'forward') udp.send(reply, rinfo.port, rinfo.address);
      finish();
    });
    up.send(msg, o.upstream.port, o.upstream.host);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => resolve());
  });

  const tcp: Server = createServer((client) => {
    openTcp.add(client);
    const upstream = connect(o.upstream.port, o.upstream.host);
    openTcp.add(upstream);
    let pending = Buffer.alloc(0);
    /** Message IDs whose replies (every message of them, e.g. an AXFR) are discarded. */
    const swallow = new Set<number>();
    let replyBuf = Buffer.alloc(0);
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
      openTcp.delete(client);
      openTcp.delete(upstream);
    };
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < 2 + len) break;
        const frame = pending.subarray(0, 2 + len);
        pending = pending.subarray(2 + len);
        const action = record('tcp', frame.subarray(2));
        if (action === 'drop') continue;
        if (action === 'drop-reply' && len >= 2) swallow.add(frame.readUInt16BE(2));
        upstream.write(frame);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      replyBuf = Buffer.concat([replyBuf, chunk]);
      while (replyBuf.length >= 2) {
        const len = replyBuf.readUInt16BE(0);
        if (replyBuf.length < 2 + len) break;
        const frame = replyBuf.subarray(0, 2 + len);
        replyBuf = replyBuf.subarray(2 + len);
        if (len < 2 || !swallow.has(frame.readUInt16BE(2))) client.write(frame);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen({ port, host, exclusive: true }, () => resolve());
  });

  const counts = (): OpcodeCounts => {
    let query = 0;
    let update = 0;
    let other = 0;
    for (const r of log) {
      if (r.opcode === OPCODE_QUERY) query++;
      else if (r.opcode === OPCODE_UPDATE) update++;
      else other++;
    }
    return { query, update, other };
  };

  return {
    host,
    port,
    counts,
    requests,
    log,
    reset: () => {
      requests.length = 0;
      log.length = 0;
    },
    close: async () => {
      for (const s of openUdp) s.close();
      openUdp.clear();
      for (const s of openTcp) s.destroy();
      openTcp.clear();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}
