// SPDX-License-Identifier: MIT
// CSeq, Contact, media-type, delta-seconds, Max-Forwards and token-list parsing.
#include "sip/scan_detail.hpp"

#include <ssw/sip/header_values.hpp>

namespace ssw::sip {

using detail::value_error;

result<cseq_value> parse_cseq(std::string_view text)
{
    detail::cursor c(text);
    c.skip_lws();
    const std::size_t at = c.pos();
    const std::string_view digits = c.take_while(detail::is_digit);
    const auto n = detail::parse_bounded(digits, max_cseq_number);
    if (!n) {
        return unexpected(value_error(
            digits.empty() ? "expected a CSeq number" : "CSeq number exceeds 2**31-1", at));
    }
    if (!c.skip_lws()) {
        return unexpected(
            value_error("expected whitespace between CSeq number and method", c.pos()));
    }
    cseq_value v;
    v.number = static_cast<std::uint32_t>(*n);
    const std::size_t mat = c.pos();
    v.method = c.take_token();
    if (v.method.empty()) {
        return unexpected(value_error("expected a method after the CSeq number", mat));
    }
    c.skip_lws();
    if (!c.eof()) {
        return unexpected(value_error("unexpected text after the CSeq method", c.pos()));
    }
    v.method_kind = lookup_method(v.method);
    return v;
}

result<contact> parse_contact(std::string_view text)
{
    contact ct;
    if (detail::trim_lws(text) == "*") {
        ct.star = true;
        return ct;
    }
    SSW_TRY_ASSIGN(ct.address, parse_name_addr(text));
    if (auto p = ct.address.params.find("expires")) {
        const auto v = detail::parse_bounded(p->value, max_delta_seconds);
        if (!v) {
            return unexpected(value_error("Contact expires must be 0-4294967295",
                                          static_cast<std::size_t>(p->name.data() - text.data())));
        }
        ct.expires = static_cast<std::uint32_t>(*v);
    }
    if (auto p = ct.address.params.find("q")) {
        const std::string_view q = p->value;
        const auto col = static_cast<std::size_t>(p->name.data() - text.data());
        // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
        if (q.empty() || (q[0] != '0' && q[0] != '1') || q.size() > 5 ||
            (q.size() > 1 && q[1] != '.')) {
            return unexpected(value_error("Contact q must be between 0 and 1", col));
        }
        std::uint16_t millis = q[0] == '1' ? 1000 : 0;
        std::uint16_t scale = 100;
        for (std::size_t i = 2; i < q.size(); ++i) {
            if (!detail::is_digit(q[i]) || (q[0] == '1' && q[i] != '0')) {
                return unexpected(value_error("Contact q must be between 0 and 1", col));
            }
            millis = static_cast<std::uint16_t>(millis + (q[i] - '0') * scale);
            scale = static_cast<std::uint16_t>(scale / 10);
        }
        ct.q_millis = millis;
    }
    return ct;
}

result<std::uint32_t> parse_delta_seconds(std::string_view text)
{
    const std::string_view t = detail::trim_lws(text);
    const auto v = detail::parse_bounded(t, max_delta_seconds);
    if (!v) {
        return unexpected(value_error("expected delta-seconds 0-4294967295", 0));
    }
    return static_cast<std::uint32_t>(*v);
}

result<std::uint8_t> parse_max_forwards(std::string_view text)
{
    const auto v = detail::parse_bounded(detail::trim_lws(text), max_max_forwards);
    if (!v) {
        return unexpected(value_error("expected Max-Forwards 0-255", 0));
    }
    return static_cast<std::uint8_t>(*v);
}

result<media_type> parse_media_type(std::string_view text)
{
    media_type m;
    detail::cursor c(text);
    c.skip_lws();
    m.type = c.take_token();
    if (m.type.empty()) {
        return unexpected(value_error("expected a media type", c.pos()));
    }
    if (!c.consume_sep('/')) {
        return unexpected(value_error("expected '/' in media type", c.pos()));
    }
    m.subtype = c.take_token();
    if (m.subtype.empty()) {
        return unexpected(value_error("expected a media subtype", c.pos()));
    }
    const std::size_t at = c.pos();
    auto params = parse_header_params(text.substr(at));
    if (!params) {
        return unexpected(detail::shift_error(std::move(params).error(), at));
    }
    m.params = param_list(detail::trim_lws(text.substr(at)));
    return m;
}

result<std::vector<std::string_view>> parse_token_list(std::string_view text)
{
    std::vector<std::string_view> out;
    if (detail::trim_lws(text).empty()) {
        return out;
    }
    for (std::string_view item : split_list(text)) {
        if (!detail::is_token(item)) {
            const auto col = item.empty() ? 0 : static_cast<std::size_t>(item.data() - text.data());
            return unexpected(value_error("expected a token in the list", col));
        }
        out.push_back(item);
    }
    return out;
}

} // namespace ssw::sip
