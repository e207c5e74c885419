/**
 * The alidns emulator's RPC v1 verifier proven against the vendor's own SDK
 * (@alicloud/pop-core): a real RPCClient pointed at the emulator is
 * accepted (GET and POST), a wrong secret is refused, and a one-byte change
 * to any signed part of a request the SDK signed is rejected. The SDK's
 * requests are captured by a plain loopback server first, so each one
 * reaches the emulator unspent (the emulator refuses a nonce twice).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import RPCClient from '@alicloud/pop-core';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { startAlidnsEmulator, type AlidnsEmulator } from './emulators/alidns.ts';

const KEY = { accessKeyId: 'LTAIoracle000000000000', accessKeySecret: 'oracle-secret-0000000000000000' };
const RAM = { accessKeyId: 'LTAIoracleram000000000', accessKeySecret: 'oracle-ram-secret-00000000000', ramDenied: true };

let bed: BindBed;
let emu: AlidnsEmulator;
let capture: Server;
let capturePort: number;
let captured: Raw | undefined;

interface Raw {
  readonly method: 'GET' | 'POST';
  /** URL query (GET) or form body (POST), exactly as the SDK sent it. */
  readonly wire: string;
}

before(async () => {
  bed = await startBind({ secondaries: 0 });
  emu = await startAlidnsEmulator({ bed, keys: [KEY, RAM] });
  capture = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method === 'POST' ? 'POST' : 'GET';
      captured = { method, wire: method === 'POST' ? Buffer.concat(chunks).toString('utf8') : (req.url ?? '/').replace(/^\/\?/, '') };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  capturePort = (capture.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((resolve) => capture.close(() => resolve()));
  await emu.close();
  await stopBind(bed);
});

function sdk(endpoint: string, secret = KEY.accessKeySecret, id = KEY.accessKeyId): RPCClient {
  return new RPCClient({ endpoint, apiVersion: '2015-01-09', accessKeyId: id, accessKeySecret: secret });
}

/** One request signed by the SDK (never sent to the emulator). */
async function sdkSigned(method: 'GET' | 'POST', action = 'DescribeDomainRecords', params: Record<string, string> = { DomainName: 'example.test', PageSize: '20' }): Promise<Raw> {
  captured = undefined;
  await sdk(`http://127.0.0.1:${capturePort}`).request(action, params, { method });
  assert.ok(captured !== undefined);
  return captured;
}

/** Sends a raw request to the emulator; resolves to the error Code, or "" on success. */
function send(r: Raw): Promise<string> {
  return new Promise((resolve, reject) => {
    const path = r.method === 'GET' ? `/?${r.wire}` : '/';
    const headers = r.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
    const req = httpsRequest({ host: '127.0.0.1', port: emu.port, method: r.method, path, ca: emu.rootPem, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Code?: string };
        resolve(doc.Code ?? '');
      });
    });
    req.on('error', reject);
    req.end(r.method === 'POST' ? r.wire : undefined);
  });
}

/** `wire` with one byte of parameter `name`'s value changed (at `at`, default the last byte). */
function mutate(raw: Raw, name: string, at?: number): Raw {
  const parts = raw.wire.split('&').map((kv) => {
    const eq = kv.indexOf('=');
    if (kv.slice(0, eq) !== name) return kv;
    const v = kv.slice(eq + 1);
    const i = at ?? v.length - 1;
    const c = v[i] === 'A' ? 'B' : v[i] === '0' ? '1' : v[i] === '1' ? '2' : 'A';
    return `${name}=${v.slice(0, i)}${c}${v.slice(i + 1)}`;
  });
  const out = parts.join('&');
  assert.notEqual(out, raw.wire, name);
  return { ...raw, wire: out };
}

test('a real pop-core RPCClient pointed at the emulator is accepted, GET and POST', async () => {
  const agent = new Agent({ ca: emu.rootPem });
  emu.reset();
  const domains = (await sdk(emu.endpoint).request('DescribeDomains', { PageSize: 100 }, { agent })) as { Domains: { Domain: { DomainName: string }[] } };
  assert.deepEqual(domains.Domains.Domain.map((d) => d.DomainName).sort(), bed.zones.map((z) => z.replace(/\.$/, '')).sort());
  const value = 'pop-core: space * ~ / + = é';
  const added = (await sdk(emu.endpoint).request('AddDomainRecord', { DomainName: 'example.test', RR: 'oracle', Type: 'TXT', Value: value, TTL: 600 }, { agent, method: 'POST' })) as { RecordId: string };
  assert.match(added.RecordId, /^\d+$/);
  const list = (await sdk(emu.endpoint).request('DescribeDomainRecords', { DomainName: 'example.test', RRKeyWord: 'oracle' }, { agent })) as { DomainRecords: { Record: { Value: string }[] } };
  assert.deepEqual(list.DomainRecords.Record.map((r) => r.Value), [value]);
  await sdk(emu.endpoint).request('DeleteDomainRecord', { RecordId: added.RecordId }, { agent, method: 'POST' });
  assert.equal(emu.errors.size, 0);
  assert.equal(emu.count(), 4);
});

test('pop-core with a wrong secret, an unknown key or a RAM-denied key is refused with the vendor codes', async () => {
  const agent = new Agent({ ca: emu.rootPem });
  const code = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
      return '';
    } catch (e) {
      return String((e as { code?: unknown }).code);
    }
  };
  assert.equal(await code(sdk(emu.endpoint, `${KEY.accessKeySecret.slice(0, -1)}1`).request('DescribeDomains', {}, { agent })), 'SignatureDoesNotMatch');
  assert.equal(await code(sdk(emu.endpoint, KEY.accessKeySecret, 'LTAInobody').request('DescribeDomains', {}, { agent })), 'InvalidAccessKeyId.NotFound');
  const ram = sdk(emu.endpoint, RAM.accessKeySecret, RAM.accessKeyId);
  assert.equal(await code(ram.request('DescribeDomains', {}, { agent })), '');
  assert.equal(await code(ram.request('AddDomainRecord', { DomainName: 'example.test', RR: 'ram', Type: 'TXT', Value: 'x' }, { agent, method: 'POST' })), 'Forbidden.RAM');
});

test('an SDK-signed request is accepted once; its nonce replayed is SignatureNonceUsed', async () => {
  for (const method of ['GET', 'POST'] as const) {
    const raw = await sdkSigned(method);
    assert.equal(await send(raw), '', method);
    assert.equal(await send(raw), 'SignatureNonceUsed', method);
  }
});

test('a one-byte change to any signed part of an SDK-signed request is rejected', async () => {
  const cases: [string, (r: Raw) => Raw, string][] = [
    ['Action', (r) => mutate(r, 'Action', 0), 'SignatureDoesNotMatch'],
    ['DomainName', (r) => mutate(r, 'DomainName'), 'SignatureDoesNotMatch'],
    ['PageSize', (r) => mutate(r, 'PageSize', 0), 'SignatureDoesNotMatch'],
    ['Format', (r) => mutate(r, 'Format', 0), 'SignatureDoesNotMatch'],
    ['Version', (r) => mutate(r, 'Version'), 'SignatureDoesNotMatch'],
    ['SignatureNonce', (r) => mutate(r, 'SignatureNonce', 0), 'SignatureDoesNotMatch'],
    ['Timestamp (one second)', (r) => ({ ...r, wire: r.wire.replace(/(Timestamp=[^&]*?)(\d)(Z)/, (_m, a: string, d: string, z: string) => `${a}${d === '0' ? '1' : String(Number(d) - 1)}${z}`) }), 'SignatureDoesNotMatch'],
    ['Signature', (r) => mutate(r, 'Signature', 0), 'SignatureDoesNotMatch'],
    ['Signature (last byte before the padding)', (r) => mutate(r, 'Signature', r.wire.slice(r.wire.indexOf('Signature=') + 10).split('&')[0]!.indexOf('%3D') - 1), 'SignatureDoesNotMatch'],
    ['HTTP method', (r) => ({ ...r, method: r.method === 'GET' ? 'POST' : 'GET' }), 'SignatureDoesNotMatch'],
    ['an extra parameter', (r) => ({ ...r, wire: `${r.wire}&PageNumber=1` }), 'SignatureDoesNotMatch'],
    ['AccessKeyId', (r) => mutate(r, 'AccessKeyId'), 'InvalidAccessKeyId.NotFound'],
  ];
  for (const method of ['GET', 'POST'] as const) {
    for (const [part, change, code] of cases) {
      const changed = change(await sdkSigned(method));
      assert.equal(await send(changed), code, `${method} ${part}`);
    }
    // And the unchanged request is accepted.
    assert.equal(await send(await sdkSigned(method)), '', method);
  }
});

test('an SDK-signed request more than 15 minutes from the real time is InvalidTimeStamp.Expired, with a Date header', async () => {
  const shifted = (raw: Raw, deltaMs: number): Raw => {
    const params = new URLSearchParams(raw.wire);
    const ts = params.get('Timestamp') ?? '';
    const moved = `${new Date(Date.parse(ts) + deltaMs).toISOString().slice(0, 19)}Z`;
    return { ...raw, wire: raw.wire.replace(`Timestamp=${encodeURIComponent(ts)}`, `Timestamp=${encodeURIComponent(moved)}`) };
  };
  // Expiry is checked before the signature, as Alibaba does: a moved Timestamp is Expired, not SignatureDoesNotMatch.
  assert.equal(await send(shifted(await sdkSigned('GET'), -16 * 60_000)), 'InvalidTimeStamp.Expired');
  assert.equal(await send(shifted(await sdkSigned('GET'), 16 * 60_000)), 'InvalidTimeStamp.Expired');
  assert.equal(await send(shifted(await sdkSigned('GET'), -14 * 60_000)), 'SignatureDoesNotMatch');
  const date = await new Promise<string | undefined>((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: emu.port, method: 'GET', path: '/?Action=DescribeDomains', ca: emu.rootPem }, (res) => {
      res.resume();
      resolve(res.headers.date);
    });
    req.on('error', reject);
    req.end();
  });
  assert.ok(date !== undefined && Number.isFinite(Date.parse(date)));
});
