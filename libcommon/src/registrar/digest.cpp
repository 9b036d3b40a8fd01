// SPDX-License-Identifier: MIT
// Digest computation, stateless HMAC nonces and the nonce-count replay table (the hashing,
// randomness and constant-time comparison come from crypto/).
#include "registrar/bounded_table.hpp"

#include <ssw/core/text.hpp>
#include <ssw/crypto/hash.hpp>
#include <ssw/crypto/secure.hpp>
#include <ssw/registrar/digest.hpp>

#include <array>
#include <memory>
#include <stdexcept>

namespace ssw::registrar {

namespace {

crypto::hash_algorithm hash_of(digest_algorithm algorithm)
{
    return algorithm == digest_algorithm::md5 ? crypto::hash_algorithm::md5
                                              : crypto::hash_algorithm::sha256;
}

constexpr std::size_t time_bytes = 8;
constexpr std::size_t random_bytes = 8;
constexpr std::size_t mac_bytes = 16; // truncated HMAC-SHA256: 128 bits is plenty here

// The HMAC key: fresh random bytes, or no nonce_manager at all. A guessable key would let
// anyone mint nonces; there is no safe fallback, so the failure stops the daemon at start.
std::array<std::uint8_t, 32> make_secret()
{
    std::array<std::uint8_t, 32> secret{};
    if (auto r = crypto::random_bytes(secret); !r) {
        throw std::runtime_error("cannot key the digest nonces: " + r.error().to_string());
    }
    return secret;
}

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
    return crypto::hash_hex(hash_of(algorithm), {username, realm, password});
}

std::string digest_response(digest_algorithm algorithm, std::string_view ha1,
                            std::string_view method, std::string_view uri, std::string_view nonce,
                            std::string_view nc, std::string_view cnonce, std::string_view qop)
{
    const auto h = hash_of(algorithm);
    const std::string ha2 = crypto::hash_hex(h, {method, uri});
    if (qop.empty()) {
        return crypto::hash_hex(h, {ha1, nonce, ha2});
    }
    return crypto::hash_hex(h, {ha1, nonce, nc, cnonce, qop, ha2});
}

struct nonce_manager::state {
    state(const core::clock& c, std::chrono::seconds l, std::size_t max)
        : clock(c), lifetime(l), last_nc(max), hmac(make_keyed())
    {
    }

    static crypto::hmac_sha256 make_keyed()
    {
        auto secret = make_secret();
        crypto::hmac_sha256 h(secret);
        crypto::cleanse(secret);
        return h;
    }

    const core::clock& clock;
    std::chrono::seconds lifetime;
    struct nonce_use {
        std::uint32_t last_nc = 0;
        std::int64_t issued_ms = 0;
    };
    detail::bounded_table<nonce_use> last_nc;
    crypto::hmac_sha256 hmac;
    std::uint64_t issued = 0; // nonces made, for uniqueness when the generator fails

    // HMAC-SHA256(secret, prefix || realm), truncated to mac_bytes.
    [[nodiscard]] std::string mac(std::string_view prefix, std::string_view realm) const
    {
        const auto full = hmac.mac({prefix, realm});
        return std::string(reinterpret_cast<const char*>(full.data()), mac_bytes);
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
    auto* random_part = reinterpret_cast<std::uint8_t*>(raw.data() + time_bytes);
    const std::uint64_t serial = ++state_->issued;
    if (!crypto::random_bytes(std::span<std::uint8_t>(random_part, random_bytes))) {
        // The random part only makes nonces unique and unpredictable; the MAC (keyed with
        // secret random bytes) is what makes them ours. Without the generator, a serial
        // number keeps them unique.
        for (std::size_t i = 0; i < random_bytes; ++i) {
            random_part[i] = static_cast<std::uint8_t>(serial >> (8 * (random_bytes - 1 - i)));
        }
    }
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
    if (!crypto::equal_constant_time(
            expected, std::string_view(raw->data() + time_bytes + random_bytes, mac_bytes))) {
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
    const bool matches =
        !expected.empty() && crypto::equal_constant_time(expected, core::to_lower(answer.response));
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
