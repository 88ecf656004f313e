#!/usr/bin/env bash
# Install the Debian packages the test suite needs when they are missing: Chromium (browser test)
# the OpenSSH client and sshpass (the lab is driven by clients we did not write) and Redis (the
# Celery executor test) and PostgreSQL (the scaled-out pass: scripts/test-scaled.sh), and the
# protocol peers we did not write: net-snmp (snmpd, snmptrapd, snmpbulkwalk, snmptrap), fping, FreeRADIUS and
# radclient, Prometheus Alertmanager (the alarm-grouping oracle), iproute2 (test namespaces).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v sshpass >/dev/null 2>&1 || need+=(sshpass)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
command -v snmpbulkwalk >/dev/null 2>&1 || need+=(snmp)
[ -x /usr/sbin/snmpd ] || need+=(snmpd)
[ -x /usr/sbin/snmptrapd ] || need+=(snmptrapd)
command -v fping >/dev/null 2>&1 || need+=(fping)
[ -x /usr/sbin/freeradius ] || need+=(freeradius)
command -v radclient >/dev/null 2>&1 || need+=(freeradius-utils)
[ -e /usr/lib/freeradius/rlm_sql_postgresql.so ] || need+=(freeradius-postgresql)
command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v logger >/dev/null 2>&1 || need+=(bsdutils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages: ${need[*]} — install them (as root: apt-get install ${need[*]})" >&2
  exit 1
fi
echo "installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
