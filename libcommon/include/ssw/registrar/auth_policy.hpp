// SPDX-License-Identifier: MIT
// ssw::registrar::auth_policy: digest retry limits, attempt timeout and terminal lockout, as a
// state machine over (request, verifier outcome, injected clock). No I/O, no sleeping.
#pragma once

#include <ssw/core/clock.hpp>
#include <ssw/core/ip_address.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::registrar {

// The limits, one field per catalog parameter (names in the comments).
struct auth_limits {
    // SS_SIP_AUTHENTICATION_RETRY: wrong credentials one attempt (one Call-ID from one
    // source) may send; the last one is answered 403 and suspends the terminal (ssw-params(5):
    // challenges stop, and SS_AUTHENTICATION_FAILED_SUSPEND starts).
    // 0 behaves as 1: the first wrong answer ends the attempt.
    unsigned attempt_max_failures = 6;
    // SS_SIP_AUTHENTICATION_TIMEOUT: time from an attempt's first challenge within which it
    // must authenticate; after it the attempt is rejected whatever retries remain.
    std::chrono::seconds attempt_timeout{10};
    // SS_AUTHENTICATION_MAX_RETRY: failures of one terminal (account + source address)
    // across attempts before suspension. An attacker chooses how guesses are split into
    // attempts (a fresh Call-ID per guess), so the cross-attempt limit is capped at
    // attempt_max_failures: splitting buys nothing. 0: no separate cross-attempt limit.
    unsigned terminal_max_failures = 6;
    // SS_AUTHENTICATION_FAILED_SUSPEND: how long a suspended terminal is refused.
    std::chrono::seconds terminal_suspend{180};
    // SS_ENDPOINT_REGISTER_RETRY / SS_ENDPOINT_REGISTER_SUSPEND: failed REGISTER attempts of a
    // terminal before its registrations are refused, and for how long. 0 retries: off.
    unsigned register_max_failures = 6;
    std::chrono::seconds register_suspend{180};
    // (ours) Failures from one untrusted source address across all accounts before the whole
    // address is refused: catches one host spraying many accounts. 0: off.
    unsigned source_max_failures = 30;
    std::chrono::seconds source_suspend{180};
    // (ours) Addresses never suspended as a whole (an office behind one NAT address): only
    // the failing account from there is. Their terminals still follow the limits above.
    std::vector<core::ip_network> trusted_networks;
    // Bound on each table (attempts, terminals, sources); the least recently used entry that
    // is not suspended is dropped first, so a flood from many sources cannot grow memory.
    std::size_t max_tracked = 100000;
};

// What the digest verifier found in the request (the policy never sees passwords).
enum class credential_check {
    none,            // no Authorization header for our realm: the first, normal request
    valid,           // the response matched
    wrong,           // the response did not match (a guess)
    stale_nonce,     // correct for a nonce that has expired: not a wrong password (RFC 7616 §3.3)
    unknown_account, // the user does not exist or is not allowed from this source
};

// Who is asking.
struct auth_request {
    std::string_view account; // digest username (or From user when there is none)
    core::ip_address source;  // packet source address
    std::string_view call_id;
    bool is_register = false;
};

enum class auth_action {
    accept,           // credentials good: go on with the request
    challenge,        // answer 401/407 with a fresh nonce
    challenge_stale,  // answer 401/407 with stale=true
    reject,           // answer 403 (or drop, per the unknown-source policy)
    refuse_suspended, // terminal or source is suspended: 403 or silence, per SS_REPLY_UNAUTHORIZED
};

[[nodiscard]] std::string_view to_string(auth_action action) noexcept;

struct auth_decision {
    auth_action action = auth_action::challenge;
    // Why, in words, for reject and refuse_suspended ("3 wrong passwords in this attempt").
    std::string reason;
    // Set when this request started a suspension: the daemon logs reason and until.
    bool suspension_started = false;
    core::clock::time_point suspended_until{};
};

// Counts attempts and failures per attempt, per terminal and per source address.
class auth_policy {
  public:
    auth_policy(auth_limits limits, const core::clock& clock);
    auth_policy(const auth_policy&) = delete;
    auth_policy& operator=(const auth_policy&) = delete;
    auth_policy(auth_policy&&) noexcept;
    auth_policy& operator=(auth_policy&&) noexcept;
    ~auth_policy();

    // New limits (a configuration reload) for the requests from now on. Counters and running
    // suspensions stay: a reload must not be a way out of a lockout. The table bound
    // (max_tracked) keeps its first value.
    void set_limits(auth_limits limits);

    // The decision for one request whose credentials the verifier judged `check`.
    auth_decision on_request(const auth_request& request, credential_check check);

    // True while the terminal (account from source) or the whole source is suspended.
    [[nodiscard]] bool is_suspended(std::string_view account, const core::ip_address& source,
                                    bool is_register = false) const;

    // Drops attempts past their timeout and suspensions and counters that have run out.
    void expire();

    struct table_sizes {
        std::size_t attempts = 0;
        std::size_t terminals = 0;
        std::size_t sources = 0;
    };
    [[nodiscard]] table_sizes sizes() const;

  private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace ssw::registrar
