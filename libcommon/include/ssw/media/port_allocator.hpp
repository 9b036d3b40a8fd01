// SPDX-License-Identifier: MIT
// ssw::media::port_allocator: RTP/RTCP port pairs from a configured range (even RTP port,
// odd RTCP port = RTP + 1), handed out round-robin and counted so leaks show.
#pragma once

#include <ssw/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ssw::media {

struct port_stats {
    std::uint64_t allocated = 0; // pairs handed out
    std::uint64_t released = 0;  // pairs given back
    std::uint64_t exhausted = 0; // allocate() calls that found no free pair
};

class port_allocator {
  public:
    // Pairs (p, p + 1) with p even and first <= p, p + 1 <= last. A range without one whole
    // pair gives an allocator whose capacity() is 0 (every allocate() fails).
    port_allocator(std::uint16_t first, std::uint16_t last);

    // The RTP port of a free pair. limit_exceeded when every pair is in use. The search starts
    // after the last pair handed out, so a port just released is not reused at once (late
    // packets of the previous call do not land in the next one).
    [[nodiscard]] result<std::uint16_t> allocate();
    // Gives a pair back by its RTP port; false (and nothing changes) when it was not in use.
    bool release(std::uint16_t rtp_port);

    [[nodiscard]] bool in_use(std::uint16_t rtp_port) const noexcept;
    [[nodiscard]] std::size_t capacity() const noexcept { return used_.size(); }
    [[nodiscard]] std::size_t used() const noexcept { return in_use_; }
    [[nodiscard]] const port_stats& stats() const noexcept { return stats_; }
    [[nodiscard]] std::uint16_t first_port() const noexcept { return first_; }

  private:
    std::uint16_t first_ = 0; // the first even port of the range
    std::vector<bool> used_;  // one flag per pair
    std::size_t cursor_ = 0;
    std::size_t in_use_ = 0;
    port_stats stats_;
};

} // namespace ssw::media
