// SPDX-License-Identifier: MIT
// Digest computation over OpenSSL EVP, stateless HMAC nonces, nonce-count replay table.
#include "registrar/bounded_table.hpp"

#include <ssw/core/text.hpp>
#include <ssw/registrar/digest.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <memory>

namespace ssw::registrar {

namespace {

// OpenSSL 3 looks an algorithm up on every EVP_Digest with EVP_md5() ("implicit fetch"),
// and a registrar hashes four or five times per REGISTER: fetch once, reuse one context.
const EVP_MD* fetched(digest_algorithm algorithm)
{
    static EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    return algorithm == digest_algorithm::md5 ? md5 : sha256;
}

struct md_ctx_deleter {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using md_ctx = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;

// H(p1 ":" p2 ":" ...) in lowercase hex, without building the joined string.
std::string hash_hex(digest_algorithm algorithm, std::initializer_list<std::string_view> parts)
{
    thread_local const md_ctx ctx(EVP_MD_CTX_new());
    EVP_DigestInit_ex2(ctx.get(), fetched(algorithm), nullptr);
    bool first = true;
    for (const auto p : parts) {
        if (!first) {
            EVP_DigestUpdate(ctx.get(), ":", 1);
        }
        first = false;
        EVP_DigestUpdate(ctx.get(), p.data(), p.size());
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), out, &len);
    return core::to_hex(std::string_view(reinterpret_cast<const char*>(out), len));
}

constexpr std::size_t time_bytes = 8;
constexpr std::size_t random_bytes = 8;
constexpr std::size_t mac_bytes = 16; // truncated HMAC-SHA256: 128 bits is plenty here

} // namespace

result<digest_algorithm> parse_digest_algorithm(std::string_view text)
{
    if (text.empty() || core::iequals(text, "MD5")) {
        return digest_algorithm::md5;
    }
    if (core::iequals(text, "SHA-256")) {
        return digest_algorithm::sha256;
    }
    return unexpected(make_error(errc::unsupported, "digest algorithm '" + std::string(text) +
                                                        "' is not supported (MD5, SHA-256)"));
}

std::string_view to_string(digest_algorithm algorithm) noexcept
{
    return algorithm == digest_algorithm::md5 ? "MD5" : "SHA-256";
}

std::string digest_ha1(digest_algorithm algorithm, std::string_view username,
                       std::string_view realm, std::string_view password)
{
    return hash_hex(algorithm, {username, realm, password});
}

std::string digest_response(digest_algorithm algorithm, std::string_view ha1,
                            std::string_view method, std::string_view uri, std::string_view nonce,
                            std::string_view nc, std::string_view cnonce, std::string_view qop)
{
    const std::string ha2 = hash_hex(algorithm, {method, uri});
    if (qop.empty()) {
        return hash_hex(algorithm, {ha1, nonce, ha2});
    }
    return hash_hex(algorithm, {ha1, nonce, nc, cnonce, qop, ha2});
}

struct nonce_manager::state {
    state(const core::clock& c, std::chrono::seconds l, std::size_t max)
        : clock(c), lifetime(l), last_nc(max), inner(EVP_MD_CTX_new()), outer(EVP_MD_CTX_new()),
          work(EVP_MD_CTX_new())
    {
        RAND_bytes(secret.data(), static_cast<int>(secret.size()));
        // HMAC (RFC 2104) with the key schedule done once: SHA-256 states after the ipad and
        // opad blocks, copied for each nonce instead of re-keying (half the compressions).
        std::array<unsigned char, 64> ipad{};
        std::array<unsigned char, 64> opad{};
        for (std::size_t i = 0; i < ipad.size(); ++i) {
            const unsigned char k = i < secret.size() ? secret[i] : 0;
            ipad[i] = static_cast<unsigned char>(k ^ 0x36);
            opad[i] = static_cast<unsigned char>(k ^ 0x5c);
        }
        const EVP_MD* sha256 = fetched(digest_algorithm::sha256);
        EVP_DigestInit_ex2(inner.get(), sha256, nullptr);
        EVP_DigestUpdate(inner.get(), ipad.data(), ipad.size());
        EVP_DigestInit_ex2(outer.get(), sha256, nullptr);
        EVP_DigestUpdate(outer.get(), opad.data(), opad.size());
        OPENSSL_cleanse(ipad.data(), ipad.size());
        OPENSSL_cleanse(opad.data(), opad.size());
    }
    ~state() { OPENSSL_cleanse(secret.data(), secret.size()); }
    state(const state&) = delete;
    state& operator=(const state&) = delete;

    const core::clock& clock;
    std::chrono::seconds lifetime;
    std::array<unsigned char, 32> secret{};
    struct nonce_use {
        std::uint32_t last_nc = 0;
        std::int64_t issued_ms = 0;
    };
    detail::bounded_table<nonce_use> last_nc;
    md_ctx inner;
    md_ctx outer;
    md_ctx work;

    // HMAC-SHA256(secret, prefix || realm), truncated to mac_bytes.
    std::string mac(std::string_view prefix, std::string_view realm) const
    {
        unsigned char inner_hash[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_MD_CTX_copy_ex(work.get(), inner.get());
        EVP_DigestUpdate(work.get(), prefix.data(), prefix.size());
        EVP_DigestUpdate(work.get(), realm.data(), realm.size());
        EVP_DigestFinal_ex(work.get(), inner_hash, &len);
        unsigned char out[EVP_MAX_MD_SIZE];
        EVP_MD_CTX_copy_ex(work.get(), outer.get());
        EVP_DigestUpdate(work.get(), inner_hash, len);
        EVP_DigestFinal_ex(work.get(), out, &len);
        return std::string(reinterpret_cast<const char*>(out), mac_bytes);
    }
};

nonce_manager::nonce_manager(const core::clock& clock, std::chrono::seconds lifetime,
                             std::size_t max_tracked)
    : state_(std::make_unique<state>(clock, lifetime, max_tracked))
{
}
nonce_manager::nonce_manager(nonce_manager&&) noexcept = default;
nonce_manager& nonce_manager::operator=(nonce_manager&&) noexcept = default;
nonce_manager::~nonce_manager() = default;

std::string nonce_manager::make_nonce(std::string_view realm)
{
    const auto issued =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       state_->clock.now().time_since_epoch())
                                       .count());
    std::string raw(time_bytes + random_bytes, '\0');
    for (std::size_t i = 0; i < time_bytes; ++i) {
        raw[i] = static_cast<char>((issued >> (8 * (time_bytes - 1 - i))) & 0xff);
    }
    RAND_bytes(reinterpret_cast<unsigned char*>(raw.data() + time_bytes), random_bytes);
    raw += state_->mac(raw, realm);
    return core::to_hex(raw);
}

nonce_status nonce_manager::check(std::string_view nonce, std::string_view realm,
                                  std::string_view nc)
{
    auto raw = core::parse_hex(nonce);
    if (!raw || raw->size() != time_bytes + random_bytes + mac_bytes) {
        return nonce_status::foreign;
    }
    const std::string_view body(raw->data(), time_bytes + random_bytes);
    const std::string expected = state_->mac(body, realm);
    if (CRYPTO_memcmp(expected.data(), raw->data() + time_bytes + random_bytes, mac_bytes) != 0) {
        return nonce_status::foreign;
    }
    std::uint64_t issued = 0;
    for (std::size_t i = 0; i < time_bytes; ++i) {
        issued = (issued << 8) | static_cast<unsigned char>((*raw)[i]);
    }
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            state_->clock.now().time_since_epoch())
                            .count();
    const auto age_ms = now_ms - static_cast<std::int64_t>(issued);
    if (age_ms < 0 ||
        age_ms > std::chrono::duration_cast<std::chrono::milliseconds>(state_->lifetime).count()) {
        return nonce_status::stale;
    }
    if (nc.empty()) {
        return nonce_status::fresh;
    }
    const auto count = core::parse_hex(nc);
    if (!count || count->size() != 4) {
        return nonce_status::foreign;
    }
    std::uint32_t value = 0;
    for (const char c : *count) {
        value = (value << 8) | static_cast<unsigned char>(c);
    }
    auto& use = state_->last_nc.get_or_create(std::string(nonce),
                                              [](const state::nonce_use&) { return true; });
    if (value <= use.last_nc) {
        return nonce_status::replayed;
    }
    use.last_nc = value;
    use.issued_ms = static_cast<std::int64_t>(issued);
    return nonce_status::fresh;
}

void nonce_manager::expire()
{
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            state_->clock.now().time_since_epoch())
                            .count();
    const auto lifetime_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(state_->lifetime).count();
    state_->last_nc.erase_if(
        [&](const state::nonce_use& u) { return now_ms - u.issued_ms > lifetime_ms; });
}

std::size_t nonce_manager::size() const noexcept
{
    return state_->last_nc.size();
}

digest_verdict verify_digest(nonce_manager& nonces, const digest_answer& answer,
                             std::string_view expected_realm, std::string_view ha1,
                             std::string_view method)
{
    const auto algorithm = parse_digest_algorithm(answer.algorithm);
    if (!algorithm || answer.nonce.empty() || answer.response.empty() ||
        (!answer.qop.empty() &&
         (!core::iequals(answer.qop, "auth") || answer.nc.empty() || answer.cnonce.empty())) ||
        answer.realm != expected_realm) {
        return digest_verdict::bad_request;
    }
    const std::string expected = digest_response(*algorithm, ha1, method, answer.uri, answer.nonce,
                                                 answer.nc, answer.cnonce, answer.qop);
    const bool matches = expected.size() == answer.response.size() &&
                         CRYPTO_memcmp(expected.data(), core::to_lower(answer.response).data(),
                                       expected.size()) == 0;
    // Judge the nonce only for a matching digest: a wrong guess must not burn a good nc,
    // and an expired nonce with the right password is "stale", not "wrong".
    if (!matches) {
        return nonces.check(answer.nonce, expected_realm, {}) == nonce_status::foreign
                   ? digest_verdict::foreign_nonce
                   : digest_verdict::wrong;
    }
    switch (nonces.check(answer.nonce, expected_realm, answer.nc)) {
    case nonce_status::fresh: return digest_verdict::valid;
    case nonce_status::stale: return digest_verdict::stale;
    case nonce_status::replayed: return digest_verdict::replayed;
    case nonce_status::foreign: return digest_verdict::foreign_nonce;
    }
    return digest_verdict::wrong;
}

} // namespace ssw::registrar
