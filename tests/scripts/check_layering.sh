#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Enforces the dependency rule of ARCHITECTURE.md on includes. Exit 1 names each violation.
set -u
root=${1:-.}
inc="$root/libcommon/include/ssw"
fail=0
violation() { echo "layering: $1"; fail=1; }

check_header_rule() { # pattern, allowed module dir(s) (regex), description
    local pattern=$1 allowed=$2 what=$3
    while IFS= read -r hit; do
        file=${hit%%:*}
        rel=${file#"$inc/"}
        if ! [[ $rel =~ ^($allowed)/ ]]; then
            violation "$rel includes $what (only $allowed/ may)"
        fi
    done < <(grep -rEn "#include *<$pattern" "$inc" 2>/dev/null)
}
check_header_rule 'boost/asio' 'net' 'Boost.Asio'
check_header_rule 'pcap' 'pcap' '<pcap.h>'
check_header_rule 'openssl/' 'crypto' 'OpenSSL'
check_header_rule 're2/' 'transform' 're2'
check_header_rule 'sqlite3' 'cdr|registrar' 'SQLite'

# Tools see only ssw/cli and ssw/cmd.
while IFS= read -r hit; do
    violation "tools: ${hit} (a main may include only <ssw/cli/...> and <ssw/cmd/...>)"
done < <(grep -rEn '#include *<ssw/' "$root/tools" | grep -vE '<ssw/(cli|cmd)/')

# Lower layers never include higher ones.
layer_of() {
    case $1 in
        core) echo 0 ;;
        sip|sdp|rtp|crypto|params|transform|pcap) echo 1 ;;
        trace|registrar|uplink|routing|b2bua|keepalive|cdr|provision|media) echo 2 ;;
        net) echo 3 ;;
        daemon) echo 3 ;;
        cmd) echo 4 ;;
        cli) echo 0 ;; # cli holds the shared CLI plumbing; it depends on core only
        *) echo 9 ;;
    esac
}
for dir in "$inc"/* "$root"/libcommon/src/*; do
    [ -d "$dir" ] || continue
    mod=$(basename "$dir")
    mine=$(layer_of "$mod")
    while IFS= read -r dep; do
        [ "$dep" = "$mod" ] && continue
        theirs=$(layer_of "$dep")
        if [ "$mod" = cli ] && [ "$dep" != core ]; then
            violation "cli includes ssw/$dep (cli depends on core only)"
        elif [ "$theirs" -gt "$mine" ]; then
            violation "$mod (layer $mine) includes ssw/$dep (layer $theirs)"
        fi
    done < <(grep -rhoE '#include *<ssw/[a-z_]+/' "$dir" | sed -E 's|.*<ssw/([a-z_]+)/|\1|' | sort -u)
done
exit $fail
