/** `zonekeeper providers`: the provider types this build knows, from their manifests. */
import { PROVIDER_MANIFESTS } from '../../providers/registry.ts';
import type { FieldSpec } from '../../providers/types.ts';
import type { CommandContext } from '../command.ts';

/** A field as JSON: a map's key pattern as its source text. */
function fieldJson(f: FieldSpec): Record<string, unknown> {
  const { keyPattern, fields, ...rest } = f;
  return {
    ...rest,
    ...(fields === undefined ? {} : { fields: fields.map(fieldJson) }),
    ...(keyPattern === undefined ? {} : { keyPattern: { pattern: keyPattern.regex.source, description: keyPattern.description } }),
  };
}

function describe(f: FieldSpec, prefix = ''): string[] {
  const own = `    ${prefix}${f.name}${f.required ? '' : '?'}  ${f.type}${f.secret ? ' (secret)' : f.credential === true ? ' (credential)' : ''}${f.default !== undefined ? ` = ${f.default}` : ''}  ${f.description}`;
  return [own, ...(f.fields ?? []).flatMap((x) => describe(x, `${prefix}${f.name}.`))];
}

export function providersCommand(ctx: CommandContext): Promise<void> {
  if (ctx.global.json) {
    ctx.out(
      JSON.stringify({
        ok: true,
        command: 'providers',
        providers: PROVIDER_MANIFESTS.map((m) => ({ id: m.id, aliases: m.aliases, name: m.displayName, docs: m.docsUrl, capabilities: m.capabilities, fields: m.fields.map(fieldJson) })),
      }),
    );
    return Promise.resolve();
  }
  for (const m of PROVIDER_MANIFESTS) {
    ctx.out(`${m.id}${m.aliases.length > 0 ? ` (${m.aliases.join(', ')})` : ''}: ${m.displayName}`);
    for (const f of m.fields) for (const line of describe(f)) ctx.out(line);
  }
  return Promise.resolve();
}
