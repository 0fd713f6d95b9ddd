#!/usr/bin/env bash
# Installs everything splitstream needs to build, test and run, from Debian's
# packages. Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libsimdjson-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libtomlplusplus-dev libpugixml-dev libssl-dev
  clang clang-format libclang-rt-dev llvm
  python3 procps psmisc curl ccache
  nats-server libnats-dev liburing-dev
)
if [ "${SPLITSTREAM_WITH_BROWSER:-0}" = 1 ]; then
  packages+=(chromium)
  # A machine may already have Node.js from elsewhere; Debian's npm conflicts with it.
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
