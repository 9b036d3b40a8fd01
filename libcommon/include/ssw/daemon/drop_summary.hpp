// SPDX-License-Identifier: MIT
// ssw::daemon::drop_summary: what ssw-run refused, and from where, told in one log line per
// interval instead of one line per packet. Floods are port 5060's normal weather: a log that
// writes a line per dropped request becomes the flood's second target (the disk, journald).
// Sans-IO: notes go in with the injected clock, the summary line comes out when it is due.
#pragma once

#include <ssw/core/clock.hpp>
#include <ssw/core/ip_address.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ssw::daemon {

// Why a request (or a connection) got no service. Every reason has a counter in
// `ssw-run status` and a word in the summary line.
enum class drop_reason : std::uint8_t {
    unknown_silent,     // unknown source, SS_REPLY_UNAUTHORIZED Off: not a byte sent
    unknown_rejected,   // unknown source, SS_REPLY_UNAUTHORIZED On: stateless 401/403
    auth_rejected,      // a known account's wrong credentials ended an attempt: 403
    suspended,          // a suspended terminal or source (403 or silence)
    malformed,          // not SIP, or a request without Via/From/To/Call-ID/CSeq
    stateless_overflow, // the transaction table was full: answered without keeping state
    tcp_refused,        // a TCP connection refused (per-source or total cap)
    tcp_closed,         // a TCP connection closed by the guard (never authenticated, idle)
};
inline constexpr std::size_t drop_reason_count = 8;

[[nodiscard]] std::string_view to_string(drop_reason reason) noexcept;

// Running totals per reason since the start.
using drop_totals = std::array<std::uint64_t, drop_reason_count>;

class drop_summary {
  public:
    // `interval`: at most one summary line per interval. `max_sources`: distinct source
    // addresses remembered per interval (beyond it they are counted, not named).
    explicit drop_summary(const core::clock& clock,
                          std::chrono::seconds interval = std::chrono::seconds(10),
                          std::size_t max_sources = 1024);

    void note(drop_reason reason, const core::ip_address& source);

    // The line for the interval that ended ("flood summary: ..."), once it ended and only if
    // something was dropped in it; the next interval starts then.
    [[nodiscard]] std::optional<std::string> take_due();
    // When take_due() may next return a line (nullopt: nothing noted, nothing to report).
    [[nodiscard]] std::optional<core::clock::time_point> deadline() const;

    [[nodiscard]] const drop_totals& totals() const noexcept { return totals_; }
    // Distinct sources remembered in the current interval (bounded by max_sources).
    [[nodiscard]] std::size_t sources_tracked() const noexcept { return sources_.size(); }

  private:
    const core::clock& clock_;
    std::chrono::seconds interval_;
    std::size_t max_sources_;
    std::optional<core::clock::time_point> interval_start_; // set by the first note
    drop_totals totals_{};
    drop_totals in_interval_{};
    std::unordered_map<core::ip_address, std::uint64_t> sources_;
    std::uint64_t unnamed_sources_drops_ = 0; // drops from sources past max_sources
};

} // namespace ssw::daemon
