#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Enforces the dependency rule of ARCHITECTURE.md on the includes of every file under
# libcommon/ (public headers, sources, private headers) and tools/. Exit 1 names each
# violation as file:line; exit 2 when the tree is not where it should be.
# Usage: check_layering.sh [ROOT]
set -u
root=${1:-.}
inc="$root/libcommon/include/ssw"
src="$root/libcommon/src"
if [ ! -d "$inc" ] || [ ! -d "$src" ] || [ ! -d "$root/tools" ]; then
    echo "layering: no libcommon/include/ssw, libcommon/src or tools/ under $root" >&2
    exit 2
fi

# The layers of ARCHITECTURE.md, bottom up. A module may include its own layer and the
# ones below; cli is beside core and serves only cmd and the tools.
declare -A layer=(
    [core]=0 [cli]=0
    [sip]=1 [sdp]=1 [rtp]=1 [crypto]=1 [params]=1 [transform]=1 [pcap]=1
    [trace]=2 [registrar]=2 [uplink]=2 [routing]=2 [b2bua]=2 [keepalive]=2 [cdr]=2
    [provision]=2 [media]=2
    [daemon]=3
    [net]=4
    [cmd]=5
)

# Third-party headers and the modules each may appear in (never in a public header,
# except CLI11, which is part of ssw::cli's interface).
third_party_owner() {
    case $1 in
        boost/*) owner=net ;;
        openssl/*) owner=crypto ;;
        pcap.h | pcap/*) owner=pcap ;;
        re2/*) owner=transform ;;
        sqlite3.h) owner='cdr registrar' ;;
        resolv.h | arpa/nameser.h) owner=net ;;
        CLI/*) owner=cli ;;
        *) owner='' ;;
    esac
}

fail=0
violation() {
    echo "layering: $1"
    fail=1
}

# module_of FILE: sets `mod` to the module a libcommon file belongs to, "tool" for tools/.
module_of() {
    local rel
    case $1 in
        "$inc"/*) rel=${1#"$inc/"} ;;
        "$src"/*) rel=${1#"$src/"} ;;
        *) mod=tool && return ;;
    esac
    mod=${rel%%/*}
}

# Every module directory must be placed in a layer, so a new module cannot slip past.
for dir in "$inc"/* "$src"/*; do
    [ -d "$dir" ] || continue
    mod=$(basename "$dir")
    if [ -z "${layer[$mod]+set}" ]; then
        violation "${dir#"$root/"}: module '$mod' has no layer in check_layering.sh (add it to ARCHITECTURE.md and here)"
    fi
done

deps_file=$(mktemp)
trap 'rm -f "$deps_file"' EXIT

while IFS= read -r -d '' file; do
    module_of "$file"
    if [ "$mod" != tool ] && [ -z "${layer[$mod]+set}" ]; then
        # Reported above for a directory; a file straight under include/ssw or src is not
        # in any module at all.
        [ -d "$inc/$mod" ] || [ -d "$src/$mod" ] ||
            violation "${file#"$root/"}: not inside a module directory"
        continue
    fi
    rel_file=${file#"$root/"}
    public=0
    [[ $file == "$inc"/* ]] && public=1
    while IFS= read -r hit; do
        line=${hit%%:*}
        text=${hit#*:}
        where="$rel_file:$line"
        if [[ $text =~ \#[[:space:]]*include[[:space:]]*\<([^>]+)\> ]]; then
            header=${BASH_REMATCH[1]}
            quoted=0
        elif [[ $text =~ \#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
            header=${BASH_REMATCH[1]}
            quoted=1
        else
            continue
        fi
        dep=''
        if [ $quoted = 0 ] && [[ $header == ssw/* ]]; then
            dep=${header#ssw/}
            dep=${dep%%/*}
        elif [ $quoted = 1 ] && [[ $header == */* ]]; then
            # "module/x_detail.hpp": a private header under libcommon/src/module/.
            dep=${header%%/*}
            if [ "$mod" != "$dep" ]; then
                violation "$where: $mod includes \"$header\", a private header of $dep"
            fi
        fi
        if [ -n "$dep" ]; then
            if [ "$mod" = tool ]; then
                if [ "$dep" != cli ] && [ "$dep" != cmd ]; then
                    violation "$where: a tool's main includes <$header> (only <ssw/cli/...> and <ssw/cmd/...>)"
                fi
                continue
            fi
            [ "$dep" = "$mod" ] && continue
            mine=${layer[$mod]:-}
            theirs=${layer[$dep]:-}
            if [ -z "$theirs" ]; then
                violation "$where: $mod includes <$header> of unknown module '$dep'"
            elif [ "$mod" = cli ] && [ "$dep" != core ]; then
                violation "$where: cli includes <$header> (cli depends on core only)"
            elif [ "$dep" = cli ] && [ "$mod" != cmd ]; then
                violation "$where: $mod includes <$header> (only cmd and the tools use cli)"
            elif [ "$theirs" -gt "$mine" ]; then
                violation "$where: $mod (layer $mine) includes <$header> of $dep (layer $theirs)"
            else
                echo "$mod $dep" >>"$deps_file"
            fi
            continue
        fi
        [ $quoted = 1 ] && continue
        third_party_owner "$header"
        [ -z "$owner" ] && continue
        if [ "$owner" = cli ] && [ "$mod" = tool ]; then
            violation "$where: a tool's main includes <$header> (CLI11 comes through <ssw/cli/app.hpp>)"
        elif [[ " $owner " != *" $mod "* ]]; then
            violation "$where: $mod includes <$header> (only $(echo "$owner" | sed "s# #/ and #g")/ may)"
        elif [ $public = 1 ] && [ "$owner" != cli ]; then
            violation "$where: public header includes <$header> (keep it in src/: pimpl)"
        fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$file")
done < <(find "$inc" "$src" "$root/tools" -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.h' \) -print0 | sort -z)

# Inside a layer modules may use each other, but never in a circle.
if [ -s "$deps_file" ]; then
    if ! cycle=$(sort -u "$deps_file" | tsort 2>&1 >/dev/null) || [ -n "$cycle" ]; then
        violation "modules include each other in a circle: $(echo "$cycle" | grep -v 'input contains a loop' | sed 's/^tsort: //' | tr '\n' ' ')"
    fi
fi
exit $fail
