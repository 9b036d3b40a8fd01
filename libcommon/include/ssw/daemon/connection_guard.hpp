// SPDX-License-Identifier: MIT
// ssw::daemon::connection_guard: who may hold a TCP connection to ssw-run, and for how long.
// Idle and half-open connections are a flood that costs the attacker almost nothing (a socket
// each) and the server a descriptor and a buffer each: without a cap per source, a cap in
// total and deadlines, a few hosts hold every slot and phones can no longer connect.
// Sans-IO: net/ reports opens, bytes and closes with the injected clock, and closes what
// due() names.
#pragma once

#include <ssw/core/clock.hpp>
#include <ssw/core/ip_address.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace ssw::daemon {

// One field per bound; ssw-run(8) documents the defaults.
struct connection_limits {
    // Connections open at once, ours and the peers'. At the cap a new peer connection takes
    // the place of the oldest one that never authenticated, or is refused if there is none.
    std::size_t max_total = 4096;
    // Connections from one source address at once (a phone needs one; an office behind one
    // NAT address a few dozen).
    std::size_t max_per_source = 64;
    // A connection that has not carried a message from a known source (an authenticated
    // account, a gateway, a call or registration of ours) within this time of opening is
    // closed: half-open requests, idle sockets and scanners alike. 64*T1 covers a challenge
    // round trip many times over.
    std::chrono::seconds unauthenticated_lifetime{32};
    // A connection that carried nothing (not even a CRLF keep-alive) for this long is closed.
    // An hour: a phone re-registers (and its NAT keep-alive pings) well within it.
    std::chrono::seconds idle_timeout{3600};
};

class connection_guard {
  public:
    connection_guard(connection_limits limits, const core::clock& clock);

    struct admission {
        bool accepted = false;
        // Accepted by displacing this never-authenticated connection: close it now.
        std::optional<std::uint64_t> evict;
    };
    // A peer connected to us (`ours` false) or we connected to a peer (`ours` true: vendors
    // and carriers are known, and our own connections are never refused by the per-source
    // cap). A refused connection must be closed at once and not reported again.
    admission on_open(std::uint64_t id, const core::ip_address& source, bool ours);
    // Bytes arrived on the connection.
    void on_activity(std::uint64_t id);
    // A message on it came from a known source: from now on only the idle timeout applies.
    void on_known_source(std::uint64_t id);
    void on_close(std::uint64_t id);

    // Connections to close now (past their deadline); they are forgotten here.
    [[nodiscard]] std::vector<std::uint64_t> take_due();
    // When take_due() next has work, or nullopt with no connection open.
    [[nodiscard]] std::optional<core::clock::time_point> deadline() const;

    [[nodiscard]] std::size_t size() const noexcept { return connections_.size(); }
    [[nodiscard]] std::size_t unauthenticated() const noexcept { return by_opening_.size(); }
    [[nodiscard]] std::size_t from_source(const core::ip_address& source) const;

  private:
    struct entry {
        core::ip_address source;
        core::clock::time_point opened;
        core::clock::time_point last_activity;
        bool known = false;
    };
    void forget(std::uint64_t id, const entry& e);

    connection_limits limits_;
    const core::clock& clock_;
    std::unordered_map<std::uint64_t, entry> connections_;
    std::unordered_map<core::ip_address, std::size_t> per_source_;
    // Never-authenticated connections by opening time (ids grow with it): eviction takes the
    // oldest, the lifetime deadline is the first.
    std::map<std::uint64_t, core::clock::time_point> by_opening_;
};

} // namespace ssw::daemon
