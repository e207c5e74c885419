#!/usr/bin/env node
// Installed entry point: Node >= 24 runs the TypeScript sources directly.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`zonekeeper needs Node.js 24 or newer (this is ${process.version})\n`);
  process.exit(1);
}
await import('../src/cli/main.ts');
