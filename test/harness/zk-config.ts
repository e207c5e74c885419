import { writeFileSync } from 'node:fs';
import { KEY_FULL, type BindBed } from './bind.ts';

export interface LabConfigOptions {
  /** `clock.ntp` entries ("host:port"). */
  readonly ntp?: readonly string[];
  /** YAML appended as is (e.g. a `certificates:` section). */
  readonly extra?: string;
  /** `zone:` of the provider (skips the SOA walk). */
  readonly providerZone?: string;
}

/**
 * A zonekeeper.yaml for the test bed: every zone of the bed served by all its
 * servers (named explicitly, so nothing asks the machine's resolver), and
 * an rfc2136 provider `lab` on the primary with the full-access TSIG key.
 */
export function writeLabConfig(file: string, bed: BindBed, o: LabConfigOptions = {}): string {
  const key = bed.keys[KEY_FULL];
  if (key === undefined) throw new Error('the bed has no full-access key');
  const servers = bed.servers.map((s) => JSON.stringify(`${s.host}:${s.port}`)).join(', ');
  const lines = [
    ...(o.ntp === undefined ? [] : ['clock:', `  ntp: [${o.ntp.map((n) => JSON.stringify(n)).join(', ')}]`]),
    'dns:',
    '  resolvers: []',
    '  nameservers:',
    ...bed.zones.map((z) => `    ${z}: [${servers}]`),
    'providers:',
    '  lab:',
    '    type: rfc2136',
    `    server: "${bed.primary.host}:${bed.primary.port}"`,
    ...(o.providerZone === undefined ? [] : [`    zone: ${o.providerZone}`]),
    `    tsig: { name: ${key.name}, algorithm: ${key.algorithm}, secret: "${key.secret}" }`,
    ...(o.extra === undefined ? [] : [o.extra]),
    '',
  ];
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  return file;
}

/**
 * A zonekeeper.yaml with one provider `name` and the given settings (`type`
 * among them); every zone of the bed is served by its primary.
 */
export function writeProviderConfig(file: string, bed: BindBed, name: string, settings: Readonly<Record<string, string>>): string {
  const primary = JSON.stringify(`${bed.primary.host}:${bed.primary.port}`);
  const lines = [
    'dns:',
    '  resolvers: []',
    '  nameservers:',
    ...bed.zones.map((z) => `    ${z}: [${primary}]`),
    'providers:',
    `  ${name}:`,
    ...Object.entries(settings).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
    '',
  ];
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  return file;
}
