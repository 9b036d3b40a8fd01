// SPDX-License-Identifier: MIT
// Link, VLAN, PPPoE, IPv4/IPv6 and UDP/TCP header decoding with bounds checks on every read.
#include <ssw/pcap/frame_decoder.hpp>

#include <arpa/inet.h>
#include <cstring>

namespace ssw::pcap {
namespace {

using bytes = std::span<const std::uint8_t>;

std::uint16_t be16(bytes b, std::size_t at)
{
    return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

std::uint32_t be32(bytes b, std::size_t at)
{
    return static_cast<std::uint32_t>(b[at]) << 24 | static_cast<std::uint32_t>(b[at + 1]) << 16 |
           static_cast<std::uint32_t>(b[at + 2]) << 8 | static_cast<std::uint32_t>(b[at + 3]);
}

ssw::unexpected<error> cut_short(const char* layer, std::size_t need, std::size_t have)
{
    return unexpected(make_error(
        errc::parse_error, std::string(layer) + " header cut short: need " + std::to_string(need) +
                               " bytes, have " + std::to_string(have)));
}

ssw::unexpected<error> malformed(std::string what)
{
    return unexpected(make_error(errc::parse_error, std::move(what)));
}

constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;
constexpr std::uint16_t ethertype_vlan = 0x8100;
constexpr std::uint16_t ethertype_qinq = 0x88a8;
constexpr std::uint16_t ethertype_qinq_old = 0x9100;
constexpr std::uint16_t ethertype_pppoe_session = 0x8864;

constexpr std::uint8_t proto_hop_by_hop = 0;
constexpr std::uint8_t proto_tcp = 6;
constexpr std::uint8_t proto_udp = 17;
constexpr std::uint8_t proto_routing = 43;
constexpr std::uint8_t proto_fragment = 44;
constexpr std::uint8_t proto_ah = 51;
constexpr std::uint8_t proto_dest_opts = 60;

result<void> decode_ip(bytes frame, std::size_t at, decoded_frame& d);

// From an ethertype at `at` (the type field already read): tags, PPPoE, then IP.
result<void> decode_ethertype(bytes frame, std::uint16_t type, std::size_t at, decoded_frame& d)
{
    while (type == ethertype_vlan || type == ethertype_qinq || type == ethertype_qinq_old) {
        if (d.vlan_count == max_vlan_tags) {
            return malformed("more than " + std::to_string(max_vlan_tags) + " VLAN tags");
        }
        if (frame.size() < at + 4) {
            return cut_short("802.1Q tag", at + 4, frame.size());
        }
        d.vlan_ids[d.vlan_count++] = static_cast<std::uint16_t>(be16(frame, at) & 0x0fff);
        type = be16(frame, at + 2);
        at += 4;
    }
    if (type == ethertype_pppoe_session) {
        // RFC 2516 §4: ver/type, code, session id, length; then the PPP protocol field.
        if (frame.size() < at + 8) {
            return cut_short("PPPoE", at + 8, frame.size());
        }
        d.pppoe = true;
        const std::uint16_t ppp = be16(frame, at + 6);
        at += 8;
        if (ppp == 0x0021) {
            type = ethertype_ipv4;
        } else if (ppp == 0x0057) {
            type = ethertype_ipv6;
        } else {
            d.ether_type = type;
            return {};
        }
    }
    d.ether_type = type;
    if (type != ethertype_ipv4 && type != ethertype_ipv6) {
        return {};
    }
    return decode_ip(frame, at, d);
}

// The UDP/TCP header at the start of `seg` (IP payload). `base` = offset of seg in the frame.
result<void> decode_transport_at(std::uint8_t protocol, bytes seg, std::size_t base,
                                 decoded_frame& d)
{
    d.transport_offset = base;
    if (protocol == proto_udp) {
        if (seg.size() < 8) {
            return cut_short("UDP", 8, seg.size());
        }
        d.src_port = be16(seg, 0);
        d.dst_port = be16(seg, 2);
        const std::size_t udp_len = be16(seg, 4);
        d.checksum_offset = base + 6;
        std::size_t end = seg.size();
        if (udp_len >= 8 && udp_len < end) {
            end = udp_len; // trailing bytes are padding
        } else if (udp_len != 0 && udp_len < 8) {
            return malformed("UDP length " + std::to_string(udp_len) + " below the 8-byte header");
        }
        d.kind = frame_kind::udp;
        d.payload_offset = base + 8;
        d.payload = seg.subspan(8, end - 8);
        return {};
    }
    if (protocol == proto_tcp) {
        if (seg.size() < 20) {
            return cut_short("TCP", 20, seg.size());
        }
        const std::size_t header_len = static_cast<std::size_t>(seg[12] >> 4) * 4;
        if (header_len < 20) {
            return malformed("TCP data offset " + std::to_string(header_len / 4) + " below 5");
        }
        if (seg.size() < header_len) {
            return cut_short("TCP", header_len, seg.size());
        }
        d.src_port = be16(seg, 0);
        d.dst_port = be16(seg, 2);
        d.tcp_seq = be32(seg, 4);
        d.tcp_ack = be32(seg, 8);
        d.tcp_flags = static_cast<std::uint8_t>(seg[13] & 0x3f);
        d.checksum_offset = base + 16;
        d.kind = frame_kind::tcp;
        d.payload_offset = base + header_len;
        d.payload = seg.subspan(header_len);
        return {};
    }
    d.kind = frame_kind::ip_other;
    d.payload_offset = base;
    d.payload = seg;
    return {};
}

result<void> decode_ipv4(bytes frame, std::size_t at, decoded_frame& d)
{
    const std::size_t have = frame.size() - at;
    if (have < 20) {
        return cut_short("IPv4", 20, have);
    }
    const std::size_t ihl = static_cast<std::size_t>(frame[at] & 0x0f) * 4;
    if (ihl < 20) {
        return malformed("IPv4 header length " + std::to_string(ihl) + " below 20");
    }
    if (have < ihl) {
        return cut_short("IPv4", ihl, have);
    }
    std::size_t total = be16(frame, at + 2);
    if (total == 0) {
        total = have; // TCP segmentation offload: the length is left for the NIC to fill in
    }
    if (total < ihl) {
        return malformed("IPv4 total length " + std::to_string(total) + " below its header length");
    }
    d.ip_offset = at;
    d.src.version = 4;
    d.dst.version = 4;
    std::memcpy(d.src.bytes.data(), frame.data() + at + 12, 4);
    std::memcpy(d.dst.bytes.data(), frame.data() + at + 16, 4);
    d.ttl = frame[at + 8];
    d.ip_protocol = frame[at + 9];
    d.ip_header_length = ihl;
    d.ip_total_length = total;
    const std::uint16_t frag = be16(frame, at + 6);
    d.fragment_id = be16(frame, at + 4);
    d.fragment_offset = static_cast<std::uint32_t>(frag & 0x1fff) * 8;
    d.more_fragments = (frag & 0x2000) != 0;
    d.truncated = have < total;
    const std::size_t end = at + (have < total ? have : total);
    const bytes body = frame.subspan(at + ihl, end - (at + ihl));
    if (d.fragment_offset != 0 || d.more_fragments) {
        d.kind = frame_kind::ip_fragment;
        d.payload_offset = at + ihl;
        d.payload = body;
        return {};
    }
    return decode_transport_at(d.ip_protocol, body, at + ihl, d);
}

result<void> decode_ipv6(bytes frame, std::size_t at, decoded_frame& d)
{
    const std::size_t have = frame.size() - at;
    if (have < 40) {
        return cut_short("IPv6", 40, have);
    }
    std::size_t total = 40 + static_cast<std::size_t>(be16(frame, at + 4));
    if (total == 40 && have > 40) {
        total = have; // jumbogram or offload: trust the capture
    }
    d.ip_offset = at;
    d.src.version = 6;
    d.dst.version = 6;
    std::memcpy(d.src.bytes.data(), frame.data() + at + 8, 16);
    std::memcpy(d.dst.bytes.data(), frame.data() + at + 24, 16);
    d.ttl = frame[at + 7];
    d.ip_total_length = total;
    d.truncated = have < total;
    const std::size_t end = at + (have < total ? have : total);
    std::uint8_t next = frame[at + 6];
    std::size_t pos = at + 40;
    bool fragment = false;
    for (std::size_t n = 0;; ++n) {
        if (next != proto_hop_by_hop && next != proto_routing && next != proto_dest_opts &&
            next != proto_fragment && next != proto_ah) {
            break;
        }
        if (n == max_ipv6_ext_headers) {
            return malformed("more than " + std::to_string(max_ipv6_ext_headers) +
                             " IPv6 extension headers");
        }
        if (end < pos + 8) {
            return cut_short("IPv6 extension", pos + 8 - at, end - at);
        }
        if (next == proto_fragment) {
            // RFC 8200 §4.5: offset in 8-octet units in the top 13 bits, M flag in bit 0.
            const std::uint16_t off = be16(frame, pos + 2);
            d.fragment_offset = off & 0xfff8u;
            d.more_fragments = (off & 1u) != 0;
            d.fragment_id = be32(frame, pos + 4);
            fragment = d.fragment_offset != 0 || d.more_fragments;
            next = frame[pos];
            pos += 8;
            continue;
        }
        const std::size_t len = next == proto_ah
                                    ? (static_cast<std::size_t>(frame[pos + 1]) + 2) * 4
                                    : (static_cast<std::size_t>(frame[pos + 1]) + 1) * 8;
        if (end < pos + len) {
            return cut_short("IPv6 extension", pos + len - at, end - at);
        }
        next = frame[pos];
        pos += len;
    }
    d.ip_protocol = next;
    d.ip_header_length = pos - at;
    const bytes body = frame.subspan(pos, end - pos);
    if (fragment) {
        d.kind = frame_kind::ip_fragment;
        d.payload_offset = pos;
        d.payload = body;
        return {};
    }
    return decode_transport_at(next, body, pos, d);
}

result<void> decode_ip(bytes frame, std::size_t at, decoded_frame& d)
{
    if (frame.size() <= at) {
        return cut_short("IP", at + 1, frame.size());
    }
    const int version = frame[at] >> 4;
    if (version == 4) {
        return decode_ipv4(frame, at, d);
    }
    if (version == 6) {
        return decode_ipv6(frame, at, d);
    }
    return malformed("IP version " + std::to_string(version) + " is neither 4 nor 6");
}

// BSD loopback address families: AF_INET is 2 everywhere; AF_INET6 differs by OS.
result<void> decode_loopback_family(bytes frame, std::uint32_t family, decoded_frame& d)
{
    if (family == 2) {
        d.ether_type = ethertype_ipv4;
        return decode_ip(frame, 4, d);
    }
    if (family == 10 || family == 24 || family == 28 || family == 30) {
        d.ether_type = ethertype_ipv6;
        return decode_ip(frame, 4, d);
    }
    return {};
}

} // namespace

std::string ip_address::to_string() const
{
    char text[INET6_ADDRSTRLEN] = {};
    if (version == 4) {
        ::inet_ntop(AF_INET, bytes.data(), text, sizeof text);
    } else if (version == 6) {
        ::inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
    } else {
        return "-";
    }
    return text;
}

std::string endpoint::to_string() const
{
    // Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string at -O3.
    std::string out;
    out.reserve(48);
    if (address.version == 6) {
        out.push_back('[');
        out.append(address.to_string());
        out.push_back(']');
    } else {
        out.append(address.to_string());
    }
    out.push_back(':');
    out.append(std::to_string(port));
    return out;
}

result<ip_address> parse_ip_address(std::string_view text)
{
    ip_address a;
    const std::string s(text);
    if (::inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
        a.version = 4;
        return a;
    }
    if (::inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
        a.version = 6;
        return a;
    }
    return unexpected(
        make_error(errc::invalid_argument, "'" + s + "' is not an IPv4 or IPv6 address"));
}

result<decoded_frame> decode_frame(link_type link, std::span<const std::uint8_t> frame)
{
    decoded_frame d;
    d.link = link;
    result<void> r;
    switch (link) {
    case link_type::ethernet:
        if (frame.size() < 14) {
            return cut_short("Ethernet", 14, frame.size());
        }
        r = decode_ethertype(frame, be16(frame, 12), 14, d);
        break;
    case link_type::linux_sll:
        if (frame.size() < 16) {
            return cut_short("Linux cooked", 16, frame.size());
        }
        r = decode_ethertype(frame, be16(frame, 14), 16, d);
        break;
    case link_type::linux_sll2:
        if (frame.size() < 20) {
            return cut_short("Linux cooked v2", 20, frame.size());
        }
        r = decode_ethertype(frame, be16(frame, 0), 20, d);
        break;
    case link_type::null: {
        if (frame.size() < 4) {
            return cut_short("loopback", 4, frame.size());
        }
        // The family is in the capturing host's byte order; a big value means the other one.
        std::uint32_t family =
            static_cast<std::uint32_t>(frame[0]) | static_cast<std::uint32_t>(frame[1]) << 8 |
            static_cast<std::uint32_t>(frame[2]) << 16 | static_cast<std::uint32_t>(frame[3]) << 24;
        if (family > 0xffff) {
            family = be32(frame, 0);
        }
        r = decode_loopback_family(frame, family, d);
        break;
    }
    case link_type::loop:
        if (frame.size() < 4) {
            return cut_short("loopback", 4, frame.size());
        }
        r = decode_loopback_family(frame, be32(frame, 0), d);
        break;
    case link_type::raw: r = decode_ip(frame, 0, d); break;
    case link_type::ipv4:
        if (!frame.empty() && (frame[0] >> 4) != 4) {
            return malformed("IPv4 link type carries IP version " + std::to_string(frame[0] >> 4));
        }
        r = decode_ip(frame, 0, d);
        break;
    case link_type::ipv6:
        if (!frame.empty() && (frame[0] >> 4) != 6) {
            return malformed("IPv6 link type carries IP version " + std::to_string(frame[0] >> 4));
        }
        r = decode_ip(frame, 0, d);
        break;
    default:
        return unexpected(
            make_error(errc::unsupported, "unsupported link type " + to_string(link)));
    }
    if (!r) {
        return unexpected(std::move(r).error());
    }
    return d;
}

result<void> decode_transport(std::uint8_t protocol, std::span<const std::uint8_t> ip_payload,
                              decoded_frame& out)
{
    return decode_transport_at(protocol, ip_payload, 0, out);
}

result<void> fix_transport_checksum(std::span<std::uint8_t> frame, const decoded_frame& d)
{
    if ((d.kind != frame_kind::udp && d.kind != frame_kind::tcp) || d.truncated ||
        d.ip_offset + d.ip_total_length > frame.size() ||
        d.transport_offset < d.ip_offset + d.ip_header_length ||
        d.checksum_offset + 2 > frame.size()) {
        return unexpected(make_error(errc::invalid_argument,
                                     "checksum needs a whole, unfragmented UDP or TCP frame"));
    }
    const std::size_t end = d.ip_offset + d.ip_total_length;
    const std::size_t length = end - d.transport_offset;
    if (d.kind == frame_kind::udp && d.src.version == 4 && frame[d.checksum_offset] == 0 &&
        frame[d.checksum_offset + 1] == 0) {
        return {}; // RFC 768: zero means the sender computed none
    }
    std::uint64_t sum = 0;
    const std::size_t addr_len = d.src.version == 4 ? 4 : 16;
    for (std::size_t i = 0; i < addr_len; i += 2) {
        sum += static_cast<std::uint32_t>(d.src.bytes[i] << 8 | d.src.bytes[i + 1]);
        sum += static_cast<std::uint32_t>(d.dst.bytes[i] << 8 | d.dst.bytes[i + 1]);
    }
    sum += d.kind == frame_kind::udp ? proto_udp : proto_tcp;
    sum += length;
    frame[d.checksum_offset] = 0;
    frame[d.checksum_offset + 1] = 0;
    for (std::size_t i = 0; i + 1 < length; i += 2) {
        sum += static_cast<std::uint32_t>(frame[d.transport_offset + i] << 8 |
                                          frame[d.transport_offset + i + 1]);
    }
    if (length % 2 == 1) {
        sum += static_cast<std::uint32_t>(frame[d.transport_offset + length - 1] << 8);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    auto checksum = static_cast<std::uint16_t>(~sum & 0xffff);
    if (checksum == 0 && d.kind == frame_kind::udp) {
        checksum = 0xffff; // RFC 768: a computed zero is sent as all ones
    }
    frame[d.checksum_offset] = static_cast<std::uint8_t>(checksum >> 8);
    frame[d.checksum_offset + 1] = static_cast<std::uint8_t>(checksum & 0xff);
    return {};
}

} // namespace ssw::pcap
