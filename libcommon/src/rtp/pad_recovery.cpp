// SPDX-License-Identifier: MIT
// Static pad recovery from per-position byte bias of G.711 payloads.
#include <ssw/rtp/pad_recovery.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace ssw::rtp {

namespace {

// Magnitude rank 0..127 of a G.711 byte (0 = the quietest code), sign ignored.
unsigned magnitude_rank(codec law, unsigned byte)
{
    return law == codec::pcmu ? (~byte & 0x7fU) : ((byte ^ 0x55U) & 0x7fU);
}

std::optional<pad_recovery> recover_for(codec law,
                                        std::span<const std::span<const std::uint8_t>> payloads)
{
    std::size_t length = 0;
    for (const auto& p : payloads) {
        length = std::max(length, p.size());
    }
    std::vector<std::size_t> coverage(length, 0);
    for (const auto& p : payloads) {
        for (std::size_t i = 0; i < p.size(); ++i) {
            ++coverage[i];
        }
    }
    while (length > 0 && coverage[length - 1] < min_pad_samples) {
        --length;
    }
    if (length == 0) {
        return std::nullopt;
    }
    // Prior over magnitude ranks: speech amplitudes fall off roughly exponentially in the
    // log domain G.711 codes, with a floor so loud passages do not dominate.
    std::array<double, 128> log_prior{};
    for (unsigned m = 0; m < 128; ++m) {
        log_prior[m] = std::log(std::exp(-static_cast<double>(m) / 20.0) + 0.003);
    }
    // The zero code itself (digital silence, and where quiet noise centres) is much more
    // common than its neighbours; without this the lowest pad bit is weakly determined.
    log_prior[0] += std::log(3.0);
    std::array<std::int16_t, 256> lin{};
    for (unsigned b = 0; b < 256; ++b) {
        lin[b] = law == codec::pcmu ? ulaw_to_linear(static_cast<std::uint8_t>(b))
                                    : alaw_to_linear(static_cast<std::uint8_t>(b));
    }
    std::vector<std::array<std::size_t, 256>> histo(length);
    for (auto& h : histo) {
        h.fill(0);
    }
    for (const auto& p : payloads) {
        for (std::size_t i = 0; i < std::min(length, p.size()); ++i) {
            ++histo[i][p[i]];
        }
    }
    // Log-likelihood of each column under each pad magnitude (bit 7 does not change it).
    std::vector<std::array<double, 128>> column_ll(length);
    for (std::size_t i = 0; i < length; ++i) {
        for (unsigned pad = 0; pad < 128; ++pad) {
            double ll = 0;
            for (unsigned c = 0; c < 256; ++c) {
                if (histo[i][c] != 0) {
                    ll +=
                        static_cast<double>(histo[i][c]) * log_prior[magnitude_rank(law, c ^ pad)];
                }
            }
            column_ll[i][pad] = ll;
        }
    }
    // Best pad magnitude for the pooled columns first, first+step, ...; returns it and its
    // log-likelihood.
    const auto best_magnitude = [&](std::size_t first, std::size_t step) {
        std::array<double, 128> sum{};
        for (std::size_t i = first; i < length; i += step) {
            for (unsigned pad = 0; pad < 128; ++pad) {
                sum[pad] += column_ll[i][pad];
            }
        }
        const auto it = std::max_element(sum.begin(), sum.end());
        return std::pair{static_cast<std::uint8_t>(it - sum.begin()), *it};
    };
    // Sign bits: flipping bit 7 of a pad byte negates every sample it covers; choose the one
    // that makes neighbouring samples agree (speech is low-pass), position by position.
    const auto fix_signs = [&](std::vector<std::uint8_t>& pad, std::size_t period) {
        for (std::size_t j = 1; j < period; ++j) {
            double agree = 0;
            for (const auto& p : payloads) {
                for (std::size_t i = j; i < std::min(length, p.size()); i += period) {
                    agree += static_cast<double>(lin[p[i - 1] ^ pad[(i - 1) % period]]) *
                             static_cast<double>(lin[p[i] ^ pad[j]]);
                }
            }
            if (agree < 0) {
                pad[j] = static_cast<std::uint8_t>(pad[j] ^ 0x80U);
            }
        }
    };
    pad_recovery r;
    r.pad.assign(length, 0);
    r.positions = length;
    double unpooled = 0;
    for (std::size_t i = 0; i < length; ++i) {
        const auto [pad, ll] = best_magnitude(i, length);
        r.pad[i] = pad;
        unpooled += ll;
    }
    fix_signs(r.pad, length);
    // A repeated key: the smallest period whose pooled fit loses little against fitting
    // every column alone. On speech the true period loses ~0.1 nats per extra column and
    // wrong periods lose > 8, so 2 separates them with room.
    for (std::size_t period = 1; period <= length / 2; ++period) {
        double pooled = 0;
        for (std::size_t j = 0; j < period; ++j) {
            pooled += best_magnitude(j, period).second;
        }
        if (unpooled - pooled > 2.0 * static_cast<double>(length - period)) {
            continue;
        }
        std::vector<std::uint8_t> key(period);
        for (std::size_t j = 0; j < period; ++j) {
            key[j] = best_magnitude(j, period).first;
        }
        fix_signs(key, period);
        std::size_t printable = 0;
        std::size_t printable_flipped = 0;
        for (const auto b : key) {
            printable += (b >= 0x20 && b < 0x7f) ? 1U : 0U;
            const unsigned f = b ^ 0x80U;
            printable_flipped += (f >= 0x20 && f < 0x7f) ? 1U : 0U;
        }
        if (printable_flipped > printable) {
            for (auto& b : key) {
                b = static_cast<std::uint8_t>(b ^ 0x80U);
            }
        }
        for (std::size_t i = 0; i < length; ++i) {
            r.pad[i] = key[i % period];
        }
        r.repeated_key = std::move(key);
        break;
    }
    std::vector<std::vector<std::uint8_t>> decrypted;
    decrypted.reserve(payloads.size());
    std::vector<std::span<const std::uint8_t>> views;
    for (const auto& p : payloads) {
        auto& d = decrypted.emplace_back(p.begin(), p.end());
        for (std::size_t i = 0; i < std::min(length, d.size()); ++i) {
            d[i] = static_cast<std::uint8_t>(d[i] ^ r.pad[i]);
        }
        views.emplace_back(d);
    }
    r.score_after = score_audio(law, views).score;
    return r;
}

} // namespace

std::optional<pad_recovery>
recover_static_pad(codec format, std::span<const std::span<const std::uint8_t>> payloads)
{
    if (format == codec::pcmu || format == codec::pcma) {
        return recover_for(format, payloads);
    }
    if (format != codec::unknown) {
        return std::nullopt;
    }
    auto u = recover_for(codec::pcmu, payloads);
    auto a = recover_for(codec::pcma, payloads);
    if (u && a) {
        return a->score_after > u->score_after ? a : u;
    }
    return u ? u : a;
}

} // namespace ssw::rtp
