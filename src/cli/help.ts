export const HELP = `zonekeeper — keeps DNS records and TLS certificates current, even when the clock or resolver is wrong

usage: zonekeeper [global options] <command> [args]

commands:
  record set <fqdn> <type> <value>... --provider <name> [--ttl <s>] [--no-wait] [--timeout <30s>]
                          set the record's values; returns once every authoritative server serves them
  record delete <fqdn> <type> [<value>...] --provider <name> [--no-wait] [--timeout <30s>]
                          delete the given values (all values when none are given)
  record list <zone|fqdn> --provider <name>
                          list the records the provider holds
  cert issue <domain>... --provider <name> [--ca <preset|URL>] [--ca-trust <pem>] [--key ec256|ec384|rsa2048|rsa3072|rsa4096]
             [--name <name>] [--email <addr>] [--reuse-key] [--preferred-chain <issuer CN>]
  cert issue --name <configured certificate>
                          issue a certificate now through DNS-01 (records cleaned up, even after a crash)
  cert renew <name> | --all [--force]
                          renew what is due (ARI window, else a third of the lifetime left)
  cert list               certificates, expiry, next renewal, ARI window
  cert revoke <name> [--reason unspecified|keyCompromise|affiliationChanged|superseded|cessationOfOperation]
  ddns sync [--dry-run] [--no-wait] [--timeout <2m>]
                          one DDNS pass: detect the public IPv4/IPv6 (every source reported), update the
                          ddns.records that differ, wait until every authoritative server serves them
  clock                   trusted time, offset, every source and its last sample (queries clock.ntp)
  provider test <name> [--zone <zone>] [--read-only]
                          check a configured provider: reachable, credential valid, zone visible,
                          allowed to write (creates and deletes a probe TXT record), vendor's clock offset
  providers               the provider types this build knows and their settings
  config check            validate the configuration; nothing is contacted
  config explain          every effective setting, its value and where it came from
                          (flag > env > file > stored > default); secrets masked
  secrets rotate-key [--new-key-file <file>]
                          re-encrypt every stored secret under a new key (random, or the key in <file>), in one
                          transaction; the key is <data>/secret.key (mode 600) or env ZONEKEEPER_SECRET_KEY
  secrets status          where the key comes from, and every stored secret checked to open with it
  run [--listen <host:port>]
                          the daemon (also: no command, npm start): DDNS and renewals on schedule, the HTTP API
                          on 127.0.0.1:9876 (env ZONEKEEPER_LISTEN); JSON logs on stdout; SIGTERM stops it gracefully
  service install [--user] [--dry-run]
                          run the daemon as a service: a hardened systemd unit (Linux), a launchd plist (macOS),
                          the NSSM/sc.exe recipe (Windows, printed only); --user: for your account only;
                          --dry-run: print the files and commands, change nothing
  service uninstall [--user] [--dry-run]
                          stop and remove the service (config, secrets and data are kept)
  service status [--user] installed, enabled and active, from systemctl or launchctl

global options:
  --config <file>   configuration file (default ./zonekeeper.yaml, env ZONEKEEPER_CONFIG)
  --data <dir>      data directory (default ./data, env ZONEKEEPER_DATA)
  --listen <host:port>
                    where the daemon's API listens (default 127.0.0.1:9876, env ZONEKEEPER_LISTEN, file: listen)
  --json            print one JSON document on stdout
  --lang en|zh-CN   language of messages (default from LANG / LC_ALL)
  --verbose         more progress and the evidence of every diagnosis
  -h, --help        this help

any setting: env ZONEKEEPER_<KEY>__<KEY>…, e.g. ZONEKEEPER_DNS__TIMEOUT=3000 (see README, "Configuration")

exit status: 0 done, 1 the work failed (diagnosis printed), 2 bad usage or configuration (nothing was changed)
`;
