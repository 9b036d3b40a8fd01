// SPDX-License-Identifier: MIT
// Tests for the SIP header name table and method names.
#include <ssw/sip/headers.hpp>

#include <catch2/catch.hpp>

using namespace ssw::sip;

TEST_CASE("sip::lookup_header: matches long names case-insensitively", "[sip][headers]")
{
    CHECK(lookup_header("Via") == header_id::via);
    CHECK(lookup_header("VIA") == header_id::via);
    CHECK(lookup_header("vIa") == header_id::via);
    CHECK(lookup_header("call-id") == header_id::call_id);
    CHECK(lookup_header("WWW-Authenticate") == header_id::www_authenticate);
    CHECK(lookup_header("p-asserted-identity") == header_id::p_asserted_identity);
    CHECK(lookup_header("Content-Length") == header_id::content_length);
    CHECK(lookup_header("Min-Expires") == header_id::min_expires);
}

TEST_CASE("sip::lookup_header: maps every compact form to its long header", "[sip][headers]")
{
    CHECK(lookup_header("v") == header_id::via);
    CHECK(lookup_header("f") == header_id::from);
    CHECK(lookup_header("T") == header_id::to);
    CHECK(lookup_header("i") == header_id::call_id);
    CHECK(lookup_header("m") == header_id::contact);
    CHECK(lookup_header("l") == header_id::content_length);
    CHECK(lookup_header("c") == header_id::content_type);
    CHECK(lookup_header("k") == header_id::supported);
    CHECK(lookup_header("s") == header_id::subject);
    CHECK(lookup_header("e") == header_id::content_encoding);
    CHECK(lookup_header("o") == header_id::event);
    CHECK(lookup_header("r") == header_id::refer_to);
    CHECK(lookup_header("u") == header_id::allow_events);
    CHECK(lookup_header("x") == header_id::session_expires);
    CHECK(lookup_header("q") == header_id::other);
    CHECK(compact_form(header_id::via) == 'v');
    CHECK(compact_form(header_id::cseq) == '\0');
}

TEST_CASE("sip::lookup_header: unknown, empty and overlong names are other", "[sip][headers]")
{
    CHECK(lookup_header("") == header_id::other);
    CHECK(lookup_header("X-Custom") == header_id::other);
    CHECK(lookup_header("Vias") == header_id::other);
    CHECK(lookup_header(std::string(300, 'a')) == header_id::other);
    CHECK(lookup_header("1") == header_id::other);
}

TEST_CASE("sip::header_name: round-trips every known id through lookup", "[sip][headers]")
{
    for (int i = 1; i < static_cast<int>(header_id::count_); ++i) {
        const auto id = static_cast<header_id>(i);
        INFO(header_name(id));
        CHECK(lookup_header(header_name(id)) == id);
        if (compact_form(id) != '\0') {
            CHECK(lookup_header(std::string(1, compact_form(id))) == id);
        }
    }
    CHECK(header_name(header_id::other).empty());
}

TEST_CASE("sip::lookup_method: methods are case-sensitive tokens", "[sip][headers]")
{
    CHECK(lookup_method("INVITE") == method_id::invite);
    CHECK(lookup_method("REGISTER") == method_id::register_);
    CHECK(lookup_method("invite") == method_id::other);
    CHECK(lookup_method("NEWMETHOD") == method_id::other);
    CHECK(method_name(method_id::bye) == "BYE");
    CHECK(method_name(method_id::other).empty());
}
