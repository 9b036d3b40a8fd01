// SPDX-License-Identifier: MIT
// The daemon's SIP core: transactions, registrar, digest auth, lockout, unknown-source policy.
#include <ssw/core/text.hpp>
#include <ssw/daemon/drop_summary.hpp>
#include <ssw/daemon/engine.hpp>
#include <ssw/daemon/status.hpp>
#include <ssw/daemon/uplink_registrations.hpp>
#include <ssw/keepalive/nat_keepalive.hpp>
#include <ssw/media/call_media.hpp>
#include <ssw/registrar/auth_policy.hpp>
#include <ssw/registrar/digest.hpp>
#include <ssw/sip/builder.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/sip/transaction.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <queue>
#include <random>
#include <unordered_map>

namespace ssw::daemon {

std::string_view to_string(log_level level) noexcept
{
    switch (level) {
    case log_level::error: return "error";
    case log_level::warning: return "warning";
    case log_level::info: return "info";
    case log_level::debug: return "debug";
    }
    return "info";
}

namespace {

using namespace std::chrono_literals;
using time_point = core::clock::time_point;

constexpr std::uint32_t min_register_expiry = 60; // 423 below this (spec: ours)
// Server transactions are kept only for requests that passed authentication or came from a
// gateway; everything an unknown source sends is answered (or dropped) statelessly. Past
// this bound even those are answered statelessly: never dropped, only not absorbed.
constexpr std::size_t max_transactions = 200000;
// Suspension lines logged one by one per drop-summary interval; the rest are only counted.
constexpr unsigned max_suspension_lines = 10;

// What a handler decided to do with a request.
struct reply {
    // handed_over: the B2BUA took the request (and its transaction) over.
    enum class kind { respond, silence, respond_after_commit, handed_over } what = kind::respond;
    int code = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;
    // Answered without a server transaction: what an unauthenticated request gets (policy
    // answers, challenges, rejections). Its retransmissions are judged, and answered, anew
    // (RFC 3261 §8.2.7 and §17.2 allow a stateless UAS), so a flood leaves no state behind.
    bool stateless = false;
};

reply silence()
{
    reply r{reply::kind::silence, 0, {}, {}};
    r.stateless = true;
    return r;
}

reply respond(int code, std::string reason = {})
{
    return reply{reply::kind::respond, code, std::move(reason), {}};
}

reply respond_statelessly(int code, std::string reason = {})
{
    reply r = respond(code, std::move(reason));
    r.stateless = true;
    return r;
}

struct server_entry {
    server_entry(bool invite, sip::transport_reliability t, const sip::transaction_timers& timers,
                 const core::clock& clock)
        : machine(invite, t, timers, clock)
    {
    }
    sip::server_transaction machine;
    std::string last_response;
    peer reply_to;
    std::optional<time_point> scheduled;
};

struct pending_response {
    std::string key;
    int code;
    outgoing message;
};

std::string random_token(std::mt19937_64& rng)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string s(16, '0');
    auto v = rng();
    for (auto& c : s) {
        c = digits[v & 0xf];
        v >>= 4;
    }
    return s;
}

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

keepalive::keepalive_settings keepalive_from(const params::settings& s, const provision::config& c)
{
    keepalive::keepalive_settings k;
    k.spread_evenly = c.keepalive_spread;
    k.enabled = !s.nat_keepalive_message().empty();
    k.period = s.nat_keepalive_period();
    k.send_interval = s.nat_keepalive_send_interval();
    k.batch_size = static_cast<std::size_t>(s.nat_keepalive_batch_size());
    return k;
}

// The keep-alive scheduler knows bindings by a number: account and contact hashed.
std::uint64_t binding_id(std::string_view account, std::string_view contact)
{
    const auto h1 = std::hash<std::string_view>{}(account);
    const auto h2 = std::hash<std::string_view>{}(contact);
    return static_cast<std::uint64_t>(h1 ^ (h2 + 0x9e3779b97f4a7c15ULL + (h1 << 6) + (h1 >> 2)));
}

sip::transaction_timers timers_from(const params::settings& s)
{
    sip::transaction_timers t;
    t.resend_schedule = s.resend_intervals();
    return t;
}

b2bua::local_addresses local_addresses_of(const provision::config& c)
{
    b2bua::local_addresses local;
    bool have_udp = false;
    bool have_tcp = false;
    for (const auto& l : c.listeners) {
        if (l.kind == sip::transport_kind::udp && !have_udp) {
            local.udp_port = l.port;
            local.host = l.address.to_string();
            have_udp = true;
        } else if (l.kind == sip::transport_kind::tcp && !have_tcp) {
            local.tcp_port = l.port;
            if (!have_udp) {
                local.host = l.address.to_string();
            }
            have_tcp = true;
        }
    }
    return local;
}

// The media relay's settings from ssw.conf and the parameters.
media::relay_options relay_options_from(const provision::config& c)
{
    media::relay_options o;
    o.first_port = c.media.first_port;
    o.last_port = c.media.last_port;
    o.hijack_guard = c.media.hijack_guard;
    o.media_timeout = c.media.timeout;
    return o;
}

media::call_media_options media_options_from(const provision::config& c, const params::settings& s)
{
    media::call_media_options o;
    o.address = c.media.address.empty() ? local_addresses_of(c).host : c.media.address;
    o.proxy_behind_nat = s.media_proxy_behind_nat();
    o.mode = static_cast<crypto::mode>(s.rtp_encryption_mode());
    if (auto k = crypto::parse_key(s.rtp_encryption_key())) {
        o.key = std::move(*k);
    }
    o.latch_gateways = c.media.latch_gateways;
    return o;
}

b2bua::call_options call_options_with(b2bua::media_hook* media)
{
    b2bua::call_options o;
    o.media = media;
    return o;
}

} // namespace

struct engine::state {
    state(provision::config c, params::settings s, const core::clock& clk,
          registrar::binding_store& b, log_function l, call_routing r)
        : config(std::move(c)), settings(std::move(s)), clock(clk), store(b), log(std::move(l)),
          routing(std::move(r)), policy(limits_from(settings, config), clock), nonces(clock),
          timers(timers_from(settings)), keepalives(std::make_unique<keepalive::nat_keepalive>(
                                             keepalive_from(settings, config), clock)),
          rng(std::random_device{}()),
          relay(std::make_unique<media::relay>(relay_options_from(config), clock)),
          media(std::make_unique<media::call_media>(
              *relay, media_options_from(config, settings),
              [this](std::string_view text) { emit(log_level::warning, std::string(text)); })),
          calls(
              config, settings, routing.rules.get(), clock, routing.cdrs,
              [this](b2bua::log_level level, std::string_view text) {
                  emit(static_cast<log_level>(static_cast<int>(level)), std::string(text));
              },
              local_addresses_of(config), call_options_with(media.get())),
          uplinks(config, settings, clock,
                  [this](log_level level, const std::string& text) { emit(level, text); }),
          started_at(clock.now()), drops(clock)
    {
        index_accounts();
        for (const auto& restored : store.all(clock.wall_now())) {
            track_keepalive(restored);
        }
    }

    provision::config config;
    // Accounts by user name, into `config` (rebuilt with it): a wholesale switch may have
    // 100,000 accounts, and every REGISTER and INVITE looks one up.
    std::unordered_map<std::string_view, const provision::account*> account_index;
    params::settings settings;
    const core::clock& clock;
    registrar::binding_store& store;
    log_function log;
    call_routing routing;
    registrar::auth_policy policy;
    registrar::nonce_manager nonces;
    sip::transaction_timers timers;
    std::unique_ptr<keepalive::nat_keepalive> keepalives;
    std::uint64_t keepalive_cycles_reported = 0;
    std::mt19937_64 rng;
    std::unique_ptr<media::relay> relay; // before calls: the call manager holds `media`
    std::unique_ptr<media::call_media> media;
    std::vector<media::call_event> media_events;
    b2bua::call_manager calls;
    std::unordered_map<std::string, std::unique_ptr<server_entry>> transactions;
    // Merged-request detection (RFC 3261 §8.2.2.2): out-of-dialog requests seen in the last
    // 64*T1 by From tag, Call-ID and CSeq, with the transaction that took them. The deque
    // holds them in arrival order, so expiry is a pop from the front.
    struct recent_request {
        std::string transaction;
        time_point expires;
    };
    std::unordered_map<std::string, recent_request> recent_requests;
    std::deque<std::pair<time_point, std::string>> recent_order;
    using timer_item = std::pair<time_point, std::string>;
    std::priority_queue<timer_item, std::vector<timer_item>, std::greater<>> timer_heap;
    std::vector<pending_response> pending;
    std::vector<core::ip_network> debug_networks;
    engine_counters counters;
    uplink_registrations uplinks;
    time_point started_at;
    drop_summary drops;
    std::size_t tcp_connections = 0; // told by net/
    unsigned suspension_lines = 0;   // logged in the drop summary's current interval
    bool stopping = false;
    bool keepalive_direct = false;
    std::span<const keepalive::nat_endpoint> pending_keepalives;

    void index_accounts()
    {
        account_index.clear();
        account_index.reserve(config.accounts.size());
        for (const auto& a : config.accounts) {
            account_index.emplace(a.user, &a);
        }
    }

    void emit(log_level level, const std::string& text) const
    {
        if (log) {
            log(level, text);
        }
    }

    // NAT keep-alives go to UDP bindings behind NAT, at the address their REGISTER came from.
    void track_keepalive(const registrar::binding& b)
    {
        if (b.behind_nat && b.transport == "udp") {
            keepalives->upsert({binding_id(b.account, b.contact), b.source, b.source_port});
        }
    }

    void untrack_keepalive(std::string_view account, std::string_view contact)
    {
        keepalives->remove(binding_id(account, contact));
    }

    void send_keepalives(std::vector<outgoing>& out)
    {
        const auto& message = settings.nat_keepalive_message();
        const auto batch = keepalives->on_timer();
        if (keepalive_direct) {
            if (!batch.empty()) {
                pending_keepalives = batch; // net/ sends them from the scheduler's buffer
            }
        } else {
            for (const auto& e : batch) {
                out.push_back({peer{e.address, e.port, sip::transport_kind::udp, 0}, message});
            }
        }
        const auto& st = keepalives->stats();
        if (st.cycles_incomplete > keepalive_cycles_reported) {
            keepalive_cycles_reported = st.cycles_incomplete;
            emit(log_level::warning,
                 "NAT keep-alive: a cycle missed " + std::to_string(st.endpoints_missed_last) +
                     " of " + std::to_string(keepalives->size()) +
                     " endpoints (raise SS_SIP_NAT_KEEP_ALIVE_SEND_ONE_TIME or the period; "
                     "see ssw-param check --nat-endpoints)");
        }
    }

    [[nodiscard]] bool traced(const peer& p) const
    {
        return std::any_of(debug_networks.begin(), debug_networks.end(),
                           [&](const core::ip_network& n) { return n.contains(p.address); });
    }

    void schedule(const std::string& key, server_entry& e)
    {
        const auto d = e.machine.deadline();
        if (d && (!e.scheduled || *e.scheduled != *d)) {
            e.scheduled = d;
            timer_heap.emplace(*d, key);
        }
    }

    // ---- identification ------------------------------------------------------------

    // A configured gateway at `a`: a mapping gateway's network, a routing gateway's address
    // (at `port` when one is given), or a carrier we register to, which sends its calls to our
    // registered contact from whatever port its proxy uses.
    [[nodiscard]] bool is_gateway(const core::ip_address& a,
                                  std::optional<std::uint16_t> port = std::nullopt) const
    {
        for (const auto& m : config.mapping_gateways) {
            if (std::any_of(m.networks.begin(), m.networks.end(),
                            [&](const core::ip_network& n) { return n.contains(a); })) {
                return true;
            }
        }
        for (const auto& r : config.routing_gateways) {
            for (const auto& e : r.addresses) {
                if (e.address && *e.address == a && (!port || e.port == *port)) {
                    return true;
                }
            }
        }
        return uplinks.gateway_of(a) != nullptr;
    }

    [[nodiscard]] bool is_gateway_address(const core::ip_address& a) const { return is_gateway(a); }

    // Whether requests from `from` skip the challenge. A routing gateway counts by address
    // and port: a vendor on this host (the demo's, at 127.0.0.1:5090) must not make every
    // local phone an unchallenged source.
    [[nodiscard]] bool is_trusted_gateway(const peer& from) const
    {
        return is_gateway(from.address, from.port);
    }

    // The account named by `user` if it exists and may be used from `from`.
    [[nodiscard]] const provision::account* usable_account(std::string_view user,
                                                           const peer& from) const
    {
        const auto found = account_index.find(user);
        if (found == account_index.end()) {
            return nullptr;
        }
        const auto* a = found->second;
        if (!a->allowed_networks.empty() &&
            std::none_of(a->allowed_networks.begin(), a->allowed_networks.end(),
                         [&](const core::ip_network& n) { return n.contains(from.address); })) {
            return nullptr;
        }
        return a;
    }

    // The account's HA1 for `alg`, or empty when it only stores the hash of another algorithm.
    [[nodiscard]] std::string ha1_of(const provision::account& a,
                                     registrar::digest_algorithm alg) const
    {
        if (!a.password.empty()) {
            return registrar::digest_ha1(alg, a.user, config.realm, a.password);
        }
        return core::to_lower(alg == registrar::digest_algorithm::md5 ? a.ha1 : a.ha1_sha256);
    }

    // ---- responses ------------------------------------------------------------------

    // Every response of the engine: sip::build_response with the packet's source on the top
    // Via, and the Server header when one is configured.
    [[nodiscard]] std::string
    build_response(const sip::message& request, const peer& from, int code, std::string_view reason,
                   std::string_view to_tag,
                   const std::vector<std::pair<std::string, std::string>>& extra) const
    {
        sip::response_parts parts;
        parts.reason = reason;
        parts.to_tag = to_tag;
        parts.origin = sip::request_origin{from.address.to_string(), from.port};
        if (!config.server_header.empty()) {
            parts.extra.emplace_back("Server", config.server_header);
        }
        parts.extra.insert(parts.extra.end(), extra.begin(), extra.end());
        return sip::build_response(request, code, parts);
    }

    [[nodiscard]] std::string challenge_header(std::string_view algorithm, bool stale)
    {
        std::string h = "Digest realm=\"" + config.realm + "\", nonce=\"" +
                        nonces.make_nonce(config.realm) + "\", algorithm=";
        h += algorithm;
        h += ", qop=\"auth\"";
        if (stale) {
            h += ", stale=true";
        }
        return h;
    }

    // One challenge header per configured algorithm, most preferred first (RFC 8760 §2.4).
    // A known account whose secret is stored as one algorithm's HA1 only is offered just
    // that algorithm: an answer in the other could never be verified.
    [[nodiscard]] reply make_challenge(bool stale, const provision::account* account = nullptr)
    {
        const int code = settings.authentication_code();
        reply r = respond_statelessly(code);
        const char* name = code == 407 ? "Proxy-Authenticate" : "WWW-Authenticate";
        for (const auto& algorithm : config.digest_algorithms) {
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
                name, challenge_header(
                          account != nullptr && account->ha1.empty() ? "SHA-256" : "MD5", stale));
        }
        return r;
    }

    // ---- authentication ---------------------------------------------------------------

    // Verifies the request's credentials for `account` (nullptr: unknown account, judged
    // like a wrong password so that answers do not tell which accounts exist).
    [[nodiscard]] registrar::credential_check check_credentials(const sip::message& m,
                                                                const provision::account* account,
                                                                std::string_view user)
    {
        const auto header = settings.authentication_code() == 407
                                ? sip::header_id::proxy_authorization
                                : sip::header_id::authorization;
        const auto creds = m.credentials(header);
        if (!creds || !creds->is_digest() || creds->realm != config.realm) {
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
            return registrar::credential_check::none; // an algorithm we did not offer it:
                                                      // re-challenge
        }
        switch (registrar::verify_digest(nonces, answer, config.realm, ha1, m.method())) {
        case registrar::digest_verdict::valid: return registrar::credential_check::valid;
        case registrar::digest_verdict::wrong: return registrar::credential_check::wrong;
        case registrar::digest_verdict::stale:
        case registrar::digest_verdict::foreign_nonce:
            return registrar::credential_check::stale_nonce;
        case registrar::digest_verdict::replayed:
        case registrar::digest_verdict::bad_request: return registrar::credential_check::none;
        }
        return registrar::credential_check::none;
    }

    // Runs the auth policy; nullopt means "authenticated, go on".
    std::optional<reply> authenticate(const sip::message& m, const peer& from,
                                      const provision::account* account, std::string_view user,
                                      bool is_register)
    {
        const auto check = check_credentials(m, account, user);
        const registrar::auth_request request{user, from.address, m.call_id(), is_register};
        const auto decision = policy.on_request(request, check);
        if (decision.suspension_started) {
            ++counters.suspensions;
            // One line per suspension until a spray from many sources would make it a line
            // per packet; the drop summary counts the rest.
            if (suspension_lines < max_suspension_lines) {
                ++suspension_lines;
                emit(log_level::warning,
                     "suspension: " + decision.reason + " (" + from.to_string() + ")");
            }
        }
        switch (decision.action) {
        case registrar::auth_action::accept: return std::nullopt;
        case registrar::auth_action::challenge:
            ++counters.challenges;
            return make_challenge(false, account);
        case registrar::auth_action::challenge_stale:
            ++counters.challenges;
            return make_challenge(true, account);
        case registrar::auth_action::reject:
            ++counters.auth_rejected;
            drops.note(drop_reason::auth_rejected, from.address);
            if (traced(from)) {
                emit(log_level::info, "rejected '" + std::string(user) + "' from " +
                                          from.to_string() + ": " + decision.reason);
            }
            return respond_statelessly(403);
        case registrar::auth_action::refuse_suspended:
            ++counters.refused_suspended;
            drops.note(drop_reason::suspended, from.address);
            // Suspended terminals are treated like unknown sources (SS_REPLY_UNAUTHORIZED).
            return settings.reply_unauthorized() ? respond_statelessly(403) : silence();
        }
        return respond_statelessly(403);
    }

    // The unknown-source policy: 401 (REGISTER, with a challenge like any other) or 403
    // when SS_REPLY_UNAUTHORIZED is On; not a single byte when Off.
    reply unknown_source(const sip::message& m, const peer& from)
    {
        if (!settings.reply_unauthorized()) {
            ++counters.unknown_dropped;
            drops.note(drop_reason::unknown_silent, from.address);
            return silence();
        }
        ++counters.unknown_rejected;
        drops.note(drop_reason::unknown_rejected, from.address);
        if (m.method_kind() == sip::method_id::register_) {
            return make_challenge(false);
        }
        return respond_statelessly(403);
    }

    // ---- REGISTER (RFC 3261 §10.3) ----------------------------------------------------

    reply handle_register(const sip::message& m, const peer& from)
    {
        const auto to = m.to();
        if (!to) {
            return respond(400, "Bad To Header");
        }
        const std::string user(to->address.user);
        const auto* account = usable_account(user, from);
        if (account == nullptr && !config.challenge_unknown_accounts) {
            const auto creds = m.credentials(settings.authentication_code() == 407
                                                 ? sip::header_id::proxy_authorization
                                                 : sip::header_id::authorization);
            if (!settings.reply_unauthorized() || !creds) {
                return unknown_source(m, from);
            }
            // Credentials for an account that does not exist: count it against the source.
            (void)policy.on_request({user, from.address, m.call_id(), true},
                                    registrar::credential_check::unknown_account);
            ++counters.unknown_rejected;
            drops.note(drop_reason::unknown_rejected, from.address);
            return respond_statelessly(403);
        }
        if (auto denied = authenticate(m, from, account, user, true)) {
            return *denied;
        }
        if (account == nullptr) {
            return respond_statelessly(403); // challenge_unknown_accounts: never accepted
        }
        return update_bindings(m, from, *account);
    }

    reply update_bindings(const sip::message& m, const peer& from,
                          const provision::account& account)
    {
        const auto contacts = m.contacts();
        if (!contacts) {
            return respond(400, "Bad Contact");
        }
        const auto expires_header = m.expires();
        const auto cseq = m.cseq();
        if (!expires_header || !cseq) {
            return respond(400);
        }
        const auto wall = clock.wall_now();
        const bool star = std::any_of(contacts->begin(), contacts->end(),
                                      [](const sip::contact& c) { return c.star; });
        if (star) {
            // RFC 3261 §10.3 step 6: '*' only alone and only with Expires: 0.
            if (contacts->size() != 1 || !*expires_header || **expires_header != 0) {
                return respond(400, "Invalid Wildcard");
            }
            for (const auto& b : store.lookup(account.user, wall)) {
                untrack_keepalive(b.account, b.contact);
            }
            store.stage_remove_all(account.user);
            emit(log_level::info,
                 "unregistered all contacts of " + account.user + " from " + from.to_string());
            return ok_with_bindings(account.user, wall);
        }
        const auto top = m.top_via();
        bool via_nat = false;
        if (top) {
            const auto sent_by = core::ip_address::parse(top->host);
            via_nat = !sent_by || *sent_by != from.address || top->port.value_or(5060) != from.port;
        }
        const auto existing = store.lookup(account.user, wall);
        const bool replace = settings.endpoint_register_replace();
        for (const auto& c : *contacts) {
            std::uint32_t requested = c.expires.value_or(expires_header->value_or(3600));
            const std::string uri(c.address.address.text);
            if (requested != 0 && requested < min_register_expiry) {
                reply r = respond(423);
                r.headers.emplace_back("Min-Expires", std::to_string(min_register_expiry));
                return r;
            }
            const auto same =
                std::find_if(existing.begin(), existing.end(),
                             [&](const registrar::binding& b) { return b.contact == uri; });
            if (same != existing.end() && same->call_id == m.call_id() &&
                cseq->number <= same->cseq) {
                return respond(500, "Out Of Order"); // RFC 3261 §10.3 step 7
            }
            if (requested == 0) {
                store.stage_remove(account.user, uri);
                untrack_keepalive(account.user, uri);
                emit(log_level::info, "unregistered " + uri + " of " + account.user);
                continue;
            }
            if (!replace && same == existing.end() && !existing.empty()) {
                return respond(403, "Already Registered Elsewhere");
            }
            const auto contact_host = core::ip_address::parse(c.address.address.host_unbracketed());
            const bool contact_nat = !contact_host || *contact_host != from.address ||
                                     c.address.address.port.value_or(5060) != from.port;
            const bool nat = via_nat || contact_nat;
            const auto cap = nat ? settings.endpoint_nat_expire() : settings.endpoint_expire();
            const auto granted = std::min<std::int64_t>(requested, cap.count());
            if (replace) {
                for (const auto& old : existing) {
                    if (old.contact != uri) {
                        store.stage_remove(account.user, old.contact);
                        untrack_keepalive(account.user, old.contact);
                    }
                }
            }
            registrar::binding b;
            b.account = account.user;
            b.contact = uri;
            b.source = from.address;
            b.source_port = from.port;
            b.transport = std::string(provision::to_string(from.transport));
            b.expires = wall + std::chrono::seconds(granted);
            b.behind_nat = nat;
            b.call_id = std::string(m.call_id());
            b.cseq = cseq->number;
            b.user_agent = std::string(m.user_agent());
            store.stage_put(b);
            untrack_keepalive(b.account, b.contact);
            track_keepalive(b);
            ++counters.registrations;
            emit(log_level::info, "registered " + account.user + " at " + uri + " for " +
                                      std::to_string(granted) + " s" +
                                      (nat ? " (behind NAT)" : "") + " from " + from.to_string());
        }
        return ok_with_bindings(account.user, wall);
    }

    reply ok_with_bindings(const std::string& user,
                           std::chrono::system_clock::time_point wall) const
    {
        reply r{reply::kind::respond_after_commit, 200, {}, {}};
        for (const auto& b : store.lookup(user, wall)) {
            const auto left =
                std::chrono::duration_cast<std::chrono::seconds>(b.expires - wall).count();
            r.headers.emplace_back("Contact",
                                   "<" + b.contact + ">;expires=" + std::to_string(left));
        }
        return r;
    }

    // ---- other requests -----------------------------------------------------------------

    [[nodiscard]] bool is_registered_peer(std::string_view user, const peer& from) const
    {
        const auto bindings = store.lookup(user, clock.wall_now());
        return std::any_of(bindings.begin(), bindings.end(),
                           [&](const registrar::binding& b) { return b.source == from.address; });
    }

    // A configured gateway address, or an account usable from there (To user of a REGISTER,
    // From user otherwise).
    [[nodiscard]] bool is_known_source(const sip::message& m, const peer& from) const
    {
        if (is_gateway_address(from.address)) {
            return true;
        }
        const auto party = m.method_kind() == sip::method_id::register_ ? m.to() : m.from();
        return party && usable_account(party->address.user, from) != nullptr;
    }

    reply handle_request(const sip::message& m, const peer& from)
    {
        if (m.method_kind() == sip::method_id::register_) {
            return handle_register(m, from);
        }
        const auto from_header = m.from();
        const std::string user =
            from_header ? std::string(from_header->address.user) : std::string{};
        const bool gateway = is_trusted_gateway(from);
        const auto* account = usable_account(user, from);

        if (m.method_kind() == sip::method_id::options) {
            if (gateway || (account != nullptr && is_registered_peer(user, from))) {
                reply r = respond(200);
                r.headers.emplace_back("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER");
                r.headers.emplace_back("Accept", "application/sdp");
                return r;
            }
            return unknown_source(m, from);
        }
        if (!gateway && account == nullptr) {
            return unknown_source(m, from);
        }
        if (m.method_kind() == sip::method_id::cancel || m.method_kind() == sip::method_id::bye) {
            return respond(481); // no call of ours matches (calls arrive with ssw-run part 2)
        }
        if (!gateway) {
            if (auto denied = authenticate(m, from, account, user, false)) {
                return *denied;
            }
        }
        if (m.method_kind() == sip::method_id::invite) {
            return reply{reply::kind::handed_over, 0, {}, {}};
        }
        return respond(501);
    }

    // Which customer a call belongs to: a mapping gateway by source network or account.
    [[nodiscard]] b2bua::caller_identity identify(const sip::message& m, const peer& from) const
    {
        b2bua::caller_identity who;
        if (const auto f = m.from()) {
            who.account = std::string(f->address.user);
        }
        for (std::size_t i = 0; i < config.mapping_gateways.size(); ++i) {
            const auto& g = config.mapping_gateways[i];
            const bool by_network =
                std::any_of(g.networks.begin(), g.networks.end(),
                            [&](const core::ip_network& n) { return n.contains(from.address); });
            const bool by_account =
                std::find(g.accounts.begin(), g.accounts.end(), who.account) != g.accounts.end();
            if (by_network || by_account) {
                who.mapping_gateway = i;
                break;
            }
        }
        return who;
    }

    // ---- transactions -------------------------------------------------------------------

    [[nodiscard]] static std::string transaction_key(const sip::message& m, const sip::via& top)
    {
        std::string_view method = m.method();
        if (m.method_kind() == sip::method_id::ack) {
            method = "INVITE"; // an ACK for a non-2xx belongs to the INVITE's transaction
        }
        std::string key;
        if (top.has_rfc3261_branch()) {
            key.append(top.branch);
        } else {
            // RFC 2543 peers: Call-ID, CSeq number, From tag and top Via identify it.
            const auto cseq = m.cseq();
            key.append(m.call_id());
            key += '|';
            key += cseq ? std::to_string(cseq->number) : std::string{};
            if (const auto f = m.from()) {
                key += '|';
                key.append(f->tag());
            }
        }
        key += '|';
        key.append(top.host);
        key += ':';
        key += std::to_string(top.port.value_or(5060));
        key += '|';
        key.append(method);
        return key;
    }

    void send(outgoing o, std::vector<outgoing>& out)
    {
        if (traced(o.to)) {
            emit(log_level::info, "send to " + o.to.to_string() + ":\n" + o.bytes);
        }
        ++counters.responses_sent;
        out.push_back(std::move(o));
    }

    source_standing on_message(std::string_view bytes, const peer& from, std::vector<outgoing>& out)
    {
        if (traced(from)) {
            emit(log_level::info, "recv from " + from.to_string() + ":\n" + std::string(bytes));
        }
        sip::parse_options options;
        options.mode = from.transport == provision::transport::udp ? sip::framing::datagram
                                                                   : sip::framing::stream;
        sip::message m;
        if (auto parsed = sip::parse_message(bytes, m, options); !parsed) {
            ++counters.malformed_dropped;
            drops.note(drop_reason::malformed, from.address);
            if (traced(from)) {
                emit(log_level::info, "malformed message from " + from.to_string() + ": " +
                                          parsed.error().to_string());
            }
            return source_standing::unknown;
        }
        if (m.is_response() && uplinks.on_response(m, from, out)) {
            return source_standing::known; // an answer to one of our REGISTERs
        }
        if (calls.on_message(m, from, out)) {
            return source_standing::known; // a response, ACK, CANCEL or in-dialog request
        }
        if (m.is_response()) {
            return source_standing::unknown; // not ours: a stray or late response
        }
        ++counters.requests;
        const auto top = m.top_via();
        if (!top || m.call_id().empty() || !m.cseq() || !m.from() || !m.to()) {
            ++counters.malformed_dropped;
            drops.note(drop_reason::malformed, from.address);
            return source_standing::unknown; // nowhere to send a 400 safely, and scanners
                                             // learn nothing
        }
        const std::string key = transaction_key(m, *top);
        if (auto it = transactions.find(key); it != transactions.end()) {
            absorb_retransmission(m, key, *it->second, out);
            return source_standing::known; // only known sources hold transactions
        }
        if (m.method_kind() == sip::method_id::ack) {
            return source_standing::unknown; // an ACK for a 2xx belongs to a call, and an ACK
                                             // for a stateless answer to nothing
        }
        // A copy of a request we already have by another path (a forking proxy upstream)
        // gets 482 rather than being handled twice; unknown sources still get the policy's
        // answer (or silence), never a hint that the first copy arrived.
        const bool merged = merged_with_another_transaction(m, key);
        reply r = merged && is_known_source(m, from) ? respond_statelessly(482, "Loop Detected")
                                                     : handle_request(m, from);
        if (r.what == reply::kind::handed_over) {
            if (const auto* carrier = uplinks.gateway_of(from.address)) {
                emit(log_level::info, "call " + std::string(m.call_id()) +
                                          " from routing gateway " + *carrier +
                                          " (to our registered contact)");
            }
            calls.on_invite(m, from, identify(m, from), out);
            return source_standing::known;
        }
        if (r.what == reply::kind::silence) {
            return source_standing::unknown;
        }
        const peer reply_to = sip::response_destination(*top, from);
        auto response = build_response(m, from, r.code, r.reason, random_token(rng), r.headers);
        if (r.stateless || transactions.size() >= max_transactions) {
            if (!r.stateless) {
                ++counters.stateless_overflow;
                drops.note(drop_reason::stateless_overflow, from.address);
            }
            if (r.what == reply::kind::respond_after_commit) {
                pending.push_back({{}, r.code, {reply_to, std::move(response)}});
            } else {
                send({reply_to, std::move(response)}, out);
            }
            return r.stateless ? source_standing::unknown : source_standing::known;
        }
        const auto reliability = from.transport == provision::transport::udp
                                     ? sip::transport_reliability::unreliable
                                     : sip::transport_reliability::reliable;
        auto entry = std::make_unique<server_entry>(m.method_kind() == sip::method_id::invite,
                                                    reliability, timers, clock);
        entry->reply_to = reply_to;
        entry->last_response = std::move(response);
        entry->machine.on_send_response(r.code);
        if (r.what == reply::kind::respond_after_commit) {
            pending.push_back({key, r.code, {entry->reply_to, entry->last_response}});
        } else {
            send({entry->reply_to, entry->last_response}, out);
        }
        remember_request(m, key);
        auto& stored = *entry;
        transactions.emplace(key, std::move(entry));
        schedule(key, stored);
        return source_standing::known;
    }

    void absorb_retransmission(const sip::message& m, const std::string& key, server_entry& entry,
                               std::vector<outgoing>& out)
    {
        const auto events = m.method_kind() == sip::method_id::ack
                                ? entry.machine.on_ack()
                                : entry.machine.on_request_retransmission();
        ++counters.retransmissions_absorbed;
        for (const auto& e : events) {
            if (e.action == sip::transaction_action::resend_response &&
                !entry.last_response.empty()) {
                send({entry.reply_to, entry.last_response}, out);
            }
        }
        schedule(key, entry);
    }

    // The key of merged-request detection (RFC 3261 §8.2.2.2): From tag, Call-ID, CSeq and
    // method of an out-of-dialog request; empty for requests it does not apply to.
    [[nodiscard]] static std::string merge_key_of(const sip::message& m)
    {
        const auto to = m.to();
        const auto f = m.from();
        const auto cseq = m.cseq();
        if (!to || !to->tag().empty() || !f || f->tag().empty() || !cseq) {
            return {};
        }
        std::string merge_key(f->tag());
        merge_key += '|';
        merge_key.append(m.call_id());
        merge_key += '|';
        merge_key += std::to_string(cseq->number);
        merge_key += '|';
        merge_key.append(m.method());
        return merge_key;
    }

    // True when the same out-of-dialog request already arrived in another transaction that
    // we keep. Only requests that got a transaction are remembered (remember_request), so
    // what unknown sources send costs no memory here either.
    bool merged_with_another_transaction(const sip::message& m, const std::string& transaction)
    {
        expire_recent_requests(clock.now());
        const auto merge_key = merge_key_of(m);
        if (merge_key.empty()) {
            return false;
        }
        const auto it = recent_requests.find(merge_key);
        return it != recent_requests.end() && it->second.transaction != transaction;
    }

    void remember_request(const sip::message& m, const std::string& transaction)
    {
        auto merge_key = merge_key_of(m);
        if (merge_key.empty() || recent_requests.size() >= max_transactions) {
            return;
        }
        const auto expires = clock.now() + 64 * timers.t1;
        recent_order.emplace_back(expires, merge_key);
        recent_requests.insert_or_assign(std::move(merge_key),
                                         recent_request{transaction, expires});
    }

    void expire_recent_requests(time_point now)
    {
        while (!recent_order.empty() && recent_order.front().first <= now) {
            const auto it = recent_requests.find(recent_order.front().second);
            if (it != recent_requests.end() && it->second.expires <= now) {
                recent_requests.erase(it);
            }
            recent_order.pop_front();
        }
    }

    void flush(std::vector<outgoing>& out)
    {
        if (pending.empty()) {
            return;
        }
        auto committed = store.commit();
        if (!committed) {
            emit(log_level::error, "binding store: " + committed.error().to_string());
        }
        for (auto& p : pending) {
            if (!committed) {
                // Never acknowledge what is not on disk: turn the 200 into a 500.
                auto it = transactions.find(p.key);
                const auto pos = p.message.bytes.find("200 OK");
                if (pos != std::string::npos) {
                    p.message.bytes.replace(pos, 6, "500 Server Internal Error");
                }
                if (it != transactions.end()) {
                    it->second->last_response = p.message.bytes;
                }
            }
            send(std::move(p.message), out);
        }
        pending.clear();
    }

    void on_timer(std::vector<outgoing>& out)
    {
        const auto now = clock.now();
        while (!timer_heap.empty() && timer_heap.top().first <= now) {
            const auto [due, key] = timer_heap.top();
            timer_heap.pop();
            const auto it = transactions.find(key);
            if (it == transactions.end() || !it->second->scheduled ||
                *it->second->scheduled != due) {
                continue; // stale heap entry
            }
            auto& entry = *it->second;
            entry.scheduled.reset();
            if (!entry.machine.deadline()) {
                transactions.erase(it); // a silent transaction whose absorb window ended
                continue;
            }
            bool done = false;
            for (const auto& e : entry.machine.on_timer()) {
                if (e.action == sip::transaction_action::resend_response) {
                    send({entry.reply_to, entry.last_response}, out);
                } else if (e.action == sip::transaction_action::terminated) {
                    done = true;
                }
            }
            if (done) {
                transactions.erase(it);
            } else {
                schedule(key, entry);
            }
        }
        expire_recent_requests(now);
        calls.on_timer(out);
        uplinks.on_timer(out);
        relay->on_timer();
        on_media(out);
        send_keepalives(out);
        policy.expire();
        nonces.expire();
        if (auto summary = drops.take_due()) {
            emit(log_level::warning, *summary);
            suspension_lines = 0;
        }
        const auto expired = store.expire_collect(clock.wall_now());
        for (const auto& b : expired) {
            untrack_keepalive(b.account, b.contact);
        }
        if (!expired.empty()) {
            if (auto c = store.commit(); !c) {
                emit(log_level::error, "binding store: " + c.error().to_string());
            }
        }
    }

    // Relay events for the call manager: RTP start (switching) and media timeout.
    void on_media(std::vector<outgoing>& out)
    {
        media_events.clear();
        media->take_events(media_events);
        for (const auto& e : media_events) {
            if (e.what == media::call_event::kind::rtp_started) {
                calls.on_rtp_started(b2bua::attempt_ref{e.call_id, e.attempt}, out);
            } else {
                calls.on_media_timeout(e.call_id, out);
            }
        }
    }

    [[nodiscard]] std::optional<time_point> next_deadline() const
    {
        std::optional<time_point> next;
        if (!timer_heap.empty()) {
            next = timer_heap.top().first;
        }
        if (const auto k = keepalives->next_wakeup(); k && (!next || *k < *next)) {
            next = k;
        }
        if (const auto c = calls.next_deadline(); c && (!next || *c < *next)) {
            next = c;
        }
        if (const auto u = uplinks.next_deadline(); u && (!next || *u < *next)) {
            next = u;
        }
        if (const auto m = relay->deadline(); m && (!next || *m < *next)) {
            next = m;
        }
        if (const auto d = drops.deadline(); d && (!next || *d < *next)) {
            next = d;
        }
        // Housekeeping (expired bindings and counters) at least every 10 s.
        const auto housekeeping = clock.now() + 10s;
        return next ? std::min(*next, housekeeping) : housekeeping;
    }
};

engine::engine(provision::config config, params::settings settings, const core::clock& clock,
               registrar::binding_store& store, log_function log, call_routing routing)
    : state_(std::make_unique<state>(std::move(config), std::move(settings), clock, store,
                                     std::move(log), std::move(routing)))
{
}

engine::~engine() = default;

table_bounds engine_table_bounds() noexcept
{
    table_bounds b;
    b.transactions = max_transactions;
    b.merge_memory = max_transactions;
    b.nonces = registrar::nonce_manager::default_max_tracked;
    b.lockout_entries = registrar::auth_limits{}.max_tracked;
    b.calls = b2bua::call_options{}.max_calls;
    return b;
}

source_standing engine::on_message(std::string_view bytes, const peer& from,
                                   std::vector<outgoing>& out)
{
    return state_->on_message(bytes, from, out);
}

void engine::set_connection_count(std::size_t open) noexcept
{
    state_->tcp_connections = open;
}

void engine::note_connection_drop(bool refused, const core::ip_address& source)
{
    state_->drops.note(refused ? drop_reason::tcp_refused : drop_reason::tcp_closed, source);
}

void engine::flush(std::vector<outgoing>& out)
{
    state_->flush(out);
}

void engine::on_timer(std::vector<outgoing>& out)
{
    state_->on_timer(out);
}

std::optional<core::clock::time_point> engine::next_deadline() const
{
    return state_->next_deadline();
}

void engine::reconfigure(provision::config config, params::settings settings,
                         std::shared_ptr<const transform::engine> rules)
{
    auto& s = *state_;
    if (rules) {
        s.routing.rules = std::move(rules);
    }
    s.calls.reconfigure(config, settings, s.routing.rules.get());
    s.media->reconfigure(
        media_options_from(config, settings)); // the port range stays until restart
    s.config = std::move(config);
    s.index_accounts();
    s.settings = std::move(settings);
    s.timers = timers_from(s.settings);
    s.policy.set_limits(limits_from(s.settings, s.config)); // suspensions survive a reload
    s.keepalives =
        std::make_unique<keepalive::nat_keepalive>(keepalive_from(s.settings, s.config), s.clock);
    s.pending_keepalives = {}; // pointed into the scheduler just replaced
    for (const auto& b : s.store.all(s.clock.wall_now())) {
        s.track_keepalive(b);
    }
    s.emit(log_level::info, "configuration reloaded from " + s.config.source);
}

void engine::set_debug_trace(std::vector<core::ip_network> networks)
{
    state_->debug_networks = std::move(networks);
}

const b2bua::call_manager& engine::calls() const noexcept
{
    return state_->calls;
}

media::call_media& engine::media() noexcept
{
    return *state_->media;
}

void engine::on_media(std::vector<outgoing>& out)
{
    state_->on_media(out);
}

const engine_counters& engine::counters() const noexcept
{
    return state_->counters;
}

std::size_t engine::open_transactions() const noexcept
{
    return state_->transactions.size();
}

void engine::start(std::vector<outgoing>& out)
{
    state_->uplinks.start(out);
}

std::vector<resolve_request> engine::take_resolve_requests()
{
    return state_->uplinks.take_resolve_requests();
}

void engine::on_resolved(std::string_view gateway, std::vector<resolved_target> targets,
                         std::string_view error, std::vector<outgoing>& out)
{
    state_->uplinks.on_resolved(gateway, std::move(targets), error, out);
}

void engine::begin_stop(std::vector<outgoing>& out)
{
    if (state_->stopping) {
        return;
    }
    state_->stopping = true;
    state_->uplinks.stop(out);
}

void engine::set_keepalive_direct(bool on) noexcept
{
    state_->keepalive_direct = on;
}

engine::keepalive_batch engine::take_keepalives() noexcept
{
    auto& s = *state_;
    keepalive_batch b{s.pending_keepalives, s.settings.nat_keepalive_message()};
    s.pending_keepalives = {};
    return b;
}

bool engine::stop_complete() const
{
    return state_->stopping && state_->uplinks.stopped();
}

engine_status engine::status() const
{
    const auto& s = *state_;
    engine_status st;
    st.uptime =
        std::chrono::duration_cast<std::chrono::seconds>(s.clock.now() - s.started_at).count();
    st.counters = s.counters;
    st.uplinks = s.uplinks.status();
    const auto ks = keepalive_from(s.settings, s.config);
    const auto& kst = s.keepalives->stats();
    st.keepalive.enabled = ks.enabled;
    st.keepalive.spread = ks.spread_evenly;
    st.keepalive.capacity = keepalive::cycle_capacity(ks);
    st.keepalive.endpoints = s.keepalives->size();
    st.keepalive.messages_sent = kst.messages_sent;
    st.keepalive.cycles_started = kst.cycles_started;
    st.keepalive.cycles_incomplete = kst.cycles_incomplete;
    st.keepalive.unreachable_last = kst.endpoints_missed_last;
    st.keepalive.unreachable_total = kst.endpoints_missed_total;
    const auto& rs = s.relay->stats();
    st.media.relayed_calls = s.relay->sessions();
    st.media.port_pairs_used = s.relay->ports().used();
    st.media.port_pairs_total = s.relay->ports().capacity();
    st.media.sessions_opened = rs.sessions_opened;
    st.media.packets_forwarded = rs.packets_forwarded;
    st.media.packets_dropped = rs.packets_dropped;
    st.media.unknown_port = rs.unknown_port;
    st.media.hijack_refused = rs.hijack_refused;
    st.media.decrypt_failures = rs.decrypt_failures;
    st.media.late_latching = rs.late_latching;
    st.calls_in_progress = s.calls.active_calls();
    st.calls_total = s.calls.counters().calls;
    st.calls_answered = s.calls.counters().answered;
    st.open_transactions = s.transactions.size();
    st.dropped = s.drops.totals();
    st.tables.transactions = s.transactions.size();
    st.tables.merge_memory = s.recent_requests.size();
    st.tables.nonces = s.nonces.size();
    const auto lockout = s.policy.sizes();
    st.tables.lockout_attempts = lockout.attempts;
    st.tables.lockout_terminals = lockout.terminals;
    st.tables.lockout_sources = lockout.sources;
    st.tables.calls = s.calls.calls_in_memory();
    st.tables.tcp_connections = s.tcp_connections;
    st.stopping = s.stopping;
    return st;
}

} // namespace ssw::daemon
