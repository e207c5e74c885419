/**
 * User-facing domain names: normalisation to an absolute, lower-case FQDN
 * with a trailing dot (IDN labels converted to punycode), validation, and
 * conversions between absolute names and names relative to a zone.
 *
 * Every function that takes a name validates it with `normalizeName` and
 * throws NAME_INVALID with evidence `{ reason, name, label?, position?, ... }`:
 * - 'empty': nothing but whitespace or a lone dot;
 * - 'empty-label': two dots in a row or a leading dot (`position` is the
 *   index of the empty label's start in the trimmed input);
 * - 'label-too-long': a label over 63 octets (after punycode);
 * - 'name-too-long': over 253 characters without the trailing dot (255 wire octets);
 * - 'wildcard-not-leftmost': a `*` label anywhere but first;
 * - 'invalid-character': anything but letters, digits, `-` and `_` in an ASCII
 *   label, including a `*` that is not a whole label (`character`, `position`);
 * - 'idn-invalid': a non-ASCII label (or an `xn--` label) that IDNA rejects;
 * - 'outside-zone' (relativeName / absoluteName only): the name is not in the zone.
 */
import { domainToASCII } from 'node:url';
import { AppError } from '../core/errors.ts';
import type { EvidenceValue } from '../core/errors.ts';

export type NameInvalidReason =
  | 'empty'
  | 'empty-label'
  | 'label-too-long'
  | 'name-too-long'
  | 'wildcard-not-leftmost'
  | 'invalid-character'
  | 'idn-invalid'
  | 'outside-zone';

function nameInvalid(reason: NameInvalidReason, name: string, extra: Record<string, EvidenceValue> = {}): AppError {
  return new AppError('NAME_INVALID', { evidence: { reason, name, ...extra } });
}

/** IDNA full stops (U+3002, U+FF0E, U+FF61) separate labels like '.'. */
const IDNA_DOTS = /[\u3002\uff0e\uff61]/g;
const ASCII_ONLY = /^\p{ASCII}*$/u;
const LABEL_CHAR = /^[a-z0-9_-]$/;

function asciiLabel(raw: string, index: number, name: string, position: number): string {
  const label = raw.toLowerCase();
  if (label === '*') {
    if (index !== 0) throw nameInvalid('wildcard-not-leftmost', name, { label: raw, position });
    return label;
  }
  for (let j = 0; j < label.length; j++) {
    const ch = label[j] as string;
    if (!LABEL_CHAR.test(ch)) throw nameInvalid('invalid-character', name, { label: raw, character: ch, position: position + j });
  }
  if (label.startsWith('xn--') && domainToASCII(label) === '') throw nameInvalid('idn-invalid', name, { label: raw, position });
  return label;
}

function idnLabel(raw: string, name: string, position: number): string {
  const ascii = domainToASCII(raw);
  if (ascii === '' || ascii.includes('.') || !/^[a-z0-9_-]+$/.test(ascii)) throw nameInvalid('idn-invalid', name, { label: raw, position });
  return ascii;
}

/**
 * Absolute lower-case FQDN with a trailing dot, e.g. "WWW.Example.COM" →
 * "www.example.com.", "ünïcode.example" → "xn--ncode-cta3g.example.".
 * Surrounding whitespace is ignored; a trailing dot is optional; only
 * non-ASCII labels go through IDNA (so `_acme-challenge` and `*` stay as they
 * are). The root ("." or "") is rejected as 'empty'.
 */
export function normalizeName(input: string): string {
  const name = input.trim();
  if (name === '' || name === '.') throw nameInvalid('empty', name);
  const unified = name.replace(IDNA_DOTS, '.');
  const body = unified.endsWith('.') ? unified.slice(0, -1) : unified;
  const labels: string[] = [];
  let position = 0;
  body.split('.').forEach((raw, index) => {
    if (raw === '') throw nameInvalid('empty-label', name, { position });
    const label = ASCII_ONLY.test(raw) ? asciiLabel(raw, index, name, position) : idnLabel(raw, name, position);
    if (label.length > 63) throw nameInvalid('label-too-long', name, { label, position, length: label.length, max: 63 });
    labels.push(label);
    position += raw.length + 1;
  });
  const fqdn = labels.join('.');
  if (fqdn.length > 253) throw nameInvalid('name-too-long', name, { length: fqdn.length, max: 253 });
  return `${fqdn}.`;
}

/** Like normalizeName, but "." (the root) is accepted and returned as ".". */
function normalizeZone(zone: string): string {
  return zone.trim() === '.' ? '.' : normalizeName(zone);
}

function inZone(fqdn: string, zone: string): boolean {
  return zone === '.' || fqdn === zone || fqdn.endsWith(`.${zone}`);
}

/** Is `fqdn` the zone's apex or below it? Both are normalised first (throws NAME_INVALID). The root zone "." contains every name. */
export function isInZone(fqdn: string, zone: string): boolean {
  return inZone(normalizeName(fqdn), normalizeZone(zone));
}

/**
 * The name relative to the zone, without a trailing dot: "@" for the apex,
 * "www" for "www.example.com." in "example.com". Throws NAME_INVALID with
 * reason 'outside-zone' (evidence `{ name, zone }`) when the name is not in it.
 */
export function relativeName(fqdn: string, zone: string): string {
  const name = normalizeName(fqdn);
  const z = normalizeZone(zone);
  if (!inZone(name, z)) throw nameInvalid('outside-zone', name, { zone: z });
  if (name === z) return '@';
  return z === '.' ? name.slice(0, -1) : name.slice(0, -(z.length + 1));
}

/**
 * The absolute FQDN of a name given relative to a zone: "@" (or "") is the
 * apex, "www" is "www.<zone>", and a name with a trailing dot is already
 * absolute (it must then be inside the zone, else NAME_INVALID 'outside-zone').
 */
export function absoluteName(relative: string, zone: string): string {
  const z = normalizeZone(zone);
  const r = relative.trim();
  if (r === '@' || r === '') {
    if (z === '.') throw nameInvalid('empty', r);
    return z;
  }
  if (r.endsWith('.')) {
    const name = normalizeName(r);
    if (!inZone(name, z)) throw nameInvalid('outside-zone', name, { zone: z });
    return name;
  }
  return normalizeName(z === '.' ? r : `${r}.${z}`);
}

/** The parent of an FQDN: "www.example.com." → "example.com.", "com." → ".", "." → undefined. */
export function parentName(fqdn: string): string | undefined {
  if (fqdn.trim() === '.') return undefined;
  const name = normalizeName(fqdn);
  const dot = name.indexOf('.');
  return dot === name.length - 1 ? '.' : name.slice(dot + 1);
}
