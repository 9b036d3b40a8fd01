// SPDX-License-Identifier: MIT
// Authentication headers: WWW-/Proxy-Authenticate challenges and (Proxy-)Authorization
// credentials (RFC 3261 §20.27/20.28/20.7/20.44/25.1, RFC 2617/7616 digest parameters).
#pragma once

#include <ssw/core/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::sip {

// One auth-param. Quoted values are given without quotes, quoted-pairs left as written.
struct auth_param {
    std::string_view name;
    std::string_view value;
    bool quoted = false;
};

// A parsed challenge or credentials value: the scheme ("Digest" or any other token) and its
// parameters in order. The named digest fields are filled when present ("" otherwise);
// they are only meaningful for the Digest scheme but are filled for any scheme.
struct auth_value {
    std::string_view scheme;
    std::vector<auth_param> params;

    std::string_view realm;
    std::string_view nonce;
    std::string_view opaque;
    std::string_view algorithm;
    std::string_view qop;      // challenge: quoted list "auth,auth-int"; credentials: one token
    std::string_view domain;   // challenge
    bool stale = false;        // challenge: stale=true (case-insensitive)
    std::string_view username; // credentials
    std::string_view uri;      // credentials (digest-uri, kept as written)
    std::string_view response; // credentials: 32 hex digits for MD5
    std::string_view cnonce;   // credentials
    std::string_view nc;       // credentials: 8 hex digits

    // True for the Digest scheme (case-insensitive).
    [[nodiscard]] bool is_digest() const noexcept;
    // The first parameter named `name` (case-insensitive), or nullopt.
    [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const noexcept;
};

// Parses `scheme LWS auth-param *(COMMA auth-param)` (RFC 3261 §25.1 challenge and
// credentials; both share this shape). auth-param = token LWS* "=" LWS* (token /
// quoted-string). Digest-specific checks: nc is 8 hex digits, stale is true/false.
// A scheme with no parameters is accepted (e.g. "Basic" alone is unusual but harmless).
// Fails with parse_error, where = "col N".
result<auth_value> parse_auth_value(std::string_view text);

// Removes the quoted-pair backslashes of a quoted-string's content ("a\"b" -> a"b).
[[nodiscard]] std::string unquote(std::string_view quoted_content);

} // namespace ssw::sip
