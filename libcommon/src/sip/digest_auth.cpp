// SPDX-License-Identifier: MIT
// Challenge and credentials parsing for SIP authentication headers.
#include "sip/scan_detail.hpp"

#include <ssw/sip/digest_auth.hpp>

namespace ssw::sip {
namespace {

using detail::value_error;

} // namespace

bool auth_value::is_digest() const noexcept
{
    return detail::iequals(scheme, "Digest");
}

std::optional<std::string_view> auth_value::find(std::string_view name) const noexcept
{
    for (const auto& p : params) {
        if (detail::iequals(p.name, name)) {
            return p.value;
        }
    }
    return std::nullopt;
}

result<auth_value> parse_auth_value(std::string_view text)
{
    auth_value a;
    detail::cursor c(text);
    c.skip_lws();
    a.scheme = c.take_token();
    if (a.scheme.empty()) {
        return unexpected(value_error("expected an authentication scheme", c.pos()));
    }
    c.skip_lws();
    bool first = true;
    while (!c.eof()) {
        if (!first && !c.consume_sep(',')) {
            return unexpected(value_error("expected ',' between auth parameters", c.pos()));
        }
        first = false;
        const std::size_t at = c.pos();
        auth_param p;
        p.name = c.take_token();
        if (p.name.empty()) {
            return unexpected(value_error("expected an auth parameter name", at));
        }
        if (!c.consume_sep('=')) {
            return unexpected(value_error("expected '=' after auth parameter name", c.pos()));
        }
        if (c.peek() == '"') {
            const std::size_t qat = c.pos();
            auto q = detail::take_quoted(c);
            if (!q) {
                return unexpected(value_error("unterminated quoted auth parameter value", qat));
            }
            p.value = *q;
            p.quoted = true;
        } else {
            p.value = c.take_token();
            if (p.value.empty()) {
                return unexpected(value_error("expected an auth parameter value", c.pos()));
            }
        }
        c.skip_lws();
        if (detail::iequals(p.name, "realm")) {
            a.realm = p.value;
        } else if (detail::iequals(p.name, "nonce")) {
            a.nonce = p.value;
        } else if (detail::iequals(p.name, "opaque")) {
            a.opaque = p.value;
        } else if (detail::iequals(p.name, "algorithm")) {
            a.algorithm = p.value;
        } else if (detail::iequals(p.name, "qop")) {
            a.qop = p.value;
        } else if (detail::iequals(p.name, "domain")) {
            a.domain = p.value;
        } else if (detail::iequals(p.name, "stale")) {
            if (!detail::iequals(p.value, "true") && !detail::iequals(p.value, "false")) {
                return unexpected(value_error("stale must be true or false", at));
            }
            a.stale = detail::iequals(p.value, "true");
        } else if (detail::iequals(p.name, "username")) {
            a.username = p.value;
        } else if (detail::iequals(p.name, "uri")) {
            a.uri = p.value;
        } else if (detail::iequals(p.name, "response")) {
            a.response = p.value;
        } else if (detail::iequals(p.name, "cnonce")) {
            a.cnonce = p.value;
        } else if (detail::iequals(p.name, "nc")) {
            if (p.value.size() != 8) {
                return unexpected(value_error("nc must be 8 hex digits", at));
            }
            for (char ch : p.value) {
                if (!detail::is_hex(ch)) {
                    return unexpected(value_error("nc must be 8 hex digits", at));
                }
            }
            a.nc = p.value;
        }
        a.params.push_back(p);
    }
    return a;
}

std::string unquote(std::string_view quoted_content)
{
    std::string out;
    out.reserve(quoted_content.size());
    for (std::size_t i = 0; i < quoted_content.size(); ++i) {
        if (quoted_content[i] == '\\' && i + 1 < quoted_content.size()) {
            ++i;
        }
        out.push_back(quoted_content[i]);
    }
    return out;
}

} // namespace ssw::sip
