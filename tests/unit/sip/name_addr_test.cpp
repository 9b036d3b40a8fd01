// SPDX-License-Identifier: MIT
// Tests for name-addr / addr-spec parsing and list splitting.
#include <ssw/sip/name_addr.hpp>

#include <catch2/catch.hpp>

using namespace ssw::sip;

TEST_CASE("sip::parse_name_addr: quoted display name, URI in brackets and tag", "[sip][name_addr]")
{
    auto na =
        parse_name_addr(R"("Alice \"A\" Liddell" <sip:alice@atlanta.example.com>;tag=1928301774)");
    REQUIRE(na);
    CHECK(na->display_quoted);
    CHECK(na->display_name == R"(Alice \"A\" Liddell)");
    CHECK(na->angle_brackets);
    CHECK(na->address.user == "alice");
    CHECK(na->tag() == "1928301774");
}

TEST_CASE("sip::parse_name_addr: token display names and no space before <", "[sip][name_addr]")
{
    auto a = parse_name_addr("caller<sip:caller@example.com>;tag=323");
    REQUIRE(a);
    CHECK(a->display_name == "caller");
    auto b = parse_name_addr("A. Bell <sip:a.g.bell@example.com>");
    REQUIRE(b);
    CHECK(b->display_name == "A. Bell");
    CHECK(b->tag().empty());
}

TEST_CASE("sip::parse_name_addr: addr-spec form takes ';' as header parameters", "[sip][name_addr]")
{
    auto a = parse_name_addr("sip:+19725552222@gw1.example.net;unknownparam");
    REQUIRE(a);
    CHECK_FALSE(a->angle_brackets);
    CHECK(a->address.params.empty());
    CHECK(a->params.has("unknownparam"));
    auto b = parse_name_addr("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
    REQUIRE(b);
    CHECK(b->tag() == "1918181833n");
    auto c = parse_name_addr("isbn:2983792873");
    REQUIRE(c);
    CHECK(c->address.scheme == uri_scheme::other);
}

TEST_CASE("sip::parse_name_addr: rejects what RFC 4475 calls malformed", "[sip][name_addr]")
{
    auto quot = parse_name_addr("\"Mr. J. User <sip:j.user@example.com>");
    REQUIRE_FALSE(quot);
    CHECK(quot.error().message.find("unterminated") != std::string::npos);
    auto spaces = parse_name_addr("\"Watson, Thomas\" < sip:t.watson@example.org >");
    REQUIRE_FALSE(spaces);
    CHECK(spaces.error().where == "col 19");
    CHECK_FALSE(parse_name_addr("Bell, Alexander <sip:a.g.bell@example.com>;tag=43"));
    CHECK_FALSE(parse_name_addr("sip:user@example.com?Route=%3Csip:sip.example.com%3E"));
    CHECK_FALSE(parse_name_addr("\"Joe\" <sip:joe@example.org>;;;;"));
    CHECK_FALSE(parse_name_addr("<sip:joe@example.org"));
    CHECK_FALSE(parse_name_addr(""));
    CHECK_FALSE(parse_name_addr("<sip:a@b> junk"));
}

TEST_CASE("sip::split_list: splits on commas outside quotes and brackets", "[sip][name_addr]")
{
    const auto v = split_list(R"("Doe, John" <sip:a@b;x=1,2>, <sip:c@d> , sip:e@f)");
    REQUIRE(v.size() == 3);
    CHECK(v[0] == R"("Doe, John" <sip:a@b;x=1,2>)");
    CHECK(v[1] == "<sip:c@d>");
    CHECK(v[2] == "sip:e@f");
    const auto empty = split_list("a,,b,");
    REQUIRE(empty.size() == 4);
    CHECK(empty[1].empty());
    CHECK(split_list("").size() == 1);
}
