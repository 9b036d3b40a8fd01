// SPDX-License-Identifier: MIT
// The native payload ciphers (modes 1-3), as rtpcrypt(1) specifies them.
#include "crypto/openssl_detail.hpp"

#include <ssw/crypto/payload_cipher.hpp>

#include <optional>

namespace ssw::crypto {

struct payload_cipher::impl {
    mode m = mode::none;
    key_bytes key;
    key_bytes pad; // mode 1: the key repeated to a whole number of copies >= 2048 bytes
    std::optional<detail::rc4_engine> rc4;
    std::optional<detail::aes_ctr_engine> aes;
};

payload_cipher::payload_cipher(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
payload_cipher::payload_cipher(payload_cipher&& other) noexcept = default;
payload_cipher& payload_cipher::operator=(payload_cipher&& other) noexcept = default;
payload_cipher::~payload_cipher() = default;

result<payload_cipher> payload_cipher::make(mode m, std::span<const std::uint8_t> key)
{
    SSW_TRY(check_key(m, key));
    auto p = std::make_unique<impl>();
    p->m = m;
    p->key.assign(key.begin(), key.end());
    if (m == mode::xor_) {
        const std::size_t copies = (2048 + key.size() - 1) / key.size();
        p->pad.reserve(copies * key.size());
        for (std::size_t c = 0; c < copies; ++c) {
            p->pad.insert(p->pad.end(), key.begin(), key.end());
        }
    }
    if (m == mode::rc4) {
        SSW_TRY_ASSIGN(p->rc4, detail::rc4_engine::make(key, true));
    } else if (m == mode::aes128) {
        SSW_TRY_ASSIGN(p->aes, detail::aes_ctr_engine::make(key));
    }
    return payload_cipher(std::move(p));
}

result<void> payload_cipher::apply(std::span<std::uint8_t> payload, const header_fields& fields)
{
    if (payload.size() > max_payload_bytes) {
        return unexpected(make_error(errc::limit_exceeded, "payload larger than 65535 bytes"));
    }
    switch (impl_->m) {
    case mode::none: return {};
    case mode::xor_: {
        // pad length is a multiple of the key length, so chunking by it keeps i mod keylen.
        const std::size_t n = impl_->pad.size();
        for (std::size_t done = 0; done < payload.size(); done += n) {
            detail::xor_bytes(payload.data() + done, impl_->pad.data(),
                              std::min(n, payload.size() - done));
        }
        return {};
    }
    case mode::rc4: return impl_->rc4->apply_native(payload, fields);
    case mode::aes128: return impl_->aes->apply(payload, fields);
    }
    return {};
}

mode payload_cipher::cipher_mode() const noexcept
{
    return impl_->m;
}

} // namespace ssw::crypto
