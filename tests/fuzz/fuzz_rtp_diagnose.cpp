// SPDX-License-Identifier: MIT
// libFuzzer target: audio scoring, static pad recovery and the params reader on arbitrary bytes.
#include <ssw/rtp/audio_score.hpp>
#include <ssw/rtp/diagnosis.hpp>
#include <ssw/rtp/encryption_params.hpp>
#include <ssw/rtp/pad_recovery.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2) {
        return 0;
    }
    // Byte 0 picks the payload type, byte 1 the packet length; the rest is cut into packets.
    const std::uint8_t pt = data[0] & 0x7fU;
    const std::size_t len = 1U + data[1];
    ssw::rtp::stream s;
    s.source = "a:1";
    s.destination = "b:2";
    for (std::size_t at = 2, i = 0; at < size && i < 60; at += len, ++i) {
        ssw::rtp::stream_packet p;
        p.payload_type = pt;
        p.fields = {1, static_cast<std::uint32_t>(i * 160), static_cast<std::uint16_t>(i)};
        p.payload.assign(data + at, data + std::min(size, at + len));
        s.packets.push_back(std::move(p));
    }
    ssw::rtp::diagnosis_options o;
    o.keys.push_back({"k", {'k', 'e', 'y'}, std::nullopt});
    o.try_hypotheses = (data[1] & 1U) != 0;
    (void)ssw::rtp::diagnose({s}, o);
    std::vector<std::span<const std::uint8_t>> views;
    for (const auto& p : s.packets) {
        views.emplace_back(p.payload);
    }
    (void)ssw::rtp::recover_static_pad(ssw::rtp::codec::unknown, views);
    (void)ssw::rtp::score_audio(ssw::rtp::codec::g729, views);
    (void)ssw::rtp::parse_encryption_params(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    return 0;
}
