// SPDX-License-Identifier: MIT
// ssw::pcap::capture_decoder: frames -> decoding -> reassembly -> UDP datagrams and TCP streams.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/pcap/frame_decoder.hpp>
#include <ssw/pcap/ip_reassembly.hpp>
#include <ssw/pcap/reader.hpp>
#include <ssw/pcap/tcp_reassembly.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace ssw::pcap {

// One UDP datagram, whole: from a single frame or reassembled from IP fragments.
// Spans are valid only during the callback.
struct udp_datagram {
    endpoint src;
    endpoint dst;
    std::span<const std::uint8_t> payload;
    std::span<const std::uint64_t> frames; // the frame, or every fragment's frame
    std::int64_t timestamp_ns = 0;         // of the frame that completed it
    // The frame's decoding when the datagram came in one frame (offsets index that
    // frame's bytes, for in-place rewriting); nullptr for a reassembled datagram.
    const decoded_frame* frame = nullptr;
    bool truncated = false; // the capture cut the payload short (snaplen)
};

// Bounds of both reassemblers.
struct capture_limits {
    ip_reassembly_limits ip;
    tcp_reassembly_limits tcp;
};

// What the decoder saw, for `-v` summaries and tests. Frame counts are per frame kind
// (fragments count under `fragments`, not udp/tcp).
struct capture_stats {
    std::uint64_t frames = 0;
    std::uint64_t bytes = 0; // captured bytes
    std::uint64_t non_ip = 0;
    std::uint64_t ip_other = 0;
    std::uint64_t udp = 0; // UDP frames (unfragmented)
    std::uint64_t tcp = 0; // TCP frames (unfragmented)
    std::uint64_t fragments = 0;
    std::uint64_t reassembled = 0;   // datagrams completed from fragments
    std::uint64_t decode_errors = 0; // frames decode_frame rejected
    // Of those, frames whose link type decode_frame does not take apart, and which link
    // types they had (each once, the first max_reported_links of them).
    std::uint64_t unsupported_link = 0;
    static constexpr std::size_t max_reported_links = 8;
    std::vector<link_type> unsupported_links;
    std::uint64_t truncated = 0; // frames cut short by the snapshot length
    ip_reassembly_stats ip;
    tcp_reassembly_stats tcp_streams;
};

// When frames were skipped for their link type: "link type 147 is not decoded by ssw (it
// decodes ...): N of M frames skipped", for the tool to print (tshark also names the type it
// cannot read). Empty when no frame was skipped for that reason.
[[nodiscard]] std::string describe_unsupported_links(const capture_stats& s);

// The consumer side. Every handler is optional.
struct capture_handlers {
    std::function<void(const udp_datagram&)> on_udp;
    tcp_consumer on_tcp; // ordered stream chunks per direction
    // Every frame that decoded, before reassembly (for frame-level filters and counts).
    std::function<void(const packet&, const decoded_frame&)> on_frame;
    // Frames decode_frame rejected; decoding goes on with the next frame.
    std::function<void(const packet&, const error&)> on_decode_error;
};

// Streams packets through decoding and reassembly. Memory is bounded by the limits
// (open flows and datagrams), never by the capture's size. Handlers must not call back
// into the decoder.
class capture_decoder {
  public:
    explicit capture_decoder(capture_handlers handlers, capture_limits limits = {});

    // Decodes and dispatches one packet.
    void on_packet(const packet& p);
    // End of input: TCP directions deliver what they hold and end (`expired`), incomplete
    // IP datagrams are dropped. Call once after the last packet.
    void finish();

    // Counters so far (the reassemblers' ones included).
    [[nodiscard]] capture_stats stats() const;

  private:
    void dispatch_udp(const decoded_frame& d, std::span<const std::uint64_t> frames,
                      std::int64_t ts, const decoded_frame* single);

    capture_handlers handlers_;
    ip_reassembler ip_;
    tcp_reassembler tcp_;
    capture_stats stats_;
};

// Reads `in` to its end through `decoder`, then calls decoder.finish(). `progress`, if
// set, is called about every 64 Ki frames (for progress bars). On a truncated or corrupt
// file the reader's error is returned after everything before it was dispatched and
// finish() was called, so callers print what was decoded and then the error.
result<void> decode_capture(reader& in, capture_decoder& decoder,
                            const std::function<void(const reader&)>& progress = {});

} // namespace ssw::pcap
