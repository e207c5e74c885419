import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPECIAL_RANGES } from '../../dns/ip-ranges.ts';
import { addressFromBytes, parseIp } from './address.ts';
import { checkPublicAddress, publicUnicastReason } from './classify.ts';

/** The reason for `ip`, or 'ok' when it is public unicast. */
function verdict(ip: string): string {
  const p = parseIp(ip);
  assert.ok(p.ok, `test input ${ip} must parse`);
  return publicUnicastReason(p.address) ?? 'ok';
}

// Every range: the address below it, its first, its last, the address above it.
const IPV4: [string, string][] = [
  ['0.0.0.0', 'unspecified'],
  ['0.0.0.1', 'this-network'],
  ['0.255.255.255', 'this-network'],
  ['1.0.0.0', 'ok'],
  ['9.255.255.255', 'ok'],
  ['10.0.0.0', 'private'],
  ['10.255.255.255', 'private'],
  ['11.0.0.0', 'ok'],
  ['100.63.255.255', 'ok'],
  ['100.64.0.0', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['100.128.0.0', 'ok'],
  ['126.255.255.255', 'ok'],
  ['127.0.0.0', 'loopback'],
  ['127.255.255.255', 'loopback'],
  ['128.0.0.0', 'ok'],
  ['169.253.255.255', 'ok'],
  ['169.254.0.0', 'link-local'],
  ['169.254.255.255', 'link-local'],
  ['169.255.0.0', 'ok'],
  ['172.15.255.255', 'ok'],
  ['172.16.0.0', 'private'],
  ['172.31.255.255', 'private'],
  ['172.32.0.0', 'ok'],
  ['191.255.255.255', 'ok'],
  ['192.0.0.0', 'special-purpose'],
  ['192.0.0.255', 'special-purpose'],
  ['192.0.1.0', 'ok'],
  ['192.0.1.255', 'ok'],
  ['192.0.2.0', 'documentation'],
  ['192.0.2.255', 'documentation'],
  ['192.0.3.0', 'ok'],
  ['192.88.98.255', 'ok'],
  ['192.88.99.0', 'relay-anycast'],
  ['192.88.99.255', 'relay-anycast'],
  ['192.88.100.0', 'ok'],
  ['192.167.255.255', 'ok'],
  ['192.168.0.0', 'private'],
  ['192.168.255.255', 'private'],
  ['192.169.0.0', 'ok'],
  ['198.17.255.255', 'ok'],
  ['198.18.0.0', 'benchmark'],
  ['198.19.255.255', 'benchmark'],
  ['198.20.0.0', 'ok'],
  ['198.51.99.255', 'ok'],
  ['198.51.100.0', 'documentation'],
  ['198.51.100.255', 'documentation'],
  ['198.51.101.0', 'ok'],
  ['203.0.112.255', 'ok'],
  ['203.0.113.0', 'documentation'],
  ['203.0.113.255', 'documentation'],
  ['203.0.114.0', 'ok'],
  ['223.255.255.255', 'ok'],
  ['224.0.0.0', 'multicast'],
  ['239.255.255.255', 'multicast'],
  ['240.0.0.0', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
];

const IPV6: [string, string][] = [
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['::2', 'reserved'],
  ['::fffe:ffff:ffff', 'reserved'],
  ['::ffff:0.0.0.0', 'ipv4-mapped'],
  ['::ffff:255.255.255.255', 'ipv4-mapped'],
  ['::1:0:0:0', 'reserved'],
  ['::ffff:8.8.8.8', 'ipv4-mapped'],
  ['64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['64:ff9b::', 'nat64'],
  ['64:ff9b::ffff:ffff', 'nat64'],
  ['64:ff9b::1:0:0', 'reserved'],
  ['64:ff9b:0:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['64:ff9b:1::', 'nat64'],
  ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', 'nat64'],
  ['64:ff9b:2::', 'reserved'],
  ['ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['100::', 'discard'],
  ['100::ffff:ffff:ffff:ffff', 'discard'],
  ['100:0:0:1::', 'reserved'],
  ['1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['2000::', 'ok'],
  ['2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ok'],
  ['2001::', 'teredo'],
  ['2001:0:ffff:ffff:ffff:ffff:ffff:ffff', 'teredo'],
  ['2001:1::', 'special-purpose'],
  ['2001:1:ffff:ffff:ffff:ffff:ffff:ffff', 'special-purpose'],
  ['2001:2::', 'benchmark'],
  ['2001:2:0:ffff:ffff:ffff:ffff:ffff', 'benchmark'],
  ['2001:2:1::', 'special-purpose'],
  ['2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', 'special-purpose'],
  ['2001:200::', 'ok'],
  ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', 'ok'],
  ['2001:db8::', 'documentation'],
  ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation'],
  ['2001:db9::', 'ok'],
  ['2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ok'],
  ['2002::', '6to4'],
  ['2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '6to4'],
  ['2003::', 'ok'],
  ['3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ok'],
  ['3fff::', 'documentation'],
  ['3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation'],
  ['3fff:1000::', 'ok'],
  ['3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ok'],
  ['4000::', 'reserved'],
  ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['fc00::', 'ula'],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ula'],
  ['fe00::', 'reserved'],
  ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
  ['fe80::', 'link-local'],
  ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'link-local'],
  ['fec0::', 'site-local'],
  ['feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'site-local'],
  ['ff00::', 'multicast'],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'multicast'],
];

void test('IPv4: every range boundary, inside and outside', () => {
  for (const [ip, want] of IPV4) assert.equal(verdict(ip), want, ip);
});

void test('IPv6: every range boundary, inside and outside', () => {
  for (const [ip, want] of IPV6) assert.equal(verdict(ip), want, ip);
});

function toBig(bytes: Uint8Array): bigint {
  return bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

function fromBig(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

void test('every special range refuses its first and last address (the table and the classifier agree)', () => {
  for (const r of SPECIAL_RANGES) {
    const p = parseIp(r.net);
    assert.ok(p.ok, r.net);
    const width = p.address.bytes.length * 8;
    const first = toBig(p.address.bytes);
    const last = first + (1n << BigInt(width - r.bits)) - 1n;
    for (const n of [first, last]) {
      const a = addressFromBytes(fromBig(n, p.address.bytes.length));
      assert.notEqual(publicUnicastReason(a), undefined, `${a.text} in ${r.net}/${r.bits}`);
    }
  }
});

void test('public unicast addresses pass; the wrong family is refused', () => {
  for (const ip of ['1.1.1.1', '8.8.8.8', '81.2.3.4', '223.5.5.5', '2606:4700:4700::1111', '2a01:4f8:c0c:1234::1', '240e::1']) assert.equal(verdict(ip), 'ok', ip);
  assert.deepEqual(checkPublicAddress('81.2.3.4', 6), { ok: false, reason: 'wrong-family' });
  assert.deepEqual(checkPublicAddress('2a01:4f8::1', 4), { ok: false, reason: 'wrong-family' });
  assert.deepEqual(checkPublicAddress('192.168.1.1', 4), { ok: false, reason: 'private' });
  assert.deepEqual(checkPublicAddress('fe80::1%eth0', 6), { ok: false, reason: 'zone-id' });
  const ok = checkPublicAddress('2A01:4F8::0001', 6);
  assert.ok(ok.ok);
  assert.equal(ok.address.text, '2a01:4f8::1');
});
