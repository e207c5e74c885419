/**
 * The container health check (Dockerfile HEALTHCHECK): GET /healthz of the
 * daemon with Node's fetch (slim images have no curl). Exit status 0 when it
 * answers 2xx within 4 s, else 1 with the reason on stderr.
 * Usage: node src/service/healthcheck.ts   (reads ZONEKEEPER_LISTEN)
 */
import { healthzUrl } from './healthz-url.ts';

async function check(): Promise<number> {
  let url: string;
  try {
    url = healthzUrl(process.env['ZONEKEEPER_LISTEN']);
  } catch (e) {
    process.stderr.write(`healthcheck: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(4000), redirect: 'manual' });
    await res.body?.cancel();
    if (res.ok) return 0;
    process.stderr.write(`healthcheck: ${url} answered HTTP ${res.status}\n`);
  } catch (e) {
    const cause = (e as Error & { cause?: { code?: string } }).cause?.code;
    process.stderr.write(`healthcheck: ${url}: ${cause ?? (e as Error).name}\n`);
  }
  return 1;
}

process.exitCode = await check();
