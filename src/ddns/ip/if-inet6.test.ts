import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IFA_F, parseIfInet6 } from './if-inet6.ts';

/** As read from a Linux 6.x kernel in a network namespace (a veth pair, mngtmpaddr, preferred_lft 0). */
const KERNEL_TEXT = [
  '2a0104f80c0c12340000000000001234 03 40 00 80       d0',
  '2a0104f80c0c1234021122fffe334455 03 40 00 80       d0',
  'fe80000000000000909dbdfffe2c017d 02 40 20 c0      d0p',
  '2a0104f80c0c1234510447019f916b25 03 40 00 01       d0',
  '2a0104f80c0c1234000000000000dead 03 40 00 a0       d0',
  'fd000000000000000000000000000005 03 40 00 80       d0',
  'fe80000000000000542bddfffe004238 03 40 20 c0       d0',
  '',
].join('\n');

void test('parses the kernel table: address, index, prefix, scope, flags, name', () => {
  const rows = parseIfInet6(KERNEL_TEXT);
  assert.equal(rows.length, 7);
  assert.deepEqual(
    rows.map((r) => [r.address.text, r.ifindex, r.prefixLength, r.scope, r.flags, r.interface]),
    [
      ['2a01:4f8:c0c:1234::1234', 3, 64, 0, IFA_F.PERMANENT, 'd0'],
      ['2a01:4f8:c0c:1234:211:22ff:fe33:4455', 3, 64, 0, IFA_F.PERMANENT, 'd0'],
      ['fe80::909d:bdff:fe2c:17d', 2, 64, 0x20, IFA_F.PERMANENT | IFA_F.TENTATIVE, 'd0p'],
      ['2a01:4f8:c0c:1234:5104:4701:9f91:6b25', 3, 64, 0, IFA_F.TEMPORARY, 'd0'],
      ['2a01:4f8:c0c:1234::dead', 3, 64, 0, IFA_F.PERMANENT | IFA_F.DEPRECATED, 'd0'],
      ['fd00::5', 3, 64, 0, IFA_F.PERMANENT, 'd0'],
      ['fe80::542b:ddff:fe00:4238', 3, 64, 0x20, IFA_F.PERMANENT | IFA_F.TENTATIVE, 'd0'],
    ],
  );
});

void test('the flag values are linux/if_addr.h', () => {
  assert.deepEqual(IFA_F, { TEMPORARY: 0x01, NODAD: 0x02, OPTIMISTIC: 0x04, DADFAILED: 0x08, HOMEADDRESS: 0x10, DEPRECATED: 0x20, TENTATIVE: 0x40, PERMANENT: 0x80 });
});

void test('malformed lines are ignored, long interface names kept', () => {
  const rows = parseIfInet6('garbage\n2a0104f80c0c1234 03 40 00 80 short\n2a0104f80c0c1234021122fffe334455 1a 40 00 80 enp0s31f6.100\n');
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.interface, 'enp0s31f6.100');
  assert.equal(rows[0]?.ifindex, 26);
});
