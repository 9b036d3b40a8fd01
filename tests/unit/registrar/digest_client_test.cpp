// SPDX-License-Identifier: MIT
// The digest client: the answer a server's verifier accepts, for 401 and 407, MD5 and SHA-256.
#include <ssw/core/clock.hpp>
#include <ssw/registrar/digest_client.hpp>
#include <ssw/sip/message.hpp>

#include <catch2/catch.hpp>

using namespace ssw;

namespace {

// `text` must outlive the message (it holds views into it).
sip::message parse(const std::string& text)
{
    sip::message m;
    REQUIRE(sip::parse_message(text, m));
    return m;
}

} // namespace

TEST_CASE("digest client: the first challenge we compute, answered so the verifier accepts it",
          "[registrar][digest_client]")
{
    core::manual_clock clock;
    registrar::nonce_manager nonces(clock);
    const auto nonce = nonces.make_nonce("carrier");
    const bool proxy = GENERATE(false, true);
    const std::string header = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
    const std::string text =
        std::string("SIP/2.0 ") +
        (proxy ? "407 Proxy Authentication Required" : "401 Unauthorized") +
        "\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\n"
        "To: <sip:a@x>;tag=2\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n" +
        header + ": Digest realm=\"carrier\", nonce=\"" + nonce +
        "\", algorithm=SHA-512-256, qop=\"auth\"\r\n" + header +
        ": Digest realm=\"carrier\", nonce=\"" + nonce +
        "\", algorithm=SHA-256, qop=\"auth-int,auth\", opaque=\"o1\"\r\n"
        "Content-Length: 0\r\n\r\n";
    const auto response = parse(text);
    auto challenge = registrar::first_answerable_challenge(response);
    REQUIRE(challenge);
    CHECK(challenge->proxy == proxy);
    CHECK(challenge->algorithm == registrar::digest_algorithm::sha256);
    CHECK(challenge->qop_auth);
    const auto [name, value] =
        registrar::answer_challenge(*challenge, "alice", "secret", "REGISTER", "sip:x", "c0ffee");
    CHECK(name == (proxy ? "Proxy-Authorization" : "Authorization"));
    CHECK_THAT(value, Catch::Contains("opaque=\"o1\"") && Catch::Contains("nc=00000001"));
    // What a server makes of it: parse the answer back and verify it.
    // The message holds views into its text: the text must outlive it.
    const std::string request_text =
        "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK2\r\n"
        "From: <sip:alice@x>;tag=1\r\nTo: <sip:alice@x>\r\nCall-ID: c\r\n"
        "CSeq: 2 REGISTER\r\n" +
        name + ": " + value + "\r\nContent-Length: 0\r\n\r\n";
    const auto request = parse(request_text);
    const auto creds = request.credentials(proxy ? sip::header_id::proxy_authorization
                                                 : sip::header_id::authorization);
    REQUIRE(creds);
    const registrar::digest_answer answer{creds->username, creds->realm,    creds->nonce,
                                          creds->uri,      creds->response, creds->algorithm,
                                          creds->qop,      creds->nc,       creds->cnonce};
    const auto ha1 =
        registrar::digest_ha1(registrar::digest_algorithm::sha256, "alice", "carrier", "secret");
    CHECK(registrar::verify_digest(nonces, answer, "carrier", ha1, "REGISTER") ==
          registrar::digest_verdict::valid);
    // The next answer to the same challenge counts on.
    CHECK_THAT(registrar::answer_challenge(*challenge, "alice", "secret", "REGISTER", "sip:x", "c1")
                   .second,
               Catch::Contains("nc=00000002"));
}
