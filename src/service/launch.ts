/**
 * What a service manager must start to run this zonekeeper. The Node binary
 * is the one running now (process.execPath): in a clone that is the Node 24
 * of the `node` devDependency (node_modules/node/bin/node), after a global
 * install the Node that npm's shim found. A bare `node` from PATH is never
 * used: on many machines it is an older Node that cannot run the TypeScript
 * sources. The entry is `src/cli/main.ts` of the package this module belongs
 * to, so a clone and an installed package are handled alike; the `bin/`
 * shim is skipped because its `#!/usr/bin/env node` would look Node up on
 * PATH again.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Launch } from './types.ts';

/**
 * The Node running now and this package's CLI entry, symlinks resolved: a
 * sandbox such as ProtectHome= applies to where a file really is.
 */
export function currentLaunch(): Launch {
  return { node: realpathSync(process.execPath), entry: realpathSync(fileURLToPath(new URL('../cli/main.ts', import.meta.url))) };
}

/** The daemon's command line after the Node binary: `<entry> run --config <file> --data <dir>`. */
export function daemonArgs(launch: Launch, configFile: string, dataDir: string): string[] {
  return [launch.entry, 'run', '--config', configFile, '--data', dataDir];
}
