// SPDX-License-Identifier: MIT
// name-addr / addr-spec parsing and top-level comma splitting of list headers.
#include "sip/scan_detail.hpp"

#include <ssw/sip/name_addr.hpp>

namespace ssw::sip {
namespace {

using detail::value_error;

bool addr_spec_char(char c) noexcept
{
    return c != ';' && c != ',' && c != '<' && c != '>' && c != '"' && !detail::is_lws(c);
}

} // namespace

result<name_addr> parse_name_addr(std::string_view text)
{
    name_addr na;
    detail::cursor c(text);
    c.skip_lws();
    bool bracketed = false;
    if (c.peek() == '"') {
        const std::size_t at = c.pos();
        auto q = detail::take_quoted(c);
        if (!q) {
            return unexpected(value_error("unterminated quoted string in display name", at));
        }
        na.display_name = *q;
        na.display_quoted = true;
        c.skip_lws();
        if (c.peek() != '<') {
            return unexpected(value_error("expected '<' after the display name", c.pos()));
        }
        bracketed = true;
    } else {
        const std::size_t start = c.pos();
        std::size_t last_end = start;
        std::size_t tokens = 0;
        while (true) {
            if (c.take_token().empty()) {
                break;
            }
            ++tokens;
            last_end = c.pos();
            c.skip_lws();
        }
        if (c.peek() == '<') {
            na.display_name = text.substr(start, last_end - start);
            bracketed = true;
        } else {
            if (tokens > 0 && c.peek() != ':' &&
                text.find('<', c.pos()) != std::string_view::npos) {
                // RFC 4475 baddn: an unquoted display name may hold only tokens and LWS.
                return unexpected(
                    value_error("a display name with special characters must be quoted", c.pos()));
            }
            c.seek(start);
        }
    }

    if (bracketed) {
        c.consume('<');
        const std::size_t uri_start = c.pos();
        const auto close = text.find('>', uri_start);
        if (close == std::string_view::npos) {
            return unexpected(value_error("expected '>' to close the URI", text.size()));
        }
        const std::string_view uri_text = text.substr(uri_start, close - uri_start);
        for (std::size_t i = 0; i < uri_text.size(); ++i) {
            if (detail::is_lws(uri_text[i])) {
                // RFC 4475 §3.1.2.14: LAQUOT/RAQUOT admit no whitespace inside.
                return unexpected(value_error("whitespace inside <...>", uri_start + i));
            }
        }
        auto u = parse_uri(uri_text);
        if (!u) {
            return unexpected(detail::shift_error(std::move(u).error(), uri_start));
        }
        na.address = *u;
        na.angle_brackets = true;
        c.seek(close + 1);
    } else {
        const std::size_t uri_start = c.pos();
        const std::string_view uri_text = c.take_while(addr_spec_char);
        if (uri_text.empty()) {
            return unexpected(value_error("expected a URI or a display name", uri_start));
        }
        const auto q = uri_text.find('?');
        if (q != std::string_view::npos) {
            // RFC 3261 §20: a URI with ',', '?' or ';' must be enclosed in <> (RFC 4475 regbadct).
            return unexpected(
                value_error("a URI with headers ('?') must be enclosed in <>", uri_start + q));
        }
        auto u = parse_uri(uri_text);
        if (!u) {
            return unexpected(detail::shift_error(std::move(u).error(), uri_start));
        }
        na.address = *u;
    }

    const std::size_t params_start = c.pos();
    auto params = parse_header_params(text.substr(params_start));
    if (!params) {
        return unexpected(detail::shift_error(std::move(params).error(), params_start));
    }
    na.params = param_list(detail::trim_lws(text.substr(params_start)));
    return na;
}

std::string_view next_list_element(std::string_view value, std::size_t& pos) noexcept
{
    const std::size_t start = pos;
    bool in_quotes = false;
    bool in_angle = false;
    for (std::size_t i = start; i < value.size(); ++i) {
        const char c = value[i];
        if (in_quotes) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_quotes = false;
            }
            continue;
        }
        if (c == '"') {
            in_quotes = true;
        } else if (c == '<') {
            in_angle = true;
        } else if (c == '>') {
            in_angle = false;
        } else if (c == ',' && !in_angle) {
            pos = i + 1;
            return detail::trim_lws(value.substr(start, i - start));
        }
    }
    pos = std::string_view::npos;
    return detail::trim_lws(value.substr(start < value.size() ? start : value.size()));
}

std::vector<std::string_view> split_list(std::string_view value)
{
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos != std::string_view::npos) {
        out.push_back(next_list_element(value, pos));
    }
    return out;
}

} // namespace ssw::sip
