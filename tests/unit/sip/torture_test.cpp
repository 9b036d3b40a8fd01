// SPDX-License-Identifier: MIT
// RFC 4475 and RFC 5118 torture messages with the verdicts their RFCs give (acceptance tests).
#include <ssw/sip/message.hpp>
#include <ssw/sip/serializer.hpp>
#include <ssw/sip/validate.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

using namespace ssw::sip;

namespace {

std::string read_data(const std::string& rel)
{
    std::ifstream in(std::string(SSW_TEST_DATA_DIR) + "/sip/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Who must notice what is wrong with a message.
enum class verdict {
    valid,       // parses, validates, and re-encodes byte-exact
    parse_error, // the message parser itself rejects it (framing or start line)
    semantic,    // parses, but validate_message (the UA core / proxy checks) rejects it
};

struct torture_case {
    const char* file;
    verdict expect;
    const char* reason; // a phrase the error message must contain (invalid cases)
};

// RFC 4475 §3. The parser rejects what breaks framing or the start line; the rest of the
// invalid messages are well framed and are caught by validate_message, the checks RFC 3261
// puts on the element that handles the request (RFC 4475 §1.1 leaves this split to the
// implementation: "the element ... may reject at any layer").
const torture_case rfc4475_cases[] = {
    // §3.1.1 valid messages: every parser must accept them.
    {"rfc4475/wsinv.sip", verdict::valid,
     ""}, // 3.1.1.1 short tortuous INVITE (LWS, folding, compact forms)
    {"rfc4475/intmeth.sip", verdict::valid, ""}, // 3.1.1.2 wide range of valid characters
    {"rfc4475/esc01.sip", verdict::valid, ""},   // 3.1.1.3 valid use of % escaping
    {"rfc4475/escnull.sip", verdict::valid, ""}, // 3.1.1.4 escaped NULs in URIs
    {"rfc4475/esc02.sip", verdict::valid, ""},   // 3.1.1.5 % in fields where it is not an escape
    {"rfc4475/lwsdisp.sip", verdict::valid, ""}, // 3.1.1.6 no LWS between display name and <
    {"rfc4475/longreq.sip", verdict::valid, ""}, // 3.1.1.7 long values in header fields
    {"rfc4475/dblreq.sip", verdict::valid, ""},  // 3.1.1.8 extra trailing octets in a UDP datagram
    {"rfc4475/semiuri.sip", verdict::valid,
     ""}, // 3.1.1.9 semicolon-separated params in URI user part
    {"rfc4475/transports.sip", verdict::valid, ""}, // 3.1.1.10 varied and unknown transport types
    {"rfc4475/mpart01.sip", verdict::valid, ""},    // 3.1.1.11 multipart MIME message
    {"rfc4475/unreason.sip", verdict::valid, ""},   // 3.1.1.12 unusual reason phrase (UTF-8)
    {"rfc4475/noreason.sip", verdict::valid, ""},   // 3.1.1.13 empty reason phrase
    // §3.1.2 invalid messages.
    {"rfc4475/badinv01.sip", verdict::semantic,
     "parameter name"}, // 3.1.2.1 extraneous separators in Via/Contact params
    {"rfc4475/clerr.sip", verdict::parse_error,
     "exceeds"}, // 3.1.2.2 Content-Length larger than the datagram
    {"rfc4475/ncl.sip", verdict::parse_error, "Content-Length"}, // 3.1.2.3 negative Content-Length
    {"rfc4475/scalar02.sip", verdict::semantic,
     "CSeq number"}, // 3.1.2.4 overlarge CSeq/Max-Forwards/Expires
    {"rfc4475/scalarlg.sip", verdict::semantic,
     "CSeq number"}, // 3.1.2.5 overlarge CSeq in a response
    {"rfc4475/quotbal.sip", verdict::semantic,
     "unterminated quoted"}, // 3.1.2.6 unterminated quoted display name (To)
    {"rfc4475/ltgtruri.sip", verdict::parse_error, "scheme"}, // 3.1.2.7 <> around the Request-URI
    {"rfc4475/lwsruri.sip", verdict::parse_error,
     "SIP-Version"}, // 3.1.2.8 LWS inside the Request-URI
    {"rfc4475/lwsstart.sip", verdict::parse_error,
     "single SP"}, // 3.1.2.9 multiple SP in the Request-Line
    {"rfc4475/trws.sip", verdict::parse_error,
     "SIP-Version"}, // 3.1.2.10 SP at the end of the Request-Line
    {"rfc4475/escruri.sip", verdict::semantic,
     "must not carry headers"}, // 3.1.2.11 escaped headers in a SIP Request-URI
    {"rfc4475/baddate.sip", verdict::semantic, "GMT"}, // 3.1.2.12 Date not in GMT
    {"rfc4475/regbadct.sip", verdict::semantic,
     "enclosed in <>"}, // 3.1.2.13 Contact URI with '?' not in <>
    {"rfc4475/badaspec.sip", verdict::semantic,
     "whitespace inside"}, // 3.1.2.14 spaces inside <> in To
    {"rfc4475/baddn.sip", verdict::semantic,
     "must be quoted"}, // 3.1.2.15 unquoted display name with ','
    {"rfc4475/badvers.sip", verdict::semantic,
     "unsupported SIP version"}, // 3.1.2.16 SIP/7.0 (answer 505)
    {"rfc4475/mismatch01.sip", verdict::semantic,
     "does not match"}, // 3.1.2.17 CSeq method differs from the method
    {"rfc4475/mismatch02.sip", verdict::semantic,
     "does not match"}, // 3.1.2.18 unknown method, CSeq mismatch
    {"rfc4475/bigcode.sip", verdict::parse_error,
     "three-digit"}, // 3.1.2.19 status code of ten digits
    // §3.2 transaction layer: a message without the magic cookie is valid (RFC 2543 matching).
    {"rfc4475/badbranch.sip", verdict::valid, ""}, // 3.2.1 branch "z9hG4bK" alone
    // §3.3 application layer.
    {"rfc4475/insuf.sip", verdict::semantic,
     "missing mandatory"},                       // 3.3.1 missing To/From/Call-ID/Max-Forwards
    {"rfc4475/unkscm.sip", verdict::valid, ""},  // 3.3.2 unknown Request-URI scheme (answer 416)
    {"rfc4475/novelsc.sip", verdict::valid, ""}, // 3.3.3 known but atypical scheme
    {"rfc4475/unksm2.sip", verdict::valid, ""},  // 3.3.4 unknown URI schemes in headers
    {"rfc4475/bext01.sip", verdict::valid, ""},  // 3.3.5 unknown Require/Proxy-Require (answer 420)
    {"rfc4475/invut.sip", verdict::valid, ""},   // 3.3.6 unknown Content-Type (answer 415)
    {"rfc4475/regaut01.sip", verdict::valid, ""}, // 3.3.7 unknown authorization scheme
    {"rfc4475/multi01.sip", verdict::semantic,
     "more than once"}, // 3.3.8 several values in single-value headers
    {"rfc4475/mcl01.sip", verdict::parse_error,
     "conflicting Content-Length"},               // 3.3.9 two different Content-Length values
    {"rfc4475/bcast.sip", verdict::valid, ""},    // 3.3.10 200 OK with a broadcast Via
    {"rfc4475/zeromf.sip", verdict::valid, ""},   // 3.3.11 Max-Forwards of zero (answer 483)
    {"rfc4475/cparam01.sip", verdict::valid, ""}, // 3.3.12 REGISTER with a Contact parameter
    {"rfc4475/cparam02.sip", verdict::valid, ""}, // 3.3.13 REGISTER with a URI parameter
    {"rfc4475/regescrt.sip", verdict::valid, ""}, // 3.3.14 REGISTER with an escaped header in <>
    {"rfc4475/sdp01.sip", verdict::valid, ""}, // 3.3.15 unacceptable Accept offering (answer 406)
    // §3.4 backward compatibility.
    {"rfc4475/inv2543.sip", verdict::valid, ""}, // 3.4.1 INVITE with RFC 2543 syntax
};

// RFC 5118 §4: only §4.2 is invalid; the rest must be accepted.
const torture_case rfc5118_cases[] = {
    {"rfc5118/ipv6-good.sip", verdict::valid, ""}, // 4.1 IPv6 references in R-URI, Via, Contact
    {"rfc5118/ipv6-bad.sip", verdict::semantic,
     "port"}, // 4.2 Request-URI IPv6 without brackets (400)
    {"rfc5118/port-ambiguous.sip", verdict::valid, ""},   // 4.3 [2001:db8::10:5070] is all host
    {"rfc5118/port-unambiguous.sip", verdict::valid, ""}, // 4.4 [2001:db8::10]:5070
    {"rfc5118/via-received-param-with-delim.sip", verdict::valid,
     ""}, // 4.5 received=[...] tolerated
    {"rfc5118/via-received-param-no-delim.sip", verdict::valid,
     ""},                                                       // 4.5 received=2001:... (ABNF form)
    {"rfc5118/ipv6-in-sdp.sip", verdict::valid, ""},            // 4.6 IPv6 in SDP o=/c=
    {"rfc5118/mult-ip-in-header.sip", verdict::valid, ""},      // 4.7 mixed IPv4/IPv6 Vias
    {"rfc5118/mult-ip-in-sdp.sip", verdict::valid, ""},         // 4.8 per-media c= of both families
    {"rfc5118/ipv4-mapped-ipv6.sip", verdict::valid, ""},       // 4.9 ::ffff:192.0.2.x
    {"rfc5118/ipv6-bug-abnf-3-colons.sip", verdict::valid, ""}, // 4.10 ":::" must be tolerated
    {"rfc5118/ipv6-correct-abnf-2-colons.sip", verdict::valid, ""}, // 4.10 correct form
};

void check_case(const torture_case& c)
{
    INFO(c.file);
    const std::string data = read_data(c.file);
    auto parsed = parse_message(data);
    switch (c.expect) {
    case verdict::parse_error: {
        REQUIRE_FALSE(parsed);
        INFO(parsed.error().to_string());
        CHECK(parsed.error().message.find(c.reason) != std::string::npos);
        CHECK(parsed.error().where.rfind("line ", 0) == 0);
        return;
    }
    case verdict::semantic: {
        REQUIRE(parsed);
        auto v = validate_message(*parsed);
        REQUIRE_FALSE(v);
        INFO(v.error().to_string());
        CHECK(v.error().message.find(c.reason) != std::string::npos);
        CHECK(v.error().where.rfind("line ", 0) == 0);
        return;
    }
    case verdict::valid: {
        if (!parsed) {
            FAIL(parsed.error().to_string());
        }
        auto v = validate_message(*parsed);
        if (!v) {
            FAIL(v.error().to_string());
        }
        const std::string again = encode_message(*parsed);
        CHECK(again == parsed->raw());
        auto reparsed = parse_message(again);
        REQUIRE(reparsed);
        CHECK(reparsed->headers().size() == parsed->headers().size());
        CHECK(reparsed->body() == parsed->body());
        CHECK(reparsed->start_line() == parsed->start_line());
        return;
    }
    }
}

} // namespace

TEST_CASE("sip::torture: RFC 4475 messages get the verdicts of the RFC", "[sip][torture][rfc4475]")
{
    CHECK(std::size(rfc4475_cases) == 49);
    for (const auto& c : rfc4475_cases) {
        check_case(c);
    }
}

TEST_CASE("sip::torture: RFC 5118 IPv6 messages get the verdicts of the RFC",
          "[sip][torture][rfc5118]")
{
    CHECK(std::size(rfc5118_cases) == 12);
    for (const auto& c : rfc5118_cases) {
        check_case(c);
    }
}

TEST_CASE("sip::torture: wsinv exposes its tortuous values through the typed accessors",
          "[sip][torture][rfc4475]")
{
    const std::string data = read_data("rfc4475/wsinv.sip");
    auto m = parse_message(data);
    REQUIRE(m);
    auto vias = m->vias();
    REQUIRE(vias);
    REQUIRE(vias->size() == 3);
    CHECK((*vias)[0].transport == "UDP");
    CHECK((*vias)[0].host == "192.0.2.2");
    CHECK((*vias)[0].branch == "390skdjuw");
    CHECK((*vias)[1].transport == "TCP");
    CHECK((*vias)[1].host == "spindle.example.com");
    CHECK((*vias)[2].branch == "z9hG4bK30239");
    auto to = m->to();
    REQUIRE(to);
    CHECK(to->tag() == "1918181833n");
    auto from = m->from();
    REQUIRE(from);
    CHECK(from->display_name == R"(J Rosenberg \\\")");
    CHECK(from->tag() == "98asjd8");
    auto mf = m->max_forwards();
    REQUIRE(mf);
    CHECK(**mf == 68);
    auto cs = m->cseq();
    REQUIRE(cs);
    CHECK(cs->number == 9);
    CHECK(cs->method_kind == method_id::invite);
    auto contacts = m->contacts();
    REQUIRE(contacts);
    REQUIRE(contacts->size() == 1);
    CHECK(contacts->front().q_millis == 330);
    CHECK(m->body().size() == 150);
}

TEST_CASE("sip::torture: RFC 5118 port-ambiguous keeps the whole reference as host",
          "[sip][torture][rfc5118]")
{
    const std::string data = read_data("rfc5118/port-ambiguous.sip");
    auto m = parse_message(data);
    REQUIRE(m);
    auto ruri = m->request_uri();
    REQUIRE(ruri);
    CHECK(ruri->host == "[2001:db8::10:5070]");
    CHECK_FALSE(ruri->port);
}
