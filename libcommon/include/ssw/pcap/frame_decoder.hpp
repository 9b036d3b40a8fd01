// SPDX-License-Identifier: MIT
// ssw::pcap::decode_frame: link -> VLAN/PPPoE -> IPv4/IPv6 (+ext headers) -> UDP/TCP, zero-copy.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/pcap/link_type.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace ssw::pcap {

// An IPv4 or IPv6 address; IPv4 uses the first 4 bytes. Ordered and hashable by value.
struct ip_address {
    std::uint8_t version = 0; // 4 or 6 (0 = none)
    std::array<std::uint8_t, 16> bytes{};

    // "192.0.2.1", "2001:db8::1" (RFC 5952 compressed form).
    [[nodiscard]] std::string to_string() const;
    friend auto operator<=>(const ip_address&, const ip_address&) = default;
    friend bool operator==(const ip_address&, const ip_address&) = default;
};

// An address and port.
struct endpoint {
    ip_address address;
    std::uint16_t port = 0;

    // "192.0.2.1:5060", "[2001:db8::1]:5060".
    [[nodiscard]] std::string to_string() const;
    friend auto operator<=>(const endpoint&, const endpoint&) = default;
    friend bool operator==(const endpoint&, const endpoint&) = default;
};

// Parses "192.0.2.1" or "2001:db8::1" (no brackets); invalid_argument otherwise.
result<ip_address> parse_ip_address(std::string_view text);

// How far a frame decoded.
enum class frame_kind : std::uint8_t {
    non_ip,      // not IP (ARP, LLDP, PPPoE discovery...): only the link fields are set
    ip_other,    // IP carrying something other than UDP/TCP (ICMP, ESP...)
    ip_fragment, // an IP fragment: ip_fragment fields set, payload = the fragment's data
    udp,
    tcp,
};

// TCP flag bits as in the header (RFC 9293 §3.1).
namespace tcp_flags {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
} // namespace tcp_flags

// Limits of the decoder (named, per the house rules for parsers of network input).
inline constexpr std::size_t max_vlan_tags = 4;        // deeper stacks are parse_error
inline constexpr std::size_t max_ipv6_ext_headers = 8; // longer chains are parse_error

// The fields of one frame. Offsets are byte offsets into the frame given to decode_frame,
// so a caller can rewrite a payload in place (same length) and write the frame back;
// spans point into that frame. Set for kind >= ip_other: the ip_* fields; for udp/tcp:
// the ports and transport fields; `payload` is the transport payload (udp/tcp), the IP
// payload (ip_other) or the fragment data (ip_fragment).
struct decoded_frame {
    frame_kind kind = frame_kind::non_ip;
    link_type link = link_type::ethernet;
    std::uint16_t ether_type = 0; // after VLAN/PPPoE (0x0800, 0x86dd...; 0 if none)
    std::uint8_t vlan_count = 0;
    std::array<std::uint16_t, max_vlan_tags> vlan_ids{}; // outermost first
    bool pppoe = false;                                  // carried in a PPPoE session

    std::size_t ip_offset = 0; // start of the IP header
    ip_address src;
    ip_address dst;
    std::uint8_t ip_protocol = 0;     // upper-layer protocol after IPv6 extension headers
    std::uint8_t ttl = 0;             // TTL or hop limit
    std::size_t ip_header_length = 0; // IP header up to its payload, incl. IPv6 ext/fragment hdrs
    std::size_t ip_total_length = 0;  // datagram length per the IP header (may exceed capture)

    // Fragment fields (kind == ip_fragment; also set on fragments with offset 0).
    std::uint32_t fragment_id = 0;     // IPv4 identification or IPv6 fragment id
    std::uint32_t fragment_offset = 0; // in bytes
    bool more_fragments = false;

    std::size_t transport_offset = 0; // start of the UDP/TCP header
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::size_t checksum_offset = 0; // UDP/TCP checksum field, for fix_transport_checksum
    std::uint32_t tcp_seq = 0;
    std::uint32_t tcp_ack = 0;
    std::uint8_t tcp_flags = 0;

    std::size_t payload_offset = 0; // start of `payload` within the frame
    std::span<const std::uint8_t> payload;
    bool truncated = false; // the capture cut the IP datagram short (snaplen)

    [[nodiscard]] endpoint source() const { return {src, src_port}; }
    [[nodiscard]] endpoint destination() const { return {dst, dst_port}; }
};

// Decodes one captured frame of link type `link`. A frame that is not IP is not an error
// (kind = non_ip). Fails with parse_error naming the layer when a header is cut short or
// inconsistent (IPv4 IHL < 5, bad version, too many VLAN tags...), unsupported for an
// unknown link type. Never reads outside `frame`.
result<decoded_frame> decode_frame(link_type link, std::span<const std::uint8_t> frame);

// Decodes a UDP or TCP header at the start of a reassembled IP payload (`protocol` 17 or
// 6) into `out` (ports, tcp fields, payload; offsets are relative to `ip_payload`).
// parse_error if the header is cut short; out.kind becomes udp/tcp or ip_other.
result<void> decode_transport(std::uint8_t protocol, std::span<const std::uint8_t> ip_payload,
                              decoded_frame& out);

// Recomputes the UDP or TCP checksum of a frame after its payload was rewritten in place
// (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1). An IPv4 UDP checksum of zero ("none") stays zero.
// invalid_argument if `d` is not an untruncated udp/tcp frame decoded from `frame`.
result<void> fix_transport_checksum(std::span<std::uint8_t> frame, const decoded_frame& d);

} // namespace ssw::pcap
