// SPDX-License-Identifier: MIT
// ssw::routing::failover: the gateway-switching decision engine of one call, with the rules and
// timers of ssw-params(5) (SS_SIP_TIMEOUT_*, SS_GATEWAY_SWITCH_*, SS_SIP_STOP_SWITCH_*) as a
// state machine over events and an injected clock. No I/O.
#pragma once

#include <ssw/core/clock.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::routing {

// The switching rules, one field per catalog parameter.
struct switching_policy {
    std::chrono::milliseconds trying_timeout{20000};   // SS_SIP_TIMEOUT_TRYING
    std::chrono::milliseconds ringing_timeout{120000}; // SS_SIP_TIMEOUT_RINGING
    std::chrono::milliseconds progress_timeout{20000}; // SS_SIP_TIMEOUT_SESSION_PROGRESS
    bool stop_after_invite_timeout = false; // SS_SIP_USER_AGENT_STOP_SWITCH_AFTER_INVITE_TIMEOUT
    bool stop_after_sdp = true;             // SS_SIP_STOP_SWITCH_AFTER_SDP
    bool stop_after_rtp_start = true;       // SS_GATEWAY_SWITCH_STOP_AFTER_RTP_START
    bool stop_after_user_busy = true;       // SS_GATEWAY_SWITCH_STOP_AFTER_USER_BUSY
    bool until_connect = false;             // SS_GATEWAY_SWITCH_UNTIL_CONNECT
    std::optional<unsigned> switch_limit;   // SS_GATEWAY_SWITCH_LIMIT (nullopt: None)
};

// One routing gateway as the engine sees it: its own INVITE timeout (default
// SS_SIP_TIMEOUT_INVITE) and its stop-switching response codes.
struct gateway_target {
    std::string name;
    std::chrono::milliseconds invite_timeout{10000};
    std::vector<int> stop_codes;
    // True for a further address of the previous target's gateway (a gateway with several
    // addresses is one target per address, in order). In the spirit of RFC 3263 §4.3 it is
    // tried only when the previous address gave no response at all within the INVITE timeout
    // or answered 503; any other failure skips the gateway's remaining addresses. Moving to
    // another address of the same gateway is not a gateway switch (SS_GATEWAY_SWITCH_LIMIT).
    bool further_address = false;
};

// Why an attempt ended; written to the CDR.
enum class attempt_end {
    none,             // still running
    answered,         // 2xx
    final_response,   // a non-2xx final response
    invite_timeout,   // no response at all within the INVITE timeout
    trying_timeout,   // no progress within SS_SIP_TIMEOUT_TRYING after 100
    ringing_timeout,  // no answer within SS_SIP_TIMEOUT_RINGING after 180
    progress_timeout, // no answer within SS_SIP_TIMEOUT_SESSION_PROGRESS after 183
    caller_cancelled, // the caller hung up first
    lost_race,        // answered after being abandoned: ACKed and sent BYE
};
[[nodiscard]] std::string_view to_string(attempt_end reason) noexcept;

// Why the call as a whole stopped switching, when it did before running out of gateways.
enum class stop_rule {
    none,
    committed_sdp,     // SS_SIP_STOP_SWITCH_AFTER_SDP
    committed_rtp,     // SS_GATEWAY_SWITCH_STOP_AFTER_RTP_START
    user_busy,         // SS_GATEWAY_SWITCH_STOP_AFTER_USER_BUSY
    invite_timeout,    // SS_SIP_USER_AGENT_STOP_SWITCH_AFTER_INVITE_TIMEOUT
    gateway_stop_code, // the gateway's stop-switching response codes
    global_failure,    // a 6xx (RFC 3261 §16.7: no other location will do better)
    switch_limit,      // SS_GATEWAY_SWITCH_LIMIT reached
    no_more_gateways,  // every candidate was tried
    caller_cancelled,
};
[[nodiscard]] std::string_view to_string(stop_rule rule) noexcept;

// What happened to one attempt: the CDR's attempt row.
struct attempt_record {
    std::size_t gateway = 0; // index into the targets (not into attempts: addresses may be skipped)
    core::clock::time_point started{};
    std::optional<core::clock::time_point> first_response;
    std::optional<core::clock::time_point> first_ringing;
    std::optional<core::clock::time_point> sdp_seen;
    std::optional<core::clock::time_point> rtp_seen;
    std::optional<core::clock::time_point> answered;
    std::optional<core::clock::time_point> ended;
    int final_code = 0; // the gateway's final code, or 408 for our own timeouts
    attempt_end reason = attempt_end::none;
    bool committed = false;
    bool cancel_sent = false;
};

// An instruction for the B2BUA; `attempt` indexes attempts().
struct action {
    enum class kind {
        send_invite,         // start an INVITE client transaction to attempts()[attempt].gateway
        send_cancel,         // CANCEL that attempt's INVITE (a provisional has been seen)
        ack_and_bye,         // it answered too late: ACK its 2xx, then BYE
        forward_provisional, // relay `code` (18x) of the current attempt to the caller
        answer_caller,       // relay the 2xx of `attempt` to the caller
        fail_caller,         // send final `code` to the caller; the call is over
    };
    kind what;
    std::size_t attempt = 0;
    int code = 0;
    friend bool operator==(const action&, const action&) = default;
};

// The engine of one call. Feed it the responses of its attempts and the timer; carry out the
// actions it returns. Every event on a finished call returns only clean-up actions.
class failover {
  public:
    enum class state { idle, trying, answered, failed };

    // `targets` is the route's ordered candidate list (longest prefix, priority, order), a
    // gateway's further addresses right after its first.
    failover(switching_policy policy, std::vector<gateway_target> targets,
             const core::clock& clock);

    // Starts the first attempt (or fails 503 if there is no gateway).
    std::vector<action> start();
    // A 1xx for `attempt`; `has_sdp` when it carries a session description.
    std::vector<action> on_provisional(std::size_t attempt, int code, bool has_sdp);
    // A final response for `attempt`.
    std::vector<action> on_final(std::size_t attempt, int code);
    // The first RTP packet from the callee side of `attempt` (from the media relay).
    std::vector<action> on_rtp_started(std::size_t attempt);
    // The INVITE of `attempt` was re-sent with credentials after a 401/407: a new INVITE
    // timeout starts for it.
    std::vector<action> on_auth_retry(std::size_t attempt);
    // The caller cancelled (CANCEL or BYE before answer): the caller gets 487.
    std::vector<action> on_caller_cancel();
    // Call when the clock reaches deadline().
    std::vector<action> on_timer();

    // When on_timer must be called next; nullopt when no timer runs.
    [[nodiscard]] std::optional<core::clock::time_point> deadline() const;
    [[nodiscard]] state current_state() const noexcept { return state_; }
    [[nodiscard]] const std::vector<attempt_record>& attempts() const noexcept { return attempts_; }
    [[nodiscard]] const std::vector<gateway_target>& targets() const noexcept { return targets_; }
    // The final code the caller got (0 while trying, 200 when answered).
    [[nodiscard]] int final_code() const noexcept { return final_code_; }
    [[nodiscard]] stop_rule stopped_by() const noexcept { return stopped_by_; }

  private:
    enum class phase { waiting, after_trying, after_ringing, after_progress };

    std::vector<action> end_current(attempt_end reason, int code);
    std::vector<action> next_or_fail(std::vector<action> actions);
    void skip_further_addresses(attempt_end reason, int code);
    std::vector<action> fail(std::vector<action> actions, int code, stop_rule rule);
    void abandon(std::size_t attempt, std::vector<action>& actions);
    [[nodiscard]] bool is_current(std::size_t attempt) const;
    [[nodiscard]] bool switching_allowed() const;
    [[nodiscard]] int best_failure_code() const;

    switching_policy policy_;
    std::vector<gateway_target> targets_;
    const core::clock& clock_;
    std::vector<attempt_record> attempts_;
    std::vector<bool> cancel_pending_;
    std::size_t next_target_ = 0;    // the target the next attempt goes to
    std::size_t gateways_tried_ = 0; // attempts to a gateway's first address
    state state_ = state::idle;
    phase phase_ = phase::waiting;
    core::clock::time_point phase_started_{};
    bool committed_ = false;
    stop_rule commit_rule_ = stop_rule::none;
    bool caller_heard_provisional_ = false;
    int final_code_ = 0;
    stop_rule stopped_by_ = stop_rule::none;
};

} // namespace ssw::routing
