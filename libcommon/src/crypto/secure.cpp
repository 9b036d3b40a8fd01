// SPDX-License-Identifier: MIT
// RAND_bytes, CRYPTO_memcmp and OPENSSL_cleanse behind ssw's own signatures.
#include "crypto/openssl_detail.hpp"

#include <ssw/crypto/secure.hpp>

#include <climits>
#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace ssw::crypto {

result<void> random_bytes(std::span<std::uint8_t> out)
{
    while (!out.empty()) {
        const std::size_t n = std::min<std::size_t>(out.size(), INT_MAX);
        if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
            return unexpected(detail::openssl_failure("the random generator failed"));
        }
        out = out.subspan(n);
    }
    return {};
}

bool equal_constant_time(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void cleanse(std::span<std::uint8_t> bytes) noexcept
{
    OPENSSL_cleanse(bytes.data(), bytes.size());
}

} // namespace ssw::crypto
