// SPDX-License-Identifier: MIT
// SIP extraction from captures: UDP payloads and framed TCP streams, keep-alives, resend marking.
#include <ssw/core/text.hpp>
#include <ssw/pcap/sip_sniff.hpp>
#include <ssw/sip/stream_framer.hpp>
#include <ssw/trace/sip_extractor.hpp>

#include <algorithm>
#include <deque>
#include <unordered_map>

namespace ssw::trace {

std::string_view to_string(transport t) noexcept
{
    return t == transport::udp ? "UDP" : "TCP";
}

std::string_view to_string(keepalive_kind k) noexcept
{
    switch (k) {
    case keepalive_kind::crlf: return "crlf";
    case keepalive_kind::text: return "text";
    case keepalive_kind::stun: return "stun";
    case keepalive_kind::zeros: return "zeros";
    }
    return "unknown";
}

bool classify_keepalive(std::span<const std::uint8_t> p, keepalive_kind& kind) noexcept
{
    if (p.empty() || p.size() > max_keepalive_bytes) {
        return false;
    }
    if (std::all_of(p.begin(), p.end(), [](std::uint8_t c) { return c == '\r' || c == '\n'; })) {
        kind = keepalive_kind::crlf;
        return true;
    }
    if (std::all_of(p.begin(), p.end(), [](std::uint8_t c) { return c == 0; })) {
        kind = keepalive_kind::zeros;
        return true;
    }
    // RFC 5389 §6: 20-byte header, top two bits zero, magic cookie, length = attributes.
    if (p.size() >= 20 && (p[0] & 0xc0) == 0 && p[4] == 0x21 && p[5] == 0x12 && p[6] == 0xa4 &&
        p[7] == 0x42 && static_cast<std::size_t>(p[2] << 8 | p[3]) + 20 == p.size()) {
        kind = keepalive_kind::stun;
        return true;
    }
    const bool printable = std::all_of(p.begin(), p.end(), [](std::uint8_t c) {
        return (c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\t' || c == 0;
    });
    if (printable && p[0] >= 0x20 && p[0] < 0x7f) {
        kind = keepalive_kind::text;
        return true;
    }
    return false;
}

bool resend_detector::on_message(const sip_record& r)
{
    if (r.proto != transport::udp || !r.has_cseq) {
        return false;
    }
    key_.assign(r.call_id);
    key_.push_back('\0');
    const auto put = [this](const pcap::endpoint& e) {
        key_.push_back(static_cast<char>(e.address.version));
        key_.append(reinterpret_cast<const char*>(e.address.bytes.data()),
                    e.address.version == 6 ? 16 : 4);
        key_.push_back(static_cast<char>(e.port >> 8));
        key_.push_back(static_cast<char>(e.port & 0xff));
    };
    put(r.src);
    put(r.dst);
    if (r.timestamp_ns - generation_start_ns_ >= generation_ns ||
        r.timestamp_ns < generation_start_ns_) {
        previous_ = std::move(states_);
        states_.clear();
        generation_start_ns_ = r.timestamp_ns;
    }
    auto it = states_.find(key_);
    if (it == states_.end()) {
        if (auto old = previous_.find(key_); old != previous_.end()) {
            it = states_.emplace(key_, std::move(old->second)).first;
            previous_.erase(old);
        }
    }
    std::uint32_t compare = 0;
    if (it == states_.end()) {
        if (states_.size() >= max_entries_) {
            states_.clear();
        }
        it = states_.emplace(key_, state{r.cseq, r.cseq_method, 0, 0}).first;
    } else {
        compare = it->second.cseq;
        if (r.cseq != it->second.cseq) {
            it->second = state{r.cseq, r.cseq_method, it->second.last_final, 0};
        }
    }
    state& s = it->second;
    bool resent = false;
    if (r.is_request && r.cseq == compare && s.phase == 1 && r.cseq_method == s.method &&
        r.cseq_method != "ACK" && r.cseq_method != "CANCEL") {
        resent = true;
    }
    if (!r.is_request && r.cseq == compare && s.phase == 3 && r.cseq_method == s.method &&
        r.status >= 200 && r.status == s.last_final) {
        resent = true;
    }
    if (r.is_request) {
        s.phase = 1;
    } else if (r.status >= 200) {
        s.last_final = r.status;
        s.phase = 3;
    } else {
        s.phase = 2;
    }
    return resent;
}

namespace {

// One TCP direction carrying SIP.
struct tcp_direction {
    sip::stream_framer framer{
        sip::framer_limits{max_stream_header_bytes, max_stream_message_bytes}};
    std::deque<std::pair<std::uint64_t, std::uint64_t>> chunk_frames; // (stream end offset, frame)
    std::uint64_t appended = 0;          // stream bytes given to the framer
    std::uint64_t consumed = 0;          // stream bytes framed
    std::uint64_t first_chunk_start = 0; // stream offset where chunk_frames.front() begins
    bool sip = false;                    // decided at the first data
    bool decided = false;
};

} // namespace

struct sip_extractor::impl {
    extractor_handlers handlers;
    pcap::capture_decoder decoder;
    extractor_stats stats;
    sip::message msg;
    sip_record record;
    resend_detector resends;
    std::string lenient_;
    std::vector<std::uint64_t> frame_scratch;
    std::unordered_map<pcap::flow_key, tcp_direction, pcap::flow_key_hash> flows;

    impl(extractor_handlers h, pcap::capture_limits limits)
        : handlers(std::move(h)), decoder(pcap::capture_handlers{
                                              [this](const pcap::udp_datagram& d) { on_udp(d); },
                                              [this](const pcap::tcp_chunk& c) { on_tcp(c); },
                                              {},
                                              {},
                                          },
                                          limits)
    {
    }

    void emit(std::string_view bytes, sip::framing mode, const pcap::endpoint& src,
              const pcap::endpoint& dst, transport proto, std::int64_t ts,
              std::span<const std::uint64_t> frames)
    {
        sip::parse_options opt;
        opt.mode = mode;
        opt.limits.max_message_bytes = max_stream_message_bytes;
        if (auto r = sip::parse_message(bytes, msg, opt); !r) {
            // A datagram whose Content-Length is wrong or unreadable, or that ends without the
            // empty line, is still a SIP message to a tracer (tshark counts it too): retry on a
            // copy with the header masked (the body runs to the end of the datagram) and the
            // header section closed.
            if (mode != sip::framing::datagram || !make_lenient(bytes) ||
                !sip::parse_message(lenient_, msg, opt)) {
                ++stats.bad_sip;
                if (handlers.on_bad_sip) {
                    handlers.on_bad_sip(r.error(), frames);
                }
                return;
            }
        }
        ++stats.sip_messages;
        ++(proto == transport::udp ? stats.sip_udp : stats.sip_tcp);
        if (!handlers.on_sip) {
            return;
        }
        sip_record& rec = record;
        rec.timestamp_ns = ts;
        rec.src = src;
        rec.dst = dst;
        rec.proto = proto;
        rec.is_request = msg.is_request();
        rec.method.assign(msg.method());
        rec.status = msg.status_code();
        rec.reason.assign(msg.reason());
        rec.call_id.assign(msg.call_id());
        rec.has_cseq = false;
        rec.cseq = 0;
        rec.cseq_method.clear();
        if (auto c = msg.cseq()) {
            rec.has_cseq = true;
            rec.cseq = c->number;
            rec.cseq_method.assign(c->method);
        }
        rec.from_user.clear();
        rec.from_tag.clear();
        rec.to_user.clear();
        rec.to_tag.clear();
        if (handlers.parties) {
            if (auto f = msg.from()) {
                rec.from_user.assign(f->address.user);
                rec.from_tag.assign(f->tag());
            }
            if (auto t = msg.to()) {
                rec.to_user.assign(t->address.user);
                rec.to_tag.assign(t->tag());
            }
        }
        rec.frames.assign(frames.begin(), frames.end());
        rec.resent = resends.on_message(rec);
        handlers.on_sip(sip_event{rec, msg});
    }

    // Copies `bytes` into lenient_ with every Content-Length field renamed to an extension
    // header of the same length and an empty line added if the headers run to the end; false
    // when neither applied.
    bool make_lenient(std::string_view bytes)
    {
        lenient_.assign(bytes);
        bool masked = false;
        bool closed = false;
        std::size_t line = 0;
        while (line < lenient_.size()) {
            const std::size_t eol = lenient_.find('\n', line);
            const std::size_t end = eol == std::string::npos ? lenient_.size() : eol;
            std::string_view text(lenient_.data() + line, end - line);
            if (text.empty() || text == "\r") {
                if (line != 0) {
                    closed = true; // the empty line ending the headers
                    break;
                }
            }
            const std::size_t colon = text.find(':');
            if (colon != std::string_view::npos) {
                const std::string_view name = core::trim(text.substr(0, colon));
                if (core::iequals(name, "content-length") || core::iequals(name, "l")) {
                    const std::size_t at = static_cast<std::size_t>(name.data() - lenient_.data());
                    lenient_[at] = 'X';
                    masked = true;
                }
            }
            if (eol == std::string::npos) {
                break;
            }
            line = eol + 1;
        }
        if (!closed) {
            lenient_.append(lenient_.ends_with("\r\n") ? "\r\n" : "\r\n\r\n");
            return true;
        }
        return masked;
    }

    void on_udp(const pcap::udp_datagram& d)
    {
        const std::span<const std::uint8_t> p = d.payload;
        if (pcap::looks_like_sip(p)) {
            emit(std::string_view(reinterpret_cast<const char*>(p.data()), p.size()),
                 sip::framing::datagram, d.src, d.dst, transport::udp, d.timestamp_ns, d.frames);
            return;
        }
        keepalive_kind kind{};
        if (classify_keepalive(p, kind)) {
            ++stats.keepalives;
            if (handlers.on_keepalive) {
                handlers.on_keepalive(keepalive_record{d.timestamp_ns, d.src, d.dst, kind, p.size(),
                                                       d.frames.empty() ? 0 : d.frames.back()});
            }
            return;
        }
        if (handlers.on_other_udp) {
            handlers.on_other_udp(d);
        }
    }

    void on_tcp(const pcap::tcp_chunk& c)
    {
        switch (c.event) {
        case pcap::tcp_event::open:
        case pcap::tcp_event::fin:
        case pcap::tcp_event::reset:
        case pcap::tcp_event::expired: flows.erase(c.key); return;
        case pcap::tcp_event::gap: {
            // Bytes are missing: resynchronise at the next chunk that starts a message.
            auto it = flows.find(c.key);
            if (it != flows.end()) {
                it->second = tcp_direction{};
            }
            return;
        }
        case pcap::tcp_event::data: break;
        }
        if (c.data.empty()) {
            return;
        }
        auto [it, inserted] = flows.try_emplace(c.key);
        tcp_direction& dir = it->second;
        const std::string_view bytes(reinterpret_cast<const char*>(c.data.data()), c.data.size());
        if (!dir.decided) {
            dir.decided = true;
            dir.sip = pcap::looks_like_sip(c.data);
        }
        if (!dir.sip) {
            return;
        }
        dir.framer.append(bytes);
        dir.appended += c.data.size();
        for (const auto f : c.frames) {
            dir.chunk_frames.emplace_back(dir.appended, f);
        }
        for (;;) {
            const sip::frame fr = dir.framer.next();
            if (fr.status == sip::frame_status::need_more) {
                break;
            }
            if (fr.status == sip::frame_status::invalid) {
                ++stats.tcp_framing_errors;
                if (handlers.on_bad_sip) {
                    const std::uint64_t f = c.frames.empty() ? 0 : c.frames.back();
                    handlers.on_bad_sip(make_error(errc::parse_error,
                                                   "cannot frame SIP over TCP: " + fr.reason,
                                                   "frame " + std::to_string(f)),
                                        c.frames);
                }
                dir = tcp_direction{};
                dir.decided = true;
                dir.sip = false;
                break;
            }
            const std::uint64_t start = dir.consumed + fr.skip;
            const std::uint64_t end = start + fr.length;
            dir.consumed = end;
            if (fr.kind != sip::frame_kind::message) {
                continue;
            }
            frame_scratch.clear();
            std::uint64_t chunk_start = dir.first_chunk_start;
            for (const auto& [chunk_end, frame] : dir.chunk_frames) {
                if (chunk_end > start && chunk_start < end &&
                    (frame_scratch.empty() || frame_scratch.back() != frame)) {
                    frame_scratch.push_back(frame);
                }
                if (chunk_end >= end) {
                    break;
                }
                chunk_start = chunk_end;
            }
            emit(dir.framer.current(), sip::framing::stream, c.key.src, c.key.dst, transport::tcp,
                 c.timestamp_ns, frame_scratch);
        }
        while (!dir.chunk_frames.empty() && dir.chunk_frames.front().first <= dir.consumed) {
            dir.first_chunk_start = dir.chunk_frames.front().first;
            dir.chunk_frames.pop_front();
        }
    }
};

sip_extractor::sip_extractor(extractor_handlers handlers, pcap::capture_limits limits)
    : impl_(std::make_unique<impl>(std::move(handlers), limits))
{
}

sip_extractor::~sip_extractor() = default;

void sip_extractor::on_packet(const pcap::packet& p)
{
    impl_->decoder.on_packet(p);
}

void sip_extractor::finish()
{
    impl_->decoder.finish();
}

result<void> sip_extractor::run(pcap::reader& in,
                                const std::function<void(const pcap::reader&)>& progress)
{
    return pcap::decode_capture(in, impl_->decoder, progress);
}

const extractor_stats& sip_extractor::stats() const noexcept
{
    return impl_->stats;
}

pcap::capture_stats sip_extractor::capture_stats() const
{
    return impl_->decoder.stats();
}

} // namespace ssw::trace
