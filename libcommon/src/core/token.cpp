// SPDX-License-Identifier: MIT
#include <ssw/core/token.hpp>

#include <algorithm>
#include <random>

namespace ssw::core {

token_source::token_source(std::uint64_t seed) : state_(seed)
{
    if (state_ == 0) {
        std::random_device device;
        state_ = (static_cast<std::uint64_t>(device()) << 32U) ^ device();
    }
}

std::uint64_t token_source::next() noexcept
{
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31U);
}

std::string token_source::hex(std::size_t digits)
{
    static constexpr char alphabet[] = "0123456789abcdef";
    digits = std::min<std::size_t>(digits, 16);
    auto v = next();
    std::string s(digits, '0');
    for (std::size_t i = digits; i-- > 0;) {
        s[i] = alphabet[v & 0xfU];
        v >>= 4U;
    }
    return s;
}

std::string token_source::branch()
{
    return "z9hG4bK" + hex(16);
}

} // namespace ssw::core
