// SPDX-License-Identifier: MIT
// ssw::uplink::outbound_registration: the daemon registering to a carrier (RFC 3261 §10.2),
// refresh, challenge answers, retry, and un-REGISTER on graceful stop, as a state machine
// over responses and an injected clock. It says what to send; net/ builds and sends it.
#pragma once

#include <ssw/core/clock.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::uplink {

// One routing gateway's registration settings (catalog parameters in the comments).
struct registration_settings {
    // SS_SIP_USER_AGENT_EXPIRE: the expiry asked for; with `auto_expiry` (the parameter's
    // `Auto`) 3600 s is asked and whatever the registrar grants is accepted.
    std::chrono::seconds requested_expiry{3600};
    bool auto_expiry = true;
    std::chrono::seconds retry_delay{30};   // SS_SIP_USER_AGENT_RETRY_DELAY
    unsigned max_challenge_answers = 6;     // SS_SIP_AUTHENTICATION_RETRY (client side)
    bool send_unregister = true;            // SS_SIP_USER_AGENT_SEND_UNREGISTER
    std::chrono::seconds shutdown_grace{5}; // (ours) longest wait for the un-REGISTER's answer
};

// When to refresh a registration granted for `granted`: early enough that one lost request
// and its retransmissions still land before expiry (at 85 % of the time, and never later
// than 32 s, RFC 3261 Timer F, before it runs out).
[[nodiscard]] std::chrono::seconds refresh_after(std::chrono::seconds granted) noexcept;

enum class registration_state {
    idle,          // not started
    registering,   // a REGISTER is out (first, refresh or challenge answer)
    registered,    // bound; a refresh is scheduled
    retry_wait,    // failed; waiting SS_SIP_USER_AGENT_RETRY_DELAY
    unregistering, // Expires: 0 is out (graceful stop)
    stopped,       // done; the daemon may exit
};
[[nodiscard]] std::string_view to_string(registration_state state) noexcept;

// What the registrar answered, as net/ read it from the response.
struct register_response {
    int code = 0;
    // 200: the expiry granted for our contact (Contact ;expires= or Expires header).
    std::optional<std::chrono::seconds> granted_expiry;
    // 423: the Min-Expires header.
    std::optional<std::chrono::seconds> min_expires;
    // 401/407: a challenge header was present (WWW- or Proxy-Authenticate).
    bool has_challenge = false;
};

// A REGISTER to send. Same Call-ID for the life of the registration, CSeq one higher each
// time (RFC 3261 §10.2.4); `answer_challenge` means: add Authorization/Proxy-Authorization
// for the last challenge received. Expires is ALWAYS written, 0 included (asterisk#1859
// once sent a follow-up un-REGISTER without it, re-registering instead).
struct register_request {
    std::uint32_t cseq = 0;
    std::chrono::seconds expires{0};
    bool answer_challenge = false;
    friend bool operator==(const register_request&, const register_request&) = default;
};

// Last failure for `ssw-run status` and the log.
struct registration_failure {
    int code = 0; // 0: no answer (transaction timeout)
    std::string reason;
    core::clock::time_point when{};
};

class outbound_registration {
  public:
    outbound_registration(registration_settings settings, const core::clock& clock,
                          std::uint32_t first_cseq = 1);

    // Sends the first REGISTER.
    std::optional<register_request> start();
    // The final response to the last REGISTER (1xx are not passed in).
    std::optional<register_request> on_response(const register_response& response);
    // The last REGISTER's client transaction timed out (no final response).
    std::optional<register_request> on_transaction_timeout();
    // Call when the clock reaches deadline(): sends a refresh or a retry, or ends a stop.
    std::optional<register_request> on_timer();
    // Graceful stop (SIGTERM, SIGINT, restart): un-REGISTER when registered and allowed,
    // answering challenges, until the 200, a failure or the grace time; else stop at once.
    std::optional<register_request> stop();

    [[nodiscard]] std::optional<core::clock::time_point> deadline() const;
    [[nodiscard]] registration_state state() const noexcept { return state_; }
    // While registered: when the binding runs out at the registrar.
    [[nodiscard]] std::optional<core::clock::time_point> expires_at() const;
    [[nodiscard]] const std::optional<registration_failure>& last_failure() const noexcept
    {
        return last_failure_;
    }
    // The expiry currently asked for (changes after a 423 or an auto-negotiated grant).
    [[nodiscard]] std::chrono::seconds asked_expiry() const noexcept { return asked_; }

  private:
    register_request send(std::chrono::seconds expires, bool answer_challenge);
    std::optional<register_request> fail(int code, std::string reason);

    registration_settings settings_;
    const core::clock& clock_;
    registration_state state_ = registration_state::idle;
    std::uint32_t next_cseq_;
    std::chrono::seconds asked_;
    unsigned answers_ = 0;
    bool stopping_ = false;
    core::clock::time_point registered_at_{};
    std::chrono::seconds granted_{0};
    core::clock::time_point timer_{};
    bool timer_armed_ = false;
    std::optional<registration_failure> last_failure_;
};

} // namespace ssw::uplink
