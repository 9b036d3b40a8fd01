// SPDX-License-Identifier: MIT
// ssw::sip transactions (RFC 3261 §17, with RFC 6026's Accepted state): the four state
// machines as sans-IO objects over an injected clock. They never touch a socket or a message:
// they say "retransmit", "send ACK", "pass this response up", "timed out", and net/ does it.
#pragma once

#include <ssw/core/clock.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace ssw::sip {

// RFC 3261 §17.1.1.1 timer values, plus the request retransmission schedule of
// SS_SIP_RESEND_INTERVAL that replaces the doubling of timers A and E.
struct transaction_timers {
    std::chrono::milliseconds t1{500};
    std::chrono::milliseconds t2{4000};
    std::chrono::milliseconds t4{5000};
    // Gaps between retransmissions of a request over an unreliable transport; when the list
    // runs out, retransmission stops (the transaction still waits for timer B/F).
    std::vector<std::chrono::milliseconds> resend_schedule{
        std::chrono::milliseconds(500),  std::chrono::milliseconds(1000),
        std::chrono::milliseconds(2000), std::chrono::milliseconds(4000),
        std::chrono::milliseconds(4000), std::chrono::milliseconds(4000),
        std::chrono::milliseconds(4000), std::chrono::milliseconds(4000),
        std::chrono::milliseconds(4000), std::chrono::milliseconds(4000)};
};

enum class transport_reliability { unreliable, reliable };

// What a transaction asks of its owner.
enum class transaction_action {
    retransmit_request, // client: send the request again, byte for byte
    send_ack,           // INVITE client: ACK the non-2xx final (same branch, RFC 3261 §17.1.1.3)
    deliver_response,   // client: hand this response (code given) to the transaction user
    resend_response,    // server: send the last response again
    deliver_ack,        // INVITE server: the ACK for our non-2xx arrived (absorbed)
    timed_out,          // no final response (timer B/F), or no ACK (timer H): tell the user
    terminated,         // the transaction is over: forget it
};
[[nodiscard]] std::string_view to_string(transaction_action a) noexcept;

struct transaction_event {
    transaction_action action;
    int code = 0;
    friend bool operator==(const transaction_event&, const transaction_event&) = default;
};

using transaction_events = std::vector<transaction_event>;

enum class transaction_state {
    calling,
    trying,
    proceeding,
    accepted,
    completed,
    confirmed,
    terminated
};
[[nodiscard]] std::string_view to_string(transaction_state s) noexcept;

// The client side (RFC 3261 §17.1): INVITE (ICT) or non-INVITE (NICT).
class client_transaction {
  public:
    client_transaction(bool is_invite, transport_reliability transport,
                       const transaction_timers& timers, const core::clock& clock);

    // The request has just been sent the first time.
    transaction_events start();
    // A response with this status code matched the transaction.
    transaction_events on_response(int code);
    // Call when the clock reaches deadline().
    transaction_events on_timer();
    // The transport reported the request could not be sent (ICMP, connection refused).
    transaction_events on_transport_error();

    [[nodiscard]] std::optional<core::clock::time_point> deadline() const;
    [[nodiscard]] transaction_state state() const noexcept { return state_; }
    // Requests sent so far, the first included (for CDRs and retransmission counters).
    [[nodiscard]] std::size_t transmissions() const noexcept { return transmissions_; }

  private:
    transaction_events terminate(transaction_events events);

    bool invite_;
    bool reliable_;
    const transaction_timers& timers_;
    const core::clock& clock_;
    transaction_state state_;
    std::size_t next_resend_ = 0;
    std::size_t transmissions_ = 0;
    std::optional<core::clock::time_point> retransmit_at_;
    std::optional<core::clock::time_point> timeout_at_; // B, F, D, K or M
};

// The server side (RFC 3261 §17.2): INVITE (IST) or non-INVITE (NIST). It never sends a
// response by itself (no automatic 100 Trying): whether to answer at all is the user's
// decision, since an unknown source may get silence (SS_REPLY_UNAUTHORIZED Off).
class server_transaction {
  public:
    server_transaction(bool is_invite, transport_reliability transport,
                       const transaction_timers& timers, const core::clock& clock);

    // The same request arrived again: answered with the last response, or absorbed.
    transaction_events on_request_retransmission();
    // The user sends a response with this code (the owner transmits it; this tracks state).
    transaction_events on_send_response(int code);
    // An ACK matched this INVITE transaction (for a non-2xx final).
    transaction_events on_ack();
    transaction_events on_timer();

    [[nodiscard]] std::optional<core::clock::time_point> deadline() const;
    [[nodiscard]] transaction_state state() const noexcept { return state_; }
    [[nodiscard]] int last_response() const noexcept { return last_code_; }

  private:
    bool invite_;
    bool reliable_;
    const transaction_timers& timers_;
    const core::clock& clock_;
    transaction_state state_;
    int last_code_ = 0;
    std::chrono::milliseconds g_interval_{0};
    std::optional<core::clock::time_point> retransmit_at_; // G
    std::optional<core::clock::time_point> timeout_at_;    // H, I, J or L
};

} // namespace ssw::sip
