// SPDX-License-Identifier: MIT
// Tests for message parsing: start line, header fields, folding, body framing, limits, accessors.
#include <ssw/sip/message.hpp>

#include <catch2/catch.hpp>

#include <list>
#include <string>

using namespace ssw::sip;

namespace {

// Keeps test inputs alive for as long as the messages viewing them.
std::string_view keep(std::string text)
{
    static std::list<std::string> kept;
    kept.push_back(std::move(text));
    return kept.back();
}

const std::string invite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8, SIP/2.0/UDP "
    "192.0.2.1;branch=z9hG4bK1\r\n"
    "v: SIP/2.0/TCP 192.0.2.2;branch=z9hG4bK2\r\n"
    "Max-Forwards: 70\r\n"
    "t: Bob <sip:bob@biloxi.example.com>\r\n"
    "f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "i: a84b4c76e66710\r\n"
    "CSeq: 314159 INVITE\r\n"
    "m: <sip:alice@pc33.atlanta.example.com>;expires=60, \"Other\" <sip:o@x>;q=0.1\r\n"
    "Route: <sip:p1.example.com;lr>,\r\n <sip:p2.example.com;lr>\r\n"
    "Record-Route: <sip:rr.example.com;lr>\r\n"
    "P-Asserted-Identity: \"Alice\" <sip:alice@atlanta.example.com>, <tel:+15551234>\r\n"
    "Allow: INVITE, ACK, BYE\r\n"
    "k: timer, 100rel\r\n"
    "Require: 100rel\r\n"
    "Expires: 120\r\n"
    "Min-Expires: 60\r\n"
    "User-Agent: softphone/1.2 (Linux)\r\n"
    "Proxy-Authorization: Digest username=\"alice\", realm=\"atlanta.example.com\", nonce=\"n\", "
    "uri=\"sip:bob@biloxi.example.com\", response=\"0123456789abcdef0123456789abcdef\"\r\n"
    "X-Folded: first\r\n"
    "\tsecond\r\n"
    "c: application/sdp\r\n"
    "l: 4\r\n"
    "\r\n"
    "v=0\r\n";

} // namespace

TEST_CASE("sip::parse_message: reads the request line and every header field", "[sip][message]")
{
    auto m = parse_message(invite);
    REQUIRE(m);
    CHECK(m->is_request());
    CHECK(m->method() == "INVITE");
    CHECK(m->method_kind() == method_id::invite);
    CHECK(m->request_uri_text() == "sip:bob@biloxi.example.com");
    CHECK(m->version() == "SIP/2.0");
    CHECK(m->headers().size() == 21);
    CHECK(m->body() == "v=0\r");
    CHECK(m->trailing_bytes() == 1);
    CHECK(m->content_length() == 4u);
    CHECK(m->raw().size() == invite.size() - 1);
    CHECK(m->find("Call-ID")->value == "a84b4c76e66710");
    CHECK(m->find("x-folded")->folded);
    CHECK(m->count(header_id::via) == 2);
    CHECK(m->values(header_id::via).size() == 3);
    CHECK(m->find("X-Missing") == nullptr);
}

TEST_CASE("sip::parse_message: typed accessors read compact and list headers", "[sip][message]")
{
    auto m = parse_message(invite);
    REQUIRE(m);
    auto vias = m->vias();
    REQUIRE(vias);
    REQUIRE(vias->size() == 3);
    CHECK((*vias)[2].transport == "TCP");
    CHECK(m->top_via()->branch == "z9hG4bKnashds8");
    CHECK(m->from()->tag() == "1928301774");
    CHECK(m->to()->tag().empty());
    CHECK(m->call_id() == "a84b4c76e66710");
    CHECK(m->cseq()->number == 314159);
    auto contacts = m->contacts();
    REQUIRE(contacts);
    REQUIRE(contacts->size() == 2);
    CHECK((*contacts)[0].expires == 60u);
    CHECK((*contacts)[1].q_millis == 100);
    CHECK(m->routes()->size() == 2);
    CHECK(m->record_routes()->front().address.host == "rr.example.com");
    auto pai = m->p_asserted_identities();
    REQUIRE(pai);
    REQUIRE(pai->size() == 2);
    CHECK((*pai)[1].address.scheme == uri_scheme::tel);
    CHECK(m->allow()->size() == 3);
    CHECK(m->supported()->size() == 2);
    CHECK(m->require()->front() == "100rel");
    CHECK(**m->max_forwards() == 70);
    CHECK(**m->expires() == 120u);
    CHECK(**m->min_expires() == 60u);
    CHECK((*m->content_type())->subtype == "sdp");
    CHECK(m->user_agent() == "softphone/1.2 (Linux)");
    auto cred = m->credentials(header_id::proxy_authorization);
    REQUIRE(cred);
    CHECK(cred->username == "alice");
    CHECK(m->challenges(header_id::www_authenticate)->empty());
    CHECK_FALSE(m->credentials(header_id::authorization));
    CHECK(m->credentials(header_id::authorization).error().code == ssw::errc::not_found);
    CHECK_FALSE(m->credentials(header_id::via));
    CHECK(m->request_uri()->user == "bob");
    std::string scratch;
    CHECK(m->find("X-Folded")->unfolded(scratch) == "first second");
    CHECK(m->find(header_id::cseq)->unfolded(scratch) == "314159 INVITE");
}

TEST_CASE("sip::parse_message: reads a status line and a response with an empty reason",
          "[sip][message]")
{
    auto m = parse_message(keep(
        "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n"));
    REQUIRE(m);
    CHECK(m->is_response());
    CHECK(m->status_code() == 180);
    CHECK(m->reason() == "Ringing");
    CHECK(m->body().empty());
    CHECK_FALSE(m->request_uri());
    auto e = parse_message(keep("SIP/2.0 100 \r\n\r\n"));
    REQUIRE(e);
    CHECK(e->reason().empty());
    auto n = parse_message(keep("SIP/2.0 100\r\n\r\n"));
    REQUIRE(n);
    CHECK(n->status_code() == 100);
}

TEST_CASE("sip::parse_message: body runs to the datagram end without Content-Length",
          "[sip][message]")
{
    const std::string data = "MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n\r\nhello";
    auto m = parse_message(data);
    REQUIRE(m);
    CHECK(m->body() == "hello");
    CHECK_FALSE(m->content_length());
    parse_options stream;
    stream.mode = framing::stream;
    auto s = parse_message(data, stream);
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find("Content-Length is required") != std::string::npos);
}

TEST_CASE("sip::parse_message: skips leading CRLFs and accepts bare LF line ends", "[sip][message]")
{
    auto m = parse_message(keep("\r\n\r\nOPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h\nl: 0\n\n"));
    REQUIRE(m);
    CHECK(m->method() == "OPTIONS");
    CHECK(m->raw().substr(0, 7) == "OPTIONS");
    CHECK(m->headers().size() == 2);
}

TEST_CASE("sip::parse_message: rejects malformed framing with a line and column", "[sip][message]")
{
    auto where = [](const std::string& s) {
        auto r = parse_message(keep(s));
        REQUIRE_FALSE(r);
        return r.error().where;
    };
    CHECK(where("") == "line 1 col 1");
    CHECK(where("INVITE sip:a@b SIP/2.0") == "line 1 col 23");
    CHECK(where("INVITE sip:a@b SIP/2.0\r\nVia: x\r\n") == "line 3 col 1");
    CHECK(where("INVITE sip:a@b SIP/2.0\r\nVia x\r\n\r\n") == "line 2 col 5");
    CHECK(where("INVITE sip:a@b SIP/2.0\r\n folded\r\n\r\n") == "line 2 col 1");
    CHECK(where("INVITE sip:a@b SIP/2.0\r\n: x\r\n\r\n") == "line 2 col 1");
    CHECK(where("INVITE sip:a@b SIP/2.0\r\nl: 10\r\n\r\nabc") == "line 4 col 1");
    CHECK(where("INVITE sip:a@b SIP/2.0\r\nl: -1\r\n\r\n") == "line 2 col 4");
    CHECK_FALSE(parse_message(keep("INVITE sip:a@b SIP/2.0\r\nA: b\r\r\n")));
    CHECK_FALSE(parse_message(keep("INV(ITE sip:a@b SIP/2.0\r\n\r\n")));
    CHECK_FALSE(parse_message(keep("INVITE sip:a@b SIP/2\r\n\r\n")));
    CHECK_FALSE(parse_message(keep("INVITE sip:a@b\r\n\r\n")));
    CHECK_FALSE(parse_message(keep("SIP/2.0 20 OK\r\n\r\n")));
    CHECK_FALSE(parse_message(keep("SIP/2.0 099 Low\r\n\r\n")));
    CHECK_FALSE(parse_message(keep("SIP/2.0\r\n\r\n")));
    CHECK_FALSE(parse_message(keep("SIP/x.0 200 OK\r\n\r\n")));
    CHECK_FALSE(parse_message(keep("INVITE sip:a\x01@b SIP/2.0\r\n\r\n")));
}

TEST_CASE("sip::parse_message: enforces the named limits", "[sip][message]")
{
    parse_options opt;
    opt.limits.max_headers = 2;
    auto r = parse_message(keep("OPTIONS sip:a@b SIP/2.0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"), opt);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ssw::errc::limit_exceeded);
    opt = {};
    opt.limits.max_message_bytes = 10;
    CHECK(parse_message(keep("OPTIONS sip:a@b SIP/2.0\r\n\r\n"), opt).error().code ==
          ssw::errc::limit_exceeded);
    opt = {};
    opt.limits.max_header_bytes = 8;
    CHECK(parse_message(keep("OPTIONS sip:a@b SIP/2.0\r\nSubject: long value\r\n\r\n"), opt)
              .error()
              .code == ssw::errc::limit_exceeded);
    opt = {};
    opt.limits.max_start_line_bytes = 8;
    CHECK(parse_message(keep("OPTIONS sip:a@b SIP/2.0\r\n\r\n"), opt).error().code ==
          ssw::errc::limit_exceeded);
}

TEST_CASE("sip::parse_message: reuses a message object across parses", "[sip][message]")
{
    message m;
    REQUIRE(parse_message(invite, m));
    CHECK(m.headers().size() == 21);
    REQUIRE(parse_message(std::string_view("SIP/2.0 200 OK\r\nl: 0\r\n\r\n"), m));
    CHECK(m.headers().size() == 1);
    CHECK(m.is_response());
    CHECK(m.method().empty());
    REQUIRE_FALSE(parse_message(std::string_view("garbage"), m));
    CHECK(m.headers().empty());
}

TEST_CASE("sip::message: accessor errors point at the line and column of the bad value",
          "[sip][message]")
{
    const std::string data = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP "
                             "h;branch=z9hG4bK1\r\nCSeq: x OPTIONS\r\nMax-Forwards: 999\r\n\r\n";
    auto m = parse_message(data);
    REQUIRE(m);
    auto cs = m->cseq();
    REQUIRE_FALSE(cs);
    CHECK(cs.error().where == "line 3 col 7");
    CHECK(m->max_forwards().error().where == "line 4 col 15");
    CHECK(m->from().error().code == ssw::errc::not_found);
    CHECK(m->contacts()->empty());
    CHECK_FALSE(*m->expires());
    CHECK(is_sip_version("SIP/2.0"));
    CHECK_FALSE(is_sip_version("SIP/2."));
}

TEST_CASE("sip::looks_like_sip: recognises SIP start lines and nothing else", "[sip][message]")
{
    CHECK(looks_like_sip("INVITE sip:a@b SIP/2.0\r\nVia: x\r\n"));
    CHECK(looks_like_sip("\r\nSIP/2.0 200 OK\r\n"));
    CHECK(looks_like_sip("SIP/2.0 100\r\n"));
    CHECK(looks_like_sip("!interesting-Method0123456789_*+`.%indeed'~ sip:x@y SIP/2.0\n"));
    CHECK_FALSE(looks_like_sip(""));
    CHECK_FALSE(looks_like_sip("\r\n\r\n"));
    CHECK_FALSE(looks_like_sip("HELLO"));
    CHECK_FALSE(looks_like_sip("GET / HTTP/1.1\r\n"));
    CHECK_FALSE(looks_like_sip("INVITE sip:a@b SIP/2.0"));
    CHECK_FALSE(looks_like_sip("SIP/2.0 20 OK\r\n"));
    CHECK_FALSE(looks_like_sip(std::string_view("\x00\x01\x02\x03\n", 5)));
}
