// SPDX-License-Identifier: MIT
// The sans-IO RTP relay core (see header).
#include <ssw/crypto/payload_cipher.hpp>
#include <ssw/media/relay.hpp>
#include <ssw/rtp/packet.hpp>
#include <ssw/rtp/payload_crypt.hpp>

#include <algorithm>

namespace ssw::media {

namespace {

// A jump in sequence numbers larger than this is a restart, not loss (RFC 3550 A.1 uses
// 3000 as MAX_DROPOUT).
constexpr std::uint16_t max_dropout = 3000;

bool unspecified(const core::ip_address& a)
{
    const auto& b = a.bytes();
    if (a.is_v4()) {
        return b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] == 0;
    }
    return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

} // namespace

struct relay::leg {
    std::uint16_t port = 0; // our RTP port facing this leg (RTCP: + 1)
    endpoint sdp;           // from the leg's SDP
    std::optional<endpoint> latched_rtp;
    std::optional<endpoint> latched_rtcp;
};

struct relay::direction {
    direction_counters c;
    bool have_seq = false;
    std::uint16_t next_seq = 0;
    std::uint32_t ssrc = 0;
};

// Loss from sequence gaps: a jump ahead counts the skipped numbers as lost, a late packet
// (reordering) takes one back; a new SSRC or a jump beyond max_dropout restarts counting.
void relay::count_sequence(direction& dir, std::uint16_t seq, std::uint32_t ssrc)
{
    if (dir.have_seq && ssrc == dir.ssrc) {
        const auto ahead = static_cast<std::uint16_t>(seq - dir.next_seq);
        if (ahead >= 0x8000U) {
            if (dir.c.lost > 0) {
                --dir.c.lost;
            }
            return; // next_seq stays
        }
        if (ahead < max_dropout) {
            dir.c.lost += ahead;
        }
    }
    dir.have_seq = true;
    dir.ssrc = ssrc;
    dir.next_seq = static_cast<std::uint16_t>(seq + 1);
}

struct relay::stream {
    leg legs[2];
    direction dirs[2]; // by the side the packets came from
};

struct relay::session {
    session_id id = 0;
    std::vector<stream> streams;
    leg_settings settings[2];
    crypto::payload_cipher* ciphers[2] = {nullptr, nullptr};
    bool same_cipher = false; // both legs use one mode and key: bytes pass unchanged
    bool rtp_from_callee = false;
    bool timeout_armed = false;
    core::clock::time_point last_rtp{};
    std::optional<core::clock::time_point> scheduled;
};

relay::relay(relay_options options, const core::clock& clock)
    : options_(options), clock_(clock), ports_(options.first_port, options.last_port)
{
    slots_.resize(ports_.capacity() * 2);
}

relay::~relay() = default;

relay::session* relay::find(session_id s)
{
    const auto it = sessions_.find(s);
    return it == sessions_.end() ? nullptr : it->second.get();
}

const relay::session* relay::find(session_id s) const
{
    const auto it = sessions_.find(s);
    return it == sessions_.end() ? nullptr : it->second.get();
}

relay::slot* relay::slot_of(std::uint16_t port)
{
    if (port < ports_.first_port()) {
        return nullptr;
    }
    const std::size_t i = port - ports_.first_port();
    return i < slots_.size() ? &slots_[i] : nullptr;
}

void relay::bind_port(std::uint16_t port, const slot& value)
{
    if (auto* s = slot_of(port)) {
        *s = value;
        changes_.push_back({port, true});
    }
}

void relay::unbind_port(std::uint16_t port)
{
    if (auto* s = slot_of(port)) {
        *s = slot{};
        changes_.push_back({port, false});
    }
}

session_id relay::open()
{
    auto s = std::make_unique<session>();
    s->id = next_++;
    s->last_rtp = clock_.now();
    const auto id = s->id;
    sessions_.emplace(id, std::move(s));
    ++stats_.sessions_opened;
    return id;
}

result<std::pair<std::uint16_t, std::uint16_t>> relay::ensure_stream(session_id id,
                                                                     std::size_t index)
{
    auto* s = find(id);
    if (s == nullptr) {
        return unexpected(make_error(errc::not_found, "no media session " + std::to_string(id)));
    }
    if (index < s->streams.size() && s->streams[index].legs[0].port != 0) {
        return std::pair{s->streams[index].legs[0].port, s->streams[index].legs[1].port};
    }
    SSW_TRY_ASSIGN(const auto a, ports_.allocate());
    auto b = ports_.allocate();
    if (!b) {
        ports_.release(a);
        return unexpected(std::move(b).error());
    }
    if (s->streams.size() <= index) {
        s->streams.resize(index + 1);
    }
    auto& st = s->streams[index];
    st.legs[0].port = a;
    st.legs[1].port = *b;
    const auto n = static_cast<std::uint32_t>(index);
    bind_port(a, {s, n, side::a, false});
    bind_port(static_cast<std::uint16_t>(a + 1), {s, n, side::a, true});
    bind_port(*b, {s, n, side::b, false});
    bind_port(static_cast<std::uint16_t>(*b + 1), {s, n, side::b, true});
    return std::pair{a, *b};
}

std::size_t relay::stream_count(session_id id) const
{
    const auto* s = find(id);
    return s == nullptr ? 0 : s->streams.size();
}

result<crypto::payload_cipher*> relay::cipher_for(crypto::mode m, const crypto::key_bytes& key)
{
    if (m == crypto::mode::none) {
        return nullptr;
    }
    auto k = std::pair{m, key};
    if (const auto it = ciphers_.find(k); it != ciphers_.end()) {
        return it->second.get();
    }
    SSW_TRY_ASSIGN(auto made, crypto::payload_cipher::make(m, key));
    auto owned = std::make_unique<crypto::payload_cipher>(std::move(made));
    auto* p = owned.get();
    ciphers_.emplace(std::move(k), std::move(owned));
    return p;
}

result<void> relay::set_leg(session_id id, side which, const leg_settings& settings)
{
    auto* s = find(id);
    if (s == nullptr) {
        return unexpected(make_error(errc::not_found, "no media session " + std::to_string(id)));
    }
    // One context per mode and key, shared by every session: no cipher setup per call or packet.
    SSW_TRY_ASSIGN(auto* cipher, cipher_for(settings.mode, settings.key));
    const auto i = static_cast<std::size_t>(which);
    s->settings[i] = settings;
    s->ciphers[i] = cipher;
    s->same_cipher =
        s->settings[0].mode == s->settings[1].mode && s->settings[0].key == s->settings[1].key;
    return {};
}

void relay::set_remote(session_id id, std::size_t index, side which, const endpoint& rtp)
{
    auto* s = find(id);
    if (s == nullptr || index >= s->streams.size()) {
        return;
    }
    auto& l = s->streams[index].legs[static_cast<std::size_t>(which)];
    l.sdp = unspecified(rtp.address) ? endpoint{} : rtp;
}

void relay::reset_callee(session_id id)
{
    auto* s = find(id);
    if (s == nullptr) {
        return;
    }
    s->rtp_from_callee = false;
    for (auto& st : s->streams) {
        auto& l = st.legs[static_cast<std::size_t>(side::b)];
        l.sdp = {};
        l.latched_rtp.reset();
        l.latched_rtcp.reset();
        st.dirs[static_cast<std::size_t>(side::b)].have_seq = false;
    }
}

void relay::arm_timeout(session_id id)
{
    auto* s = find(id);
    if (s == nullptr || options_.media_timeout.count() <= 0 || s->timeout_armed) {
        return;
    }
    s->timeout_armed = true;
    s->last_rtp = clock_.now();
    s->scheduled = s->last_rtp + options_.media_timeout;
    timeline_.emplace(*s->scheduled, id);
}

void relay::close(session_id id)
{
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) {
        return;
    }
    auto& s = *it->second;
    for (const auto& st : s.streams) {
        for (const auto& l : st.legs) {
            if (l.port != 0) {
                unbind_port(l.port);
                unbind_port(static_cast<std::uint16_t>(l.port + 1));
                ports_.release(l.port);
            }
        }
    }
    if (s.scheduled) {
        timeline_.erase({*s.scheduled, id});
    }
    sessions_.erase(it);
    ++stats_.sessions_closed;
}

forward relay::on_datagram(std::uint16_t local_port, const endpoint& from,
                           std::span<std::uint8_t> datagram)
{
    forward f;
    const auto* sl = slot_of(local_port);
    if (sl == nullptr || sl->owner == nullptr) {
        ++stats_.unknown_port;
        return f;
    }
    auto& s = *sl->owner;
    auto& st = s.streams[sl->stream];
    const auto in = static_cast<std::size_t>(sl->which);
    const auto out = 1 - in;
    auto& src = st.legs[in];
    auto& dst = st.legs[out];
    auto& dir = st.dirs[in];
    // RTCP on the RTCP port, or multiplexed on the RTP port (RFC 5761), is never ciphered.
    const bool rtcp = sl->rtcp || rtp::is_rtcp(datagram);

    // Latching and the hijack guard, separately for the RTP and the RTCP port.
    auto& latched = sl->rtcp ? src.latched_rtcp : src.latched_rtp;
    if (s.settings[in].latch) {
        if (!latched) {
            latched = from;
        } else if (*latched != from) {
            if (options_.hijack_guard) {
                ++dir.c.hijack_refused;
                ++stats_.hijack_refused;
                ++stats_.packets_dropped;
                return f;
            }
            latched = from;
        }
    }

    if (rtcp) {
        ++dir.c.rtcp_packets;
    } else {
        ++dir.c.packets;
        dir.c.bytes += datagram.size();
        s.last_rtp = clock_.now();
        if (sl->which == side::b && !s.rtp_from_callee) {
            s.rtp_from_callee = true;
            events_.push_back({relay_event::kind::rtp_started, s.id});
        }
        if (const auto v = rtp::parse_packet(datagram)) {
            count_sequence(dir, v->fields.sequence, v->fields.ssrc);
        }
        if (!s.same_cipher) {
            if (auto* c = s.ciphers[in]) {
                const auto r = rtp::crypt_datagram(*c, datagram);
                if (!r || *r != rtp::crypt_outcome::applied) {
                    ++dir.c.decrypt_failures;
                    ++stats_.decrypt_failures;
                }
            }
            if (auto* c = s.ciphers[out]) {
                // Fail closed: what cannot be encrypted for this leg (the cipher failed, or
                // it is not RTP) is dropped, never sent in clear.
                const auto r = rtp::crypt_datagram(*c, datagram);
                if (!r || *r != rtp::crypt_outcome::applied) {
                    ++dir.c.encrypt_failures;
                    ++stats_.encrypt_failures;
                    ++stats_.packets_dropped;
                    return f;
                }
            }
        }
    }

    // Where the other leg receives.
    const auto& dst_latched = sl->rtcp ? dst.latched_rtcp : dst.latched_rtp;
    endpoint to;
    if (s.settings[out].latch && dst_latched) {
        to = *dst_latched;
    } else if (s.settings[out].latch && sl->rtcp && dst.latched_rtp) {
        // No RTCP from a NAT endpoint yet: its RTP source + 1 beats its unreachable SDP address.
        to = endpoint{dst.latched_rtp->address,
                      static_cast<std::uint16_t>(dst.latched_rtp->port + 1)};
    } else if (dst.sdp.valid()) {
        to = dst.sdp;
        if (sl->rtcp) {
            to.port = static_cast<std::uint16_t>(to.port + 1);
        }
        if (s.settings[out].latch && !rtcp) {
            ++dir.c.late_latching;
            ++stats_.late_latching;
        }
    } else {
        ++dir.c.no_destination;
        ++stats_.packets_dropped;
        return f;
    }
    f.send = true;
    f.from_port = sl->rtcp ? static_cast<std::uint16_t>(dst.port + 1) : dst.port;
    f.to = to;
    ++stats_.packets_forwarded;
    return f;
}

std::optional<core::clock::time_point> relay::deadline() const
{
    if (timeline_.empty()) {
        return std::nullopt;
    }
    return timeline_.begin()->first;
}

void relay::on_timer()
{
    const auto now = clock_.now();
    while (!timeline_.empty() && timeline_.begin()->first <= now) {
        const auto id = timeline_.begin()->second;
        timeline_.erase(timeline_.begin());
        auto* s = find(id);
        if (s == nullptr) {
            continue;
        }
        s->scheduled.reset();
        // Packets only stamp last_rtp; the timeline entry is moved here, lazily.
        const auto due = s->last_rtp + options_.media_timeout;
        if (due <= now) {
            s->timeout_armed = false;
            events_.push_back({relay_event::kind::media_timeout, id});
        } else {
            s->scheduled = due;
            timeline_.emplace(due, id);
        }
    }
}

void relay::take_events(std::vector<relay_event>& out)
{
    out.insert(out.end(), events_.begin(), events_.end());
    events_.clear();
}

void relay::take_port_changes(std::vector<port_change>& out)
{
    out.insert(out.end(), changes_.begin(), changes_.end());
    changes_.clear();
}

std::vector<stream_report> relay::report(session_id id) const
{
    std::vector<stream_report> v;
    const auto* s = find(id);
    if (s == nullptr) {
        return v;
    }
    for (const auto& st : s->streams) {
        stream_report r;
        r.a_port = st.legs[0].port;
        r.b_port = st.legs[1].port;
        r.a_to_b = st.dirs[0].c;
        r.b_to_a = st.dirs[1].c;
        r.a_latched = st.legs[0].latched_rtp;
        r.b_latched = st.legs[1].latched_rtp;
        v.push_back(r);
    }
    return v;
}

bool relay::rtp_seen_from_callee(session_id id) const
{
    const auto* s = find(id);
    return s != nullptr && s->rtp_from_callee;
}

} // namespace ssw::media
