// SPDX-License-Identifier: MIT
// Tests for building requests and RFC 3261 §8.2.6 responses.
#include <ssw/sip/builder.hpp>
#include <ssw/sip/validate.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace ssw::sip;

namespace {
const std::string request = "INVITE sip:bob@b.example.com SIP/2.0\r\n"
                            "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1, SIP/2.0/UDP "
                            "a.example.com;branch=z9hG4bKa\r\n"
                            "Record-Route: <sip:p1.example.com;lr>\r\n"
                            "To: Bob <sip:bob@b.example.com>\r\n"
                            "From: Alice <sip:alice@a.example.com>;tag=9fxced76sl\r\n"
                            "Call-ID: 3848276298220188511@a.example.com\r\n"
                            "CSeq: 1 INVITE\r\n"
                            "Timestamp: 54\r\n"
                            "Max-Forwards: 69\r\n"
                            "Content-Length: 0\r\n"
                            "\r\n";
} // namespace

TEST_CASE("sip::message_builder: builds a valid request with a matching Content-Length",
          "[sip][builder]")
{
    const std::string text =
        message_builder::request("MESSAGE", "sip:bob@b.example.com")
            .header(header_id::via, "SIP/2.0/UDP a.example.com;branch=z9hG4bK1")
            .header(header_id::to, "<sip:bob@b.example.com>")
            .header(header_id::from, "<sip:alice@a.example.com>;tag=1")
            .header(header_id::call_id, "m1@a")
            .header(header_id::cseq, "1 MESSAGE")
            .header("Content-Length", "999")
            .body("text/plain", "hi")
            .build();
    auto m = parse_message(text);
    REQUIRE(m);
    CHECK(validate_message(*m));
    CHECK(m->body() == "hi");
    CHECK(m->count(header_id::content_length) == 1);
    const std::string resp = message_builder::response(404, default_reason(404)).build();
    CHECK(resp == "SIP/2.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("sip::make_response: copies Via, From, Call-ID, CSeq and tags To", "[sip][builder]")
{
    auto req = parse_message(request);
    REQUIRE(req);
    auto text = make_response(*req, 180, "Ringing", "314159");
    REQUIRE(text);
    auto r = parse_message(*text);
    REQUIRE(r);
    CHECK(validate_message(*r));
    CHECK(r->status_code() == 180);
    CHECK(r->vias()->size() == 2);
    CHECK(r->top_via()->branch == "z9hG4bKp1");
    CHECK(r->from()->tag() == "9fxced76sl");
    CHECK(r->to()->tag() == "314159");
    CHECK(r->call_id() == "3848276298220188511@a.example.com");
    CHECK(r->cseq()->method_kind == method_id::invite);
    CHECK(r->record_routes()->size() == 1);
    CHECK(r->find(header_id::timestamp) == nullptr);
}

TEST_CASE("sip::make_response: 100 Trying has no To tag and echoes Timestamp", "[sip][builder]")
{
    auto req = parse_message(request);
    REQUIRE(req);
    auto text = make_response(*req, 100, "Trying", "314159");
    REQUIRE(text);
    auto r = parse_message(*text);
    REQUIRE(r);
    CHECK(r->to()->tag().empty());
    CHECK(r->value(header_id::timestamp) == "54");
    CHECK(r->find(header_id::record_route) == nullptr);
}

TEST_CASE("sip::make_response: keeps an existing To tag and refuses bad input", "[sip][builder]")
{
    static const std::string in_dialog =
        "BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>;tag=old\r\n"
        "From: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 2 BYE\r\n\r\n";
    auto req = parse_message(in_dialog);
    REQUIRE(req);
    auto text = make_response(*req, 200, "OK", "new", {{"Server", "ssw"}});
    REQUIRE(text);
    auto r = parse_message(*text);
    REQUIRE(r);
    CHECK(r->to()->tag() == "old");
    CHECK(r->server() == "ssw");
    CHECK_FALSE(make_response(*req, 99, "x"));
    CHECK_FALSE(make_response(*r, 200, "OK"));
    CHECK(default_reason(486) == "Busy Here");
    CHECK(default_reason(299).empty());
}

TEST_CASE("sip::make_cancel: mirrors the request per RFC 3261 §9.1", "[sip][builder]")
{
    static const std::string routed = request.substr(0, request.find("To:")) +
                                      "Route: <sip:p1.example.com;lr>\r\n" +
                                      request.substr(request.find("To:"));
    auto req = parse_message(routed);
    REQUIRE(req);
    auto text = make_cancel(*req);
    REQUIRE(text);
    auto c = parse_message(*text);
    REQUIRE(c);
    CHECK(validate_message(*c));
    CHECK(c->method_kind() == method_id::cancel);
    CHECK(c->request_uri_text() == req->request_uri_text());
    REQUIRE(c->vias()->size() == 1);
    CHECK(c->top_via()->branch == "z9hG4bKp1");
    CHECK(c->cseq()->number == 1);
    CHECK(c->cseq()->method == "CANCEL");
    CHECK(c->routes()->size() == 1);
    CHECK(c->to()->tag().empty());
    CHECK(c->from()->tag() == "9fxced76sl");
    auto ack = parse_message(
        std::string_view("ACK sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 ACK\r\n\r\n"));
    REQUIRE(ack);
    CHECK_FALSE(make_cancel(*ack));
}

TEST_CASE("sip::make_ack_for_failure: takes To from the response and Via from the INVITE",
          "[sip][builder]")
{
    auto req = parse_message(request);
    REQUIRE(req);
    auto busy_text = make_response(*req, 486, "Busy Here", "callee-tag");
    REQUIRE(busy_text);
    auto busy = parse_message(*busy_text);
    REQUIRE(busy);
    auto text = make_ack_for_failure(*req, *busy);
    REQUIRE(text);
    auto a = parse_message(*text);
    REQUIRE(a);
    CHECK(validate_message(*a));
    CHECK(a->method_kind() == method_id::ack);
    CHECK(a->to()->tag() == "callee-tag");
    CHECK(a->vias()->size() == 1);
    CHECK(a->cseq()->number == 1);
    CHECK(a->cseq()->method == "ACK");
    auto ok_text = make_response(*req, 200, "OK", "t");
    REQUIRE(ok_text);
    auto ok = parse_message(*ok_text);
    REQUIRE(ok);
    CHECK_FALSE(make_ack_for_failure(*req, *ok));
    CHECK_FALSE(make_ack_for_failure(*busy, *busy));
}

TEST_CASE("sip::stamp_top_via: rport gets the source port, received the source address",
          "[sip][builder]")
{
    const ssw::sip::request_origin origin{"127.0.0.1", 5062};
    CHECK(ssw::sip::stamp_top_via("SIP/2.0/UDP 10.0.0.5:5064;branch=z9hG4bK1;rport", origin) ==
          "SIP/2.0/UDP 10.0.0.5:5064;branch=z9hG4bK1;rport=5062;received=127.0.0.1");
    // rport in the middle, in capitals; only the first element of the field is stamped.
    CHECK(ssw::sip::stamp_top_via(
              "SIP/2.0/UDP 10.0.0.5;RPORT;branch=z9hG4bK2, SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK3",
              origin) == "SIP/2.0/UDP 10.0.0.5;RPORT=5062;branch=z9hG4bK2;received=127.0.0.1, "
                         "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK3");
    // sent-by is the source: nothing to add (RFC 3261 §18.2.1).
    CHECK(ssw::sip::stamp_top_via("SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK4", origin) ==
          "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK4");
    // A received already there and an rport with a value stay.
    CHECK(ssw::sip::stamp_top_via(
              "SIP/2.0/UDP 10.0.0.5;rport=9;received=192.0.2.9;branch=z9hG4bK5", origin) ==
          "SIP/2.0/UDP 10.0.0.5;rport=9;received=192.0.2.9;branch=z9hG4bK5");
    // IPv6 sources are written without brackets in received (RFC 5118 §4.5 accepts both).
    CHECK(ssw::sip::stamp_top_via("SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK6;rport",
                                  {"2001:db8::2", 5070}) ==
          "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK6;rport=5070;received=2001:db8::2");
    // A rportx parameter is not rport.
    CHECK(ssw::sip::stamp_top_via("SIP/2.0/UDP 127.0.0.1:5062;rportx;branch=z9hG4bK7", origin) ==
          "SIP/2.0/UDP 127.0.0.1:5062;rportx;branch=z9hG4bK7");
}
