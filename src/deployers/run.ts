/** Run the deploy steps of a certificate: `files` (atomic copies) and `hook` (a shell command with paths in the environment). */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, rename, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../core/errors.ts';
import type { DeployContext, DeployStep } from './types.ts';

async function copyAtomic(from: string, to: string, mode: number): Promise<void> {
  const tmp = `${to}.zk-tmp`;
  await copyFile(from, tmp);
  await chmod(tmp, mode);
  await rename(tmp, to);
}

async function deployFiles(step: Extract<DeployStep, { type: 'files' }>, ctx: DeployContext): Promise<void> {
  await mkdir(step.dir, { recursive: true, mode: 0o700 });
  // The key first and private; then the certificates, which a reload reads together with it.
  await copyAtomic(ctx.files.privkey, join(step.dir, 'privkey.pem'), 0o600);
  for (const f of ['cert', 'chain', 'fullchain'] as const) await copyAtomic(ctx.files[f], join(step.dir, `${f}.pem`), step.mode);
}

function runHook(step: Extract<DeployStep, { type: 'hook' }>, ctx: DeployContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', step.command], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        ZONEKEEPER_CERT_NAME: ctx.name,
        ZONEKEEPER_CERT_DOMAINS: ctx.domains.join(' '),
        ZONEKEEPER_CERT_FILE: ctx.files.cert,
        ZONEKEEPER_CHAIN_FILE: ctx.files.chain,
        ZONEKEEPER_FULLCHAIN_FILE: ctx.files.fullchain,
        ZONEKEEPER_KEY_FILE: ctx.files.privkey,
      },
      timeout: step.timeoutMs,
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 2000) stderr += b.toString('utf8');
    });
    child.on('error', (e) => reject(new AppError('DEPLOY_FAILED', { evidence: { type: 'hook', command: step.command, error: e.message } })));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new AppError('DEPLOY_FAILED', { evidence: { type: 'hook', command: step.command, exit: code ?? String(signal), stderr: stderr.trim().slice(-500) } }));
    });
  });
}

export async function runDeploy(steps: readonly DeployStep[], ctx: DeployContext): Promise<void> {
  for (const step of steps) {
    if (step.type === 'files') {
      try {
        await deployFiles(step, ctx);
      } catch (e) {
        if (e instanceof AppError) throw e;
        throw new AppError('DEPLOY_FAILED', { evidence: { type: 'files', dir: step.dir, error: (e as NodeJS.ErrnoException).code ?? String(e) } });
      }
    } else await runHook(step, ctx);
  }
}
