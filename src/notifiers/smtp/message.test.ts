import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMessage, dotStuff, encodedHeader, rfc5322Date } from './message.ts';

/** Decode a header value made only of RFC 2047 B-words folded with CRLF SP (for the test only). */
function decodeWords(value: string): string {
  const bytes = value.split('\r\n ').map((w) => {
    const m = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=$/.exec(w);
    assert.ok(m !== null, `not an encoded-word: ${w}`);
    return Buffer.from(m[1] ?? '', 'base64');
  });
  return Buffer.concat(bytes).toString('utf8');
}

void test('short ASCII subjects stay as they are', () => {
  assert.equal(encodedHeader('Subject', '[zonekeeper] Certificate renewed: web'), 'Subject: [zonekeeper] Certificate renewed: web');
});

void test('non-ASCII subjects become UTF-8 encoded-words, whole characters, lines of at most 76', () => {
  const subject = '[zonekeeper] 证书将在 3 天内过期：web.example.test（序列号 0a1b2c）🔐';
  const h = encodedHeader('Subject', subject);
  const lines = h.split('\r\n');
  assert.ok(lines.length > 1);
  for (const l of lines) assert.ok(l.length <= 76, `${l.length}: ${l}`);
  for (const w of h.matchAll(/=\?UTF-8\?B\?([^?]*)\?=/g)) assert.ok(!Buffer.from(w[1] ?? '', 'base64').toString('utf8').includes('\ufffd'), 'no character split across words');
  assert.equal(decodeWords(h.slice('Subject: '.length)), subject);
});

void test('a long ASCII subject is encoded too (so it folds), and CR/LF never reach a header', () => {
  const h = encodedHeader('Subject', `${'x'.repeat(100)}\r\nBcc: evil@example.com`);
  assert.ok(!/\r\n[^ ]/.test(h), 'every line break is a fold');
  assert.ok(!h.includes('Bcc:'));
});

void test('RFC 5322 dates in UTC', () => {
  assert.equal(rfc5322Date(Date.UTC(2026, 10, 22, 7, 5, 9)), 'Sun, 22 Nov 2026 07:05:09 +0000');
});

void test('the message: 7-bit headers, base64 UTF-8 body, dot-stuffing', () => {
  const m = buildMessage({ from: 'zk@example.test', to: ['a@example.test', 'b@example.test'], subject: 'Hello', text: '第一行\n.second', date: 0, kind: 'ip-changed' });
  assert.ok(Buffer.from(m, 'utf8').every((b) => b < 0x80), '7-bit');
  const [head, body] = m.split('\r\n\r\n');
  assert.match(head ?? '', /^From: zonekeeper <zk@example.test>\r\n/);
  assert.match(head ?? '', /\r\nTo: a@example.test,\r\n b@example.test\r\n/);
  assert.match(head ?? '', /\r\nContent-Type: text\/plain; charset=UTF-8\r\n/);
  assert.match(head ?? '', /\r\nX-Zonekeeper-Event: ip-changed$/m);
  assert.equal(Buffer.from((body ?? '').replace(/\r\n/g, ''), 'base64').toString('utf8'), '第一行\r\n.second\r\n');
  assert.equal(dotStuff('.a\r\nb\r\n.c'), '..a\r\nb\r\n..c');
});
