// SPDX-License-Identifier: MIT
// The capture pipeline: decode each frame, reassemble fragments and TCP streams, dispatch.
#include <ssw/pcap/capture_decoder.hpp>

#include <algorithm>

namespace ssw::pcap {

capture_decoder::capture_decoder(capture_handlers handlers, capture_limits limits)
    : handlers_(std::move(handlers)), ip_(limits.ip),
      tcp_(handlers_.on_tcp ? handlers_.on_tcp : tcp_consumer([](const tcp_chunk&) {}), limits.tcp)
{
}

void capture_decoder::dispatch_udp(const decoded_frame& d, std::span<const std::uint64_t> frames,
                                   std::int64_t ts, const decoded_frame* single)
{
    if (!handlers_.on_udp) {
        return;
    }
    udp_datagram u;
    u.src = d.source();
    u.dst = d.destination();
    u.payload = d.payload;
    u.frames = frames;
    u.timestamp_ns = ts;
    u.frame = single;
    u.truncated = d.truncated;
    handlers_.on_udp(u);
}

void capture_decoder::on_packet(const packet& p)
{
    ++stats_.frames;
    stats_.bytes += p.data.size();
    if (p.data.size() < p.original_length) {
        ++stats_.truncated;
    }
    auto decoded = decode_frame(p.link, p.data);
    if (!decoded) {
        ++stats_.decode_errors;
        if (!is_supported(p.link)) {
            ++stats_.unsupported_link;
            auto& seen = stats_.unsupported_links;
            if (seen.size() < capture_stats::max_reported_links &&
                std::find(seen.begin(), seen.end(), p.link) == seen.end()) {
                seen.push_back(p.link);
            }
        }
        if (handlers_.on_decode_error) {
            handlers_.on_decode_error(p, decoded.error());
        }
        return;
    }
    const decoded_frame& d = *decoded;
    if (handlers_.on_frame) {
        handlers_.on_frame(p, d);
    }
    const std::uint64_t frame = p.frame_number;
    switch (d.kind) {
    case frame_kind::non_ip: ++stats_.non_ip; return;
    case frame_kind::ip_other: ++stats_.ip_other; return;
    case frame_kind::udp:
        ++stats_.udp;
        dispatch_udp(d, std::span<const std::uint64_t>(&frame, 1), p.timestamp_ns, &d);
        return;
    case frame_kind::tcp:
        ++stats_.tcp;
        tcp_.on_segment(d, std::span<const std::uint64_t>(&frame, 1), p.timestamp_ns);
        return;
    case frame_kind::ip_fragment: break;
    }
    ++stats_.fragments;
    auto whole = ip_.on_fragment(d, frame, p.timestamp_ns);
    if (!whole) {
        return;
    }
    ++stats_.reassembled;
    decoded_frame inner;
    inner.link = d.link;
    inner.src = whole->src;
    inner.dst = whole->dst;
    inner.ip_protocol = whole->protocol;
    if (!decode_transport(whole->protocol, whole->payload, inner)) {
        ++stats_.decode_errors;
        if (handlers_.on_decode_error) {
            handlers_.on_decode_error(
                p, make_error(errc::parse_error,
                              "reassembled datagram has a cut-short transport header"));
        }
        return;
    }
    if (inner.kind == frame_kind::udp) {
        dispatch_udp(inner, whole->frame_numbers, p.timestamp_ns, nullptr);
    } else if (inner.kind == frame_kind::tcp) {
        tcp_.on_segment(inner, whole->frame_numbers, p.timestamp_ns);
    }
}

void capture_decoder::finish()
{
    tcp_.flush();
    ip_.flush();
}

capture_stats capture_decoder::stats() const
{
    capture_stats s = stats_;
    s.ip = ip_.stats();
    s.tcp_streams = tcp_.stats();
    return s;
}

result<void> decode_capture(reader& in, capture_decoder& decoder,
                            const std::function<void(const reader&)>& progress)
{
    for (;;) {
        auto next = in.next();
        if (!next) {
            decoder.finish();
            return unexpected(std::move(next).error());
        }
        if (!*next) {
            break;
        }
        decoder.on_packet(**next);
        if (progress && (in.frames_read() & 0xffff) == 0) {
            progress(in);
        }
    }
    decoder.finish();
    return {};
}

std::string describe_unsupported_links(const capture_stats& s)
{
    if (s.unsupported_link == 0) {
        return {};
    }
    std::string types;
    for (const auto t : s.unsupported_links) {
        types += (types.empty() ? "" : ", ") + std::to_string(static_cast<std::uint32_t>(t));
    }
    std::string decoded;
    for (const auto t :
         {link_type::null, link_type::ethernet, link_type::raw, link_type::loop,
          link_type::linux_sll, link_type::ipv4, link_type::ipv6, link_type::linux_sll2}) {
        decoded += (decoded.empty() ? "" : ", ") + to_string(t);
    }
    return std::string(s.unsupported_links.size() > 1 ? "link types " : "link type ") + types +
           (s.unsupported_links.size() > 1 ? " are" : " is") + " not decoded by ssw (it decodes " +
           decoded + "): " + std::to_string(s.unsupported_link) + " of " +
           std::to_string(s.frames) + " frames skipped";
}

} // namespace ssw::pcap
