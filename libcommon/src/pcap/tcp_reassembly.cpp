// SPDX-License-Identifier: MIT
// TCP stream reassembly: per-direction offsets, held out-of-order segments, LRU expiry.
#include <ssw/pcap/tcp_reassembly.hpp>

#include <list>

namespace ssw::pcap {

std::size_t flow_key_hash::operator()(const flow_key& k) const noexcept
{
    std::uint64_t h = 1469598103934665603ULL;
    const auto mix = [&h](std::uint8_t b) {
        h ^= b;
        h *= 1099511628211ULL;
    };
    for (const endpoint* e : {&k.src, &k.dst}) {
        const std::size_t n = e->address.version == 4 ? 4 : 16;
        for (std::size_t i = 0; i < n; ++i) {
            mix(e->address.bytes[i]);
        }
        mix(static_cast<std::uint8_t>(e->port >> 8));
        mix(static_cast<std::uint8_t>(e->port & 0xff));
    }
    return static_cast<std::size_t>(h);
}

namespace {

// now - then without overflow (times come from untrusted captures).
std::int64_t elapsed(std::int64_t then, std::int64_t now)
{
    std::int64_t d = 0;
    if (__builtin_sub_overflow(now, then, &d)) {
        return now > then ? INT64_MAX : INT64_MIN;
    }
    return d;
}

struct held_segment {
    std::vector<std::uint8_t> bytes;
    std::vector<std::uint64_t> frames;
    std::int64_t timestamp_ns = 0;
};

struct direction {
    std::uint32_t base_seq = 0; // sequence number of stream offset 0
    std::uint32_t isn = 0;
    bool syn_seen = false;
    std::uint64_t offset = 0; // next stream offset to deliver
    bool fin_pending = false;
    std::uint64_t fin_offset = 0;
    std::vector<std::uint64_t> fin_frames;
    std::map<std::uint64_t, held_segment> held;
    std::size_t held_bytes = 0;
    std::int64_t last_ns = 0;
    bool closed = false; // FIN delivered: kept until idle so late copies are not a new stream
    std::list<flow_key>::iterator lru;
};

} // namespace

struct tcp_reassembler::state {
    tcp_consumer consumer;
    tcp_reassembly_limits limits;
    std::unordered_map<flow_key, direction, flow_key_hash> flows;
    std::list<flow_key> lru; // least recently active first
    std::size_t total_held = 0;
    std::int64_t last_expire_ns = 0;
    tcp_reassembly_stats stats;

    using iterator = std::unordered_map<flow_key, direction, flow_key_hash>::iterator;

    void emit(tcp_event ev, const flow_key& key, std::span<const std::uint8_t> data,
              std::uint64_t offset, std::uint64_t missing, std::span<const std::uint64_t> frames,
              std::int64_t ts)
    {
        tcp_chunk c;
        c.event = ev;
        c.key = key;
        c.data = data;
        c.stream_offset = offset;
        c.missing_bytes = missing;
        c.frames = frames;
        c.timestamp_ns = ts;
        consumer(c);
    }

    void deliver(const flow_key& key, direction& dir, std::span<const std::uint8_t> bytes,
                 std::span<const std::uint64_t> frames, std::int64_t ts)
    {
        if (bytes.empty()) {
            return;
        }
        emit(tcp_event::data, key, bytes, dir.offset, 0, frames, ts);
        dir.offset += bytes.size();
    }

    void unhold(direction& dir, std::map<std::uint64_t, held_segment>::iterator h)
    {
        dir.held_bytes -= h->second.bytes.size();
        total_held -= h->second.bytes.size();
        dir.held.erase(h);
    }

    // Delivers held segments that now continue the stream.
    void drain(const flow_key& key, direction& dir)
    {
        while (!dir.held.empty()) {
            auto h = dir.held.begin();
            if (h->first > dir.offset) {
                return;
            }
            const std::uint64_t end = h->first + h->second.bytes.size();
            if (end > dir.offset) {
                const std::span<const std::uint8_t> all(h->second.bytes);
                deliver(key, dir, all.subspan(dir.offset - h->first), h->second.frames,
                        h->second.timestamp_ns);
            } else {
                ++stats.retransmitted;
            }
            unhold(dir, h);
        }
    }

    // Declares the hole before the first held segment lost and continues after it.
    void skip_gap(const flow_key& key, direction& dir)
    {
        auto h = dir.held.begin();
        const std::uint64_t missing = h->first - dir.offset;
        emit(tcp_event::gap, key, {}, dir.offset, missing, h->second.frames,
             h->second.timestamp_ns);
        ++stats.gaps;
        stats.gap_bytes += missing;
        dir.offset = h->first;
        drain(key, dir);
    }

    void close(iterator it, tcp_event ev, std::span<const std::uint64_t> frames, std::int64_t ts)
    {
        const flow_key key = it->first;
        direction& dir = it->second;
        if (!dir.closed) {
            while (!dir.held.empty()) {
                skip_gap(key, dir);
            }
            emit(ev, key, {}, dir.offset, 0, frames, ts);
        }
        if (ev == tcp_event::fin) {
            dir.closed = true;
            return;
        }
        lru.erase(dir.lru);
        flows.erase(it);
    }

    iterator open(const flow_key& key, std::uint32_t base_seq,
                  std::span<const std::uint64_t> frames, std::int64_t ts)
    {
        while (!flows.empty() && flows.size() >= limits.max_flows) {
            auto victim = flows.find(lru.front());
            close(victim, tcp_event::expired, {}, ts);
            ++stats.flows_evicted;
        }
        auto [it, inserted] = flows.try_emplace(key);
        direction& dir = it->second;
        dir.base_seq = base_seq;
        dir.last_ns = ts;
        dir.lru = lru.insert(lru.end(), key);
        ++stats.flows_opened;
        emit(tcp_event::open, key, {}, 0, 0, frames, ts);
        return it;
    }

    void enforce_limits(const flow_key& key, direction& dir)
    {
        while (!dir.held.empty() && dir.held_bytes > limits.max_flow_buffer_bytes) {
            skip_gap(key, dir);
        }
        if (!dir.held.empty() && total_held > limits.max_total_buffer_bytes) {
            // Resync the least recently active directions first, this one last.
            for (auto k = lru.begin(); k != lru.end() && total_held > limits.max_total_buffer_bytes;
                 ++k) {
                auto other = flows.find(*k);
                while (!other->second.held.empty() && total_held > limits.max_total_buffer_bytes) {
                    skip_gap(other->first, other->second);
                }
            }
        }
    }
};

tcp_reassembler::tcp_reassembler(tcp_consumer consumer, tcp_reassembly_limits limits)
    : state_(std::make_unique<state>())
{
    state_->consumer = std::move(consumer);
    state_->limits = limits;
}

tcp_reassembler::~tcp_reassembler() = default;

void tcp_reassembler::on_segment(const decoded_frame& d, std::span<const std::uint64_t> frames,
                                 std::int64_t timestamp_ns)
{
    if (d.kind != frame_kind::tcp) {
        return;
    }
    state& s = *state_;
    ++s.stats.segments;
    if (elapsed(s.last_expire_ns, timestamp_ns) >= 1'000'000'000 ||
        timestamp_ns < s.last_expire_ns) {
        expire(timestamp_ns);
        s.last_expire_ns = timestamp_ns;
    }
    const flow_key key{d.source(), d.destination()};
    auto it = s.flows.find(key);
    const std::uint8_t flags = d.tcp_flags;

    if ((flags & tcp_flags::rst) != 0) {
        if (it != s.flows.end()) {
            s.close(it, tcp_event::reset, frames, timestamp_ns);
        }
        auto rev = s.flows.find(key.reversed());
        if (rev != s.flows.end()) {
            s.close(rev, tcp_event::reset, frames, timestamp_ns);
        }
        return;
    }

    std::uint32_t data_seq = d.tcp_seq;
    if ((flags & tcp_flags::syn) != 0) {
        data_seq = d.tcp_seq + 1;
        if (it != s.flows.end() &&
            (it->second.closed || !(it->second.syn_seen && it->second.isn == d.tcp_seq))) {
            // A new connection reusing the 4-tuple: finish the old one first.
            s.close(it, tcp_event::expired, {}, timestamp_ns);
            it = s.flows.end();
        } else if (it != s.flows.end()) {
            ++s.stats.retransmitted;
        }
        if (it == s.flows.end()) {
            it = s.open(key, data_seq, frames, timestamp_ns);
            it->second.syn_seen = true;
            it->second.isn = d.tcp_seq;
        }
    } else if (it == s.flows.end()) {
        if (d.payload.empty()) {
            return; // a bare ACK or FIN of a stream we never saw carries nothing to deliver
        }
        it = s.open(key, data_seq, frames, timestamp_ns);
    }

    direction& dir = it->second;
    dir.last_ns = timestamp_ns;
    s.lru.splice(s.lru.end(), s.lru, dir.lru);
    if (dir.closed) {
        ++s.stats.dropped; // a late copy after FIN
        return;
    }

    const auto next_seq =
        static_cast<std::uint32_t>(dir.base_seq + static_cast<std::uint32_t>(dir.offset));
    const auto rel = static_cast<std::int32_t>(data_seq - next_seq);
    const std::int64_t abs = static_cast<std::int64_t>(dir.offset) + rel;
    const auto len = static_cast<std::int64_t>(d.payload.size());
    const auto offset = static_cast<std::int64_t>(dir.offset);

    if (abs + len < 0 || rel > static_cast<std::int64_t>(s.limits.max_sequence_jump)) {
        ++s.stats.dropped;
        return;
    }
    if ((flags & tcp_flags::fin) != 0 && !dir.fin_pending && abs + len >= offset) {
        dir.fin_pending = true;
        dir.fin_offset = static_cast<std::uint64_t>(abs + len);
        dir.fin_frames.assign(frames.begin(), frames.end());
    }
    if (len > 0) {
        if (abs + len <= offset) {
            ++s.stats.retransmitted;
        } else if (abs <= offset) {
            if (abs < offset) {
                ++s.stats.retransmitted;
            }
            s.deliver(key, dir, d.payload.subspan(static_cast<std::size_t>(offset - abs)), frames,
                      timestamp_ns);
            s.drain(key, dir);
        } else {
            ++s.stats.out_of_order;
            const auto at = static_cast<std::uint64_t>(abs);
            auto h = dir.held.find(at);
            if (h == dir.held.end() || h->second.bytes.size() < d.payload.size()) {
                if (h != dir.held.end()) {
                    s.unhold(dir, h);
                }
                held_segment seg;
                seg.bytes.assign(d.payload.begin(), d.payload.end());
                seg.frames.assign(frames.begin(), frames.end());
                seg.timestamp_ns = timestamp_ns;
                dir.held_bytes += seg.bytes.size();
                s.total_held += seg.bytes.size();
                dir.held.emplace(at, std::move(seg));
                s.enforce_limits(key, dir);
            } else {
                ++s.stats.retransmitted;
            }
        }
    }
    if (dir.fin_pending && dir.offset >= dir.fin_offset) {
        const std::vector<std::uint64_t> fin_frames = std::move(dir.fin_frames);
        s.close(it, tcp_event::fin, fin_frames, timestamp_ns);
    }
}

std::size_t tcp_reassembler::expire(std::int64_t now_ns)
{
    state& s = *state_;
    std::size_t n = 0;
    while (!s.lru.empty()) {
        auto it = s.flows.find(s.lru.front());
        if (elapsed(it->second.last_ns, now_ns) <= s.limits.idle_timeout.count()) {
            break;
        }
        s.close(it, tcp_event::expired, {}, now_ns);
        ++n;
    }
    return n;
}

void tcp_reassembler::flush()
{
    state& s = *state_;
    while (!s.lru.empty()) {
        auto it = s.flows.find(s.lru.front());
        s.close(it, tcp_event::expired, {}, it->second.last_ns);
    }
}

std::size_t tcp_reassembler::flows() const noexcept
{
    return state_->flows.size();
}
std::size_t tcp_reassembler::buffered_bytes() const noexcept
{
    return state_->total_held;
}
const tcp_reassembly_stats& tcp_reassembler::stats() const noexcept
{
    return state_->stats;
}

} // namespace ssw::pcap
