/**
 * Issued files in `<data>/certificates/<name>/`: cert.pem, chain.pem,
 * fullchain.pem, privkey.pem (0600). Each issuance writes a new version
 * directory under `<data>/certificates/.versions/<name>/`, then swaps the
 * `<name>` symlink with a rename, so readers see either the old set or the
 * new one, never a key from one and a certificate from the other.
 */
import { mkdir, open, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { splitPem } from './certinfo.ts';
import { writePfx, type PfxOptions } from './pfx.ts';

export interface IssuedFiles {
  readonly dir: string;
  readonly cert: string;
  readonly chain: string;
  readonly fullchain: string;
  readonly privkey: string;
  /** Present when a PFX was requested. */
  readonly pfx?: string;
}

async function writeDurable(path: string, data: string, mode: number): Promise<void> {
  const f = await open(path, 'wx', mode);
  try {
    await f.writeFile(data);
    await f.sync();
  } finally {
    await f.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** How many old versions stay next to the current one. */
const KEEP_VERSIONS = 3;

/** `nowMs` (trusted clock) names the version so versions sort by age. */
export async function writeCertificateFiles(dataDir: string, name: string, fullchainPem: string, privateKeyPem: string, nowMs: number, pfx?: PfxOptions): Promise<IssuedFiles> {
  const root = join(dataDir, 'certificates');
  const versions = join(root, '.versions', name);
  await mkdir(versions, { recursive: true, mode: 0o700 });
  const version = `${nowMs.toString(36).padStart(10, '0')}-${randomBytes(4).toString('hex')}`;
  const dir = join(versions, version);
  await mkdir(dir, { mode: 0o700 });
  const certs = splitPem(fullchainPem);
  const leaf = certs[0] ?? '';
  const chain = certs.slice(1).join('');
  await writeDurable(join(dir, 'privkey.pem'), privateKeyPem, 0o600);
  await writeDurable(join(dir, 'cert.pem'), leaf, 0o644);
  await writeDurable(join(dir, 'chain.pem'), chain, 0o644);
  await writeDurable(join(dir, 'fullchain.pem'), leaf + chain, 0o644);
  if (pfx !== undefined) await writePfx(join(dir, 'cert.pfx'), { cert: join(dir, 'cert.pem'), chain: join(dir, 'chain.pem'), privkey: join(dir, 'privkey.pem') }, pfx);
  await syncDir(dir);
  const link = join(root, name);
  const tmpLink = join(root, `.${name}.${version}.tmp`);
  await symlink(join('.versions', name, version), tmpLink);
  await rename(tmpLink, link);
  await syncDir(root);
  await pruneVersions(versions, version);
  const files = { dir: link, cert: join(link, 'cert.pem'), chain: join(link, 'chain.pem'), fullchain: join(link, 'fullchain.pem'), privkey: join(link, 'privkey.pem') };
  return pfx === undefined ? files : { ...files, pfx: join(link, 'cert.pfx') };
}

async function pruneVersions(versions: string, current: string): Promise<void> {
  const all = (await readdir(versions)).filter((v) => v !== current).sort();
  for (const old of all.slice(0, Math.max(0, all.length - KEEP_VERSIONS))) await rm(join(versions, old), { recursive: true, force: true });
}

/** The version directory the `<name>` link points at, if any. */
export async function currentVersion(dataDir: string, name: string): Promise<string | undefined> {
  try {
    return await readlink(join(dataDir, 'certificates', name));
  } catch {
    return undefined;
  }
}
