/**
 * The no-secret sweep (issue 6 acceptance): the real daemon, configured with
 * distinctive secrets — a TSIG key (rfc2136 on BIND), a Tencent Cloud
 * secret key (the vendor-exact emulator writing to the same BIND), a wrong
 * Tencent key given through `${env:…}` (so credential failures are logged
 * and answered), a webhook notifier's token headers, ZONEKEEPER_SECRET_KEY —
 * plus the ones made while it runs: the setup token, the admin password (and
 * a wrong one), session and CSRF cookies, an API token. It is exercised:
 * first-run setup, sign-in, every API route (provider tests included),
 * /metrics, a DDNS pass through BIND, a SIGHUP reload. Then every log line
 * (debug level, stdout and stderr), every API response (status, headers,
 * body), every metric line and every notification body is searched for every
 * secret in every form (raw, JSON-escaped, URL-encoded, base64, base64url,
 * hex; the decoded key bytes of base64/hex keys too): zero hits. The only
 * allowed appearances are where the secret is handed out by design: the
 * API token in the body that creates it, session/CSRF tokens in the answers
 * that sign in.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROMETHEUS_CONTENT_TYPE } from '../src/observability/exposition.ts';
import { assertExposition, sampleLines } from '../src/observability/testing/exposition-grammar.ts';
import { KEY_FULL, startBind, stopBind, type BindBed } from './harness/bind.ts';
import { probe } from './harness/dns-probe.ts';
import { startTencentEmulator, type TencentEmulator } from './emulators/tencent.ts';
import { spawnCli } from './harness/daemon-process.ts';

const rnd = (n = 12): string => randomBytes(n).toString('hex');
const TC_ID = 'AKIDnosecret000000000000000000000000';
const TC_KEY = `tc-secret-key-${rnd()}`;
const TC_BAD_KEY = `tc-wrong-key-${rnd()}`;
const HOOK_BEARER = `hook-bearer-${rnd()}`;
const HOOK_SECRET = `hook-secret-${rnd()}`;
const ADMIN_PASSWORD = `admin password ${rnd()}`;
const WRONG_PASSWORD = `wrong password ${rnd()}`;
const SECRET_KEY_BYTES = randomBytes(32);
const IPV4 = '81.2.69.190';

/** Every text form of a secret; `bytes`: also the forms of the key bytes it encodes. */
function forms(value: string, bytes?: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  const add = (label: string, f: string): void => void (f.length >= 8 && !out.has(f) ? out.set(f, label) : undefined);
  const utf8 = Buffer.from(value, 'utf8');
  add('raw', value);
  add('json', JSON.stringify(value).slice(1, -1));
  add('url', encodeURIComponent(value));
  add('url+', encodeURIComponent(value).replace(/%20/g, '+'));
  add('base64', utf8.toString('base64'));
  add('base64url', utf8.toString('base64url'));
  add('hex', utf8.toString('hex'));
  if (bytes !== undefined) {
    add('bytes-base64', bytes.toString('base64'));
    add('bytes-base64url', bytes.toString('base64url'));
    add('bytes-hex', bytes.toString('hex'));
    add('bytes-HEX', bytes.toString('hex').toUpperCase());
  }
  return out;
}

interface Artifact {
  readonly where: string;
  readonly text: string;
  /** Secrets allowed here by design (by name). */
  readonly allowed: ReadonlySet<string>;
}

/** Hits of `secrets` in `artifacts`: "name (form) in where". */
function sweep(secrets: ReadonlyMap<string, Map<string, string>>, artifacts: readonly Artifact[]): string[] {
  const hits: string[] = [];
  for (const a of artifacts)
    for (const [name, fs] of secrets) {
      if (a.allowed.has(name)) continue;
      for (const [f, label] of fs) if (a.text.includes(f)) hits.push(`${name} (${label}) in ${a.where}`);
    }
  return hits;
}


let dir: string;
let bed: BindBed;
let tc: TencentEmulator;
let hook: Server;
let hookPort: number;
const hookRequests: { url: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zk-no-secrets-'));
  bed = await startBind({ secondaries: 0 });
  tc = await startTencentEmulator({ bed, keys: [{ secretId: TC_ID, secretKey: TC_KEY }] });
  writeFileSync(join(dir, 'tc-root.pem'), tc.rootPem);
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hookRequests.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookPort = (hook.address() as { port: number }).port;
});

after(async () => {
  await new Promise<void>((resolve) => hook?.close(() => resolve()));
  await tc?.close();
  await stopBind(bed);
  rmSync(dir, { recursive: true, force: true });
});

describe('no secret in any log line, API response or metric', () => {
  test('the whole daemon run, swept for every secret in every form', async () => {
    const tsig = bed.keys[KEY_FULL];
    assert.ok(tsig !== undefined);
    const config = join(dir, 'zonekeeper.yaml');
    writeFileSync(
      config,
      [
        'dns:',
        '  resolvers: []',
        '  nameservers:',
        ...bed.zones.map((z) => `    ${z}: ["${bed.primary.host}:${bed.primary.port}"]`),
        'providers:',
        '  lab:',
        '    type: rfc2136',
        `    server: "${bed.primary.host}:${bed.primary.port}"`,
        `    tsig: { name: ${tsig.name}, algorithm: ${tsig.algorithm}, secret: "${tsig.secret}" }`,
        '  tc:',
        '    type: tencentcloud',
        `    secretId: ${TC_ID}`,
        `    secretKey: "${TC_KEY}"`,
        `    endpoint: ${tc.endpoint}`,
        `    trust: ${join(dir, 'tc-root.pem')}`,
        '  tcbad:',
        '    type: tencentcloud',
        `    secretId: ${TC_ID}`,
        '    secretKey: "${env:ZK_TEST_BAD_KEY}"',
        `    endpoint: ${tc.endpoint}`,
        `    trust: ${join(dir, 'tc-root.pem')}`,
        'notifiers:',
        '  ops:',
        '    type: webhook',
        `    url: "http://127.0.0.1:${hookPort}/hook/{{kind}}"`,
        `    headers: { authorization: "Bearer ${HOOK_BEARER}", x-hook-secret: "${HOOK_SECRET}" }`,
        'ddns:',
        `  ipv4: { sources: [{ type: command, run: "echo ${IPV4}" }], quorum: 1 }`,
        '  ipv6: false',
        '  records:',
        '    - { name: nosecret-lab.example.test, type: A, provider: lab, ttl: 300 }',
        '    - { name: nosecret-tc.example.test, type: A, provider: tc, ttl: 600 }',
        '    - { name: nosecret-bad.example.test, type: A, provider: tcbad, ttl: 600 }',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const data = join(dir, 'data');
    const env = { ZONEKEEPER_SECRET_KEY: SECRET_KEY_BYTES.toString('hex'), ZONEKEEPER_LOG_LEVEL: 'debug', ZK_TEST_BAD_KEY: TC_BAD_KEY };
    const d = spawnCli(['--config', config, '--data', data, 'run', '--listen', '127.0.0.1:0'], { env });

    const artifacts: Artifact[] = [];
    const none = new Set<string>();
    let url = '';
    /** One API exchange, recorded whole (status, every header, body). */
    const call = async (path: string, init: RequestInit = {}, allowed: ReadonlySet<string> = none): Promise<{ status: number; headers: Headers; body: string }> => {
      const r = await fetch(`${url}${path}`, init);
      const body = await r.text();
      const headers = [...r.headers].map(([k, v]) => `${k}: ${v}`).concat(r.headers.getSetCookie().map((c) => `set-cookie: ${c}`));
      artifacts.push({ where: `${init.method ?? 'GET'} ${path} → ${r.status}`, text: `${r.status}\n${headers.join('\n')}\n\n${body}`, allowed });
      return { status: r.status, headers: r.headers, body };
    };
    const cookiesOf = (h: Headers): { cookie: string; csrf: string; values: string[] } => {
      const pairs = h.getSetCookie().map((c) => c.split(';')[0] as string);
      return { cookie: pairs.join('; '), csrf: pairs.find((p) => p.startsWith('zk_csrf='))?.slice('zk_csrf='.length) ?? '', values: pairs.map((p) => p.slice(p.indexOf('=') + 1)) };
    };
    const sessionValues: string[] = [];
    let apiToken = '';
    let setupToken = '';
    let metricsText = '';
    try {
      url = String((await d.waitFor((l) => l['event'] === 'listening')).line['url']);
      const firstPass = (await d.waitFor((l) => l['event'] === 'job' && l['job'] === 'ddns')).line;
      assert.equal(firstPass['ok'], false, 'the wrong credential fails its record');
      assert.ok(d.lines.some((l) => l.includes('"event":"ddns-record"') && l.includes('nosecret-bad.example.test') && l.includes('"action":"failed"')), d.lines.join('\n'));

      // The DDNS pass went through BIND for both good credentials.
      for (const name of ['nosecret-lab.example.test', 'nosecret-tc.example.test']) assert.deepEqual((await probe(bed.primary.host, bed.primary.port, name, 'A')).answers.map((a) => a.data), [IPV4], name);
      // The notifier used its secret headers (so their absence elsewhere means something).
      assert.ok(hookRequests.length > 0, 'the webhook notifier was called');
      assert.ok(hookRequests.every((h) => h.headers['authorization'] === `Bearer ${HOOK_BEARER}` && h.headers['x-hook-secret'] === HOOK_SECRET));

      // Public routes, and the protected ones without credentials.
      await call('/healthz');
      await call('/readyz');
      await call('/api/setup');
      assert.equal((await call('/api/status')).status, 401);
      assert.equal((await call('/metrics')).status, 401);
      assert.equal((await call('/metrics', { headers: { authorization: 'Bearer zkt_00_forged' } })).status, 401);

      // First-run setup: a wrong token, then the right one.
      setupToken = readFileSync(join(data, 'setup-token'), 'utf8').trim();
      const json = { 'content-type': 'application/json' };
      assert.equal((await call('/api/setup', { method: 'POST', headers: json, body: JSON.stringify({ token: `${setupToken}x`, username: 'admin', password: ADMIN_PASSWORD }) })).status, 401);
      const setup = await call('/api/setup', { method: 'POST', headers: json, body: JSON.stringify({ token: setupToken, username: 'admin', password: ADMIN_PASSWORD }) }, new Set(['session']));
      assert.equal(setup.status, 200, setup.body);
      sessionValues.push(...cookiesOf(setup.headers).values);

      // Sign-in: a wrong password, then the right one.
      assert.equal((await call('/api/login', { method: 'POST', headers: json, body: JSON.stringify({ username: 'admin', password: WRONG_PASSWORD }) })).status, 401);
      const login = await call('/api/login', { method: 'POST', headers: json, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) }, new Set(['session']));
      assert.equal(login.status, 200);
      const s = cookiesOf(login.headers);
      sessionValues.push(...s.values);
      const cookie = { cookie: s.cookie };

      // The API token (shown once, in the answer that creates it).
      const created = await call('/api/tokens', { method: 'POST', headers: { ...json, ...cookie, 'x-csrf-token': s.csrf }, body: JSON.stringify({ name: 'prometheus' }) }, new Set(['apiToken', 'apiTokenSecret']));
      assert.equal(created.status, 201);
      apiToken = (JSON.parse(created.body) as { token: string }).token;
      const bearer = { authorization: `Bearer ${apiToken}` };

      for (const path of ['/api/status', '/api/clock', '/api/events', '/api/records', '/api/certificates', '/api/providers', '/api/tokens', '/openapi.json', '/api/nothing']) await call(path, { headers: cookie });
      // Secrets in a query string go nowhere (the access log has the path only).
      await call(`/api/events?password=${encodeURIComponent(ADMIN_PASSWORD)}&token=${apiToken}`, { headers: bearer });

      for (const name of ['lab', 'tc']) {
        const r = await call(`/api/providers/${name}/test?zone=example.test`, { method: 'POST', headers: bearer });
        assert.equal(r.status, 200, r.body);
        assert.equal((JSON.parse(r.body) as { ok: boolean }).ok, true, r.body);
      }
      const bad = await call('/api/providers/tcbad/test?zone=example.test', { method: 'POST', headers: bearer });
      assert.equal((JSON.parse(bad.body) as { ok: boolean }).ok, false, bad.body);
      assert.equal((await call('/api/providers/nope/test', { method: 'POST', headers: bearer })).status, 404);
      await call('/api/ddns/sync', { method: 'POST', headers: bearer });
      await call('/api/certificates/renew', { method: 'POST', headers: bearer });

      // A reload with the same configuration.
      process.kill(d.child.pid as number, 'SIGHUP');
      await d.waitFor((l) => l['event'] === 'reloaded');

      // The metrics: served as 0.0.4, with the provider, DDNS and job series this run made.
      const m = await call('/metrics', { headers: bearer });
      assert.equal(m.status, 200);
      assert.equal(m.headers.get('content-type'), PROMETHEUS_CONTENT_TYPE);
      metricsText = m.body;
      assertExposition(metricsText);
      const requests = sampleLines(metricsText, 'zonekeeper_provider_requests_total');
      assert.ok(requests.some((l) => l.includes('provider="lab"') && l.includes('result="ok"')), requests.join('\n'));
      assert.ok(requests.some((l) => l.includes('provider="tc"') && l.includes('result="ok"')), requests.join('\n'));
      assert.ok(requests.some((l) => l.includes('provider="tcbad"') && l.includes('result="PROVIDER_AUTH"')), requests.join('\n'));
      assert.ok(sampleLines(metricsText, 'zonekeeper_ddns_updates_total').some((l) => l.startsWith('zonekeeper_ddns_updates_total{provider="tcbad",result="PROVIDER_AUTH"}')), metricsText);
      assert.ok(sampleLines(metricsText, 'zonekeeper_job_runs_total').some((l) => l.startsWith('zonekeeper_job_runs_total{job="ddns",')), metricsText);
      assert.ok(sampleLines(metricsText, 'zonekeeper_ddns_last_change_timestamp_seconds').some((l) => l.includes('family="ipv4"')), metricsText);
      assert.ok(sampleLines(metricsText, 'zonekeeper_clock_offset_seconds').length > 0, 'the HTTPS answers gave clock samples');
      assert.ok(sampleLines(metricsText, 'zonekeeper_provider_request_duration_seconds_count').some((l) => l.includes('provider="tc"')), metricsText);
    } finally {
      assert.equal(await d.stop(), 0, d.lines.join('\n'));
    }
    assert.ok(d.lines.some((l) => l.includes('"event":"http"')), 'the access log was on (debug)');

    const secrets = new Map<string, Map<string, string>>([
      ['tsig', forms(tsig.secret, Buffer.from(tsig.secret, 'base64'))],
      ['tcSecretKey', forms(TC_KEY)],
      ['tcWrongKey', forms(TC_BAD_KEY)],
      ['hookBearer', forms(HOOK_BEARER)],
      ['hookSecret', forms(HOOK_SECRET)],
      ['adminPassword', forms(ADMIN_PASSWORD)],
      ['wrongPassword', forms(WRONG_PASSWORD)],
      ['secretKey', forms(SECRET_KEY_BYTES.toString('hex'), SECRET_KEY_BYTES)],
      ['setupToken', forms(setupToken)],
      ['apiToken', forms(apiToken)],
      ['apiTokenSecret', forms(apiToken.replace(/^zkt_[0-9a-f]+_/, ''))],
      ...sessionValues.map((v, i) => [`session${i}`, forms(v)] as [string, Map<string, string>]),
    ]);
    // Session values are allowed where "session" is: rename them per artifact.
    const allowedFor = (a: Artifact): Artifact => (a.allowed.has('session') ? { ...a, allowed: new Set([...a.allowed, ...sessionValues.map((_, i) => `session${i}`)]) } : a);
    const everything: Artifact[] = [
      ...d.lines.map((text, i) => ({ where: `log line ${i + 1}`, text, allowed: none })),
      ...artifacts.map(allowedFor),
      ...metricsText.split('\n').map((text, i) => ({ where: `metric line ${i + 1}`, text, allowed: none })),
      ...hookRequests.map((h, i) => ({ where: `notification ${i + 1} (${h.url})`, text: `${h.url}\n${h.body}`, allowed: none })),
    ];
    assert.ok(everything.length > 100, `${everything.length} artifacts`);
    assert.deepEqual(sweep(secrets, everything), []);

    // The sweep finds what is there: the API token where it is handed out, and planted forms.
    assert.deepEqual(sweep(new Map([['apiToken', forms(apiToken)]]), artifacts.filter((a) => a.allowed.has('apiToken')).map((a) => ({ ...a, allowed: none }))), ['apiToken (raw) in POST /api/tokens → 201']);
    const planted = [{ where: 'planted', text: `x ${Buffer.from(ADMIN_PASSWORD).toString('base64')} y ${Buffer.from(tsig.secret, 'base64').toString('hex')}`, allowed: none }];
    assert.deepEqual(sweep(secrets, planted), ['tsig (bytes-hex) in planted', 'adminPassword (base64) in planted']);
  });
});
