/**
 * Benchmark entry point: `npm run bench -- <name> [args…]`.
 *
 * Benchmarks are scripts that start real servers, time whole operations and
 * print a table; nothing here asserts on time (tests never do). Each
 * benchmark stops everything it started, also when it fails.
 */
import { benchDdns } from './ddns.ts';
import { benchIssue } from './issue.ts';
import { benchRecord } from './record.ts';

type Bench = (args: readonly string[]) => Promise<void>;

/** Benchmark name → runner. */
const BENCHES: Readonly<Record<string, Bench>> = {
  record: benchRecord,
  issue: benchIssue,
  ddns: benchDdns,
};

function usage(): string {
  return `usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) {
    process.stderr.write(`benchmarks need Node 24 (this is ${process.version}); run them with npm run bench\n`);
    return 2;
  }
  const [name, ...rest] = argv;
  const bench = name === undefined || !Object.hasOwn(BENCHES, name) ? undefined : BENCHES[name];
  if (bench === undefined) {
    process.stderr.write(name === undefined ? usage() : `unknown benchmark "${name}"\n${usage()}`);
    return 2;
  }
  await bench(rest);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
}
