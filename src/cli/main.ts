#!/usr/bin/env node
/**
 * Entry point. V8's compile cache (in the OS temp dir) is switched on before
 * anything else is loaded: it halves the start-up of every later run, which
 * is most of a one-shot command's time.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2), process.env);
