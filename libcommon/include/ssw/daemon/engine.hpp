// SPDX-License-Identifier: MIT
// ssw::daemon::engine: the sans-IO heart of ssw-run. It takes SIP messages with their source
// and the time, and returns the bytes to send and where: server transactions, the registrar
// with digest authentication, retry limits and lockout, and the unknown-source policy
// (SS_REPLY_UNAUTHORIZED). Sockets and timers belong to net/; this never blocks or sleeps.
#pragma once

#include <ssw/b2bua/call_manager.hpp>
#include <ssw/cdr/writer.hpp>
#include <ssw/core/clock.hpp>
#include <ssw/core/ip_address.hpp>
#include <ssw/core/log.hpp>
#include <ssw/keepalive/nat_keepalive.hpp>
#include <ssw/media/call_media.hpp>
#include <ssw/params/settings.hpp>
#include <ssw/provision/config.hpp>
#include <ssw/registrar/binding_store.hpp>
#include <ssw/sip/transport.hpp>
#include <ssw/transform/engine.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::daemon {

struct engine_status;   // status.hpp
struct resolve_request; // uplink_registrations.hpp
struct resolved_target;

using log_level = core::log_level;
using log_function = core::log_function;
using core::to_string;

using peer = sip::peer;
using outgoing = sip::outgoing;

// What the engine has done so far, for the log and `ssw-run status`.
struct engine_counters {
    std::uint64_t requests = 0;
    std::uint64_t retransmissions_absorbed = 0;
    std::uint64_t responses_sent = 0;
    std::uint64_t malformed_dropped = 0;
    std::uint64_t unknown_dropped = 0;    // silence for unknown sources (policy Off)
    std::uint64_t unknown_rejected = 0;   // 401/403 for unknown sources (policy On)
    std::uint64_t auth_rejected = 0;      // 403 ending an attempt with wrong credentials
    std::uint64_t stateless_overflow = 0; // known requests answered statelessly: table full
    std::uint64_t challenges = 0;
    std::uint64_t registrations = 0; // accepted REGISTERs
    std::uint64_t suspensions = 0;
    std::uint64_t refused_suspended = 0;
};

// Call routing: optional parts the engine hands initial INVITEs and call traffic to.
struct call_routing {
    std::shared_ptr<const transform::engine> rules; // compiled ssw-rules(5) file, or null
    cdr::sink* cdrs = nullptr;                      // where CDRs go, or null (no CDRs)
};

// What one message showed of its source, for the transport's connection guard: `known` once
// it authenticated, came from a gateway or belongs to a call or registration of ours.
enum class source_standing { unknown, known };

// The bounds of the engine's tables (ssw-run(8), "Bounds under floods").
struct table_bounds {
    std::size_t transactions = 0;    // server transactions (known sources only)
    std::size_t merge_memory = 0;    // requests remembered for merged-request detection
    std::size_t nonces = 0;          // nonce counts of authenticated clients (replay check)
    std::size_t lockout_entries = 0; // each of attempts, terminals and sources
    std::size_t calls = 0;           // calls in memory
};
[[nodiscard]] table_bounds engine_table_bounds() noexcept;

class engine {
  public:
    // `store` (and `routing.cdrs`) must outlive the engine. The engine keeps its own copy of
    // config and settings.
    engine(provision::config config, params::settings settings, const core::clock& clock,
           registrar::binding_repository& store, log_function log, call_routing routing = {});
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;
    ~engine();

    // One SIP message (a UDP datagram, or one framed TCP message). Responses that can go
    // at once are appended to `out`; those that wait for the binding store go at flush().
    // Returns what the message showed of its source (unknown for anything refused, dropped,
    // challenged or malformed).
    source_standing on_message(std::string_view bytes, const peer& from,
                               std::vector<outgoing>& out);
    // Commits the binding changes of the messages handled since the last flush (one fsync
    // for the batch) and appends the responses that waited for it: take_commit(),
    // write_commit() and commit_done() in one go, on this thread.
    void flush(std::vector<outgoing>& out);

    // The group commit off the event loop (net/ runs write_commit() on a writer thread):
    // take_commit() hands over every binding change staged so far, with the responses that
    // wait for it; commit_done() sends them once the write returned (a 200 whose binding is
    // not on disk becomes a 500: nothing unwritten is ever acknowledged). One job at a time:
    // what arrives meanwhile waits for the next job, so batches grow with the load.
    struct commit_job {
        std::uint64_t id = 0;
        registrar::staged_changes changes;
    };
    [[nodiscard]] std::optional<commit_job> take_commit();
    // The one engine call that may run on another thread: it touches only the database.
    [[nodiscard]] result<void> write_commit(commit_job& job);
    void commit_done(std::uint64_t id, const result<void>& written, std::vector<outgoing>& out);
    // Call when the clock reaches next_deadline().
    void on_timer(std::vector<outgoing>& out);
    [[nodiscard]] std::optional<core::clock::time_point> next_deadline() const;

    // SIGHUP: new configuration, parameters and rules; bindings, calls, transactions and
    // counters stay.
    void reconfigure(provision::config config, params::settings settings,
                     std::shared_ptr<const transform::engine> rules = nullptr);
    // Full messages to and from peers in these networks are logged (--debug-trace).
    void set_debug_trace(std::vector<core::ip_network> networks);

    [[nodiscard]] const engine_counters& counters() const noexcept;
    // Calls in progress and the B2BUA's counters (for the log and `ssw-run status`).
    [[nodiscard]] const b2bua::call_manager& calls() const noexcept;
    [[nodiscard]] std::size_t open_transactions() const noexcept;
    // A connection guard in net/ reports what it refused or closed (counted and summarised
    // with the engine's own drops).
    void note_connection_drop(bool refused, const core::ip_address& source);
    // TCP connections open now (for `ssw-run status`).
    void set_connection_count(std::size_t open) noexcept;

    // Outbound registrations (uplink_registrations.hpp): start them once the sockets are
    // open; names to resolve are taken by net/ and answered with on_resolved().
    void start(std::vector<outgoing>& out);
    [[nodiscard]] std::vector<resolve_request> take_resolve_requests();
    void on_resolved(std::string_view gateway, std::vector<resolved_target> targets,
                     std::string_view error, std::vector<outgoing>& out);
    // Graceful stop (SIGTERM, SIGINT): un-REGISTERs go out; stop_complete() says when the
    // daemon may exit (their answers arrived, or the grace time ran out).
    void begin_stop(std::vector<outgoing>& out);
    [[nodiscard]] bool stop_complete() const;
    // For `ssw-run status` (status.hpp).
    [[nodiscard]] engine_status status() const;

    // NAT keep-alives handed to net/ without a copy per datagram: when on, a due batch is
    // kept for take_keepalives() (one span into the scheduler's buffer, and the payload)
    // instead of being appended to `out`. The batch stays valid until the next on_timer().
    void set_keepalive_direct(bool on) noexcept;
    struct keepalive_batch {
        std::span<const keepalive::nat_endpoint> endpoints;
        std::string_view payload;
    };
    [[nodiscard]] keepalive_batch take_keepalives() noexcept;
    // The media relay (its sockets live in net/): datagrams go to media().core().
    [[nodiscard]] media::call_media& media() noexcept;
    // After datagrams reached the relay: its events (RTP start, media timeout) to the calls.
    void on_media(std::vector<outgoing>& out);

  private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace ssw::daemon
