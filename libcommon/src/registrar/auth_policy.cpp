// SPDX-License-Identifier: MIT
// Digest retry, timeout and lockout policy.
#include "registrar/bounded_table.hpp"

#include <ssw/registrar/auth_policy.hpp>

#include <algorithm>

namespace ssw::registrar {

using time_point = core::clock::time_point;

namespace {

struct attempt {
    time_point started{};
    unsigned failures = 0;
};

// Failures of one kind with decay: a counter whose last failure is older than the
// suspension it guards starts again from zero, so a typo a day never adds up to a lockout.
struct failure_counter {
    unsigned failures = 0;
    time_point last_failure{};
    time_point suspended_until{};

    [[nodiscard]] bool suspended(time_point now) const { return now < suspended_until; }

    // Counts one failure; true when this one reaches `limit` (0: never).
    bool count(time_point now, unsigned limit, std::chrono::seconds decay)
    {
        if (failures > 0 && now - last_failure > decay) {
            failures = 0;
        }
        ++failures;
        last_failure = now;
        return limit != 0 && failures >= limit;
    }

    void suspend(time_point now, std::chrono::seconds for_how_long)
    {
        suspended_until = now + for_how_long;
        failures = 0;
    }
};

struct terminal {
    failure_counter auth;
    failure_counter registration;
};

// A terminal is (account, source); an attempt is (Call-ID, source).
std::string key_with_source(std::string_view name, const core::ip_address& source)
{
    std::string key(name);
    key += '\x1f';
    key += source.to_string();
    return key;
}

std::string seconds_text(std::chrono::seconds s)
{
    return std::to_string(s.count()) + " s";
}

} // namespace

std::string_view to_string(auth_action action) noexcept
{
    switch (action) {
    case auth_action::accept: return "accept";
    case auth_action::challenge: return "challenge";
    case auth_action::challenge_stale: return "challenge_stale";
    case auth_action::reject: return "reject";
    case auth_action::refuse_suspended: return "refuse_suspended";
    }
    return "reject";
}

struct auth_policy::state {
    state(auth_limits l, const core::clock& c)
        : limits(std::move(l)), clock(c), attempts(limits.max_tracked),
          terminals(limits.max_tracked), sources(limits.max_tracked)
    {
    }

    [[nodiscard]] bool trusted(const core::ip_address& a) const
    {
        return std::any_of(limits.trusted_networks.begin(), limits.trusted_networks.end(),
                           [&](const core::ip_network& n) { return n.contains(a); });
    }

    [[nodiscard]] unsigned attempt_limit() const
    {
        return std::max(1u, limits.attempt_max_failures);
    }

    [[nodiscard]] unsigned terminal_limit() const
    {
        return limits.terminal_max_failures == 0
                   ? attempt_limit()
                   : std::min(limits.terminal_max_failures, attempt_limit());
    }

    auth_limits limits;
    const core::clock& clock;
    detail::bounded_table<attempt> attempts;
    detail::bounded_table<terminal> terminals;
    detail::bounded_table<failure_counter> sources;
};

auth_policy::auth_policy(auth_limits limits, const core::clock& clock)
    : state_(std::make_unique<state>(std::move(limits), clock))
{
}
void auth_policy::set_limits(auth_limits limits)
{
    limits.max_tracked = state_->limits.max_tracked;
    state_->limits = std::move(limits);
}

auth_policy::auth_policy(auth_policy&&) noexcept = default;
auth_policy& auth_policy::operator=(auth_policy&&) noexcept = default;
auth_policy::~auth_policy() = default;

auth_decision auth_policy::on_request(const auth_request& request, credential_check check)
{
    auto& s = *state_;
    const time_point now = s.clock.now();
    const std::string source_text = request.source.to_string();
    const std::string tkey = key_with_source(request.account, request.source);
    const std::string akey = key_with_source(request.call_id, request.source);
    const bool trusted = s.trusted(request.source);

    auto refuse = [&](std::string reason, time_point until) {
        auth_decision d;
        d.action = auth_action::refuse_suspended;
        d.reason = std::move(reason);
        d.suspended_until = until;
        return d;
    };
    if (!trusted) {
        if (const auto* src = s.sources.peek(source_text); src != nullptr && src->suspended(now)) {
            return refuse("source " + source_text + " is suspended", src->suspended_until);
        }
    }
    if (const auto* t = s.terminals.peek(tkey); t != nullptr) {
        if (t->auth.suspended(now)) {
            return refuse("account '" + std::string(request.account) + "' from " + source_text +
                              " is suspended after failed authentications",
                          t->auth.suspended_until);
        }
        if (request.is_register && t->registration.suspended(now)) {
            return refuse("registrations of '" + std::string(request.account) + "' from " +
                              source_text + " are suspended after failed attempts",
                          t->registration.suspended_until);
        }
    }

    auto not_suspended_attempt = [](const attempt&) { return true; };
    auto timed_out = [&](const attempt& a) { return now - a.started > s.limits.attempt_timeout; };

    switch (check) {
    case credential_check::none:
    case credential_check::stale_nonce: {
        // Neither is a failure: phones always start without credentials, and a stale nonce
        // means the password was right (fail2ban#2163 counts the first one; we do not).
        attempt* a = s.attempts.find(akey);
        if (a != nullptr && timed_out(*a)) {
            s.attempts.erase(akey);
            a = nullptr;
        }
        if (a == nullptr) {
            attempt& fresh = s.attempts.get_or_create(akey, not_suspended_attempt);
            fresh.started = now;
            fresh.failures = 0;
        }
        auth_decision d;
        d.action =
            check == credential_check::none ? auth_action::challenge : auth_action::challenge_stale;
        return d;
    }
    case credential_check::valid: {
        const attempt* a = s.attempts.peek(akey);
        const bool late = a != nullptr && timed_out(*a);
        s.attempts.erase(akey);
        if (late) {
            auth_decision d;
            d.action = auth_action::reject;
            d.reason = "not authenticated within " + seconds_text(s.limits.attempt_timeout) +
                       " of the first challenge";
            return d;
        }
        if (terminal* t = s.terminals.find(tkey)) {
            t->auth.failures = 0;
            t->registration.failures = 0;
        }
        return auth_decision{auth_action::accept, {}, false, {}};
    }
    case credential_check::wrong:
    case credential_check::unknown_account: break;
    }

    // A failed guess: count it everywhere it belongs, then see which limit it reached.
    attempt& a = s.attempts.get_or_create(akey, not_suspended_attempt);
    if (a.failures == 0 && a.started == time_point{}) {
        a.started = now;
    }
    ++a.failures;
    const bool attempt_late = timed_out(a);
    const bool attempt_exhausted = a.failures >= s.attempt_limit();

    auto terminal_can_go = [&](const terminal& t) {
        return !t.auth.suspended(now) && !t.registration.suspended(now);
    };
    terminal& t = s.terminals.get_or_create(tkey, terminal_can_go);
    const bool terminal_reached = t.auth.count(now, s.terminal_limit(), s.limits.terminal_suspend);
    const bool register_reached =
        request.is_register &&
        t.registration.count(now, s.limits.register_max_failures, s.limits.register_suspend);
    bool source_reached = false;
    failure_counter* src = nullptr;
    if (!trusted && s.limits.source_max_failures != 0) {
        src = &s.sources.get_or_create(source_text,
                                       [&](const failure_counter& c) { return !c.suspended(now); });
        source_reached = src->count(now, s.limits.source_max_failures, s.limits.source_suspend);
    }

    auth_decision d;
    d.action = auth_action::reject;
    const std::string who = "'" + std::string(request.account) + "' from " + source_text;
    if (source_reached) {
        src->suspend(now, s.limits.source_suspend);
        d.suspension_started = true;
        d.suspended_until = src->suspended_until;
        d.reason = std::to_string(s.limits.source_max_failures) + " failed authentications from " +
                   source_text + " across accounts: source suspended for " +
                   seconds_text(s.limits.source_suspend);
    }
    if (terminal_reached || attempt_exhausted) {
        t.auth.suspend(now, s.limits.terminal_suspend);
        if (!d.suspension_started) {
            d.suspension_started = true;
            d.suspended_until = t.auth.suspended_until;
            d.reason =
                (attempt_exhausted
                     ? std::to_string(s.attempt_limit()) + " wrong credentials in one attempt"
                     : std::to_string(s.terminal_limit()) + " failed authentications") +
                " for " + who + ": suspended for " + seconds_text(s.limits.terminal_suspend);
        }
    }
    if (register_reached) {
        t.registration.suspend(now, s.limits.register_suspend);
        if (!d.suspension_started) {
            d.suspension_started = true;
            d.suspended_until = t.registration.suspended_until;
            d.reason = std::to_string(s.limits.register_max_failures) +
                       " failed registrations for " + who + ": registrations suspended for " +
                       seconds_text(s.limits.register_suspend);
        }
    }
    if (d.suspension_started || attempt_exhausted) {
        s.attempts.erase(akey);
        return d;
    }
    if (attempt_late) {
        s.attempts.erase(akey);
        d.reason = "not authenticated within " + seconds_text(s.limits.attempt_timeout) +
                   " of the first challenge";
        return d;
    }
    d.action = auth_action::challenge;
    return d;
}

bool auth_policy::is_suspended(std::string_view account, const core::ip_address& source,
                               bool is_register) const
{
    const auto& s = *state_;
    const time_point now = s.clock.now();
    if (!s.trusted(source)) {
        if (const auto* src = s.sources.peek(source.to_string()); src && src->suspended(now)) {
            return true;
        }
    }
    const auto* t = s.terminals.peek(key_with_source(account, source));
    return t != nullptr &&
           (t->auth.suspended(now) || (is_register && t->registration.suspended(now)));
}

void auth_policy::expire()
{
    auto& s = *state_;
    const time_point now = s.clock.now();
    s.attempts.erase_if(
        [&](const attempt& a) { return now - a.started > s.limits.attempt_timeout; });
    auto idle = [&](const failure_counter& c, std::chrono::seconds decay) {
        return !c.suspended(now) && (c.failures == 0 || now - c.last_failure > decay);
    };
    s.terminals.erase_if([&](const terminal& t) {
        return idle(t.auth, s.limits.terminal_suspend) &&
               idle(t.registration, s.limits.register_suspend);
    });
    s.sources.erase_if([&](const failure_counter& c) { return idle(c, s.limits.source_suspend); });
}

auth_policy::table_sizes auth_policy::sizes() const
{
    return {state_->attempts.size(), state_->terminals.size(), state_->sources.size()};
}

} // namespace ssw::registrar
