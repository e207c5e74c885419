/**
 * An in-process DNS server (UDP and TCP on one loopback port) for unit tests
 * of the transport: a handler decides, per request, what goes back: normal
 * replies, replies from another port (spoofing), garbage, nothing, or a TCP
 * reply written in pieces. Test support only; never used by product code.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { isIPv6 } from 'node:net';
import { decodeMessage, encodeMessage, FLAG, type DecodedMessage, type Message } from '../wire.ts';

export interface FakeRequest {
  readonly transport: 'udp' | 'tcp';
  readonly message: DecodedMessage;
  readonly raw: Buffer;
  /** 0-based index among all requests this server received. */
  readonly index: number;
}

export interface FakeReply {
  readonly bytes: Uint8Array;
  /** UDP: send from a second socket (another source port). */
  readonly fromOtherPort?: boolean;
  /** TCP: write the framed reply in pieces of this many bytes, a few ms apart. */
  readonly chunkSize?: number;
}

/** Replies to send (in order), or 'close' (TCP: hang up without a word). An empty list drops the request. */
export type FakeHandler = (req: FakeRequest) => readonly FakeReply[] | 'close';

export interface FakeDnsServer {
  readonly host: string;
  readonly port: number;
  readonly requests: FakeRequest[];
  stop(): Promise<void>;
}

/** A response to `req` with its ID and question, QR set; fields of `m` override. */
export function replyTo(req: DecodedMessage, m: Partial<Message> = {}): Buffer {
  return encodeMessage({
    id: req.id,
    flags: FLAG.QR | (req.flags & 0x7900),
    questions: req.questions,
    answers: [],
    authorities: [],
    additionals: [],
    ...m,
  });
}

function listenTcp(server: Server, host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => resolve(true));
  });
}

function bindUdp(socket: UdpSocket, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: host, port: 0, exclusive: true }, () => resolve());
  });
}

export async function startFakeDns(host: string, handler: FakeHandler): Promise<FakeDnsServer> {
  const family = isIPv6(host) ? 'udp6' : 'udp4';
  const requests: FakeRequest[] = [];
  const other = createSocket(family);
  await bindUdp(other, host);
  const tcpClients = new Set<TcpSocket>();
  for (let tries = 0; tries < 20; tries++) {
    const udp = createSocket(family);
    await bindUdp(udp, host);
    const port = udp.address().port;
    const tcp = createServer();
    if (!(await listenTcp(tcp, host, port))) {
      udp.close();
      continue;
    }
    const record = (transport: 'udp' | 'tcp', raw: Buffer): FakeRequest => {
      const req = { transport, message: decodeMessage(raw), raw, index: requests.length };
      requests.push(req);
      return req;
    };
    udp.on('message', (raw, rinfo) => {
      const replies = handler(record('udp', raw));
      if (replies === 'close') return;
      for (const r of replies) (r.fromOtherPort === true ? other : udp).send(r.bytes, rinfo.port, rinfo.address);
    });
    tcp.on('connection', (sock) => {
      tcpClients.add(sock);
      sock.on('close', () => tcpClients.delete(sock));
      sock.on('error', () => undefined);
      let buf = Buffer.alloc(0);
      sock.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const raw = buf.subarray(2, 2 + buf.readUInt16BE(0));
          buf = buf.subarray(2 + raw.length);
          const replies = handler(record('tcp', Buffer.from(raw)));
          if (replies === 'close') {
            sock.destroy();
            return;
          }
          for (const r of replies) writeFramed(sock, r);
        }
      });
    });
    return {
      host,
      port,
      requests,
      stop: async () => {
        udp.close();
        other.close();
        for (const s of tcpClients) s.destroy();
        await new Promise<void>((resolve) => tcp.close(() => resolve()));
      },
    };
  }
  other.close();
  throw new Error('no port free for both UDP and TCP');
}

function writeFramed(sock: TcpSocket, r: FakeReply): void {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(r.bytes.length);
  const framed = Buffer.concat([len, r.bytes]);
  const size = r.chunkSize ?? framed.length;
  const pieces: Buffer[] = [];
  for (let i = 0; i < framed.length; i += size) pieces.push(framed.subarray(i, i + size));
  const next = (): void => {
    const p = pieces.shift();
    if (p === undefined || sock.destroyed) return;
    sock.write(p);
    if (pieces.length > 0) setTimeout(next, 5);
  };
  next();
}
