// SPDX-License-Identifier: MIT
// IP fragment reassembly: interval coverage per datagram, first copy of a byte wins.
#include <ssw/pcap/ip_reassembly.hpp>

#include <algorithm>
#include <cstring>

namespace ssw::pcap {
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

} // namespace

ip_reassembler::ip_reassembler(ip_reassembly_limits limits) : limits_(limits) {}

void ip_reassembler::drop(std::map<key, pending>::iterator it)
{
    buffered_bytes_ -= it->second.data.size();
    datagrams_.erase(it);
}

void ip_reassembler::evict_oldest()
{
    auto oldest = datagrams_.begin();
    for (auto it = datagrams_.begin(); it != datagrams_.end(); ++it) {
        if (it->second.sequence < oldest->second.sequence) {
            oldest = it;
        }
    }
    if (oldest != datagrams_.end()) {
        drop(oldest);
        ++stats_.evicted;
    }
}

std::size_t ip_reassembler::expire(std::int64_t now_ns)
{
    std::size_t n = 0;
    for (auto it = datagrams_.begin(); it != datagrams_.end();) {
        if (elapsed(it->second.first_ns, now_ns) > limits_.timeout.count()) {
            auto victim = it++;
            drop(victim);
            ++n;
        } else {
            ++it;
        }
    }
    stats_.expired += n;
    return n;
}

std::size_t ip_reassembler::flush()
{
    const std::size_t n = datagrams_.size();
    datagrams_.clear();
    buffered_bytes_ = 0;
    stats_.expired += n;
    return n;
}

std::optional<reassembled_datagram> ip_reassembler::on_fragment(const decoded_frame& d,
                                                                std::uint64_t frame_number,
                                                                std::int64_t timestamp_ns)
{
    if (d.kind != frame_kind::ip_fragment) {
        return std::nullopt;
    }
    ++stats_.fragments;
    // Scan for timeouts at most once per capture second: the table is small and bounded.
    if (elapsed(last_expire_ns_, timestamp_ns) >= 1'000'000'000 || timestamp_ns < last_expire_ns_) {
        expire(timestamp_ns);
        last_expire_ns_ = timestamp_ns;
    }
    const std::size_t begin = d.fragment_offset;
    const std::size_t end = begin + d.payload.size();
    if (end > max_reassembled_bytes) {
        ++stats_.invalid;
        return std::nullopt;
    }
    const key k{d.src.version, d.src, d.dst, d.ip_protocol, d.fragment_id};
    auto it = datagrams_.find(k);
    if (it == datagrams_.end()) {
        while (!datagrams_.empty() && datagrams_.size() >= limits_.max_datagrams) {
            evict_oldest();
        }
        pending p;
        p.first_ns = timestamp_ns;
        p.sequence = sequence_++;
        it = datagrams_.emplace(k, std::move(p)).first;
    }
    pending& p = it->second;
    p.frames.push_back(frame_number);
    p.last_ns = timestamp_ns;

    if (!d.more_fragments && !d.truncated) {
        if (!p.total) {
            p.total = static_cast<std::uint32_t>(end);
        } else if (*p.total != end) {
            ++stats_.invalid; // a second, different "last fragment": keep the first
        }
    }
    std::size_t limit = end;
    if (p.total && limit > *p.total) {
        if (begin >= *p.total) {
            ++stats_.invalid;
            return std::nullopt;
        }
        limit = *p.total;
    }
    if (p.data.size() < limit) {
        const std::size_t grow = limit - p.data.size();
        while (buffered_bytes_ + grow > limits_.max_buffered_bytes && datagrams_.size() > 1) {
            // Evict others first; the datagram being filled stays (it is the newest activity).
            auto oldest = datagrams_.end();
            for (auto o = datagrams_.begin(); o != datagrams_.end(); ++o) {
                if (o != it &&
                    (oldest == datagrams_.end() || o->second.sequence < oldest->second.sequence)) {
                    oldest = o;
                }
            }
            drop(oldest);
            ++stats_.evicted;
        }
        if (buffered_bytes_ + grow > limits_.max_buffered_bytes) {
            drop(it);
            ++stats_.evicted;
            return std::nullopt;
        }
        p.data.resize(limit);
        buffered_bytes_ += grow;
    }
    // Copy only the bytes not yet held, then merge the interval into the coverage list.
    auto& cov = p.covered;
    std::size_t cursor = begin;
    bool overlapped = false;
    for (const auto& [cb, ce] : cov) {
        if (ce <= cursor) {
            continue;
        }
        if (cb >= limit) {
            break;
        }
        if (cb > cursor) {
            std::memcpy(p.data.data() + cursor, d.payload.data() + (cursor - begin), cb - cursor);
        }
        overlapped = true;
        cursor = std::max<std::size_t>(cursor, ce);
        if (cursor >= limit) {
            break;
        }
    }
    if (cursor < limit) {
        std::memcpy(p.data.data() + cursor, d.payload.data() + (cursor - begin), limit - cursor);
    }
    if (overlapped) {
        ++stats_.overlaps;
    }
    if (limit > begin) {
        cov.emplace_back(static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(limit));
        std::sort(cov.begin(), cov.end());
        std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
        for (const auto& iv : cov) {
            if (!merged.empty() && iv.first <= merged.back().second) {
                merged.back().second = std::max(merged.back().second, iv.second);
            } else {
                merged.push_back(iv);
            }
        }
        cov = std::move(merged);
    }
    if (!p.total || cov.empty() || cov[0].first != 0 || cov[0].second < *p.total) {
        return std::nullopt;
    }
    buffered_bytes_ -= p.data.size();
    reassembled_datagram out;
    out.ip_version = k.version;
    out.src = k.src;
    out.dst = k.dst;
    out.protocol = k.protocol;
    out.payload = std::move(p.data);
    out.payload.resize(*p.total);
    out.frame_numbers = std::move(p.frames);
    out.first_timestamp_ns = p.first_ns;
    out.last_timestamp_ns = timestamp_ns;
    datagrams_.erase(it);
    ++stats_.completed;
    return out;
}

} // namespace ssw::pcap
