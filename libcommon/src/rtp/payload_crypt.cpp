// SPDX-License-Identifier: MIT
// In-place payload encryption of one RTP datagram.
#include <ssw/rtp/packet.hpp>
#include <ssw/rtp/payload_crypt.hpp>

namespace ssw::rtp {

result<crypt_outcome> crypt_datagram(crypto::payload_cipher& cipher,
                                     std::span<std::uint8_t> datagram)
{
    if (is_rtcp(datagram)) {
        return crypt_outcome::passed_rtcp;
    }
    const auto v = parse_packet(datagram);
    if (!v) {
        return crypt_outcome::passed_other;
    }
    SSW_TRY(cipher.apply(datagram.subspan(v->payload_offset, v->payload_size), v->fields));
    return crypt_outcome::applied;
}

} // namespace ssw::rtp
