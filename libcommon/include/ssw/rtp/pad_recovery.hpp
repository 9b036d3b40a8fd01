// SPDX-License-Identifier: MIT
// Key-less recovery of a static XOR pad from G.711 silence bias (rtpcrypt(1), diagnose).
#pragma once

#include <ssw/rtp/audio_score.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ssw::rtp {

// Positions need at least this many packets covering them to be estimated.
inline constexpr std::size_t min_pad_samples = 20;

// What recover_static_pad found.
struct pad_recovery {
    std::vector<std::uint8_t> pad;                         // per payload position
    std::optional<std::vector<std::uint8_t>> repeated_key; // when pad[i] == key[i mod len]
    double score_after = 0; // audio score of the window decrypted with the pad
    std::size_t positions = 0;
};

// For schemes whose keystream is the same in every packet (XOR with a static key,
// rc4-static, any per-packet cipher with a fixed IV), estimates the pad position by position:
// the byte value that makes the column of decrypted G.711 bytes most like speech amplitudes
// (silence pulls towards the law's zero codes), then the sign bits from the smoothness of
// neighbouring samples. If the pad repeats with a period (all but a few positions agree) the
// period is reported as the key; the global sign is then chosen so the key is printable ASCII
// when possible (the other polarity decodes to the same audio, inverted). Needs a G.711
// codec (unknown tries PCMU then PCMA). nullopt when there are too few packets.
[[nodiscard]] std::optional<pad_recovery>
recover_static_pad(codec format, std::span<const std::span<const std::uint8_t>> payloads);

} // namespace ssw::rtp
