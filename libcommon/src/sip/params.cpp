// SPDX-License-Identifier: MIT
// Parameter lists: strict validation of header params, tolerant iteration of validated lists.
#include "sip/scan_detail.hpp"

#include <ssw/sip/params.hpp>

namespace ssw::sip {
namespace {

// gen-value = token / host / quoted-string; host adds '[' ']' ':' for IPv6 references.
bool is_value_char(char c) noexcept
{
    return detail::is_token_char(c) || c == '[' || c == ']' || c == ':';
}

} // namespace

bool param_list::next(std::size_t& pos, param& out) const noexcept
{
    detail::cursor c(raw_);
    c.seek(pos);
    c.skip_lws();
    if (!c.consume(';')) {
        return false;
    }
    c.skip_lws();
    // URI parameters may carry escapes and param-unreserved chars in names; accept them here
    // because the list was validated by its producer.
    auto name_char = [](char ch) {
        return ch != ';' && ch != '=' && ch != '?' && ch != '>' && ch != ',' && !detail::is_lws(ch);
    };
    out = param{};
    out.name = c.take_while(name_char);
    if (c.consume_sep('=')) {
        out.has_value = true;
        if (c.peek() == '"') {
            auto q = detail::take_quoted(c);
            if (!q) {
                return false;
            }
            out.value = *q;
            out.quoted = true;
        } else {
            out.value = c.take_while(name_char);
        }
    }
    pos = c.pos();
    return !out.name.empty() || out.has_value;
}

std::optional<param> param_list::find(std::string_view name) const noexcept
{
    std::size_t pos = 0;
    param p;
    while (next(pos, p)) {
        if (detail::iequals(p.name, name)) {
            return p;
        }
    }
    return std::nullopt;
}

std::optional<std::string_view> param_list::value(std::string_view name) const noexcept
{
    auto p = find(name);
    if (!p) {
        return std::nullopt;
    }
    return p->value;
}

std::size_t param_list::size() const noexcept
{
    std::size_t n = 0;
    std::size_t pos = 0;
    param p;
    while (next(pos, p)) {
        ++n;
    }
    return n;
}

result<param_list> parse_header_params(std::string_view text)
{
    detail::cursor c(text);
    while (true) {
        c.skip_lws();
        if (c.eof()) {
            break;
        }
        if (!c.consume(';')) {
            return unexpected(detail::value_error("expected ';' before a parameter", c.pos()));
        }
        c.skip_lws();
        if (c.take_token().empty()) {
            return unexpected(detail::value_error("expected a parameter name after ';'", c.pos()));
        }
        if (c.consume_sep('=')) {
            if (c.peek() == '"') {
                const std::size_t at = c.pos();
                if (!detail::take_quoted(c)) {
                    return unexpected(
                        detail::value_error("unterminated quoted parameter value", at));
                }
            } else if (c.take_while(is_value_char).empty()) {
                return unexpected(
                    detail::value_error("expected a parameter value after '='", c.pos()));
            }
        }
    }
    return param_list(text);
}

} // namespace ssw::sip
