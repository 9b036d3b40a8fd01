// SPDX-License-Identifier: MIT
// The Via header value (RFC 3261 §20.42, §18.2.1; RFC 3581 rport; RFC 5118 IPv6 received).
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/sip/params.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace ssw::sip {

// One via-parm. Views point into the parsed text.
struct via {
    std::string_view protocol_name;    // "SIP"
    std::string_view protocol_version; // "2.0"
    std::string_view transport;        // "UDP", "TCP", "TLS", "SCTP", "WS", ... as written
    std::string_view host;             // sent-by host; IPv6 keeps its brackets
    std::optional<std::uint16_t> port; // sent-by port when written
    param_list params;                 // all via-params, raw text starting at ';'

    std::string_view branch;            // "" when absent
    std::string_view received;          // "" when absent; brackets kept if written (RFC 5118 §4.5)
    std::string_view maddr;             // "" when absent
    std::optional<std::uint8_t> ttl;    // 0-255
    bool has_rport = false;             // RFC 3581: present, with or without a value
    std::optional<std::uint16_t> rport; // the value, when one was given

    // RFC 3261 §8.1.1.7: a branch starting with the magic cookie "z9hG4bK".
    [[nodiscard]] bool has_rfc3261_branch() const noexcept
    {
        return branch.size() > 7 && branch.substr(0, 7) == "z9hG4bK";
    }
};

// Parses one via-parm (one element of a Via list; see split_list). LWS is allowed around
// '/' and before params (RFC 4475 wsinv). Checks: protocol name/version/transport are tokens;
// sent-by host is a hostname, IPv4 or IPv6 reference; port, ttl (0-255) and rport are in
// range; received is an IPv4 or IPv6 address (bracketed or not, RFC 5118 §4.5/4.6); maddr is a
// host; every param is token [= value]; no empty params (RFC 4475 badinv01).
// Fails with parse_error, where = "col N".
result<via> parse_via(std::string_view text);

} // namespace ssw::sip
