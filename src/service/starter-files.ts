/**
 * The files `service install` writes when they do not exist yet: a config
 * that is empty (comments only, so the daemon starts with defaults) and, for
 * systemd, an environment file for secrets. Existing files are never touched.
 */

/** A comments-only zonekeeper.yaml: valid, and an empty config. */
export function starterConfig(envFile: string | undefined): string {
  return [
    '# zonekeeper configuration (written by `zonekeeper service install`; it is yours now).',
    '# Empty means defaults. Validate changes with: zonekeeper config check --config <this file>',
    '# Keep secrets out of this file: reference them as ${env:NAME} or ${file:/path}.',
    ...(envFile === undefined ? [] : [`# Variables for \${env:NAME} go in ${envFile} (mode 0600).`]),
    '#',
    '# providers:',
    '#   home:',
    '#     type: cloudflare',
    '#     apiToken: ${env:CLOUDFLARE_API_TOKEN}',
    '# ddns:',
    '#   records:',
    '#     - { name: home.example.com, type: [A, AAAA], provider: home }',
    '',
  ].join('\n');
}

/** A comments-only systemd EnvironmentFile for secrets. */
export function starterEnvFile(): string {
  return [
    '# Environment of the zonekeeper service (written by `zonekeeper service install`; it is yours now).',
    '# systemd reads it as root; keep it mode 0600. One NAME=value per line, e.g.',
    '# CLOUDFLARE_API_TOKEN=...',
    '# ZONEKEEPER_SECRET_KEY=...   (instead of the key file in the data directory)',
    '# ZONEKEEPER_LISTEN=127.0.0.1:9876   (where the API listens)',
    '',
  ].join('\n');
}
