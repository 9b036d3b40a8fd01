// SPDX-License-Identifier: MIT
// SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966), zero-copy, plus escape and IP helpers.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/sip/params.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ssw::sip {

enum class uri_scheme : std::uint8_t { sip, sips, tel, other };

// A parsed URI. Every view points into the text given to parse_uri. Escapes (%HH) are left
// as written; call unescape() for the decoded form.
struct uri {
    uri_scheme scheme = uri_scheme::other;
    std::string_view scheme_text; // as written, e.g. "sip", "SIP", "http"
    std::string_view user;        // sip/sips: before '@' (may be empty); tel: the number
    std::string_view password;    // after ':' in userinfo, or empty
    bool has_password = false;
    std::string_view host; // IPv6 references keep their brackets: "[2001:db8::1]"
    std::optional<std::uint16_t> port;
    param_list params;        // uri-parameters, raw text starting at ';'
    std::string_view headers; // after '?', without it; empty when absent
    bool has_headers = false;
    std::string_view opaque; // `other` schemes: everything after "scheme:"
    std::string_view text;   // the whole URI as written

    [[nodiscard]] bool is_sip() const noexcept
    {
        return scheme == uri_scheme::sip || scheme == uri_scheme::sips;
    }
    // host without IPv6 brackets.
    [[nodiscard]] std::string_view host_unbracketed() const noexcept;
    // The "transport" URI parameter or "" (RFC 3261 §19.1.1).
    [[nodiscard]] std::string_view transport() const noexcept
    {
        return params.value("transport").value_or(std::string_view{});
    }
};

// Parses an absolute URI. sip/sips (RFC 3261 §25.1 SIP-URI): userinfo with escapes,
// host (hostname, IPv4, or bracketed IPv6 checked against RFC 4291 text form), port 0-65535,
// uri-parameters and headers checked against their character sets. tel (RFC 3966): number
// and parameters. Any other syntactically valid scheme ("http:", "im:", "isbn:") is kept as
// `other` with an opaque part. No LWS is allowed anywhere in a URI.
// Fails with parse_error, where = "col N" within `text`.
result<uri> parse_uri(std::string_view text);

// Decodes %HH escapes. Fails with parse_error on a '%' not followed by two hex digits.
// A decoded NUL is kept (RFC 4475 escnull).
result<std::string> unescape(std::string_view text);

// True for a dotted-quad IPv4 address (each part 0-255, 1-3 digits).
[[nodiscard]] bool is_ipv4_address(std::string_view text) noexcept;
// True for an IPv6 address in RFC 4291 §2.2 text form (no brackets), including "::" and an
// embedded IPv4 tail ("::ffff:192.0.2.1"). Strict: "2001:db8:::192.0.2.1" is false.
[[nodiscard]] bool is_ipv6_address(std::string_view text) noexcept;
// True for "[" IPv6address "]", also tolerating RFC 3261's ABNF bug "[2001:db8:::192.0.2.1]"
// (":::" before an embedded IPv4 address), which RFC 5118 §4.10 says must be accepted.
[[nodiscard]] bool is_ipv6_reference(std::string_view text) noexcept;

} // namespace ssw::sip
