// SPDX-License-Identifier: MIT
// Tests for CSeq, Contact, media-type, number and token-list parsing.
#include <ssw/sip/header_values.hpp>

#include <catch2/catch.hpp>

using namespace ssw::sip;

TEST_CASE("sip::parse_cseq: number and method, bounded by 2**31-1", "[sip][header_values]")
{
    auto c = parse_cseq("0009\r\n  INVITE");
    REQUIRE(c);
    CHECK(c->number == 9);
    CHECK(c->method == "INVITE");
    CHECK(c->method_kind == method_id::invite);
    CHECK(parse_cseq("2147483647 ACK"));
    CHECK_FALSE(parse_cseq("2147483648 ACK"));
    CHECK_FALSE(parse_cseq("36893488147419103232 REGISTER"));
    CHECK_FALSE(parse_cseq("INVITE"));
    CHECK_FALSE(parse_cseq("1INVITE"));
    CHECK_FALSE(parse_cseq("1 INVITE x"));
    CHECK_FALSE(parse_cseq("1 "));
}

TEST_CASE("sip::parse_contact: star, expires and q", "[sip][header_values]")
{
    CHECK(parse_contact(" * ")->star);
    auto c = parse_contact("<sip:bob@192.0.2.4>;expires=3600;q=0.7");
    REQUIRE(c);
    CHECK_FALSE(c->star);
    CHECK(c->expires == 3600u);
    CHECK(c->q_millis == 700);
    CHECK(parse_contact("<sip:a@b>;q=1.000")->q_millis == 1000);
    CHECK(parse_contact("<sip:a@b>;q=0")->q_millis == 0);
    CHECK_FALSE(parse_contact("<sip:a@b>;q=1.5"));
    CHECK_FALSE(parse_contact("<sip:a@b>;q=0.1234"));
    CHECK_FALSE(parse_contact("<sip:a@b>;q=2"));
    CHECK_FALSE(parse_contact("<sip:user@host129.example.com>\r\n  ;expires=280297596632815"));
    CHECK_FALSE(parse_contact("<sip:a@b>;expires=soon"));
}

TEST_CASE("sip::parse_delta_seconds and parse_max_forwards: bounded decimal values",
          "[sip][header_values]")
{
    CHECK(*parse_delta_seconds(" 3600 ") == 3600u);
    CHECK(*parse_delta_seconds("4294967295") == 4294967295u);
    CHECK_FALSE(parse_delta_seconds("4294967296"));
    CHECK_FALSE(parse_delta_seconds("-1"));
    CHECK_FALSE(parse_delta_seconds(""));
    CHECK(*parse_max_forwards("0068") == 68);
    CHECK(*parse_max_forwards("255") == 255);
    CHECK_FALSE(parse_max_forwards("300"));
    CHECK_FALSE(parse_max_forwards("7a"));
}

TEST_CASE("sip::parse_media_type: type, subtype and parameters", "[sip][header_values]")
{
    auto m = parse_media_type("multipart/mixed ; boundary=unique-boundary-1");
    REQUIRE(m);
    CHECK(m->type == "multipart");
    CHECK(m->subtype == "mixed");
    CHECK(m->params.value("boundary") == "unique-boundary-1");
    CHECK_FALSE(parse_media_type("application"));
    CHECK_FALSE(parse_media_type("application/"));
    CHECK_FALSE(parse_media_type("application/sdp;"));
}

TEST_CASE("sip::parse_token_list: comma-separated tokens", "[sip][header_values]")
{
    auto t = parse_token_list("INVITE, ACK,\r\n BYE");
    REQUIRE(t);
    REQUIRE(t->size() == 3);
    CHECK((*t)[2] == "BYE");
    CHECK(parse_token_list("")->empty());
    CHECK_FALSE(parse_token_list("a,,b"));
    CHECK_FALSE(parse_token_list("a b"));
}
