// SPDX-License-Identifier: MIT
// Tests for parameter list validation and lookup.
#include <ssw/sip/params.hpp>

#include <catch2/catch.hpp>

using namespace ssw::sip;

TEST_CASE("sip::param_list: finds parameters case-insensitively with and without values",
          "[sip][params]")
{
    const param_list p(";tag=abc;LR;q = 0.5;x=\"quoted;value\"");
    CHECK(p.value("tag") == "abc");
    CHECK(p.value("TAG") == "abc");
    CHECK(p.has("lr"));
    CHECK(p.value("lr") == "");
    CHECK(p.value("q") == "0.5");
    CHECK(p.value("x") == "quoted;value");
    CHECK(p.find("x")->quoted);
    CHECK_FALSE(p.has("missing"));
    CHECK(p.size() == 4);
}

TEST_CASE("sip::param_list: for_each visits in order and stops on false", "[sip][params]")
{
    const param_list p(";a=1;b;c=3");
    std::vector<std::string_view> names;
    p.for_each([&](const param& x) {
        names.push_back(x.name);
        return x.name != "b";
    });
    REQUIRE(names.size() == 2);
    CHECK(names[1] == "b");
    CHECK(param_list{}.size() == 0);
}

TEST_CASE("sip::parse_header_params: accepts LWS around separators and IPv6 values",
          "[sip][params]")
{
    CHECK(parse_header_params(" ;  tag    = 1918181833n"));
    CHECK(parse_header_params(";received=[2001:db8::9:255];rport"));
    CHECK(parse_header_params(""));
}

TEST_CASE("sip::parse_header_params: rejects empty names, missing values and bad quoting",
          "[sip][params]")
{
    auto r = parse_header_params(";;");
    REQUIRE_FALSE(r);
    CHECK(r.error().where == "col 2");
    CHECK_FALSE(parse_header_params(";a="));
    CHECK_FALSE(parse_header_params(";a=\"open"));
    CHECK_FALSE(parse_header_params("junk"));
    CHECK_FALSE(parse_header_params(";a=b c"));
}
