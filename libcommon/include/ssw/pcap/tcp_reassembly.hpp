// SPDX-License-Identifier: MIT
// ssw::pcap::tcp_reassembler: per-flow TCP reassembly into ordered byte chunks per direction.
#pragma once

#include <ssw/pcap/frame_decoder.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

namespace ssw::pcap {

// One direction of a TCP connection: bytes flow from `src` to `dst`.
struct flow_key {
    endpoint src;
    endpoint dst;
    friend auto operator<=>(const flow_key&, const flow_key&) = default;
    friend bool operator==(const flow_key&, const flow_key&) = default;
    // The opposite direction.
    [[nodiscard]] flow_key reversed() const { return {dst, src}; }
};

// Hash of a flow key (for unordered containers keyed by direction).
struct flow_key_hash {
    std::size_t operator()(const flow_key& k) const noexcept;
};

// Bounds of the reassembler. Out-of-order bytes are held until the hole before them is
// filled; when a direction's or the total held bytes would pass a bound, the hole is
// declared a gap (reported, skipped) and delivery resumes after it.
struct tcp_reassembly_limits {
    std::size_t max_flows = 65536;                   // directions tracked; oldest idle evicted
    std::size_t max_flow_buffer_bytes = 1024 * 1024; // out-of-order bytes per direction
    std::size_t max_total_buffer_bytes = 64 * 1024 * 1024; // out-of-order bytes in total
    std::uint32_t max_sequence_jump = 16 * 1024 * 1024; // further ahead is not this stream: dropped
    std::chrono::nanoseconds idle_timeout =
        std::chrono::minutes(5); // capture time without a segment
};

// What a chunk reports.
enum class tcp_event : std::uint8_t {
    open,    // a SYN started (or restarted) this direction; consumers reset their framing
    data,    // `data` continues the stream at `stream_offset`
    gap,     // `missing_bytes` were never captured; data resumes after them
    fin,     // the sender closed the direction after all its data
    reset,   // RST: the connection is gone; held bytes were delivered first (with gaps)
    expired, // idle timeout, eviction or end of capture; held bytes were delivered first
};

// One delivery to the consumer. Spans are valid only during the callback.
struct tcp_chunk {
    tcp_event event = tcp_event::data;
    flow_key key;
    std::span<const std::uint8_t> data;    // event == data
    std::uint64_t stream_offset = 0;       // bytes delivered or skipped before this chunk
    std::uint64_t missing_bytes = 0;       // event == gap
    std::span<const std::uint64_t> frames; // frames the bytes (or the event) came from
    std::int64_t timestamp_ns = 0;         // capture time of the segment delivering it
};

// Counters for diagnostics and tests.
struct tcp_reassembly_stats {
    std::uint64_t segments = 0;      // segments offered
    std::uint64_t retransmitted = 0; // segments wholly or partly covering delivered bytes
    std::uint64_t out_of_order = 0;  // segments held for later
    std::uint64_t gaps = 0;          // gap events
    std::uint64_t gap_bytes = 0;
    std::uint64_t dropped = 0;       // segments outside max_sequence_jump or after FIN/RST
    std::uint64_t flows_opened = 0;  // directions started
    std::uint64_t flows_evicted = 0; // directions dropped to respect max_flows
};

// Called once per chunk, in stream order within a direction.
using tcp_consumer = std::function<void(const tcp_chunk&)>;

// Reassembles each direction independently. A direction starts at its SYN (the stream
// begins at ISN+1) or, when the capture began mid-connection, at the first segment with
// data (bytes before it that arrive later count as retransmissions).
// Bytes already delivered win over later copies (retransmissions with different content
// are ignored, deterministically). Memory is bounded by the limits, never by the capture.
class tcp_reassembler {
  public:
    explicit tcp_reassembler(tcp_consumer consumer, tcp_reassembly_limits limits = {});
    ~tcp_reassembler();
    tcp_reassembler(const tcp_reassembler&) = delete;
    tcp_reassembler& operator=(const tcp_reassembler&) = delete;

    // Feeds one segment (d.kind == tcp; other kinds are ignored). `frames` names the frames
    // it came from (one, or several for a reassembled IP datagram). Expires idle directions
    // using `timestamp_ns` as the current capture time.
    void on_segment(const decoded_frame& d, std::span<const std::uint64_t> frames,
                    std::int64_t timestamp_ns);

    // Closes directions idle for longer than the timeout at `now_ns` (delivering what they
    // hold, then `expired`); returns how many.
    std::size_t expire(std::int64_t now_ns);
    // End of capture: every direction delivers what it holds and ends with `expired`.
    void flush();

    [[nodiscard]] std::size_t flows() const noexcept;
    [[nodiscard]] std::size_t buffered_bytes() const noexcept;
    [[nodiscard]] const tcp_reassembly_stats& stats() const noexcept;

  private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace ssw::pcap
