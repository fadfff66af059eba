#!/usr/bin/env bash
# Installs what the side-by-side benchmark (bench/run.sh) needs and nothing
# else: Kamailio with its SQLite modules (the reference server), SIPp
# (Debian's sip-tester), sqlite3 (the reference's user database), and the
# profilers used to find hot paths (perf, valgrind). Benchmark-only: the
# project's build and test packages are in scripts/install-deps.sh.
# Idempotent: apt-get runs only when dpkg reports a package missing.
set -euo pipefail

packages=(
  kamailio kamailio-sqlite-modules   # reference registrar + stateful proxy
  sip-tester                         # SIPp 3.6 (load generator)
  sqlite3                            # the reference's gen-users.sh
  procps iproute2                    # ps, ss used by the scripts
  linux-perf valgrind                # profiling (bench/profile.sh)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "bench/install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
