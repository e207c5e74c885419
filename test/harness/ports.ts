import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

const used = new Set<number>();

function tryTcp(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

function tryUdp(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind({ port, address: host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * A port that is free for both TCP and UDP on 127.0.0.1 and ::1, never handed
 * out twice by this process. Ports come from 20000-59999, away from the
 * ephemeral range so a client socket cannot take it between check and use.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    if (used.has(port)) continue;
    const ok =
      (await tryTcp(port, '127.0.0.1')) &&
      (await tryUdp(port, '127.0.0.1')) &&
      (await tryTcp(port, '::1')) &&
      (await tryUdp(port, '::1'));
    if (ok) {
      used.add(port);
      return port;
    }
  }
  throw new Error('no free loopback port found');
}
