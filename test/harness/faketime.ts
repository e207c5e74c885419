/**
 * Environment that runs a child process under libfaketime with a clock
 * shifted relative to the real one. Works for Node and Python children; it
 * does NOT work for BIND/dig (they hang, testbed.md §7.2) or Go programs.
 */
import { existsSync } from 'node:fs';

export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** A relative offset as libfaketime takes it: sign, number, optional unit s/m/h/d/y, e.g. "-400d", "+2h", "+10m". */
const OFFSET = /^[+-]\d+(\.\d+)?[smhdy]?$/;

/**
 * `LD_PRELOAD` + `FAKETIME` for a relative `offset`. Merge it over the
 * parent environment yourself (`{ ...process.env, ...faketimeEnv('+2h') }`).
 * Throws if the offset is not relative or libfaketime is not installed.
 */
export function faketimeEnv(offset: string): NodeJS.ProcessEnv {
  if (!OFFSET.test(offset)) {
    throw new Error(`faketime offset must be relative like "+2h" or "-400d", got ${JSON.stringify(offset)}`);
  }
  if (!existsSync(LIBFAKETIME)) {
    throw new Error(`libfaketime is missing (${LIBFAKETIME}); run scripts/install-test-deps.sh as root`);
  }
  const preload = process.env['LD_PRELOAD'];
  return {
    LD_PRELOAD: preload !== undefined && preload !== '' ? `${LIBFAKETIME}:${preload}` : LIBFAKETIME,
    FAKETIME: offset,
  };
}
