// SPDX-License-Identifier: MIT
// ssw::keepalive::nat_keepalive: the NAT keep-alive pacing of ssw-params(5) (batches every
// interval, a cycle every period) as a scheduler over an injected clock; net/ only sends the
// datagrams.
#pragma once

#include <ssw/core/clock.hpp>
#include <ssw/core/ip_address.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace ssw::keepalive {

// Pacing, one field per catalog parameter.
struct keepalive_settings {
    bool enabled = true;                          // SS_SIP_NAT_KEEP_ALIVE_MESSAGE not empty
    std::chrono::seconds period{30};              // SS_SIP_NAT_KEEP_ALIVE_PERIOD
    std::chrono::milliseconds send_interval{500}; // SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL
    std::size_t batch_size = 3000;                // SS_SIP_NAT_KEEP_ALIVE_SEND_ONE_TIME
    // (ours, beyond the parameters' pacing) Spread each cycle's batches evenly over the period
    // instead of sending them back to back, and start each cycle where the last one stopped, so
    // that when capacity is short every endpoint still gets its turn (nobody starves).
    bool spread_evenly = false;
};

// Most endpoints one cycle can reach: PERIOD x 1000 / INTERVAL x ONE_TIME (the formula of
// ssw-params(5), also used by `ssw-param check --nat-endpoints`).
[[nodiscard]] std::uint64_t cycle_capacity(const keepalive_settings& settings) noexcept;

// Where to send one keep-alive: the packet source of the endpoint's REGISTER.
struct nat_endpoint {
    std::uint64_t id = 0; // the registrar's binding id
    core::ip_address address;
    std::uint16_t port = 0;
};

// Counters for the log and `ssw-run status`: starvation is reported, never hidden.
struct keepalive_stats {
    std::uint64_t cycles_started = 0;
    std::uint64_t cycles_incomplete = 0;     // a new cycle began before this one reached everybody
    std::uint64_t endpoints_missed_last = 0; // how many the last incomplete cycle did not reach
    std::uint64_t endpoints_missed_total = 0;
    std::uint64_t messages_sent = 0;
};

// Holds the NAT endpoints and says, at each wake-up, which batch to send. Adding and removing
// is O(1); a wake-up touches only its batch and allocates nothing.
class nat_keepalive {
  public:
    nat_keepalive(keepalive_settings settings, const core::clock& clock);

    // Adds or updates an endpoint (same id: new address/port).
    void upsert(const nat_endpoint& endpoint);
    void remove(std::uint64_t id);
    [[nodiscard]] std::size_t size() const noexcept { return endpoints_.size(); }

    // When on_timer must run next; nullopt when disabled or nobody is behind NAT.
    [[nodiscard]] std::optional<core::clock::time_point> next_wakeup() const;

    // The batch due now (empty if none is due). The span stays valid until the next call.
    std::span<const nat_endpoint> on_timer();

    [[nodiscard]] const keepalive_stats& stats() const noexcept { return stats_; }

  private:
    void start_cycle(core::clock::time_point now);
    [[nodiscard]] std::chrono::nanoseconds batch_spacing() const;

    keepalive_settings settings_;
    const core::clock& clock_;
    std::vector<nat_endpoint> endpoints_;
    std::unordered_map<std::uint64_t, std::size_t> index_;
    std::vector<nat_endpoint> batch_;
    bool cycle_running_ = false;
    core::clock::time_point cycle_start_{};
    core::clock::time_point next_batch_{};
    std::size_t cycle_first_ = 0;  // where this cycle started (rotates with spread_evenly)
    std::size_t cycle_sent_ = 0;   // endpoints this cycle has reached
    std::size_t cycle_target_ = 0; // endpoints present when it started
    keepalive_stats stats_;
};

} // namespace ssw::keepalive
