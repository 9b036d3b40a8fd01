// SPDX-License-Identifier: MIT
// ssw::daemon::engine_status: what `ssw-run status` shows of a running daemon (registration
// state per gateway, NAT keep-alive counters, engine counters, calls in progress), and its two
// renderings: a human-readable text and one JSON object.
#pragma once

#include <ssw/daemon/drop_summary.hpp>
#include <ssw/daemon/engine.hpp>
#include <ssw/daemon/uplink_registrations.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ssw::daemon {

struct keepalive_status {
    bool enabled = false;
    bool spread = false;         // keepalive-spread (even spread + rotating start)
    std::uint64_t capacity = 0;  // endpoints one cycle can reach
    std::uint64_t endpoints = 0; // NAT endpoints now
    std::uint64_t messages_sent = 0;
    std::uint64_t cycles_started = 0;
    std::uint64_t cycles_incomplete = 0; // cycles that could not reach every endpoint
    std::uint64_t unreachable_last = 0;  // endpoints the last incomplete cycle missed
    std::uint64_t unreachable_total = 0;
};

// The RTP relay: what it holds now and what it has done since the start.
struct media_status {
    std::uint64_t relayed_calls = 0; // sessions now
    std::uint64_t port_pairs_used = 0;
    std::uint64_t port_pairs_total = 0;
    std::uint64_t sessions_opened = 0;
    std::uint64_t packets_forwarded = 0;
    std::uint64_t packets_dropped = 0;
    std::uint64_t unknown_port = 0;
    std::uint64_t hijack_refused = 0;
    std::uint64_t decrypt_failures = 0;
    std::uint64_t encrypt_failures = 0; // dropped, never sent in clear
    std::uint64_t late_latching = 0;
};

// What the bounded tables hold now (their bounds: engine_table_bounds(), ssw-run(8)).
struct table_status {
    std::uint64_t transactions = 0;
    std::uint64_t merge_memory = 0;
    std::uint64_t nonces = 0;
    std::uint64_t lockout_attempts = 0;
    std::uint64_t lockout_terminals = 0;
    std::uint64_t lockout_sources = 0;
    std::uint64_t calls = 0;
    std::uint64_t tcp_connections = 0; // filled in by net/
};

struct engine_status {
    std::int64_t uptime = 0; // seconds
    engine_counters counters;
    std::vector<uplink_status> uplinks;
    keepalive_status keepalive;
    media_status media;
    std::uint64_t calls_in_progress = 0;
    std::uint64_t calls_total = 0;
    std::uint64_t calls_answered = 0;
    std::uint64_t calls_peak = 0;                // most calls in progress at once
    std::uint64_t cdrs_written = 0;              // CDRs handed to the sink
    std::uint64_t call_transactions_waiting = 0; // the B2BUA's, for a final response
    std::uint64_t open_transactions = 0;
    drop_totals dropped{}; // by drop_reason
    table_status tables;
    bool stopping = false;
};

[[nodiscard]] std::string render_text(const engine_status& status);
[[nodiscard]] std::string render_json(const engine_status& status); // one line, no newline

} // namespace ssw::daemon
