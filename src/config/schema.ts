/**
 * The shape of zonekeeper.yaml as the layering needs it: which keys exist
 * (so `ZONEKEEPER_DDNS__READEVERY` finds `ddns.readEvery`), what type an
 * environment value is converted to, which settings are secret, and the
 * built-in defaults `config explain` reports. Validation stays with the
 * section parsers (load.ts, certificates.ts, ddns/, notifiers/); schema.test.ts
 * checks that this table and those parsers agree on every key and default.
 * Provider and notifier entries take their keys, secrets and defaults from
 * the manifest their `type` names.
 */
import { DEFAULT_READ_EVERY } from '../ddns/config.ts';
import { DEFAULT_QUORUM } from '../ddns/ip/defaults.ts';
import { findNotifierManifest } from '../notifiers/registry.ts';
import { findManifest } from '../providers/registry.ts';
import type { FieldSpec } from '../providers/types.ts';
import { isPlainObject } from './fields.ts';
import type { PathSegment } from './setting-path.ts';

/** How an environment value is read: `strings` is a list given whole ("a,b" or a JSON array); `any` guesses (digits → number, true/false → boolean). */
export type LeafType = 'string' | 'integer' | 'boolean' | 'strings' | 'any';
export type DefaultValue = string | number | boolean | readonly string[];

export interface LeafNode {
  readonly kind: 'leaf';
  readonly type: LeafType;
  readonly secret?: boolean;
  readonly default?: DefaultValue;
}
/**
 * Fixed keys. `scalar`: the section may instead be a single value of this
 * type (`ca: letsencrypt`, `ipv4: false`). `optional`: when absent, nothing
 * below it is in effect (a manifest's optional object: its fields' defaults
 * apply only when it is given); otherwise the defaults below apply anyway.
 */
export interface SectionNode {
  readonly kind: 'section';
  readonly keys: Readonly<Record<string, SchemaNode>>;
  readonly scalar?: 'string' | 'boolean';
  readonly default?: DefaultValue;
  readonly optional?: boolean;
}
/** Keys the user picks (provider names, zones, header names), each holding an `entry`. */
export interface NamesNode {
  readonly kind: 'names';
  readonly entry: SchemaNode;
}
export interface ListNode {
  readonly kind: 'list';
  readonly item: SchemaNode;
}
/** A provider or notifier entry: its keys come from the manifest its `type` names. */
export interface TypedNode {
  readonly kind: 'typed';
  readonly registry: 'provider' | 'notifier';
}
/** Nothing known (an entry whose type is missing or unknown: validation will say so). */
export interface OpenNode {
  readonly kind: 'open';
}
export type SchemaNode = LeafNode | SectionNode | NamesNode | ListNode | TypedNode | OpenNode;

export const DEFAULT_LISTEN = '127.0.0.1:9876';
export const DEFAULT_DNS_TIMEOUT_MS = 2000;
/** clock.skewThreshold: how far the system clock may be from the trusted time before the daemon notifies. */
export const DEFAULT_SKEW_THRESHOLD = '60s';

const leaf = (type: LeafType, more: Omit<LeafNode, 'kind' | 'type'> = {}): LeafNode => ({ kind: 'leaf', type, ...more });
const section = (keys: Record<string, SchemaNode>, more: Omit<SectionNode, 'kind' | 'keys'> = {}): SectionNode => ({ kind: 'section', keys, ...more });
const list = (item: SchemaNode): ListNode => ({ kind: 'list', item });
const OPEN: OpenNode = { kind: 'open' };

const IP_FAMILY = section(
  {
    sources: list(
      section({
        type: leaf('string'),
        urls: list(section({ url: leaf('string'), format: leaf('string'), field: leaf('string') }, { scalar: 'string' })),
        bind: leaf('string'),
        timeout: leaf('integer'),
        trust: leaf('string'),
        name: leaf('string'),
        suffix: leaf('string'),
        run: leaf('string'),
      }),
    ),
    quorum: leaf('integer'),
  },
  { scalar: 'boolean', default: `built-in (HTTPS echo endpoints, quorum ${DEFAULT_QUORUM})` },
);

export const CONFIG_SCHEMA: SectionNode = section({
  listen: leaf('string', { default: DEFAULT_LISTEN }),
  clock: section({ ntp: leaf('strings', { default: [] }), skewThreshold: leaf('string', { default: DEFAULT_SKEW_THRESHOLD }) }),
  dns: section({
    resolvers: leaf('strings', { default: ['system'] }),
    nameservers: { kind: 'names', entry: leaf('strings') },
    timeout: leaf('integer', { default: DEFAULT_DNS_TIMEOUT_MS }),
  }),
  providers: { kind: 'names', entry: { kind: 'typed', registry: 'provider' } },
  ddns: section({
    interval: leaf('string', { default: '5m' }),
    readEvery: leaf('integer', { default: DEFAULT_READ_EVERY }),
    concurrency: leaf('integer', { default: 4 }),
    perProvider: leaf('integer', { default: 2 }),
    ipv4: IP_FAMILY,
    ipv6: IP_FAMILY,
    records: list(section({ name: leaf('string'), type: leaf('strings'), provider: leaf('string'), ttl: leaf('integer'), proxied: leaf('boolean') })),
  }),
  certificates: {
    kind: 'names',
    entry: section({
      domains: leaf('strings'),
      provider: leaf('string'),
      ca: section(
        { directory: leaf('string'), trust: leaf('string'), eab: section({ kid: leaf('string'), hmacKey: leaf('string', { secret: true }) }) },
        { scalar: 'string', default: 'letsencrypt' },
      ),
      key: leaf('string', { default: 'ec256' }),
      reuseKey: leaf('boolean', { default: false }),
      email: leaf('string'),
      preferredChain: leaf('string'),
      deploy: list(section({ type: leaf('string'), dir: leaf('string'), mode: leaf('string'), command: leaf('string'), timeout: leaf('integer') })),
      pfx: section({ password: leaf('string', { secret: true }), legacy: leaf('boolean') }),
    }),
  },
  notifiers: { kind: 'names', entry: { kind: 'typed', registry: 'notifier' } },
});

function fieldNode(f: FieldSpec): SchemaNode {
  switch (f.type) {
    case 'object':
      return section(fieldKeys(f.fields ?? []), { optional: true });
    case 'map':
      return { kind: 'names', entry: leaf('string', { secret: f.secret }) };
    case 'integer':
      return leaf('integer', f.default === undefined ? {} : { default: f.default });
    case 'string':
      return leaf('string', { secret: f.secret, ...(f.default === undefined ? {} : { default: f.default }) });
  }
}

function fieldKeys(fields: readonly FieldSpec[]): Record<string, SchemaNode> {
  return Object.fromEntries(fields.map((f) => [f.name, fieldNode(f)]));
}

const typedCache = new Map<string, SectionNode>();

/** The section a provider / notifier entry has, from the manifest its `type` names; OPEN when there is none. */
function typedSection(node: TypedNode, value: unknown): SectionNode | OpenNode {
  const type = isPlainObject(value) ? value['type'] : undefined;
  if (typeof type !== 'string') return OPEN;
  const manifest = node.registry === 'provider' ? findManifest(type) : findNotifierManifest(type);
  if (manifest === undefined) return OPEN;
  const key = `${node.registry}:${manifest.id}`;
  let built = typedCache.get(key);
  if (built === undefined) {
    const extra: Record<string, SchemaNode> = node.registry === 'notifier' ? { events: leaf('strings', { default: [] }) } : {};
    built = section({ type: leaf('string'), ...fieldKeys(manifest.fields), ...extra });
    typedCache.set(key, built);
  }
  return built;
}

/** `node` with a typed entry replaced by its manifest's section (`value` is the entry as configured). */
export function resolveNode(node: SchemaNode, value: unknown): Exclude<SchemaNode, TypedNode> {
  return node.kind === 'typed' ? typedSection(node, value) : node;
}

/** The node of child `segment` of `node` (whose value is `value`); undefined when there is no such key. */
export function childNode(node: SchemaNode, value: unknown, segment: PathSegment): SchemaNode | undefined {
  const n = resolveNode(node, value);
  switch (n.kind) {
    case 'section':
      return typeof segment === 'string' && Object.hasOwn(n.keys, segment) ? n.keys[segment] : undefined;
    case 'names':
      return typeof segment === 'string' ? n.entry : undefined;
    case 'list':
      return typeof segment === 'number' ? n.item : undefined;
    case 'open':
      return OPEN;
    case 'leaf':
      return undefined;
  }
}
