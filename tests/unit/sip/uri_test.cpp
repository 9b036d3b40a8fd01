// SPDX-License-Identifier: MIT
// Tests for URI parsing, unescaping and IP literal checks.
#include <ssw/sip/uri.hpp>

#include <catch2/catch.hpp>

using namespace ssw::sip;

TEST_CASE("sip::parse_uri: splits a full SIP URI into its parts", "[sip][uri]")
{
    auto u = parse_uri("sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr?subject="
                       "project&priority=urgent");
    REQUIRE(u);
    CHECK(u->scheme == uri_scheme::sips);
    CHECK(u->user == "alice");
    CHECK(u->has_password);
    CHECK(u->password == "secret");
    CHECK(u->host == "atlanta.example.com");
    CHECK(u->port == 5061);
    CHECK(u->transport() == "tcp");
    CHECK(u->params.has("lr"));
    CHECK(u->has_headers);
    CHECK(u->headers == "subject=project&priority=urgent");
    CHECK(u->is_sip());
}

TEST_CASE("sip::parse_uri: handles IPv6 references with and without port", "[sip][uri]")
{
    auto a = parse_uri("sip:[2001:db8::10]:5070");
    REQUIRE(a);
    CHECK(a->host == "[2001:db8::10]");
    CHECK(a->host_unbracketed() == "2001:db8::10");
    CHECK(a->port == 5070);
    auto b = parse_uri("sip:user@[::ffff:192.0.2.10]");
    REQUIRE(b);
    CHECK_FALSE(b->port);
    CHECK(parse_uri("sip:user@[2001:db8:::192.0.2.1]")); // RFC 5118 §4.10 tolerance
    CHECK_FALSE(parse_uri("sip:2001:db8::10"));          // RFC 5118 §4.2
    CHECK_FALSE(parse_uri("sip:[2001:db8::10"));
    CHECK_FALSE(parse_uri("sip:[20011:db8::10]"));
}

TEST_CASE("sip::parse_uri: accepts the unusual user parts of RFC 4475", "[sip][uri]")
{
    auto u = parse_uri("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/"
                       ";;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
    REQUIRE(u);
    CHECK(u->user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    CHECK(u->password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    CHECK(u->host == "example.com");
    auto s = parse_uri("sip:user;par=u%40example.net@example.com");
    REQUIRE(s);
    CHECK(s->user == "user;par=u%40example.net");
    CHECK(parse_uri("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31"));
}

TEST_CASE("sip::parse_uri: tel and other schemes", "[sip][uri]")
{
    auto t = parse_uri("tel:+1-201-555-0123;phone-context=example.com");
    REQUIRE(t);
    CHECK(t->scheme == uri_scheme::tel);
    CHECK(t->user == "+1-201-555-0123");
    CHECK(t->params.value("phone-context") == "example.com");
    auto o = parse_uri("soap.beep://192.0.2.103:3002");
    REQUIRE(o);
    CHECK(o->scheme == uri_scheme::other);
    CHECK(o->opaque == "//192.0.2.103:3002");
    CHECK_FALSE(parse_uri("tel:"));
    CHECK_FALSE(parse_uri("tel:12;"));
}

TEST_CASE("sip::parse_uri: rejects malformed URIs with a column", "[sip][uri]")
{
    auto r = parse_uri("sip:user@example.com:99999");
    REQUIRE_FALSE(r);
    CHECK(r.error().where == "col 22");
    CHECK_FALSE(parse_uri("<sip:a@b>"));
    CHECK_FALSE(parse_uri("sip:a@b c"));
    CHECK_FALSE(parse_uri("sip:@example.com"));
    CHECK_FALSE(parse_uri("sip:a@"));
    CHECK_FALSE(parse_uri("sip:a%zz@b"));
    CHECK_FALSE(parse_uri("sip:a@b;=x"));
    CHECK_FALSE(parse_uri("sip:a@b;x="));
    CHECK_FALSE(parse_uri("sip:a@b?x=%"));
    CHECK_FALSE(parse_uri("1ip:a@b"));
    CHECK_FALSE(parse_uri(""));
    CHECK_FALSE(parse_uri("sip:"));
}

TEST_CASE("sip::unescape: decodes %HH and keeps NULs", "[sip][uri]")
{
    CHECK(*unescape("%75se%72") == "user");
    CHECK(*unescape("null-%00-null") == std::string("null-\0-null", 11));
    CHECK_FALSE(unescape("%Z%45"));
    CHECK_FALSE(unescape("abc%4"));
}

TEST_CASE("sip::is_ipv6_address: follows RFC 4291 text forms", "[sip][uri]")
{
    CHECK(is_ipv6_address("::"));
    CHECK(is_ipv6_address("::1"));
    CHECK(is_ipv6_address("2001:db8::"));
    CHECK(is_ipv6_address("2001:db8:0:0:0:0:2:1"));
    CHECK(is_ipv6_address("::ffff:192.0.2.1"));
    CHECK(is_ipv6_address("2001:db8::192.0.2.1"));
    CHECK_FALSE(is_ipv6_address("2001:db8:::192.0.2.1"));
    CHECK_FALSE(is_ipv6_address("2001:db8::1::2"));
    CHECK_FALSE(is_ipv6_address("1:2:3:4:5:6:7:8:9"));
    CHECK_FALSE(is_ipv6_address("1:2:3:4:5:6:7"));
    CHECK_FALSE(is_ipv6_address(":1:2"));
    CHECK_FALSE(is_ipv6_address("1:"));
    CHECK_FALSE(is_ipv6_address("12345::"));
    CHECK_FALSE(is_ipv6_address("::ffff:300.0.0.1"));
    CHECK(is_ipv4_address("255.255.255.255"));
    CHECK_FALSE(is_ipv4_address("1.2.3"));
    CHECK_FALSE(is_ipv4_address("1.2.3.4.5"));
    CHECK_FALSE(is_ipv4_address("1.2.3.256"));
    CHECK(is_ipv6_reference("[2001:db8:::192.0.2.1]"));
    CHECK_FALSE(is_ipv6_reference("[2001:db8:::1]"));
}
