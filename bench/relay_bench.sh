#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# RTP relay benchmark: STREAMS streams at 50 packets/s each from a generator socket through
# media::relay + net::media_sockets (recvmmsg, per-leg cipher in place, sendmmsg) to a receiver
# socket on loopback; plain and each mode (plain caller leg, encrypted gateway leg). Prints
# relayed packets/s, loss, added latency p50/p99 and the relay thread's CPU per 1,000 streams,
# and the CPU ratio of each mode to plain.
# Usage: bench/relay_bench.sh [STREAMS] [SECONDS]   (default 1000 streams, 5 s per mode)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/bench"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSSW_BUILD_BENCH=ON \
      -DSSW_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target relay_bench >/dev/null
"$build/bench/relay_bench" "${1:-1000}" "${2:-5}"
