import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, test } from 'node:test';
import { throwsAppError } from '../core/testing/app-error-assert.ts';
import { SecretKey } from './key.ts';
import { openSealed, seal, sealedKeyId } from './seal.ts';

const K1 = new SecretKey(Buffer.alloc(32, 1));
const K2 = new SecretKey(Buffer.alloc(32, 2));
const ctx = { where: 'setting providers.home.secretKey', keySource: '/data/secret.key' };
const PEM = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';

/** Replace the character at `i` of `s` with another character of the same alphabet. */
function flip(s: string, i: number): string {
  const c = s[i] as string;
  return `${s.slice(0, i)}${c === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
}

describe('sealed values', () => {
  test('round trips: empty, ASCII, multi-line PEM, JSON with non-BMP characters, 64 KiB', () => {
    for (const plain of ['', 'x', PEM, '{"secretKey":"密钥 🙃 \\u0000"}', 'a'.repeat(65536)]) {
      const sealed = seal(plain, K1);
      assert.equal(openSealed(sealed, [K2, K1], ctx), plain);
      assert.ok(!sealed.includes(plain) || plain.length < 2, 'the plaintext shows in the sealed value');
    }
  });

  test('the format is zk1.<keyId>.<iv>.<ciphertext+tag>, a new nonce every time', () => {
    const a = seal(PEM, K1);
    const b = seal(PEM, K1);
    assert.notEqual(a, b);
    for (const v of [a, b]) {
      assert.match(v, /^zk1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
      assert.equal(v.split('.')[1], K1.id);
      assert.equal(sealedKeyId(v), K1.id);
      assert.equal(Buffer.from(v.split('.')[3] as string, 'base64url').length, Buffer.byteLength(PEM) + 16);
    }
    assert.notEqual(a.split('.')[2], b.split('.')[2]);
    assert.equal(sealedKeyId(PEM), undefined);
    assert.equal(sealedKeyId('"json"'), undefined);
  });

  test('an independent AES-256-GCM implementation of the documented format agrees, both ways', () => {
    const iv = Buffer.from('000102030405060708090a0b', 'hex');
    const header = `zk1.${K1.id}`;
    const c = createCipheriv('aes-256-gcm', Buffer.alloc(32, 1), iv);
    c.setAAD(Buffer.from(header));
    const body = Buffer.concat([c.update('vector', 'utf8'), c.final(), c.getAuthTag()]);
    const vector = `${header}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    assert.equal(openSealed(vector, [K1], ctx), 'vector');

    const [, keyId, ivText, bodyText] = seal('the other way', K1).split('.') as [string, string, string, string];
    const sealedBody = Buffer.from(bodyText, 'base64url');
    const d = createDecipheriv('aes-256-gcm', Buffer.alloc(32, 1), Buffer.from(ivText, 'base64url'));
    d.setAAD(Buffer.from(`zk1.${keyId}`));
    d.setAuthTag(sealedBody.subarray(-16));
    assert.equal(Buffer.concat([d.update(sealedBody.subarray(0, -16)), d.final()]).toString('utf8'), 'the other way');
  });

  test('the wrong key is SECRET_KEY_MISMATCH naming the expected key id, before any decryption', () => {
    const sealed = seal('top secret', K1);
    const e = throwsAppError(() => openSealed(sealed, [K2], ctx), 'SECRET_KEY_MISMATCH', {
      expectedKeyId: K1.id,
      availableKeyIds: [K2.id],
      keySource: '/data/secret.key',
      where: ctx.where,
    });
    assert.ok(!JSON.stringify(e.diagnosis).includes('top secret'));
    throwsAppError(() => openSealed(sealed, [], ctx), 'SECRET_KEY_MISMATCH', { availableKeyIds: [] });
  });

  test('tampering with any part is SECRET_DECRYPT_FAILED, never garbage', () => {
    const sealed = seal('top secret value', K1);
    const [, keyId, iv, body] = sealed.split('.') as [string, string, string, string];
    const tampered: [string, string][] = [
      ['version', `zk2.${keyId}.${iv}.${body}`],
      ['prefix', sealed.slice(1)],
      ['key id made another available key', `zk1.${K2.id}.${iv}.${body}`],
      ['key id not hex', `zk1.${keyId.slice(0, 7)}g.${iv}.${body}`],
      ['iv', `zk1.${keyId}.${flip(iv, 3)}.${body}`],
      ['iv shortened', `zk1.${keyId}.${iv.slice(1)}.${body}`],
      ['ciphertext', `zk1.${keyId}.${iv}.${flip(body, 2)}`],
      ['tag', `zk1.${keyId}.${iv}.${flip(body, body.length - 3)}`],
      ['truncated', sealed.slice(0, -4)],
      ['body shorter than a tag', `zk1.${keyId}.${iv}.${body.slice(0, 20)}`],
      ['extra part', `${sealed}.AAAA`],
      ['padding added', `${sealed}=`],
      ['whitespace', ` ${sealed}`],
      ['plaintext', 'top secret value'],
    ];
    for (const [what, value] of tampered) {
      const e = throwsAppError(() => openSealed(value, [K1, K2], ctx), 'SECRET_DECRYPT_FAILED', { where: ctx.where });
      assert.ok(!JSON.stringify(e.diagnosis).includes('top secret'), what);
    }
    // A key id that no available key has is reported as the wrong key (it cannot be told apart).
    const unknownId = ['ffffffff', '00000000'].find((id) => id !== K1.id && id !== K2.id) as string;
    throwsAppError(() => openSealed(`zk1.${unknownId}.${iv}.${body}`, [K1, K2], ctx), 'SECRET_KEY_MISMATCH', { expectedKeyId: unknownId });
    assert.equal(openSealed(sealed, [K1], ctx), 'top secret value', 'the original still opens');
  });
});
