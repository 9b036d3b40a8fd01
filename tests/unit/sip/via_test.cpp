// SPDX-License-Identifier: MIT
// Tests for Via parsing.
#include <ssw/sip/via.hpp>

#include <catch2/catch.hpp>

using namespace ssw::sip;

TEST_CASE("sip::parse_via: reads sent-protocol, sent-by and the well-known params", "[sip][via]")
{
    auto v = parse_via("SIP/2.0/UDP "
                       "pc33.atlanta.example.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;"
                       "rport=5070;maddr=224.2.0.1;ttl=16");
    REQUIRE(v);
    CHECK(v->protocol_name == "SIP");
    CHECK(v->protocol_version == "2.0");
    CHECK(v->transport == "UDP");
    CHECK(v->host == "pc33.atlanta.example.com");
    CHECK(v->port == 5066);
    CHECK(v->branch == "z9hG4bK776asdhds");
    CHECK(v->has_rfc3261_branch());
    CHECK(v->received == "192.0.2.1");
    CHECK(v->has_rport);
    CHECK(v->rport == 5070);
    CHECK(v->maddr == "224.2.0.1");
    CHECK(v->ttl == 16);
}

TEST_CASE("sip::parse_via: empty rport, IPv6 sent-by and received in both RFC 5118 forms",
          "[sip][via]")
{
    auto a = parse_via("SIP/2.0/TCP [2001:db8::9:1]:6050;branch=z9hG4bKas3;rport");
    REQUIRE(a);
    CHECK(a->host == "[2001:db8::9:1]");
    CHECK(a->port == 6050);
    CHECK(a->has_rport);
    CHECK_FALSE(a->rport);
    CHECK(parse_via("SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3"));
    CHECK(parse_via("SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3"));
}

TEST_CASE("sip::parse_via: tolerates LWS around slashes and folded params", "[sip][via]")
{
    auto v = parse_via("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw");
    REQUIRE(v);
    CHECK(v->transport == "UDP");
    CHECK(v->host == "192.0.2.2");
    CHECK_FALSE(v->has_rfc3261_branch());
    auto w =
        parse_via("SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8");
    REQUIRE(w);
    CHECK(w->branch == "z9hG4bK9ikj8");
}

TEST_CASE("sip::parse_via: rejects malformed values with a column", "[sip][via]")
{
    auto r = parse_via("SIP/2.0/UDP 192.0.2.15;;");
    REQUIRE_FALSE(r);
    CHECK(r.error().where == "col 24");
    CHECK_FALSE(parse_via("SIP/2.0 host"));
    CHECK_FALSE(parse_via("SIP/2.0/UDP"));
    CHECK_FALSE(parse_via("SIP/2.0/UDP host:70000"));
    CHECK_FALSE(parse_via("SIP/2.0/UDP host;ttl=256"));
    CHECK_FALSE(parse_via("SIP/2.0/UDP host;received=example.com"));
    CHECK_FALSE(parse_via("SIP/2.0/UDP host;rport=x"));
    CHECK_FALSE(parse_via("SIP/2.0/UDP host;branch"));
    CHECK_FALSE(parse_via("SIP/2.0/UDP [2001:db8::1"));
    CHECK_FALSE(parse_via(""));
}
