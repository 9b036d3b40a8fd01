// SPDX-License-Identifier: MIT
// Tests for the semantic checks of validate_message.
#include <ssw/sip/validate.hpp>

#include <catch2/catch.hpp>

#include <list>
#include <string>

using namespace ssw::sip;

namespace {

const std::string base_headers = "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n"
                                 "To: <sip:b@example.com>\r\n"
                                 "From: <sip:a@example.com>;tag=1\r\n"
                                 "Call-ID: abc@h\r\n";

// Validates a message made of a start line, extra headers and the base headers.
ssw::result<void> check(const std::string& start, const std::string& extra, bool with_base = true)
{
    static std::list<std::string> kept;
    kept.push_back(start + "\r\n" + (with_base ? base_headers : std::string()) + extra + "\r\n");
    auto m = parse_message(kept.back());
    REQUIRE(m);
    return validate_message(*m);
}

} // namespace

TEST_CASE("sip::validate_message: accepts a minimal request and response", "[sip][validate]")
{
    CHECK(check("OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\n"));
    CHECK(check("SIP/2.0 200 OK", "CSeq: 1 OPTIONS\r\n"));
    CHECK(check("OPTIONS tel:+15551234 SIP/2.0", "CSeq: 1 OPTIONS\r\n"));
}

TEST_CASE("sip::validate_message: reports missing and repeated mandatory headers",
          "[sip][validate]")
{
    auto missing = check("OPTIONS sip:b@example.com SIP/2.0", "Via: SIP/2.0/UDP h\r\n", false);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ssw::errc::protocol_error);
    CHECK(missing.error().message == "missing mandatory header To");
    auto twice =
        check("OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 OPTIONS\r\nCall-ID: other\r\n");
    REQUIRE_FALSE(twice);
    CHECK(twice.error().message == "Call-ID appears more than once");
    CHECK(twice.error().where == "line 7 col 1");
}

TEST_CASE("sip::validate_message: checks CSeq against the method and the SIP version",
          "[sip][validate]")
{
    CHECK_FALSE(check("OPTIONS sip:b@example.com SIP/2.0", "CSeq: 1 INVITE\r\n"));
    CHECK_FALSE(check("OPTIONS sip:b@example.com SIP/3.0", "CSeq: 1 OPTIONS\r\n"));
    CHECK_FALSE(check("SIP/2.0 700 Odd", "CSeq: 1 OPTIONS\r\n"));
}

TEST_CASE("sip::validate_message: rejects bad typed values of known headers", "[sip][validate]")
{
    const std::string sl = "OPTIONS sip:b@example.com SIP/2.0";
    const std::string cs = "CSeq: 1 OPTIONS\r\n";
    CHECK_FALSE(check(sl, cs + "Contact: <sip:a@b\r\n"));
    CHECK_FALSE(check(sl, cs + "Max-Forwards: 256\r\n"));
    CHECK_FALSE(check(sl, cs + "Expires: soon\r\n"));
    CHECK_FALSE(check(sl, cs + "Content-Type: sdp\r\n"));
    CHECK_FALSE(check(sl, cs + "Route: <sip:a@b>,,\r\n"));
    CHECK_FALSE(check(sl, cs + "Allow: INVITE BYE\r\n"));
    CHECK_FALSE(check(sl, cs + "WWW-Authenticate: Digest realm\r\n"));
    CHECK_FALSE(check(sl, cs + "Authorization: Digest nc=1\r\n"));
    CHECK_FALSE(check(sl, cs + "Date: Fri, 01 Jan 2010 16:00:00 EST\r\n"));
    CHECK(check(sl, cs + "Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n"));
    CHECK(check(sl, cs + "Contact: *\r\n"));
    CHECK_FALSE(check(sl, cs + "Contact: *, <sip:a@b>\r\n"));
    CHECK_FALSE(check(sl, cs + "Contact: *\r\nContact: <sip:a@b>\r\n"));
    CHECK_FALSE(check("OPTIONS sip:b@example.com?x=y SIP/2.0", cs));
    CHECK_FALSE(check("OPTIONS sip:b@[::1 SIP/2.0", cs));
}

TEST_CASE("sip::validate_message: Call-ID must be one non-empty word", "[sip][validate]")
{
    static const std::string text =
        "OPTIONS sip:b@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP h\r\nTo: <sip:b@c>\r\nFrom: <sip:a@c>\r\nCSeq: 1 OPTIONS\r\n"
        "Call-ID: two words\r\n\r\n";
    auto m = parse_message(text);
    REQUIRE(m);
    CHECK_FALSE(validate_message(*m));
    static const std::string empty =
        "OPTIONS sip:b@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP h\r\nTo: <sip:b@c>\r\nFrom: <sip:a@c>\r\nCSeq: 1 OPTIONS\r\n"
        "Call-ID:\r\n\r\n";
    auto e = parse_message(empty);
    REQUIRE(e);
    CHECK_FALSE(validate_message(*e));
}
