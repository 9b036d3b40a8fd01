// SPDX-License-Identifier: MIT
// name-addr / addr-spec with header parameters: From, To, Contact, Route, P-Asserted-Identity.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/sip/params.hpp>
#include <ssw/sip/uri.hpp>

#include <string_view>
#include <vector>

namespace ssw::sip {

// `[display-name] <URI> *(;param)` or `URI *(;param)` (RFC 3261 §20.10, §25.1).
// Views point into the parsed text.
struct name_addr {
    std::string_view display_name; // without quotes; quoted-pairs left as written; may be ""
    bool display_quoted = false;
    bool angle_brackets = false; // true for the name-addr form
    uri address;                 // the URI (any scheme; `other` kept opaque)
    param_list params;           // header parameters after the URI (tag, expires, q, ...)

    // The "tag" parameter (RFC 3261 §19.3) or "" when there is none.
    [[nodiscard]] std::string_view tag() const noexcept
    {
        return params.value("tag").value_or(std::string_view{});
    }
};

// Parses one name-addr or addr-spec followed by header parameters, the whole of `text`.
// Rules enforced (RFC 3261 §20.10, §25.1; RFC 4475 §3.1.2.6, .13, .14, .15):
// - a display name is a quoted-string or tokens separated by LWS (no ',' or other specials);
// - no whitespace inside <...>;
// - in the addr-spec form the URI must not contain ',', '?' or ';' is taken as the start
//   of header parameters (a URI with '?' must be enclosed in <>);
// - header parameters are token [= token / host / quoted-string].
// Fails with parse_error, where = "col N".
result<name_addr> parse_name_addr(std::string_view text);

// Splits a header value on top-level commas (outside quoted strings and <...>), RFC 3261
// §7.3.1. Elements are trimmed of LWS; empty elements are kept so callers can reject them.
[[nodiscard]] std::vector<std::string_view> split_list(std::string_view value);

// The non-allocating step behind split_list: returns the element starting at `pos` and
// moves `pos` past its comma, or sets it to npos after the last element. Start with pos = 0.
[[nodiscard]] std::string_view next_list_element(std::string_view value, std::size_t& pos) noexcept;

} // namespace ssw::sip
