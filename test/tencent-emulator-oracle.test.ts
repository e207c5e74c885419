/**
 * The Tencent emulator's TC3 verifier proven against the vendor's own SDK
 * (tencentcloud-sdk-nodejs-common): a real SDK client pointed at the
 * emulator is accepted, a request signed by the SDK's `Sign.sign3` is
 * accepted, and a one-byte change to any signed part of it is rejected.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { CommonClient } from 'tencentcloud-sdk-nodejs-common';
import SignModule from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { startTencentEmulator, type TencentEmulator } from './emulators/tencent.ts';

// A CommonJS module: from ESM its default import is `module.exports`, whose `default` is the class.
const Sign = SignModule.default;

const KEY = { secretId: 'AKIDoracle000000000000000000000000000', secretKey: 'oracle-secret-key-00000000000000' };

let bed: BindBed;
let emu: TencentEmulator;

before(async () => {
  bed = await startBind({ secondaries: 0 });
  emu = await startTencentEmulator({ bed, keys: [KEY] });
});

after(async () => {
  await emu.close();
  await stopBind(bed);
});

interface Raw {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Sends a request as given (Host included) and returns the error code, or "" on success. */
function send(r: Raw): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: emu.port, method: 'POST', path: '/', ca: emu.rootPem, headers: r.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Response: { Error?: { Code: string } } };
        resolve(doc.Response.Error?.Code ?? '');
      });
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

/** A DescribeDomainList request signed by the SDK's own signer, exactly as its HttpConnection builds it. */
function sdkSigned(o: { timestamp?: number; body?: string } = {}): Raw {
  // The emulator plays Tencent, whose clock is the real time.
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const payload = { Offset: 0, Limit: 20 };
  const body = o.body ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${emu.port}`,
    'X-TC-Action': 'DescribeDomainList',
    'X-TC-Timestamp': String(timestamp),
    'X-TC-Version': '2021-03-23',
    'Content-Type': 'application/json',
  };
  headers['Authorization'] = Sign.sign3({
    method: 'POST',
    url: `https://127.0.0.1:${emu.port}/`,
    payload,
    timestamp,
    service: 'dnspod',
    secretId: KEY.secretId,
    secretKey: KEY.secretKey,
    multipart: false,
    boundary: '',
    headers,
  });
  return { headers, body };
}

function flipHex(s: string, at: number): string {
  const c = s[at] === '0' ? '1' : '0';
  return `${s.slice(0, at)}${c}${s.slice(at + 1)}`;
}

test('a real SDK CommonClient pointed at the emulator is accepted', async () => {
  // The SDK derives the signing service from the endpoint's first label: dnspod.localhost → "dnspod".
  const lookup = ((_host: string, options: { all?: boolean }, cb: (...a: unknown[]) => void) => {
    if (options.all === true) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  }) as unknown as LookupFunction;
  const client = new CommonClient('dnspod.tencentcloudapi.com', '2021-03-23', {
    credential: { secretId: KEY.secretId, secretKey: KEY.secretKey },
    region: '',
    profile: { httpProfile: { endpoint: `dnspod.localhost:${emu.port}`, agent: new Agent({ ca: emu.rootPem, lookup }) } },
  });
  emu.reset();
  const res = (await client.request('DescribeDomainList', { Offset: 0, Limit: 20 })) as { DomainList: { Name: string }[] };
  assert.deepEqual(res.DomainList.map((d) => d.Name).sort(), bed.zones.map((z) => z.replace(/\.$/, '')).sort());
  assert.equal(emu.count('DescribeDomainList'), 1);
  assert.equal(emu.errors.size, 0);
  // And the same client with the wrong secret is refused.
  const wrong = new CommonClient('dnspod.tencentcloudapi.com', '2021-03-23', {
    credential: { secretId: KEY.secretId, secretKey: `${KEY.secretKey.slice(0, -1)}1` },
    region: '',
    profile: { httpProfile: { endpoint: `dnspod.localhost:${emu.port}`, agent: new Agent({ ca: emu.rootPem, lookup }) } },
  });
  await assert.rejects(wrong.request('DescribeDomainList', {}), (e: unknown) => (e as { code?: string }).code === 'AuthFailure.SignatureFailure');
});

test('a request signed by the SDK Sign.sign3 is accepted', async () => {
  assert.equal(await send(sdkSigned()), '');
});

test('a one-byte change to any signed part of an SDK-signed request is rejected', async () => {
  const base = sdkSigned();
  const auth = base.headers['Authorization'] as string;
  const sigAt = auth.indexOf('Signature=') + 'Signature='.length;
  const dateAt = auth.indexOf('/20') + 10; // last digit of YYYY-MM-DD in the scope
  const cases: [string, Raw, string][] = [
    ['body', { ...base, body: base.body.replace('20', '21') }, 'AuthFailure.SignatureFailure'],
    ['timestamp', { ...base, headers: { ...base.headers, 'X-TC-Timestamp': String(Number(base.headers['X-TC-Timestamp']) - 1) } }, 'AuthFailure.SignatureFailure'],
    ['content-type', { ...base, headers: { ...base.headers, 'Content-Type': 'application/jsom' } }, 'AuthFailure.SignatureFailure'],
    ['host', { ...base, headers: { ...base.headers, Host: `127.0.0.2:${emu.port}` } }, 'AuthFailure.SignatureFailure'],
    ['signature', { ...base, headers: { ...base.headers, Authorization: flipHex(auth, sigAt) } }, 'AuthFailure.SignatureFailure'],
    ['signature (last byte)', { ...base, headers: { ...base.headers, Authorization: flipHex(auth, auth.length - 1) } }, 'AuthFailure.SignatureFailure'],
    ['scope date', { ...base, headers: { ...base.headers, Authorization: `${auth.slice(0, dateAt)}${auth[dateAt] === '1' ? '2' : '1'}${auth.slice(dateAt + 1)}` } }, 'AuthFailure.SignatureFailure'],
    ['scope service', { ...base, headers: { ...base.headers, Authorization: auth.replace('/dnspod/', '/dnspoe/') } }, 'AuthFailure.SignatureFailure'],
    ['signed-headers list', { ...base, headers: { ...base.headers, Authorization: auth.replace('SignedHeaders=content-type;host', 'SignedHeaders=content-type;hosu') } }, 'AuthFailure.SignatureFailure'],
    ['secret id', { ...base, headers: { ...base.headers, Authorization: auth.replace(KEY.secretId, `${KEY.secretId.slice(0, -1)}1`) } }, 'AuthFailure.SecretIdNotFound'],
  ];
  for (const [part, raw, code] of cases) {
    assert.equal(await send(raw), code, part);
  }
});

test('an SDK-signed request 301 s away from the real time → AuthFailure.SignatureExpire; 299 s is accepted', async () => {
  const now = Math.floor(Date.now() / 1000);
  assert.equal(await send(sdkSigned({ timestamp: now - 301 })), 'AuthFailure.SignatureExpire');
  assert.equal(await send(sdkSigned({ timestamp: now + 301 })), 'AuthFailure.SignatureExpire');
  assert.equal(await send(sdkSigned({ timestamp: now - 299 })), '');
});
