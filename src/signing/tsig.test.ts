import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeMessage } from '../dns/wire.ts';
import { TSIG_ERROR, parseTsigAlgorithm, signMessage, tsigVariables, verifyResponse, type TsigKey } from './tsig.ts';

interface VectorKey {
  name: string;
  algorithm: string;
  secretBase64: string;
}
interface Vector {
  name: string;
  inputs: {
    key?: VectorKey;
    keyUsedByClient?: VectorKey;
    timeSigned?: number;
    fudge?: number;
    messageWithoutTsigHex?: string;
    requestTimeSigned?: number;
    requestHex?: string;
    requestMacHex?: string;
  };
  expected: {
    tsigVariablesHex?: string;
    macHex?: string;
    signedWireHex?: string;
    responseHex?: string;
    responseRcode?: number;
    responseTsig?: { error: number; timeSigned: number; otherTime: number | null; macLen: number; responseMacVerifiesWithRequestMac: boolean | null };
  };
}

const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/tsig.json', import.meta.url), 'utf8')) as { cases: Vector[] };

function keyOf(k: VectorKey): TsigKey {
  const algorithm = parseTsigAlgorithm(k.algorithm);
  assert.ok(algorithm);
  return { name: k.name, algorithm, secret: Buffer.from(k.secretBase64, 'base64') };
}

test('the vectors file has the nine TSIG cases', () => {
  assert.equal(vectors.cases.length, 9);
});

for (const v of vectors.cases.filter((c) => c.inputs.messageWithoutTsigHex !== undefined)) {
  test(`TSIG signing vector: ${v.name}`, () => {
    const key = keyOf(v.inputs.key as VectorKey);
    const t = { timeSigned: v.inputs.timeSigned as number, fudge: v.inputs.fudge as number };
    if (v.expected.tsigVariablesHex !== undefined) assert.equal(tsigVariables(key, t).toString('hex'), v.expected.tsigVariablesHex);
    const signed = signMessage(Buffer.from(v.inputs.messageWithoutTsigHex as string, 'hex'), key, t);
    assert.equal(signed.mac.toString('hex'), v.expected.macHex);
    assert.equal(signed.wire.toString('hex'), v.expected.signedWireHex);
  });
}

for (const v of vectors.cases.filter((c) => c.inputs.requestHex !== undefined)) {
  test(`TSIG live exchange vector: ${v.name}`, () => {
    const key = keyOf(v.inputs.keyUsedByClient as VectorKey);
    // Re-create the request from its unsigned part: our signature must equal the one BIND saw.
    const request = Buffer.from(v.inputs.requestHex as string, 'hex');
    const decodedRequest = decodeMessage(request);
    assert.ok(decodedRequest.tsigOffset !== undefined);
    const unsigned = Buffer.from(request.subarray(0, decodedRequest.tsigOffset));
    unsigned.writeUInt16BE(unsigned.readUInt16BE(10) - 1, 10);
    const signed = signMessage(unsigned, key, { timeSigned: v.inputs.requestTimeSigned as number, fudge: 300 });
    assert.equal(signed.wire.toString('hex'), v.inputs.requestHex);
    assert.equal(signed.mac.toString('hex'), v.inputs.requestMacHex);

    const response = Buffer.from(v.expected.responseHex as string, 'hex');
    const decoded = decodeMessage(response);
    assert.equal(decoded.flags & 0xf, v.expected.responseRcode);
    const result = verifyResponse(response, decoded, key, signed.mac);
    const expected = v.expected.responseTsig;
    assert.ok(expected);
    if (expected.responseMacVerifiesWithRequestMac === true) {
      assert.equal(result.status, 'verified');
      assert.ok(result.status === 'verified');
      assert.equal(result.tsig.error, expected.error);
      assert.equal(result.serverTime, expected.otherTime ?? expected.timeSigned);
      // One flipped bit anywhere in the response breaks the MAC.
      const tampered = Buffer.from(response);
      tampered[2] = (tampered[2] as number) ^ 0x04; // the AA flag
      assert.equal(verifyResponse(tampered, decodeMessage(tampered), key, signed.mac).status, 'bad-mac');
      // A different request MAC (a replayed answer to another request) does not verify either.
      assert.equal(verifyResponse(response, decoded, key, Buffer.alloc(32, 7)).status, 'bad-mac');
    } else {
      assert.equal(result.status, 'no-mac');
      assert.ok(result.status === 'no-mac');
      assert.equal(result.tsig.error, expected.error);
      assert.ok(expected.error === TSIG_ERROR.BADSIG || expected.error === TSIG_ERROR.BADKEY);
    }
  });
}

test('hmac-sha512 signs and verifies its own response shape', () => {
  const key: TsigKey = { name: 'k512.', algorithm: 'hmac-sha512', secret: Buffer.alloc(64, 3) };
  const msg = Buffer.from('123428000001000000000000076578616d706c6503636f6d0000060001', 'hex');
  const signed = signMessage(msg, key, { timeSigned: 1700000000, fudge: 300 });
  assert.equal(signed.mac.length, 64);
  const d = decodeMessage(signed.wire);
  assert.ok(d.tsigOffset !== undefined);
  assert.equal(d.additionals.length, 1);
});

test('algorithm names parse case- and dot-insensitively; MD5 is not supported', () => {
  assert.equal(parseTsigAlgorithm('HMAC-SHA256.'), 'hmac-sha256');
  assert.equal(parseTsigAlgorithm('hmac-sha512'), 'hmac-sha512');
  assert.equal(parseTsigAlgorithm('hmac-md5'), undefined);
});
