// SPDX-License-Identifier: MIT
// Digest vectors from RFC 2617 §3.5 and RFC 7616 §3.9.1, and nonce expiry/replay behaviour.
#include <ssw/registrar/digest.hpp>

#include <catch2/catch.hpp>

using namespace ssw::registrar;
using namespace std::chrono_literals;

TEST_CASE("registrar::digest_response: RFC 2617 §3.5 example (MD5, qop=auth)",
          "[registrar][digest][vectors]")
{
    const auto ha1 =
        digest_ha1(digest_algorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
    CHECK(digest_response(digest_algorithm::md5, ha1, "GET", "/dir/index.html",
                          "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b",
                          "auth") == "6629fae49393a05397450978507c4ef1");
}

TEST_CASE("registrar::digest_response: RFC 7616 §3.9.1 examples (MD5 and SHA-256)",
          "[registrar][digest][vectors]")
{
    const char* nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    const char* cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    const auto md5 =
        digest_ha1(digest_algorithm::md5, "Mufasa", "http-auth@example.org", "Circle of Life");
    CHECK(digest_response(digest_algorithm::md5, md5, "GET", "/dir/index.html", nonce, "00000001",
                          cnonce, "auth") == "8ca523f5e9506fed4657c9700eebdbec");
    const auto sha =
        digest_ha1(digest_algorithm::sha256, "Mufasa", "http-auth@example.org", "Circle of Life");
    CHECK(digest_response(digest_algorithm::sha256, sha, "GET", "/dir/index.html", nonce,
                          "00000001", cnonce, "auth") ==
          "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST_CASE("registrar::parse_digest_algorithm", "[registrar][digest]")
{
    CHECK(*parse_digest_algorithm("") == digest_algorithm::md5);
    CHECK(*parse_digest_algorithm("sha-256") == digest_algorithm::sha256);
    CHECK(parse_digest_algorithm("SHA-512-256").error().code == ssw::errc::unsupported);
}

TEST_CASE("registrar::verify_digest: valid, wrong, stale, replayed, foreign", "[registrar][digest]")
{
    ssw::core::manual_clock clock;
    nonce_manager nonces(clock, 300s);
    const std::string realm = "ssw";
    const auto ha1 = digest_ha1(digest_algorithm::md5, "1000", realm, "demo");
    const std::string nonce = nonces.make_nonce(realm);
    auto answer_for = [&](const std::string& password, const char* nc) {
        const auto h = digest_ha1(digest_algorithm::md5, "1000", realm, password);
        return digest_response(digest_algorithm::md5, h, "REGISTER", "sip:127.0.0.1", nonce, nc,
                               "abc", "auth");
    };
    auto verify = [&](const std::string& response, const char* nc) {
        const digest_answer a{"1000", realm, nonce, "sip:127.0.0.1", response, "MD5",
                              "auth", nc,    "abc"};
        return verify_digest(nonces, a, realm, ha1, "REGISTER");
    };
    CHECK(verify(answer_for("guess", "00000001"), "00000001") == digest_verdict::wrong);
    CHECK(verify(answer_for("demo", "00000001"), "00000001") == digest_verdict::valid);
    CHECK(verify(answer_for("demo", "00000001"), "00000001") == digest_verdict::replayed);
    CHECK(verify(answer_for("demo", "00000002"), "00000002") == digest_verdict::valid);
    clock.advance(301s);
    CHECK(verify(answer_for("demo", "00000003"), "00000003") == digest_verdict::stale);
    // A nonce we never issued, or one with a flipped bit.
    std::string forged = nonce;
    forged[0] = forged[0] == '0' ? '1' : '0';
    const digest_answer a{"1000", realm,      forged, "sip:127.0.0.1", "00", "MD5",
                          "auth", "00000001", "abc"};
    CHECK(verify_digest(nonces, a, realm, ha1, "REGISTER") == digest_verdict::foreign_nonce);
    CHECK(nonces.check("zz", realm, "") == nonce_status::foreign);
    // Another realm's nonce does not verify here.
    CHECK(nonces.check(nonces.make_nonce("other"), realm, "") == nonce_status::foreign);
}
