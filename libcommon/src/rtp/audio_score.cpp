// SPDX-License-Identifier: MIT
// Plausibility scoring of payload windows as audio.
#include <ssw/rtp/audio_score.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace ssw::rtp {

codec codec_for_payload_type(std::uint8_t payload_type) noexcept
{
    switch (payload_type) {
    case 0: return codec::pcmu;
    case 8: return codec::pcma;
    case 18: return codec::g729;
    case 13:
    case 19: return codec::comfort_noise;
    default: return codec::unknown;
    }
}

std::string_view to_string(codec c) noexcept
{
    switch (c) {
    case codec::pcmu: return "PCMU";
    case codec::pcma: return "PCMA";
    case codec::g729: return "G729";
    case codec::comfort_noise: return "CN";
    case codec::unknown: return "unknown";
    }
    return "unknown";
}

std::int16_t ulaw_to_linear(std::uint8_t byte) noexcept
{
    const unsigned u = ~unsigned{byte} & 0xffU;
    const unsigned exponent = (u >> 4) & 7U;
    const unsigned mantissa = u & 0x0fU;
    const int magnitude = static_cast<int>(((mantissa << 3) + 0x84U) << exponent) - 0x84;
    return static_cast<std::int16_t>((u & 0x80U) != 0 ? -magnitude : magnitude);
}

std::int16_t alaw_to_linear(std::uint8_t byte) noexcept
{
    const unsigned a = unsigned{byte} ^ 0x55U;
    const unsigned exponent = (a >> 4) & 7U;
    const unsigned mantissa = a & 0x0fU;
    int magnitude = static_cast<int>((mantissa << 4) + 8U);
    if (exponent > 0) {
        magnitude = static_cast<int>(((mantissa << 4) + 0x108U) << (exponent - 1));
    }
    return static_cast<std::int16_t>((a & 0x80U) != 0 ? magnitude : -magnitude);
}

namespace {

double clamp01(double v)
{
    return std::clamp(v, 0.0, 1.0);
}

audio_score score_g711(codec law, std::span<const std::span<const std::uint8_t>> payloads)
{
    std::array<std::int16_t, 256> table{};
    for (unsigned b = 0; b < 256; ++b) {
        table[b] = law == codec::pcmu ? ulaw_to_linear(static_cast<std::uint8_t>(b))
                                      : alaw_to_linear(static_cast<std::uint8_t>(b));
    }
    const std::uint8_t zero_a = law == codec::pcmu ? 0xff : 0xd5;
    const std::uint8_t zero_b = law == codec::pcmu ? 0x7f : 0x55;
    audio_score s;
    s.format = law;
    double energy = 0;
    double lag1 = 0;
    double rank_sum = 0;
    double rank_steps = 0;
    std::size_t silence = 0;
    std::size_t quiet = 0;
    for (const auto& p : payloads) {
        ++s.packets;
        s.bytes += p.size();
        double prev = 0;
        unsigned prev_rank = 0;
        for (std::size_t i = 0; i < p.size(); ++i) {
            const double x = table[p[i]];
            // Magnitude rank 0..127 of the code (log-domain amplitude, sign dropped).
            const unsigned rank =
                law == codec::pcmu ? (~unsigned{p[i]} & 0x7fU) : ((p[i] ^ 0x55U) & 0x7fU);
            rank_sum += rank;
            energy += x * x;
            if (i > 0) {
                lag1 += x * prev;
                rank_steps += rank > prev_rank ? rank - prev_rank : prev_rank - rank;
            }
            prev = x;
            prev_rank = rank;
            silence += (p[i] == zero_a || p[i] == zero_b) ? 1U : 0U;
            quiet += std::fabs(x) < 1036.0 ? 1U : 0U; // -30 dBov of 32768
        }
    }
    if (s.bytes == 0) {
        return s;
    }
    const double n = static_cast<double>(s.bytes);
    s.silence_fraction = static_cast<double>(silence) / n;
    s.quiet_fraction = static_cast<double>(quiet) / n;
    const double rms = std::sqrt(energy / n);
    if (rms < 64.0) {
        // Only (near-)digital silence: cipher output never decodes this quiet.
        s.all_silence = true;
        s.score = 1.0;
        return s;
    }
    s.correlation = lag1 / energy;
    s.mean_rank = rank_sum / n;
    s.mean_rank_step = rank_steps / std::max(1.0, n - static_cast<double>(s.packets));
    // Speech is low-pass: neighbouring samples correlate (r1 > 0.65 even with noise at
    // -30 dBFS or 12 dB of extra gain), while cipher output gives |r1| ~ 1/sqrt(n). XOR with a
    // text key keeps the sign bits and so keeps r1 near 0.3-0.55; a second, weaker path
    // accepts moderate correlation only when the log-domain level also moves smoothly
    // (neighbouring ranks ~10 apart against ~43 for random codes and 18-30 after XOR) and
    // quiet codes dominate (mean rank ~40; text-key XOR pushes it to 75+). Calibrated on
    // espeak-ng speech through sox with added noise and gain.
    const double by_correlation = clamp01((s.correlation - 0.5) / 0.3);
    const double by_texture =
        std::min({clamp01((s.correlation - 0.2) / 0.3), clamp01((20.0 - s.mean_rank_step) / 8.0),
                  clamp01((62.0 - s.mean_rank) / 14.0)});
    s.score = std::max(by_correlation, by_texture);
    return s;
}

audio_score score_g729(std::span<const std::span<const std::uint8_t>> payloads)
{
    audio_score s;
    s.format = codec::g729;
    std::array<std::size_t, 80> ones{};
    std::size_t frames = 0;
    std::size_t well_sized = 0;
    for (const auto& p : payloads) {
        ++s.packets;
        s.bytes += p.size();
        const std::size_t tail = p.size() % 10;
        well_sized += (tail == 0 || tail == 2) ? 1U : 0U;
        for (std::size_t f = 0; f + 10 <= p.size(); f += 10) {
            ++frames;
            for (std::size_t bit = 0; bit < 80; ++bit) {
                ones[bit] += (static_cast<unsigned>(p[f + bit / 8]) >> (7 - bit % 8)) & 1U;
            }
        }
    }
    if (s.packets == 0 || frames == 0) {
        return s;
    }
    // Chi-square of the per-bit one-counts against fair coins: cipher output gives ~80
    // (80 degrees of freedom); codec parameters (gains, pitch, parity) are strongly biased.
    double chi2 = 0;
    const double nf = static_cast<double>(frames);
    for (const std::size_t c : ones) {
        const double d = static_cast<double>(c) - nf / 2;
        chi2 += 4 * d * d / nf;
    }
    s.correlation = chi2 / 80.0;
    const double size_ok = static_cast<double>(well_sized) / static_cast<double>(s.packets);
    // chi2/80 of cipher output is 1 with a standard deviation of sqrt(160)/80 = 0.16 whatever
    // the frame count, so 1.8 (the decision line) is five deviations above it: "not random".
    s.score = size_ok < 0.9 ? 0.0 : clamp01((s.correlation - 1.4) / 0.8);
    return s;
}

audio_score score_cn(std::span<const std::span<const std::uint8_t>> payloads)
{
    audio_score s;
    s.format = codec::comfort_noise;
    std::size_t ok = 0;
    for (const auto& p : payloads) {
        ++s.packets;
        s.bytes += p.size();
        ok += (!p.empty() && p[0] <= 127) ? 1U : 0U;
    }
    if (s.packets == 0) {
        return s;
    }
    s.score = clamp01((static_cast<double>(ok) / static_cast<double>(s.packets) - 0.6) / 0.3);
    return s;
}

} // namespace

audio_score score_audio(codec format, std::span<const std::span<const std::uint8_t>> payloads)
{
    switch (format) {
    case codec::pcmu:
    case codec::pcma: return score_g711(format, payloads);
    case codec::g729: return score_g729(payloads);
    case codec::comfort_noise: return score_cn(payloads);
    case codec::unknown: {
        auto u = score_g711(codec::pcmu, payloads);
        auto a = score_g711(codec::pcma, payloads);
        return a.score > u.score ? a : u;
    }
    }
    return {};
}

} // namespace ssw::rtp
