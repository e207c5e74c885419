import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp, type IpAddress } from './address.ts';
import { IF_INET6_SCOPE, IFA_F, type KernelIpv6Address } from './if-inet6.ts';
import { chooseIpv6, isEui64 } from './ipv6-choice.ts';

function ip(text: string): IpAddress {
  const p = parseIp(text);
  assert.ok(p.ok, text);
  return p.address;
}

const row = (text: string, flags: number = IFA_F.PERMANENT, scope: number = IF_INET6_SCOPE.GLOBAL): KernelIpv6Address => ({ address: ip(text), ifindex: 3, prefixLength: 64, scope, flags, interface: 'eth0' });

const STABLE_EUI64 = '2a01:4f8:c0c:1234:211:22ff:fe33:4455';
const TABLE = [
  row('2a01:4f8:c0c:1234:1:1:1:1', IFA_F.TEMPORARY), // lowest, but temporary
  row('2a01:4f8:c0c:1234:211:22ff:fe00:1', IFA_F.PERMANENT | IFA_F.DEPRECATED), // EUI-64 and lower, but deprecated
  row('2a01:4f8:c0c:1234:211:22ff:fe00:2', IFA_F.PERMANENT | IFA_F.TENTATIVE),
  row('2a01:4f8:c0c:1234:211:22ff:fe00:3', IFA_F.PERMANENT | IFA_F.DADFAILED | IFA_F.TENTATIVE),
  row('2a01:4f8:c0c:1234:211:22ff:fe00:4', IFA_F.OPTIMISTIC),
  row('fe80::211:22ff:fe33:4455', IFA_F.PERMANENT, IF_INET6_SCOPE.LINK),
  row('fd00::211:22ff:fe33:4455'),
  row('2001:db8::211:22ff:fe33:4455'),
  row('2a01:4f8:c0c:1234::9'),
  row(STABLE_EUI64),
  row('2a01:4f8:c0c:1234::1234'),
];

void test('the stable global EUI-64 address wins; every other one is skipped with its reason', () => {
  const c = chooseIpv6(TABLE, { requirePublic: true });
  assert.equal(c.chosen?.address.text, STABLE_EUI64);
  assert.deepEqual(c.skipped, [
    { address: '2a01:4f8:c0c:1234:1:1:1:1', reason: 'temporary' },
    { address: '2a01:4f8:c0c:1234:211:22ff:fe00:1', reason: 'deprecated' },
    { address: '2a01:4f8:c0c:1234:211:22ff:fe00:2', reason: 'tentative' },
    { address: '2a01:4f8:c0c:1234:211:22ff:fe00:3', reason: 'dadfailed' },
    { address: '2a01:4f8:c0c:1234:211:22ff:fe00:4', reason: 'optimistic' },
    { address: 'fe80::211:22ff:fe33:4455', reason: 'not-global-scope' },
    { address: 'fd00::211:22ff:fe33:4455', reason: 'ula' },
    { address: '2001:db8::211:22ff:fe33:4455', reason: 'documentation' },
  ]);
});

void test('without EUI-64, the lowest stable address; the same table in any order gives the same answer', () => {
  const rest = TABLE.filter((r) => r.address.text !== STABLE_EUI64);
  assert.equal(chooseIpv6(rest, { requirePublic: true }).chosen?.address.text, '2a01:4f8:c0c:1234::9');
  assert.equal(chooseIpv6(rest.toReversed(), { requirePublic: true }).chosen?.address.text, '2a01:4f8:c0c:1234::9');
});

void test('a configured suffix picks its interface identifier, or nothing', () => {
  const c = chooseIpv6(TABLE, { requirePublic: true, suffix: ip('::1234') });
  assert.equal(c.chosen?.address.text, '2a01:4f8:c0c:1234::1234');
  assert.ok(c.skipped.some((s) => s.address === STABLE_EUI64 && s.reason === 'suffix-mismatch'));
  // A suffix never selects a temporary address, even when its identifier matches.
  const none = chooseIpv6(TABLE, { requirePublic: true, suffix: ip('::1:1:1:1') });
  assert.equal(none.chosen, undefined);
  assert.equal(none.reason, 'no-suffix-match');
});

void test('nothing usable; requirePublic false keeps ULA (bind addresses)', () => {
  const c = chooseIpv6([row('fe80::1', IFA_F.PERMANENT, IF_INET6_SCOPE.LINK), row('2a01::1', IFA_F.TEMPORARY)], { requirePublic: true });
  assert.equal(c.chosen, undefined);
  assert.equal(c.reason, 'no-usable-address');
  assert.equal(chooseIpv6([row('fd00::5')], { requirePublic: false }).chosen?.address.text, 'fd00::5');
  assert.equal(isEui64(ip('2a01::211:22ff:fe33:4455')), true);
  assert.equal(isEui64(ip('2a01::211:22ff:fd33:4455')), false);
});
