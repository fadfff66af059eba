#!/usr/bin/env bash
# Installs every Debian package Parley needs to build, test and run.
# Idempotent and quick when everything is present: it only calls apt-get for
# packages dpkg does not already report as installed.
set -euo pipefail

packages=(
  # Toolchain and build.
  build-essential cmake ninja-build ccache pkg-config git clang libclang-rt-14-dev
  # Libraries (DESIGN.md "Dependencies").
  libboost1.81-dev libboost-json1.81-dev libboost-system1.81-dev
  libssl-dev libsqlite3-dev sqlite3 libsodium-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  # The server's allocator (cmake/ParleyDeps.cmake says why).
  libmimalloc-dev
  # Tests and benchmarks.
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # Real SIP peers for interop tests, audio tools, network namespaces.
  baresip-core sip-tester sox linphone-cli iproute2 python3 procps
  # Browser end-to-end tests (tests/e2e): Debian's Chromium, driven by playwright-core.
  chromium
)

# Node.js with npm builds the browser app and drives the browser tests. Where
# a Node.js with npm is already installed it is used as is (installing
# Debian's npm on top of another Node.js breaks it).
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Vite 8 and playwright-core 1.65 need Node.js 20 or newer; Debian 12's own
# nodejs is 18. Say so plainly instead of failing later inside npm.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "install-deps: Node.js 20 or newer is needed for the browser app and its tests" \
       "(found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
