// SPDX-License-Identifier: MIT
// Test helpers for rtp/crypto: byte fills, hex, and running `openssl enc` as an independent cipher.
#pragma once

#include "support/temp_dir.hpp"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace ssw::test {

inline std::vector<std::uint8_t> pattern_bytes(std::size_t n, std::uint32_t seed = 1)
{
    std::vector<std::uint8_t> v(n);
    std::uint32_t x = seed * 2654435761U + 12345U;
    for (auto& b : v) {
        x = x * 1103515245U + 12345U;
        b = static_cast<std::uint8_t>(x >> 16);
    }
    return v;
}

inline std::string hex_of(const std::vector<std::uint8_t>& v)
{
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (const auto b : v) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

inline std::vector<std::uint8_t> from_hex(const std::string& hex)
{
    std::vector<std::uint8_t> v;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        v.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    }
    return v;
}

// Runs `openssl enc <cipher_args> -K key -iv iv` over `input`; nullopt if the command fails.
inline std::optional<std::vector<std::uint8_t>> openssl_enc(const std::string& cipher_args,
                                                            const std::string& key_hex,
                                                            const std::string& iv_hex,
                                                            const std::vector<std::uint8_t>& input)
{
    temp_dir dir;
    const auto in_path = dir / "in.bin";
    const auto out_path = dir / "out.bin";
    {
        std::ofstream f(in_path, std::ios::binary);
        f.write(reinterpret_cast<const char*>(input.data()),
                static_cast<std::streamsize>(input.size()));
    }
    std::string cmd = "openssl enc " + cipher_args + " -nosalt -K " + key_hex;
    if (!iv_hex.empty()) {
        cmd += " -iv " + iv_hex;
    }
    cmd += " -in '" + in_path.string() + "' -out '" + out_path.string() + "' 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) {
        return std::nullopt;
    }
    std::ifstream f(out_path, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f), {});
}

} // namespace ssw::test
