// SPDX-License-Identifier: MIT
// Gateway switching: timers, stop rules, CANCEL of abandoned attempts, choice of final code.
#include <ssw/routing/failover.hpp>

#include <algorithm>

namespace ssw::routing {

std::string_view to_string(attempt_end reason) noexcept
{
    switch (reason) {
    case attempt_end::none: return "none";
    case attempt_end::answered: return "answered";
    case attempt_end::final_response: return "final_response";
    case attempt_end::invite_timeout: return "invite_timeout";
    case attempt_end::trying_timeout: return "trying_timeout";
    case attempt_end::ringing_timeout: return "ringing_timeout";
    case attempt_end::progress_timeout: return "progress_timeout";
    case attempt_end::caller_cancelled: return "caller_cancelled";
    case attempt_end::lost_race: return "lost_race";
    }
    return "none";
}

std::string_view to_string(stop_rule rule) noexcept
{
    switch (rule) {
    case stop_rule::none: return "none";
    case stop_rule::committed_sdp: return "committed_sdp";
    case stop_rule::committed_rtp: return "committed_rtp";
    case stop_rule::user_busy: return "user_busy";
    case stop_rule::invite_timeout: return "invite_timeout";
    case stop_rule::gateway_stop_code: return "gateway_stop_code";
    case stop_rule::global_failure: return "global_failure";
    case stop_rule::switch_limit: return "switch_limit";
    case stop_rule::no_more_gateways: return "no_more_gateways";
    case stop_rule::caller_cancelled: return "caller_cancelled";
    }
    return "none";
}

failover::failover(switching_policy policy, std::vector<gateway_target> targets,
                   const core::clock& clock)
    : policy_(std::move(policy)), targets_(std::move(targets)), clock_(clock)
{
}

bool failover::is_current(std::size_t attempt) const
{
    return state_ == state::trying && attempt + 1 == attempts_.size();
}

bool failover::switching_allowed() const
{
    return !committed_;
}

std::vector<action> failover::start()
{
    if (state_ != state::idle) {
        return {};
    }
    state_ = state::trying;
    return next_or_fail({});
}

std::vector<action> failover::next_or_fail(std::vector<action> actions)
{
    const bool same_gateway =
        next_target_ < targets_.size() && targets_[next_target_].further_address;
    if (!same_gateway && policy_.switch_limit && gateways_tried_ >= *policy_.switch_limit) {
        return fail(std::move(actions), best_failure_code(), stop_rule::switch_limit);
    }
    if (next_target_ >= targets_.size()) {
        return fail(std::move(actions), attempts_.empty() ? 503 : best_failure_code(),
                    stop_rule::no_more_gateways);
    }
    if (!same_gateway) {
        ++gateways_tried_;
    }
    const std::size_t tried = attempts_.size();
    attempt_record record;
    record.gateway = next_target_++;
    record.started = clock_.now();
    attempts_.push_back(record);
    cancel_pending_.push_back(false);
    phase_ = phase::waiting;
    phase_started_ = record.started;
    actions.push_back({action::kind::send_invite, tried, 0});
    return actions;
}

std::vector<action> failover::fail(std::vector<action> actions, int code, stop_rule rule)
{
    state_ = state::failed;
    final_code_ = code;
    stopped_by_ = rule;
    actions.push_back(
        {action::kind::fail_caller, attempts_.empty() ? 0 : attempts_.size() - 1, code});
    return actions;
}

void failover::abandon(std::size_t attempt, std::vector<action>& actions)
{
    auto& record = attempts_[attempt];
    if (record.cancel_sent) {
        return;
    }
    // RFC 3261 §9.1: a CANCEL may only follow a provisional; until one arrives, remember it.
    if (record.first_response) {
        record.cancel_sent = true;
        actions.push_back({action::kind::send_cancel, attempt, 0});
    } else {
        cancel_pending_[attempt] = true;
    }
}

std::vector<action> failover::end_current(attempt_end reason, int code)
{
    std::vector<action> actions;
    const std::size_t index = attempts_.size() - 1;
    auto& record = attempts_[index];
    record.ended = clock_.now();
    record.reason = reason;
    record.final_code = code;
    const bool timed_out = reason != attempt_end::final_response;
    if (timed_out) {
        abandon(index, actions);
    }

    const bool until_connect = policy_.until_connect;
    if (committed_) {
        return fail(std::move(actions), code, commit_rule_);
    }
    if (reason == attempt_end::invite_timeout && policy_.stop_after_invite_timeout) {
        return fail(std::move(actions), 408, stop_rule::invite_timeout);
    }
    if (!timed_out) {
        const auto& stops = targets_[record.gateway].stop_codes;
        if (std::find(stops.begin(), stops.end(), code) != stops.end()) {
            return fail(std::move(actions), code, stop_rule::gateway_stop_code);
        }
        if (code >= 600) {
            return fail(std::move(actions), code, stop_rule::global_failure);
        }
        if (code == 486 && policy_.stop_after_user_busy && !until_connect) {
            return fail(std::move(actions), code, stop_rule::user_busy);
        }
    }
    skip_further_addresses(reason, code);
    return next_or_fail(std::move(actions));
}

void failover::skip_further_addresses(attempt_end reason, int code)
{
    // The gateway's next address helps only when this one did not take the call at all: no
    // response (it may be down) or 503 (it is overloaded). A gateway that answered and then
    // failed, or rejected the call, would say the same from its other addresses.
    const bool address_failed = reason == attempt_end::invite_timeout ||
                                (reason == attempt_end::final_response && code == 503);
    if (address_failed) {
        return;
    }
    while (next_target_ < targets_.size() && targets_[next_target_].further_address) {
        ++next_target_;
    }
}

std::vector<action> failover::on_provisional(std::size_t attempt, int code, bool has_sdp)
{
    std::vector<action> actions;
    if (attempt >= attempts_.size() || code < 100 || code > 199) {
        return actions;
    }
    auto& record = attempts_[attempt];
    const auto now = clock_.now();
    const bool first = !record.first_response;
    if (first) {
        record.first_response = now;
    }
    if (!is_current(attempt)) {
        // An abandoned attempt (or any after the call ended) that now may be cancelled.
        if (cancel_pending_[attempt] && !record.cancel_sent) {
            cancel_pending_[attempt] = false;
            record.cancel_sent = true;
            actions.push_back({action::kind::send_cancel, attempt, 0});
        }
        return actions;
    }
    if (code == 100) {
        if (phase_ == phase::waiting) {
            phase_ = phase::after_trying;
            phase_started_ = now;
        }
        return actions;
    }
    if (code == 180 || (code != 183 && !has_sdp)) {
        if (!record.first_ringing) {
            record.first_ringing = now;
        }
        phase_ = phase::after_ringing;
    } else {
        phase_ = phase::after_progress;
    }
    phase_started_ = now;
    if (has_sdp && !record.sdp_seen) {
        record.sdp_seen = now;
        if (policy_.stop_after_sdp && !policy_.until_connect) {
            committed_ = true;
            commit_rule_ = stop_rule::committed_sdp;
            record.committed = true;
        }
    }
    caller_heard_provisional_ = true;
    actions.push_back({action::kind::forward_provisional, attempt, code});
    return actions;
}

std::vector<action> failover::on_final(std::size_t attempt, int code)
{
    std::vector<action> actions;
    if (attempt >= attempts_.size() || code < 200 || code > 699) {
        return actions;
    }
    auto& record = attempts_[attempt];
    const auto now = clock_.now();
    if (!record.first_response) {
        record.first_response = now;
    }
    if (record.reason == attempt_end::answered || record.reason == attempt_end::lost_race) {
        return actions; // a retransmitted 2xx: the dialog layer re-ACKs it
    }
    if (!is_current(attempt)) {
        if (code < 300) {
            // Answered after we moved on (or after the caller left): the late-2xx race of
            // RFC 3261 §15: acknowledge it and hang up at once.
            record.answered = now;
            record.ended = now;
            record.final_code = code;
            record.reason = attempt_end::lost_race;
            actions.push_back({action::kind::ack_and_bye, attempt, code});
        } else if (!record.ended) {
            record.ended = now;
            record.final_code = code;
            record.reason = attempt_end::final_response;
        }
        return actions;
    }
    if (code < 300) {
        record.answered = now;
        record.ended = now;
        record.final_code = code;
        record.reason = attempt_end::answered;
        state_ = state::answered;
        final_code_ = code;
        actions.push_back({action::kind::answer_caller, attempt, code});
        return actions;
    }
    return end_current(attempt_end::final_response, code);
}

std::vector<action> failover::on_rtp_started(std::size_t attempt)
{
    if (attempt < attempts_.size() && !attempts_[attempt].rtp_seen) {
        attempts_[attempt].rtp_seen = clock_.now();
        if (is_current(attempt) && policy_.stop_after_rtp_start && !policy_.until_connect &&
            !committed_) {
            committed_ = true;
            commit_rule_ = stop_rule::committed_rtp;
            attempts_[attempt].committed = true;
        }
    }
    return {};
}

std::vector<action> failover::on_auth_retry(std::size_t attempt)
{
    if (is_current(attempt)) {
        phase_ = phase::waiting;
        phase_started_ = clock_.now();
    }
    return {};
}

std::vector<action> failover::on_caller_cancel()
{
    std::vector<action> actions;
    if (state_ != state::trying) {
        return actions;
    }
    const std::size_t index = attempts_.size() - 1;
    auto& record = attempts_[index];
    record.ended = clock_.now();
    record.reason = attempt_end::caller_cancelled;
    record.final_code = 487;
    abandon(index, actions);
    return fail(std::move(actions), 487, stop_rule::caller_cancelled);
}

std::optional<core::clock::time_point> failover::deadline() const
{
    if (state_ != state::trying || attempts_.empty()) {
        return std::nullopt;
    }
    switch (phase_) {
    case phase::waiting: return phase_started_ + targets_[attempts_.back().gateway].invite_timeout;
    case phase::after_trying: return phase_started_ + policy_.trying_timeout;
    case phase::after_ringing: return phase_started_ + policy_.ringing_timeout;
    case phase::after_progress: return phase_started_ + policy_.progress_timeout;
    }
    return std::nullopt;
}

std::vector<action> failover::on_timer()
{
    const auto due = deadline();
    if (!due || clock_.now() < *due) {
        return {};
    }
    switch (phase_) {
    case phase::waiting: return end_current(attempt_end::invite_timeout, 408);
    case phase::after_trying: return end_current(attempt_end::trying_timeout, 408);
    case phase::after_ringing: return end_current(attempt_end::ringing_timeout, 408);
    case phase::after_progress: return end_current(attempt_end::progress_timeout, 408);
    }
    return {};
}

int failover::best_failure_code() const
{
    // RFC 3261 §16.7 step 6: any 6xx wins; otherwise the lowest class, preferring what a
    // gateway said over our own 408; a chosen 503 becomes 500 (503 would claim that we,
    // not the vendors, are unavailable).
    int best = 0;
    for (const auto& a : attempts_) {
        const int code = a.final_code;
        if (code < 300) {
            continue;
        }
        if (code >= 600) {
            return code;
        }
        const bool ours = a.reason != attempt_end::final_response;
        if (best == 0) {
            best = code;
            continue;
        }
        const bool best_is_timeout = best == 408;
        if (code / 100 < best / 100 || (best_is_timeout && !ours && code / 100 == best / 100)) {
            best = code;
        }
    }
    if (best == 0) {
        return 408;
    }
    return best == 503 ? 500 : best;
}

} // namespace ssw::routing
