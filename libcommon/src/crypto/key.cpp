// SPDX-License-Identifier: MIT
// Mode names and key parsing (plain text or hex: form).
#include <ssw/core/text.hpp>
#include <ssw/crypto/key.hpp>

namespace ssw::crypto {

result<mode> parse_mode(std::string_view text)
{
    const std::string t = core::to_lower(core::trim(text));
    if (t == "0" || t == "none") {
        return mode::none;
    }
    if (t == "1" || t == "xor") {
        return mode::xor_;
    }
    if (t == "2" || t == "rc4") {
        return mode::rc4;
    }
    if (t == "3" || t == "aes128" || t == "aes") {
        return mode::aes128;
    }
    return unexpected(
        make_error(errc::invalid_argument, "unknown mode '" + std::string(text) +
                                               "' (expected 0-3, none, xor, rc4 or aes128)"));
}

std::string_view to_string(mode m) noexcept
{
    switch (m) {
    case mode::none: return "none";
    case mode::xor_: return "xor";
    case mode::rc4: return "rc4";
    case mode::aes128: return "aes128";
    }
    return "none";
}

result<key_bytes> parse_key(std::string_view text)
{
    key_bytes key;
    if (core::istarts_with(text, "hex:")) {
        auto decoded = core::parse_hex(text.substr(4));
        if (!decoded) {
            return unexpected(make_error(
                errc::invalid_argument, "key: expected an even number of hex digits after 'hex:'"));
        }
        key.assign(decoded->begin(), decoded->end());
    } else {
        key.assign(text.begin(), text.end());
    }
    if (key.size() > max_key_bytes) {
        return unexpected(make_error(errc::limit_exceeded, "key longer than 1024 bytes"));
    }
    return key;
}

result<void> check_key(mode m, std::span<const std::uint8_t> key)
{
    switch (m) {
    case mode::none: return {};
    case mode::xor_:
    case mode::rc4:
        if (key.empty()) {
            return unexpected(
                make_error(errc::crypto_error, "mode " + std::to_string(static_cast<int>(m)) +
                                                   " needs a key of at least 1 byte"));
        }
        if (m == mode::rc4 && key.size() > native_rc4_max_key_bytes) {
            return unexpected(
                make_error(errc::crypto_error, "mode 2 (RC4) takes at most 246 key bytes, got " +
                                                   std::to_string(key.size())));
        }
        return {};
    case mode::aes128:
        if (key.size() != aes128_key_bytes) {
            return unexpected(make_error(errc::crypto_error,
                                         "mode 3 (AES128) needs a key of exactly 16 bytes, got " +
                                             std::to_string(key.size())));
        }
        return {};
    }
    return {};
}

std::string format_key(std::span<const std::uint8_t> key)
{
    bool printable = !key.empty();
    for (const std::uint8_t b : key) {
        printable = printable && b >= 0x20 && b < 0x7f;
    }
    const std::string_view text(reinterpret_cast<const char*>(key.data()), key.size());
    if (printable && !core::istarts_with(text, "hex:")) {
        return std::string(text);
    }
    return "hex:" + core::to_hex(text);
}

} // namespace ssw::crypto
