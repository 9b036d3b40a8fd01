// SPDX-License-Identifier: MIT
// Encrypt or decrypt the payload of one RTP datagram in place (the relay's per-packet call).
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/crypto/payload_cipher.hpp>

#include <cstdint>
#include <span>

namespace ssw::rtp {

// What crypt_datagram did with a datagram.
enum class crypt_outcome : std::uint8_t {
    applied,      // RTP: the payload (padding included) went through the cipher
    passed_rtcp,  // RTCP (PT 72-76): untouched, as the native scheme requires
    passed_other, // not parseable as RTP: untouched (the caller decides whether to forward)
};

// Applies the native cipher to the payload of `datagram` (the UDP payload) in place; the
// header, CSRC list and extension are never modified and the length never changes. Parse
// failures are not errors (passed_other); only the cipher can fail (crypto_error). No
// allocation. Encrypt and decrypt are the same call for the native scheme.
[[nodiscard]] result<crypt_outcome> crypt_datagram(crypto::payload_cipher& cipher,
                                                   std::span<std::uint8_t> datagram);

} // namespace ssw::rtp
