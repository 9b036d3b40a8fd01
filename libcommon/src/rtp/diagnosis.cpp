// SPDX-License-Identifier: MIT
// The diagnosis engine over in-memory streams.
#include <ssw/rtp/diagnosis.hpp>

#include <algorithm>
#include <map>

namespace ssw::rtp {

namespace {

constexpr double decision_line = 0.5;

// Views of the buffers of packets carrying the scored payload type (comfort noise and DTMF
// packets interleaved in an audio stream would otherwise be scored as audio).
std::vector<std::span<const std::uint8_t>>
views_of(const std::vector<std::vector<std::uint8_t>>& bufs, const stream& s, std::uint8_t pt)
{
    std::vector<std::span<const std::uint8_t>> v;
    v.reserve(bufs.size());
    for (std::size_t i = 0; i < bufs.size(); ++i) {
        if (s.packets[i].payload_type == pt) {
            v.emplace_back(bufs[i]);
        }
    }
    return v;
}

std::uint8_t dominant_payload_type(const stream& s, std::size_t n)
{
    std::map<std::uint8_t, std::size_t> counts;
    for (std::size_t i = 0; i < n; ++i) {
        ++counts[s.packets[i].payload_type];
    }
    std::uint8_t pt = 0;
    std::size_t best = 0;
    for (const auto& [k, c] : counts) {
        if (c > best) {
            best = c;
            pt = k;
        }
    }
    return pt;
}

// Score of the window decrypted with one scheme and key; nullopt if the key does not fit.
std::optional<double> try_candidate(const stream& s, std::size_t n, codec format, std::uint8_t pt,
                                    const crypto::scheme& sc, crypto::key_derivation d,
                                    const crypto::key_bytes& key,
                                    std::vector<std::vector<std::uint8_t>>& scratch)
{
    auto cipher = crypto::scheme_cipher::make(sc, d, key);
    if (!cipher) {
        return std::nullopt;
    }
    scratch.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& p = s.packets[i];
        scratch[i].assign(p.payload.begin(), p.payload.end());
        if (!cipher->decrypt(scratch[i], p.fields)) {
            return std::nullopt;
        }
    }
    const auto v = views_of(scratch, s, pt);
    return score_audio(format, v).score;
}

bool is_fit(const stream_verdict& v)
{
    return v.state == stream_state::plain || v.state == stream_state::decrypted ||
           v.state == stream_state::pad_recovered;
}

std::string describe_match(const stream_match& m, const diagnosis_options& o)
{
    std::string s =
        "mode " + std::to_string(static_cast<int>(m.scheme->native_mode)) + " (" +
        std::string(crypto::to_string(m.scheme->native_mode)) + "), " +
        (m.scheme->native ? "native scheme" : "hypothesis " + std::string(m.scheme->name));
    if (m.scheme->native_mode == crypto::mode::aes128 &&
        m.derivation != crypto::key_derivation::raw) {
        s += " with key derivation " + std::string(crypto::to_string(m.derivation));
    }
    s += ", " + o.keys[m.key_index].label;
    return s;
}

leg_verdict judge_leg(std::size_t f, std::size_t r, const std::vector<stream_verdict>& v,
                      const diagnosis_options& o)
{
    leg_verdict leg;
    leg.forward = f;
    leg.reverse = r;
    const auto& a = v[f];
    if (r == no_stream) {
        if (a.state == stream_state::undetermined) {
            leg.explanation = "too little to judge, and no RTP in the reverse direction";
            return leg;
        }
        leg.finding = leg_finding::one_way;
        leg.explanation = "RTP flows in one direction only (no reverse stream in the capture)";
        return leg;
    }
    const auto& b = v[r];
    if (a.state == stream_state::undetermined || b.state == stream_state::undetermined) {
        leg.explanation = "too few packets or an unscored codec in one direction";
        return leg;
    }
    const bool a_plain = a.state == stream_state::plain;
    const bool b_plain = b.state == stream_state::plain;
    if (a_plain && b_plain) {
        leg.finding = leg_finding::ok;
        leg.explanation = "both directions are plain audio";
        return leg;
    }
    if (a_plain != b_plain) {
        leg.finding = leg_finding::mode_mismatch;
        leg.explanation =
            std::string("one direction is plain and the other encrypted: one side has "
                        "SS_RTPENCRYPTIONMODE 0, the other does not");
        return leg;
    }
    if (a.state == stream_state::decrypted && b.state == stream_state::decrypted) {
        const auto& ma = *a.match;
        const auto& mb = *b.match;
        if (ma.scheme != mb.scheme || ma.derivation != mb.derivation) {
            leg.finding = leg_finding::mode_mismatch;
            leg.explanation =
                "the directions use different modes or schemes: " + describe_match(ma, o) +
                " versus " + describe_match(mb, o);
            return leg;
        }
        if (o.keys[ma.key_index].key != o.keys[mb.key_index].key) {
            leg.finding = leg_finding::key_mismatch;
            leg.explanation = "both directions decrypt, but with different keys (" +
                              o.keys[ma.key_index].label + " and " + o.keys[mb.key_index].label +
                              ")";
            return leg;
        }
        leg.finding = leg_finding::ok;
        leg.explanation = "both directions decrypt with " + describe_match(ma, o);
        return leg;
    }
    if (a.state == stream_state::encrypted && b.state == stream_state::encrypted) {
        leg.finding = leg_finding::key_mismatch;
        leg.explanation = o.keys.empty()
                              ? "both directions are encrypted and no key was given"
                              : "both directions are encrypted and no candidate key fits either";
        return leg;
    }
    if (a.state == stream_state::encrypted || b.state == stream_state::encrypted) {
        leg.finding = leg_finding::one_way;
        leg.explanation =
            "only one direction decrypts; the other uses a key or mode not among the candidates";
        return leg;
    }
    // Both recovered without a key, or one recovered and one decrypted.
    const bool same_pad = a.pad && b.pad && a.pad->repeated_key && b.pad->repeated_key &&
                          *a.pad->repeated_key == *b.pad->repeated_key;
    leg.finding = same_pad ? leg_finding::ok : leg_finding::key_mismatch;
    leg.explanation = same_pad ? "both directions use the same recovered static key"
                               : "the directions decode with different keys or pads";
    if (!is_fit(a) || !is_fit(b)) {
        leg.finding = leg_finding::undetermined;
    }
    return leg;
}

} // namespace

std::string_view to_string(stream_state s) noexcept
{
    switch (s) {
    case stream_state::plain: return "plain";
    case stream_state::decrypted: return "decrypted";
    case stream_state::pad_recovered: return "pad_recovered";
    case stream_state::encrypted: return "encrypted";
    case stream_state::undetermined: return "undetermined";
    }
    return "undetermined";
}

std::string_view to_string(leg_finding f) noexcept
{
    switch (f) {
    case leg_finding::ok: return "ok";
    case leg_finding::mode_mismatch: return "mode_mismatch";
    case leg_finding::key_mismatch: return "key_mismatch";
    case leg_finding::one_way: return "one_way";
    case leg_finding::undetermined: return "undetermined";
    }
    return "undetermined";
}

stream_verdict diagnose_stream(const stream& s, const diagnosis_options& o)
{
    stream_verdict v;
    const std::size_t n = std::min(s.packets.size(), o.window_packets);
    v.packets_analysed = n;
    if (n == 0) {
        return v;
    }
    const std::uint8_t pt = dominant_payload_type(s, n);
    v.format = codec_for_payload_type(pt);
    std::vector<std::span<const std::uint8_t>> raw;
    raw.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (s.packets[i].payload_type == pt) {
            raw.emplace_back(s.packets[i].payload);
        }
    }
    const auto plain = score_audio(v.format, raw);
    v.plain_score = plain.score;
    if (v.format == codec::unknown) {
        v.format = plain.format; // the G.711 law that fitted better
    }
    if (raw.size() < min_window_packets) {
        return v;
    }
    if (plain.score >= decision_line) {
        v.state = stream_state::plain;
        return v;
    }
    v.state = stream_state::encrypted;
    std::vector<std::vector<std::uint8_t>> scratch;
    std::optional<stream_match> best;
    std::vector<double> best_per_key(o.keys.size(), 0.0);
    for (std::size_t k = 0; k < o.keys.size(); ++k) {
        for (const auto& sc : crypto::all_schemes()) {
            if (!sc.native && !o.try_hypotheses) {
                continue;
            }
            const bool aes = sc.native_mode == crypto::mode::aes128;
            for (const auto d : {crypto::key_derivation::raw, crypto::key_derivation::padded,
                                 crypto::key_derivation::md5}) {
                if (!aes && d != crypto::key_derivation::raw) {
                    continue;
                }
                if (aes && d == crypto::key_derivation::padded &&
                    o.keys[k].key.size() == crypto::aes128_key_bytes) {
                    continue; // same key as raw
                }
                const auto score = try_candidate(s, n, v.format, pt, sc, d, o.keys[k].key, scratch);
                if (!score) {
                    continue;
                }
                best_per_key[k] = std::max(best_per_key[k], *score);
                // Strictly greater: the native scheme and raw derivation win ties (xor-static
                // gives the same bytes as native mode 1).
                if (!best || *score > best->confidence) {
                    best = stream_match{k, &sc, d, *score, 0};
                }
            }
        }
    }
    if (best && best->confidence >= decision_line) {
        for (std::size_t k = 0; k < o.keys.size(); ++k) {
            if (k != best->key_index && o.keys[k].key != o.keys[best->key_index].key) {
                best->runner_up = std::max(best->runner_up, best_per_key[k]);
            }
        }
        v.state = stream_state::decrypted;
        v.match = best;
        return v;
    }
    if (o.recover_pad &&
        (v.format == codec::pcmu || v.format == codec::pcma || v.format == codec::unknown)) {
        auto pad = recover_static_pad(v.format, raw);
        if (pad && pad->score_after >= decision_line) {
            v.state = stream_state::pad_recovered;
            v.pad = std::move(pad);
        }
    }
    return v;
}

diagnosis_report diagnose(const std::vector<stream>& streams, const diagnosis_options& options)
{
    diagnosis_report rep;
    rep.streams.reserve(streams.size());
    for (const auto& s : streams) {
        rep.streams.push_back(diagnose_stream(s, options));
    }
    std::vector<bool> used(streams.size(), false);
    for (std::size_t i = 0; i < streams.size(); ++i) {
        if (used[i]) {
            continue;
        }
        used[i] = true;
        std::size_t rev = no_stream;
        for (std::size_t j = i + 1; j < streams.size(); ++j) {
            if (!used[j] && streams[j].source == streams[i].destination &&
                streams[j].destination == streams[i].source) {
                rev = j;
                used[j] = true;
                break;
            }
        }
        rep.legs.push_back(judge_leg(i, rev, rep.streams, options));
    }
    rep.clean = true;
    for (const auto& v : rep.streams) {
        if (v.state != stream_state::plain && v.state != stream_state::decrypted) {
            rep.clean = false;
        }
    }
    for (const auto& l : rep.legs) {
        if (l.finding != leg_finding::ok) {
            rep.clean = false;
        }
    }
    return rep;
}

} // namespace ssw::rtp
