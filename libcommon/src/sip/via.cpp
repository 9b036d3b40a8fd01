// SPDX-License-Identifier: MIT
// Via header value parsing.
#include "sip/scan_detail.hpp"

#include <ssw/sip/uri.hpp>
#include <ssw/sip/via.hpp>

namespace ssw::sip {
namespace {

using detail::value_error;

bool is_host_text(std::string_view h) noexcept
{
    if (h.empty()) {
        return false;
    }
    if (h.front() == '[') {
        return is_ipv6_reference(h);
    }
    for (char c : h) {
        if (!detail::has_class(c, detail::cc_host) && c != '_') {
            return false;
        }
    }
    return true;
}

} // namespace

result<via> parse_via(std::string_view text)
{
    via v;
    detail::cursor c(text);
    c.skip_lws();
    v.protocol_name = c.take_token();
    if (v.protocol_name.empty()) {
        return unexpected(value_error("expected a protocol name (SIP) in Via", c.pos()));
    }
    if (!c.consume_sep('/')) {
        return unexpected(value_error("expected '/' after the protocol name in Via", c.pos()));
    }
    v.protocol_version = c.take_token();
    if (v.protocol_version.empty()) {
        return unexpected(value_error("expected a protocol version in Via", c.pos()));
    }
    if (!c.consume_sep('/')) {
        return unexpected(value_error("expected '/' after the protocol version in Via", c.pos()));
    }
    v.transport = c.take_token();
    if (v.transport.empty()) {
        return unexpected(value_error("expected a transport in Via", c.pos()));
    }
    if (!c.skip_lws()) {
        return unexpected(value_error("expected whitespace before sent-by in Via", c.pos()));
    }
    const std::size_t host_at = c.pos();
    if (c.peek() == '[') {
        v.host =
            c.take_while([](char ch) { return ch != ']' && !detail::is_lws(ch) && ch != ';'; });
        if (!c.consume(']')) {
            return unexpected(value_error("expected ']' after an IPv6 reference in Via", c.pos()));
        }
        v.host = text.substr(host_at, c.pos() - host_at);
    } else {
        v.host = c.take_while(
            [](char ch) { return detail::has_class(ch, detail::cc_host) || ch == '_'; });
    }
    if (!is_host_text(v.host)) {
        return unexpected(value_error("expected a host in Via sent-by", host_at));
    }
    if (c.consume_sep(':')) {
        const std::size_t at = c.pos();
        const auto port = detail::parse_bounded(c.take_while(detail::is_digit), 65535);
        if (!port) {
            return unexpected(value_error("expected a port 0-65535 in Via sent-by", at));
        }
        v.port = static_cast<std::uint16_t>(*port);
    }
    const std::size_t params_at = c.pos();
    auto params = parse_header_params(text.substr(params_at));
    if (!params) {
        return unexpected(detail::shift_error(std::move(params).error(), params_at));
    }
    v.params = param_list(detail::trim_lws(text.substr(params_at)));

    error bad;
    bool failed = false;
    v.params.for_each([&](const param& p) {
        auto fail = [&](std::string msg) {
            const auto col = static_cast<std::size_t>(p.name.data() - text.data());
            bad = value_error(std::move(msg), col);
            failed = true;
            return false;
        };
        auto is = [&](std::string_view n) {
            if (p.name.size() != n.size()) {
                return false;
            }
            for (std::size_t i = 0; i < n.size(); ++i) {
                if (detail::lower(p.name[i]) != n[i]) {
                    return false;
                }
            }
            return true;
        };
        if (is("branch")) {
            if (!p.has_value || p.value.empty()) {
                return fail("Via branch needs a value");
            }
            v.branch = p.value;
        } else if (is("received")) {
            std::string_view addr = p.value;
            if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') {
                addr = addr.substr(1, addr.size() - 2);
            }
            if (!is_ipv4_address(addr) && !is_ipv6_address(addr)) {
                return fail("Via received must be an IP address");
            }
            v.received = p.value;
        } else if (is("maddr")) {
            if (!is_host_text(p.value)) {
                return fail("Via maddr must be a host");
            }
            v.maddr = p.value;
        } else if (is("ttl")) {
            const auto t = detail::parse_bounded(p.value, 255);
            if (!t) {
                return fail("Via ttl must be 0-255");
            }
            v.ttl = static_cast<std::uint8_t>(*t);
        } else if (is("rport")) {
            v.has_rport = true;
            if (p.has_value) {
                const auto port = detail::parse_bounded(p.value, 65535);
                if (!port) {
                    return fail("Via rport must be a port 0-65535");
                }
                v.rport = static_cast<std::uint16_t>(*port);
            }
        }
        return true;
    });
    if (failed) {
        return unexpected(std::move(bad));
    }
    return v;
}

} // namespace ssw::sip
