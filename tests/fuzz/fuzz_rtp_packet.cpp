// SPDX-License-Identifier: MIT
// libFuzzer target: RTP header parsing and the native ciphers on arbitrary datagrams.
#include <ssw/crypto/payload_cipher.hpp>
#include <ssw/rtp/packet.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::span<const std::uint8_t> in(data, size);
    (void)ssw::rtp::is_rtcp(in);
    (void)ssw::rtp::looks_like_rtp(in);
    const auto v = ssw::rtp::parse_packet(in);
    if (!v) {
        return 0;
    }
    if (v->payload_offset + v->payload_size != size || v->padding_size > v->payload_size) {
        std::abort();
    }
    static auto cipher = ssw::crypto::payload_cipher::make(ssw::crypto::mode::aes128,
                                                           std::vector<std::uint8_t>(16, 0x5a));
    std::vector<std::uint8_t> copy(data, data + size);
    std::span<std::uint8_t> payload(copy.data() + v->payload_offset, v->payload_size);
    if (cipher && cipher->apply(payload, v->fields) && cipher->apply(payload, v->fields)) {
        for (std::size_t i = 0; i < size; ++i) {
            if (copy[i] != data[i]) {
                std::abort();
            }
        }
    }
    return 0;
}
