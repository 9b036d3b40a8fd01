// SPDX-License-Identifier: MIT
// ssw::pcap::ip_reassembler: IPv4/IPv6 fragment reassembly, bounded memory, capture-time timeouts.
#pragma once

#include <ssw/pcap/frame_decoder.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace ssw::pcap {

// Bounds of the reassembler. When a bound is hit, the incomplete datagram that started
// earliest is dropped first (counted in stats().evicted).
struct ip_reassembly_limits {
    std::size_t max_datagrams = 1024;                  // incomplete datagrams held at once
    std::size_t max_buffered_bytes = 16 * 1024 * 1024; // fragment bytes held in total
    std::chrono::nanoseconds timeout =
        std::chrono::seconds(30); // capture time since the first fragment
};

// The largest IP payload a datagram may reassemble to (RFC 791 total length, RFC 8200
// payload length without jumbograms); fragments reaching beyond it are dropped.
inline constexpr std::size_t max_reassembled_bytes = 65535;

// A datagram put back together: the IP payload (transport header first) and where it came from.
struct reassembled_datagram {
    std::uint8_t ip_version = 4;
    ip_address src;
    ip_address dst;
    std::uint8_t protocol = 0; // 17 UDP, 6 TCP...
    std::vector<std::uint8_t> payload;
    std::vector<std::uint64_t> frame_numbers; // every fragment used or seen, in arrival order
    std::int64_t first_timestamp_ns = 0;
    std::int64_t last_timestamp_ns = 0; // the completing fragment's time
};

// Counters for diagnostics (ssw-trace -v) and tests.
struct ip_reassembly_stats {
    std::uint64_t fragments = 0; // fragments offered
    std::uint64_t completed = 0; // datagrams returned whole
    std::uint64_t expired = 0;   // incomplete datagrams dropped by timeout (or flush)
    std::uint64_t evicted = 0;   // incomplete datagrams dropped to respect the limits
    std::uint64_t overlaps = 0;  // fragments that overlapped bytes already held
    std::uint64_t invalid = 0;   // fragments beyond max_reassembled_bytes or past the end
};

// Collects fragments keyed by (version, source, destination, protocol, id). Overlaps are
// resolved deterministically: bytes already held win, later copies of them are ignored
// (the policy of RFC 5722's spirit without dropping the datagram). A datagram is complete
// when its last fragment (MF=0) has arrived and every byte before it is held.
class ip_reassembler {
  public:
    explicit ip_reassembler(ip_reassembly_limits limits = {});

    // Feeds one frame with d.kind == ip_fragment (other kinds are ignored, nullopt).
    // Returns the datagram this fragment completes. Expires timed-out datagrams first,
    // using `timestamp_ns` as the current capture time.
    std::optional<reassembled_datagram>
    on_fragment(const decoded_frame& d, std::uint64_t frame_number, std::int64_t timestamp_ns);

    // Drops datagrams whose first fragment is older than the timeout at `now_ns`;
    // returns how many were dropped.
    std::size_t expire(std::int64_t now_ns);
    // Drops every incomplete datagram (end of capture); returns how many.
    std::size_t flush();

    [[nodiscard]] std::size_t in_flight() const noexcept { return datagrams_.size(); }
    [[nodiscard]] std::size_t buffered_bytes() const noexcept { return buffered_bytes_; }
    [[nodiscard]] const ip_reassembly_stats& stats() const noexcept { return stats_; }

  private:
    struct key {
        std::uint8_t version = 0;
        ip_address src;
        ip_address dst;
        std::uint8_t protocol = 0;
        std::uint32_t id = 0;
        friend auto operator<=>(const key&, const key&) = default;
    };
    struct pending {
        std::vector<std::uint8_t> data;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> covered; // sorted, merged [begin, end)
        std::optional<std::uint32_t> total;
        std::vector<std::uint64_t> frames;
        std::int64_t first_ns = 0;
        std::int64_t last_ns = 0;
        std::uint64_t sequence = 0; // arrival order of the first fragment, for eviction ties
    };
    void drop(std::map<key, pending>::iterator it);
    void evict_oldest();

    ip_reassembly_limits limits_;
    std::map<key, pending> datagrams_;
    std::size_t buffered_bytes_ = 0;
    std::uint64_t sequence_ = 0;
    std::int64_t last_expire_ns_ = 0;
    ip_reassembly_stats stats_;
};

} // namespace ssw::pcap
