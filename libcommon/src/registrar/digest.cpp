// SPDX-License-Identifier: MIT
// Digest computation over OpenSSL EVP, stateless HMAC nonces, nonce-count replay table.
#include <ssw/registrar/digest.hpp>
#include <ssw/core/text.hpp>

#include "registrar/bounded_table.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>

namespace ssw::registrar {

namespace {

std::string hash_hex(digest_algorithm algorithm, std::string_view data)
{
    const EVP_MD* md = algorithm == digest_algorithm::md5 ? EVP_md5() : EVP_sha256();
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
    return core::to_hex(std::string_view(reinterpret_cast<const char*>(out), len));
}

std::string join(std::initializer_list<std::string_view> parts)
{
    std::string s;
    bool first = true;
    for (const auto p : parts) {
        if (!first) {
            s.push_back(':');
        }
        first = false;
        s.append(p);
    }
    return s;
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
    return hash_hex(algorithm, join({username, realm, password}));
}

std::string digest_response(digest_algorithm algorithm, std::string_view ha1,
                            std::string_view method, std::string_view uri, std::string_view nonce,
                            std::string_view nc, std::string_view cnonce, std::string_view qop)
{
    const std::string ha2 = hash_hex(algorithm, join({method, uri}));
    if (qop.empty()) {
        return hash_hex(algorithm, join({ha1, nonce, ha2}));
    }
    return hash_hex(algorithm, join({ha1, nonce, nc, cnonce, qop, ha2}));
}

struct nonce_manager::state {
    state(const core::clock& c, std::chrono::seconds l, std::size_t max)
        : clock(c), lifetime(l), last_nc(max)
    {
        RAND_bytes(secret.data(), static_cast<int>(secret.size()));
    }
    const core::clock& clock;
    std::chrono::seconds lifetime;
    std::array<unsigned char, 32> secret{};
    detail::bounded_table<std::uint32_t> last_nc;

    std::string mac(std::string_view prefix, std::string_view realm) const
    {
        std::string data(prefix);
        data.append(realm);
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
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
    const auto issued = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(state_->clock.now().time_since_epoch())
            .count());
    std::string raw(time_bytes + random_bytes, '\0');
    for (std::size_t i = 0; i < time_bytes; ++i) {
        raw[i] = static_cast<char>((issued >> (8 * (time_bytes - 1 - i))) & 0xff);
    }
    RAND_bytes(reinterpret_cast<unsigned char*>(raw.data() + time_bytes), random_bytes);
    raw += state_->mac(raw, realm);
    return core::to_hex(raw);
}

nonce_status nonce_manager::check(std::string_view nonce, std::string_view realm, std::string_view nc)
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
    if (age_ms < 0 || age_ms > std::chrono::duration_cast<std::chrono::milliseconds>(state_->lifetime).count()) {
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
    std::uint32_t& last = state_->last_nc.get_or_create(std::string(nonce), [](std::uint32_t) { return true; });
    if (value <= last) {
        return nonce_status::replayed;
    }
    last = value;
    return nonce_status::fresh;
}

digest_verdict verify_digest(nonce_manager& nonces, const digest_answer& answer,
                             std::string_view expected_realm, std::string_view ha1,
                             std::string_view method)
{
    const auto algorithm = parse_digest_algorithm(answer.algorithm);
    if (!algorithm || answer.nonce.empty() || answer.response.empty() ||
        (!answer.qop.empty() && (!core::iequals(answer.qop, "auth") || answer.nc.empty() ||
                                 answer.cnonce.empty())) ||
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
