// SPDX-License-Identifier: MIT
// The RTP header fields that key or seed a payload cipher (SSRC, timestamp, sequence).
#pragma once

#include <cstdint>

namespace ssw::crypto {

// RFC 3550 §5.1 fields in host order; the ciphers serialise them big-endian
// (SSRC || TS || SEQ) as the native scheme requires (rtpcrypt(1), "Native scheme").
struct header_fields {
    std::uint32_t ssrc = 0;
    std::uint32_t timestamp = 0;
    std::uint16_t sequence = 0;
};

} // namespace ssw::crypto
