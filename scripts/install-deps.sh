#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian 12 package ssw needs to build, test and benchmark. Idempotent.
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --bench  also the peers the benchmarks compare against
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config ninja-build
    libcli11-dev libpcap-dev libssl-dev libre2-dev libboost-dev catch2 libsqlite3-dev
    clang-14 libclang-rt-14-dev clang-format-14)
test_pkgs=(sip-tester sipsak tshark tcpdump groff-base iproute2 sipvicious espeak-ng sox python3
    kamailio)
bench_pkgs=(kamailio-extra-modules hyperfine)

want=("${build_pkgs[@]}" "${test_pkgs[@]}")
if [[ "${1:-}" == "--bench" ]]; then
    want+=("${bench_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it before it asks.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
