/**
 * Every SQL statement the SQLite store runs, by name (prepared once per
 * connection, on first use). Upserts end in `RETURNING *` so a save resolves
 * to the row as stored (e.g. with the kept `created_at`).
 */
export const SQL = {
  findAccount: 'SELECT * FROM accounts WHERE directory_url = :directory_url AND contact_key = :contact_key',
  saveAccount: `INSERT INTO accounts (id, directory_url, contact_key, contact, account_url, key_pem, eab_kid, created_at)
    VALUES (:id, :directory_url, :contact_key, :contact, :account_url, :key_pem, :eab_kid, :created_at)
    ON CONFLICT (directory_url, contact_key) DO UPDATE SET
      contact = excluded.contact, account_url = excluded.account_url, key_pem = excluded.key_pem, eab_kid = excluded.eab_kid
    RETURNING *`,
  getCertificate: 'SELECT * FROM certificates WHERE name = ?',
  listCertificates: 'SELECT * FROM certificates ORDER BY name',
  saveCertificate: `INSERT INTO certificates (name, domains, provider, ca, key_type, not_before, not_after, serial, cert_id,
      ari_window_start, ari_window_end, ari_retry_after, next_renewal_at, replaces_cert_id, last_renewed_at, last_error, created_at, updated_at)
    VALUES (:name, :domains, :provider, :ca, :key_type, :not_before, :not_after, :serial, :cert_id,
      :ari_window_start, :ari_window_end, :ari_retry_after, :next_renewal_at, :replaces_cert_id, :last_renewed_at, :last_error, :created_at, :updated_at)
    ON CONFLICT (name) DO UPDATE SET
      domains = excluded.domains, provider = excluded.provider, ca = excluded.ca, key_type = excluded.key_type,
      not_before = excluded.not_before, not_after = excluded.not_after, serial = excluded.serial, cert_id = excluded.cert_id,
      ari_window_start = excluded.ari_window_start, ari_window_end = excluded.ari_window_end, ari_retry_after = excluded.ari_retry_after,
      next_renewal_at = excluded.next_renewal_at, replaces_cert_id = excluded.replaces_cert_id,
      last_renewed_at = excluded.last_renewed_at, last_error = excluded.last_error, updated_at = excluded.updated_at
    RETURNING *`,
  deleteOrdersOf: 'DELETE FROM orders WHERE certificate_name = ?',
  deleteCertificate: 'DELETE FROM certificates WHERE name = ?',
  saveOrder: `INSERT INTO orders (order_url, certificate_name, status, created_at, updated_at, finalized_at, error)
    VALUES (:order_url, :certificate_name, :status, :created_at, :updated_at, :finalized_at, :error)
    ON CONFLICT (order_url) DO UPDATE SET
      certificate_name = excluded.certificate_name, status = excluded.status, updated_at = excluded.updated_at,
      finalized_at = excluded.finalized_at, error = excluded.error
    RETURNING *`,
  listOrders: 'SELECT * FROM orders WHERE certificate_name = ? ORDER BY created_at, order_url',
  addJournalEntry: `INSERT INTO challenge_journal (id, provider, zone, name, type, value, fqdn, certificate_name, created_at)
    VALUES (:id, :provider, :zone, :name, :type, :value, :fqdn, :certificate_name, :created_at)
    RETURNING *`,
  removeJournalEntry: 'DELETE FROM challenge_journal WHERE id = ?',
  listJournal: 'SELECT * FROM challenge_journal ORDER BY created_at, id',
  getDdnsRecord: 'SELECT * FROM ddns_records WHERE provider = ? AND fqdn = ? AND type = ?',
  listDdnsRecords: 'SELECT * FROM ddns_records ORDER BY provider, fqdn, type',
  saveDdnsRecord: `INSERT INTO ddns_records (provider, fqdn, type, zone, held_values, desired, confirmed_at, updated_at, passes_since_read, last_error, created_at)
    VALUES (:provider, :fqdn, :type, :zone, :held_values, :desired, :confirmed_at, :updated_at, :passes_since_read, :last_error, :created_at)
    ON CONFLICT (provider, fqdn, type) DO UPDATE SET
      zone = excluded.zone, held_values = excluded.held_values, desired = excluded.desired, confirmed_at = excluded.confirmed_at,
      updated_at = excluded.updated_at, passes_since_read = excluded.passes_since_read, last_error = excluded.last_error
    RETURNING *`,
  deleteDdnsRecord: 'DELETE FROM ddns_records WHERE provider = ? AND fqdn = ? AND type = ?',
  getAddress: 'SELECT * FROM addresses WHERE family = ?',
  saveAddress: `INSERT INTO addresses (family, address, detected_at, changed_at) VALUES (:family, :address, :detected_at, :changed_at)
    ON CONFLICT (family) DO UPDATE SET address = excluded.address, detected_at = excluded.detected_at, changed_at = excluded.changed_at
    RETURNING *`,
  addEvent: 'INSERT INTO events (at, kind, subject, data) VALUES (:at, :kind, :subject, :data) RETURNING *',
  listEvents: 'SELECT * FROM events WHERE id > :after_id ORDER BY id LIMIT :limit',
  listEventsOfKinds: 'SELECT * FROM events WHERE id > :after_id AND kind IN (SELECT value FROM json_each(:kinds)) ORDER BY id LIMIT :limit',
  pruneEvents: 'DELETE FROM events WHERE at < ?',
  getJobState: 'SELECT * FROM jobs WHERE name = ?',
  listJobStates: 'SELECT * FROM jobs ORDER BY name',
  saveJobState: `INSERT INTO jobs (name, next_run_at, last_run_at, last_success_at, failures, last_error)
    VALUES (:name, :next_run_at, :last_run_at, :last_success_at, :failures, :last_error)
    ON CONFLICT (name) DO UPDATE SET
      next_run_at = excluded.next_run_at, last_run_at = excluded.last_run_at, last_success_at = excluded.last_success_at,
      failures = excluded.failures, last_error = excluded.last_error
    RETURNING *`,
  getSetting: 'SELECT * FROM settings WHERE path = ?',
  listSettings: 'SELECT * FROM settings ORDER BY path',
  listSecretSettings: 'SELECT * FROM settings WHERE secret = 1 ORDER BY path',
  saveSetting: `INSERT INTO settings (path, value, secret, updated_at) VALUES (:path, :value, :secret, :updated_at)
    ON CONFLICT (path) DO UPDATE SET value = excluded.value, secret = excluded.secret, updated_at = excluded.updated_at
    RETURNING *`,
  setSettingValue: 'UPDATE settings SET value = ? WHERE path = ?',
  deleteSetting: 'DELETE FROM settings WHERE path = ?',
  listAccounts: 'SELECT * FROM accounts ORDER BY id',
  setAccountKey: 'UPDATE accounts SET key_pem = ? WHERE id = ?',
  getUser: 'SELECT * FROM users WHERE username = ?',
  saveUser: `INSERT INTO users (username, password_hash, created_at, updated_at) VALUES (:username, :password_hash, :created_at, :updated_at)
    ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at
    RETURNING *`,
  countUsers: 'SELECT count(*) AS n FROM users',
  getSession: 'SELECT * FROM sessions WHERE id = ?',
  saveSession: `INSERT INTO sessions (id, username, csrf_hash, created_at, expires_at, last_seen_at)
    VALUES (:id, :username, :csrf_hash, :created_at, :expires_at, :last_seen_at)
    ON CONFLICT (id) DO UPDATE SET
      username = excluded.username, csrf_hash = excluded.csrf_hash, expires_at = excluded.expires_at, last_seen_at = excluded.last_seen_at
    RETURNING *`,
  deleteSession: 'DELETE FROM sessions WHERE id = ?',
  deleteSessionsOf: 'DELETE FROM sessions WHERE username = ?',
  pruneSessions: 'DELETE FROM sessions WHERE expires_at <= ?',
  getApiTokenByHash: 'SELECT * FROM api_tokens WHERE token_hash = ?',
  listApiTokens: 'SELECT * FROM api_tokens ORDER BY created_at, id',
  otherTokenWithHash: 'SELECT id FROM api_tokens WHERE token_hash = ? AND id <> ?',
  saveApiToken: `INSERT INTO api_tokens (id, name, token_hash, created_at, last_used_at, expires_at)
    VALUES (:id, :name, :token_hash, :created_at, :last_used_at, :expires_at)
    ON CONFLICT (id) DO UPDATE SET
      name = excluded.name, token_hash = excluded.token_hash, last_used_at = excluded.last_used_at, expires_at = excluded.expires_at
    RETURNING *`,
  deleteApiToken: 'DELETE FROM api_tokens WHERE id = ?',
} as const;

export type StatementName = keyof typeof SQL;
