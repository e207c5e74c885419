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
  run                     the daemon (not in this build yet)

global options:
  --config <file>   configuration file (default ./zonekeeper.yaml, env ZONEKEEPER_CONFIG)
  --data <dir>      data directory (default ./data, env ZONEKEEPER_DATA)
  --json            print one JSON document on stdout
  --lang en|zh-CN   language of messages (default from LANG / LC_ALL)
  --verbose         more progress and the evidence of every diagnosis
  -h, --help        this help

exit status: 0 done, 1 the work failed (diagnosis printed), 2 bad usage or configuration (nothing was changed)
`;
