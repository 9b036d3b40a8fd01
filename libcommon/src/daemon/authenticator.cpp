// SPDX-License-Identifier: MIT
// Digest challenges, credential checks and the lockout policy's verdicts.
#include <ssw/core/text.hpp>
#include <ssw/daemon/authenticator.hpp>
#include <ssw/daemon/engine.hpp>

namespace ssw::daemon {

namespace {

// Suspension lines logged one by one per drop-summary interval; the rest are only counted
// (a spray from many sources would otherwise make it a line per packet).
constexpr unsigned max_suspension_lines = 10;

registrar::auth_limits limits_from(const params::settings& s, const provision::config& c)
{
    registrar::auth_limits l;
    l.attempt_max_failures = static_cast<unsigned>(s.authentication_retry());
    l.attempt_timeout = s.authentication_timeout();
    l.terminal_max_failures = static_cast<unsigned>(s.authentication_max_retry());
    l.terminal_suspend = s.authentication_failed_suspend();
    l.register_max_failures = static_cast<unsigned>(s.endpoint_register_retry());
    l.register_suspend = s.endpoint_register_suspend();
    l.trusted_networks = c.trusted_networks;
    return l;
}

} // namespace

authenticator::authenticator(const provision::config& config, const params::settings& settings,
                             const core::clock& clock, engine_counters& counters,
                             drop_summary& drops, core::log_function log)
    : config_(config), settings_(settings), counters_(counters), drops_(drops),
      log_(std::move(log)), policy_(limits_from(settings, config), clock), nonces_(clock)
{
}

void authenticator::reconfigure()
{
    policy_.set_limits(limits_from(settings_, config_)); // suspensions survive a reload
}

void authenticator::expire()
{
    policy_.expire();
    nonces_.expire();
}

registrar::auth_policy::table_sizes authenticator::lockout_sizes() const
{
    return policy_.sizes();
}

std::size_t authenticator::nonces_tracked() const
{
    return nonces_.size();
}

sip::header_id authenticator::credentials_header() const
{
    return settings_.authentication_code() == 407 ? sip::header_id::proxy_authorization
                                                  : sip::header_id::authorization;
}

bool authenticator::has_credentials(const sip::message& m) const
{
    return static_cast<bool>(m.credentials(credentials_header()));
}

std::string authenticator::ha1_of(const provision::account& a,
                                  registrar::digest_algorithm alg) const
{
    if (!a.password.empty()) {
        return registrar::digest_ha1(alg, a.user, config_.realm, a.password);
    }
    // The account's HA1 for `alg`, or empty when it only stores the hash of another algorithm.
    return core::to_lower(alg == registrar::digest_algorithm::md5 ? a.ha1 : a.ha1_sha256);
}

std::string authenticator::challenge_header(std::string_view algorithm, bool stale)
{
    std::string h = "Digest realm=\"" + config_.realm + "\", nonce=\"" +
                    nonces_.make_nonce(config_.realm) + "\", algorithm=";
    h += algorithm;
    h += ", qop=\"auth\"";
    if (stale) {
        h += ", stale=true";
    }
    return h;
}

// One challenge header per configured algorithm, most preferred first (RFC 8760 §2.4). A
// known account whose secret is stored as one algorithm's HA1 only is offered just that
// algorithm: an answer in the other could never be verified.
reply authenticator::challenge(bool stale, const provision::account* account)
{
    const int code = settings_.authentication_code();
    reply r = reply::stateless_response(code);
    const char* name = code == 407 ? "Proxy-Authenticate" : "WWW-Authenticate";
    for (const auto& algorithm : config_.digest_algorithms) {
        if (account != nullptr) {
            const auto alg = registrar::parse_digest_algorithm(algorithm);
            if (alg && ha1_of(*account, *alg).empty()) {
                continue;
            }
        }
        r.headers.emplace_back(name, challenge_header(algorithm, stale));
    }
    if (r.headers.empty()) { // the account's only hash is of an algorithm not offered
        r.headers.emplace_back(
            name, challenge_header(account != nullptr && account->ha1.empty() ? "SHA-256" : "MD5",
                                   stale));
    }
    return r;
}

registrar::credential_check authenticator::check_credentials(const sip::message& m,
                                                             const provision::account* account,
                                                             std::string_view user)
{
    const auto creds = m.credentials(credentials_header());
    if (!creds || !creds->is_digest() || creds->realm != config_.realm) {
        return registrar::credential_check::none;
    }
    if (account == nullptr) {
        return registrar::credential_check::unknown_account;
    }
    if (creds->username != user) {
        return registrar::credential_check::wrong;
    }
    const auto algorithm = registrar::parse_digest_algorithm(creds->algorithm);
    if (!algorithm) {
        return registrar::credential_check::none;
    }
    const registrar::digest_answer answer{creds->username, creds->realm,    creds->nonce,
                                          creds->uri,      creds->response, creds->algorithm,
                                          creds->qop,      creds->nc,       creds->cnonce};
    const auto ha1 = ha1_of(*account, *algorithm);
    if (ha1.empty()) {
        return registrar::credential_check::none; // an algorithm we did not offer it
    }
    switch (registrar::verify_digest(nonces_, answer, config_.realm, ha1, m.method())) {
    case registrar::digest_verdict::valid: return registrar::credential_check::valid;
    case registrar::digest_verdict::wrong: return registrar::credential_check::wrong;
    case registrar::digest_verdict::stale:
    case registrar::digest_verdict::foreign_nonce: return registrar::credential_check::stale_nonce;
    case registrar::digest_verdict::replayed:
    case registrar::digest_verdict::bad_request: return registrar::credential_check::none;
    }
    return registrar::credential_check::none;
}

std::optional<reply> authenticator::authenticate(const sip::message& m, const sip::peer& from,
                                                 const provision::account* account,
                                                 std::string_view user, bool is_register,
                                                 bool log_details)
{
    const auto check = check_credentials(m, account, user);
    const registrar::auth_request request{user, from.address, m.call_id(), is_register};
    const auto decision = policy_.on_request(request, check);
    if (decision.suspension_started) {
        ++counters_.suspensions;
        if (suspension_lines_ < max_suspension_lines && log_) {
            ++suspension_lines_;
            log_(core::log_level::warning,
                 "suspension: " + decision.reason + " (" + from.to_string() + ")");
        }
    }
    switch (decision.action) {
    case registrar::auth_action::accept: return std::nullopt;
    case registrar::auth_action::challenge:
        ++counters_.challenges;
        return challenge(false, account);
    case registrar::auth_action::challenge_stale:
        ++counters_.challenges;
        return challenge(true, account);
    case registrar::auth_action::reject:
        ++counters_.auth_rejected;
        drops_.note(drop_reason::auth_rejected, from.address);
        if (log_details && log_) {
            log_(core::log_level::info, "rejected '" + std::string(user) + "' from " +
                                            from.to_string() + ": " + decision.reason);
        }
        return reply::stateless_response(403);
    case registrar::auth_action::refuse_suspended:
        ++counters_.refused_suspended;
        drops_.note(drop_reason::suspended, from.address);
        // Suspended terminals are treated like unknown sources (SS_REPLY_UNAUTHORIZED).
        return settings_.reply_unauthorized() ? reply::stateless_response(403) : reply::silent();
    }
    return reply::stateless_response(403);
}

void authenticator::count_unknown_account(const sip::message& m, const sip::peer& from,
                                          std::string_view user)
{
    (void)policy_.on_request({user, from.address, m.call_id(), true},
                             registrar::credential_check::unknown_account);
}

} // namespace ssw::daemon
