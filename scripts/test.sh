#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs dependencies, builds, and runs every test: the release build (warnings are
# errors), the same suite under ASan+UBSan, and a bounded libFuzzer run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/install-deps.sh

echo "== release build + full suite"
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSSW_WERROR=ON >/dev/null
cmake --build build/ci -j "$jobs"
ctest --test-dir build/ci --output-on-failure -j "$jobs" --timeout 600

echo "== ASan+UBSan build + suite"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSSW_WERROR=ON \
    -DSSW_SANITIZE=address,undefined >/dev/null
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/asan --output-on-failure -j "$jobs" --timeout 900 -E '\(slow\)'

if ls tests/fuzz/fuzz_*.cpp >/dev/null 2>&1; then
    echo "== libFuzzer targets (clang, ASan+UBSan), bounded runs"
    CXX=clang++-14 cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DSSW_BUILD_FUZZERS=ON -DSSW_SANITIZE=address,undefined -DSSW_INTEROP_TESTS=OFF \
        -DSSW_FUZZ_SECONDS="${SSW_FUZZ_SECONDS:-20}" >/dev/null
    cmake --build build/fuzz -j "$jobs" --target ssw_fuzzers
    ctest --test-dir build/fuzz --output-on-failure -j "$jobs" -L fuzz
fi
