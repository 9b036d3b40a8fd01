// SPDX-License-Identifier: MIT
// ssw::daemon::authenticator: digest challenges and credential checks for the registrar and
// for calls, with the lockout policy (registrar::auth_policy) deciding from the checks'
// outcomes. Challenges and rejections are stateless replies: an unauthenticated request
// never holds a transaction.
#pragma once

#include <ssw/core/clock.hpp>
#include <ssw/core/log.hpp>
#include <ssw/daemon/drop_summary.hpp>
#include <ssw/daemon/reply.hpp>
#include <ssw/params/settings.hpp>
#include <ssw/provision/config.hpp>
#include <ssw/registrar/auth_policy.hpp>
#include <ssw/registrar/digest.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/sip/transport.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ssw::daemon {

struct engine_counters;

class authenticator {
  public:
    // `config`, `settings`, `counters` and `drops` must outlive it; call reconfigure() after
    // either of the first two changed.
    authenticator(const provision::config& config, const params::settings& settings,
                  const core::clock& clock, engine_counters& counters, drop_summary& drops,
                  core::log_function log);

    // The outcome for one request naming `account` (nullptr: no such account, judged like a
    // wrong password so that answers do not tell which accounts exist): nullopt when it
    // authenticated, else the stateless reply (challenge, 403, or silence when suspended
    // and SS_REPLY_UNAUTHORIZED is Off). `log_details` names the rejection in the log.
    std::optional<reply> authenticate(const sip::message& m, const sip::peer& from,
                                      const provision::account* account, std::string_view user,
                                      bool is_register, bool log_details = false);
    // A challenge for an unknown source or account (401/407 with one header per algorithm).
    [[nodiscard]] reply challenge(bool stale, const provision::account* account = nullptr);
    // Credentials for an account that does not exist: counted against the source.
    void count_unknown_account(const sip::message& m, const sip::peer& from, std::string_view user);
    // Whether `m` carries credentials for our realm's header (Authorization or
    // Proxy-Authorization, per SS_SIP_AUTHENTICATION_CODE).
    [[nodiscard]] bool has_credentials(const sip::message& m) const;

    void reconfigure();
    // Ends attempts, counters and nonce-counts whose time is over; the suspension lines of
    // the drop summary's interval start again.
    void expire();
    void new_log_interval() noexcept { suspension_lines_ = 0; }

    [[nodiscard]] registrar::auth_policy::table_sizes lockout_sizes() const;
    [[nodiscard]] std::size_t nonces_tracked() const;

  private:
    [[nodiscard]] registrar::credential_check check_credentials(const sip::message& m,
                                                                const provision::account* account,
                                                                std::string_view user);
    [[nodiscard]] std::string ha1_of(const provision::account& a,
                                     registrar::digest_algorithm alg) const;
    [[nodiscard]] std::string challenge_header(std::string_view algorithm, bool stale);
    [[nodiscard]] sip::header_id credentials_header() const;

    const provision::config& config_;
    const params::settings& settings_;
    engine_counters& counters_;
    drop_summary& drops_;
    core::log_function log_;
    registrar::auth_policy policy_;
    registrar::nonce_manager nonces_;
    unsigned suspension_lines_ = 0; // logged in the drop summary's current interval
};

} // namespace ssw::daemon
