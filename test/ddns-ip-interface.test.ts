/**
 * The `interface` source on a real kernel: a network namespace made by the
 * test, with a dummy interface (a veth pair where this kernel has no dummy
 * driver) carrying a stable EUI-64 global address, a deprecated EUI-64 one
 * (preferred_lft 0) that sorts lower, a ULA, the kernel's link-local, and a
 * `mngtmpaddr` address from which the kernel itself makes a temporary
 * (privacy) address (use_tempaddr=2; `ip addr add` has no "temporary"
 * flag). The product code runs INSIDE the namespace (a Node process started
 * with `ip netns exec`) and reads the kernel's flags from
 * /proc/net/if_inet6, the same path as in production. iproute2's own JSON
 * view of the same addresses is the oracle for which ones are temporary and
 * deprecated.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Detection } from '../src/ddns/ip/index.ts';

const run = promisify(execFile);
const NS = `zkip${process.pid}`;
const STABLE = '2a01:4f8:c0c:1234:211:22ff:fe33:4455';
const DEPRECATED = '2a01:4f8:c0c:1234:211:22ff:fe00:1';
const ULA = 'fd00:1234::211:22ff:fe00:2';
const MANAGED0 = '2a01:4f8:c0c:5678:ffff:ffff:ffff:fff0';
const MANAGED1 = '2a01:4f8:c0c:9abc:ffff:ffff:ffff:fff0';
const isRoot = process.getuid?.() === 0;
let linkKind = '';

async function ip(...args: string[]): Promise<string> {
  return (await run('ip', args)).stdout;
}

async function inNs(...args: string[]): Promise<string> {
  return (await run('ip', ['netns', 'exec', NS, ...args])).stdout;
}

/** A link named `name` in the namespace: dummy if the kernel has it, else one end of a veth pair. */
async function addLink(name: string): Promise<void> {
  try {
    await ip('-n', NS, 'link', 'add', name, 'type', 'dummy');
    linkKind = 'dummy';
  } catch {
    await ip('-n', NS, 'link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`);
    linkKind = 'veth';
  }
  // Privacy addresses on, and no DAD wait (a veth pair would keep new addresses tentative for a second).
  await inNs('sh', '-c', `echo 2 > /proc/sys/net/ipv6/conf/${name}/use_tempaddr && echo 0 > /proc/sys/net/ipv6/conf/${name}/accept_dad`);
  await ip('-n', NS, 'link', 'set', name, 'up');
  if (linkKind === 'veth') await ip('-n', NS, 'link', 'set', `${name}p`, 'up');
}

interface IpJsonAddr {
  readonly family: string;
  readonly local: string;
  readonly temporary?: boolean;
  readonly deprecated?: boolean;
}

/** iproute2's view of a link's IPv6 addresses. */
async function iproute2View(name: string): Promise<IpJsonAddr[]> {
  const links = JSON.parse(await ip('-n', NS, '-6', '-j', 'addr', 'show', 'dev', name)) as { addr_info: IpJsonAddr[] }[];
  return links.flatMap((l) => l.addr_info);
}

/** Run detection inside the namespace with this `ddns` section; the product reads /proc/net/if_inet6 there. */
async function detectInNs(ddns: unknown): Promise<Detection> {
  const script = `
    const [api, clock, raw] = process.argv.slice(1);
    const { detect, parseIpDetectionConfig } = await import(api);
    const { systemClock } = await import(clock);
    const http = { request: async () => { throw new Error('no HTTP in this test'); } };
    const found = await detect(parseIpDetectionConfig(JSON.parse(raw), process.env), { clock: systemClock, http });
    process.stdout.write(JSON.stringify(found));
  `;
  const api = new URL('../src/ddns/ip/index.ts', import.meta.url).href;
  const clock = new URL('../src/clock/system-clock.ts', import.meta.url).href;
  return JSON.parse(await inNs(process.execPath, '--input-type=module', '-e', script, api, clock, JSON.stringify(ddns))) as Detection;
}

before(async () => {
  if (!isRoot) return;
  await ip('netns', 'add', NS);
  await addLink('zk0');
  await addLink('zk1');
  const add6 = (dev: string, cidr: string, ...flags: string[]): Promise<string> => ip('-n', NS, '-6', 'addr', 'add', cidr, 'dev', dev, 'nodad', ...flags);
  await add6('zk0', `${ULA}/64`);
  await add6('zk0', `${STABLE}/64`);
  await add6('zk0', `${DEPRECATED}/64`, 'preferred_lft', '0');
  await add6('zk0', `${MANAGED0}/64`, 'mngtmpaddr');
  await add6('zk1', `${MANAGED1}/64`, 'mngtmpaddr');
  await ip('-n', NS, '-4', 'addr', 'add', '10.9.8.7/24', 'dev', 'zk0');
  await ip('-n', NS, '-4', 'addr', 'add', '100.64.9.8/24', 'dev', 'zk0');
  await ip('-n', NS, '-4', 'addr', 'add', '81.2.3.4/24', 'dev', 'zk0');
});

after(async () => {
  if (isRoot) await ip('netns', 'del', NS).catch(() => '');
});

void test('the kernel made the addresses this test needs (iproute2 view)', { skip: !isRoot && 'needs root for ip netns' }, async (t) => {
  t.diagnostic(`link type: ${linkKind}`);
  const zk0 = await iproute2View('zk0');
  assert.ok(zk0.some((a) => a.local === DEPRECATED && a.deprecated === true));
  assert.ok(zk0.some((a) => a.temporary === true && a.local.startsWith('2a01:4f8:c0c:5678:')));
  assert.ok((await iproute2View('zk1')).some((a) => a.temporary === true));
});

void test('IPv6: the stable EUI-64 global address wins; temporary, deprecated, link-local and ULA are skipped', { skip: !isRoot && 'needs root for ip netns' }, async () => {
  const found = await detectInNs({ ipv4: false, ipv6: { sources: [{ type: 'interface', name: 'zk0' }] } });
  const d = found.ipv6;
  assert.equal(d?.address, STABLE);
  const report = d?.sources[0];
  assert.equal(report?.accepted, true);
  const skipped = new Map((report?.skipped ?? []).map((s) => [s.address, s.reason]));
  // Exactly the addresses iproute2 flags temporary / deprecated are skipped for that reason.
  for (const a of await iproute2View('zk0')) {
    if (a.local === STABLE) continue;
    const want = a.temporary === true ? 'temporary' : a.deprecated === true ? 'deprecated' : a.local.startsWith('fe80:') ? 'not-global-scope' : a.local === ULA ? 'ula' : undefined;
    if (want !== undefined) assert.equal(skipped.get(a.local), want, a.local);
  }
  assert.equal(skipped.get(DEPRECATED), 'deprecated');
  assert.equal(skipped.get(ULA), 'ula');
  assert.ok([...skipped.values()].includes('temporary'));
  assert.ok([...skipped.entries()].some(([a, r]) => a.startsWith('fe80:') && r === 'not-global-scope'));
});

void test('IPv6: a stable address beats the kernel temporary address that sorts below it', { skip: !isRoot && 'needs root for ip netns' }, async () => {
  const temporary = (await iproute2View('zk1')).find((a) => a.temporary === true)?.local;
  assert.ok(temporary !== undefined);
  const found = await detectInNs({ ipv4: false, ipv6: { sources: [{ type: 'interface', name: 'zk1' }] } });
  assert.equal(found.ipv6?.address, MANAGED1);
  assert.ok(found.ipv6?.sources[0]?.skipped?.some((s) => s.address === temporary && s.reason === 'temporary'));
});

void test('IPv6: a configured suffix picks that interface identifier; IPv4 skips private and CGNAT', { skip: !isRoot && 'needs root for ip netns' }, async () => {
  const found = await detectInNs({
    ipv4: { sources: [{ type: 'interface', name: 'zk0' }] },
    ipv6: { sources: [{ type: 'interface', name: 'zk0', suffix: '::ffff:ffff:ffff:fff0' }] },
  });
  assert.equal(found.ipv6?.address, MANAGED0);
  assert.equal(found.ipv4?.address, '81.2.3.4');
  assert.deepEqual(found.ipv4?.sources[0]?.skipped, [
    { address: '10.9.8.7', reason: 'private' },
    { address: '100.64.9.8', reason: 'cgnat' },
  ]);
  const missing = await detectInNs({ ipv4: false, ipv6: { sources: [{ type: 'interface', name: 'zk9' }] } });
  assert.equal(missing.ipv6?.sources[0]?.reason, 'interface-not-found');
  assert.equal((missing.ipv6?.error as unknown as { code: string } | undefined)?.code, 'IP_QUORUM_NOT_REACHED');
});
