// SPDX-License-Identifier: MIT
// Trace reports: SIP statistics, call table with RTP streams, registrations.
#include <ssw/core/text.hpp>
#include <ssw/sdp/session.hpp>
#include <ssw/sip/builder.hpp>
#include <ssw/trace/report.hpp>

#include <algorithm>
#include <cstdlib>

namespace ssw::trace {

void sip_stats::on_record(const sip_record& r)
{
    ++messages;
    if (r.resent) {
        ++resent;
    }
    if (r.is_request) {
        ++methods[r.method];
    } else {
        ++statuses[r.status];
    }
}

std::string_view standard_reason(int status) noexcept
{
    return sip::default_reason(status);
}

bool parse_rtp_header(std::span<const std::uint8_t> p, std::uint8_t& pt, std::uint16_t& seq,
                      std::uint32_t& ts, std::uint32_t& ssrc) noexcept
{
    if (p.size() < 12 || (p[0] >> 6) != 2) {
        return false;
    }
    pt = p[1] & 0x7f;
    if (pt >= 72 && pt <= 76) {
        return false;
    }
    seq = static_cast<std::uint16_t>(p[2] << 8 | p[3]);
    ts = static_cast<std::uint32_t>(p[4]) << 24 | static_cast<std::uint32_t>(p[5]) << 16 |
         static_cast<std::uint32_t>(p[6]) << 8 | p[7];
    ssrc = static_cast<std::uint32_t>(p[8]) << 24 | static_cast<std::uint32_t>(p[9]) << 16 |
           static_cast<std::uint32_t>(p[10]) << 8 | p[11];
    return true;
}

void rtp_stream::on_packet(std::uint16_t seq, std::uint32_t ts, std::int64_t arrival_ns)
{
    // RFC 3550 A.1 sequence extension (without the probation logic) and A.8 jitter.
    if (packets == 0) {
        base_seq = seq;
        max_seq = seq;
        first_arrival_ns = arrival_ns;
    } else {
        const auto delta = static_cast<std::uint16_t>(seq - max_seq);
        if (delta < 0x8000) {
            if (seq < max_seq) {
                ++cycles;
            }
            max_seq = seq;
        }
    }
    ++packets;
    // Relative to the first packet: absolute epoch nanoseconds times the clock rate lose
    // precision in a double.
    const auto arrival = static_cast<std::int64_t>(
        static_cast<double>(arrival_ns - first_arrival_ns) * clock_rate / 1e9);
    const std::int64_t transit = arrival - static_cast<std::int64_t>(ts);
    if (packets > 1) {
        std::int64_t d = transit - last_transit;
        d = d < 0 ? -d : d;
        // Wrapped RTP timestamps give absurd steps; ignore them rather than poison the estimate.
        if (d < static_cast<std::int64_t>(clock_rate) * 60) {
            jitter += (static_cast<double>(d) - jitter) / 16.0;
        }
    }
    last_transit = transit;
    const std::uint64_t extended_max = static_cast<std::uint64_t>(cycles) * 65536u + max_seq;
    const auto expected = static_cast<std::int64_t>(extended_max - base_seq + 1);
    lost = expected - static_cast<std::int64_t>(packets);
    jitter_ms = clock_rate ? jitter * 1000.0 / clock_rate : 0;
}

namespace {

std::uint32_t static_clock_rate(std::uint8_t pt)
{
    // RFC 3551 §6 table: the audio payload types run at 8 kHz except these.
    switch (pt) {
    case 10:
    case 11: return 44100;
    case 14: return 90000;
    case 6: return 16000;
    case 16: return 11025;
    case 17: return 22050;
    default: return pt >= 24 && pt <= 34 ? 90000 : 8000;
    }
}

bool has_sdp(const sip::message& msg)
{
    if (msg.body().empty()) {
        return false;
    }
    const auto ct = msg.value(sip::header_id::content_type);
    return ct.empty() ? msg.body().starts_with("v=0")
                      : core::istarts_with(core::trim(ct), "application/sdp");
}

} // namespace

call_tracker::call_tracker(std::function<void(call_info&&)> on_call, call_tracker_limits limits)
    : on_call_(std::move(on_call)), limits_(limits)
{
}

void call_tracker::learn_media(call_info& c, const sip::message& msg)
{
    if (!has_sdp(msg)) {
        return;
    }
    auto s = sdp::parse_session(msg.body());
    if (!s) {
        return;
    }
    for (std::size_t i = 0; i < s->media_list.size(); ++i) {
        const auto& m = s->media_list[i];
        const auto* conn = s->connection_for(i);
        if (!conn || m.port == 0) {
            continue;
        }
        auto addr = pcap::parse_ip_address(conn->address);
        if (!addr) {
            continue;
        }
        const pcap::endpoint ep{*addr, m.port};
        if (std::find(c.media.begin(), c.media.end(), ep) != c.media.end()) {
            continue;
        }
        std::uint32_t rate = 8000;
        const auto pts = m.payload_types();
        if (!pts.empty()) {
            const auto* map = m.find_rtpmap(pts.front());
            rate = map && map->clock_rate ? map->clock_rate : static_clock_rate(pts.front());
        }
        c.media.push_back(ep);
        c.media_clock.push_back(rate);
        media_[ep] = c.call_id;
    }
}

void call_tracker::on_sip(const sip_event& e, bool matched)
{
    const sip_record& r = e.record;
    if (r.call_id.empty()) {
        return;
    }
    auto it = calls_.find(r.call_id);
    const bool invite = r.is_request && r.method == "INVITE";
    if (it == calls_.end()) {
        if (!invite || !r.to_tag.empty()) {
            return;
        }
        if (calls_.size() >= limits_.max_calls) {
            auto oldest =
                std::min_element(calls_.begin(), calls_.end(), [](const auto& a, const auto& b) {
                    return a.second.last_ns < b.second.last_ns;
                });
            emit(oldest);
        }
        it = calls_.try_emplace(r.call_id).first;
        call_info& c = it->second;
        c.call_id = r.call_id;
        c.caller = r.from_user;
        c.callee = r.to_user;
        c.caller_tag = r.from_tag;
        c.caller_address = r.src;
        c.callee_address = r.dst;
        c.start_ns = r.timestamp_ns;
    }
    call_info& c = it->second;
    ++c.messages;
    c.last_ns = r.timestamp_ns;
    c.matched = c.matched || matched;
    if (r.is_request) {
        if (invite && r.to_tag.empty()) {
            if (r.resent) {
                ++c.invite_retransmissions;
            } else if (c.ended && !c.answer_ns) {
                c.ended = false; // a new attempt after a challenge or failure
                c.end_ns.reset();
                c.hangup.clear();
            }
        } else if (r.method == "CANCEL") {
            c.cancelled = true;
            if (c.hangup.empty()) {
                c.hangup = "caller";
            }
        } else if (r.method == "BYE" && !c.end_ns) {
            c.end_ns = r.timestamp_ns;
            c.ended = true;
            c.hangup = r.from_tag == c.caller_tag ? "caller" : "callee";
        }
    } else if (r.cseq_method == "INVITE") {
        if (r.status >= 180 && r.status < 190 && !c.ringing_ns) {
            c.ringing_ns = r.timestamp_ns;
        } else if (r.status >= 200 && r.status < 300) {
            c.final_status = r.status;
            if (!c.answer_ns) {
                c.answer_ns = r.timestamp_ns;
            }
        } else if (r.status >= 300 && !r.resent) {
            if (r.status == 401 || r.status == 407) {
                ++c.auth_challenges;
            }
            if (!c.answer_ns) {
                c.final_status = r.status;
                c.ended = true;
                c.end_ns = r.timestamp_ns;
                if (!c.cancelled) {
                    c.hangup = "callee";
                }
            }
        }
    }
    learn_media(c, e.msg);
    if (r.timestamp_ns - last_expire_ns_ >= 1'000'000'000) {
        last_expire_ns_ = r.timestamp_ns;
        expire(r.timestamp_ns);
    }
}

void call_tracker::on_udp(const pcap::udp_datagram& d)
{
    if (media_.empty()) {
        return;
    }
    auto m = media_.find(d.dst);
    if (m == media_.end()) {
        return;
    }
    auto it = calls_.find(m->second);
    if (it == calls_.end()) {
        return;
    }
    std::uint8_t pt = 0;
    std::uint16_t seq = 0;
    std::uint32_t ts = 0;
    std::uint32_t ssrc = 0;
    if (!parse_rtp_header(d.payload, pt, seq, ts, ssrc)) {
        return;
    }
    call_info& c = it->second;
    auto s = std::find_if(c.rtp.begin(), c.rtp.end(), [&](const rtp_stream& x) {
        return x.ssrc == ssrc && x.src == d.src && x.dst == d.dst;
    });
    if (s == c.rtp.end()) {
        if (c.rtp.size() >= 16) {
            return; // bound per call; more streams are not a real call
        }
        rtp_stream n;
        n.src = d.src;
        n.dst = d.dst;
        n.ssrc = ssrc;
        n.payload_type = pt;
        const auto idx = static_cast<std::size_t>(std::find(c.media.begin(), c.media.end(), d.dst) -
                                                  c.media.begin());
        n.clock_rate = idx < c.media_clock.size() ? c.media_clock[idx] : static_clock_rate(pt);
        c.rtp.push_back(n);
        s = c.rtp.end() - 1;
    }
    s->on_packet(seq, ts, d.timestamp_ns);
    c.last_ns = std::max(c.last_ns, d.timestamp_ns);
}

void call_tracker::emit(std::unordered_map<std::string, call_info>::iterator it)
{
    for (const auto& ep : it->second.media) {
        auto m = media_.find(ep);
        if (m != media_.end() && m->second == it->first) {
            media_.erase(m);
        }
    }
    call_info c = std::move(it->second);
    calls_.erase(it);
    on_call_(std::move(c));
}

void call_tracker::expire(std::int64_t now_ns)
{
    std::vector<std::unordered_map<std::string, call_info>::iterator> done;
    for (auto it = calls_.begin(); it != calls_.end(); ++it) {
        const auto idle = now_ns - it->second.last_ns;
        if ((it->second.ended && idle > limits_.linger.count()) ||
            idle > limits_.idle_timeout.count()) {
            done.push_back(it);
        }
    }
    std::sort(done.begin(), done.end(), [](const auto& a, const auto& b) {
        return a->second.start_ns < b->second.start_ns ||
               (a->second.start_ns == b->second.start_ns && a->first < b->first);
    });
    for (auto it : done) {
        emit(it);
    }
}

void call_tracker::finish()
{
    std::vector<std::unordered_map<std::string, call_info>::iterator> all;
    for (auto it = calls_.begin(); it != calls_.end(); ++it) {
        all.push_back(it);
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return a->second.start_ns < b->second.start_ns ||
               (a->second.start_ns == b->second.start_ns && a->first < b->first);
    });
    for (auto it : all) {
        emit(it);
    }
}

void registration_tracker::on_sip(const sip_event& e, bool matched)
{
    const sip_record& r = e.record;
    if (!r.has_cseq || r.cseq_method != "REGISTER") {
        return;
    }
    std::string key = r.call_id;
    key.push_back('\0');
    key.append(std::to_string(r.cseq));
    if (r.is_request) {
        std::string account;
        if (auto to = e.msg.to()) {
            account.assign(to->address.user);
            account.push_back('@');
            account.append(to->address.host);
        }
        std::string contact;
        if (auto cs = e.msg.contacts(); cs && !cs->empty()) {
            contact =
                cs->front().star ? std::string("*") : std::string(cs->front().address.address.text);
        }
        auto& row = rows_[{account, contact}];
        if (row.attempts == 0 && row.first_ns == 0) {
            row.account = account;
            row.contact = contact;
            row.first_ns = r.timestamp_ns;
        }
        if (!r.resent) {
            ++row.attempts;
        }
        row.source = r.src;
        row.last_ns = r.timestamp_ns;
        row.matched = row.matched || matched;
        if (pending_.size() >= max_pending_) {
            pending_.clear();
        }
        pending_[key] = {account, contact};
        return;
    }
    if (r.status < 200 || r.resent) {
        return;
    }
    auto p = pending_.find(key);
    if (p == pending_.end()) {
        return;
    }
    auto row_it = rows_.find(p->second);
    pending_.erase(p);
    if (row_it == rows_.end()) {
        return;
    }
    auto& row = row_it->second;
    row.last_ns = r.timestamp_ns;
    row.matched = row.matched || matched;
    if (r.status == 401 || r.status == 407) {
        ++row.challenges;
    } else if (r.status < 300) {
        ++row.successes;
        std::optional<std::uint32_t> granted;
        if (auto cs = e.msg.contacts()) {
            for (const auto& c : *cs) {
                if (!c.star && c.address.address.text == row.contact && c.expires) {
                    granted = c.expires;
                }
            }
            if (!granted && cs->empty()) {
                granted = 0;
            }
        }
        if (!granted) {
            if (auto ex = e.msg.expires(); ex && *ex) {
                granted = **ex;
            }
        }
        row.expires_granted = granted;
    } else {
        ++row.failures;
    }
}

std::vector<registration_info> registration_tracker::results() const
{
    std::vector<registration_info> out;
    out.reserve(rows_.size());
    for (const auto& [k, v] : rows_) {
        out.push_back(v);
    }
    return out;
}

} // namespace ssw::trace
