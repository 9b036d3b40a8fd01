// SPDX-License-Identifier: MIT
// ssw::pcap::live_capture: packets from a network interface (libpcap), with a BPF filter,
// delivered in bounded waits so a caller can report on a schedule.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/pcap/reader.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace ssw::pcap {

class live_capture {
  public:
    // Opens `interface` ("any", "eth0", "lo") in immediate mode and installs `filter` (BPF
    // syntax as tcpdump; empty = everything). Errors: unavailable (no such device, no
    // permission: the libpcap message says which), invalid_argument (the filter does not compile).
    static result<live_capture> open(const std::string& interface, const std::string& filter);

    live_capture(live_capture&&) noexcept;
    live_capture& operator=(live_capture&&) noexcept;
    live_capture(const live_capture&) = delete;
    live_capture& operator=(const live_capture&) = delete;
    ~live_capture();

    // Delivers the packets that arrive within `wait` (returns sooner when none are
    // pending after at least one read timeout); frame numbers count from 1 across calls.
    // Returns how many were delivered; io_error when the capture fails.
    result<std::uint64_t> poll(const std::function<void(const packet&)>& on_packet,
                               std::chrono::milliseconds wait);

    // Packets the kernel dropped (buffer full) so far, when libpcap can tell.
    [[nodiscard]] std::uint64_t dropped() const;
    [[nodiscard]] std::uint64_t frames() const noexcept;

  private:
    struct impl;
    explicit live_capture(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

} // namespace ssw::pcap
