// SPDX-License-Identifier: MIT
// Payload-encryption modes and keys as operators write them (SS_RTPENCRYPTIONMODE / KEY).
#pragma once

#include <ssw/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::crypto {

// SS_RTPENCRYPTIONMODE: 0 none, 1 XOR, 2 RC4, 3 AES128 (ssw-params(5), rtpcrypt(1)).
enum class mode : std::uint8_t { none = 0, xor_ = 1, rc4 = 2, aes128 = 3 };

// Named limits on keys.
inline constexpr std::size_t aes128_key_bytes = 16;
inline constexpr std::size_t rc4_max_key_bytes = 256;        // RC4 key schedule limit
inline constexpr std::size_t native_rc4_max_key_bytes = 246; // key || SSRC || TS || SEQ <= 256
inline constexpr std::size_t max_key_bytes = 1024;           // any mode; longer is a mistake

using key_bytes = std::vector<std::uint8_t>;

// Accepts "0".."3" and the names none, xor, rc4, aes128 (also "aes"), case-insensitive.
// invalid_argument otherwise, with the accepted spellings in the message.
[[nodiscard]] result<mode> parse_mode(std::string_view text);

// "none", "xor", "rc4", "aes128".
[[nodiscard]] std::string_view to_string(mode m) noexcept;

// The key bytes of a parameter value: "hex:0011..." is hex-decoded, anything else is taken
// as typed (UTF-8 bytes). invalid_argument on bad hex; limit_exceeded above max_key_bytes.
[[nodiscard]] result<key_bytes> parse_key(std::string_view text);

// Checks a key against a native mode: 1 and 2 need at least 1 byte (2 at most
// native_rc4_max_key_bytes), 3 exactly 16. crypto_error with the length found otherwise.
[[nodiscard]] result<void> check_key(mode m, std::span<const std::uint8_t> key);

// A key for printing: the text itself when every byte is printable ASCII (and no ':' prefix
// would make it ambiguous), else "hex:...". Never used for keys given by the operator.
[[nodiscard]] std::string format_key(std::span<const std::uint8_t> key);

} // namespace ssw::crypto
