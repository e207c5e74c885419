#!/usr/bin/env bash
# Installs the Debian packages the integration tests run as real servers
# (BIND, unbound, chrony, libfaketime, pebble, ...). Idempotent: does nothing
# when every binary is already present. Needs root to install; without root
# it prints the command to run and exits 1. Never starts a system service,
# never upgrades a package that is already installed (--no-upgrade).
set -euo pipefail

# systemd: systemd-analyze, systemctl and systemd-sysusers check the service unit
# (test/service.test.ts). Installing it in a container starts nothing: its
# maintainer scripts only talk to a running systemd, and there is none.
# python3-aiosmtpd: the real SMTP server the notification tests send mail to
# (test/harness/smtp-capture.py, run by Debian's /usr/bin/python3).
PACKAGES=(bind9 bind9-dnsutils unbound chrony faketime libfaketime pebble openssl iproute2 ca-certificates pdns-server pdns-backend-sqlite3 sqlite3 systemd python3-aiosmtpd)
BINARIES=(named nsupdate dig unbound chronyd faketime pebble openssl ip pdns_server sqlite3 systemd-analyze systemctl systemd-sysusers)
LIBFAKETIME=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1

missing=()
for b in "${BINARIES[@]}"; do
  # sbin dirs are not always on a non-root PATH.
  if ! PATH="$PATH:/usr/sbin:/sbin" command -v "$b" >/dev/null 2>&1; then missing+=("$b"); fi
done
[[ -e $LIBFAKETIME ]] || missing+=("$LIBFAKETIME")
# pdns-server alone has no SQLite backend; the tests need the backend's schema.
PDNS_SQLITE_SCHEMA=/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
[[ -e $PDNS_SQLITE_SCHEMA ]] || missing+=("$PDNS_SQLITE_SCHEMA")
# aiosmtpd is a Python module: check that Debian's Python (not a pyenv one on PATH) imports it.
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=("python3-aiosmtpd (/usr/bin/python3 -c 'import aiosmtpd')")

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-test-deps: all test dependencies present"
  exit 0
fi

install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends --no-upgrade ${PACKAGES[*]}"
echo "install-test-deps: missing: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "install-test-deps: run as root (or ask an admin to run):" >&2
  echo "  $install_cmd" >&2
  exit 1
fi

# Keep the packages' maintainer scripts from starting named/unbound/chronyd
# as system services (they would take port 53/323 on the host). Only add the
# guard if there is none, and only remove the one we added.
POLICY=/usr/sbin/policy-rc.d
created_policy=0
cleanup() {
  if [[ $created_policy -eq 1 ]]; then rm -f "$POLICY"; fi
}
trap cleanup EXIT
if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\n# added by zonekeeper scripts/install-test-deps.sh\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  created_policy=1
fi

apt-get update
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends --no-upgrade "${PACKAGES[@]}"

# On hosts with AppArmor, the Debian profiles confine named and unbound to
# /etc/bind, /var/lib/bind, /etc/unbound, ...; the test bed runs them from a
# temp dir, so such a host needs the profiles in complain mode.
if command -v aa-enabled >/dev/null 2>&1 && aa-enabled --quiet 2>/dev/null; then
  for p in /etc/apparmor.d/usr.sbin.named /etc/apparmor.d/usr.sbin.unbound; do
    if [[ -e $p ]]; then
      echo "install-test-deps: AppArmor is on; $p confines the server to system paths." >&2
      echo "  If the tests fail to start it, run: apparmor_parser -R $p  (or aa-complain $p)" >&2
    fi
  done
fi
echo "install-test-deps: done"
