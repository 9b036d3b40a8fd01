// SPDX-License-Identifier: MIT
// One summary line per interval for everything ssw-run refused.
#include <ssw/daemon/drop_summary.hpp>

#include <algorithm>
#include <vector>

namespace ssw::daemon {

std::string_view to_string(drop_reason reason) noexcept
{
    switch (reason) {
    case drop_reason::unknown_silent: return "unknown source, dropped";
    case drop_reason::unknown_rejected: return "unknown source, rejected";
    case drop_reason::auth_rejected: return "wrong credentials, rejected";
    case drop_reason::suspended: return "suspended";
    case drop_reason::malformed: return "malformed";
    case drop_reason::stateless_overflow: return "answered statelessly (table full)";
    case drop_reason::tcp_refused: return "TCP connections refused";
    case drop_reason::tcp_closed: return "TCP connections closed (unauthenticated or idle)";
    }
    return "dropped";
}

drop_summary::drop_summary(const core::clock& clock, std::chrono::seconds interval,
                           std::size_t max_sources)
    : clock_(clock), interval_(interval), max_sources_(max_sources)
{
}

void drop_summary::note(drop_reason reason, const core::ip_address& source)
{
    const auto i = static_cast<std::size_t>(reason);
    ++totals_[i];
    ++in_interval_[i];
    if (!interval_start_) {
        interval_start_ = clock_.now();
    }
    if (const auto it = sources_.find(source); it != sources_.end()) {
        ++it->second;
    } else if (sources_.size() < max_sources_) {
        sources_.emplace(source, 1);
    } else {
        ++unnamed_sources_drops_;
    }
}

std::optional<core::clock::time_point> drop_summary::deadline() const
{
    if (!interval_start_) {
        return std::nullopt;
    }
    return *interval_start_ + interval_;
}

std::optional<std::string> drop_summary::take_due()
{
    const auto due = deadline();
    if (!due || clock_.now() < *due) {
        return std::nullopt;
    }
    std::string line = "flood summary: in the last " +
                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                          clock_.now() - *interval_start_)
                                          .count()) +
                       " s:";
    bool first = true;
    for (std::size_t i = 0; i < drop_reason_count; ++i) {
        if (in_interval_[i] == 0) {
            continue;
        }
        line += first ? " " : ", ";
        first = false;
        line += std::to_string(in_interval_[i]);
        line += ' ';
        line += to_string(static_cast<drop_reason>(i));
    }
    // The three busiest sources name the flood; the count of the rest sizes it.
    std::vector<std::pair<std::uint64_t, core::ip_address>> busiest;
    busiest.reserve(sources_.size());
    for (const auto& [address, count] : sources_) {
        busiest.emplace_back(count, address);
    }
    const auto shown = std::min<std::size_t>(3, busiest.size());
    std::partial_sort(busiest.begin(), busiest.begin() + static_cast<std::ptrdiff_t>(shown),
                      busiest.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    line += "; from " + std::to_string(sources_.size()) + (unnamed_sources_drops_ > 0 ? "+" : "") +
            " source address(es)";
    for (std::size_t i = 0; i < shown; ++i) {
        line += i == 0 ? ", busiest " : ", ";
        line += busiest[i].second.to_string() + " (" + std::to_string(busiest[i].first) + ")";
    }
    in_interval_ = {};
    sources_.clear();
    unnamed_sources_drops_ = 0;
    interval_start_.reset();
    return line;
}

} // namespace ssw::daemon
