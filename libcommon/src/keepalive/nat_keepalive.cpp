// SPDX-License-Identifier: MIT
// NAT keep-alive scheduling: batches, cycles, starvation accounting.
#include <ssw/keepalive/nat_keepalive.hpp>

#include <algorithm>

namespace ssw::keepalive {

std::uint64_t cycle_capacity(const keepalive_settings& settings) noexcept
{
    const auto interval_ms = std::max<std::int64_t>(1, settings.send_interval.count());
    const auto period_ms = static_cast<std::int64_t>(settings.period.count()) * 1000;
    // Batches at t = 0, interval, 2*interval, ... strictly before the period ends.
    const auto batches = static_cast<std::uint64_t>((period_ms + interval_ms - 1) / interval_ms);
    return batches * settings.batch_size;
}

nat_keepalive::nat_keepalive(keepalive_settings settings, const core::clock& clock)
    : settings_(settings), clock_(clock)
{
    settings_.batch_size = std::max<std::size_t>(1, settings_.batch_size);
    batch_.reserve(settings_.batch_size);
}

void nat_keepalive::upsert(const nat_endpoint& endpoint)
{
    const auto it = index_.find(endpoint.id);
    if (it != index_.end()) {
        endpoints_[it->second] = endpoint;
        return;
    }
    index_.emplace(endpoint.id, endpoints_.size());
    endpoints_.push_back(endpoint);
}

void nat_keepalive::remove(std::uint64_t id)
{
    const auto it = index_.find(id);
    if (it == index_.end()) {
        return;
    }
    // Swap-remove keeps removal O(1); the moved endpoint may be skipped or seen twice in
    // the running cycle, which a keep-alive tolerates.
    const std::size_t slot = it->second;
    index_.erase(it);
    if (slot + 1 != endpoints_.size()) {
        endpoints_[slot] = endpoints_.back();
        index_[endpoints_[slot].id] = slot;
    }
    endpoints_.pop_back();
}

std::chrono::nanoseconds nat_keepalive::batch_spacing() const
{
    const std::chrono::nanoseconds configured = settings_.send_interval;
    if (!settings_.spread_evenly || cycle_target_ == 0) {
        return configured;
    }
    const auto batches = (cycle_target_ + settings_.batch_size - 1) / settings_.batch_size;
    const std::chrono::nanoseconds even =
        std::chrono::nanoseconds(settings_.period) / static_cast<std::int64_t>(batches);
    return std::max(configured, even);
}

std::optional<core::clock::time_point> nat_keepalive::next_wakeup() const
{
    if (!settings_.enabled || (endpoints_.empty() && !cycle_running_)) {
        return std::nullopt;
    }
    if (!cycle_running_) {
        return cycle_start_ == core::clock::time_point{} ? clock_.now()
                                                         : cycle_start_ + settings_.period;
    }
    return std::min(next_batch_, cycle_start_ + settings_.period);
}

void nat_keepalive::start_cycle(core::clock::time_point now)
{
    if (cycle_running_ && cycle_sent_ < cycle_target_) {
        ++stats_.cycles_incomplete;
        stats_.endpoints_missed_last = cycle_target_ - cycle_sent_;
        stats_.endpoints_missed_total += cycle_target_ - cycle_sent_;
    }
    // SS_SIP_NAT_KEEP_ALIVE_PERIOD starts every cycle from the beginning; spread mode goes on from
    // where the last cycle stopped, so a short capacity rotates instead of starving the tail.
    const std::size_t previous_end =
        endpoints_.empty() ? 0 : (cycle_first_ + cycle_sent_) % endpoints_.size();
    cycle_first_ = settings_.spread_evenly ? previous_end : 0;
    cycle_running_ = true;
    cycle_start_ = now;
    cycle_sent_ = 0;
    cycle_target_ = endpoints_.size();
    next_batch_ = now;
    ++stats_.cycles_started;
}

std::span<const nat_endpoint> nat_keepalive::on_timer()
{
    batch_.clear();
    const auto due = next_wakeup();
    const auto now = clock_.now();
    if (!due || now < *due) {
        return {};
    }
    if (!cycle_running_ || now >= cycle_start_ + settings_.period) {
        start_cycle(now);
    }
    if (now < next_batch_) {
        return {};
    }
    const std::size_t count = endpoints_.size();
    const std::size_t remaining = std::min(cycle_target_, count) > cycle_sent_
                                      ? std::min(cycle_target_, count) - cycle_sent_
                                      : 0;
    const std::size_t take = std::min(remaining, settings_.batch_size);
    for (std::size_t i = 0; i < take; ++i) {
        batch_.push_back(endpoints_[(cycle_first_ + cycle_sent_ + i) % count]);
    }
    cycle_sent_ += take;
    stats_.messages_sent += take;
    if (cycle_sent_ >= std::min(cycle_target_, count)) {
        cycle_running_ = false; // done: sleep until the period ends
        cycle_sent_ = cycle_target_;
    } else {
        next_batch_ = now + std::chrono::duration_cast<core::clock::duration>(batch_spacing());
    }
    return batch_;
}

} // namespace ssw::keepalive
