/**
 * Smoke tests of the test bed itself: real BIND (primary + secondary), real
 * unbound in each mode, the counting proxy. `nsupdate` serves as an
 * independent RFC 2136 client here only (never under faketime).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resolver } from 'node:dns/promises';
import { randomUUID } from 'node:crypto';
import { startBind, KEY_FULL, KEY_FULL_512, KEY_TXT_ONLY, type BindBed, type ServerAddress, type TsigKey } from './harness/bind.ts';
import { startUnbound, FAKE_IP, type UnboundMode, type UnboundResolver } from './harness/unbound.ts';
import { startDnsProxy } from './harness/dns-proxy.ts';
import { probe, probeSoa, RR_TYPES, RCODE_NOERROR } from './harness/dns-probe.ts';
import { faketimeEnv } from './harness/faketime.ts';

let bed: BindBed;
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'zk-harness-test-'));
  bed = await startBind({ secondaries: 1 });
});

after(async () => {
  await bed?.stop();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

interface NsupdateResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function keyOf(name: string, b: BindBed = bed): TsigKey {
  const k = b.keys[name];
  assert.ok(k, `no key ${name}`);
  return k;
}

/** Runs nsupdate signed with `key` (or unsigned) against `server`; `tcp` = `-v`. */
async function nsupdate(
  server: ServerAddress,
  lines: readonly string[],
  key: TsigKey | undefined,
  o: { readonly tcp?: boolean; readonly zone?: string } = {},
): Promise<NsupdateResult> {
  const args: string[] = [];
  if (o.tcp === true) args.push('-v');
  if (key !== undefined) {
    const file = join(work, `${key.name}-${randomUUID()}.key`);
    await writeFile(file, `key "${key.name}" { algorithm ${key.algorithm}; secret "${key.secret}"; };\n`, { mode: 0o600 });
    args.push('-k', file);
  }
  const script = [`server ${server.host} ${server.port}`, `zone ${o.zone ?? 'example.test'}`, ...lines, 'send', ''];
  return new Promise((resolve, reject) => {
    const child = execFile('nsupdate', args, { timeout: 20000 }, (err, stdout, stderr) => {
      if (err !== null && typeof err.code !== 'number') {
        reject(err);
        return;
      }
      resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr });
    });
    child.stdin?.end(script.join('\n'));
  });
}

async function txtAt(server: ServerAddress, name: string): Promise<string[]> {
  const r = await probe(server.host, server.port, name, 'TXT');
  return r.answers.filter((a) => a.type === RR_TYPES.TXT).map((a) => a.data);
}

/** Polls until `check` holds; fails with `describe()` after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, describe: () => string, timeoutMs = 10000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (performance.now() > deadline) assert.fail(`not reached in ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function resolverFor(u: UnboundResolver): Resolver {
  const r = new Resolver({ timeout: 3000, tries: 1 });
  r.setServers([`127.0.0.1:${u.port}`]);
  return r;
}

async function withUnbound(mode: UnboundMode, fn: (u: UnboundResolver) => Promise<void>): Promise<void> {
  const u = await startUnbound({ upstream: bed.primary, zones: bed.zones, mode });
  try {
    await fn(u);
  } finally {
    await u.stop();
  }
}

void test('primary and secondary are distinct servers that both serve every zone', async () => {
  assert.equal(bed.secondaries.length, 1);
  assert.notEqual(bed.primary.port, bed.secondaries[0]?.port);
  for (const zone of bed.zones) {
    for (const s of bed.servers) {
      const soa = await probeSoa(s.host, s.port, zone);
      assert.equal(soa.rcode, RCODE_NOERROR, `${zone} on ${s.port}`);
      assert.ok(soa.aa, `${zone} on ${s.port} authoritative`);
      assert.equal(typeof soa.serial, 'number');
    }
  }
  for (const s of bed.servers) {
    const r = await probe(s.host, s.port, 'a.example.test', 'A');
    assert.deepEqual(r.answers.map((a) => a.data), ['192.0.2.10']);
    assert.ok(r.aa);
    // recursion no: BIND answers with the CNAME only, it does not follow it into delegated.test.
    const c = await probe(s.host, s.port, '_acme-challenge.cname.example.test', 'TXT');
    assert.deepEqual(c.answers.map((a) => a.data), ['cname.delegated.test']);
  }
  const v6 = await probeSoa('::1', bed.primary.port);
  assert.equal(v6.rcode, RCODE_NOERROR);
  assert.deepEqual(Object.keys(bed.keys).sort(), [KEY_FULL_512, KEY_FULL, KEY_TXT_ONLY].sort());
});

void test('a TXT added with zk-key reaches the secondary; zk-key512 works too', async () => {
  const serialsBefore = await bed.serials();
  const r = await nsupdate(bed.primary, ['update add smoke.example.test 60 TXT "hello-harness"'], keyOf(KEY_FULL));
  assert.equal(r.code, 0, r.stderr);
  const r512 = await nsupdate(bed.primary, ['update add smoke512.example.test 60 TXT "via-512"'], keyOf(KEY_FULL_512));
  assert.equal(r512.code, 0, r512.stderr);
  const secondary = bed.secondaries[0];
  assert.ok(secondary);
  await eventually(
    async () => (await txtAt(secondary, 'smoke512.example.test')).includes('via-512'),
    () => bed.logTail(),
  );
  assert.deepEqual(await txtAt(secondary, 'smoke.example.test'), ['hello-harness']);
  const afterSerials = await bed.serials();
  assert.ok((afterSerials[0] ?? 0) > (serialsBefore[0] ?? 0), 'primary serial moved');
  await bed.waitForSync('example.test');
  assert.match(bed.readLog(), /update: info: .*zk-key.*adding an RR at 'smoke\.example\.test' TXT/);
});

void test('txt-only cannot add an A record, unsigned updates are refused', async () => {
  const a = await nsupdate(bed.primary, ['update add nope.example.test 60 A 192.0.2.99'], keyOf(KEY_TXT_ONLY));
  assert.notEqual(a.code, 0);
  assert.match(a.stdout + a.stderr, /REFUSED/);
  const unsigned = await nsupdate(bed.primary, ['update add nope2.example.test 60 TXT "x"'], undefined);
  assert.notEqual(unsigned.code, 0);
  assert.match(unsigned.stdout + unsigned.stderr, /REFUSED/);
  const txt = await nsupdate(bed.primary, ['update add ok.example.test 60 TXT "txt-only-ok"'], keyOf(KEY_TXT_ONLY));
  assert.equal(txt.code, 0, txt.stderr);
  assert.deepEqual(await txtAt(bed.primary, 'nope.example.test'), []);
  assert.match(bed.readLog(), /update-security: error: .*update 'example\.test\/IN' denied/);
});

void test('honest unbound resolves names from BIND, including the CNAME into delegated.test', async () => {
  const r = await nsupdate(bed.primary, ['update add cname.delegated.test 60 TXT "through-cname"'], keyOf(KEY_FULL), {
    zone: 'delegated.test',
  });
  assert.equal(r.code, 0, r.stderr);
  await withUnbound('honest', async (u) => {
    const res = resolverFor(u);
    assert.deepEqual(await res.resolve4('a.example.test'), ['192.0.2.10']);
    assert.deepEqual(await res.resolveTxt('_acme-challenge.cname.example.test'), [['through-cname']]);
    await assert.rejects(res.resolve4('missing.example.test'), { code: 'ENOTFOUND' });
    // Honest means uncached: a change on the primary shows at once.
    const up = await nsupdate(bed.primary, ['update add honest.example.test 60 TXT "v1"'], keyOf(KEY_FULL));
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(await res.resolveTxt('honest.example.test'), [['v1']]);
    const change = await nsupdate(
      bed.primary,
      ['update delete honest.example.test TXT', 'update add honest.example.test 60 TXT "v2"'],
      keyOf(KEY_FULL),
    );
    assert.equal(change.code, 0, change.stderr);
    assert.deepEqual(await res.resolveTxt('honest.example.test'), [['v2']]);
  });
});

void test('fake-ip unbound answers A with 198.18/15 and no data for other types', async () => {
  await withUnbound('fake-ip', async (u) => {
    const res = resolverFor(u);
    for (const name of ['example.test', 'a.example.test', 'missing.example.test', '_acme-challenge.cname.example.test']) {
      const ips = await res.resolve4(name);
      assert.deepEqual(ips, [FAKE_IP], name);
      const [o1, o2] = (ips[0] ?? '').split('.').map(Number);
      assert.ok(o1 === 198 && (o2 === 18 || o2 === 19), `${name} -> ${ips[0]} in 198.18.0.0/15`);
    }
    // TXT/AAAA/SOA: NOERROR with an empty answer (no SOA either); node:dns calls that ENODATA.
    await assert.rejects(res.resolveTxt('smoke.example.test'), { code: 'ENODATA' });
    await assert.rejects(res.resolve6('a.example.test'), { code: 'ENODATA' });
    const raw = await probe(u.host, u.port, 'smoke.example.test', 'TXT', { rd: true });
    assert.equal(raw.rcode, RCODE_NOERROR);
    assert.equal(raw.answers.length + raw.authority.length, 0);
  });
});

void test('stale unbound keeps returning the old value after the record changed', async () => {
  const add = await nsupdate(bed.primary, ['update add stale.example.test 60 TXT "old"'], keyOf(KEY_FULL));
  assert.equal(add.code, 0, add.stderr);
  await withUnbound('stale', async (u) => {
    const res = resolverFor(u);
    assert.deepEqual(await res.resolveTxt('stale.example.test'), [['old']]);
    const change = await nsupdate(
      bed.primary,
      ['update delete stale.example.test TXT', 'update add stale.example.test 60 TXT "new"'],
      keyOf(KEY_FULL),
    );
    assert.equal(change.code, 0, change.stderr);
    assert.deepEqual(await txtAt(bed.primary, 'stale.example.test'), ['new']);
    assert.deepEqual(await res.resolveTxt('stale.example.test'), [['old']]);
  });
});

void test('the proxy counts exactly one UPDATE per nsupdate, over UDP and TCP', async () => {
  const proxy = await startDnsProxy({ upstream: bed.primary });
  try {
    const via = { host: proxy.host, port: proxy.port };
    const r = await nsupdate(via, ['update add proxied.example.test 60 TXT "p1"'], keyOf(KEY_FULL));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(proxy.counts().update, 1);
    const updates = proxy.log.filter((q) => q.opcode === 5);
    assert.equal(updates[0]?.transport, 'udp');
    assert.equal(proxy.requests.length, proxy.log.length);
    proxy.reset();
    assert.deepEqual(proxy.counts(), { query: 0, update: 0, other: 0 });
    const t = await nsupdate(via, ['update add proxied-tcp.example.test 60 TXT "p2"'], keyOf(KEY_FULL), { tcp: true });
    assert.equal(t.code, 0, t.stderr);
    assert.equal(proxy.counts().update, 1);
    assert.equal(proxy.log.find((q) => q.opcode === 5)?.transport, 'tcp');
    assert.deepEqual(await txtAt(bed.primary, 'proxied-tcp.example.test'), ['p2']);
  } finally {
    await proxy.close();
  }
});

void test('a proxy that truncates UDP pushes a client to TCP and still answers', async () => {
  const proxy = await startDnsProxy({
    upstream: bed.primary,
    decide: (q) => (q.transport === 'udp' ? 'truncate' : 'forward'),
  });
  try {
    const out = await new Promise<string>((resolve, reject) => {
      execFile('dig', ['+norec', '+short', '+tries=1', '-p', String(proxy.port), '@127.0.0.1', 'a.example.test', 'A'], (err, stdout) =>
        err === null ? resolve(stdout) : reject(err),
      );
    });
    assert.equal(out.trim(), '192.0.2.10');
    assert.deepEqual(
      proxy.log.map((q) => q.transport),
      ['udp', 'tcp'],
    );
  } finally {
    await proxy.close();
  }
});

void test('with notify off a secondary lags until bed.notify()', async () => {
  const lagging = await startBind({ secondaries: 1, notify: false });
  try {
    const start = await lagging.serials();
    assert.equal(start[0], start[1]);
    const up = await nsupdate(lagging.primary, ['update add lag.example.test 60 TXT "x"'], keyOf(KEY_FULL, lagging));
    assert.equal(up.code, 0, up.stderr);
    const moved = await lagging.serials();
    assert.ok((moved[0] ?? 0) > (start[0] ?? 0));
    assert.equal(moved[1], start[1], 'secondary has not heard of the change');
    await lagging.notify('example.test');
    await lagging.waitForSync('example.test');
    const secondary = lagging.secondaries[0];
    assert.ok(secondary);
    assert.deepEqual(await txtAt(secondary, 'lag.example.test'), ['x']);
  } finally {
    await lagging.stop();
  }
});

void test('faketimeEnv shifts a Node child by the offset; bad offsets throw', async () => {
  const childNow = (env: NodeJS.ProcessEnv): Promise<number> =>
    new Promise((resolve, reject) => {
      execFile(process.execPath, ['-e', 'process.stdout.write(String(Date.now()))'], { env: { ...process.env, ...env } }, (err, out) =>
        err === null ? resolve(Number(out)) : reject(err),
      );
    });
  const startedAt = Date.now();
  const shifted = await childNow(faketimeEnv('+2h'));
  const endedAt = Date.now();
  // The child's clock is 2 h ahead of ours, within the time the spawn took.
  assert.ok(shifted >= startedAt + 7_200_000 - 1000 && shifted <= endedAt + 7_200_000 + 1000, `${shifted - startedAt} ms ahead`);
  const past = await childNow(faketimeEnv('-400d'));
  assert.ok(past < startedAt - 399 * 86_400_000);
  assert.throws(() => faketimeEnv('@2020-01-01 00:00:00'));
  assert.throws(() => faketimeEnv('2h'));
});
