// SPDX-License-Identifier: MIT
// The scheme table (native + hypotheses) and a cipher context that runs any of them.
#include "crypto/openssl_detail.hpp"

#include <ssw/core/text.hpp>
#include <ssw/crypto/payload_cipher.hpp>
#include <ssw/crypto/scheme.hpp>

#include <openssl/evp.h>

#include <array>
#include <cstring>

namespace ssw::crypto {

namespace {

using enum cipher_kind;
using enum keystream_reset;
using enum tail_policy;

constexpr std::array<scheme, 8> schemes{{
    {"native", mode::xor_, xor_pad, per_packet, iv_source::none, keystream, true,
     "key bytes cyclic from payload byte 0 in every packet"},
    {"native", mode::rc4, rc4, per_packet, iv_source::header_fields, keystream, true,
     "RC4 keyed with key || SSRC || TS || SEQ, per packet"},
    {"native", mode::aes128, aes_ctr, per_packet, iv_source::header_fields, keystream, true,
     "AES-128-CTR, counter block SSRC || TS || SEQ || 0 || block number"},
    {"xor-static", mode::xor_, xor_pad, per_packet, iv_source::none, keystream, false,
     "key bytes cyclic from payload byte 0 each packet (same bytes as native mode 1)"},
    {"rc4-static", mode::rc4, rc4, per_packet, iv_source::none, keystream, false,
     "RC4 keyed with the key alone, restarted each packet (a fixed pad)"},
    {"rc4-stream", mode::rc4, rc4, per_stream, iv_source::none, keystream, false,
     "one RC4 keystream per direction, continued across packets in arrival order"},
    {"aes-ecb-cleartail", mode::aes128, aes_ecb, per_packet, iv_source::none, clear, false,
     "AES-128-ECB over whole 16-byte blocks, the tail left in clear"},
    {"aes-cbc-zeroiv-cleartail", mode::aes128, aes_cbc, per_packet, iv_source::zero, clear, false,
     "AES-128-CBC with a zero IV per packet, the tail left in clear"},
}};

std::string known_names()
{
    return "native, xor-static, rc4-static, rc4-stream, aes-ecb-cleartail, "
           "aes-cbc-zeroiv-cleartail";
}

} // namespace

std::span<const scheme> all_schemes() noexcept
{
    return schemes;
}

result<const scheme*> find_scheme(std::string_view name, std::optional<mode> m)
{
    const std::string n = core::to_lower(core::trim(name));
    if (n == "native") {
        if (!m || *m == mode::none) {
            return unexpected(
                make_error(errc::invalid_argument, "scheme 'native' needs a mode (1, 2 or 3)"));
        }
        for (const auto& s : schemes) {
            if (s.native && s.native_mode == *m) {
                return &s;
            }
        }
    }
    for (const auto& s : schemes) {
        if (!s.native && s.name == n) {
            if (m && *m != s.native_mode) {
                return unexpected(make_error(errc::invalid_argument,
                                             "scheme '" + n + "' is a mode " +
                                                 std::to_string(static_cast<int>(s.native_mode)) +
                                                 " scheme, not mode " +
                                                 std::to_string(static_cast<int>(*m))));
            }
            return &s;
        }
    }
    return unexpected(make_error(errc::not_found, "unknown scheme '" + std::string(name) +
                                                      "' (known: " + known_names() + ")"));
}

result<key_derivation> parse_key_derivation(std::string_view text)
{
    const std::string t = core::to_lower(core::trim(text));
    if (t == "raw") {
        return key_derivation::raw;
    }
    if (t == "pad" || t == "padded") {
        return key_derivation::padded;
    }
    if (t == "md5") {
        return key_derivation::md5;
    }
    return unexpected(make_error(errc::invalid_argument, "unknown key derivation '" +
                                                             std::string(text) +
                                                             "' (expected raw, pad or md5)"));
}

std::string_view to_string(key_derivation d) noexcept
{
    switch (d) {
    case key_derivation::raw: return "raw";
    case key_derivation::padded: return "pad";
    case key_derivation::md5: return "md5";
    }
    return "raw";
}

result<key_bytes> derive_aes_key(key_derivation d, std::span<const std::uint8_t> key)
{
    switch (d) {
    case key_derivation::raw:
        SSW_TRY(check_key(mode::aes128, key));
        return key_bytes(key.begin(), key.end());
    case key_derivation::padded: {
        key_bytes k(aes128_key_bytes, 0);
        std::memcpy(k.data(), key.data(), std::min(key.size(), k.size()));
        return k;
    }
    case key_derivation::md5: {
        key_bytes k(aes128_key_bytes, 0);
        unsigned int len = 0;
        if (EVP_Digest(key.data(), key.size(), k.data(), &len, EVP_md5(), nullptr) != 1 ||
            len != 16) {
            return unexpected(detail::openssl_failure("MD5 key derivation failed"));
        }
        return k;
    }
    }
    return unexpected(make_error(errc::internal, "unknown key derivation"));
}

struct scheme_cipher::impl {
    const scheme* s = nullptr;
    key_derivation d = key_derivation::raw;
    std::optional<payload_cipher> native;  // xor and the native modes
    std::optional<detail::rc4_engine> rc4; // rc4-static, rc4-stream
    detail::ctx_ptr enc;                   // ECB / CBC
    detail::ctx_ptr dec;
    key_bytes aes_key;

    result<void> block_mode(std::span<std::uint8_t> payload, bool encrypt)
    {
        const std::size_t whole = payload.size() / 16 * 16;
        if (whole == 0) {
            return {};
        }
        EVP_CIPHER_CTX* ctx = encrypt ? enc.get() : dec.get();
        if (s->cipher == cipher_kind::aes_cbc) {
            static constexpr std::array<std::uint8_t, 16> zero_iv{};
            if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, zero_iv.data(), encrypt ? 1 : 0,
                                   nullptr) != 1) {
                return unexpected(detail::openssl_failure("AES-128-CBC IV setup failed"));
            }
        }
        int out_len = 0;
        if (EVP_CipherUpdate(ctx, payload.data(), &out_len, payload.data(),
                             static_cast<int>(whole)) != 1) {
            return unexpected(detail::openssl_failure("AES-128 block cipher failed"));
        }
        return {};
    }

    result<void> run(std::span<std::uint8_t> payload, const header_fields& f, bool encrypt)
    {
        if (payload.size() > max_payload_bytes) {
            return unexpected(make_error(errc::limit_exceeded, "payload larger than 65535 bytes"));
        }
        if (native) {
            return native->apply(payload, f);
        }
        if (rc4) {
            if (s->reset == keystream_reset::per_packet) {
                SSW_TRY(rc4->rekey());
            }
            return rc4->stream(payload);
        }
        return block_mode(payload, encrypt);
    }
};

scheme_cipher::scheme_cipher(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
scheme_cipher::scheme_cipher(scheme_cipher&& other) noexcept = default;
scheme_cipher& scheme_cipher::operator=(scheme_cipher&& other) noexcept = default;
scheme_cipher::~scheme_cipher() = default;

result<scheme_cipher> scheme_cipher::make(const scheme& s, key_derivation d,
                                          std::span<const std::uint8_t> key)
{
    auto p = std::make_unique<impl>();
    p->s = &s;
    p->d = d;
    switch (s.cipher) {
    case cipher_kind::xor_pad: {
        SSW_TRY_ASSIGN(p->native, payload_cipher::make(mode::xor_, key));
        break;
    }
    case cipher_kind::rc4: {
        if (s.iv == iv_source::header_fields) {
            SSW_TRY_ASSIGN(p->native, payload_cipher::make(mode::rc4, key));
        } else {
            if (key.empty() || key.size() > rc4_max_key_bytes) {
                return unexpected(
                    make_error(errc::crypto_error, "rc4 needs a key of 1 to 256 bytes, got " +
                                                       std::to_string(key.size())));
            }
            SSW_TRY_ASSIGN(p->rc4, detail::rc4_engine::make(key, false));
        }
        break;
    }
    case cipher_kind::aes_ctr: {
        SSW_TRY_ASSIGN(p->aes_key, derive_aes_key(d, key));
        SSW_TRY_ASSIGN(p->native, payload_cipher::make(mode::aes128, p->aes_key));
        break;
    }
    case cipher_kind::aes_ecb:
    case cipher_kind::aes_cbc: {
        SSW_TRY_ASSIGN(p->aes_key, derive_aes_key(d, key));
        SSW_TRY_ASSIGN(
            const EVP_CIPHER* c,
            detail::fetch_aes128(s.cipher == cipher_kind::aes_ecb ? "AES-128-ECB" : "AES-128-CBC"));
        SSW_TRY_ASSIGN(p->enc, detail::make_ctx(c, p->aes_key, true));
        SSW_TRY_ASSIGN(p->dec, detail::make_ctx(c, p->aes_key, false));
        break;
    }
    }
    return scheme_cipher(std::move(p));
}

result<void> scheme_cipher::encrypt(std::span<std::uint8_t> payload, const header_fields& fields)
{
    return impl_->run(payload, fields, true);
}

result<void> scheme_cipher::decrypt(std::span<std::uint8_t> payload, const header_fields& fields)
{
    return impl_->run(payload, fields, false);
}

result<void> scheme_cipher::reset()
{
    if (impl_->rc4) {
        return impl_->rc4->rekey();
    }
    return {};
}

const scheme& scheme_cipher::get_scheme() const noexcept
{
    return *impl_->s;
}

key_derivation scheme_cipher::derivation() const noexcept
{
    return impl_->d;
}

} // namespace ssw::crypto
