// SPDX-License-Identifier: MIT
// The relay's side of a call: relay decision, SDP rewriting, leg settings, events.
#include <ssw/media/call_media.hpp>
#include <ssw/sdp/session.hpp>

namespace ssw::media {

call_media::call_media(relay& r, call_media_options options, log_function log)
    : relay_(r), options_(std::move(options)), log_(std::move(log))
{
}

void call_media::reconfigure(call_media_options options)
{
    options_ = std::move(options);
}

bool call_media::needs_relay(const b2bua::media_leg_info& leg) const
{
    return leg.encrypt || leg.relay_always || (options_.proxy_behind_nat && leg.behind_nat);
}

result<leg_settings> call_media::settings_for(const b2bua::media_leg_info& leg, bool gateway) const
{
    leg_settings s;
    s.latch = leg.behind_nat || (gateway && options_.latch_gateways);
    if (leg.encrypt) {
        s.mode = options_.mode;
        s.key = options_.key;
        if (leg.encrypt_mode >= 0) {
            s.mode = static_cast<crypto::mode>(leg.encrypt_mode);
        }
        if (!leg.encrypt_key.empty()) {
            SSW_TRY_ASSIGN(s.key, crypto::parse_key(leg.encrypt_key));
        }
    }
    return s;
}

void call_media::call_started(std::string_view call_id, const b2bua::media_leg_info& caller)
{
    auto& c = calls_[std::string(call_id)];
    c.caller = caller;
}

void call_media::attempt_started(std::string_view call_id, std::size_t attempt,
                                 const b2bua::media_leg_info& callee)
{
    const auto it = calls_.find(std::string(call_id));
    if (it == calls_.end()) {
        return;
    }
    auto& c = it->second;
    c.callee = callee;
    c.attempt = attempt;
    if (c.session != 0) {
        relay_.reset_callee(c.session);
        if (auto s = settings_for(callee, true)) {
            if (auto set = relay_.set_leg(c.session, side::b, *s); !set && log_) {
                log_("media: " + std::string(call_id) + ": " + set.error().message);
            }
        }
    }
}

result<void> call_media::start_relay(call_state& c)
{
    SSW_TRY_ASSIGN(const auto a, settings_for(c.caller, false));
    SSW_TRY_ASSIGN(const auto b, settings_for(c.callee, true));
    const auto id = relay_.open();
    auto set_a = relay_.set_leg(id, side::a, a);
    auto set_b = set_a ? relay_.set_leg(id, side::b, b) : result<void>{};
    if (!set_a || !set_b) {
        relay_.close(id);
        return unexpected(!set_a ? std::move(set_a).error() : std::move(set_b).error());
    }
    c.session = id;
    return {};
}

result<std::string> call_media::sdp(std::string_view call_id, b2bua::media_side from,
                                    std::string_view body)
{
    const auto it = calls_.find(std::string(call_id));
    if (it == calls_.end()) {
        return std::string(body);
    }
    auto& c = it->second;
    if (c.session == 0) {
        if (!needs_relay(c.caller) && !needs_relay(c.callee)) {
            return std::string(body); // media flows end to end; the SDP is not touched
        }
        SSW_TRY(start_relay(c));
        const auto id = c.session;
        by_session_[id] = std::string(call_id);
    }
    SSW_TRY_ASSIGN(const auto parsed, sdp::parse_session(body));
    const side in = from == b2bua::media_side::caller ? side::a : side::b;
    sdp::rewrite rw;
    rw.connection_address = options_.address;
    for (std::size_t i = 0; i < parsed.media_list.size(); ++i) {
        const auto& m = parsed.media_list[i];
        if (m.port == 0) {
            rw.media_ports.emplace_back(std::nullopt); // a rejected or disabled stream stays 0
            continue;
        }
        SSW_TRY_ASSIGN(const auto ports, relay_.ensure_stream(c.session, i));
        endpoint remote;
        if (const auto* conn = parsed.connection_for(i)) {
            if (auto address = core::ip_address::parse(conn->address)) {
                remote = endpoint{*address, m.port};
            }
        }
        relay_.set_remote(c.session, i, in, remote);
        // The other leg is told to send to our port facing it.
        rw.media_ports.emplace_back(in == side::a ? ports.second : ports.first);
    }
    return sdp::rewrite_session(body, rw);
}

void call_media::call_answered(std::string_view call_id)
{
    const auto it = calls_.find(std::string(call_id));
    if (it != calls_.end() && it->second.session != 0) {
        relay_.arm_timeout(it->second.session);
    }
}

b2bua::media_report call_media::call_ended(std::string_view call_id)
{
    b2bua::media_report r;
    const auto it = calls_.find(std::string(call_id));
    if (it == calls_.end()) {
        return r;
    }
    const auto id = it->second.session;
    if (id != 0) {
        r.relayed = true;
        for (const auto& s : relay_.report(id)) {
            for (const auto* d : {&s.a_to_b, &s.b_to_a}) {
                cdr::media_stream m;
                m.direction = d == &s.a_to_b ? "caller->callee" : "callee->caller";
                m.packets = d->packets;
                m.bytes = d->bytes;
                m.lost = d->lost;
                m.late_latching = d->late_latching;
                m.decrypt_failures = d->decrypt_failures;
                m.hijack_refused = d->hijack_refused;
                r.streams.push_back(std::move(m));
            }
        }
        relay_.close(id);
        by_session_.erase(id);
    }
    calls_.erase(it);
    return r;
}

void call_media::take_events(std::vector<call_event>& out)
{
    scratch_.clear();
    relay_.take_events(scratch_);
    for (const auto& e : scratch_) {
        const auto it = by_session_.find(e.session);
        if (it == by_session_.end()) {
            continue;
        }
        call_event ce;
        ce.call_id = it->second;
        if (e.what == relay_event::kind::media_timeout) {
            ce.what = call_event::kind::media_timeout;
        } else {
            const auto c = calls_.find(it->second);
            ce.attempt = c == calls_.end() ? 0 : c->second.attempt;
        }
        out.push_back(std::move(ce));
    }
}

} // namespace ssw::media
