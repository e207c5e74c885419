/**
 * The huaweicloud emulator's SDK-HMAC-SHA256 verifier proven against the
 * vendor's own SDK (@huaweicloud/huaweicloud-sdk-core AKSKSigner): requests
 * the SDK signs are accepted (GET with a query, POST with a JSON body), and
 * a one-byte change to any signed part (method, path, query, a signed
 * header, X-Sdk-Date, body, signature) is rejected with APIGW.0301.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { startHuaweiEmulator, type HuaweiEmulator } from './emulators/huaweicloud.ts';

const KEY = { accessKeyId: 'HWORACLEAK0000000000', secretAccessKey: 'oracle-sk-000000000000000000000000000' };

let bed: BindBed;
let emu: HuaweiEmulator;
let zoneId: string;

interface Raw {
  method: string;
  /** Path and query as sent. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

before(async () => {
  bed = await startBind({ secondaries: 0 });
  emu = await startHuaweiEmulator({ bed, keys: [KEY] });
  const r = await send(sdkSigned('GET', '/v2/zones', { type: 'public', name: 'example.test.' }));
  assert.equal(r.status, 200, r.body);
  zoneId = (JSON.parse(r.body) as { zones: { id: string }[] }).zones[0]?.id ?? '';
  assert.notEqual(zoneId, '');
});

after(async () => {
  await emu.close();
  await stopBind(bed);
});

/** A request signed by the SDK's AKSKSigner, as its HttpClient would send it. */
function sdkSigned(method: string, path: string, query: Record<string, string>, data?: Record<string, unknown>): Raw {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const credential = { getAk: () => KEY.accessKeyId, getSk: () => KEY.secretAccessKey };
  const signed = AKSKSigner.sign(
    { endpoint: `${emu.endpoint}${path}`, method, headers, queryParams: query, ...(data === undefined ? {} : { data }) } as unknown as Parameters<typeof AKSKSigner.sign>[0],
    credential as unknown as Parameters<typeof AKSKSigner.sign>[1],
  ) as Record<string, string>;
  const qs = new URLSearchParams(query).toString().replace(/\+/g, '%20');
  return { method, path: `${path}${qs === '' ? '' : `?${qs}`}`, headers: signed, body: data === undefined ? '' : JSON.stringify(data) };
}

function send(r: Raw): Promise<{ status: number; body: string; code: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: emu.port, method: r.method, path: r.path, ca: emu.rootPem, headers: r.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let code = '';
        try {
          const doc = JSON.parse(body) as { error_code?: string; code?: string };
          code = doc.error_code ?? doc.code ?? '';
        } catch {
          code = '';
        }
        resolve({ status: res.statusCode ?? 0, body, code });
      });
    });
    req.on('error', reject);
    req.end(r.body === '' ? undefined : r.body);
  });
}

/** `s` with the byte at `i` changed. */
function flip(s: string, i: number): string {
  const c = s[i] === 'a' ? 'b' : s[i] === '0' ? '1' : s[i] === '1' ? '2' : 'a';
  return `${s.slice(0, i)}${c}${s.slice(i + 1)}`;
}

test('requests signed by the SDK are accepted: GET with a query, POST / DELETE with a body', async () => {
  emu.reset();
  const list = await send(sdkSigned('GET', `/v2/zones/${zoneId}/recordsets`, { limit: '5', offset: '0', name: 'example.test.' }));
  assert.equal(list.status, 200, list.body);
  const created = await send(sdkSigned('POST', `/v2/zones/${zoneId}/recordsets`, {}, { name: 'oracle.example.test.', type: 'TXT', ttl: 300, records: ['"sdk: space * ~ é"'] }));
  assert.equal(created.status, 202, created.body);
  const id = (JSON.parse(created.body) as { id: string }).id;
  const del = await send(sdkSigned('DELETE', `/v2/zones/${zoneId}/recordsets/${id}`, {}));
  assert.equal(del.status, 202, del.body);
  assert.equal(emu.errors.size, 0);
});

test('a one-byte change to any signed part of an SDK-signed request is rejected', async () => {
  const path = `/v2/zones/${zoneId}/recordsets`;
  const get = (): Raw => sdkSigned('GET', path, { limit: '7', type: 'TXT' });
  const post = (): Raw => sdkSigned('POST', path, {}, { name: 'mutant.example.test.', type: 'TXT', ttl: 300, records: ['"m"'] });
  const auth = (r: Raw): string => r.headers['Authorization'] ?? '';
  const cases: [string, () => Raw][] = [
    ['method', () => ({ ...get(), method: 'DELETE' })],
    ['path', () => { const r = get(); return { ...r, path: r.path.replace('/recordsets', '/recordsetz') }; }],
    ['query value', () => { const r = get(); return { ...r, path: r.path.replace('limit=7', 'limit=8') }; }],
    ['query key', () => { const r = get(); return { ...r, path: r.path.replace('type=TXT', 'type=TXU') }; }],
    ['extra query parameter', () => { const r = get(); return { ...r, path: `${r.path}&offset=0` }; }],
    ['signed header (content-type)', () => { const r = get(); return { ...r, headers: { ...r.headers, 'Content-Type': 'application/jsoN' } }; }],
    ['X-Sdk-Date (one second)', () => { const r = get(); const d = r.headers['X-Sdk-Date'] ?? ''; const last = Number(d[d.length - 2]); return { ...r, headers: { ...r.headers, 'X-Sdk-Date': `${d.slice(0, -2)}${(last + 1) % 10}Z` } }; }],
    ['signature', () => { const r = get(); return { ...r, headers: { ...r.headers, Authorization: flip(auth(r), auth(r).length - 1) } }; }],
    ['body', () => { const r = post(); const body = r.body.replace('mutant', 'mutanu'); assert.notEqual(body, r.body); return { ...r, body }; }],
  ];
  for (const [part, make] of cases) {
    emu.reset();
    const r = await send(make());
    assert.equal(r.status, 401, `${part}: ${r.body}`);
    assert.equal(r.code, 'APIGW.0301', part);
    assert.equal(emu.errors.get('APIGW.0301 signature'), 1, part);
  }
  // The unchanged requests are accepted.
  assert.equal((await send(get())).status, 200);
  assert.equal((await send(post())).status, 202);
});

test('an unknown AK and a date 16 minutes off answer the vendor messages, with a Date header', async () => {
  const r = sdkSigned('GET', '/v2/zones', {});
  const ak = await send({ ...r, headers: { ...r.headers, Authorization: (r.headers['Authorization'] ?? '').replace(KEY.accessKeyId, 'HWNOBODY') } });
  assert.equal(ak.status, 401);
  assert.match(ak.body, /ak HWNOBODY not exist/);
  const old = new Date(Date.now() - 16 * 60_000).toISOString().replace(/[-:]|\.\d{3}/g, '');
  const expired = await new Promise<{ body: string; date: string | undefined }>((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: emu.port, method: 'GET', path: '/v2/zones', ca: emu.rootPem, headers: { ...r.headers, 'X-Sdk-Date': old } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8'), date: res.headers.date }));
    });
    req.on('error', reject);
    req.end();
  });
  assert.match(expired.body, new RegExp(`"error_msg":"Incorrect IAM authentication information: calc aksk signature fail:signature expired, signature time:${old},server time:\\d{8}T\\d{6}Z"`));
  assert.match(expired.body, /"error_code":"APIGW.0301"/);
  assert.ok(expired.date !== undefined && Number.isFinite(Date.parse(expired.date)));
});
