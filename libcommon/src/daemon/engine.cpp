// SPDX-License-Identifier: MIT
// The daemon's SIP core: what each message is and which service takes it. The services have
// names that say what they do: source_policy (who is asking), authenticator (digest and
// lockout), registrar_service (REGISTER), server_transactions (the transaction table), the
// B2BUA's call_manager (calls) and uplink_registrations (our own REGISTERs to carriers).
#include <ssw/core/text.hpp>
#include <ssw/core/token.hpp>
#include <ssw/daemon/authenticator.hpp>
#include <ssw/daemon/drop_summary.hpp>
#include <ssw/daemon/engine.hpp>
#include <ssw/daemon/registrar_service.hpp>
#include <ssw/daemon/server_transactions.hpp>
#include <ssw/daemon/source_policy.hpp>
#include <ssw/daemon/status.hpp>
#include <ssw/daemon/uplink_registrations.hpp>
#include <ssw/keepalive/nat_keepalive.hpp>
#include <ssw/media/call_media.hpp>
#include <ssw/sip/builder.hpp>
#include <ssw/sip/message.hpp>

#include <algorithm>
#include <random>

namespace ssw::daemon {

namespace {

using namespace std::chrono_literals;
using time_point = core::clock::time_point;

// A response that waits for the binding store's commit (a 200 to REGISTER); `key` is its
// transaction's, empty when it was answered statelessly; `job` the commit it waits for (0:
// the next one).
struct pending_response {
    std::string key;
    int code;
    outgoing message;
    std::uint64_t job = 0;
};

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
          registrar::binding_repository& b, log_function l, call_routing r)
        : config(std::move(c)), settings(std::move(s)), clock(clk), store(b), log(std::move(l)),
          routing(std::move(r)), drops(clock),
          uplinks(config, settings, clock,
                  [this](log_level level, const std::string& text) { emit(level, text); }),
          sources(config, uplinks, counters, drops),
          auth(config, settings, clock, counters, drops,
               [this](log_level level, std::string_view text) { emit(level, std::string(text)); }),
          keepalives(
              std::make_unique<keepalive::nat_keepalive>(keepalive_from(settings, config), clock)),
          registrar(
              config, settings, clock, store, sources, auth, counters,
              [this](log_level level, std::string_view text) { emit(level, std::string(text)); },
              binding_observer{[this](const registrar::binding& bound) { on_bound(bound); },
                               [this](std::string_view account, std::string_view contact) {
                                   on_unbound(account, contact);
                               }}),
          transactions(clock, timers_from(settings),
                       [this](const peer& to, const std::string& bytes) {
                           send({to, bytes}, *outbox);
                       }),
          relay(std::make_unique<media::relay>(relay_options_from(config), clock)),
          media(std::make_unique<media::call_media>(
              *relay, media_options_from(config, settings),
              [this](std::string_view text) { emit(log_level::warning, std::string(text)); })),
          calls(
              config, settings, routing.rules.get(), clock, routing.cdrs,
              [this](log_level level, std::string_view text) { emit(level, std::string(text)); },
              local_addresses_of(config), call_options_with(media.get())),
          started_at(clock.now())
    {
        for (const auto& restored : store.all(clock.wall_now())) {
            track_keepalive(restored);
        }
    }

    provision::config config;
    params::settings settings;
    const core::clock& clock;
    registrar::binding_repository& store;
    log_function log;
    call_routing routing;
    engine_counters counters;
    drop_summary drops;
    uplink_registrations uplinks;
    source_policy sources;
    authenticator auth;
    std::unique_ptr<keepalive::nat_keepalive> keepalives;
    std::uint64_t keepalive_cycles_reported = 0;
    registrar_service registrar;
    server_transactions transactions;
    // The caller's output vector while on_message() or on_timer() runs (the transaction
    // table resends into it).
    std::vector<outgoing>* outbox = nullptr;
    core::token_source tokens;           // To-tags of our responses
    std::unique_ptr<media::relay> relay; // before calls: the call manager holds `media`
    std::unique_ptr<media::call_media> media;
    std::vector<media::call_event> media_events;
    b2bua::call_manager calls;
    std::vector<pending_response> pending;
    // Bindings staged but not yet on disk, with the commit job they wait for (0: the next):
    // keep-alives start once a binding is written, with its 200, never before.
    std::vector<std::pair<registrar::binding, std::uint64_t>> bound_pending;
    std::uint64_t last_commit_job = 0;
    std::vector<core::ip_network> debug_networks;
    time_point started_at;
    std::size_t tcp_connections = 0; // told by net/
    bool stopping = false;
    bool keepalive_direct = false;
    std::span<const keepalive::nat_endpoint> pending_keepalives;

    void emit(log_level level, const std::string& text) const
    {
        if (log) {
            log(level, text);
        }
    }

    [[nodiscard]] bool traced(const peer& p) const
    {
        return std::any_of(debug_networks.begin(), debug_networks.end(),
                           [&](const core::ip_network& n) { return n.contains(p.address); });
    }

    // ---- NAT keep-alives ------------------------------------------------------------------

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

    void on_bound(const registrar::binding& b)
    {
        untrack_keepalive(b.account, b.contact);
        bound_pending.emplace_back(b, 0);
    }

    void on_unbound(std::string_view account, std::string_view contact)
    {
        untrack_keepalive(account, contact);
        std::erase_if(bound_pending, [&](const auto& p) {
            return p.first.account == account && p.first.contact == contact;
        });
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

    // ---- requests -------------------------------------------------------------------------

    // What an unknown source gets (source_policy decides, the authenticator challenges).
    reply answer_unknown(const sip::message& m, const peer& from)
    {
        switch (sources.on_unknown_source(m, from, settings.reply_unauthorized())) {
        case source_policy::unknown_answer::silence: return reply::silent();
        case source_policy::unknown_answer::challenge: return auth.challenge(false);
        case source_policy::unknown_answer::forbidden: break;
        }
        return reply::stateless_response(403);
    }

    reply handle_request(const sip::message& m, const peer& from)
    {
        if (m.method_kind() == sip::method_id::register_) {
            return registrar.on_register(m, from, traced(from));
        }
        const auto from_header = m.from();
        const std::string user =
            from_header ? std::string(from_header->address.user) : std::string{};
        const bool gateway = sources.is_trusted_gateway(from);
        const auto* account = sources.usable_account(user, from);

        if (m.method_kind() == sip::method_id::options) {
            if (gateway || (account != nullptr && registrar.is_registered_peer(user, from))) {
                reply r = reply::stateful(200);
                r.headers.emplace_back("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER");
                r.headers.emplace_back("Accept", "application/sdp");
                return r;
            }
            return answer_unknown(m, from);
        }
        if (!gateway && account == nullptr) {
            return answer_unknown(m, from);
        }
        if (m.method_kind() == sip::method_id::cancel || m.method_kind() == sip::method_id::bye) {
            // No call of ours matches (calls take theirs first). Only a gateway's answer is
            // kept: the From user of anyone else is just a name until it authenticates.
            return gateway ? reply::stateful(481) : reply::stateless_response(481);
        }
        if (!gateway) {
            if (auto denied = auth.authenticate(m, from, account, user, false, traced(from))) {
                return *denied;
            }
        }
        if (m.method_kind() == sip::method_id::invite) {
            return reply::hand_over();
        }
        return reply::stateful(501);
    }

    // Every response of the engine: sip::build_response with the packet's source on the top
    // Via, and the Server header when one is configured.
    [[nodiscard]] std::string build_response(const sip::message& request, const peer& from,
                                             const reply& r)
    {
        sip::response_parts parts;
        parts.reason = r.reason;
        const auto tag = tokens.hex();
        parts.to_tag = tag;
        parts.origin = sip::request_origin{from.address.to_string(), from.port};
        if (!config.server_header.empty()) {
            parts.extra.emplace_back("Server", config.server_header);
        }
        parts.extra.insert(parts.extra.end(), r.headers.begin(), r.headers.end());
        return sip::build_response(request, r.code, parts);
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
        outbox = &out;
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
            // Nowhere to send a 400 safely, and scanners learn nothing.
            ++counters.malformed_dropped;
            drops.note(drop_reason::malformed, from.address);
            return source_standing::unknown;
        }
        const std::string key = server_transactions::key_of(m, *top);
        if (transactions.absorb(m, key)) {
            counters.retransmissions_absorbed = transactions.retransmissions_absorbed();
            return source_standing::known; // only known sources hold transactions
        }
        if (m.method_kind() == sip::method_id::ack) {
            return source_standing::unknown; // an ACK for a 2xx belongs to a call, and one for
                                             // a stateless answer to nothing
        }
        // A copy of a request we already have by another path (a forking proxy upstream)
        // gets 482 rather than being handled twice; unknown sources still get the policy's
        // answer (or silence), never a hint that the first copy arrived.
        const bool merged = transactions.merged_with_another(m, key);
        const reply r = merged && sources.is_known_source(m, from)
                            ? reply::stateless_response(482, "Loop Detected")
                            : handle_request(m, from);
        if (r.what == reply::kind::handed_over) {
            if (const auto* carrier = uplinks.gateway_of(from.address)) {
                emit(log_level::info, "call " + std::string(m.call_id()) +
                                          " from routing gateway " + *carrier +
                                          " (to our registered contact)");
            }
            calls.on_invite(m, from, sources.identify(m, from), out);
            return source_standing::known;
        }
        if (r.what == reply::kind::silence) {
            return source_standing::unknown;
        }
        respond(m, *top, from, key, r, out);
        return r.stateless ? source_standing::unknown : source_standing::known;
    }

    // Sends (or queues behind the commit) the response `r`; a transaction keeps it unless the
    // reply is stateless or the table is full (then a known request is still answered).
    void respond(const sip::message& m, const sip::via& top, const peer& from,
                 const std::string& key, const reply& r, std::vector<outgoing>& out)
    {
        const peer reply_to = sip::response_destination(top, from);
        auto response = build_response(m, from, r);
        const bool keep = !r.stateless && !transactions.full();
        if (!r.stateless && !keep) {
            ++counters.stateless_overflow;
            drops.note(drop_reason::stateless_overflow, from.address);
        }
        if (keep) {
            transactions.add(m, key, reply_to, response, r.code);
        }
        if (r.what == reply::kind::respond_after_commit) {
            pending.push_back(
                {keep ? key : std::string{}, r.code, {reply_to, std::move(response)}});
        } else {
            send({reply_to, std::move(response)}, out);
        }
    }

    // ---- commits and time -----------------------------------------------------------------

    std::optional<commit_job> take_commit()
    {
        auto changes = store.take_staged();
        const bool waiting = std::any_of(pending.begin(), pending.end(),
                                         [](const pending_response& p) { return p.job == 0; }) ||
                             std::any_of(bound_pending.begin(), bound_pending.end(),
                                         [](const auto& b) { return b.second == 0; });
        if (changes.empty() && !waiting) {
            return std::nullopt;
        }
        commit_job job{++last_commit_job, std::move(changes)};
        for (auto& p : pending) {
            if (p.job == 0) {
                p.job = job.id;
            }
        }
        for (auto& b : bound_pending) {
            if (b.second == 0) {
                b.second = job.id;
            }
        }
        return job;
    }

    void commit_done(std::uint64_t id, const result<void>& written, std::vector<outgoing>& out)
    {
        if (!written) {
            emit(log_level::error, "binding store: " + written.error().to_string());
        }
        std::erase_if(bound_pending, [&](const auto& b) {
            if (b.second != id) {
                return false;
            }
            if (written) {
                track_keepalive(b.first);
            }
            return true;
        });
        auto done = std::stable_partition(pending.begin(), pending.end(),
                                          [id](const pending_response& p) { return p.job != id; });
        for (auto it = done; it != pending.end(); ++it) {
            auto& p = *it;
            if (!written) {
                // Never acknowledge what is not on disk: turn the 200 into a 500.
                const auto pos = p.message.bytes.find("200 OK");
                if (pos != std::string::npos) {
                    p.message.bytes.replace(pos, 6, "500 Server Internal Error");
                }
                if (!p.key.empty()) {
                    transactions.replace_response(p.key, p.message.bytes);
                }
            }
            send(std::move(p.message), out);
        }
        pending.erase(done, pending.end());
    }

    void flush(std::vector<outgoing>& out)
    {
        if (auto job = take_commit()) {
            const auto written = store.write(std::move(job->changes));
            commit_done(job->id, written, out);
        }
    }

    void on_timer(std::vector<outgoing>& out)
    {
        outbox = &out;
        transactions.on_timer();
        calls.on_timer(out);
        uplinks.on_timer(out);
        relay->on_timer();
        on_media(out);
        send_keepalives(out);
        auth.expire();
        if (auto summary = drops.take_due()) {
            emit(log_level::warning, *summary);
            auth.new_log_interval();
        }
        registrar.expire();
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
        const auto consider = [&](std::optional<time_point> t) {
            if (t && (!next || *t < *next)) {
                next = t;
            }
        };
        consider(transactions.deadline());
        consider(keepalives->next_wakeup());
        consider(calls.next_deadline());
        consider(uplinks.next_deadline());
        consider(relay->deadline());
        consider(drops.deadline());
        // Housekeeping (expired bindings and counters) at least every 10 s.
        const auto housekeeping = clock.now() + 10s;
        return next ? std::min(*next, housekeeping) : housekeeping;
    }
};

engine::engine(provision::config config, params::settings settings, const core::clock& clock,
               registrar::binding_repository& store, log_function log, call_routing routing)
    : state_(std::make_unique<state>(std::move(config), std::move(settings), clock, store,
                                     std::move(log), std::move(routing)))
{
}

engine::~engine() = default;

table_bounds engine_table_bounds() noexcept
{
    table_bounds b;
    b.transactions = server_transactions::default_capacity;
    b.merge_memory = server_transactions::default_capacity;
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

std::optional<engine::commit_job> engine::take_commit()
{
    return state_->take_commit();
}

result<void> engine::write_commit(commit_job& job)
{
    return state_->store.write(std::move(job.changes));
}

void engine::commit_done(std::uint64_t id, const result<void>& written, std::vector<outgoing>& out)
{
    state_->commit_done(id, written, out);
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
    s.sources.reindex();
    s.settings = std::move(settings);
    s.transactions.set_timers(timers_from(s.settings));
    s.auth.reconfigure(); // suspensions survive a reload
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
    st.media.encrypt_failures = rs.encrypt_failures;
    st.media.late_latching = rs.late_latching;
    st.calls_in_progress = s.calls.active_calls();
    st.calls_total = s.calls.counters().calls;
    st.calls_answered = s.calls.counters().answered;
    st.calls_peak = s.calls.counters().peak_active;
    st.cdrs_written = s.calls.counters().cdrs;
    st.call_transactions_waiting = s.calls.waiting_transactions();
    st.open_transactions = s.transactions.size();
    st.dropped = s.drops.totals();
    st.tables.transactions = s.transactions.size();
    st.tables.merge_memory = s.transactions.merge_memory();
    st.tables.nonces = s.auth.nonces_tracked();
    const auto lockout = s.auth.lockout_sizes();
    st.tables.lockout_attempts = lockout.attempts;
    st.tables.lockout_terminals = lockout.terminals;
    st.tables.lockout_sources = lockout.sources;
    st.tables.calls = s.calls.calls_in_memory();
    st.tables.tcp_connections = s.tcp_connections;
    st.stopping = s.stopping;
    return st;
}

} // namespace ssw::daemon
