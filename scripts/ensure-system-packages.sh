#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing: Chromium (browser
# tests), PostgreSQL (the storage contract and the multi-instance tests start one server per run
# with initdb/pg_ctl), HAProxy (in front of several `backline serve` instances; `haproxy -c`
# checks deploy/haproxy.cfg) and OpenSSL (a throwaway certificate for the Application Insights
# capture server). Never downloads anything of its own: Debian's packages only.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -n "${PG_BIN:-}" ] || need+=(postgresql)
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "need root to apt-get install ${need[*]}" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
chromium --version
# The tests start their own PostgreSQL server in a temporary directory; the package's own
# cluster service is not used (and need not run).
ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1 || echo "PG_BIN=${PG_BIN:-}"
haproxy -v | sed -n 1p  # sed reads to the end: head would close the pipe early (SIGPIPE under pipefail)
