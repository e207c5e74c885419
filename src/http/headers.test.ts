import { test } from 'node:test';
import assert from 'node:assert/strict';
import { responseHeaders } from './headers.ts';

test('names lower-cased, repeats joined in order, Link lines kept separately', () => {
  const { headers, links } = responseHeaders(['Content-Type', 'application/json', 'Link', '<a>;rel="up"', 'X-A', '1', 'link', '<b>;rel="index"', 'x-a', '2']);
  assert.deepEqual(headers, { 'content-type': 'application/json', link: '<a>;rel="up", <b>;rel="index"', 'x-a': '1, 2' });
  assert.deepEqual(links, ['<a>;rel="up"', '<b>;rel="index"']);
});
