#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs dependencies, builds, and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSSW_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)"
# The main job: the daemon in demo mode (127.0.0.1:5060, accounts 1000-1009, password demo).
exec build/release/tools/ssw-run --demo "$@"
