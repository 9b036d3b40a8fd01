// SPDX-License-Identifier: MIT
// Audio plausibility from byte statistics over a window of RTP payloads (G.711, G.729, CN).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ssw::rtp {

// The payload formats the scoring knows (RFC 3551 static payload types).
enum class codec : std::uint8_t { pcmu, pcma, g729, comfort_noise, unknown };

// PT 0 pcmu, 8 pcma, 18 g729, 13 (and 19) comfort_noise, anything else unknown.
[[nodiscard]] codec codec_for_payload_type(std::uint8_t payload_type) noexcept;
[[nodiscard]] std::string_view to_string(codec c) noexcept;

// ITU-T G.711 decoding to 16-bit linear PCM.
[[nodiscard]] std::int16_t ulaw_to_linear(std::uint8_t byte) noexcept;
[[nodiscard]] std::int16_t alaw_to_linear(std::uint8_t byte) noexcept;

// How plausible a window of payloads is as plain audio of one codec.
// `score` is 0 (looks like cipher output) to 1 (looks like audio); 0.5 is the decision line.
struct audio_score {
    double score = 0;
    codec format = codec::unknown; // for unknown input: the G.711 law that scored higher
    std::size_t packets = 0;
    std::size_t bytes = 0;
    double correlation = 0; // G.711: lag-1 autocorrelation of the decoded signal
    double silence_fraction =
        0;                     // G.711: bytes that are the law's zero codes (0xFF/0x7F, 0xD5/0x55)
    double quiet_fraction = 0; // G.711: samples below -30 dBov
    double mean_rank = 0;      // G.711: mean magnitude rank of the codes (0..127)
    double mean_rank_step = 0; // G.711: mean |rank difference| of neighbouring codes
    bool all_silence = false;  // G.711: nothing but (near-)zero samples
};

// Fewest payloads the scorer decides on ("about a second": 50 packets of 20 ms).
inline constexpr std::size_t min_window_packets = 25;

// Scores `payloads` (one span per packet, arrival order) as `format`. G.711 is led by the
// decoded signal's lag-1 autocorrelation (speech is low-pass, cipher output is white);
// moderate correlation counts only with a smooth log-domain level and mostly quiet codes; G.729
// (RFC 3551 §4.5.6, 10-byte frames, 2-byte SID) uses frame sizes and per-bit bias (provisional: not
// calibrated on real G.729 captures); comfort noise (RFC 3389) checks the noise-level byte is <=
// 127. unknown tries both G.711 laws. Fewer than min_window_packets payloads still score, but the
// caller should say so.
[[nodiscard]] audio_score score_audio(codec format,
                                      std::span<const std::span<const std::uint8_t>> payloads);

} // namespace ssw::rtp
