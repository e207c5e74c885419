import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressFromBytes, compareIp, parseIp } from './address.ts';

const text = (s: string): string | undefined => {
  const p = parseIp(s);
  return p.ok ? p.address.text : undefined;
};

void test('IPv4: strict dotted quad only', () => {
  assert.equal(text('81.2.3.4'), '81.2.3.4');
  assert.equal(text('0.0.0.0'), '0.0.0.0');
  assert.equal(text('255.255.255.255'), '255.255.255.255');
  for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '0x7f.0.0.1', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.4/32', '', '1..2.3', '+1.2.3.4'])
    assert.deepEqual(parseIp(bad), { ok: false, reason: 'not-an-address' }, bad);
  const p = parseIp('81.2.3.4');
  assert.ok(p.ok);
  assert.equal(p.address.family, 4);
  assert.deepEqual([...p.address.bytes], [81, 2, 3, 4]);
});

void test('IPv6: canonical RFC 5952 text, same as the WHATWG URL serializer', () => {
  const cases: [string, string][] = [
    ['2A01:04F8:0000:0000:0000:0000:0000:0001', '2a01:4f8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['fe80::', 'fe80::'],
    ['::ffff:1.2.3.4', '::ffff:102:304'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329'],
  ];
  for (const [input, want] of cases) {
    assert.equal(text(input), want, input);
    assert.equal(new URL(`http://[${input}]/`).hostname, `[${want}]`, `URL agrees on ${input}`);
  }
  for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', ':1:2:3:4:5:6:7', '12345::', 'g::1', '[::1]', '::1/128', ' ::1', '1:2:3:4:5:6:7'])
    assert.deepEqual(parseIp(bad), { ok: false, reason: 'not-an-address' }, bad);
});

void test('IPv6 zone ids are refused with their own reason', () => {
  assert.deepEqual(parseIp('fe80::1%eth0'), { ok: false, reason: 'zone-id' });
  assert.deepEqual(parseIp('fe80::1%2'), { ok: false, reason: 'zone-id' });
  assert.equal(parseIp('1.2.3.4%eth0').ok, false);
});

void test('bytes round-trip and numeric order', () => {
  const a = addressFromBytes(Uint8Array.from([0x2a, 1, 4, 0xf8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
  assert.equal(a.text, '2a01:4f8::1');
  assert.throws(() => addressFromBytes(new Uint8Array(5)), RangeError);
  const ips = ['2a01::2', '10.0.0.1', '2a01::1', '9.0.0.1'].map((s) => {
    const p = parseIp(s);
    assert.ok(p.ok);
    return p.address;
  });
  assert.deepEqual(
    ips.sort(compareIp).map((x) => x.text),
    ['9.0.0.1', '10.0.0.1', '2a01::1', '2a01::2'],
  );
});
