// SPDX-License-Identifier: MIT
// ssw::b2bua::call_manager: the sans-IO back-to-back user agent of ssw-run. It turns an
// authenticated INVITE into independent outgoing legs to routing gateways (numbers through
// the transform pipeline, gateways by routing::route_table, switching by routing::failover),
// relays the dialog between the legs and writes one CDR per call.
#pragma once

#include <ssw/b2bua/media_hook.hpp>
#include <ssw/cdr/writer.hpp>
#include <ssw/core/clock.hpp>
#include <ssw/core/log.hpp>
#include <ssw/params/settings.hpp>
#include <ssw/provision/config.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/sip/transport.hpp>
#include <ssw/transform/engine.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::b2bua {

using log_level = core::log_level;
using log_function = core::log_function;

// Who sent an authenticated INVITE, as the daemon engine established it.
struct caller_identity {
    // Index into config.mapping_gateways when the INVITE came from a mapping gateway's
    // address (or from an account listed in one); nullopt otherwise.
    std::optional<std::size_t> mapping_gateway;
    // The account name when the caller authenticated as an account; empty for gateways.
    std::string account;
};

// Where this daemon listens, written into Via and Contact of what it sends. A port of 0
// means "no listener of that kind" (then the other one is used).
struct local_addresses {
    std::string host = "127.0.0.1"; // address text (IPv6 without brackets)
    std::uint16_t udp_port = 5060;
    std::uint16_t tcp_port = 5060;
};

// Knobs that are not in ssw.conf or the parameter catalog.
struct call_options {
    int blocked_code = 403; // black/white-list final code, unless ssw.conf sets blocked-code
    std::uint64_t seed = 0; // route weights and transform choices (0: from the clock)
    std::chrono::milliseconds linger{32000}; // keep a finished call to absorb retransmissions
    std::size_t max_calls = 100000;          // calls in memory at once; more get 503
    // Called with each finished call's record before it is queued to the writer (tests,
    // live status); may be empty.
    std::function<void(const cdr::call_record&)> record_sink;
    // The media relay (may be null: SDP always passes untouched). Must outlive the manager.
    media_hook* media = nullptr;
};

// What the call manager has done, for the log and `ssw-run status`.
struct call_counters {
    std::uint64_t calls = 0; // INVITEs taken
    std::uint64_t answered = 0;
    std::uint64_t failed = 0;    // final failure sent to the caller
    std::uint64_t blocked = 0;   // by a black/white list
    std::uint64_t cancelled = 0; // CANCEL from the caller
    std::uint64_t attempts = 0;  // INVITEs to routing gateways (first sends)
    std::uint64_t cancels_sent = 0;
    std::uint64_t late_answers = 0; // 2xx after CANCEL: ACK + BYE
    std::uint64_t auth_answers = 0; // challenges answered
    std::uint64_t cdrs = 0;         // records submitted
    std::uint64_t peak_active = 0;  // most calls in progress at once
};

// One call of the status list.
struct call_summary {
    std::string call_id; // caller side
    std::string source;
    std::string caller; // as received
    std::string callee;
    std::string gateway; // the current or answered routing gateway
    std::string state;   // "routing", "answered", "ended"
    std::size_t attempts = 0;
    core::clock::time_point started{};
};

// Identifies one gateway attempt for on_rtp_started: the caller-side Call-ID and the index
// of the attempt (0 = first gateway tried).
struct attempt_ref {
    std::string call_id;
    std::size_t attempt = 0;
};

class call_manager {
  public:
    // The manager keeps copies of config and settings; `rules` (may be null: numbers pass
    // unchanged), `clock` and `cdr` (may be null: no records) must outlive it.
    call_manager(provision::config config, params::settings settings,
                 const transform::engine* rules, const core::clock& clock, cdr::sink* cdr,
                 log_function log, local_addresses local, call_options options = {});
    call_manager(const call_manager&) = delete;
    call_manager& operator=(const call_manager&) = delete;
    ~call_manager();

    // An authenticated initial INVITE (no To tag) that no transaction claimed. The manager
    // owns its server transaction from now on: 100 Trying at once, then the call.
    void on_invite(const sip::message& invite, const sip::peer& from, const caller_identity& who,
                   std::vector<sip::outgoing>& out);
    // Any other message. True when it belonged to a call (responses to our requests, CANCEL
    // and ACK of our INVITEs, in-dialog requests on either leg, retransmissions).
    bool on_message(const sip::message& m, const sip::peer& from, std::vector<sip::outgoing>& out);
    // Call when the clock reaches next_deadline().
    void on_timer(std::vector<sip::outgoing>& out);
    [[nodiscard]] std::optional<core::clock::time_point> next_deadline() const;
    // The media relay saw the first RTP from the callee side of that attempt.
    void on_rtp_started(const attempt_ref& which, std::vector<sip::outgoing>& out);
    // The media relay saw no RTP for the media timeout: BYE on both legs, CDR cause
    // "media-timeout". `call_id` is the caller side's.
    void on_media_timeout(std::string_view call_id, std::vector<sip::outgoing>& out);

    // SIGHUP: calls in progress keep the gateways they had; new calls use the new ones.
    void reconfigure(provision::config config, params::settings settings,
                     const transform::engine* rules);

    [[nodiscard]] const call_counters& counters() const noexcept;
    // Calls in memory that have not ended.
    [[nodiscard]] std::size_t active_calls() const noexcept;
    [[nodiscard]] std::vector<call_summary> calls() const;
    // Calls in memory, ended ones that still absorb retransmissions included.
    [[nodiscard]] std::size_t calls_in_memory() const noexcept;
    // Transactions of calls in memory still waiting for a final response (client side) or
    // about to send one (server side): none may be left once the traffic has stopped and
    // every call has ended. Transactions that only absorb retransmissions are not counted.
    // Scans every call: for shutdown reports and tests, not per message.
    [[nodiscard]] std::size_t waiting_transactions() const;

  private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace ssw::b2bua
