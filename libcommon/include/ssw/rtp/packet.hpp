// SPDX-License-Identifier: MIT
// RTP fixed-header parsing (RFC 3550 §5.1) and RTCP recognition, bounds-checked on hostile input.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/crypto/header_fields.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace ssw::rtp {

// Named limits of the parser.
inline constexpr std::size_t fixed_header_bytes = 12;    // RFC 3550 §5.1
inline constexpr std::size_t max_csrc_count = 15;        // CC is 4 bits
inline constexpr std::size_t max_datagram_bytes = 65535; // larger inputs are rejected

// The header fields a payload cipher needs (RFC 3550 §5.1; big-endian on the wire).
using packet_fields = crypto::header_fields;

// A parsed RTP packet: header fields plus the byte range of the payload inside the
// datagram the view was parsed from (no copy). `payload_offset + payload_size` never exceeds
// the datagram; the payload includes the padding (the native cipher covers it, as SRTP does).
struct packet_view {
    std::uint8_t version = 0;
    bool padding = false;
    bool extension = false;
    std::uint8_t csrc_count = 0;
    bool marker = false;
    std::uint8_t payload_type = 0;
    packet_fields fields;
    std::size_t header_size = 0;    // 12 + 4*CC + extension (4 + 4*length) when X is set
    std::size_t payload_offset = 0; // == header_size
    std::size_t payload_size = 0;   // datagram size - header_size, padding included
    std::uint8_t padding_size = 0;  // last byte when P is set and consistent, else 0
    bool padding_consistent = true; // false when P is set and the count is 0 or too large
};

// True when the second byte marks RTCP (packet types 200-204 give payload-type values
// 72-76 once the marker bit is masked off; RFC 5761 §4). Short datagrams are not RTCP.
[[nodiscard]] bool is_rtcp(std::span<const std::uint8_t> datagram) noexcept;

// Parses the RTP header of one UDP payload. Fails with parse_error when the datagram is
// shorter than 12 bytes, the version is not 2, or the CSRC list or extension runs past the
// end; limit_exceeded above max_datagram_bytes. A padding count that does not fit (it may be
// encrypted) only clears padding_consistent. RTCP datagrams are rejected with protocol_error (test
// is_rtcp first). Never reads outside `datagram`.
[[nodiscard]] result<packet_view> parse_packet(std::span<const std::uint8_t> datagram);

// Heuristic for UDP payloads with no signalling: parse_packet succeeds, not RTCP, and the
// payload type is a static audio type (0-34) or dynamic (96-127).
[[nodiscard]] bool looks_like_rtp(std::span<const std::uint8_t> datagram) noexcept;

} // namespace ssw::rtp
