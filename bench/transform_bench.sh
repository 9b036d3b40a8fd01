#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds ssw_common (if needed) and bench/transform_bench.cpp against it, then prints numbers/s
# through 100, 10,000 and 100,000 rules: compiled engine versus every regex in turn.
# Usage: bench/transform_bench.sh [BUILD_DIR] [SECONDS_PER_MEASUREMENT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
seconds=${2:-1}
if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" --target ssw_common
lib_dir=$(dirname "$(find "$build" -name 'libssw-common.so' -print -quit)")
out="$build/transform_bench"
${CXX:-g++} -std=c++20 -O2 -DNDEBUG -I"$root/libcommon/include" "$here/transform_bench.cpp" \
    -L"$lib_dir" -Wl,-rpath,"$lib_dir" -lssw-common -lre2 -o "$out"
echo "ssw transform bench: numbers per CPU-second of one thread, load $(cut -d" " -f1 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ), $(uname -m), ${seconds}s per figure" >&2
"$out" "$seconds"
