/**
 * The daemon as a real process.
 * - `npm start` in a directory that looks like a fresh clone (package.json,
 *   src, node_modules; no config, no data): the API answers on
 *   127.0.0.1:9876, SQLite and the setup token are in ./data, every API
 *   route but the public ones is 401, SIGTERM stops it with exit 0.
 * - With a configuration: the DDNS job runs at start and BIND serves the
 *   record; the first-run setup, a session and the status route work over
 *   real HTTP; no secret value appears in the log.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_FULL, startBind, stopBind, type BindBed } from './harness/bind.ts';
import { REPO_ROOT } from './harness/cli.ts';
import { spawnCli, watchDaemon, type DaemonProcess } from './harness/daemon-process.ts';
import { probe } from './harness/dns-probe.ts';
import { startPebble, type PebbleBed } from './harness/pebble.ts';
import { writeLabConfig } from './harness/zk-config.ts';
import { openSqliteStore } from '../src/store/sqlite/open.ts';

/** First-run setup with the token the daemon wrote: the headers of the admin's session (cookie, CSRF, JSON). */
async function adminSession(url: string, data: string): Promise<Record<string, string>> {
  const token = readFileSync(join(data, 'setup-token'), 'utf8').trim();
  const setup = await fetch(`${url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, username: 'admin', password: 'a long enough password' }) });
  assert.equal(setup.status, 200);
  assert.ok(!existsSync(join(data, 'setup-token')), 'the one-time token is gone once the admin exists');
  const pairs = setup.headers.getSetCookie().map((c) => c.split(';')[0] as string);
  return { cookie: pairs.join('; '), 'x-csrf-token': pairs.find((p) => p.startsWith('zk_csrf='))?.slice(8) ?? '', 'content-type': 'application/json' };
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'zk-daemon-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start on a fresh clone', () => {
  test('starts the daemon with an empty config, SQLite in ./data, the API on 127.0.0.1:9876; SIGTERM exits 0', async () => {
    const clone = join(dir, 'clone');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(clone);
    for (const entry of ['package.json', 'src', 'node_modules', 'bin']) symlinkSync(join(REPO_ROOT, entry), join(clone, entry));
    const child = spawn('npm', ['start', '--silent'], { cwd: clone, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ZONEKEEPER_CONFIG: '', ZONEKEEPER_DATA: '', ZONEKEEPER_LISTEN: '' } });
    const r = watchDaemon(child);
    let daemonPid: number | undefined;
    try {
      const listening = (await r.waitFor((l) => l['event'] === 'listening')).line;
      daemonPid = Number(listening['pid']);
      assert.equal(listening['url'], 'http://127.0.0.1:9876');
      const health = await fetch('http://127.0.0.1:9876/healthz');
      assert.equal(health.status, 200);
      const status = await fetch('http://127.0.0.1:9876/api/status');
      assert.equal(status.status, 401);
      assert.equal(((await status.json()) as { error: { code: string } }).error.code, 'WEB_UNAUTHENTICATED');
      assert.ok(existsSync(join(clone, 'data', 'zonekeeper.db')));
      assert.equal(statSync(join(clone, 'data', 'setup-token')).mode & 0o777, 0o600);
      assert.deepEqual(await (await fetch('http://127.0.0.1:9876/api/setup')).json(), { needed: true });
    } finally {
      // SIGTERM to the daemon itself (npm → sh → node): npm then exits with the daemon's status.
      if (daemonPid !== undefined) process.kill(daemonPid, 'SIGTERM');
      else await r.stop();
      assert.equal(await r.exited, 0, r.lines.join('\n'));
    }
    assert.ok(r.lines.some((l) => l.includes('"event":"stopped"')), r.lines.join('\n'));
  });
});

describe('the daemon with a configuration', () => {
  let bed: BindBed;
  before(async () => {
    bed = await startBind({ secondaries: 1 });
  });
  after(async () => {
    await stopBind(bed);
  });

  test('the DDNS job runs at start; setup, session and status over HTTP; no secret in the log', async () => {
    const key = bed.keys[KEY_FULL];
    assert.ok(key !== undefined);
    const config = writeLabConfig(join(dir, 'zonekeeper.yaml'), bed, {
      extra: ['ddns:', '  ipv4: { sources: [{ type: command, run: "echo 81.2.69.170" }], quorum: 1 }', '  ipv6: false', '  records:', '    - { name: daemon.example.test, type: A, provider: lab, ttl: 300 }'].join('\n'),
    });
    const data = join(dir, 'data2');
    const r = spawnCli(['--config', config, '--data', data, 'run', '--listen', '127.0.0.1:0']);
    try {
      const url = String((await r.waitFor((l) => l['event'] === 'listening')).line['url']);
      await r.waitFor((l) => l['event'] === 'job' && l['job'] === 'ddns');
      assert.ok(r.lines.some((l) => l.includes('"job":"ddns","ok":true')), r.lines.join('\n'));
      for (const s of bed.servers) {
        // The secondary follows the primary's NOTIFY: poll briefly.
        let got: string[] = [];
        for (let i = 0; i < 50 && got.length === 0; i++) {
          got = (await probe(s.host, s.port, 'daemon.example.test', 'A')).answers.map((a) => a.data);
          if (got.length === 0) await new Promise((res) => setTimeout(res, 100));
        }
        assert.deepEqual(got, ['81.2.69.170'], `${s.host}:${s.port}`);
      }
      const token = readFileSync(join(data, 'setup-token'), 'utf8').trim();
      const setup = await fetch(`${url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, username: 'admin', password: 'a long enough password' }) });
      assert.equal(setup.status, 200);
      const cookie = setup.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const status = (await (await fetch(`${url}/api/status`, { headers: { cookie } })).json()) as { jobs: { name: string; lastSuccessAt: string | null }[] };
      assert.ok(status.jobs.some((j) => j.name === 'ddns' && j.lastSuccessAt !== null), JSON.stringify(status));
      const records = (await (await fetch(`${url}/api/records`, { headers: { cookie } })).json()) as { records: { name: string; values: string[] }[] };
      assert.deepEqual(records.records.map((x) => [x.name, x.values]), [['daemon.example.test', ['81.2.69.170']]]);
    } finally {
      assert.equal(await r.stop(), 0, r.lines.join('\n'));
    }
    const log = r.lines.join('\n');
    assert.ok(!log.includes(key.secret), 'the TSIG secret never reaches the log');
    assert.ok(!log.includes('a long enough password'));
  });

  test('reload: a bad new config (SIGHUP) is refused and the running one keeps working; a good one (file change) takes effect at once', async () => {
    const key = bed.keys[KEY_FULL];
    assert.ok(key !== undefined);
    const ddns = (names: string[]): string =>
      ['ddns:', '  ipv4: { sources: [{ type: command, run: "echo 81.2.69.171" }], quorum: 1 }', '  ipv6: false', '  records:', ...names.map((n) => `    - { name: ${n}.example.test, type: A, provider: lab }`)].join('\n');
    const configText = (names: string[]): string => readFileSync(writeLabConfig(join(dir, 'reload-template.yaml'), bed, { extra: ddns(names) }), 'utf8');
    const config = join(dir, 'reload.yaml');
    writeFileSync(config, configText(['reload-a']));
    const r = spawnCli(['--config', config, '--data', join(dir, 'data-reload'), 'run', '--listen', '127.0.0.1:0']);
    const child = r.child;
    try {
      const url = String((await r.waitFor((l) => l['event'] === 'listening')).line['url']);
      await r.waitFor((l) => l['event'] === 'job' && l['job'] === 'ddns');
      writeFileSync(config, 'providers: [this is: not valid\n');
      process.kill(child.pid as number, 'SIGHUP');
      const refused = (await r.waitFor((l) => l['event'] === 'reload-refused')).line;
      assert.equal((refused['errors'] as { code: string }[])[0]?.code, 'CONFIG_INVALID');
      assert.equal((await fetch(`${url}/healthz`)).status, 200, 'still serving on the old configuration');
      // No signal this time: the file watcher reloads a changed file by itself.
      const logsSoFar = r.logs.length;
      writeFileSync(config, configText(['reload-a', 'reload-b']));
      await r.waitFor((l) => l['event'] === 'reloaded', { from: logsSoFar });
      await r.waitFor((l) => l['event'] === 'ddns-record' && l['fqdn'] === 'reload-b.example.test.');
      assert.deepEqual((await probe(bed.primary.host, bed.primary.port, 'reload-b.example.test', 'A')).answers.map((a) => a.data), ['81.2.69.171']);
    } finally {
      assert.equal(await r.stop(), 0, r.lines.join('\n'));
    }
  });

  test('a provider entered through the API: validated, stored sealed, used at once; a replaced secret takes effect without a restart', async () => {
    const key = bed.keys[KEY_FULL];
    assert.ok(key !== undefined);
    const data = join(dir, 'data-api-provider');
    const r = spawnCli(['--config', writeLabConfig(join(dir, 'api-provider.yaml'), bed), '--data', data, 'run', '--listen', '127.0.0.1:0']);
    try {
      const url = String((await r.waitFor((l) => l['event'] === 'listening')).line['url']);
      const auth = await adminSession(url, data);
      const put = (name: string, body: unknown): Promise<Response> => fetch(`${url}/api/providers/${name}`, { method: 'PUT', headers: auth, body: JSON.stringify(body) });
      const settings = (secret: string): Record<string, unknown> => ({ type: 'rfc2136', server: `${bed.primary.host}:${bed.primary.port}`, tsig: { name: key.name, algorithm: key.algorithm, secret } });

      // Invalid: refused with the configuration error, nothing stored.
      const bad = await put('stored', { type: 'rfc2136', server: 'not an address' });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { errors: { code: string }[] }).errors[0]?.code, 'CONFIG_INVALID');
      // The file's provider is the file's.
      assert.equal((await put('lab', settings(key.secret))).status, 409);

      assert.equal((await put('stored', settings(key.secret))).status, 200);
      const list = (await (await fetch(`${url}/api/providers`, { headers: auth })).json()) as { providers: { name: string; source: string }[] };
      assert.deepEqual(
        list.providers.map((x) => `${x.name} ${x.source}`).sort((a, b) => a.localeCompare(b)),
        ['lab file', 'stored stored'],
      );
      const providerTest = async (): Promise<{ ok: boolean; checks: { id: string; status: string; error?: { code: string } }[] }> =>
        (await (await fetch(`${url}/api/providers/stored/test?zone=example.test&readOnly=true`, { method: 'POST', headers: auth })).json()) as { ok: boolean; checks: { id: string; status: string; error?: { code: string } }[] };
      assert.equal((await providerTest()).ok, true);

      // Replace the secret with a wrong one: the very next use sees it.
      assert.equal((await put('stored', settings('d3Jvbmctc2VjcmV0LWZvci10aGUta2V5LTAwMDAwMDA='))).status, 200);
      const replaced = await providerTest();
      assert.equal(replaced.checks.find((c) => c.id === 'credential')?.error?.code, 'TSIG_BADSIG');

      // Sealed at rest: the SQLite file holds neither secret.
      const raw = readFileSync(join(data, 'zonekeeper.db'));
      assert.ok(!raw.includes(key.secret) && !raw.includes('d3Jvbmctc2VjcmV0LWZvci10aGUta2V5LTAwMDAwMDA='));

      assert.equal((await fetch(`${url}/api/providers/stored`, { method: 'DELETE', headers: auth })).status, 200);
      const gone = (await (await fetch(`${url}/api/providers`, { headers: auth })).json()) as { providers: { name: string }[] };
      assert.deepEqual(gone.providers.map((x) => x.name), ['lab']);
    } finally {
      assert.equal(await r.stop(), 0, r.lines.join('\n'));
    }
  });
});

describe('the daemon killed during a renewal', () => {
  let bed: BindBed;
  let pebble: PebbleBed;
  before(async () => {
    bed = await startBind({ secondaries: 0 });
    pebble = await startPebble({ dnsServer: bed.primary });
  });
  after(async () => {
    await pebble?.stop();
    await stopBind(bed);
  });

  async function challengeTxt(): Promise<string[]> {
    const out: string[] = [];
    for (const n of ['_acme-challenge.kill.example.test']) for (const a of (await probe(bed.primary.host, bed.primary.port, n, 'TXT')).answers) out.push(a.data);
    return out;
  }

  test('SIGKILL with a challenge record written: the restarted daemon cleans it, issues, and made no order beyond the interrupted one', async () => {
    const config = writeLabConfig(join(dir, 'kill.yaml'), bed, {
      extra: ['certificates:', '  kill:', '    domains: [kill.example.test, "*.kill.example.test"]', '    provider: lab', `    ca: { directory: "${pebble.directoryUrl}", trust: "${pebble.tlsCaFile}" }`].join('\n'),
    });
    const data = join(dir, 'data-kill');
    const start = (): DaemonProcess => spawnCli(['--config', config, '--data', data, 'run', '--listen', '127.0.0.1:0']);
    const first = start();
    await first.waitFor((l) => l['event'] === 'progress' && l['job'] === 'renewals' && String(l['msg']).includes('TXT written'));
    await first.stop('SIGKILL');
    assert.ok((await challengeTxt()).length >= 1, 'the kill left a challenge record (the test killed mid-issuance)');

    const second = start();
    try {
      const done = (await second.waitFor((l) => l['event'] === 'job' && l['job'] === 'renewals')).line;
      assert.equal(done['ok'], true, second.lines.join('\n'));
      assert.ok(second.lines.some((l) => l.includes('janitor removed')), second.lines.join('\n'));
      assert.deepEqual(await challengeTxt(), []);
    } finally {
      assert.equal(await second.stop(), 0);
    }
    assert.ok(existsSync(join(data, 'certificates', 'kill', 'fullchain.pem')));
    const store = await openSqliteStore(join(data, 'zonekeeper.db'));
    try {
      const orders = await store.listOrders('kill');
      assert.ok(orders.length <= 2, `${orders.length} orders: ${JSON.stringify(orders.map((o) => o.status))}`);
      assert.equal(orders.filter((o) => o.status === 'valid').length, 1);
      assert.equal((await store.listCertificates()).filter((c) => c.name === 'kill').length, 1);
    } finally {
      await store.close();
    }
  });
  test('certificates through the API: issue by domains, renew by name, revoke; serialised with the renewal job', async () => {
    const data = join(dir, 'data-api-cert');
    const r = spawnCli(['--config', writeLabConfig(join(dir, 'api-cert.yaml'), bed), '--data', data, 'run', '--listen', '127.0.0.1:0']);
    try {
      const url = String((await r.waitFor((l) => l['event'] === 'listening')).line['url']);
      const auth = await adminSession(url, data);
      const post = async (path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
        const res = await fetch(`${url}${path}`, { method: 'POST', headers: auth, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        return { status: res.status, json: (await res.json()) as Record<string, unknown> };
      };
      const issued = await post('/api/certificates', { domains: ['api.example.test', '*.api.example.test'], provider: 'lab', ca: pebble.directoryUrl, caTrust: pebble.tlsCaFile });
      assert.equal(issued.status, 201, JSON.stringify(issued.json));
      assert.equal(issued.json['name'], 'api.example.test');
      assert.ok(existsSync(join(data, 'certificates', 'api.example.test', 'fullchain.pem')));
      const serial = String(issued.json['serial']);

      // An ad hoc certificate from a private CA: its roots are named again (the trust path is not stored yet).
      const trust = `caTrust=${encodeURIComponent(pebble.tlsCaFile)}`;
      const notDue = await post(`/api/certificates/api.example.test/renew?${trust}`);
      assert.equal(notDue.json['renewed'], false, JSON.stringify(notDue.json));
      const forced = await post(`/api/certificates/api.example.test/renew?force=true&${trust}`);
      assert.equal(forced.json['renewed'], true, JSON.stringify(forced.json));
      assert.notEqual(String(forced.json['serial']), serial);

      const revoked = await post(`/api/certificates/api.example.test/revoke?reason=superseded&${trust}`);
      assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
      assert.equal(revoked.json['serial'], forced.json['serial']);

      const missing = await post('/api/certificates/nope/renew');
      assert.equal(missing.status, 404);
      assert.equal((missing.json['error'] as { code: string }).code, 'CERTIFICATE_NOT_FOUND');
      const badDomain = await post('/api/certificates', { domains: ['bad..name'], provider: 'lab' });
      assert.equal(badDomain.status, 400);
      assert.equal((badDomain.json['error'] as { code: string }).code, 'NAME_INVALID');
    } finally {
      assert.equal(await r.stop(), 0, r.lines.join('\n'));
    }
  });
});
