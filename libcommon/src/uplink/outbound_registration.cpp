// SPDX-License-Identifier: MIT
// Outbound registration: REGISTER, refresh, challenges, 423, retry, un-REGISTER on stop.
#include <ssw/uplink/outbound_registration.hpp>

#include <algorithm>

namespace ssw::uplink {

using namespace std::chrono_literals;

std::chrono::seconds refresh_after(std::chrono::seconds granted) noexcept
{
    if (granted <= 1s) {
        return 0s;
    }
    const auto at_85 = std::chrono::seconds(granted.count() * 85 / 100);
    const auto latest = granted > 64s ? granted - 32s : granted / 2;
    return std::min(at_85, std::max(latest, 1s));
}

std::string_view to_string(registration_state state) noexcept
{
    switch (state) {
    case registration_state::idle: return "idle";
    case registration_state::registering: return "registering";
    case registration_state::registered: return "registered";
    case registration_state::retry_wait: return "retry_wait";
    case registration_state::unregistering: return "unregistering";
    case registration_state::stopped: return "stopped";
    }
    return "idle";
}

outbound_registration::outbound_registration(registration_settings settings,
                                             const core::clock& clock, std::uint32_t first_cseq)
    : settings_(settings), clock_(clock), next_cseq_(first_cseq),
      asked_(settings.auto_expiry ? 3600s : settings.requested_expiry)
{
}

register_request outbound_registration::send(std::chrono::seconds expires, bool answer_challenge)
{
    // The un-REGISTER's grace timer keeps running through its challenge answers.
    if (state_ != registration_state::unregistering) {
        timer_armed_ = false;
    }
    return register_request{next_cseq_++, expires, answer_challenge};
}

std::optional<register_request> outbound_registration::start()
{
    if (state_ != registration_state::idle && state_ != registration_state::retry_wait) {
        return std::nullopt;
    }
    state_ = registration_state::registering;
    answers_ = 0;
    return send(asked_, false);
}

std::optional<register_request> outbound_registration::fail(int code, std::string reason)
{
    last_failure_ = registration_failure{code, std::move(reason), clock_.now()};
    if (stopping_) {
        // A failed un-REGISTER ends the stop: the binding lapses at the registrar by itself.
        state_ = registration_state::stopped;
        timer_armed_ = false;
        return std::nullopt;
    }
    state_ = registration_state::retry_wait;
    timer_ = clock_.now() + settings_.retry_delay;
    timer_armed_ = true;
    return std::nullopt;
}

std::optional<register_request>
outbound_registration::on_response(const register_response& response)
{
    if (state_ != registration_state::registering && state_ != registration_state::unregistering) {
        return std::nullopt;
    }
    const bool unregistering = state_ == registration_state::unregistering;
    const int code = response.code;
    if (code >= 200 && code < 300) {
        answers_ = 0;
        if (unregistering) {
            state_ = registration_state::stopped;
            timer_armed_ = false;
            return std::nullopt;
        }
        auto granted = response.granted_expiry.value_or(asked_);
        if (granted <= 0s) {
            // The registrar removed us although we asked for time: treat as a failure.
            return fail(code, "registrar granted expiry 0");
        }
        if (!settings_.auto_expiry && granted > asked_) {
            granted = asked_; // never hold a binding longer than configured
        }
        if (settings_.auto_expiry) {
            asked_ = granted;
        }
        granted_ = granted;
        registered_at_ = clock_.now();
        state_ = registration_state::registered;
        timer_ = registered_at_ + refresh_after(granted);
        timer_armed_ = true;
        return std::nullopt;
    }
    if ((code == 401 || code == 407) && response.has_challenge) {
        if (answers_ >= settings_.max_challenge_answers) {
            return fail(code, "still challenged after " + std::to_string(answers_) +
                                  " answers (SS_SIP_AUTHENTICATION_RETRY)");
        }
        ++answers_;
        // The un-REGISTER answers its challenge too (sofia-sip#319 does not) and keeps Expires: 0.
        return send(unregistering ? 0s : asked_, true);
    }
    if (code == 423 && !unregistering) {
        if (response.min_expires && *response.min_expires > asked_ &&
            *response.min_expires <= 86400s) {
            asked_ = *response.min_expires;
            return send(asked_, false);
        }
        return fail(code, "423 Interval Too Brief without a usable Min-Expires");
    }
    return fail(code, "registrar answered " + std::to_string(code));
}

std::optional<register_request> outbound_registration::on_transaction_timeout()
{
    if (state_ != registration_state::registering && state_ != registration_state::unregistering) {
        return std::nullopt;
    }
    return fail(0, "no answer from the registrar");
}

std::optional<register_request> outbound_registration::on_timer()
{
    if (!timer_armed_ || clock_.now() < timer_) {
        return std::nullopt;
    }
    timer_armed_ = false;
    switch (state_) {
    case registration_state::registered:
        state_ = registration_state::registering;
        answers_ = 0;
        return send(asked_, false);
    case registration_state::retry_wait: return start();
    case registration_state::unregistering:
        // Grace time over without a final answer: give up and let the daemon exit.
        last_failure_ = registration_failure{
            0, "un-REGISTER unanswered within the shutdown grace time", clock_.now()};
        state_ = registration_state::stopped;
        return std::nullopt;
    default: return std::nullopt;
    }
}

std::optional<register_request> outbound_registration::stop()
{
    if (stopping_) {
        return std::nullopt;
    }
    stopping_ = true;
    const bool bound = state_ == registration_state::registered ||
                       (state_ == registration_state::registering && granted_ > 0s);
    if (!settings_.send_unregister || !bound) {
        state_ = registration_state::stopped;
        timer_armed_ = false;
        return std::nullopt;
    }
    state_ = registration_state::unregistering;
    answers_ = 0;
    timer_ = clock_.now() + settings_.shutdown_grace;
    timer_armed_ = true;
    return send(0s, false);
}

std::optional<core::clock::time_point> outbound_registration::deadline() const
{
    if (!timer_armed_) {
        return std::nullopt;
    }
    return timer_;
}

std::optional<core::clock::time_point> outbound_registration::expires_at() const
{
    if (state_ != registration_state::registered && state_ != registration_state::registering) {
        return std::nullopt;
    }
    if (granted_ <= 0s) {
        return std::nullopt;
    }
    return registered_at_ + granted_;
}

} // namespace ssw::uplink
