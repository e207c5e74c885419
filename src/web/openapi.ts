/** The OpenAPI 3.1 document of the daemon's API (served at /openapi.json, behind authentication like every route but /healthz and /readyz). */
const error = { $ref: '#/components/responses/Error' };
const authed = { security: [{ session: [] }, { token: [] }], responses: { '401': error } };

function op(summary: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { summary, ...authed, ...extra, responses: { '200': { description: 'OK' }, ...authed.responses, ...(extra['responses'] as object | undefined) } };
}

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'zonekeeper', version, description: 'DNS records and TLS certificates kept current. Every answer is JSON; failures are `{ "error": { code, evidence, retryable } }` with stable codes.' },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'zk_session', description: 'From POST /api/login; unsafe methods also need the X-CSRF-Token header (value of the zk_csrf cookie).' },
        token: { type: 'http', scheme: 'bearer', description: 'An API token `zkt_…` from POST /api/tokens.' },
      },
      responses: { Error: { description: 'A diagnosis', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, evidence: { type: 'object' }, retryable: { type: 'boolean' } } } } } } } } },
    },
    paths: {
      '/healthz': { get: { summary: 'Liveness (no authentication)', security: [], responses: { '200': { description: 'alive' } } } },
      '/readyz': { get: { summary: 'Readiness: store reachable, clock trusted (no authentication)', security: [], responses: { '200': { description: 'ready' }, '503': { description: 'not ready, with the reasons' } } } },
      '/api/setup': {
        get: { summary: 'Whether first-run setup is needed (no authentication)', security: [], responses: { '200': { description: '{needed}' } } },
        post: { summary: 'Create the admin account with the one-time setup token the daemon printed', security: [], responses: { '200': { description: 'signed in' }, '401': error, '409': error, '429': error } },
      },
      '/api/login': { post: { summary: 'Sign in: {username, password} → session cookie and csrfToken', security: [], responses: { '200': { description: 'signed in' }, '401': error, '429': error } } },
      '/api/logout': { post: op('Sign out') },
      '/api/tokens': { get: op('API tokens (never their secrets)'), post: op('Create an API token {name}; the token is shown once', { responses: { '201': { description: 'created' } } }) },
      '/api/tokens/{id}': { delete: op('Revoke an API token') },
      '/api/status': { get: op('Version, clock, jobs, counts') },
      '/api/clock': { get: op('Trusted time, offset, every source') },
      '/api/events': { get: op('Events, oldest first: ?afterId=&kind=&limit=') },
      '/api/records': { get: op('DDNS records: desired and what the provider holds') },
      '/api/ddns/sync': { post: op('Run a DDNS pass now (waits for it)') },
      '/api/certificates': {
        get: op('Certificates, expiry, next renewal, ARI window'),
        post: op('Issue now: {name} of a configured certificate, or {domains, provider, name?, ca?, caTrust?, key?, email?}', { responses: { '201': { description: 'issued' } } }),
      },
      '/api/certificates/renew': { post: op('Run the renewal check now (renews what is due)') },
      '/api/certificates/{name}/renew': { post: op('Renew one certificate now (?force=true: even when not due; ?caTrust=<roots file> for one issued ad hoc from a private CA)') },
      '/api/certificates/{name}/revoke': { post: op('Revoke one certificate (?reason=superseded …); it becomes due for replacement') },
      '/api/providers': { get: op('Configured providers (setting names, never secret values)') },
      '/api/providers/{name}': {
        put: op('Create or replace a provider kept in the store, sealed ({type, …settings}); 400 with the configuration errors, 409 when the file defines it', { responses: { '400': error, '409': error } }),
        delete: op('Remove a provider kept in the store (400 when something still uses it)', { responses: { '400': error, '409': error } }),
      },
      '/api/providers/{name}/test': { post: op('provider test: reachable, credential, zone, write probe, clock (?zone=&readOnly=true)') },
      '/openapi.json': { get: op('This document') },
      '/metrics': { get: op('Prometheus metrics (text format 0.0.4); scrape with an API token') },
    },
  };
}
