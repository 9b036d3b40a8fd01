// SPDX-License-Identifier: MIT
// URI parsing (sip, sips, tel, other), %-unescaping, IPv4/IPv6 literal checks.
#include "sip/scan_detail.hpp"

#include <ssw/sip/uri.hpp>

namespace ssw::sip {
namespace {

using detail::value_error;

// Checks that every char of `s` is in `bits` or is a valid %HH escape; returns the offset of
// the first bad char, or npos.
std::size_t check_escaped(std::string_view s, std::uint8_t bits) noexcept
{
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size() || !detail::is_hex(s[i + 1]) || !detail::is_hex(s[i + 2])) {
                return i;
            }
            i += 2;
            continue;
        }
        if (!detail::has_class(c, bits)) {
            return i;
        }
    }
    return std::string_view::npos;
}

bool is_hostname(std::string_view s) noexcept
{
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        // '_' is not in the RFC 3261 hostname grammar but appears in deployed host names.
        if (!detail::has_class(c, detail::cc_host) && c != '_') {
            return false;
        }
    }
    return true;
}

bool is_uri_param_char(char c) noexcept
{
    return detail::has_class(
        c, static_cast<std::uint8_t>(detail::cc_unreserved | detail::cc_param_extra));
}

// uri-parameters: *( ";" pname [ "=" pvalue ] ), pname/pvalue = 1*paramchar.
result<void> check_uri_params(std::string_view s, std::size_t base)
{
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] != ';') {
            return unexpected(value_error("expected ';' in URI parameters", base + i));
        }
        ++i;
        std::size_t start = i;
        bool in_value = false;
        while (i < s.size() && s[i] != ';') {
            const char c = s[i];
            if (c == '=' && !in_value) {
                if (i == start) {
                    return unexpected(value_error("expected a URI parameter name", base + i));
                }
                in_value = true;
                ++i;
                start = i;
                continue;
            }
            if (c == '%') {
                if (i + 2 >= s.size() || !detail::is_hex(s[i + 1]) || !detail::is_hex(s[i + 2])) {
                    return unexpected(value_error("bad %-escape in URI parameter", base + i));
                }
                i += 3;
                continue;
            }
            if (!is_uri_param_char(c)) {
                return unexpected(
                    value_error(std::string("unexpected '") + c + "' in URI parameter", base + i));
            }
            ++i;
        }
        if (i == start) {
            return unexpected(value_error(in_value ? "expected a URI parameter value after '='"
                                                   : "expected a URI parameter name",
                                          base + i));
        }
    }
    return {};
}

result<void> parse_hostport(std::string_view s, std::size_t base, uri& u)
{
    std::size_t host_end = 0;
    if (!s.empty() && s[0] == '[') {
        const auto close = s.find(']');
        if (close == std::string_view::npos) {
            return unexpected(value_error("expected ']' after an IPv6 reference", base + s.size()));
        }
        if (!is_ipv6_reference(s.substr(0, close + 1))) {
            return unexpected(value_error("malformed IPv6 address in host", base + 1));
        }
        host_end = close + 1;
    } else {
        host_end = s.find(':');
        if (host_end == std::string_view::npos) {
            host_end = s.size();
        }
        if (!is_hostname(s.substr(0, host_end))) {
            return unexpected(
                value_error(host_end == 0 ? "expected a host" : "malformed host", base));
        }
    }
    u.host = s.substr(0, host_end);
    if (host_end < s.size()) {
        if (s[host_end] != ':') {
            return unexpected(value_error("expected ':' or end after the host", base + host_end));
        }
        const auto port = detail::parse_bounded(s.substr(host_end + 1), 65535);
        if (!port) {
            return unexpected(value_error("expected a port number 0-65535", base + host_end + 1));
        }
        u.port = static_cast<std::uint16_t>(*port);
    }
    return {};
}

result<void> parse_sip_rest(std::string_view rest, std::size_t base, uri& u)
{
    // userinfo ends at the first '@': neither params nor headers may hold an unescaped '@'.
    std::size_t pos = 0;
    const auto at = rest.find('@');
    if (at != std::string_view::npos) {
        const std::string_view userinfo = rest.substr(0, at);
        const auto colon = userinfo.find(':');
        u.user = userinfo.substr(0, colon);
        if (u.user.empty()) {
            return unexpected(value_error("expected a user before '@'", base));
        }
        const auto bad_user = check_escaped(
            u.user, static_cast<std::uint8_t>(detail::cc_unreserved | detail::cc_user_extra));
        if (bad_user != std::string_view::npos) {
            return unexpected(
                value_error("unexpected character in the URI user part", base + bad_user));
        }
        if (colon != std::string_view::npos) {
            u.has_password = true;
            u.password = userinfo.substr(colon + 1);
            const auto bad =
                check_escaped(u.password, static_cast<std::uint8_t>(detail::cc_unreserved |
                                                                    detail::cc_password_extra));
            if (bad != std::string_view::npos) {
                return unexpected(value_error("unexpected character in the URI password",
                                              base + colon + 1 + bad));
            }
        }
        pos = at + 1;
    }
    std::size_t end = rest.find_first_of(";?", pos);
    if (end == std::string_view::npos) {
        end = rest.size();
    }
    SSW_TRY(parse_hostport(rest.substr(pos, end - pos), base + pos, u));
    if (end < rest.size() && rest[end] == ';') {
        std::size_t pend = rest.find('?', end);
        if (pend == std::string_view::npos) {
            pend = rest.size();
        }
        SSW_TRY(check_uri_params(rest.substr(end, pend - end), base + end));
        u.params = param_list(rest.substr(end, pend - end));
        end = pend;
    }
    if (end < rest.size() && rest[end] == '?') {
        u.has_headers = true;
        u.headers = rest.substr(end + 1);
        // '=' and '&' separate hname/hvalue pairs.
        for (std::size_t i = 0; i < u.headers.size(); ++i) {
            const char c = u.headers[i];
            if (c == '%') {
                if (i + 2 >= u.headers.size() || !detail::is_hex(u.headers[i + 1]) ||
                    !detail::is_hex(u.headers[i + 2])) {
                    return unexpected(
                        value_error("bad %-escape in URI headers", base + end + 1 + i));
                }
                i += 2;
                continue;
            }
            if (c != '=' && c != '&' &&
                !detail::has_class(
                    c, static_cast<std::uint8_t>(detail::cc_unreserved | detail::cc_hnv_extra))) {
                return unexpected(value_error(std::string("unexpected '") + c + "' in URI headers",
                                              base + end + 1 + i));
            }
        }
    }
    return {};
}

result<void> parse_tel_rest(std::string_view rest, std::size_t base, uri& u)
{
    const auto semi = rest.find(';');
    u.user = rest.substr(0, semi);
    if (u.user.empty()) {
        return unexpected(value_error("expected a telephone number after 'tel:'", base));
    }
    for (std::size_t i = 0; i < u.user.size(); ++i) {
        const char c = u.user[i];
        if (!(detail::is_hex(c) || c == '+' || c == '-' || c == '.' || c == '(' || c == ')' ||
              c == '*' || c == '#' || c == 'p' || c == 'w')) {
            return unexpected(value_error("unexpected character in a telephone number", base + i));
        }
    }
    if (semi != std::string_view::npos) {
        SSW_TRY(check_uri_params(rest.substr(semi), base + semi));
        u.params = param_list(rest.substr(semi));
    }
    return {};
}

} // namespace

std::string_view uri::host_unbracketed() const noexcept
{
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        return host.substr(1, host.size() - 2);
    }
    return host;
}

result<uri> parse_uri(std::string_view text)
{
    uri u;
    u.text = text;
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        return unexpected(value_error("expected 'scheme:' at the start of a URI", 0));
    }
    const std::string_view scheme = text.substr(0, colon);
    if (!detail::is_alpha(scheme[0])) {
        return unexpected(value_error("a URI scheme must start with a letter", 0));
    }
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        const char c = scheme[i];
        if (!(detail::is_alpha(c) || detail::is_digit(c) || c == '+' || c == '-' || c == '.')) {
            return unexpected(value_error("unexpected character in a URI scheme", i));
        }
    }
    u.scheme_text = scheme;
    const std::string_view rest = text.substr(colon + 1);
    for (std::size_t i = 0; i < rest.size(); ++i) {
        const auto ch = static_cast<unsigned char>(rest[i]);
        if (ch <= 0x20 || ch == 0x7f || ch == '<' || ch == '>' || ch == '"') {
            return unexpected(
                value_error("unexpected whitespace or delimiter inside a URI", colon + 1 + i));
        }
    }
    if (detail::iequals(scheme, "sip") || detail::iequals(scheme, "sips")) {
        u.scheme = scheme.size() == 3 ? uri_scheme::sip : uri_scheme::sips;
        SSW_TRY(parse_sip_rest(rest, colon + 1, u));
    } else if (detail::iequals(scheme, "tel")) {
        u.scheme = uri_scheme::tel;
        SSW_TRY(parse_tel_rest(rest, colon + 1, u));
    } else {
        if (rest.empty()) {
            return unexpected(value_error("expected text after the URI scheme", colon + 1));
        }
        u.scheme = uri_scheme::other;
        u.opaque = rest;
    }
    return u;
}

result<std::string> unescape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    auto hex = [](char c) { return detail::is_digit(c) ? c - '0' : detail::lower(c) - 'a' + 10; };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size() || !detail::is_hex(text[i + 1]) || !detail::is_hex(text[i + 2])) {
            return unexpected(value_error("expected two hex digits after '%'", i));
        }
        out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
        i += 2;
    }
    return out;
}

bool is_ipv4_address(std::string_view text) noexcept
{
    int parts = 0;
    std::size_t i = 0;
    while (true) {
        std::size_t digits = 0;
        unsigned value = 0;
        while (i < text.size() && detail::is_digit(text[i]) && digits < 4) {
            value = value * 10 + static_cast<unsigned>(text[i] - '0');
            ++digits;
            ++i;
        }
        if (digits == 0 || digits > 3 || value > 255) {
            return false;
        }
        ++parts;
        if (parts == 4) {
            return i == text.size();
        }
        if (i >= text.size() || text[i] != '.') {
            return false;
        }
        ++i;
    }
}

bool is_ipv6_address(std::string_view text) noexcept
{
    if (text.size() < 2 || text.size() > 45) {
        return false;
    }
    int groups = 0;
    bool compressed = false;
    std::size_t i = 0;
    if (text.substr(0, 2) == "::") {
        compressed = true;
        i = 2;
        if (i == text.size()) {
            return true;
        }
    } else if (text[0] == ':') {
        return false;
    }
    while (i < text.size()) {
        // An IPv4 tail takes the place of the last two groups.
        const auto next_colon = text.find(':', i);
        const std::string_view part = text.substr(
            i, next_colon == std::string_view::npos ? std::string_view::npos : next_colon - i);
        if (next_colon == std::string_view::npos && part.find('.') != std::string_view::npos) {
            if (!is_ipv4_address(part)) {
                return false;
            }
            groups += 2;
            break;
        }
        if (part.empty() || part.size() > 4) {
            return false;
        }
        for (char c : part) {
            if (!detail::is_hex(c)) {
                return false;
            }
        }
        ++groups;
        if (next_colon == std::string_view::npos) {
            break;
        }
        i = next_colon + 1;
        if (i < text.size() && text[i] == ':') {
            if (compressed) {
                return false;
            }
            compressed = true;
            ++i;
            if (i == text.size()) {
                break;
            }
            if (text[i] == ':') {
                return false;
            }
        } else if (i == text.size()) {
            return false;
        }
    }
    return compressed ? groups <= 7 : groups == 8;
}

bool is_ipv6_reference(std::string_view text) noexcept
{
    if (text.size() <= 2 || text.front() != '[' || text.back() != ']') {
        return false;
    }
    const std::string_view inner = text.substr(1, text.size() - 2);
    if (is_ipv6_address(inner)) {
        return true;
    }
    // RFC 5118 §4.10: RFC 3261's ABNF (from RFC 2373) admits ":::" before an embedded IPv4
    // address; tolerate exactly that form by reading ":::" as "::".
    const auto triple = inner.find(":::");
    if (triple == std::string_view::npos || inner.find(':', triple + 3) != std::string_view::npos ||
        !is_ipv4_address(inner.substr(triple + 3))) {
        return false;
    }
    std::string fixed(inner.substr(0, triple + 2));
    fixed.append(inner.substr(triple + 3));
    return is_ipv6_address(fixed);
}

} // namespace ssw::sip
