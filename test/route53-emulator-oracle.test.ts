/**
 * The route53 emulator's SigV4 verifier proven against AWS's own signer
 * (@smithy/signature-v4 with @aws-crypto/sha256-js): requests the SDK signs
 * are accepted (GET with a query, POST with a body, session token), and a
 * one-byte change to any signed part is rejected.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { startBind, stopBind, type BindBed } from './harness/bind.ts';
import { startRoute53Emulator, type Route53Emulator } from './emulators/route53.ts';

const KEY = { accessKeyId: 'AKIAZKORACLE00000000', secretAccessKey: 'oracle/secret+00000000000000000000000000' };
const TEMP = { accessKeyId: 'ASIAZKORACLE00000000', secretAccessKey: 'oracle-temp-0000000000000000000000000000', sessionToken: 'IQoJb3JpZ2luX2VjE+/token==' };

let bed: BindBed;
let emu: Route53Emulator;

before(async () => {
  bed = await startBind({ secondaries: 0 });
  emu = await startRoute53Emulator({ bed, keys: [KEY, TEMP] });
});

after(async () => {
  await emu.close();
  await stopBind(bed);
});

interface Raw {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

async function sdkSigned(o: { method: 'GET' | 'POST'; path: string; query?: Record<string, string>; body?: string; creds?: typeof KEY | typeof TEMP; date?: Date }): Promise<Raw> {
  const signer = new SignatureV4({ credentials: o.creds ?? KEY, region: 'us-east-1', service: 'route53', sha256: Sha256 });
  const host = `127.0.0.1:${emu.port}`;
  const signed = await signer.sign(
    { method: o.method, protocol: 'https:', hostname: '127.0.0.1', port: emu.port, path: o.path, query: o.query ?? {}, headers: { host, ...(o.body === undefined ? {} : { 'content-type': 'application/xml' }) }, ...(o.body === undefined ? {} : { body: o.body }) },
    o.date === undefined ? {} : { signingDate: o.date },
  );
  const q = new URLSearchParams(o.query ?? {}).toString().replace(/\+/g, '%20');
  return { method: o.method, path: `${o.path}${q === '' ? '' : `?${q}`}`, headers: { ...(signed.headers as Record<string, string>) }, ...(o.body === undefined ? {} : { body: o.body }) };
}

/** Sends `r` as it is; resolves to the error code, "" on success. */
function send(r: Raw): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: emu.port, method: r.method, path: r.path, ca: emu.rootPem, headers: r.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve(res.statusCode === 200 ? '' : (/<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? (body.includes('<InvalidChangeBatch') ? 'InvalidChangeBatch' : `?${body}`)));
      });
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

const flip = (s: string, i: number): string => `${s.slice(0, i)}${s[i] === 'a' ? 'b' : s[i] === '1' ? '2' : 'a'}${s.slice(i + 1)}`;

const zoneId = (): string => emu.zoneIds.get('example.test.') ?? '';
const listReq = (): Promise<Raw> => sdkSigned({ method: 'GET', path: `/2013-04-01/hostedzone/${zoneId()}/rrset`, query: { maxitems: '5', name: 'example.test.', type: 'SOA' } });
const changeBody = (v: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>oracle.example.test.</Name><Type>TXT</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>"${v}"</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
const changeReq = (v = 'sdk'): Promise<Raw> => sdkSigned({ method: 'POST', path: `/2013-04-01/hostedzone/${zoneId()}/rrset/`, body: changeBody(v) });

test('requests signed by @smithy/signature-v4 are accepted: GET with a query, POST with a body, a session token', async () => {
  assert.equal(await send(await sdkSigned({ method: 'GET', path: '/2013-04-01/hostedzonesbyname', query: { dnsname: 'example.test.', maxitems: '1' } })), '');
  assert.equal(await send(await listReq()), '');
  assert.equal(await send(await changeReq()), '');
  assert.equal(await send(await sdkSigned({ method: 'GET', path: `/2013-04-01/hostedzone/${zoneId()}/rrset`, creds: TEMP })), '');
});

test('a one-byte change to any signed part of an SDK-signed request is rejected', async () => {
  const cases: [string, (r: Raw) => Raw, string][] = [
    ['method', (r) => ({ ...r, method: 'DELETE' }), 'SignatureDoesNotMatch'],
    ['path', (r) => ({ ...r, path: r.path.replace('/rrset', '/rrseT') }), 'SignatureDoesNotMatch'],
    ['query value', (r) => ({ ...r, path: r.path.replace('maxitems=5', 'maxitems=6') }), 'SignatureDoesNotMatch'],
    ['extra query parameter', (r) => ({ ...r, path: `${r.path}&x=1` }), 'SignatureDoesNotMatch'],
    ['x-amz-date (one second)', (r) => ({ ...r, headers: { ...r.headers, 'x-amz-date': r.headers['x-amz-date']!.replace(/(\d)Z$/, (_m, d: string) => `${d === '0' ? '1' : String(Number(d) - 1)}Z`) } }), 'SignatureDoesNotMatch'],
    ['host (port digit)', (r) => ({ ...r, headers: { ...r.headers, host: flip(r.headers['host']!, r.headers['host']!.length - 1) } }), 'SignatureDoesNotMatch'],
    ['signature', (r) => ({ ...r, headers: { ...r.headers, authorization: flip(r.headers['authorization']!, r.headers['authorization']!.length - 1) } }), 'SignatureDoesNotMatch'],
    ['access key id', (r) => ({ ...r, headers: { ...r.headers, authorization: r.headers['authorization']!.replace('ORACLE0', 'ORACLE1') } }), 'InvalidClientTokenId'],
    ['scope region', (r) => ({ ...r, headers: { ...r.headers, authorization: r.headers['authorization']!.replace('us-east-1', 'us-east-2') } }), 'SignatureDoesNotMatch'],
  ];
  for (const [part, change, code] of cases) assert.equal(await send(change(await listReq())), code, part);
  const post = await changeReq('body');
  assert.equal(await send({ ...post, body: post.body!.replace('"body"', '"bodY"') }), 'SignatureDoesNotMatch', 'body');
  assert.equal(await send({ ...post, headers: { ...post.headers, 'content-type': 'application/xmL' } }), 'SignatureDoesNotMatch', 'content-type');
  const temp = await sdkSigned({ method: 'GET', path: `/2013-04-01/hostedzone/${zoneId()}/rrset`, creds: TEMP });
  assert.equal(await send({ ...temp, headers: { ...temp.headers, 'x-amz-security-token': flip(TEMP.sessionToken, 0) } }), 'InvalidClientTokenId', 'session token');
  assert.equal(await send(await listReq()), '', 'unchanged');
});

test('an SDK request signed 6 minutes off is refused as "Signature expired" / "not yet current" naming the server NOW, with a Date header', async () => {
  const msg = async (r: Raw): Promise<{ message: string; date: string | undefined }> =>
    new Promise((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: emu.port, method: r.method, path: r.path, ca: emu.rootPem, headers: r.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ message: /<Message>([^<]+)<\/Message>/.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? '', date: res.headers.date }));
      });
      req.on('error', reject);
      req.end();
    });
  const path = `/2013-04-01/hostedzone/${zoneId()}/rrset`;
  const past = await msg(await sdkSigned({ method: 'GET', path, date: new Date(Date.now() - 6 * 60_000) }));
  assert.match(past.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
  const future = await msg(await sdkSigned({ method: 'GET', path, date: new Date(Date.now() + 6 * 60_000) }));
  assert.match(future.message, /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
  assert.ok(past.date !== undefined && Number.isFinite(Date.parse(past.date)));
  assert.equal(await send(await sdkSigned({ method: 'GET', path, date: new Date(Date.now() - 4 * 60_000) })), '');
});
