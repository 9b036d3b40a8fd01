// SPDX-License-Identifier: MIT
// Test helper: synthesises frames (Ethernet/VLAN/PPPoE/SLL/SLL2/NULL, IPv4/IPv6, UDP/TCP) and
// pcap/pcapng files in memory, so capture tests need no recorded traffic. Header-only.
#pragma once

#include <ssw/pcap/frame_decoder.hpp>
#include <ssw/pcap/link_type.hpp>
#include <ssw/pcap/writer.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ssw::test::pcap_builder {

using frame_bytes = std::vector<std::uint8_t>;

inline void put16(frame_bytes& b, std::uint16_t v)
{
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v & 0xff));
}

inline void put32(frame_bytes& b, std::uint32_t v)
{
    put16(b, static_cast<std::uint16_t>(v >> 16));
    put16(b, static_cast<std::uint16_t>(v & 0xffff));
}

inline void append(frame_bytes& b, const frame_bytes& more)
{
    b.insert(b.end(), more.begin(), more.end());
}

inline void append(frame_bytes& b, std::string_view more)
{
    b.insert(b.end(), more.begin(), more.end());
}

inline ssw::pcap::ip_address addr(std::string_view text)
{
    auto a = ssw::pcap::parse_ip_address(text);
    if (!a) {
        throw std::invalid_argument(std::string(text));
    }
    return *a;
}

inline constexpr std::uint8_t proto_tcp = 6;
inline constexpr std::uint8_t proto_udp = 17;

// UDP header (checksum left 0 = none; fix it with finish_checksums) and payload.
inline frame_bytes udp(std::uint16_t sport, std::uint16_t dport, std::string_view payload)
{
    frame_bytes b;
    put16(b, sport);
    put16(b, dport);
    put16(b, static_cast<std::uint16_t>(8 + payload.size()));
    put16(b, 0);
    append(b, payload);
    return b;
}

// TCP header without options and payload.
inline frame_bytes tcp(std::uint16_t sport, std::uint16_t dport, std::uint32_t seq,
                       std::uint32_t ack, std::uint8_t flags, std::string_view payload)
{
    frame_bytes b;
    put16(b, sport);
    put16(b, dport);
    put32(b, seq);
    put32(b, ack);
    b.push_back(0x50);
    b.push_back(flags);
    put16(b, 65535);
    put16(b, 0); // checksum
    put16(b, 0); // urgent
    append(b, payload);
    return b;
}

inline std::uint16_t ipv4_header_checksum(const frame_bytes& b, std::size_t at, std::size_t len)
{
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < len; i += 2) {
        sum += static_cast<std::uint32_t>(b[at + i] << 8 | b[at + i + 1]);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

// IPv4 packet around `body` (a transport header + payload, or fragment data).
inline frame_bytes ipv4(std::string_view src, std::string_view dst, std::uint8_t protocol,
                        const frame_bytes& body, std::uint16_t id = 1,
                        std::uint32_t fragment_offset_bytes = 0, bool more_fragments = false)
{
    frame_bytes b;
    b.push_back(0x45);
    b.push_back(0);
    put16(b, static_cast<std::uint16_t>(20 + body.size()));
    put16(b, id);
    put16(b,
          static_cast<std::uint16_t>((more_fragments ? 0x2000 : 0) | (fragment_offset_bytes / 8)));
    b.push_back(64);
    b.push_back(protocol);
    put16(b, 0);
    const auto s = addr(src);
    const auto d = addr(dst);
    b.insert(b.end(), s.bytes.begin(), s.bytes.begin() + 4);
    b.insert(b.end(), d.bytes.begin(), d.bytes.begin() + 4);
    const std::uint16_t c = ipv4_header_checksum(b, 0, 20);
    b[10] = static_cast<std::uint8_t>(c >> 8);
    b[11] = static_cast<std::uint8_t>(c & 0xff);
    append(b, body);
    return b;
}

// An IPv6 extension header (hop-by-hop 0, routing 43, destination options 60) of 8 bytes;
// `next` is filled in by ipv6().
struct ipv6_ext {
    std::uint8_t type = 60;
    std::size_t length = 8; // multiple of 8
};

// IPv6 packet; `exts` go between the fixed header and `body`. A fragment header is added
// when `fragment` is set: {offset_bytes, more, id}.
struct ipv6_fragment {
    std::uint32_t offset_bytes = 0;
    bool more = false;
    std::uint32_t id = 0;
};

inline frame_bytes ipv6(std::string_view src, std::string_view dst, std::uint8_t protocol,
                        const frame_bytes& body, const std::vector<ipv6_ext>& exts = {},
                        const ipv6_fragment* fragment = nullptr)
{
    frame_bytes ext_bytes;
    std::vector<std::uint8_t> types;
    for (const auto& e : exts) {
        types.push_back(e.type);
    }
    if (fragment != nullptr) {
        types.push_back(44);
    }
    for (std::size_t i = 0; i < types.size(); ++i) {
        const std::uint8_t next = i + 1 < types.size() ? types[i + 1] : protocol;
        if (types[i] == 44) {
            ext_bytes.push_back(next);
            ext_bytes.push_back(0);
            put16(ext_bytes, static_cast<std::uint16_t>((fragment->offset_bytes & 0xfff8u) |
                                                        (fragment->more ? 1u : 0u)));
            put32(ext_bytes, fragment->id);
        } else {
            const std::size_t len = exts[i].length;
            ext_bytes.push_back(next);
            ext_bytes.push_back(static_cast<std::uint8_t>(len / 8 - 1));
            ext_bytes.push_back(1); // PadN option filling the rest
            ext_bytes.push_back(static_cast<std::uint8_t>(len - 4));
            ext_bytes.insert(ext_bytes.end(), len - 4, 0);
        }
    }
    frame_bytes b;
    put32(b, 0x60000000);
    put16(b, static_cast<std::uint16_t>(ext_bytes.size() + body.size()));
    b.push_back(types.empty() ? protocol : types[0]);
    b.push_back(64);
    const auto s = addr(src);
    const auto d = addr(dst);
    b.insert(b.end(), s.bytes.begin(), s.bytes.end());
    b.insert(b.end(), d.bytes.begin(), d.bytes.end());
    append(b, ext_bytes);
    append(b, body);
    return b;
}

// Splits a transport segment into IPv4 fragments carrying `chunk` bytes each (multiple of 8).
inline std::vector<frame_bytes> ipv4_fragments(std::string_view src, std::string_view dst,
                                               std::uint8_t protocol, const frame_bytes& segment,
                                               std::size_t chunk, std::uint16_t id)
{
    std::vector<frame_bytes> out;
    for (std::size_t off = 0; off < segment.size(); off += chunk) {
        const std::size_t n = std::min(chunk, segment.size() - off);
        const frame_bytes part(segment.begin() + static_cast<std::ptrdiff_t>(off),
                               segment.begin() + static_cast<std::ptrdiff_t>(off + n));
        out.push_back(ipv4(src, dst, protocol, part, id, static_cast<std::uint32_t>(off),
                           off + n < segment.size()));
    }
    return out;
}

inline std::vector<frame_bytes> ipv6_fragments(std::string_view src, std::string_view dst,
                                               std::uint8_t protocol, const frame_bytes& segment,
                                               std::size_t chunk, std::uint32_t id)
{
    std::vector<frame_bytes> out;
    for (std::size_t off = 0; off < segment.size(); off += chunk) {
        const std::size_t n = std::min(chunk, segment.size() - off);
        const frame_bytes part(segment.begin() + static_cast<std::ptrdiff_t>(off),
                               segment.begin() + static_cast<std::ptrdiff_t>(off + n));
        const ipv6_fragment f{static_cast<std::uint32_t>(off), off + n < segment.size(), id};
        out.push_back(ipv6(src, dst, protocol, part, {}, &f));
    }
    return out;
}

inline std::uint16_t ethertype_of(const frame_bytes& ip)
{
    return !ip.empty() && (ip[0] >> 4) == 6 ? 0x86dd : 0x0800;
}

// Ethernet II around an IP packet, with VLAN tags given as {tpid, vlan id}, outermost first.
inline frame_bytes ethernet(const frame_bytes& ip,
                            const std::vector<std::pair<std::uint16_t, std::uint16_t>>& tags = {})
{
    frame_bytes b = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x66, 0x77, 0x88, 0x99, 0xaa};
    for (const auto& [tpid, vid] : tags) {
        put16(b, tpid);
        put16(b, vid);
    }
    put16(b, ethertype_of(ip));
    append(b, ip);
    return b;
}

// Ethernet + PPPoE session header + PPP protocol (RFC 2516).
inline frame_bytes pppoe(const frame_bytes& ip)
{
    frame_bytes b = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x66, 0x77, 0x88, 0x99, 0xaa};
    put16(b, 0x8864);
    b.push_back(0x11);
    b.push_back(0x00);
    put16(b, 0x1234);
    put16(b, static_cast<std::uint16_t>(ip.size() + 2));
    put16(b, ethertype_of(ip) == 0x0800 ? 0x0021 : 0x0057);
    append(b, ip);
    return b;
}

inline frame_bytes linux_sll(const frame_bytes& ip)
{
    frame_bytes b;
    put16(b, 0); // packet to us
    put16(b, 1); // ARPHRD_ETHER
    put16(b, 6);
    append(b, frame_bytes{0x00, 0x66, 0x77, 0x88, 0x99, 0xaa, 0, 0});
    put16(b, ethertype_of(ip));
    append(b, ip);
    return b;
}

inline frame_bytes linux_sll2(const frame_bytes& ip)
{
    frame_bytes b;
    put16(b, ethertype_of(ip));
    put16(b, 0);
    put32(b, 2); // interface index
    put16(b, 1);
    b.push_back(0);
    b.push_back(6);
    append(b, frame_bytes{0x00, 0x66, 0x77, 0x88, 0x99, 0xaa, 0, 0});
    append(b, ip);
    return b;
}

// BSD loopback: family 2 (IPv4) or `v6_family` in little (null) or big (loop) byte order.
inline frame_bytes loopback(const frame_bytes& ip, bool big_endian, std::uint32_t v6_family = 30)
{
    const std::uint32_t fam = ethertype_of(ip) == 0x0800 ? 2 : v6_family;
    frame_bytes b;
    if (big_endian) {
        put32(b, fam);
    } else {
        for (int i = 0; i < 4; ++i) {
            b.push_back(static_cast<std::uint8_t>(fam >> (8 * i)));
        }
    }
    append(b, ip);
    return b;
}

// Fills in UDP/TCP checksums of a built frame (what a real stack would have sent).
inline frame_bytes finish_checksums(ssw::pcap::link_type link, frame_bytes frame)
{
    auto d = ssw::pcap::decode_frame(link, frame);
    if (d && (d->kind == ssw::pcap::frame_kind::udp || d->kind == ssw::pcap::frame_kind::tcp)) {
        if (d->kind == ssw::pcap::frame_kind::udp && d->src.version == 4) {
            frame[d->checksum_offset] = 0xff; // make it non-zero so it gets computed
        }
        (void)ssw::pcap::fix_transport_checksum(frame, *d);
    }
    return frame;
}

// A capture in memory: frames with timestamps, written as pcap or pcapng bytes.
class capture {
  public:
    explicit capture(ssw::pcap::link_type link) : link_(link) {}

    capture& add(const frame_bytes& frame, std::int64_t timestamp_ns)
    {
        frames_.push_back({frame, timestamp_ns});
        return *this;
    }
    // Adds at 1 ms after the previous frame (starting 2026-01-01).
    capture& add(const frame_bytes& frame)
    {
        const std::int64_t t =
            frames_.empty() ? 1'767'225'600'000'000'000 : frames_.back().second + 1'000'000;
        return add(frame, t);
    }

    [[nodiscard]] std::string
    pcap(ssw::pcap::timestamp_precision precision = ssw::pcap::timestamp_precision::micro) const
    {
        std::string out;
        ssw::pcap::encode_file_header(out, {link_, precision, 262144});
        for (const auto& [f, t] : frames_) {
            ssw::pcap::encode_record(out, precision, t, f, static_cast<std::uint32_t>(f.size()));
        }
        return out;
    }

    // pcapng: SHB, one IDB (with if_tsresol 9 for nano), one EPB per frame; host byte order.
    [[nodiscard]] std::string
    pcapng(ssw::pcap::timestamp_precision precision = ssw::pcap::timestamp_precision::micro) const
    {
        std::string out;
        const auto u32 = [&out](std::uint32_t v) {
            out.append(reinterpret_cast<const char*>(&v), 4);
        };
        const auto u16 = [&out](std::uint16_t v) {
            out.append(reinterpret_cast<const char*>(&v), 2);
        };
        u32(0x0a0d0d0a);
        u32(28);
        u32(0x1a2b3c4d);
        u16(1);
        u16(0);
        u32(0xffffffff);
        u32(0xffffffff);
        u32(28);
        const bool nano = precision == ssw::pcap::timestamp_precision::nano;
        const std::uint32_t idb_len = nano ? 32 : 20;
        u32(1);
        u32(idb_len);
        u16(static_cast<std::uint16_t>(link_));
        u16(0);
        u32(262144);
        if (nano) {
            u16(9);
            u16(1);
            out.push_back(9);
            out.append(3, '\0');
            u16(0);
            u16(0);
        }
        u32(idb_len);
        for (const auto& [f, t] : frames_) {
            const std::uint64_t ts = static_cast<std::uint64_t>(nano ? t : t / 1000);
            const std::size_t padded = (f.size() + 3) & ~std::size_t{3};
            const auto len = static_cast<std::uint32_t>(32 + padded);
            u32(6);
            u32(len);
            u32(0);
            u32(static_cast<std::uint32_t>(ts >> 32));
            u32(static_cast<std::uint32_t>(ts & 0xffffffff));
            u32(static_cast<std::uint32_t>(f.size()));
            u32(static_cast<std::uint32_t>(f.size()));
            out.append(reinterpret_cast<const char*>(f.data()), f.size());
            out.append(padded - f.size(), '\0');
            u32(len);
        }
        return out;
    }

    [[nodiscard]] std::size_t size() const { return frames_.size(); }

  private:
    ssw::pcap::link_type link_;
    std::vector<std::pair<frame_bytes, std::int64_t>> frames_;
};

// Writes bytes to a file (throws on failure: test setup only).
inline void write_file(const std::string& path, const std::string& bytes)
{
    std::ofstream f(path, std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) {
        throw std::runtime_error("cannot write " + path);
    }
}

} // namespace ssw::test::pcap_builder
