#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing: Chromium (browser
# tests), HAProxy (`haproxy -c` checks deploy/haproxy.cfg) and OpenSSL (a throwaway certificate
# for the Application Insights capture server). Never downloads anything of its own: Debian's
# packages only.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "need root to apt-get install ${need[*]}" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
chromium --version
haproxy -v | head -1
