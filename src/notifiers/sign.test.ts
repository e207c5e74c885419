/** Known answers computed independently (Python hmac/hashlib/base64, the vendors' own sample language). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dingtalkSign } from './dingtalk/sign.ts';
import { larkSign } from './lark/sign.ts';

void test('DingTalk: base64(HMAC-SHA256(key secret, "<ms>\\n<secret>"))', () => {
  assert.equal(dingtalkSign(1_700_000_000_000, 'SECabc123'), 'N5P09a4+p1AMJIJWnIvQd2Yxw9+fu/oEBnPrjCcsLXk=');
});

void test('Lark: base64(HMAC-SHA256(key "<s>\\n<secret>", empty message))', () => {
  assert.equal(larkSign(1_700_000_000, 'lark-secret'), '3K5KZdokND8ZKOA4MeLzCyzrEdEQGLkyTnklgWvOFGY=');
});
