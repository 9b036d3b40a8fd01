// SPDX-License-Identifier: MIT
// Tests for byte-exact encoding and message patching.
#include <ssw/sip/serializer.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace ssw::sip;

namespace {
const std::string text = "INVITE sip:bob@b.example.com SIP/2.0\r\n"
                         "Via:  SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
                         "To: <sip:bob@b.example.com>\r\n"
                         "From: <sip:alice@a.example.com>;tag=1\r\n"
                         "Call-ID: c1\r\n"
                         "CSeq: 1 INVITE\r\n"
                         "X-Odd :  spaced\r\n"
                         "  and folded\r\n"
                         "Content-Length: 3\r\n"
                         "\r\n"
                         "abc";
} // namespace

TEST_CASE("sip::encode_message: writes an unmodified message back byte-exact", "[sip][serializer]")
{
    auto m = parse_message(text);
    REQUIRE(m);
    CHECK(encode_message(*m) == text);
    std::string out = "prefix";
    encode_message(*m, out);
    CHECK(out == "prefix" + text);
    CHECK(message_patch{}.apply(*m) == text);
}

TEST_CASE("sip::message_patch: pushes and pops Via like a proxy", "[sip][serializer]")
{
    auto m = parse_message(text);
    REQUIRE(m);
    const std::string pushed = message_patch{}
                                   .add("Via", "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp",
                                        message_patch::position::first_of_kind)
                                   .apply(*m);
    auto p = parse_message(pushed);
    REQUIRE(p);
    auto vias = p->vias();
    REQUIRE(vias);
    REQUIRE(vias->size() == 2);
    CHECK((*vias)[0].host == "proxy.example.com");
    CHECK(p->body() == "abc");
    const std::string popped = message_patch{}.remove_first(header_id::via).apply(*p);
    CHECK(popped == text.substr(0, text.find("Via:")) + text.substr(text.find("Via:")));
    CHECK(popped == text);
}

TEST_CASE("sip::message_patch: replaces, removes and adds fields keeping untouched bytes",
          "[sip][serializer]")
{
    auto m = parse_message(text);
    REQUIRE(m);
    const std::string out = message_patch{}
                                .set_start_line("INVITE sip:bob@10.0.0.2 SIP/2.0")
                                .replace(header_id::cseq, "2 INVITE")
                                .remove("x-odd")
                                .add("Max-Forwards", "69")
                                .apply(*m);
    auto p = parse_message(out);
    REQUIRE(p);
    CHECK(p->request_uri_text() == "sip:bob@10.0.0.2");
    CHECK(p->cseq()->number == 2);
    CHECK(p->find("X-Odd") == nullptr);
    CHECK(**p->max_forwards() == 69);
    CHECK(out.find("Via:  SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n") != std::string::npos);
    CHECK(p->body() == "abc");
}

TEST_CASE("sip::message_patch: a new body rewrites Content-Length and Content-Type",
          "[sip][serializer]")
{
    auto m = parse_message(text);
    REQUIRE(m);
    const std::string out =
        message_patch{}.set_body("v=0\r\n", std::string("application/sdp")).apply(*m);
    auto p = parse_message(out);
    REQUIRE(p);
    CHECK(p->body() == "v=0\r\n");
    CHECK(p->content_length() == 5u);
    CHECK(p->count(header_id::content_length) == 1);
    CHECK((*p->content_type())->subtype == "sdp");
    static const std::string no_cl = "MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n\r\nx";
    auto q = parse_message(no_cl);
    REQUIRE(q);
    const std::string with_body = message_patch{}.set_body("hello").apply(*q);
    CHECK(with_body.find("Content-Length: 5\r\n\r\nhello") != std::string::npos);
}

TEST_CASE("sip::message_patch: replace of an absent header appends it", "[sip][serializer]")
{
    auto m = parse_message(text);
    REQUIRE(m);
    const std::string out = message_patch{}.replace(header_id::expires, "60").apply(*m);
    auto p = parse_message(out);
    REQUIRE(p);
    CHECK(**p->expires() == 60u);
}

TEST_CASE("sip::fit_for_udp: small messages pass, large ones take compact forms, huge ones fail",
          "[sip][serializer]")
{
    auto small = fit_for_udp(text);
    REQUIRE(small);
    CHECK(*small == text);

    // A 200 OK to REGISTER listing many contacts: over the 1300-byte threshold.
    std::string big =
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
        "From: <sip:1000@x>;tag=1\r\nTo: <sip:1000@x>;tag=2\r\nCall-ID: c1\r\nCSeq: 2 REGISTER\r\n";
    for (int i = 0; i < 40; ++i) {
        big += "Contact: <sip:1000@192.0.2." + std::to_string(i) + ":5060>;expires=3600\r\n";
    }
    big += "Content-Length: 0\r\n\r\n";
    REQUIRE(big.size() > udp_fragmentation_threshold);
    auto fitted = fit_for_udp(big);
    REQUIRE(fitted);
    CHECK(fitted->size() < big.size());
    CHECK_THAT(*fitted, Catch::StartsWith("SIP/2.0 200 OK\r\nv:SIP/2.0/UDP"));
    CHECK_THAT(*fitted, Catch::Contains("\r\nm:<sip:1000@192.0.2.39:5060>;expires=3600\r\n"));
    CHECK_THAT(*fitted, Catch::Contains("\r\nCSeq:2 REGISTER\r\n")); // no compact form for CSeq
    const auto reparsed = parse_message(*fitted);
    REQUIRE(reparsed);
    CHECK(reparsed->contacts()->size() == 40);
    CHECK(reparsed->call_id() == "c1");

    std::string huge =
        "MESSAGE sip:a@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\nFrom: <sip:b@x>;tag=1\r\n"
        "To: <sip:a@x>\r\nCall-ID: c2\r\nCSeq: 1 MESSAGE\r\nContent-Length: 70000\r\n\r\n" +
        std::string(70000, 'x');
    const auto too_big = fit_for_udp(huge);
    REQUIRE_FALSE(too_big);
    CHECK_THAT(too_big.error().message, Catch::Contains("exceeds the 65507-byte UDP limit"));
}
