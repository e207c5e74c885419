/** The `certificates:` section: what to issue, through which provider and CA, and where to deploy it. */
import { AppError } from '../core/errors.ts';
import { KEY_TYPES, type KeyType } from '../acme/keys.ts';
import type { CaSpec } from '../acme/cas.ts';
import { normalizeName } from '../dns/names.ts';
import type { DeployStep } from '../deployers/types.ts';
import { didYouMean } from './did-you-mean.ts';
import { isPlainObject, unknownKey } from './fields.ts';
import { resolveReferences } from './references.ts';
import { findInvisibleCharacter } from './invisible.ts';

export interface CertificateEntry {
  readonly name: string;
  readonly domains: readonly string[];
  readonly provider: string;
  readonly ca: CaSpec;
  readonly key: KeyType;
  readonly reuseKey: boolean;
  readonly email?: string;
  readonly preferredChain?: string;
  readonly deploy: readonly DeployStep[];
  readonly pfx?: { readonly password: string; readonly legacy: boolean };
}

const KEYS = ['domains', 'provider', 'ca', 'key', 'reuseKey', 'email', 'preferredChain', 'deploy', 'pfx'];

function invalid(path: string, reason: string, extra: Record<string, string | string[]> = {}): AppError {
  return new AppError('CONFIG_INVALID', { evidence: { path, reason, ...extra } });
}

function str(v: unknown, path: string, env: NodeJS.ProcessEnv): string {
  if (typeof v !== 'string' || v.trim() === '') throw invalid(path, 'expected a string');
  return resolveReferences(v, path, env);
}

/** Domain as ACME wants it: lower-case, punycode, no trailing dot; `*.` kept. */
export function acmeDomain(input: string): string {
  return normalizeName(input).replace(/\.$/, '');
}

function parseCa(v: unknown, path: string, env: NodeJS.ProcessEnv): CaSpec {
  if (v === undefined) return 'letsencrypt';
  if (typeof v === 'string') return v;
  if (!isPlainObject(v)) throw invalid(path, 'expected a preset name or { directory, trust, eab }');
  for (const k of Object.keys(v)) if (!['directory', 'trust', 'eab'].includes(k)) throw unknownKey(path, k, ['directory', 'trust', 'eab']);
  const eab = v['eab'];
  if (eab !== undefined && (!isPlainObject(eab) || typeof eab['kid'] !== 'string' || typeof eab['hmacKey'] !== 'string')) throw invalid(`${path}.eab`, 'expected { kid, hmacKey }');
  return {
    directory: str(v['directory'], `${path}.directory`, env),
    ...(v['trust'] === undefined ? {} : { trust: str(v['trust'], `${path}.trust`, env) }),
    ...(eab === undefined ? {} : { eab: { kid: resolveReferences(eab['kid'] as string, `${path}.eab.kid`, env), hmacKey: resolveReferences(eab['hmacKey'] as string, `${path}.eab.hmacKey`, env) } }),
  };
}

function parseDeploy(v: unknown, path: string, env: NodeJS.ProcessEnv): DeployStep[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalid(path, 'expected a list');
  return v.map((step, i) => {
    const p = `${path}[${i}]`;
    if (!isPlainObject(step)) throw invalid(p, 'expected a mapping');
    if (step['type'] === 'files') {
      for (const k of Object.keys(step)) if (!['type', 'dir', 'mode'].includes(k)) throw unknownKey(p, k, ['type', 'dir', 'mode']);
      const mode = step['mode'] === undefined ? 0o644 : typeof step['mode'] === 'string' ? parseInt(step['mode'], 8) : step['mode'];
      if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777) throw invalid(`${p}.mode`, 'expected an octal file mode such as "0640"');
      return { type: 'files' as const, dir: str(step['dir'], `${p}.dir`, env), mode };
    }
    if (step['type'] === 'hook') {
      for (const k of Object.keys(step)) if (!['type', 'command', 'timeout'].includes(k)) throw unknownKey(p, k, ['type', 'command', 'timeout']);
      const timeout = step['timeout'] ?? 60_000;
      if (typeof timeout !== 'number' || timeout < 1) throw invalid(`${p}.timeout`, 'expected milliseconds');
      return { type: 'hook' as const, command: str(step['command'], `${p}.command`, env), timeoutMs: timeout };
    }
    const suggestion = didYouMean(String(step['type']), ['files', 'hook']);
    throw invalid(`${p}.type`, 'unknown deploy type', { allowed: ['files', 'hook'], ...(suggestion === undefined ? {} : { didYouMean: suggestion }) });
  });
}

function parsePfx(v: unknown, path: string, env: NodeJS.ProcessEnv): { password: string; legacy: boolean } {
  if (!isPlainObject(v)) throw invalid(path, 'expected { password, legacy }');
  for (const k of Object.keys(v)) if (!['password', 'legacy'].includes(k)) throw unknownKey(path, k, ['password', 'legacy']);
  const password = str(v['password'], `${path}.password`, env);
  const bad = findInvisibleCharacter(password);
  if (bad !== undefined)
    throw new AppError('SECRET_INVISIBLE_CHARACTER', { evidence: { path: `${path}.password`, character: bad.codePoint, characterName: bad.name, position: bad.position, length: bad.length, where: bad.where } });
  return { password, legacy: v['legacy'] === true };
}

export function parseCertificates(raw: unknown, providers: readonly string[], env: NodeJS.ProcessEnv): Map<string, CertificateEntry> {
  const out = new Map<string, CertificateEntry>();
  if (raw === undefined || raw === null) return out;
  if (!isPlainObject(raw)) throw invalid('certificates', 'expected a mapping of name to certificate');
  for (const [name, c] of Object.entries(raw)) {
    const path = `certificates.${name}`;
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) throw invalid(path, 'a certificate name may hold letters, digits, ".", "_" and "-" only');
    if (!isPlainObject(c)) throw invalid(path, 'expected a mapping');
    for (const k of Object.keys(c)) if (!KEYS.includes(k)) throw unknownKey(path, k, KEYS);
    const domains = c['domains'];
    if (!Array.isArray(domains) || domains.length === 0) throw invalid(`${path}.domains`, 'expected a non-empty list of names');
    const provider = str(c['provider'], `${path}.provider`, env);
    if (!providers.includes(provider)) {
      const suggestion = didYouMean(provider, providers);
      throw new AppError('PROVIDER_UNKNOWN', { evidence: { path: `${path}.provider`, name: provider, known: [...providers], ...(suggestion === undefined ? {} : { didYouMean: suggestion }) } });
    }
    const rawKey = c['key'] ?? 'ec256';
    if (typeof rawKey !== 'string') throw invalid(`${path}.key`, 'expected a key type', { allowed: [...KEY_TYPES] });
    const key = rawKey.toLowerCase();
    if (!(KEY_TYPES as readonly string[]).includes(key)) throw invalid(`${path}.key`, 'unknown key type', { allowed: [...KEY_TYPES] });
    out.set(name, {
      name,
      domains: domains.map((d) => acmeDomain(String(d))),
      provider,
      ca: parseCa(c['ca'], `${path}.ca`, env),
      key: key as KeyType,
      reuseKey: c['reuseKey'] === true,
      ...(c['email'] === undefined ? {} : { email: str(c['email'], `${path}.email`, env) }),
      ...(c['preferredChain'] === undefined ? {} : { preferredChain: str(c['preferredChain'], `${path}.preferredChain`, env) }),
      deploy: parseDeploy(c['deploy'], `${path}.deploy`, env),
      ...(c['pfx'] === undefined ? {} : { pfx: parsePfx(c['pfx'], `${path}.pfx`, env) }),
    });
  }
  return out;
}
