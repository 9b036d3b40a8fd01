// SPDX-License-Identifier: MIT
// Test helper: RTP streams of real (espeak-ng + sox) G.711 speech, encrypted at will, and
// written into pcap files of UDP/IPv4/Ethernet frames. Header-only.
#pragma once

#include "support/pcap_builder.hpp"

#include <ssw/crypto/scheme.hpp>
#include <ssw/rtp/diagnosis.hpp>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace ssw::test::rtp_speech {

// The committed fixture (tests/data/rtp/PROVENANCE.md): 8 s of 8 kHz G.711 speech.
inline const std::vector<std::uint8_t>& speech(bool alaw = false)
{
    static const auto load = [](const char* name) {
        std::ifstream f(std::string(SSW_TEST_DATA_DIR) + "/rtp/" + name, std::ios::binary);
        std::vector<std::uint8_t> v((std::istreambuf_iterator<char>(f)), {});
        if (v.empty()) {
            throw std::runtime_error(std::string("missing fixture ") + name);
        }
        return v;
    };
    static const auto u = load("speech-en-8s.ulaw");
    static const auto a = load("speech-en-8s.alaw");
    return alaw ? a : u;
}

// ITU-T G.711 mu-law encoding of one 16-bit sample (for making louder or noisier variants).
inline std::uint8_t linear_to_ulaw(int sample)
{
    const int sign = sample < 0 ? 0x80 : 0;
    int magnitude = std::min(sample < 0 ? -sample : sample, 32635) + 0x84;
    int exponent = 7;
    for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; --exponent, mask >>= 1) {
    }
    const int mantissa = (magnitude >> (exponent + 3)) & 0x0f;
    return static_cast<std::uint8_t>(~(sign | (exponent << 4) | mantissa));
}

// A stream of `packets` 20 ms packets cut from the fixture starting at `offset_packets`
// (wrapping around), PT 0 or 8.
inline ssw::rtp::stream make_stream(std::uint32_t ssrc, std::string source, std::string destination,
                                    std::size_t packets, std::size_t offset_packets = 0,
                                    bool alaw = false, std::size_t payload_bytes = 160)
{
    const auto& audio = speech(alaw);
    ssw::rtp::stream s;
    s.ssrc = ssrc;
    s.source = std::move(source);
    s.destination = std::move(destination);
    const std::size_t per_file = audio.size() / payload_bytes;
    for (std::size_t i = 0; i < packets; ++i) {
        ssw::rtp::stream_packet p;
        p.payload_type = alaw ? 8 : 0;
        p.fields = {ssrc, static_cast<std::uint32_t>(ssrc * 7U + i * payload_bytes),
                    static_cast<std::uint16_t>(ssrc + i)};
        const std::size_t at = ((offset_packets + i) % per_file) * payload_bytes;
        p.payload.assign(audio.begin() + static_cast<std::ptrdiff_t>(at),
                         audio.begin() + static_cast<std::ptrdiff_t>(at + payload_bytes));
        s.packets.push_back(std::move(p));
    }
    return s;
}

// Encrypts every payload of `s` in place with a scheme ("native" needs `m`).
inline void encrypt(ssw::rtp::stream& s, std::string_view scheme_name,
                    std::optional<ssw::crypto::mode> m, const std::vector<std::uint8_t>& key,
                    ssw::crypto::key_derivation d = ssw::crypto::key_derivation::raw)
{
    const auto sc = ssw::crypto::find_scheme(scheme_name, m);
    if (!sc) {
        throw std::runtime_error(sc.error().message);
    }
    auto c = ssw::crypto::scheme_cipher::make(**sc, d, key);
    if (!c) {
        throw std::runtime_error(c.error().message);
    }
    for (auto& p : s.packets) {
        if (!c->encrypt(p.payload, p.fields)) {
            throw std::runtime_error("encrypt failed");
        }
    }
}

inline std::vector<std::uint8_t> key_of(std::string_view text)
{
    return {text.begin(), text.end()};
}

// The RTP datagram of one packet (12-byte header, no CSRC).
inline pcap_builder::frame_bytes datagram(const ssw::rtp::stream_packet& p, bool marker = false)
{
    pcap_builder::frame_bytes b;
    b.push_back(0x80);
    b.push_back(static_cast<std::uint8_t>((marker ? 0x80 : 0) | p.payload_type));
    pcap_builder::put16(b, p.fields.sequence);
    pcap_builder::put32(b, p.fields.timestamp);
    pcap_builder::put32(b, p.fields.ssrc);
    b.insert(b.end(), p.payload.begin(), p.payload.end());
    return b;
}

inline std::pair<std::string, std::uint16_t> split_endpoint(const std::string& ep)
{
    const auto colon = ep.rfind(':');
    return {ep.substr(0, colon), static_cast<std::uint16_t>(std::stoul(ep.substr(colon + 1)))};
}

// The UDP/IPv4/Ethernet frame of one packet of `s` (checksums filled in).
inline pcap_builder::frame_bytes frame(const ssw::rtp::stream& s, const ssw::rtp::stream_packet& p)
{
    const auto [sa, sp] = split_endpoint(s.source);
    const auto [da, dp] = split_endpoint(s.destination);
    const auto dg = datagram(p);
    const std::string_view payload(reinterpret_cast<const char*>(dg.data()), dg.size());
    return pcap_builder::finish_checksums(
        ssw::pcap::link_type::ethernet,
        pcap_builder::ethernet(pcap_builder::ipv4(sa, da, pcap_builder::proto_udp,
                                                  pcap_builder::udp(sp, dp, payload))));
}

// A capture with the streams' packets interleaved every 20 ms, plus optional extra frames
// (SIP, junk) first.
inline std::string capture_of(const std::vector<ssw::rtp::stream>& streams,
                              const std::vector<pcap_builder::frame_bytes>& before = {})
{
    pcap_builder::capture cap(ssw::pcap::link_type::ethernet);
    std::int64_t t = 1'767'225'600'000'000'000;
    for (const auto& f : before) {
        cap.add(f, t);
        t += 1'000'000;
    }
    std::size_t longest = 0;
    for (const auto& s : streams) {
        longest = std::max(longest, s.packets.size());
    }
    for (std::size_t i = 0; i < longest; ++i) {
        for (const auto& s : streams) {
            if (i < s.packets.size()) {
                cap.add(frame(s, s.packets[i]), t);
                t += 100'000;
            }
        }
        t += 19'000'000;
    }
    return cap.pcap();
}

} // namespace ssw::test::rtp_speech
