import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyExcerpt } from './body-excerpt.ts';

const page = '<html>\n<head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

test('an HTML page shows as its title; without one, as its text', () => {
  assert.equal(bodyExcerpt(Buffer.from(page), 'text/html'), '502 Bad Gateway');
  assert.equal(bodyExcerpt(Buffer.from('<html><body><h1>Service\n  Unavailable</h1><script>x()</script></body></html>'), undefined), 'Service Unavailable');
});

test('other bodies: one line, cut at the limit, secrets removed, empty stays empty', () => {
  assert.equal(bodyExcerpt(Buffer.from('{"Response":\n  {"RecordList":[{"Na'), 'application/json'), '{"Response": {"RecordList":[{"Na');
  const long = bodyExcerpt(Buffer.from('x'.repeat(500)), 'text/plain', [], 50);
  assert.equal(long, `${'x'.repeat(50)}…`);
  assert.equal(bodyExcerpt(Buffer.from('token=s3cr3t-value-1234 rest'), 'text/plain', ['s3cr3t-value-1234']), 'token=*** rest');
  assert.equal(bodyExcerpt(Buffer.alloc(0), 'application/json'), '');
});
