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
    // UDP: which listening socket it arrived on (1-based; 0: any of the address family), so
    // that replies leave from the address the peer sent to on a multi-homed switch.
    std::uint16_t listener = 0;
    [[nodiscard]] std::string to_string() const; // "udp 192.0.2.1:5060", "tcp [::1]:5070"
    // The same remote party, whichever of our sockets it reached.
    friend bool operator==(const peer& a, const peer& b) noexcept
    {
        return a.address == b.address && a.port == b.port && a.transport == b.transport &&
               a.connection == b.connection;
    }
};

// Bytes to send to a peer.
struct outgoing {
    peer to;
    std::string bytes;
};

} // namespace ssw::sip
