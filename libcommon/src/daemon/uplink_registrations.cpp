// SPDX-License-Identifier: MIT
// Outbound registrations of the daemon: REGISTER building, client transactions, digest answers.
#include <ssw/core/text.hpp>
#include <ssw/core/token.hpp>
#include <ssw/daemon/engine.hpp>
#include <ssw/daemon/uplink_registrations.hpp>
#include <ssw/registrar/digest.hpp>
#include <ssw/registrar/digest_client.hpp>
#include <ssw/sip/builder.hpp>
#include <ssw/sip/digest_auth.hpp>
#include <ssw/sip/message.hpp>
#include <ssw/sip/transaction.hpp>
#include <ssw/uplink/outbound_registration.hpp>

#include <algorithm>
#include <cstdio>
#include <random>

namespace ssw::daemon {

namespace {

using namespace std::chrono_literals;
using time_point = core::clock::time_point;

std::string host_for_uri(const std::string& host)
{
    return host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
}

std::string address_text(const core::ip_address& a, std::uint16_t port)
{
    return (a.is_v4() ? a.to_string() : "[" + a.to_string() + "]") + ":" + std::to_string(port);
}

// The failure last written to the log, so each is logged once.
struct registration_failure_seen {
    int code = 0;
    time_point when{};
};

} // namespace

struct uplink_registrations::state {
    struct entry {
        std::string gateway;
        provision::registration reg;
        std::unique_ptr<uplink::outbound_registration> machine;
        bool literal = false;
        bool resolve_wanted = false;                // queued for take_resolve_requests()
        bool resolving = false;                     // handed to net/, no answer yet
        std::optional<time_point> resolve_again_at; // after a failed look-up
        std::vector<resolved_target> targets;
        std::size_t target_index = 0;
        std::string contact_host;
        std::uint16_t contact_port = 5060;
        sip::transport_kind kind = sip::transport_kind::udp; // the gateway's, if we listen on it
        std::string call_id;
        std::string from_tag;
        std::string branch;
        std::string last_request;
        sip::peer to;
        std::unique_ptr<sip::client_transaction> tx;
        std::optional<registrar::digest_challenge> auth;
        std::optional<registration_failure_seen> logged_failure;
        uplink::registration_state logged_state = uplink::registration_state::idle;
        std::optional<time_point> stop_started;
        std::string dns_error;
        std::uint64_t registers_sent = 0;
        std::uint64_t challenges_answered = 0;
    };

    state(const provision::config& config, const params::settings& settings, const core::clock& c,
          log_sink l)
        : clock(c), log(std::move(l))
    {
        timers.resend_schedule = settings.resend_intervals();
        retry_delay = settings.user_agent_retry_delay();
        server_header = config.server_header;
        for (const auto& g : config.routing_gateways) {
            if (!g.register_to) {
                continue;
            }
            auto e = std::make_unique<entry>();
            e->gateway = g.name;
            e->reg = *g.register_to;
            uplink::registration_settings rs;
            const auto configured = e->reg.expire ? e->reg.expire : settings.user_agent_expire();
            rs.auto_expiry = !configured.has_value();
            rs.requested_expiry = configured.value_or(3600s);
            rs.retry_delay = settings.user_agent_retry_delay();
            rs.max_challenge_answers =
                static_cast<unsigned>(std::max(0, settings.authentication_retry()));
            rs.send_unregister = settings.send_unregister();
            rs.shutdown_grace = config.unregister_grace;
            e->machine = std::make_unique<uplink::outbound_registration>(rs, clock, 1);
            e->literal = e->reg.proxy.address.has_value();
            // The gateway's transport, if we listen on it (its port goes into Via and
            // Contact); net/ opens the TCP connection to the registrar.
            const provision::listener* listener = nullptr;
            for (const auto& candidate : config.listeners) {
                if (candidate.kind == g.kind) {
                    listener = &candidate;
                    e->kind = g.kind;
                    break;
                }
            }
            if (listener == nullptr) {
                for (const auto& candidate : config.listeners) {
                    if (candidate.kind == sip::transport_kind::udp) {
                        listener = &candidate;
                        break;
                    }
                }
                if (g.kind != sip::transport_kind::udp) {
                    emit(log_level::warning, "gateway " + g.name +
                                                 ": no TCP listener, so outbound registration "
                                                 "goes over UDP");
                }
            }
            e->contact_port =
                e->reg.local_port.value_or(listener != nullptr ? listener->port : 5060);
            e->contact_host = !e->reg.contact_host.empty() ? e->reg.contact_host
                              : listener != nullptr ? host_for_uri(listener->address.to_string())
                                                    : "127.0.0.1";
            if (e->reg.local_port && (listener == nullptr ||
                                      std::none_of(config.listeners.begin(), config.listeners.end(),
                                                   [&](const provision::listener& other) {
                                                       return other.kind == e->kind &&
                                                              other.port == *e->reg.local_port;
                                                   }))) {
                emit(log_level::warning,
                     "gateway " + g.name + ": register-port " + std::to_string(*e->reg.local_port) +
                         " is not a listen port of its transport; answers may not reach ssw-run");
            }
            e->call_id = token() + token() + "@" + e->contact_host;
            e->from_tag = token();
            entries.push_back(std::move(e));
        }
    }

    const core::clock& clock;
    log_sink log;
    core::token_source tokens; // Call-IDs, tags, branches, cnonces
    sip::transaction_timers timers;
    std::chrono::seconds retry_delay{30};
    std::string server_header;
    std::vector<std::unique_ptr<entry>> entries;

    void emit(log_level level, const std::string& text) const
    {
        if (log) {
            log(level, text);
        }
    }

    std::string token() { return tokens.hex(12); }

    [[nodiscard]] std::string aor(const entry& e) const
    {
        return "sip:" + e.reg.user + "@" + host_for_uri(e.reg.proxy.host);
    }

    [[nodiscard]] std::string request_uri(const entry& e) const
    {
        std::string uri = "sip:" + host_for_uri(e.reg.proxy.host);
        if (e.reg.proxy.explicit_port) {
            uri += ":" + std::to_string(e.reg.proxy.port);
        }
        return uri;
    }

    [[nodiscard]] std::string contact_uri(const entry& e) const
    {
        return "sip:" + e.reg.user + "@" + e.contact_host + ":" + std::to_string(e.contact_port) +
               (e.kind == sip::transport_kind::tcp ? ";transport=tcp" : "");
    }

    std::string authorization(entry& e, const std::string& uri)
    {
        return registrar::answer_challenge(*e.auth, e.reg.user, e.reg.password, "REGISTER", uri,
                                           token())
            .second;
    }

    // Builds and sends the REGISTER the state machine asked for, in a new client transaction.
    void issue(entry& e, const std::optional<uplink::register_request>& r,
               std::vector<sip::outgoing>& out)
    {
        if (r && !e.targets.empty()) {
            const auto& target = e.targets[e.target_index % e.targets.size()];
            e.to = sip::peer{target.address, target.port, e.kind, 0};
            e.branch = "z9hG4bK" + token();
            const auto uri = request_uri(e);
            auto b = sip::message_builder::request("REGISTER", uri);
            b.header(
                sip::header_id::via,
                std::string(e.kind == sip::transport_kind::tcp ? "SIP/2.0/TCP " : "SIP/2.0/UDP ") +
                    e.contact_host + ":" + std::to_string(e.contact_port) + ";branch=" + e.branch +
                    ";rport");
            b.header(sip::header_id::max_forwards, "70");
            b.header(sip::header_id::from, "<" + aor(e) + ">;tag=" + e.from_tag);
            b.header(sip::header_id::to, "<" + aor(e) + ">");
            b.header(sip::header_id::call_id, e.call_id);
            b.header(sip::header_id::cseq, std::to_string(r->cseq) + " REGISTER");
            b.header(sip::header_id::contact, "<" + contact_uri(e) + ">");
            // Always written, 0 included: without it a registrar applies its default expiry
            // and the "un-REGISTER" registers again (asterisk#1859).
            b.header(sip::header_id::expires, std::to_string(r->expires.count()));
            if (r->answer_challenge && e.auth) {
                b.header(e.auth->proxy ? "Proxy-Authorization" : "Authorization",
                         authorization(e, uri));
                ++e.challenges_answered;
            }
            if (!server_header.empty()) {
                b.header(sip::header_id::user_agent, server_header);
            }
            e.last_request = b.build();
            e.tx = std::make_unique<sip::client_transaction>(
                false,
                e.kind == sip::transport_kind::tcp ? sip::transport_reliability::reliable
                                                   : sip::transport_reliability::unreliable,
                timers, clock);
            (void)e.tx->start();
            ++e.registers_sent;
            out.push_back({e.to, e.last_request});
            emit(log_level::debug, "gateway " + e.gateway + ": REGISTER CSeq " +
                                       std::to_string(r->cseq) + " Expires " +
                                       std::to_string(r->expires.count()) +
                                       (r->answer_challenge ? " (challenge answer)" : "") + " to " +
                                       e.to.to_string());
        }
        if (e.machine->state() == uplink::registration_state::stopped) {
            e.tx.reset(); // nothing more to retransmit once stopped
        }
        report(e);
    }

    // Logs state changes and new failures once each.
    void report(entry& e)
    {
        const auto now_state = e.machine->state();
        const auto& f = e.machine->last_failure();
        const bool new_failure = f && (!e.logged_failure || e.logged_failure->when != f->when ||
                                       e.logged_failure->code != f->code);
        // During a stop the un-REGISTER's own message below says what happened.
        if (new_failure && !e.stop_started) {
            e.logged_failure = registration_failure_seen{f->code, f->when};
            emit(log_level::warning,
                 "gateway " + e.gateway + ": registration to " + e.reg.proxy.host + " failed (" +
                     (f->code == 0 ? std::string("no answer") : std::to_string(f->code)) + ": " +
                     f->reason + ")" +
                     (now_state == uplink::registration_state::retry_wait
                          ? "; retrying in " + std::to_string(retry_in(e)) + " s"
                          : ""));
        }
        if (now_state == e.logged_state) {
            return;
        }
        const auto before = e.logged_state;
        e.logged_state = now_state;
        if (now_state == uplink::registration_state::registered &&
            before != uplink::registration_state::registered) {
            const auto exp = e.machine->expires_at();
            const auto left =
                exp ? std::chrono::ceil<std::chrono::seconds>(*exp - clock.now()).count() : 0;
            emit(log_level::info, "gateway " + e.gateway + ": registered as " + contact_uri(e) +
                                      " at " + e.to.to_string() + " for " + std::to_string(left) +
                                      " s");
        } else if (now_state == uplink::registration_state::stopped) {
            if (before == uplink::registration_state::unregistering) {
                const auto waited = e.stop_started
                                        ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                              clock.now() - *e.stop_started)
                                              .count()
                                        : 0;
                const bool ok = !f || f->when < *e.stop_started;
                emit(ok ? log_level::info : log_level::warning,
                     "gateway " + e.gateway + ": un-REGISTER " +
                         (ok ? "confirmed by 200 after " + std::to_string(waited) + " ms"
                             : "not confirmed after " + std::to_string(waited) + " ms (" +
                                   f->reason + "); the binding lapses at the registrar by itself"));
            }
        }
    }

    [[nodiscard]] std::int64_t retry_in(const entry& e) const
    {
        const auto d = e.machine->deadline();
        return d ? std::chrono::duration_cast<std::chrono::seconds>(*d - clock.now()).count() : 0;
    }

    void request_resolution(entry& e)
    {
        if (!e.resolving) {
            e.resolve_wanted = true;
            e.resolving = true;
            e.resolve_again_at.reset();
        }
    }

    entry* find(std::string_view gateway)
    {
        for (auto& e : entries) {
            if (e->gateway == gateway) {
                return e.get();
            }
        }
        return nullptr;
    }
};

uplink_registrations::uplink_registrations(const provision::config& config,
                                           const params::settings& settings,
                                           const core::clock& clock, log_sink log)
    : state_(std::make_unique<state>(config, settings, clock, std::move(log)))
{
}

uplink_registrations::~uplink_registrations() = default;

std::size_t uplink_registrations::size() const noexcept
{
    return state_->entries.size();
}

void uplink_registrations::start(std::vector<sip::outgoing>& out)
{
    for (auto& e : state_->entries) {
        if (e->literal) {
            e->targets = {resolved_target{*e->reg.proxy.address, e->reg.proxy.port}};
            state_->issue(*e, e->machine->start(), out);
        } else {
            state_->request_resolution(*e);
        }
    }
}

std::vector<resolve_request> uplink_registrations::take_resolve_requests()
{
    std::vector<resolve_request> requests;
    for (auto& e : state_->entries) {
        if (e->resolve_wanted) {
            e->resolve_wanted = false;
            requests.push_back({e->gateway, e->reg.proxy.host, e->reg.proxy.port,
                                !e->reg.proxy.explicit_port, e->kind});
        }
    }
    return requests;
}

void uplink_registrations::on_resolved(std::string_view gateway,
                                       std::vector<resolved_target> targets, std::string_view error,
                                       std::vector<sip::outgoing>& out)
{
    auto* e = state_->find(gateway);
    if (e == nullptr || !e->resolving) {
        return;
    }
    e->resolving = false;
    const auto st = e->machine->state();
    if (st == uplink::registration_state::stopped ||
        st == uplink::registration_state::unregistering) {
        return;
    }
    if (targets.empty()) {
        e->dns_error = "DNS: " + std::string(error.empty() ? "no address" : error);
        e->resolve_again_at =
            state_->clock.now() + state_->retry_delay; // SS_SIP_USER_AGENT_RETRY_DELAY
        state_->emit(log_level::warning, "gateway " + e->gateway + ": cannot resolve " +
                                             e->reg.proxy.host + ": " + std::string(error) +
                                             "; trying again in " +
                                             std::to_string(state_->retry_delay.count()) + " s");
        return;
    }
    e->dns_error.clear();
    std::string list;
    for (const auto& t : targets) {
        list += (list.empty() ? "" : ", ") + address_text(t.address, t.port);
    }
    state_->emit(log_level::info,
                 "gateway " + e->gateway + ": " + e->reg.proxy.host + " resolves to " + list);
    e->targets = std::move(targets);
    e->target_index = 0;
    if (st == uplink::registration_state::idle) {
        state_->issue(*e, e->machine->start(), out);
    } else {
        state_->issue(*e, e->machine->on_timer(),
                      out); // retry_wait: the retry was waiting for this
    }
}

bool uplink_registrations::on_response(const sip::message& m, const sip::peer& from,
                                       std::vector<sip::outgoing>& out)
{
    (void)from;
    if (!m.is_response()) {
        return false;
    }
    state::entry* e = nullptr;
    for (auto& candidate : state_->entries) {
        if (candidate->call_id == m.call_id()) {
            e = candidate.get();
            break;
        }
    }
    if (e == nullptr) {
        return false;
    }
    const auto top = m.top_via();
    if (!top || top->branch != e->branch || !e->tx) {
        return true; // a late answer to an earlier REGISTER of ours: absorbed
    }
    const int code = m.status_code();
    bool deliver = false;
    for (const auto& ev : e->tx->on_response(code)) {
        if (ev.action == sip::transaction_action::deliver_response && code >= 200) {
            deliver = true;
        }
    }
    if (!deliver) {
        return true; // 1xx, or a retransmitted final response
    }
    uplink::register_response r;
    r.code = code;
    if (code >= 200 && code < 300) {
        const auto expected_port = e->contact_port;
        if (auto contacts = m.contacts()) {
            for (const auto& c : *contacts) {
                const auto& u = c.address.address;
                if (c.expires && u.user == e->reg.user && u.port.value_or(5060) == expected_port &&
                    core::iequals(u.host_unbracketed(),
                                  e->contact_host.front() == '['
                                      ? std::string_view(e->contact_host)
                                            .substr(1, e->contact_host.size() - 2)
                                      : std::string_view(e->contact_host))) {
                    r.granted_expiry = std::chrono::seconds(*c.expires);
                }
            }
        }
        if (!r.granted_expiry) {
            if (auto ex = m.expires(); ex && *ex) {
                r.granted_expiry = std::chrono::seconds(**ex);
            }
        }
    } else if (code == 423) {
        if (auto me = m.min_expires(); me && *me) {
            r.min_expires = std::chrono::seconds(**me);
        }
    } else if (code == 401 || code == 407) {
        if (auto c = registrar::first_answerable_challenge(m)) {
            e->auth = std::move(*c);
            r.has_challenge = !e->reg.user.empty();
        }
    }
    state_->issue(*e, e->machine->on_response(r), out);
    return true;
}

void uplink_registrations::on_timer(std::vector<sip::outgoing>& out)
{
    auto& s = *state_;
    const auto now = s.clock.now();
    for (auto& ep : s.entries) {
        auto& e = *ep;
        if (e.tx) {
            if (const auto d = e.tx->deadline(); d && *d <= now) {
                bool timed_out = false;
                bool done = false;
                for (const auto& ev : e.tx->on_timer()) {
                    if (ev.action == sip::transaction_action::retransmit_request) {
                        out.push_back({e.to, e.last_request});
                    } else if (ev.action == sip::transaction_action::timed_out) {
                        timed_out = true;
                    } else if (ev.action == sip::transaction_action::terminated) {
                        done = true;
                    }
                }
                if (done) {
                    e.tx.reset();
                }
                if (timed_out) {
                    // RFC 3263 §4.3: the next attempt goes to the next address.
                    ++e.target_index;
                    s.issue(e, e.machine->on_transaction_timeout(), out);
                }
            }
        }
        if (e.resolve_again_at && *e.resolve_again_at <= now) {
            s.request_resolution(e);
            continue;
        }
        if (e.resolving) {
            continue;
        }
        if (const auto d = e.machine->deadline(); d && *d <= now) {
            if (e.machine->state() == uplink::registration_state::retry_wait && !e.literal) {
                s.request_resolution(e); // a failed registration looks its proxy up again
                continue;
            }
            s.issue(e, e.machine->on_timer(), out);
        }
    }
}

std::optional<core::clock::time_point> uplink_registrations::next_deadline() const
{
    std::optional<time_point> next;
    auto consider = [&next](std::optional<time_point> t) {
        if (t && (!next || *t < *next)) {
            next = t;
        }
    };
    for (const auto& e : state_->entries) {
        if (e->tx) {
            consider(e->tx->deadline());
        }
        consider(e->resolve_again_at);
        if (!e->resolving) {
            consider(e->machine->deadline());
        }
    }
    return next;
}

void uplink_registrations::stop(std::vector<sip::outgoing>& out)
{
    auto& s = *state_;
    for (auto& ep : s.entries) {
        auto& e = *ep;
        e.resolving = false;
        e.resolve_wanted = false;
        e.resolve_again_at.reset();
        e.stop_started = s.clock.now();
        const bool bound = e.machine->state() == uplink::registration_state::registered ||
                           e.machine->expires_at().has_value();
        const auto r = e.machine->stop();
        if (r) {
            s.emit(log_level::info, "gateway " + e.gateway +
                                        ": sending un-REGISTER (Expires: 0) to " +
                                        e.to.to_string() + ", waiting up to " +
                                        std::to_string(std::chrono::ceil<std::chrono::seconds>(
                                                           *e.machine->deadline() - s.clock.now())
                                                           .count()) +
                                        " s for the answer");
        } else if (bound) {
            s.emit(log_level::info,
                   "gateway " + e.gateway +
                       ": SS_SIP_USER_AGENT_SEND_UNREGISTER is Off: leaving the binding to expire "
                       "at the registrar");
        } else {
            s.emit(log_level::info,
                   "gateway " + e.gateway + ": not registered, nothing to un-REGISTER");
        }
        e.logged_state = r ? uplink::registration_state::unregistering : e.machine->state();
        s.issue(e, r, out);
    }
}

bool uplink_registrations::stopped() const
{
    return std::all_of(state_->entries.begin(), state_->entries.end(), [](const auto& e) {
        return e->machine->state() == uplink::registration_state::stopped;
    });
}

const std::string* uplink_registrations::gateway_of(const core::ip_address& address) const
{
    for (const auto& e : state_->entries) {
        for (const auto& t : e->targets) {
            if (t.address == address) {
                return &e->gateway;
            }
        }
    }
    return nullptr;
}

std::vector<uplink_status> uplink_registrations::status() const
{
    const auto now = state_->clock.now();
    std::vector<uplink_status> all;
    for (const auto& e : state_->entries) {
        uplink_status st;
        st.gateway = e->gateway;
        st.proxy = e->reg.proxy.host +
                   (e->reg.proxy.explicit_port ? ":" + std::to_string(e->reg.proxy.port) : "");
        if (!e->targets.empty()) {
            const auto& t = e->targets[e->target_index % e->targets.size()];
            st.target = address_text(t.address, t.port);
        }
        st.state = e->resolving ? "resolving" : std::string(uplink::to_string(e->machine->state()));
        if (e->machine->state() == uplink::registration_state::registered ||
            e->machine->state() == uplink::registration_state::registering) {
            if (const auto x = e->machine->expires_at(); x && *x > now) {
                st.expires_in = std::chrono::duration_cast<std::chrono::seconds>(*x - now).count();
            }
        }
        st.granted = e->machine->asked_expiry().count();
        if (const auto& f = e->machine->last_failure()) {
            st.last_failure_code = f->code;
            st.last_failure_reason = f->reason;
            st.last_failure_age =
                std::chrono::duration_cast<std::chrono::seconds>(now - f->when).count();
        } else if (!e->dns_error.empty()) {
            st.last_failure_code = 0;
            st.last_failure_reason = e->dns_error;
        }
        st.registers_sent = e->registers_sent;
        st.challenges_answered = e->challenges_answered;
        all.push_back(std::move(st));
    }
    return all;
}

} // namespace ssw::daemon
