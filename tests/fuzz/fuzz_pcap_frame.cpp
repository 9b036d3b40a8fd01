// SPDX-License-Identifier: MIT
// libFuzzer target: frame decoding, checksum repair, IP fragment and TCP stream reassembly on
// arbitrary bytes. Input: 1 byte link-type selector, then frames as [2-byte big-endian
// length][bytes].
#include <ssw/pcap/frame_decoder.hpp>
#include <ssw/pcap/ip_reassembly.hpp>
#include <ssw/pcap/sip_sniff.hpp>
#include <ssw/pcap/tcp_reassembly.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

namespace {

constexpr std::array<ssw::pcap::link_type, 9> links = {
    ssw::pcap::link_type::ethernet,
    ssw::pcap::link_type::raw,
    ssw::pcap::link_type::null,
    ssw::pcap::link_type::loop,
    ssw::pcap::link_type::linux_sll,
    ssw::pcap::link_type::linux_sll2,
    ssw::pcap::link_type::ipv4,
    ssw::pcap::link_type::ipv6,
    static_cast<ssw::pcap::link_type>(147),
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ssw::pcap;
    if (size < 1) {
        return 0;
    }
    const link_type link = links[data[0] % links.size()];
    // Small bounds so that the limit paths (eviction, gaps) are reached by short inputs.
    ip_reassembly_limits ip_limits;
    ip_limits.max_datagrams = 4;
    ip_limits.max_buffered_bytes = 4096;
    ip_limits.timeout = std::chrono::seconds(2);
    tcp_reassembly_limits tcp_limits;
    tcp_limits.max_flows = 4;
    tcp_limits.max_flow_buffer_bytes = 512;
    tcp_limits.max_total_buffer_bytes = 1024;
    tcp_limits.idle_timeout = std::chrono::seconds(3);
    std::size_t delivered = 0;
    tcp_reassembler tcp(
        [&delivered](const tcp_chunk& c) {
            // Touch every delivered byte so ASan sees any dangling span.
            for (const std::uint8_t b : c.data) {
                delivered += b;
            }
            for (const std::uint64_t f : c.frames) {
                delivered += static_cast<std::size_t>(f);
            }
        },
        tcp_limits);
    ip_reassembler ip(ip_limits);

    std::size_t at = 1;
    std::uint64_t frame_number = 0;
    std::int64_t now = 1'000'000'000;
    while (at + 2 <= size) {
        const std::size_t len = static_cast<std::size_t>(data[at] << 8 | data[at + 1]);
        at += 2;
        const std::size_t n = len < size - at ? len : size - at;
        std::vector<std::uint8_t> frame(data + at, data + at + n);
        at += n;
        ++frame_number;
        now += static_cast<std::int64_t>(n) * 10'000'000; // longer frames advance time more
        auto d = decode_frame(link, frame);
        if (!d) {
            continue;
        }
        (void)looks_like_sip(d->payload);
        if (d->kind == frame_kind::udp || d->kind == frame_kind::tcp) {
            std::vector<std::uint8_t> copy = frame;
            (void)fix_transport_checksum(copy, *d);
        }
        const std::span<const std::uint64_t> frames(&frame_number, 1);
        if (d->kind == frame_kind::tcp) {
            tcp.on_segment(*d, frames, now);
        } else if (d->kind == frame_kind::ip_fragment) {
            if (auto whole = ip.on_fragment(*d, frame_number, now)) {
                decoded_frame inner;
                inner.src = whole->src;
                inner.dst = whole->dst;
                if (decode_transport(whole->protocol, whole->payload, inner) &&
                    inner.kind == frame_kind::tcp) {
                    tcp.on_segment(inner, whole->frame_numbers, now);
                }
            }
            if (ip.buffered_bytes() > ip_limits.max_buffered_bytes ||
                ip.in_flight() > ip_limits.max_datagrams) {
                std::abort();
            }
        }
        if (tcp.flows() > tcp_limits.max_flows) {
            std::abort();
        }
    }
    tcp.flush();
    ip.flush();
    return delivered == 42 ? 0 : 0;
}
