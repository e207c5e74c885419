import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { NetworkInterfaceInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../clock/fake-clock.ts';
import { parseIp } from './address.ts';
import { bindAddressOf, queryInterface } from './interface-source.ts';

let dir: string;
let table: string;
const clock = new FakeClock();

const v4 = (address: string): NetworkInterfaceInfo => ({ address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:11:22:33:44:55', internal: false, cidr: `${address}/24` });
const v6 = (address: string): NetworkInterfaceInfo => ({ address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:11:22:33:44:55', internal: false, cidr: `${address}/64`, scopeid: 0 });
const interfaces = (): NodeJS.Dict<NetworkInterfaceInfo[]> => ({
  eth0: [v4('10.0.0.7'), v4('100.64.1.2'), v4('81.2.3.4'), v4('81.2.3.5'), v6('2a01:4f8:c0c:1234::1')],
  wan: [v4('192.168.1.2')],
  lo: [v4('127.0.0.1')],
});

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zk-ifsrc-'));
  table = join(dir, 'if_inet6');
  await writeFile(
    table,
    [
      '2a0104f80c0c1234510447019f916b25 03 40 00 01     eth0',
      '2a0104f80c0c1234021122fffe334455 03 40 00 80     eth0',
      '2a0104f80c0c1234000000000000dead 03 40 00 a0     eth0',
      'fe80000000000000021122fffe334455 03 40 20 80     eth0',
      'fd000000000000000000000000000005 04 40 00 80      wan',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

void test('IPv6 from the kernel table: the stable EUI-64 one, the rest listed with reasons', async () => {
  const a = await queryInterface({ type: 'interface', name: 'eth0' }, 6, { clock, ifInet6Path: table, networkInterfaces: interfaces });
  assert.equal(a.address, '2a01:4f8:c0c:1234:211:22ff:fe33:4455');
  assert.deepEqual(
    a.skipped?.map((s) => s.reason),
    ['temporary', 'deprecated', 'not-global-scope'],
  );
});

void test('IPv6: no usable address, unknown interface, a suffix that matches nothing, no kernel table', async () => {
  const deps = { clock, ifInet6Path: table, networkInterfaces: interfaces };
  assert.equal((await queryInterface({ type: 'interface', name: 'wan' }, 6, deps)).reason, 'no-usable-address');
  assert.equal((await queryInterface({ type: 'interface', name: 'lo' }, 6, deps)).reason, 'no-usable-address');
  assert.equal((await queryInterface({ type: 'interface', name: 'nope0' }, 6, deps)).reason, 'interface-not-found');
  const suffix = parseIp('::abcd');
  assert.ok(suffix.ok);
  assert.equal((await queryInterface({ type: 'interface', name: 'eth0', suffix: suffix.address }, 6, deps)).reason, 'no-suffix-match');
  const missing = await queryInterface({ type: 'interface', name: 'eth0' }, 6, { ...deps, ifInet6Path: join(dir, 'absent') });
  assert.equal(missing.reason, 'flags-unavailable');
  assert.equal(missing.address, undefined);
});

void test('IPv4: the first public address in the kernel order; private and CGNAT skipped', async () => {
  const deps = { clock, networkInterfaces: interfaces };
  const a = await queryInterface({ type: 'interface', name: 'eth0' }, 4, deps);
  assert.equal(a.address, '81.2.3.4');
  assert.deepEqual(a.skipped, [
    { address: '10.0.0.7', reason: 'private' },
    { address: '100.64.1.2', reason: 'cgnat' },
  ]);
  const wan = await queryInterface({ type: 'interface', name: 'wan' }, 4, deps);
  assert.equal(wan.reason, 'no-usable-address');
  assert.equal((await queryInterface({ type: 'interface', name: 'ppp9' }, 4, deps)).reason, 'interface-not-found');
});

void test('bind addresses: any address of the family, public or not', async () => {
  const deps = { clock, ifInet6Path: table, networkInterfaces: interfaces };
  assert.equal(await bindAddressOf('wan', 4, deps), '192.168.1.2');
  assert.equal(await bindAddressOf('wan', 6, deps), 'fd00::5');
  assert.equal(await bindAddressOf('eth0', 6, deps), '2a01:4f8:c0c:1234:211:22ff:fe33:4455');
  assert.equal(await bindAddressOf('nope0', 4, deps), undefined);
});
