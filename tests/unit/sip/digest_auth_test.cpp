// SPDX-License-Identifier: MIT
// Tests for WWW-Authenticate / Authorization value parsing.
#include <ssw/sip/digest_auth.hpp>

#include <catch2/catch.hpp>

using namespace ssw::sip;

TEST_CASE("sip::parse_auth_value: reads a digest challenge", "[sip][digest_auth]")
{
    auto c = parse_auth_value(
        R"(Digest realm="atlanta.example.com", domain="sip:ss1.example.com", qop="auth,auth-int", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5)");
    REQUIRE(c);
    CHECK(c->is_digest());
    CHECK(c->realm == "atlanta.example.com");
    CHECK(c->domain == "sip:ss1.example.com");
    CHECK(c->qop == "auth,auth-int");
    CHECK(c->nonce == "f84f1cec41e6cbe5aea9c8e88d359");
    CHECK(c->opaque.empty());
    CHECK_FALSE(c->stale);
    CHECK(c->algorithm == "MD5");
    CHECK(c->params.size() == 7);
    CHECK(parse_auth_value("Digest realm=\"x\", nonce=\"y\", stale=true")->stale);
}

TEST_CASE("sip::parse_auth_value: reads digest credentials", "[sip][digest_auth]")
{
    auto c = parse_auth_value("Digest username=\"bob\",\r\n realm=\"biloxi.example.com\", "
                              "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
                              "uri=\"sip:bob@biloxi.example.com\", qop=auth, nc=00000001, "
                              "cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", "
                              "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    REQUIRE(c);
    CHECK(c->username == "bob");
    CHECK(c->uri == "sip:bob@biloxi.example.com");
    CHECK(c->qop == "auth");
    CHECK(c->nc == "00000001");
    CHECK(c->cnonce == "0a4f113b");
    CHECK(c->response == "6629fae49393a05397450978507c4ef1");
    CHECK(c->opaque == "5ccc069c403ebaf9f0171e9517f40e41");
    CHECK(c->find("USERNAME") == "bob");
    CHECK_FALSE(c->find("missing"));
}

TEST_CASE("sip::parse_auth_value: unknown schemes parse generically", "[sip][digest_auth]")
{
    auto c = parse_auth_value("NoOneKnowsThisScheme opaque-data=here");
    REQUIRE(c);
    CHECK_FALSE(c->is_digest());
    CHECK(c->find("opaque-data") == "here");
}

TEST_CASE("sip::parse_auth_value: rejects malformed values", "[sip][digest_auth]")
{
    CHECK_FALSE(parse_auth_value(""));
    CHECK_FALSE(parse_auth_value("Digest realm"));
    CHECK_FALSE(parse_auth_value("Digest realm=\"open"));
    CHECK_FALSE(parse_auth_value("Digest realm=\"a\" nonce=\"b\""));
    CHECK_FALSE(parse_auth_value("Digest nc=1"));
    CHECK_FALSE(parse_auth_value("Digest stale=maybe"));
    CHECK_FALSE(parse_auth_value("Digest realm=,"));
}

TEST_CASE("sip::unquote: removes quoted-pair backslashes", "[sip][digest_auth]")
{
    CHECK(unquote(R"(a\"b\\c)") == R"(a"b\c)");
    CHECK(unquote("plain") == "plain");
}
