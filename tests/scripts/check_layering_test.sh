#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tests check_layering.sh itself: a small tree that obeys the rule passes; each deliberate
# violation, added alone, fails with a message naming the file and the rule.
# Usage: check_layering_test.sh PATH/TO/check_layering.sh
set -u
check=${1:?usage: check_layering_test.sh PATH/TO/check_layering.sh}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# A tree with one file per module of every layer, including what the rule allows:
# net over daemon, cmd over cli, same-layer use, third-party headers in their own sources.
make_tree() {
    local t=$1 m
    rm -rf "$t"
    for m in core cli sip sdp rtp crypto params transform pcap trace registrar uplink routing \
        b2bua keepalive cdr provision media daemon net cmd; do
        mkdir -p "$t/libcommon/include/ssw/$m" "$t/libcommon/src/$m"
        printf '#pragma once\n#include <string>\n#include <ssw/core/result.hpp>\n' \
            >"$t/libcommon/include/ssw/$m/$m.hpp"
        printf '#include <ssw/%s/%s.hpp>\n' "$m" "$m" >"$t/libcommon/src/$m/$m.cpp"
    done
    printf '#pragma once\n#include <CLI/CLI.hpp>\n' >"$t/libcommon/include/ssw/cli/app.hpp"
    echo '#include <ssw/sip/sip.hpp>' >>"$t/libcommon/include/ssw/sdp/sdp.hpp"
    echo '#include <ssw/daemon/daemon.hpp>' >>"$t/libcommon/src/net/net.cpp"
    echo '#include <boost/asio.hpp>' >>"$t/libcommon/src/net/net.cpp"
    echo '#include <ssw/cli/app.hpp>' >>"$t/libcommon/src/cmd/cmd.cpp"
    echo '#include <ssw/b2bua/b2bua.hpp>' >>"$t/libcommon/src/media/media.cpp"
    echo '#include <openssl/evp.h>' >>"$t/libcommon/src/crypto/crypto.cpp"
    printf '#pragma once\n#include <openssl/evp.h>\n' >"$t/libcommon/src/crypto/openssl_detail.hpp"
    echo '#include "crypto/openssl_detail.hpp"' >>"$t/libcommon/src/crypto/crypto.cpp"
    echo '#include <sqlite3.h>' >>"$t/libcommon/src/cdr/cdr.cpp"
    mkdir -p "$t/tools/ssw-x"
    printf '#include <ssw/cli/app.hpp>\n#include <ssw/cmd/cmd.hpp>\n' >"$t/tools/ssw-x/main.cpp"
}

# expect_fail NAME FILE LINE MESSAGE-PART: FILE (relative) gets LINE appended; the check
# must exit 1 and print MESSAGE-PART.
expect_fail() {
    local name=$1 file=$2 line=$3 want=$4 out rc
    make_tree "$work/t"
    mkdir -p "$(dirname "$work/t/$file")"
    echo "$line" >>"$work/t/$file"
    out=$("$check" "$work/t" 2>&1)
    rc=$?
    if [ $rc -ne 1 ] || [[ $out != *"$want"* ]]; then
        echo "FAIL: $name: exit $rc, expected 1 and '$want' in:"
        echo "$out" | sed 's/^/    /'
        failures=$((failures + 1))
    else
        echo "ok: $name"
    fi
}

make_tree "$work/t"
if out=$("$check" "$work/t" 2>&1); then
    echo "ok: a tree that obeys the rule passes"
else
    echo "FAIL: a tree that obeys the rule was refused:"
    echo "$out" | sed 's/^/    /'
    failures=$((failures + 1))
fi

expect_fail "a lower layer includes b2bua" libcommon/src/sip/sip.cpp \
    '#include <ssw/b2bua/b2bua.hpp>' \
    'libcommon/src/sip/sip.cpp:2: sip (layer 1) includes <ssw/b2bua/b2bua.hpp> of b2bua (layer 2)'
expect_fail "daemon includes net (net sits above daemon)" libcommon/include/ssw/daemon/daemon.hpp \
    '#include <ssw/net/net.hpp>' 'daemon (layer 3) includes <ssw/net/net.hpp> of net (layer 4)'
expect_fail "a registrar source includes OpenSSL" libcommon/src/registrar/digest.cpp \
    '#include <openssl/rand.h>' \
    'libcommon/src/registrar/digest.cpp:1: registrar includes <openssl/rand.h> (only crypto/ may)'
expect_fail "Asio outside net" libcommon/src/cmd/run_daemon.cpp '#include <boost/asio.hpp>' \
    'cmd includes <boost/asio.hpp> (only net/ may)'
expect_fail "a public header of crypto includes OpenSSL" libcommon/include/ssw/crypto/crypto.hpp \
    '#include <openssl/evp.h>' 'public header includes <openssl/evp.h>'
expect_fail "pcap.h outside pcap" libcommon/src/trace/trace.cpp '#include <pcap.h>' \
    'trace includes <pcap.h> (only pcap/ may)'
expect_fail "re2 outside transform" libcommon/src/b2bua/b2bua.cpp '#include <re2/re2.h>' \
    'b2bua includes <re2/re2.h> (only transform/ may)'
expect_fail "another module's private header" libcommon/src/rtp/rtp.cpp \
    '#include "crypto/openssl_detail.hpp"' \
    'rtp includes "crypto/openssl_detail.hpp", a private header of crypto'
expect_fail "a tool includes a library module" tools/ssw-x/main.cpp \
    '#include <ssw/core/result.hpp>' "a tool's main includes <ssw/core/result.hpp>"
expect_fail "a tool includes CLI11 itself" tools/ssw-x/main.cpp '#include <CLI/CLI.hpp>' \
    "a tool's main includes <CLI/CLI.hpp>"
expect_fail "cli includes more than core" libcommon/src/cli/cli.cpp \
    '#include <ssw/sip/sip.hpp>' 'cli includes <ssw/sip/sip.hpp> (cli depends on core only)'
expect_fail "a module below cmd includes cli" libcommon/src/daemon/daemon.cpp \
    '#include <ssw/cli/cli.hpp>' 'daemon includes <ssw/cli/cli.hpp> (only cmd and the tools use cli)'
expect_fail "a module without a layer" libcommon/src/cluster/lease.cpp \
    '#include <ssw/core/result.hpp>' "module 'cluster' has no layer"
expect_fail "an include of an unknown module" libcommon/src/media/media.cpp \
    '#include <ssw/srtp/session.hpp>' "includes <ssw/srtp/session.hpp> of unknown module 'srtp'"
expect_fail "two modules of one layer include each other" libcommon/src/sip/sip.cpp \
    '#include <ssw/sdp/sdp.hpp>' 'modules include each other in a circle'
expect_fail "a source file outside any module" libcommon/src/stray.cpp \
    '#include <ssw/core/result.hpp>' 'libcommon/src/stray.cpp: not inside a module directory'

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) of check_layering.sh failed"
    exit 1
fi
