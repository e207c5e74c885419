/** CA presets and custom CAs (`{ directory, trust, eab }`). */
import { AppError } from '../core/errors.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { readTrustFile } from '../config/trust-file.ts';

export interface CaConfig {
  /** Preset name, or "custom". */
  readonly id: string;
  readonly directoryUrl: string;
  /** PEM roots trusted for this CA's API only; undefined: the public roots. */
  readonly trustPem?: string;
  readonly eab?: { readonly kid: string; readonly hmacKey: string };
  /** The CA requires EAB (so a missing one is a config error before any request). */
  readonly eabRequired: boolean;
}

export const CA_PRESETS: Record<string, { directoryUrl: string; eabRequired: boolean }> = {
  letsencrypt: { directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory', eabRequired: false },
  'letsencrypt-staging': { directoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory', eabRequired: false },
  zerossl: { directoryUrl: 'https://acme.zerossl.com/v2/DV90', eabRequired: true },
  google: { directoryUrl: 'https://dv.acme-v02.api.pki.goog/directory', eabRequired: true },
  'google-staging': { directoryUrl: 'https://dv.acme-v02.test-api.pki.goog/directory', eabRequired: true },
  buypass: { directoryUrl: 'https://api.buypass.com/acme/directory', eabRequired: false },
  'buypass-staging': { directoryUrl: 'https://api.test4.buypass.no/acme/directory', eabRequired: false },
};

export type CaSpec = string | { readonly directory: string; readonly trust?: string; readonly eab?: { readonly kid: string; readonly hmacKey: string } };

/** Resolve a preset name or a custom mapping; reads the trust file. */
export function resolveCa(spec: CaSpec, eab?: { kid: string; hmacKey: string }): CaConfig {
  if (typeof spec === 'string') {
    const preset = CA_PRESETS[spec];
    if (preset === undefined) {
      if (spec.startsWith('https://')) return { id: 'custom', directoryUrl: spec, eabRequired: false, ...(eab === undefined ? {} : { eab }) };
      const suggestion = didYouMean(spec, Object.keys(CA_PRESETS));
      throw new AppError('CA_UNKNOWN', { evidence: { ca: spec, known: Object.keys(CA_PRESETS), ...(suggestion === undefined ? {} : { didYouMean: suggestion }) } });
    }
    const out = { id: spec, directoryUrl: preset.directoryUrl, eabRequired: preset.eabRequired, ...(eab === undefined ? {} : { eab }) };
    if (preset.eabRequired && eab === undefined) throw new AppError('ACME_EAB_REQUIRED', { evidence: { directory: preset.directoryUrl, ca: spec } });
    return out;
  }
  if (!spec.directory.startsWith('https://')) throw new AppError('CONFIG_INVALID', { evidence: { path: 'ca.directory', reason: 'must be an https:// URL', value: spec.directory } });
  const trustPem = spec.trust === undefined ? undefined : readTrustFile(spec.trust, 'ca.trust');
  const e = spec.eab ?? eab;
  return { id: 'custom', directoryUrl: spec.directory, eabRequired: false, ...(trustPem === undefined ? {} : { trustPem }), ...(e === undefined ? {} : { eab: e }) };
}
