// SPDX-License-Identifier: MIT
// ssw::pcap::link_type: the capture link-layer types, as numbered in the pcap file format.
#pragma once

#include <cstdint>
#include <string>

namespace ssw::pcap {

// A link-layer header type by its LINKTYPE_ number (the value stored in pcap and pcapng
// files, not the platform-dependent DLT_ value). Any number may be held; the named ones
// are those frame_decoder understands.
enum class link_type : std::uint32_t {
    null = 0,         // BSD loopback: 4-byte address family in the capturing host's byte order
    ethernet = 1,     // Ethernet II (with 802.1Q/QinQ tags, PPPoE sessions)
    raw = 101,        // raw IP, version taken from the first nibble
    loop = 108,       // OpenBSD loopback: like null, address family in network byte order
    linux_sll = 113,  // Linux cooked capture v1 (16-byte header)
    ipv4 = 228,       // raw IPv4
    ipv6 = 229,       // raw IPv6
    linux_sll2 = 276, // Linux cooked capture v2 (20-byte header)
};

// Short lowercase name ("ethernet", "linux_sll2"), or "linktype N" for others.
[[nodiscard]] std::string to_string(link_type type);

// True for the link types decode_frame can take apart.
[[nodiscard]] bool is_supported(link_type type) noexcept;

// Timestamp resolution of a capture file; writers keep the resolution of their input.
enum class timestamp_precision : std::uint8_t { micro, nano };

} // namespace ssw::pcap
