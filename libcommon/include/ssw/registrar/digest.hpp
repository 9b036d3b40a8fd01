// SPDX-License-Identifier: MIT
// Digest authentication arithmetic (RFC 2617, RFC 7616: MD5 and SHA-256, qop=auth) and the
// server's nonces: stateless, self-authenticating, with expiry (stale=true) and nonce-count
// replay protection. The SIP layer parses the headers; this computes and judges.
#pragma once

#include <ssw/core/clock.hpp>
#include <ssw/core/result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ssw::registrar {

enum class digest_algorithm { md5, sha256 };

// "MD5" / "SHA-256" (case-insensitive; absent means MD5, RFC 7616 §3.3); unsupported otherwise.
result<digest_algorithm> parse_digest_algorithm(std::string_view text);
[[nodiscard]] std::string_view to_string(digest_algorithm algorithm) noexcept;

// HA1 = H(username ":" realm ":" password), lowercase hex. Accounts may store HA1 instead
// of the password (ssw.conf(5)).
[[nodiscard]] std::string digest_ha1(digest_algorithm algorithm, std::string_view username,
                                     std::string_view realm, std::string_view password);

// The request-digest of RFC 7616 §3.4.1 for qop=auth (or RFC 2069 style when qop is empty).
[[nodiscard]] std::string digest_response(digest_algorithm algorithm, std::string_view ha1,
                                          std::string_view method, std::string_view uri,
                                          std::string_view nonce, std::string_view nc,
                                          std::string_view cnonce, std::string_view qop);

// What the client sent in Authorization / Proxy-Authorization, as parsed by ssw::sip.
struct digest_answer {
    std::string_view username;
    std::string_view realm;
    std::string_view nonce;
    std::string_view uri;
    std::string_view response;
    std::string_view algorithm; // empty: MD5
    std::string_view qop;       // empty or "auth"
    std::string_view nc;        // 8 hex digits with qop
    std::string_view cnonce;
};

enum class nonce_status {
    fresh,    // ours, unexpired, nonce-count moved forward
    stale,    // ours but expired: re-challenge with stale=true (not a wrong password)
    replayed, // ours, but this nonce-count was already used (a captured request replayed)
    foreign,  // not issued by us (or tampered with)
};

// Issues and checks nonces. A nonce is hex(issued-time || random || HMAC-SHA256(secret,
// issued-time || random || realm)), so no table of issued nonces is kept; only the highest
// nonce-count per nonce in use is remembered, in a bounded table.
class nonce_manager {
  public:
    // The replay table holds the last nonce-count of nonces that authenticated someone
    // (only right answers enter it); the least recently used entry goes first past the bound.
    static constexpr std::size_t default_max_tracked = 100000;
    // `lifetime`: after it a nonce is stale. `max_tracked`: bound on the replay table.
    // The HMAC key comes from the CSPRNG; if it cannot deliver, this throws
    // std::runtime_error (a daemon must not start with a guessable key; cli::run exits 70).
    nonce_manager(const core::clock& clock,
                  std::chrono::seconds lifetime = std::chrono::seconds(300),
                  std::size_t max_tracked = default_max_tracked);
    nonce_manager(nonce_manager&&) noexcept;
    nonce_manager& operator=(nonce_manager&&) noexcept;
    ~nonce_manager();

    [[nodiscard]] std::string make_nonce(std::string_view realm);
    // Judges a nonce and its nonce-count (empty nc: RFC 2069 style, replay not tracked).
    nonce_status check(std::string_view nonce, std::string_view realm, std::string_view nc);
    // Forgets the nonce-counts of nonces past their lifetime (they are stale anyway).
    void expire();
    [[nodiscard]] std::size_t size() const noexcept;

  private:
    struct state;
    std::unique_ptr<state> state_;
};

// The whole verification of an answer against an account's HA1: the nonce, then the
// response digest (in constant time). `method` is the request's method.
enum class digest_verdict { valid, wrong, stale, replayed, foreign_nonce, bad_request };
[[nodiscard]] digest_verdict verify_digest(nonce_manager& nonces, const digest_answer& answer,
                                           std::string_view expected_realm, std::string_view ha1,
                                           std::string_view method);

} // namespace ssw::registrar
