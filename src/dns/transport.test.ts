import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { answersFor, buildQuery, exchange, query, EDNS_UDP_SIZE } from './transport.ts';
import { rdataFromText } from './rdata.ts';
import { CLASS, FLAG, RCODE, TYPE, decodeMessage, encodeMessage, type DecodedMessage, type ResourceRecord } from './wire.ts';
import { replyTo, startFakeDns, type FakeDnsServer, type FakeHandler, type FakeReply } from './testing/fake-dns-server.ts';
import { rejectsAppError as rejectsWith } from '../core/testing/app-error-assert.ts';

function a(name: string, ip: string, ttl = 300): ResourceRecord {
  return { name, type: TYPE.A, class: CLASS.IN, ttl, rdata: rdataFromText(TYPE.A, ip) };
}

function answer(req: DecodedMessage, ip: string): FakeReply {
  return { bytes: replyTo(req, { answers: [a(req.questions[0]?.name ?? '.', ip)] }) };
}


/** A loopback port with nothing listening (bound, then released). */
async function deadPort(host: string): Promise<number> {
  const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((r) => s.bind(0, host, () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

for (const host of ['127.0.0.1', '::1']) {
  void describe(`transport on ${host}`, () => {
    let handler: FakeHandler = () => [];
    let srv: FakeDnsServer;
    const label = host.includes(':') ? `[${host}]` : host;
    before(async () => {
      srv = await startFakeDns(host, (r) => handler(r));
    });
    after(async () => {
      await srv.stop();
    });
    const use = (h: FakeHandler): void => {
      srv.requests.length = 0;
      handler = h;
    };

    void test('query over UDP: EDNS0 OPT with 1232, RD by default, answer decoded', async () => {
      use((r) => [answer(r.message, '192.0.2.1')]);
      const r = await query({ host, port: srv.port }, { name: 'www.example.test.', type: 'A' }, { timeoutMs: 2000 });
      assert.equal(r.via, 'udp');
      assert.equal(r.rcode, RCODE.NOERROR);
      assert.deepEqual(answersFor(r.message, 'www.example.test.', TYPE.A).values, ['192.0.2.1']);
      assert.deepEqual(r.server, { host, port: srv.port });
      const req = srv.requests[0]?.message;
      assert.ok(req !== undefined);
      assert.equal(req.flags & FLAG.RD, FLAG.RD);
      const opt = req.additionals.find((rr) => rr.type === TYPE.OPT);
      assert.equal(opt?.class, EDNS_UDP_SIZE);
      assert.equal(opt?.name, '.');
    });

    void test('recursionDesired: false clears RD; IDs are random', async () => {
      use((r) => [answer(r.message, '192.0.2.1')]);
      for (let i = 0; i < 4; i++) await query({ host, port: srv.port }, { name: 'x.test', type: TYPE.A }, { recursionDesired: false });
      assert.ok(srv.requests.every((r) => (r.message.flags & FLAG.RD) === 0));
      assert.ok(new Set(srv.requests.map((r) => r.message.id)).size > 1);
    });

    void test('TC over UDP switches to TCP; the TCP reply arrives in pieces', async () => {
      use((r) =>
        r.transport === 'udp'
          ? [{ bytes: replyTo(r.message, { flags: FLAG.QR | FLAG.TC }) }]
          : [{ bytes: replyTo(r.message, { answers: [a('big.test.', '192.0.2.7'), a('big.test.', '192.0.2.8')] }), chunkSize: 3 }],
      );
      const r = await query({ host, port: srv.port }, { name: 'big.test', type: 'A' });
      assert.equal(r.via, 'tcp');
      assert.deepEqual(answersFor(r.message, 'big.test', TYPE.A).values, ['192.0.2.7', '192.0.2.8']);
      assert.deepEqual(
        srv.requests.map((q) => q.transport),
        ['udp', 'tcp'],
      );
    });

    void test('tcp: true skips UDP; exchange returns the exact response bytes', async () => {
      let sent: Uint8Array = new Uint8Array();
      use((r) => {
        sent = replyTo(r.message, { answers: [a('t.test.', '192.0.2.9')] });
        return [{ bytes: sent }];
      });
      const req = buildQuery({ name: 't.test.', type: TYPE.A }, { id: 4242, rd: false, edns: false });
      const r = await exchange({ host, port: srv.port }, req, { tcp: true });
      assert.equal(r.via, 'tcp');
      assert.equal(r.message.id, 4242);
      assert.ok(r.response.equals(Buffer.from(sent)));
      assert.equal(srv.requests[0]?.transport, 'tcp');
    });

    void test('mismatched ID, other question, other source port and garbage are ignored', async () => {
      use((r) => {
        const m = r.message;
        return [
          { bytes: replyTo({ ...m, id: (m.id + 1) & 0xffff }, { answers: [a('x.test.', '203.0.113.1')] }) },
          { bytes: replyTo({ ...m, questions: [{ name: 'evil.test.', type: TYPE.A, class: CLASS.IN }] }, { answers: [a('evil.test.', '203.0.113.2')] }) },
          { bytes: replyTo(m, { answers: [a('x.test.', '203.0.113.3')] }), fromOtherPort: true },
          { bytes: Buffer.from('not dns at all') },
          { bytes: r.raw }, // our own query echoed back (QR clear)
          { bytes: replyTo(m, { answers: [a('x.test.', '192.0.2.44')] }) },
        ];
      });
      const r = await query({ host, port: srv.port }, { name: 'X.test', type: 'A' });
      assert.deepEqual(answersFor(r.message, 'x.test.', TYPE.A).values, ['192.0.2.44']);
    });

    void test('the question is matched case-insensitively', async () => {
      use((r) => [{ bytes: replyTo(r.message, { questions: [{ name: 'WWW.Example.TEST.', type: TYPE.A, class: CLASS.IN }] }) }]);
      const r = await query({ host, port: srv.port }, { name: 'www.example.test', type: 'A' });
      assert.equal(r.rcode, RCODE.NOERROR);
    });

    void test('no answer: retransmits `attempts` times, then DNS_TIMEOUT', async () => {
      use(() => []);
      await rejectsWith(query({ host, port: srv.port }, { name: 'x.test', type: 'A' }, { timeoutMs: 300, attempts: 3 }), 'DNS_TIMEOUT', {
        server: `${label}:${srv.port}`,
        transport: 'udp',
      });
      assert.equal(srv.requests.length, 3);
      assert.equal(new Set(srv.requests.map((r) => r.message.id)).size, 1, 'retransmissions reuse the ID');
    });

    void test('a lost first datagram is recovered by the retransmission', async () => {
      use((r) => (r.index === 0 ? [] : [answer(r.message, '192.0.2.5')]));
      const r = await query({ host, port: srv.port }, { name: 'x.test', type: 'A' }, { timeoutMs: 3000, attempts: 3 });
      assert.deepEqual(answersFor(r.message, 'x.test', TYPE.A).values, ['192.0.2.5']);
      assert.equal(srv.requests.length, 2);
    });

    void test('only garbage with our ID: DNS_MALFORMED', async () => {
      use((r) => [{ bytes: Buffer.concat([r.raw.subarray(0, 2), Buffer.from([0x80, 0, 0, 1, 0, 0])]) }]);
      await rejectsWith(query({ host, port: srv.port }, { name: 'x.test', type: 'A' }, { timeoutMs: 200, attempts: 1 }), 'DNS_MALFORMED', {
        transport: 'udp',
      });
    });

    void test('TCP: undecodable reply is DNS_MALFORMED, hang-up is DNS_NETWORK, wrong ID is DNS_MALFORMED', async () => {
      use((r) => [{ bytes: Buffer.concat([r.raw.subarray(0, 2), Buffer.from([0x80, 0, 0, 1])]) }]);
      await rejectsWith(query({ host, port: srv.port }, { name: 'x.test', type: 'A' }, { tcp: true }), 'DNS_MALFORMED', { transport: 'tcp' });
      use(() => 'close');
      await rejectsWith(query({ host, port: srv.port }, { name: 'x.test', type: 'A' }, { tcp: true }), 'DNS_NETWORK', { transport: 'tcp' });
      use((r) => [{ bytes: replyTo({ ...r.message, id: (r.message.id + 1) & 0xffff }) }]);
      await rejectsWith(query({ host, port: srv.port }, { name: 'x.test', type: 'A' }, { tcp: true }), 'DNS_MALFORMED', { transport: 'tcp' });
    });

    void test('TCP without an answer: DNS_TIMEOUT', async () => {
      use(() => []);
      await rejectsWith(query({ host, port: srv.port }, { name: 'x.test', type: 'A' }, { tcp: true, timeoutMs: 200 }), 'DNS_TIMEOUT', {
        transport: 'tcp',
      });
    });

    void test('abort while waiting rejects with ABORTED at once (UDP and TCP)', async () => {
      for (const tcp of [false, true]) {
        const ac = new AbortController();
        use(() => {
          ac.abort(new Error('user gave up'));
          return [];
        });
        const started = performance.now();
        await rejectsWith(query({ host, port: srv.port }, { name: 'x.test', type: 'A' }, { signal: ac.signal, timeoutMs: 30000, tcp }), 'ABORTED');
        assert.ok(performance.now() - started < 10000, 'did not wait for the timeout');
      }
    });

    void test('an already aborted signal sends nothing', async () => {
      use((r) => [answer(r.message, '192.0.2.1')]);
      await rejectsWith(query({ host, port: srv.port }, { name: 'x.test', type: 'A' }, { signal: AbortSignal.abort() }), 'ABORTED');
      assert.equal(srv.requests.length, 0);
    });

    void test('FORMERR without OPT: asked again without EDNS0', async () => {
      use((r) =>
        r.message.additionals.some((rr) => rr.type === TYPE.OPT)
          ? [{ bytes: replyTo(r.message, { flags: FLAG.QR | RCODE.FORMERR, questions: [] }) }]
          : [answer(r.message, '192.0.2.3')],
      );
      const r = await query({ host, port: srv.port }, { name: 'old.test', type: 'A' });
      assert.deepEqual(answersFor(r.message, 'old.test', TYPE.A).values, ['192.0.2.3']);
      assert.equal(srv.requests.length, 2);
    });

    void test('extended rcode from the OPT RR', async () => {
      use((r) => [
        {
          bytes: replyTo(r.message, {
            flags: FLAG.QR | 0x0,
            additionals: [{ name: '.', type: TYPE.OPT, class: 1232, ttl: 1 << 24, rdata: new Uint8Array() }],
          }),
        },
      ]);
      const r = await query({ host, port: srv.port }, { name: 'x.test', type: 'A' });
      assert.equal(r.rcode, 16); // BADVERS
    });

    void test('nothing listening: DNS_NETWORK ECONNREFUSED over UDP (ICMP) and TCP', async () => {
      const port = await deadPort(host);
      await rejectsWith(query({ host, port }, { name: 'x.test', type: 'A' }, { timeoutMs: 3000 }), 'DNS_NETWORK', {
        errno: 'ECONNREFUSED',
        transport: 'udp',
        server: `${label}:${port}`,
      });
      await rejectsWith(query({ host, port }, { name: 'x.test', type: 'A' }, { tcp: true }), 'DNS_NETWORK', {
        errno: 'ECONNREFUSED',
        transport: 'tcp',
      });
    });
  });
}

void test('a request that is not a DNS message is DNS_MALFORMED', async () => {
  await rejectsWith(exchange({ host: '127.0.0.1', port: 9 }, Buffer.from([1, 2, 3])), 'DNS_MALFORMED');
});

void test('requests over 512 octets go over TCP', async () => {
  const srv = await startFakeDns('127.0.0.1', (r) => [{ bytes: replyTo(r.message) }]);
  try {
    const big = decodeMessage(buildQuery({ name: 'x.test.', type: TYPE.TXT }, { id: 7, rd: false, edns: false }));
    const txt = { name: 'x.test.', type: TYPE.TXT, class: CLASS.IN, ttl: 0, rdata: rdataFromText(TYPE.TXT, 'a'.repeat(250)) };
    const req = encodeMessage({ ...big, authorities: [txt, txt, txt] });
    assert.ok(req.length > 512);
    const r = await exchange({ host: srv.host, port: srv.port }, req);
    assert.equal(r.via, 'tcp');
  } finally {
    await srv.stop();
  }
});
