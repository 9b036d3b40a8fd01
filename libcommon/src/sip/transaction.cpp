// SPDX-License-Identifier: MIT
// RFC 3261 §17 transaction state machines with the SS_SIP_RESEND_INTERVAL schedule.
#include <ssw/sip/transaction.hpp>

#include <algorithm>

namespace ssw::sip {

using namespace std::chrono_literals;
using act = transaction_action;

std::string_view to_string(transaction_action a) noexcept
{
    switch (a) {
    case act::retransmit_request: return "retransmit_request";
    case act::send_ack: return "send_ack";
    case act::deliver_response: return "deliver_response";
    case act::resend_response: return "resend_response";
    case act::deliver_ack: return "deliver_ack";
    case act::timed_out: return "timed_out";
    case act::terminated: return "terminated";
    }
    return "terminated";
}

std::string_view to_string(transaction_state s) noexcept
{
    switch (s) {
    case transaction_state::calling: return "calling";
    case transaction_state::trying: return "trying";
    case transaction_state::proceeding: return "proceeding";
    case transaction_state::accepted: return "accepted";
    case transaction_state::completed: return "completed";
    case transaction_state::confirmed: return "confirmed";
    case transaction_state::terminated: return "terminated";
    }
    return "terminated";
}

namespace {
std::optional<core::clock::time_point> earliest(const std::optional<core::clock::time_point>& a,
                                                const std::optional<core::clock::time_point>& b)
{
    if (a && b) {
        return std::min(*a, *b);
    }
    return a ? a : b;
}
} // namespace

// ---------------------------------------------------------------------------------------
// Client

client_transaction::client_transaction(bool is_invite, transport_reliability transport,
                                       const transaction_timers& timers, const core::clock& clock)
    : invite_(is_invite), reliable_(transport == transport_reliability::reliable), timers_(timers),
      clock_(clock), state_(is_invite ? transaction_state::calling : transaction_state::trying)
{
}

transaction_events client_transaction::start()
{
    const auto now = clock_.now();
    transmissions_ = 1;
    if (!reliable_ && !timers_.resend_schedule.empty()) {
        retransmit_at_ = now + timers_.resend_schedule.front();
        next_resend_ = 1;
    }
    timeout_at_ = now + 64 * timers_.t1; // timer B or F
    return {};
}

transaction_events client_transaction::terminate(transaction_events events)
{
    state_ = transaction_state::terminated;
    retransmit_at_.reset();
    timeout_at_.reset();
    events.push_back({act::terminated, 0});
    return events;
}

transaction_events client_transaction::on_response(int code)
{
    const auto now = clock_.now();
    const bool provisional = code < 200;
    const bool success = code >= 200 && code < 300;
    switch (state_) {
    case transaction_state::calling:
    case transaction_state::trying:
    case transaction_state::proceeding: {
        if (provisional) {
            if (invite_) {
                // Any response stops INVITE retransmission (timer A) and timer B: the
                // user's own timers (INVITE timeout, Trying/Ringing) take over.
                retransmit_at_.reset();
                timeout_at_.reset();
            } else if (!reliable_) {
                // RFC 3261 §17.1.2.2: in Proceeding, retransmit at T2.
                retransmit_at_ = now + timers_.t2;
            }
            state_ = transaction_state::proceeding;
            return {{act::deliver_response, code}};
        }
        retransmit_at_.reset();
        if (invite_ && success) {
            // RFC 6026: Accepted, for timer M, passing 2xx retransmissions up (their ACK
            // is the dialog's business, not the transaction's).
            state_ = transaction_state::accepted;
            timeout_at_ = now + 64 * timers_.t1;
            return {{act::deliver_response, code}};
        }
        state_ = transaction_state::completed;
        transaction_events events;
        if (invite_) {
            events.push_back({act::send_ack, code});
        }
        events.push_back({act::deliver_response, code});
        if (reliable_) {
            return terminate(std::move(events));
        }
        timeout_at_ = now + (invite_ ? std::chrono::milliseconds(32000) : timers_.t4); // D or K
        return events;
    }
    case transaction_state::accepted:
        if (success) {
            return {{act::deliver_response, code}};
        }
        return {};
    case transaction_state::completed:
        if (invite_ && !provisional && !success) {
            return {{act::send_ack, code}}; // the final came again: our ACK was lost
        }
        return {};
    default: return {};
    }
}

transaction_events client_transaction::on_timer()
{
    const auto now = clock_.now();
    if (timeout_at_ && now >= *timeout_at_) {
        const bool waiting_final = state_ == transaction_state::calling ||
                                   state_ == transaction_state::trying ||
                                   state_ == transaction_state::proceeding;
        transaction_events events;
        if (waiting_final) {
            events.push_back({act::timed_out, 408});
        }
        return terminate(std::move(events));
    }
    if (retransmit_at_ && now >= *retransmit_at_) {
        ++transmissions_;
        if (state_ == transaction_state::proceeding) {
            retransmit_at_ = now + timers_.t2;
        } else if (next_resend_ < timers_.resend_schedule.size()) {
            retransmit_at_ = now + timers_.resend_schedule[next_resend_++];
        } else {
            retransmit_at_.reset();
        }
        return {{act::retransmit_request, 0}};
    }
    return {};
}

transaction_events client_transaction::on_transport_error()
{
    if (state_ == transaction_state::terminated) {
        return {};
    }
    const bool waiting_final = state_ == transaction_state::calling ||
                               state_ == transaction_state::trying ||
                               state_ == transaction_state::proceeding;
    transaction_events events;
    if (waiting_final) {
        events.push_back({act::timed_out, 503}); // RFC 3261 §8.1.3.1: treat as 503
    }
    return terminate(std::move(events));
}

std::optional<core::clock::time_point> client_transaction::deadline() const
{
    return earliest(retransmit_at_, timeout_at_);
}

// ---------------------------------------------------------------------------------------
// Server

server_transaction::server_transaction(bool is_invite, transport_reliability transport,
                                       const transaction_timers& timers, const core::clock& clock)
    : invite_(is_invite), reliable_(transport == transport_reliability::reliable), timers_(timers),
      clock_(clock), state_(is_invite ? transaction_state::proceeding : transaction_state::trying)
{
}

transaction_events server_transaction::on_request_retransmission()
{
    switch (state_) {
    case transaction_state::proceeding:
    case transaction_state::completed:
        if (last_code_ != 0) {
            return {{act::resend_response, last_code_}};
        }
        return {};      // nothing sent yet (or silence chosen): absorb
    default: return {}; // trying, accepted, confirmed: absorb
    }
}

transaction_events server_transaction::on_send_response(int code)
{
    const auto now = clock_.now();
    switch (state_) {
    case transaction_state::terminated:
    case transaction_state::confirmed:
    case transaction_state::completed: return {};
    case transaction_state::accepted:
        // 2xx retransmissions in Accepted belong to the dialog; just remember them.
        last_code_ = code;
        return {};
    default: break;
    }
    last_code_ = code;
    if (code < 200) {
        state_ = transaction_state::proceeding;
        return {};
    }
    if (invite_ && code < 300) {
        state_ = transaction_state::accepted;
        timeout_at_ = now + 64 * timers_.t1; // timer L (RFC 6026)
        return {};
    }
    state_ = transaction_state::completed;
    if (invite_) {
        if (!reliable_) {
            g_interval_ = timers_.t1;
            retransmit_at_ = now + g_interval_;
        }
        timeout_at_ = now + 64 * timers_.t1; // timer H
    } else {
        timeout_at_ = now + (reliable_ ? std::chrono::milliseconds(0) : 64 * timers_.t1); // J
    }
    return {};
}

transaction_events server_transaction::on_ack()
{
    if (!invite_ || state_ != transaction_state::completed) {
        return {};
    }
    state_ = transaction_state::confirmed;
    retransmit_at_.reset();
    timeout_at_ = clock_.now() + (reliable_ ? std::chrono::milliseconds(0) : timers_.t4); // I
    return {{act::deliver_ack, last_code_}};
}

transaction_events server_transaction::on_timer()
{
    const auto now = clock_.now();
    if (timeout_at_ && now >= *timeout_at_) {
        transaction_events events;
        if (state_ == transaction_state::completed && invite_) {
            events.push_back({act::timed_out, last_code_}); // timer H: the ACK never came
        }
        state_ = transaction_state::terminated;
        retransmit_at_.reset();
        timeout_at_.reset();
        events.push_back({act::terminated, 0});
        return events;
    }
    if (retransmit_at_ && now >= *retransmit_at_) {
        g_interval_ = std::min(g_interval_ * 2, timers_.t2);
        retransmit_at_ = now + g_interval_;
        return {{act::resend_response, last_code_}};
    }
    return {};
}

std::optional<core::clock::time_point> server_transaction::deadline() const
{
    return earliest(retransmit_at_, timeout_at_);
}

} // namespace ssw::sip
