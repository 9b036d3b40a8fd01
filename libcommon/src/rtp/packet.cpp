// SPDX-License-Identifier: MIT
// RTP header parsing and RTCP recognition.
#include <ssw/rtp/packet.hpp>

namespace ssw::rtp {

namespace {

std::uint16_t load16(const std::uint8_t* p) noexcept
{
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::uint32_t load32(const std::uint8_t* p) noexcept
{
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

} // namespace

bool is_rtcp(std::span<const std::uint8_t> datagram) noexcept
{
    if (datagram.size() < 8 || (datagram[0] >> 6) != 2) {
        return false;
    }
    const unsigned pt = datagram[1] & 0x7fU;
    return pt >= 72 && pt <= 76;
}

result<packet_view> parse_packet(std::span<const std::uint8_t> datagram)
{
    if (datagram.size() > max_datagram_bytes) {
        return unexpected(make_error(errc::limit_exceeded, "datagram larger than 65535 bytes"));
    }
    if (datagram.size() < fixed_header_bytes) {
        return unexpected(make_error(errc::parse_error, "rtp: expected at least 12 header bytes"));
    }
    packet_view v;
    const std::uint8_t* p = datagram.data();
    v.version = static_cast<std::uint8_t>(p[0] >> 6);
    if (v.version != 2) {
        return unexpected(make_error(errc::parse_error, "rtp: expected version 2"));
    }
    if (is_rtcp(datagram)) {
        return unexpected(make_error(errc::protocol_error, "rtp: datagram is rtcp"));
    }
    v.padding = (p[0] & 0x20U) != 0;
    v.extension = (p[0] & 0x10U) != 0;
    v.csrc_count = static_cast<std::uint8_t>(p[0] & 0x0fU);
    v.marker = (p[1] & 0x80U) != 0;
    v.payload_type = static_cast<std::uint8_t>(p[1] & 0x7fU);
    v.fields.sequence = load16(p + 2);
    v.fields.timestamp = load32(p + 4);
    v.fields.ssrc = load32(p + 8);

    std::size_t header = fixed_header_bytes + 4U * v.csrc_count;
    if (header > datagram.size()) {
        return unexpected(make_error(errc::parse_error, "rtp: csrc list runs past the end"));
    }
    if (v.extension) {
        if (header + 4 > datagram.size()) {
            return unexpected(
                make_error(errc::parse_error, "rtp: extension header runs past the end"));
        }
        const std::size_t words = load16(p + header + 2);
        header += 4 + 4 * words;
        if (header > datagram.size()) {
            return unexpected(make_error(errc::parse_error, "rtp: extension runs past the end"));
        }
    }
    v.header_size = header;
    v.payload_offset = header;
    v.payload_size = datagram.size() - header;
    if (v.padding && v.payload_size > 0) {
        // The count byte is inside the (possibly encrypted) payload, so a count that does not
        // fit is reported, not rejected: the cipher must still cover the packet.
        const std::uint8_t count = datagram[datagram.size() - 1];
        v.padding_consistent = count != 0 && count <= v.payload_size;
        v.padding_size = v.padding_consistent ? count : std::uint8_t{0};
    } else {
        v.padding_consistent = !v.padding;
    }
    return v;
}

bool looks_like_rtp(std::span<const std::uint8_t> datagram) noexcept
{
    const auto v = parse_packet(datagram);
    if (!v) {
        return false;
    }
    return v->payload_type <= 34 || v->payload_type >= 96;
}

} // namespace ssw::rtp
