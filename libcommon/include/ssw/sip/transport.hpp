// SPDX-License-Identifier: MIT
// Where SIP messages come from and go to: the transport, the peer address and, for TCP, the
// connection. Shared by the daemon engine, the B2BUA and net/.
#pragma once

#include <ssw/core/ip_address.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace ssw::sip {

enum class transport_kind { udp, tcp };
[[nodiscard]] std::string_view to_string(transport_kind t) noexcept;

struct peer {
    core::ip_address address;
    std::uint16_t port = 0;
    transport_kind transport = transport_kind::udp;
    std::uint64_t connection = 0; // TCP: the connection it arrived on (responses go back on it)
    [[nodiscard]] std::string to_string() const; // "udp 192.0.2.1:5060", "tcp [::1]:5070"
    friend bool operator==(const peer&, const peer&) = default;
};

// Bytes to send to a peer.
struct outgoing {
    peer to;
    std::string bytes;
};

} // namespace ssw::sip
