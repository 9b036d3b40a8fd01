// SPDX-License-Identifier: MIT
// ssw::b2bua::call_manager: calls between a caller leg and routing-gateway legs (see header).
#include "b2bua/call_detail.hpp"

#include <ssw/b2bua/call_manager.hpp>
#include <ssw/b2bua/numbers.hpp>
#include <ssw/core/text.hpp>
#include <ssw/core/token.hpp>
#include <ssw/registrar/digest.hpp>
#include <ssw/registrar/digest_client.hpp>
#include <ssw/routing/failover.hpp>
#include <ssw/routing/route_table.hpp>
#include <ssw/sip/builder.hpp>
#include <ssw/sip/transaction.hpp>
#include <ssw/transform/pipeline.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace ssw::b2bua {

using detail::attempt_leg;
using detail::call;
using detail::client_request;
using detail::dialog_view;
using detail::held_message;
using detail::leg_ref;
using detail::server_request;

namespace {

using time_point = core::clock::time_point;
using namespace std::chrono_literals;

// Most relayed in-dialog requests waiting for an answer in one call.
constexpr std::size_t max_pending_requests = 64;

std::string bracket(std::string_view host)
{
    if (host.find(':') != std::string_view::npos && (host.empty() || host.front() != '[')) {
        return "[" + std::string(host) + "]";
    }
    return std::string(host);
}

std::string_view transport_token(sip::transport_kind t) noexcept
{
    return t == sip::transport_kind::tcp ? "TCP" : "UDP";
}

bool has_sdp(const sip::message& m)
{
    if (m.body().empty()) {
        return false;
    }
    const auto ct = m.content_type();
    if (!ct || !*ct) {
        return false;
    }
    return core::iequals((*ct)->type, "application") && core::iequals((*ct)->subtype, "sdp");
}

// The text of one header field value with folds undone.
std::string field_value(const sip::header_field& f)
{
    std::string scratch;
    return std::string(f.unfolded(scratch));
}

// A response to `req` from `from` (sip::build_response: the one response builder of ssw, with
// received and rport on the top Via).
std::string respond_to(const sip::message& req, const sip::peer& from, int code,
                       std::string_view reason, std::string_view to_tag,
                       const std::vector<std::pair<std::string, std::string>>& extra = {},
                       std::string_view content_type = {}, std::string_view body = {})
{
    sip::response_parts parts;
    parts.reason = reason;
    parts.to_tag = to_tag;
    parts.extra = extra;
    parts.content_type = content_type;
    parts.body = body;
    parts.origin = sip::request_origin{from.address.to_string(), from.port};
    return sip::build_response(req, code, parts);
}

} // namespace

struct call_manager::state {
    provision::config config;
    params::settings settings;
    const transform::engine* rules = nullptr;
    const core::clock& clock;
    cdr::sink* cdr = nullptr;
    log_function log;
    local_addresses local;
    call_options options;
    std::shared_ptr<const sip::transaction_timers> timers;
    routing::switching_policy policy;
    std::unique_ptr<routing::route_table> routes;
    call_counters counters;
    core::token_source tokens; // tags, branches, cnonces, Call-IDs and per-call seeds
    std::uint64_t next_call = 1;
    std::map<std::uint64_t, std::unique_ptr<call>> calls;
    // Looked up for every message with the parsed Call-ID: a transparent hash finds it by
    // string_view, without a temporary string per message (it showed in profiles under load).
    struct text_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view t) const noexcept
        {
            return std::hash<std::string_view>{}(t);
        }
    };
    std::unordered_map<std::string, leg_ref, text_hash, std::equal_to<>> by_call_id;
    std::unordered_map<std::string, std::uint64_t> by_invite_key; // caller INVITE branch|host|port
    std::unordered_map<std::string, unsigned> gateway_load;       // by routing gateway name
    std::size_t active = 0;
    // Each call's next deadline, so that next_deadline() and on_timer() do not scan all calls.
    std::set<std::pair<time_point, std::uint64_t>> timeline;

    void reschedule(call& c)
    {
        const auto next = deadline_of(c);
        if (next == c.scheduled) {
            return; // most messages leave the deadline alone: no set erase and insert
        }
        if (c.scheduled) {
            timeline.erase({*c.scheduled, c.id});
        }
        c.scheduled = next;
        if (c.scheduled) {
            timeline.emplace(*c.scheduled, c.id);
        }
    }

    void reschedule(std::uint64_t id)
    {
        if (auto* c = find_call(id)) {
            reschedule(*c);
        }
    }

    state(const core::clock& c) : clock(c) {}

    void emit(log_level level, const std::string& text) const
    {
        if (log) {
            log(level, text);
        }
    }

    void apply_settings()
    {
        auto t = std::make_shared<sip::transaction_timers>();
        t->resend_schedule = settings.resend_intervals();
        timers = std::move(t);
        policy.trying_timeout = settings.trying_timeout();
        policy.ringing_timeout = settings.ringing_timeout();
        policy.progress_timeout = settings.session_progress_timeout();
        policy.stop_after_invite_timeout = settings.stop_switch_after_invite_timeout();
        policy.stop_after_sdp = settings.stop_switch_after_sdp();
        policy.stop_after_rtp_start = settings.gateway_switch_stop_after_rtp_start();
        policy.stop_after_user_busy = settings.gateway_switch_stop_after_user_busy();
        policy.until_connect = settings.gateway_switch_until_connect();
        if (const auto limit = settings.gateway_switch_limit()) {
            policy.switch_limit = static_cast<unsigned>(*limit);
        } else {
            policy.switch_limit.reset();
        }
        std::vector<routing::route> list;
        for (std::size_t i = 0; i < config.routing_gateways.size(); ++i) {
            const auto& g = config.routing_gateways[i];
            list.push_back({i, g.prefixes, g.priority, g.weight});
        }
        routes = std::make_unique<routing::route_table>(std::move(list));
    }

    std::string token() { return tokens.hex(); }

    // ssw.conf's blocked-code, else the option (403 by default).
    [[nodiscard]] int blocked_code() const
    {
        return config.blocked_code.value_or(options.blocked_code);
    }

    // ---- addresses ------------------------------------------------------------------

    [[nodiscard]] sip::transport_kind usable(sip::transport_kind t) const
    {
        if (t == sip::transport_kind::tcp && local.tcp_port == 0) {
            return sip::transport_kind::udp;
        }
        if (t == sip::transport_kind::udp && local.udp_port == 0) {
            return sip::transport_kind::tcp;
        }
        return t;
    }
    [[nodiscard]] std::uint16_t port_of(sip::transport_kind t) const
    {
        return usable(t) == sip::transport_kind::tcp ? local.tcp_port : local.udp_port;
    }
    [[nodiscard]] std::string via(sip::transport_kind t, std::string_view branch) const
    {
        return "SIP/2.0/" + std::string(transport_token(usable(t))) + " " + bracket(local.host) +
               ":" + std::to_string(port_of(t)) + ";branch=" + std::string(branch) + ";rport";
    }
    [[nodiscard]] std::string contact(sip::transport_kind t) const
    {
        std::string c = "<sip:ssw@" + bracket(local.host) + ":" + std::to_string(port_of(t));
        if (usable(t) == sip::transport_kind::tcp) {
            c += ";transport=tcp";
        }
        return c + ">";
    }
    [[nodiscard]] std::vector<std::pair<std::string, std::string>>
    contact_extra(sip::transport_kind t) const
    {
        std::vector<std::pair<std::string, std::string>> extra{{"Contact", contact(t)}};
        if (!config.server_header.empty()) {
            extra.emplace_back("Server", config.server_header);
        }
        return extra;
    }

    static std::string invite_key(const sip::message& m)
    {
        const auto v = m.top_via();
        if (!v) {
            return {};
        }
        return std::string(v->branch) + "|" + std::string(v->host) + ":" +
               std::to_string(v->port.value_or(5060)) + "|" + std::string(m.call_id());
    }

    static std::string top_branch(const sip::message& m)
    {
        const auto v = m.top_via();
        return v ? std::string(v->branch) : std::string{};
    }

    // ---- sending --------------------------------------------------------------------

    // Where responses to `request` from `from` go (RFC 3261 §18.2.2, RFC 3581).
    [[nodiscard]] static sip::peer reply_destination(const sip::message& request,
                                                     const sip::peer& from)
    {
        const auto top = request.top_via();
        return top ? sip::response_destination(*top, from) : from;
    }

    static void send(const sip::peer& to, std::string bytes, std::vector<sip::outgoing>& out)
    {
        out.push_back({to, std::move(bytes)});
    }

    [[nodiscard]] sip::transport_reliability reliability(sip::transport_kind t) const
    {
        return usable(t) == sip::transport_kind::tcp ? sip::transport_reliability::reliable
                                                     : sip::transport_reliability::unreliable;
    }

    // Answers the caller's INVITE (provisional or final) and remembers it for retransmission.
    void answer_caller(call& c, int code, std::string_view reason, std::string_view content_type,
                       std::string_view body, std::vector<sip::outgoing>& out)
    {
        auto extra = code == 100 ? std::vector<std::pair<std::string, std::string>>{}
                                 : contact_extra(c.caller.transport);
        c.last_response =
            respond_to(c.invite.msg, c.caller, code, reason, c.a_tag, extra, content_type, body);
        (void)c.ist->on_send_response(code);
        send(c.caller_reply, c.last_response, out);
        if (code > 100 && !c.first_provisional) {
            c.first_provisional = clock.now();
        }
        if (code >= 200 && code < 300) {
            c.ok_interval = c.timers->t1;
            c.ok_give_up_at = clock.now() + 64 * c.timers->t1;
            if (reliability(c.caller.transport) == sip::transport_reliability::unreliable) {
                c.ok_resend_at = clock.now() + c.ok_interval;
            }
        }
    }

    // A new in-dialog request on `d` (BYE, ACK, relayed methods).
    std::string dialog_request(dialog_view& d, std::string_view method, std::uint32_t cseq,
                               std::string_view branch, sip::transport_kind t,
                               const std::vector<std::pair<std::string, std::string>>& extra,
                               std::string_view content_type = {}, std::string_view body = {}) const
    {
        auto b = sip::message_builder::request(method, d.remote_target);
        b.header(sip::header_id::via, via(t, branch));
        b.header(sip::header_id::max_forwards, "70");
        for (const auto& r : d.route_set) {
            b.header(sip::header_id::route, r);
        }
        b.header(sip::header_id::from, d.local);
        b.header(sip::header_id::to, d.remote);
        b.header(sip::header_id::call_id, d.call_id);
        b.header(sip::header_id::cseq, std::to_string(cseq) + " " + std::string(method));
        for (const auto& [name, value] : extra) {
            b.header(name, value);
        }
        if (!body.empty()) {
            b.body(content_type.empty() ? std::string_view("application/sdp") : content_type, body);
        }
        return b.build();
    }

    // Sends a request with a client transaction (retransmitted over UDP until answered).
    client_request& send_request(call& c, dialog_view& d, std::string_view method, bool a_side,
                                 std::optional<std::uint64_t> relay_of,
                                 std::string_view content_type, std::string_view body,
                                 std::vector<sip::outgoing>& out,
                                 const std::vector<std::pair<std::string, std::string>>& extra = {})
    {
        client_request r;
        r.branch = "z9hG4bK" + token();
        r.cseq = ++d.local_cseq;
        r.method = std::string(method);
        r.to = d.peer;
        r.a_side = a_side;
        r.relay_of = relay_of;
        r.bytes = dialog_request(d, method, r.cseq, r.branch, d.peer.transport, extra, content_type,
                                 body);
        r.tx = std::make_unique<sip::client_transaction>(
            method == "INVITE", reliability(d.peer.transport), *c.timers, clock);
        (void)r.tx->start();
        send(r.to, r.bytes, out);
        c.requests.push_back(std::move(r));
        return c.requests.back();
    }

    // ---- numbers --------------------------------------------------------------------

    // Runs the pipeline for `c` towards routing gateway `to` (nullptr: up to the routing stage).
    result<transform::call_outcome> numbers(const call& c,
                                            const provision::routing_gateway* to) const
    {
        transform::selector choices(c.seed);
        const number_route route{c.mapping_gw ? &*c.mapping_gw : nullptr, to};
        return call_numbers(rules, route, c.caller_received, c.callee_received, choices);
    }

    // ---- media relay (media_hook) ---------------------------------------------------
    // Kept apart from the signalling code: each function is a no-op without a hook.

    static std::string media_key(const call& c) { return std::string(c.invite.msg.call_id()); }

    // The caller looks behind NAT when its Contact or top Via names another address than
    // the one its INVITE came from.
    static bool caller_behind_nat(const sip::message& invite, const sip::peer& from)
    {
        const auto differs = [&](std::string_view host) {
            if (!host.empty() && host.front() == '[' && host.back() == ']') {
                host = host.substr(1, host.size() - 2);
            }
            const auto address = core::ip_address::parse(host);
            return address && *address != from.address; // a host name tells nothing
        };
        if (const auto v = invite.top_via(); v && differs(v->host)) {
            return true;
        }
        if (const auto contacts = invite.contacts();
            contacts && !contacts->empty() && !contacts->front().star) {
            return differs(contacts->front().address.address.host);
        }
        return false;
    }

    void media_call_started(const call& c, const sip::message& invite, const sip::peer& from,
                            std::string_view account)
    {
        if (options.media == nullptr) {
            return;
        }
        media_leg_info info;
        info.name = c.source;
        info.behind_nat = caller_behind_nat(invite, from);
        if (c.mapping_gw) {
            info.encrypt = c.mapping_gw->encrypt;
            info.relay_always = c.mapping_gw->relay_media;
            info.encrypt_mode = c.mapping_gw->encrypt_mode;
            info.encrypt_key = c.mapping_gw->encrypt_key;
        }
        if (const auto* a = config.find_account(account); a != nullptr && a->relay_media) {
            info.relay_always = true;
        }
        options.media->call_started(media_key(c), info);
    }

    // Before an attempt's INVITE: tells the relay who the gateway is and rewrites the offer.
    result<void> media_attempt_started(call& c, std::size_t index)
    {
        if (options.media == nullptr) {
            return {};
        }
        auto& at = c.attempts[index];
        const auto& g = c.gateways[at.gateway];
        media_leg_info info;
        info.name = g.name;
        info.encrypt = g.encrypt;
        info.relay_always = g.relay_media;
        info.encrypt_mode = g.encrypt_mode;
        info.encrypt_key = g.encrypt_key;
        options.media->attempt_started(media_key(c), index, info);
        const auto& a = c.invite.msg;
        if (a.body().empty()) {
            return {};
        }
        SSW_TRY_ASSIGN(at.offer, options.media->sdp(media_key(c), media_side::caller, a.body()));
        return {};
    }

    // An SDP body crossing from one leg to the other, as it must be sent.
    std::string media_body(const call& c, media_side from, std::string_view content_type,
                           std::string_view body)
    {
        if (options.media == nullptr || body.empty() ||
            (!content_type.empty() &&
             !core::iequals(content_type.substr(0, 15), "application/sdp"))) {
            return std::string(body);
        }
        auto r = options.media->sdp(media_key(c), from, body);
        if (!r) {
            emit(log_level::warning,
                 "call " + media_key(c) + ": SDP passed unchanged: " + r.error().message);
            return std::string(body);
        }
        return std::move(*r);
    }

    void media_call_ended(const call& c, cdr::call_record* r)
    {
        if (options.media == nullptr) {
            return;
        }
        auto report = options.media->call_ended(media_key(c));
        if (r != nullptr) {
            r->media_relayed = report.relayed;
            r->media = std::move(report.streams);
        }
    }

    // ---- the caller's INVITE --------------------------------------------------------

    void take_invite(const sip::message& invite, const sip::peer& from, const caller_identity& who,
                     std::vector<sip::outgoing>& out)
    {
        const auto key = invite_key(invite);
        if (const auto it = by_invite_key.find(key); it != by_invite_key.end()) {
            if (auto* c = find_call(it->second)) {
                retransmitted_invite(*c, out);
            }
            return;
        }
        auto owned = std::make_unique<call>();
        call& c = *owned;
        c.id = next_call++;
        c.timers = timers;
        c.started = clock.now();
        c.caller = from;
        c.caller_reply = reply_destination(invite, from);
        c.seed = options.seed != 0 ? options.seed + c.id : tokens.next();
        if (!c.invite.hold(std::string(invite.raw()))) {
            return; // cannot happen: the bytes parsed once already
        }
        c.ist = std::make_unique<sip::server_transaction>(true, reliability(from.transport),
                                                          *c.timers, clock);
        c.a_tag = token().substr(0, 10);
        c.a_branch_key = key;
        ++counters.calls;
        ++active;
        counters.peak_active = std::max<std::uint64_t>(counters.peak_active, active);
        const auto call_id = std::string(invite.call_id());

        if (calls.size() >= options.max_calls) {
            calls.emplace(c.id, std::move(owned));
            by_invite_key.emplace(key, c.id);
            auto& cc = *calls[c.id];
            answer_caller(cc, 503, "Too Many Calls", {}, {}, out);
            end_call(cc, 503, "system", "overload", out);
            return;
        }

        // The caller's side of the dialog.
        const auto from_h = invite.from();
        const auto to_h = invite.to();
        c.a_dialog.call_id = call_id;
        c.a_dialog.peer = from;
        c.a_dialog.remote = std::string(invite.value(sip::header_id::from));
        c.a_dialog.remote_tag = from_h ? std::string(from_h->tag()) : std::string{};
        c.a_dialog.local = std::string(invite.value(sip::header_id::to)) + ";tag=" + c.a_tag;
        c.a_dialog.local_cseq = 0;
        if (const auto contacts = invite.contacts();
            contacts && !contacts->empty() && !contacts->front().star) {
            c.a_dialog.remote_target = std::string(contacts->front().address.address.text);
        } else if (from_h) {
            c.a_dialog.remote_target = std::string(from_h->address.text);
        }
        for (const auto& f : invite.headers()) {
            if (f.id == sip::header_id::record_route) {
                for (const auto e : sip::split_list(field_value(f))) {
                    c.a_dialog.route_set.emplace_back(e);
                }
            }
        }

        // Who and which numbers.
        c.mapping = who.mapping_gateway;
        if (!c.mapping && !who.account.empty()) {
            for (std::size_t i = 0; i < config.mapping_gateways.size(); ++i) {
                const auto& a = config.mapping_gateways[i].accounts;
                if (std::find(a.begin(), a.end(), who.account) != a.end()) {
                    c.mapping = i;
                    break;
                }
            }
        }
        if (c.mapping && *c.mapping >= config.mapping_gateways.size()) {
            c.mapping.reset();
        }
        if (c.mapping) {
            c.mapping_gw = config.mapping_gateways[*c.mapping];
        }
        c.source = c.mapping ? config.mapping_gateways[*c.mapping].name : who.account;
        if (c.source.empty()) {
            c.source = from.address.to_string(); // a trusted source without a mapping gateway
        }
        if (from_h) {
            c.caller_received = std::string(from_h->address.user);
        }
        if (c.mapping && config.mapping_gateways[*c.mapping].caller ==
                             provision::caller_source::p_asserted_identity) {
            if (const auto pai = invite.p_asserted_identities(); pai && !pai->empty()) {
                c.caller_received = std::string(pai->front().address.user);
            }
        }
        if (const auto ruri = invite.request_uri()) {
            c.callee_received = std::string(ruri->user);
        }
        (void)to_h;

        calls.emplace(c.id, std::move(owned));
        by_call_id[call_id] = leg_ref{c.id, std::nullopt};
        by_invite_key.emplace(key, c.id);
        auto& cc = *calls[c.id];
        media_call_started(cc, invite, from, who.account);
        answer_caller(cc, 100, "Trying", {}, {}, out);

        if (const auto mf = invite.max_forwards(); mf && *mf && **mf == 0) {
            answer_caller(cc, 483, {}, {}, {}, out);
            end_call(cc, 483, "system", "failed", out);
            return;
        }

        auto routed = numbers(cc, nullptr);
        if (!routed) {
            emit(log_level::warning,
                 "call " + call_id + ": number transform failed: " + routed.error().message);
            answer_caller(cc, 500, "Number Transform Failed", {}, {}, out);
            end_call(cc, 500, "system", "failed", out);
            return;
        }
        cc.caller_routed = routed->routed_caller;
        cc.callee_routed = routed->routed_callee;
        if (routed->blocked) {
            ++counters.blocked;
            emit(log_level::info,
                 "call " + call_id + " from " + cc.source + " blocked: " + routed->verdict.reason);
            cc.blocked_stop = "blocked";
            answer_caller(cc, blocked_code(), {}, {}, {}, out);
            end_call(cc, blocked_code(), "system", "blocked", out);
            return;
        }

        // Candidate gateways.
        const auto order = routes->select(cc.callee_routed, cc.seed, [&](std::size_t i) {
            const auto& g = config.routing_gateways[i];
            if (std::none_of(g.addresses.begin(), g.addresses.end(),
                             [](const provision::endpoint& e) { return e.address.has_value(); })) {
                return false;
            }
            if (!g.max_calls) {
                return true;
            }
            const auto it = gateway_load.find(g.name);
            return it == gateway_load.end() || it->second < *g.max_calls;
        });
        auto targets = candidate_targets(cc, order);
        cc.fo = std::make_unique<routing::failover>(policy, std::move(targets), clock);
        emit(log_level::info, "call " + call_id + " from " + cc.source + " " + cc.caller_received +
                                  " -> " + cc.callee_received + " (" +
                                  std::to_string(order.size()) + " gateways)");
        run(cc, cc.fo->start(), nullptr, out);
    }

    // The failover targets of a call: one per literal address of each candidate gateway,
    // in order (names would need DNS, which the daemon does not do on the call path). Each
    // target's copy of the gateway keeps only its own address, so an attempt sends to
    // c.gateways[target].addresses.front().
    std::vector<routing::gateway_target> candidate_targets(call& c,
                                                           const std::vector<std::size_t>& order)
    {
        std::vector<routing::gateway_target> targets;
        for (const auto i : order) {
            const auto& g = config.routing_gateways[i];
            bool first = true;
            for (const auto& ep : g.addresses) {
                if (!ep.address) {
                    continue;
                }
                routing::gateway_target t;
                t.name = g.name;
                t.invite_timeout =
                    g.invite_timeout.value_or(std::chrono::milliseconds(settings.invite_timeout()));
                t.stop_codes = g.stop_codes;
                t.further_address = !first;
                targets.push_back(std::move(t));
                if (g.addresses.size() == 1) {
                    c.gateways.push_back(g);
                } else {
                    auto one = g;
                    one.addresses = {ep};
                    c.gateways.push_back(std::move(one));
                }
                first = false;
            }
        }
        return targets;
    }

    void retransmitted_invite(call& c, std::vector<sip::outgoing>& out)
    {
        for (const auto& e : c.ist->on_request_retransmission()) {
            if (e.action == sip::transaction_action::resend_response && !c.last_response.empty()) {
                send(c.caller_reply, c.last_response, out);
            }
        }
    }

    call* find_call(std::uint64_t id)
    {
        const auto it = calls.find(id);
        return it == calls.end() ? nullptr : it->second.get();
    }

    // ---- carrying out the failover's decisions ---------------------------------------

    // `context`: the gateway response that caused the actions (its body and tags are used).
    void run(call& c, std::vector<routing::action> actions, const sip::message* context,
             std::vector<sip::outgoing>& out)
    {
        for (std::size_t k = 0; k < actions.size(); ++k) {
            const auto a = actions[k];
            switch (a.what) {
            case routing::action::kind::send_invite: {
                auto more = start_attempt(c, a.attempt, out);
                actions.insert(actions.end(), more.begin(), more.end());
                break;
            }
            case routing::action::kind::send_cancel: send_cancel(c, a.attempt, out); break;
            case routing::action::kind::ack_and_bye:
                if (context != nullptr) {
                    late_answer(c, a.attempt, *context, out);
                }
                break;
            case routing::action::kind::forward_provisional:
                if (context != nullptr && !c.ended) {
                    const auto ct = context->value(sip::header_id::content_type);
                    const auto body = media_body(c, media_side::callee, ct, context->body());
                    answer_caller(c, a.code, context->reason(), ct, body, out);
                }
                break;
            case routing::action::kind::answer_caller:
                if (context != nullptr && !c.ended) {
                    c.answered_attempt = a.attempt;
                    c.answered_at = clock.now();
                    c.final_code = a.code;
                    ++counters.answered;
                    const auto ct = context->value(sip::header_id::content_type);
                    const auto body = media_body(c, media_side::callee, ct, context->body());
                    answer_caller(c, a.code, context->reason(), ct, body, out);
                    if (options.media != nullptr) {
                        options.media->call_answered(media_key(c));
                    }
                    emit(log_level::info, "call " + c.a_dialog.call_id + " answered by " +
                                              c.gateways[c.attempts[a.attempt].gateway].name);
                }
                break;
            case routing::action::kind::fail_caller: {
                if (c.ended) {
                    break;
                }
                std::string_view reason;
                if (context != nullptr && context->status_code() == a.code) {
                    reason = context->reason();
                }
                const bool cancelled = c.fo->stopped_by() == routing::stop_rule::caller_cancelled;
                if (!cancelled) {
                    ++counters.failed;
                }
                answer_caller(c, a.code, reason, {}, {}, out);
                end_call(c, a.code, cancelled ? "caller" : "callee",
                         cancelled ? "cancel" : "failed", out);
                break;
            }
            }
        }
        release_slots(c);
    }

    std::vector<routing::action> start_attempt(call& c, std::size_t index,
                                               std::vector<sip::outgoing>& out)
    {
        const auto& record = c.fo->attempts()[index];
        const auto& g = c.gateways[record.gateway];
        while (c.attempts.size() <= index) {
            c.attempts.emplace_back();
        }
        auto& at = c.attempts[index];
        at.gateway = record.gateway;
        auto o = numbers(c, &g);
        if (!o) {
            emit(log_level::warning, "call " + c.a_dialog.call_id + ": transform for " + g.name +
                                         " failed: " + o.error().message);
            return c.fo->on_final(index, 500);
        }
        at.caller_sent = o->caller;
        at.callee_sent = o->callee;
        if (o->blocked) {
            emit(log_level::info, "call " + c.a_dialog.call_id + " blocked for " + g.name + ": " +
                                      o->verdict.reason);
            return c.fo->on_final(index, blocked_code());
        }
        const auto& ep = g.addresses.front();
        sip::peer to;
        to.address = *ep.address;
        to.port = ep.port;
        to.transport = usable(g.kind);
        std::string host =
            bracket(ep.host) + (ep.port != 5060 ? ":" + std::to_string(ep.port) : std::string{});
        const std::string tparam = to.transport == sip::transport_kind::tcp ? ";transport=tcp" : "";

        auto& d = at.dialog;
        d.call_id = token() + token() + "@ssw";
        d.peer = to;
        d.local =
            "<sip:" + at.caller_sent + "@" + bracket(local.host) + ">;tag=" + token().substr(0, 10);
        d.remote = "<sip:" + at.callee_sent + "@" + host + ">";
        d.remote_target = "sip:" + at.callee_sent + "@" + host + tparam;
        d.local_cseq = 1;
        by_call_id[d.call_id] = leg_ref{c.id, index};
        if (auto media = media_attempt_started(c, index); !media) {
            emit(log_level::warning, "call " + c.a_dialog.call_id + ": no media relay for " +
                                         g.name + ": " + media.error().message);
            return c.fo->on_final(index, 503);
        }
        send_attempt_invite(c, at, o->has_pai ? o->pai : std::string{}, {}, out);
        at.counted = true;
        ++gateway_load[g.name];
        ++counters.attempts;
        emit(log_level::debug, "call " + c.a_dialog.call_id + " attempt " +
                                   std::to_string(index + 1) + " to " + g.name + " " +
                                   at.caller_sent + " -> " + at.callee_sent);
        return {};
    }

    // (Re)builds and sends the INVITE of an attempt; `auth` is an extra credentials header.
    void send_attempt_invite(call& c, attempt_leg& at, const std::string& pai,
                             const std::pair<std::string, std::string>& auth,
                             std::vector<sip::outgoing>& out)
    {
        const auto& a = c.invite.msg;
        auto& d = at.dialog;
        at.branch = "z9hG4bK" + token();
        auto b = sip::message_builder::request("INVITE", d.remote_target);
        b.header(sip::header_id::via, via(d.peer.transport, at.branch));
        std::uint8_t mf = 70;
        if (const auto m = a.max_forwards(); m && *m) {
            mf = static_cast<std::uint8_t>(**m > 0 ? **m - 1 : 0);
        }
        b.header(sip::header_id::max_forwards, std::to_string(mf));
        b.header(sip::header_id::from, d.local);
        b.header(sip::header_id::to, d.remote);
        b.header(sip::header_id::call_id, d.call_id);
        b.header(sip::header_id::cseq, std::to_string(d.local_cseq) + " INVITE");
        b.header(sip::header_id::contact, contact(d.peer.transport));
        if (!pai.empty()) {
            b.header(sip::header_id::p_asserted_identity,
                     "<sip:" + pai + "@" + bracket(local.host) + ">");
        } else if (!at.invite.bytes().empty()) {
            if (const auto* f = at.invite.msg.find(sip::header_id::p_asserted_identity)) {
                b.header(sip::header_id::p_asserted_identity, field_value(*f));
            }
        }
        if (!auth.first.empty()) {
            b.header(auth.first, auth.second);
        }
        b.header(sip::header_id::allow, "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO");
        if (!config.server_header.empty()) {
            b.header(sip::header_id::user_agent, config.server_header);
        }
        if (!a.body().empty()) {
            const auto ct = a.value(sip::header_id::content_type);
            b.body(ct.empty() ? std::string_view("application/sdp") : ct,
                   at.offer ? std::string_view(*at.offer) : a.body());
        }
        at.invite.hold(b.build());
        at.tx = std::make_unique<sip::client_transaction>(true, reliability(d.peer.transport),
                                                          *c.timers, clock);
        (void)at.tx->start();
        send(d.peer, at.invite.bytes(), out);
    }

    void send_cancel(call& c, std::size_t index, std::vector<sip::outgoing>& out)
    {
        if (index >= c.attempts.size()) {
            return;
        }
        auto& at = c.attempts[index];
        auto text = sip::make_cancel(at.invite.msg);
        if (!text) {
            return;
        }
        client_request r;
        r.branch = at.branch;
        r.method = "CANCEL";
        r.bytes = std::move(*text);
        r.to = at.dialog.peer;
        r.tx = std::make_unique<sip::client_transaction>(false, reliability(r.to.transport),
                                                         *c.timers, clock);
        (void)r.tx->start();
        send(r.to, r.bytes, out);
        c.requests.push_back(std::move(r));
        ++counters.cancels_sent;
    }

    // Learns the gateway's tag, target and route set from a response to the attempt's INVITE.
    static void learn_dialog(attempt_leg& at, const sip::message& resp)
    {
        const auto to = resp.to();
        if (!to || to->tag().empty()) {
            return;
        }
        at.dialog.remote_tag = std::string(to->tag());
        at.dialog.remote = std::string(resp.value(sip::header_id::to));
        if (const auto contacts = resp.contacts();
            contacts && !contacts->empty() && !contacts->front().star) {
            at.dialog.remote_target = std::string(contacts->front().address.address.text);
        }
        std::vector<std::string> rr;
        for (const auto& f : resp.headers()) {
            if (f.id == sip::header_id::record_route) {
                for (const auto e : sip::split_list(field_value(f))) {
                    rr.emplace_back(e);
                }
            }
        }
        if (!rr.empty()) {
            std::reverse(rr.begin(), rr.end());
            at.dialog.route_set = std::move(rr);
        }
    }

    std::string ack_for_2xx(attempt_leg& at, std::string_view content_type = {},
                            std::string_view body = {})
    {
        const auto cseq = at.invite.msg.cseq();
        return dialog_request(at.dialog, "ACK", cseq ? cseq->number : 1, "z9hG4bK" + token(),
                              at.dialog.peer.transport, {}, content_type, body);
    }

    void late_answer(call& c, std::size_t index, const sip::message& resp,
                     std::vector<sip::outgoing>& out)
    {
        auto& at = c.attempts[index];
        learn_dialog(at, resp);
        at.ack_bytes = ack_for_2xx(at);
        send(at.dialog.peer, at.ack_bytes, out);
        send_request(c, at.dialog, "BYE", false, std::nullopt, {}, {}, out);
        ++counters.late_answers;
        emit(log_level::info, "call " + c.a_dialog.call_id + ": " + c.gateways[at.gateway].name +
                                  " answered after being abandoned: ACK and BYE");
    }

    // Answers a digest challenge on the attempt's INVITE; false when it may not.
    bool answer_challenge(call& c, std::size_t index, const sip::message& resp,
                          std::vector<sip::outgoing>& out)
    {
        auto& at = c.attempts[index];
        const auto& g = c.gateways[at.gateway];
        if (g.auth_user.empty() || at.auth_tries >= settings.authentication_retry()) {
            return false;
        }
        auto challenge = registrar::first_answerable_challenge(resp);
        if (!challenge) {
            return false;
        }
        auto [header, value] = registrar::answer_challenge(
            *challenge, g.auth_user, g.auth_password, "INVITE", at.dialog.remote_target, token());
        ++at.auth_tries;
        ++at.dialog.local_cseq;
        ++counters.auth_answers;
        // An empty PAI keeps the one of the previous INVITE.
        send_attempt_invite(c, at, {}, {std::move(header), std::move(value)}, out);
        return true;
    }

    // A response to an attempt's INVITE.
    void invite_response(call& c, std::size_t index, const sip::message& resp,
                         std::vector<sip::outgoing>& out)
    {
        auto& at = c.attempts[index];
        const int code = resp.status_code();
        if (top_branch(resp) != at.branch) {
            // A response to an INVITE we re-sent with credentials: only a 2xx still matters.
            if (code >= 200 && code < 300) {
                learn_dialog(at, resp);
                send(at.dialog.peer, ack_for_2xx(at), out);
                send_request(c, at.dialog, "BYE", false, std::nullopt, {}, {}, out);
            }
            return;
        }
        bool deliver = false;
        for (const auto& e : at.tx->on_response(code)) {
            if (e.action == sip::transaction_action::send_ack) {
                if (auto ack = sip::make_ack_for_failure(at.invite.msg, resp)) {
                    send(at.dialog.peer, *ack, out);
                }
            } else if (e.action == sip::transaction_action::deliver_response) {
                deliver = true;
            }
        }
        if (!deliver) {
            return;
        }
        learn_dialog(at, resp);
        if (code < 200) {
            run(c, c.fo->on_provisional(index, code, has_sdp(resp)), &resp, out);
            return;
        }
        if (code < 300) {
            if (!at.ack_bytes.empty()) {
                send(at.dialog.peer, at.ack_bytes, out); // a 2xx retransmission: ACK again
                return;
            }
            if (at.answered_2xx) {
                return; // waiting for the caller's ACK
            }
            at.answered_2xx = true;
            run(c, c.fo->on_final(index, code), &resp, out);
            return;
        }
        if ((code == 401 || code == 407) && !c.ended &&
            c.fo->current_state() == routing::failover::state::trying &&
            index + 1 == c.fo->attempts().size() && answer_challenge(c, index, resp, out)) {
            run(c, c.fo->on_auth_retry(index), &resp, out);
            return;
        }
        run(c, c.fo->on_final(index, code), &resp, out);
    }

    // ---- ending ---------------------------------------------------------------------

    void release_slots(call& c)
    {
        for (std::size_t i = 0; i < c.attempts.size(); ++i) {
            auto& at = c.attempts[i];
            if (!at.counted || i >= c.fo->attempts().size()) {
                continue;
            }
            const auto& r = c.fo->attempts()[i];
            const bool finished =
                c.ended || (r.ended && r.reason != routing::attempt_end::answered);
            if (finished) {
                at.counted = false;
                auto& load = gateway_load[c.gateways[at.gateway].name];
                if (load > 0) {
                    --load;
                }
            }
        }
    }

    [[nodiscard]] cdr::wall_time wall(time_point t) const
    {
        return clock.wall_now() -
               std::chrono::duration_cast<cdr::wall_time::duration>(clock.now() - t);
    }

    void end_call(call& c, int final_code, std::string_view side, std::string_view cause,
                  std::vector<sip::outgoing>& out)
    {
        (void)out;
        if (c.ended) {
            return;
        }
        c.ended = true;
        if (c.final_code == 0) {
            c.final_code = final_code;
        }
        c.linger_until = clock.now() + options.linger;
        if (active > 0) {
            --active;
        }
        if (c.fo) {
            release_slots(c);
        }
        if (cdr == nullptr && !options.record_sink) {
            media_call_ended(c, nullptr);
            return;
        }
        auto r = detail::record_of(
            c, [this](time_point t) { return wall(t); }, clock.wall_now(), side, cause);
        media_call_ended(c, &r);
        if (options.record_sink) {
            options.record_sink(r);
        }
        if (cdr != nullptr) {
            cdr->submit(std::move(r));
        }
        ++counters.cdrs;
    }

    void forget(call& c)
    {
        by_invite_key.erase(c.a_branch_key);
        if (const auto it = by_call_id.find(c.a_dialog.call_id);
            it != by_call_id.end() && it->second.call == c.id) {
            by_call_id.erase(it);
        }
        for (const auto& at : c.attempts) {
            by_call_id.erase(at.dialog.call_id);
        }
    }

    // ---- requests inside calls -------------------------------------------------------

    // Sends the response to a request received in a dialog and remembers it.
    void respond_served(call& c, server_request& s, int code, std::string_view reason,
                        const std::vector<std::pair<std::string, std::string>>& extra,
                        std::string_view content_type, std::string_view body,
                        std::vector<sip::outgoing>& out)
    {
        std::string tag = s.a_side ? c.a_tag : std::string{};
        s.last_response =
            respond_to(s.req.msg, s.from, code, reason, tag, extra, content_type, body);
        for (const auto& e : s.tx->on_send_response(code)) {
            (void)e;
        }
        send(s.reply_to, s.last_response, out);
        if (code >= 200) {
            s.done = true;
        }
    }

    server_request& serve(call& c, const sip::message& m, const sip::peer& from, bool a_side)
    {
        server_request s;
        s.id = c.next_served++;
        s.branch = top_branch(m);
        s.req.hold(std::string(m.raw()));
        s.from = from;
        s.reply_to = reply_destination(m, from);
        s.a_side = a_side;
        s.tx = std::make_unique<sip::server_transaction>(m.method_kind() == sip::method_id::invite,
                                                         reliability(from.transport), *c.timers,
                                                         clock);
        if (c.served.size() >= max_pending_requests) {
            c.served.erase(c.served.begin());
        }
        c.served.push_back(std::move(s));
        return c.served.back();
    }

    void hang_up_other(call& c, bool from_caller, std::vector<sip::outgoing>& out)
    {
        if (from_caller) {
            if (c.answered_attempt) {
                auto& at = c.attempts[*c.answered_attempt];
                send_request(c, at.dialog, "BYE", false, std::nullopt, {}, {}, out);
            }
        } else {
            send_request(c, c.a_dialog, "BYE", true, std::nullopt, {}, {}, out);
        }
    }

    bool on_request(call& c, std::optional<std::size_t> attempt, const sip::message& m,
                    const sip::peer& from, std::vector<sip::outgoing>& out)
    {
        const bool a_side = !attempt.has_value();
        const auto method = m.method_kind();
        const auto branch = top_branch(m);
        const auto to = m.to();
        const bool has_to_tag = to && !to->tag().empty();

        if (a_side && method == sip::method_id::invite && !has_to_tag) {
            if (invite_key(m) != c.a_branch_key) {
                return false; // an earlier INVITE of this Call-ID (the one that was challenged)
            }
            retransmitted_invite(c, out);
            return true;
        }
        if (a_side && method == sip::method_id::cancel) {
            if (branch != top_branch(c.invite.msg)) {
                return false;
            }
            auto ok = respond_to(m, from, 200, {}, c.a_tag);
            send(reply_destination(m, from), std::move(ok), out);
            if (!c.ended && c.ist->last_response() < 200 && c.fo) {
                ++counters.cancelled;
                run(c, c.fo->on_caller_cancel(), nullptr, out);
            }
            return true;
        }
        if (method == sip::method_id::ack) {
            if (a_side && !has_to_tag) {
                return true;
            }
            if (a_side && c.ist->last_response() >= 300) {
                (void)c.ist->on_ack(); // ACK of our failure response
                return true;
            }
            const auto cseq = m.cseq();
            const auto invite_cseq = c.invite.msg.cseq();
            if (a_side && cseq && invite_cseq && cseq->number == invite_cseq->number) {
                c.ok_resend_at.reset();
                c.ok_give_up_at.reset();
                if (!c.caller_acked && c.answered_attempt) {
                    c.caller_acked = true;
                    auto& at = c.attempts[*c.answered_attempt];
                    const auto ct = m.value(sip::header_id::content_type);
                    at.ack_bytes =
                        ack_for_2xx(at, ct, media_body(c, media_side::caller, ct, m.body()));
                    send(at.dialog.peer, at.ack_bytes, out);
                }
                return true;
            }
            // The ACK of a relayed re-INVITE 2xx: pass it to the other leg.
            for (auto& s : c.served) {
                const auto sc = s.req.msg.cseq();
                if (s.a_side == a_side && sc && cseq && sc->number == cseq->number &&
                    s.relayed_cseq) {
                    dialog_view* d =
                        a_side ? (c.answered_attempt ? &c.attempts[*c.answered_attempt].dialog
                                                     : nullptr)
                               : &c.a_dialog;
                    if (d != nullptr) {
                        const auto ct = m.value(sip::header_id::content_type);
                        send(d->peer,
                             dialog_request(
                                 *d, "ACK", *s.relayed_cseq, "z9hG4bK" + token(), d->peer.transport,
                                 {}, ct,
                                 media_body(c, a_side ? media_side::caller : media_side::callee, ct,
                                            m.body())),
                             out);
                    }
                    break;
                }
            }
            return true;
        }
        // Retransmission of a request we already have.
        for (auto& s : c.served) {
            if (s.a_side == a_side && s.branch == branch && s.req.msg.method() == m.method()) {
                for (const auto& e : s.tx->on_request_retransmission()) {
                    if (e.action == sip::transaction_action::resend_response &&
                        !s.last_response.empty()) {
                        send(s.reply_to, s.last_response, out);
                    }
                }
                return true;
            }
        }
        auto& s = serve(c, m, from, a_side);
        if (c.ended && method != sip::method_id::bye) {
            respond_served(c, s, 481, {}, {}, {}, {}, out);
            return true;
        }
        if (method == sip::method_id::bye) {
            respond_served(c, s, 200, {}, {}, {}, {}, out);
            if (c.ended) {
                return true;
            }
            if (!c.answered_attempt) {
                if (a_side && c.fo) {
                    ++counters.cancelled;
                    run(c, c.fo->on_caller_cancel(), nullptr, out);
                }
                return true;
            }
            if (!a_side && attempt != c.answered_attempt) {
                return true; // a BYE from a gateway we already dropped
            }
            hang_up_other(c, a_side, out);
            end_call(c, c.final_code, a_side ? "caller" : "callee", "bye", out);
            return true;
        }
        // Relay re-INVITE, UPDATE, INFO and the rest to the other leg.
        dialog_view* other = nullptr;
        if (a_side) {
            if (c.answered_attempt) {
                other = &c.attempts[*c.answered_attempt].dialog;
            } else if (!c.attempts.empty() && !c.attempts.back().dialog.remote_tag.empty()) {
                other = &c.attempts.back().dialog;
            }
        } else if (attempt == c.answered_attempt ||
                   (!c.answered_attempt && *attempt + 1 == c.attempts.size())) {
            other = &c.a_dialog;
        }
        if (other == nullptr) {
            respond_served(c, s, 481, {}, {}, {}, {}, out);
            return true;
        }
        const auto ct = m.value(sip::header_id::content_type);
        std::vector<std::pair<std::string, std::string>> extra;
        if (method == sip::method_id::invite || method == sip::method_id::update) {
            extra.emplace_back("Contact", contact(other->peer.transport));
        }
        for (const auto id : {sip::header_id::event, sip::header_id::session_expires,
                              sip::header_id::content_disposition}) {
            if (const auto* f = m.find(id)) {
                extra.emplace_back(std::string(sip::header_name(id)), field_value(*f));
            }
        }
        const auto sid = s.id;
        const auto body =
            media_body(c, a_side ? media_side::caller : media_side::callee, ct, m.body());
        auto& r = send_request(c, *other, m.method(), !a_side, sid, ct, body, out, extra);
        if (method == sip::method_id::invite) {
            s.relayed_cseq = r.cseq;
        }
        return true;
    }

    // A response to a request we sent in a dialog (not an attempt's INVITE).
    void relayed_response(call& c, const sip::message& resp, std::vector<sip::outgoing>& out)
    {
        const auto branch = top_branch(resp);
        const auto cseq = resp.cseq();
        for (auto& r : c.requests) {
            if (r.branch != branch || !cseq || r.method != cseq->method) {
                continue;
            }
            bool deliver = false;
            for (const auto& e : r.tx->on_response(resp.status_code())) {
                if (e.action == sip::transaction_action::deliver_response) {
                    deliver = true;
                }
            }
            const int code = resp.status_code();
            if (r.method == "INVITE" && code >= 300) {
                // Our relayed re-INVITE failed: ACK it (same branch, RFC 3261 §17.1.1.3).
                sip::message sent;
                if (sip::parse_message(r.bytes, sent)) {
                    if (auto ack = sip::make_ack_for_failure(sent, resp)) {
                        send(r.to, *ack, out);
                    }
                }
            }
            if (!deliver || !r.relay_of || code == 100) {
                return;
            }
            for (auto& s : c.served) {
                if (s.id != *r.relay_of || s.done) {
                    continue;
                }
                std::vector<std::pair<std::string, std::string>> extra;
                if (code < 300 && (r.method == "INVITE" || r.method == "UPDATE")) {
                    extra.emplace_back("Contact", contact(s.from.transport));
                }
                const auto ct = resp.value(sip::header_id::content_type);
                const auto body = media_body(c, s.a_side ? media_side::callee : media_side::caller,
                                             ct, resp.body());
                respond_served(c, s, code, resp.reason(), extra, ct, body, out);
            }
            return;
        }
    }

    static bool is_relayed(const call& c, const sip::message& resp)
    {
        const auto branch = top_branch(resp);
        return std::any_of(c.requests.begin(), c.requests.end(), [&](const client_request& r) {
            return r.branch == branch && r.method == "INVITE";
        });
    }

    bool on_response(call& c, std::optional<std::size_t> attempt, const sip::message& m,
                     std::vector<sip::outgoing>& out)
    {
        const auto cseq = m.cseq();
        if (!cseq) {
            return true;
        }
        if (attempt && *attempt < c.attempts.size() &&
            cseq->method_kind == sip::method_id::invite && c.attempts[*attempt].tx &&
            cseq->number <= c.attempts[*attempt].dialog.local_cseq && !is_relayed(c, m)) {
            invite_response(c, *attempt, m, out);
            return true;
        }
        if (cseq->method_kind == sip::method_id::cancel) {
            for (auto& r : c.requests) {
                if (r.method == "CANCEL" && r.branch == top_branch(m)) {
                    (void)r.tx->on_response(m.status_code());
                }
            }
            return true;
        }
        relayed_response(c, m, out);
        return true;
    }

    // ---- timers ---------------------------------------------------------------------

    [[nodiscard]] std::optional<time_point> deadline_of(const call& c) const
    {
        std::optional<time_point> d;
        const auto take = [&](std::optional<time_point> t) {
            if (t && (!d || *t < *d)) {
                d = t;
            }
        };
        if (c.ended) {
            take(c.linger_until);
        }
        if (c.fo && !c.ended) {
            take(c.fo->deadline());
        }
        take(c.ist->deadline());
        for (const auto& at : c.attempts) {
            if (at.tx) {
                take(at.tx->deadline());
            }
        }
        for (const auto& r : c.requests) {
            take(r.tx->deadline());
        }
        for (const auto& s : c.served) {
            take(s.tx->deadline());
        }
        take(c.ok_resend_at);
        take(c.ok_give_up_at);
        return d;
    }

    void call_timer(call& c, std::vector<sip::outgoing>& out)
    {
        const auto now = clock.now();
        if (c.fo && !c.ended) {
            if (const auto d = c.fo->deadline(); d && *d <= now) {
                run(c, c.fo->on_timer(), nullptr, out);
            }
        }
        if (const auto d = c.ist->deadline(); d && *d <= now) {
            for (const auto& e : c.ist->on_timer()) {
                if (e.action == sip::transaction_action::resend_response &&
                    !c.last_response.empty()) {
                    send(c.caller_reply, c.last_response, out);
                }
            }
        }
        for (std::size_t i = 0; i < c.attempts.size(); ++i) {
            auto& at = c.attempts[i];
            if (!at.tx) {
                continue;
            }
            const auto d = at.tx->deadline();
            if (!d || *d > now) {
                continue;
            }
            const bool abandoned =
                c.ended || (i < c.fo->attempts().size() && c.fo->attempts()[i].ended.has_value());
            for (const auto& e : at.tx->on_timer()) {
                if (e.action == sip::transaction_action::retransmit_request && !abandoned) {
                    send(at.dialog.peer, at.invite.bytes(), out);
                } else if (e.action == sip::transaction_action::timed_out && !abandoned) {
                    run(c, c.fo->on_final(i, 408), nullptr, out);
                }
            }
        }
        for (auto& r : c.requests) {
            const auto d = r.tx->deadline();
            if (!d || *d > now) {
                continue;
            }
            for (const auto& e : r.tx->on_timer()) {
                if (e.action == sip::transaction_action::retransmit_request) {
                    send(r.to, r.bytes, out);
                } else if (e.action == sip::transaction_action::timed_out && r.relay_of) {
                    for (auto& s : c.served) {
                        if (s.id == *r.relay_of && !s.done) {
                            respond_served(c, s, 408, {}, {}, {}, {}, out);
                        }
                    }
                }
            }
        }
        for (auto& s : c.served) {
            if (const auto d = s.tx->deadline(); d && *d <= now) {
                for (const auto& e : s.tx->on_timer()) {
                    if (e.action == sip::transaction_action::resend_response &&
                        !s.last_response.empty()) {
                        send(s.reply_to, s.last_response, out);
                    }
                }
            }
        }
        if (c.ok_give_up_at && *c.ok_give_up_at <= now) {
            // No ACK for our 2xx (RFC 3261 §13.3.1.4): end the dialog on both legs.
            c.ok_resend_at.reset();
            c.ok_give_up_at.reset();
            if (!c.ended) {
                hang_up_other(c, true, out);
                hang_up_other(c, false, out);
                end_call(c, c.final_code, "system", "ack-timeout", out);
            }
        } else if (c.ok_resend_at && *c.ok_resend_at <= now) {
            send(c.caller_reply, c.last_response, out);
            c.ok_interval = std::min(c.ok_interval * 2, c.timers->t2);
            c.ok_resend_at = now + c.ok_interval;
        }
        // Forget finished client and server requests.
        std::erase_if(c.requests, [](const client_request& r) {
            return r.tx->state() == sip::transaction_state::terminated;
        });
        std::erase_if(c.served, [](const server_request& s) {
            return s.done && s.tx->state() == sip::transaction_state::terminated;
        });
    }
};

call_manager::call_manager(provision::config config, params::settings settings,
                           const transform::engine* rules, const core::clock& clock, cdr::sink* cdr,
                           log_function log, local_addresses local, call_options options)
    : state_(std::make_unique<state>(clock))
{
    auto& s = *state_;
    s.config = std::move(config);
    s.settings = std::move(settings);
    s.rules = rules;
    s.cdr = cdr;
    s.log = std::move(log);
    s.local = std::move(local);
    s.options = options;
    s.tokens = core::token_source(options.seed);
    s.apply_settings();
}

call_manager::~call_manager() = default;

void call_manager::on_invite(const sip::message& invite, const sip::peer& from,
                             const caller_identity& who, std::vector<sip::outgoing>& out)
{
    if (!invite.is_request() || invite.method_kind() != sip::method_id::invite) {
        return;
    }
    auto& s = *state_;
    s.take_invite(invite, from, who, out);
    if (const auto it = s.by_invite_key.find(s.invite_key(invite)); it != s.by_invite_key.end()) {
        s.reschedule(it->second);
    }
}

bool call_manager::on_message(const sip::message& m, const sip::peer& from,
                              std::vector<sip::outgoing>& out)
{
    auto& s = *state_;
    const auto it = s.by_call_id.find(m.call_id());
    if (it == s.by_call_id.end()) {
        return false;
    }
    const leg_ref ref = it->second;
    auto* c = s.find_call(ref.call);
    if (c == nullptr) {
        return false;
    }
    const bool taken = m.is_response() ? s.on_response(*c, ref.attempt, m, out)
                                       : s.on_request(*c, ref.attempt, m, from, out);
    s.reschedule(*c);
    return taken;
}

void call_manager::on_timer(std::vector<sip::outgoing>& out)
{
    auto& s = *state_;
    const auto now = s.clock.now();
    std::vector<std::uint64_t> due;
    for (auto it = s.timeline.begin(); it != s.timeline.end() && it->first <= now; ++it) {
        due.push_back(it->second);
    }
    for (const auto id : due) {
        auto* c = s.find_call(id);
        if (c == nullptr) {
            continue;
        }
        s.call_timer(*c, out);
        if (c->ended && c->linger_until <= now) {
            if (c->scheduled) {
                s.timeline.erase({*c->scheduled, c->id});
            }
            s.forget(*c);
            s.calls.erase(id);
            continue;
        }
        s.reschedule(*c);
    }
}

std::optional<core::clock::time_point> call_manager::next_deadline() const
{
    if (state_->timeline.empty()) {
        return std::nullopt;
    }
    return state_->timeline.begin()->first;
}

void call_manager::on_rtp_started(const attempt_ref& which, std::vector<sip::outgoing>& out)
{
    auto& s = *state_;
    const auto it = s.by_call_id.find(which.call_id);
    if (it == s.by_call_id.end()) {
        return;
    }
    auto* c = s.find_call(it->second.call);
    if (c == nullptr || !c->fo || c->ended) {
        return;
    }
    s.run(*c, c->fo->on_rtp_started(which.attempt), nullptr, out);
    s.reschedule(*c);
}

void call_manager::on_media_timeout(std::string_view call_id, std::vector<sip::outgoing>& out)
{
    auto& s = *state_;
    const auto it = s.by_call_id.find(std::string(call_id));
    if (it == s.by_call_id.end()) {
        return;
    }
    auto* c = s.find_call(it->second.call);
    if (c == nullptr || c->ended || !c->answered_attempt) {
        return;
    }
    s.emit(log_level::info,
           "call " + c->a_dialog.call_id + ": no RTP for the media timeout: BYE on both legs");
    s.hang_up_other(*c, true, out);
    s.hang_up_other(*c, false, out);
    s.end_call(*c, c->final_code, "system", "media-timeout", out);
    s.reschedule(*c);
}

void call_manager::reconfigure(provision::config config, params::settings settings,
                               const transform::engine* rules)
{
    auto& s = *state_;
    s.config = std::move(config);
    s.settings = std::move(settings);
    s.rules = rules;
    s.apply_settings();
}

const call_counters& call_manager::counters() const noexcept
{
    return state_->counters;
}

std::size_t call_manager::active_calls() const noexcept
{
    return state_->active;
}

std::size_t call_manager::calls_in_memory() const noexcept
{
    return state_->calls.size();
}

std::size_t call_manager::waiting_transactions() const
{
    const auto waiting = [](sip::transaction_state t) {
        return t == sip::transaction_state::calling || t == sip::transaction_state::trying ||
               t == sip::transaction_state::proceeding;
    };
    std::size_t n = 0;
    for (const auto& [id, c] : state_->calls) {
        n += c->ist && waiting(c->ist->state()) ? 1U : 0U;
        for (const auto& at : c->attempts) {
            // An abandoned attempt's INVITE keeps its transaction until the CANCEL or the
            // timer B ends it; an attempt the failover has already closed is not waiting.
            n += at.tx && waiting(at.tx->state()) ? 1U : 0U;
        }
        for (const auto& r : c->requests) {
            n += waiting(r.tx->state()) ? 1U : 0U;
        }
        for (const auto& s : c->served) {
            n += !s.done && waiting(s.tx->state()) ? 1U : 0U;
        }
    }
    return n;
}

std::vector<call_summary> call_manager::calls() const
{
    std::vector<call_summary> list;
    for (const auto& [id, c] : state_->calls) {
        if (c->ended) {
            continue;
        }
        call_summary x;
        x.call_id = c->a_dialog.call_id;
        x.source = c->source;
        x.caller = c->caller_received;
        x.callee = c->callee_received;
        x.attempts = c->attempts.size();
        if (!c->attempts.empty()) {
            const auto i = c->answered_attempt.value_or(c->attempts.size() - 1);
            x.gateway = c->gateways[c->attempts[i].gateway].name;
        }
        x.state = c->answered_attempt ? "answered" : "routing";
        x.started = c->started;
        list.push_back(std::move(x));
    }
    return list;
}

} // namespace ssw::b2bua
