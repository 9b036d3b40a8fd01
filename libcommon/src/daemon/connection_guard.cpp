// SPDX-License-Identifier: MIT
// Caps and deadlines for TCP connections: per source, in total, unauthenticated, idle.
#include <ssw/daemon/connection_guard.hpp>

namespace ssw::daemon {

connection_guard::connection_guard(connection_limits limits, const core::clock& clock)
    : limits_(limits), clock_(clock)
{
}

std::size_t connection_guard::from_source(const core::ip_address& source) const
{
    const auto it = per_source_.find(source);
    return it == per_source_.end() ? 0 : it->second;
}

connection_guard::admission connection_guard::on_open(std::uint64_t id,
                                                      const core::ip_address& source, bool ours)
{
    admission a;
    if (!ours && from_source(source) >= limits_.max_per_source) {
        return a;
    }
    if (connections_.size() >= limits_.max_total) {
        if (by_opening_.empty()) {
            return a; // every slot is an authenticated peer's or ours: none is given up
        }
        const auto oldest = by_opening_.begin()->first;
        const auto it = connections_.find(oldest);
        forget(oldest, it->second);
        connections_.erase(it);
        a.evict = oldest;
    }
    const auto now = clock_.now();
    connections_.emplace(id, entry{source, now, now, ours});
    ++per_source_[source];
    if (!ours) {
        by_opening_.emplace(id, now);
    }
    a.accepted = true;
    return a;
}

void connection_guard::on_activity(std::uint64_t id)
{
    if (const auto it = connections_.find(id); it != connections_.end()) {
        it->second.last_activity = clock_.now();
    }
}

void connection_guard::on_known_source(std::uint64_t id)
{
    if (const auto it = connections_.find(id); it != connections_.end() && !it->second.known) {
        it->second.known = true;
        by_opening_.erase(id);
    }
}

void connection_guard::forget(std::uint64_t id, const entry& e)
{
    if (const auto s = per_source_.find(e.source); s != per_source_.end() && --s->second == 0) {
        per_source_.erase(s);
    }
    by_opening_.erase(id);
}

void connection_guard::on_close(std::uint64_t id)
{
    if (const auto it = connections_.find(id); it != connections_.end()) {
        forget(id, it->second);
        connections_.erase(it);
    }
}

std::vector<std::uint64_t> connection_guard::take_due()
{
    std::vector<std::uint64_t> due;
    const auto now = clock_.now();
    for (auto it = connections_.begin(); it != connections_.end();) {
        const auto& e = it->second;
        const bool unauthenticated_too_long =
            !e.known && now - e.opened >= limits_.unauthenticated_lifetime;
        const bool idle = now - e.last_activity >= limits_.idle_timeout;
        if (unauthenticated_too_long || idle) {
            due.push_back(it->first);
            forget(it->first, e);
            it = connections_.erase(it);
        } else {
            ++it;
        }
    }
    return due;
}

std::optional<core::clock::time_point> connection_guard::deadline() const
{
    std::optional<core::clock::time_point> next;
    if (!by_opening_.empty()) {
        next = by_opening_.begin()->second + limits_.unauthenticated_lifetime;
    }
    for (const auto& [id, e] : connections_) {
        const auto idle_at = e.last_activity + limits_.idle_timeout;
        if (!next || idle_at < *next) {
            next = idle_at;
        }
    }
    return next;
}

} // namespace ssw::daemon
