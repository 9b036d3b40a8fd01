// SPDX-License-Identifier: MIT
// Tests for SDP parsing and the relay rewriter.
#include <ssw/sdp/session.hpp>
#include <ssw/sip/message.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace ssw::sdp;

namespace {

const std::string offer = "v=0\r\n"
                          "o=alice 2890844526 2890844527 IN IP4 192.0.2.10\r\n"
                          "s=call\r\n"
                          "c=IN IP4 192.0.2.10\r\n"
                          "t=0 0\r\n"
                          "a=sendrecv\r\n"
                          "m=audio 49170 RTP/AVP 0 8 101\r\n"
                          "a=rtpmap:0 PCMU/8000\r\n"
                          "a=rtpmap:8 PCMA/8000\r\n"
                          "a=rtpmap:101 telephone-event/8000\r\n"
                          "a=fmtp:101 0-16\r\n"
                          "a=ptime:20\r\n"
                          "m=video 51372/2 RTP/AVP 99\r\n"
                          "c=IN IP6 2001:db8::2\r\n"
                          "a=rtpmap:99 h263-1998/90000\r\n"
                          "a=recvonly\r\n";

std::string read_data(const std::string& rel)
{
    std::ifstream in(std::string(SSW_TEST_DATA_DIR) + "/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("sdp::parse_session: reads origin, connections, media and attributes", "[sdp][session]")
{
    auto s = parse_session(offer);
    REQUIRE(s);
    REQUIRE(s->orig);
    CHECK(s->orig->username == "alice");
    CHECK(s->orig->address == "192.0.2.10");
    CHECK(s->name == "call");
    REQUIRE(s->conn);
    CHECK(s->conn->address == "192.0.2.10");
    REQUIRE(s->media_list.size() == 2);
    const media& audio = s->media_list[0];
    CHECK(audio.type == "audio");
    CHECK(audio.port == 49170);
    CHECK(audio.proto == "RTP/AVP");
    CHECK(audio.payload_types() == std::vector<std::uint8_t>{0, 8, 101});
    REQUIRE(audio.find_rtpmap(101) != nullptr);
    CHECK(audio.find_rtpmap(101)->encoding == "telephone-event");
    CHECK(audio.find_rtpmap(8)->clock_rate == 8000);
    CHECK(audio.find_rtpmap(9) == nullptr);
    REQUIRE(audio.fmtps.size() == 1);
    CHECK(audio.fmtps[0].parameters == "0-16");
    CHECK(audio.ptime_ms == 20u);
    const media& video = s->media_list[1];
    CHECK(video.port == 51372);
    CHECK(video.port_count == 2);
    CHECK(s->connection_for(0)->address == "192.0.2.10");
    CHECK(s->connection_for(1)->address == "2001:db8::2");
    CHECK(s->direction_for(0) == direction::sendrecv);
    CHECK(s->direction_for(1) == direction::recvonly);
    CHECK(to_string(direction::inactive) == "inactive");
}

TEST_CASE("sdp::parse_session: accepts the SDP bodies of RFC 5118", "[sdp][session][rfc5118]")
{
    for (const char* f : {"sip/rfc5118/ipv6-in-sdp.sip", "sip/rfc5118/mult-ip-in-sdp.sip",
                          "sip/rfc5118/ipv4-mapped-ipv6.sip"}) {
        INFO(f);
        const std::string text = read_data(f);
        auto m = ssw::sip::parse_message(text);
        REQUIRE(m);
        auto s = parse_session(m->body());
        if (!s) {
            FAIL(s.error().to_string());
        }
        CHECK_FALSE(s->media_list.empty());
        CHECK(s->connection_for(0) != nullptr);
    }
}

TEST_CASE("sdp::parse_session: rejects malformed lines with their line number", "[sdp][session]")
{
    auto bad = parse_session("v=0\r\nc=IN IP4\r\n");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().where == "line 2");
    CHECK_FALSE(parse_session(""));
    CHECK_FALSE(parse_session("v=1\r\n"));
    CHECK_FALSE(parse_session("o=x 1 1 IN IP4 h\r\nv=0\r\n"));
    CHECK_FALSE(parse_session("v=0\r\nnot a line\r\n"));
    CHECK_FALSE(parse_session("v=0\r\nc=IN IP4 300.1.1.1\r\n"));
    CHECK_FALSE(parse_session("v=0\r\nc=IN IP6 2001:::1\r\n"));
    CHECK_FALSE(parse_session("v=0\r\nm=audio 70000 RTP/AVP 0\r\n"));
    CHECK_FALSE(parse_session("v=0\r\nm=audio 1/0 RTP/AVP 0\r\n"));
    CHECK_FALSE(parse_session("v=0\r\nm=audio 1\r\n"));
    CHECK_FALSE(parse_session("v=0\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:200 X/8000\r\n"));
    CHECK_FALSE(parse_session("v=0\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/x\r\n"));
    CHECK_FALSE(parse_session("v=0\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:0 \r\n"));
    auto lpc = parse_session("v=0\r\nm=video 3227 RTP/AVP 31\r\na=rtpmap:31 LPC\r\n");
    REQUIRE(lpc);
    CHECK(lpc->media_list[0].rtpmaps[0].clock_rate == 0);
    CHECK_FALSE(parse_session("v=0\r\nm=audio 1 RTP/AVP 0\r\na=ptime:abc\r\n"));
    CHECK_FALSE(parse_session("v=0\r\no=x 1 1 IN\r\n"));
    CHECK(parse_session("v=0\nc=IN IP4 media.example.com\nm=audio 0 RTP/AVP 0\na=ptime:20.0\n"));
}

TEST_CASE("sdp::parse_session: enforces its limits", "[sdp][session]")
{
    parse_limits lim;
    lim.max_media = 1;
    auto r = parse_session(offer, lim);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ssw::errc::limit_exceeded);
    lim = {};
    lim.max_lines = 3;
    CHECK(parse_session(offer, lim).error().code == ssw::errc::limit_exceeded);
    lim = {};
    lim.max_formats_per_media = 2;
    CHECK(parse_session(offer, lim).error().code == ssw::errc::limit_exceeded);
    lim = {};
    lim.max_bytes = 10;
    CHECK(parse_session(offer, lim).error().code == ssw::errc::limit_exceeded);
}

TEST_CASE("sdp::rewrite_session: replaces connection addresses and media ports only",
          "[sdp][session]")
{
    rewrite rw;
    rw.connection_address = "203.0.113.5";
    rw.media_ports = {40000, std::nullopt};
    auto out = rewrite_session(offer, rw);
    REQUIRE(out);
    auto s = parse_session(*out);
    REQUIRE(s);
    CHECK(s->orig->address == "203.0.113.5");
    CHECK(s->conn->address == "203.0.113.5");
    CHECK(s->connection_for(1)->address == "203.0.113.5");
    CHECK(s->connection_for(1)->addr_type == "IP4");
    CHECK(s->media_list[0].port == 40000);
    CHECK(s->media_list[0].payload_types().size() == 3);
    CHECK(s->media_list[1].port == 51372);
    CHECK(s->media_list[1].port_count == 2);
    CHECK(out->find("a=fmtp:101 0-16\r\n") != std::string::npos);

    rewrite v6;
    v6.connection_address = "2001:db8::99";
    v6.rewrite_origin = false;
    auto out6 = rewrite_session(offer, v6);
    REQUIRE(out6);
    auto s6 = parse_session(*out6);
    REQUIRE(s6);
    CHECK(s6->conn->addr_type == "IP6");
    CHECK(s6->orig->address == "192.0.2.10");

    CHECK(*rewrite_session(offer, rewrite{}) == offer);
    CHECK_FALSE(rewrite_session("v=0\r\nm=x\r\n", rw));
}

TEST_CASE("sdp::parse_session: parses every SDP body of the SIP torture messages",
          "[sdp][session][rfc4475]")
{
    std::size_t bodies = 0;
    for (const char* dir : {"sip/rfc4475", "sip/rfc5118"}) {
        for (const auto& entry :
             std::filesystem::directory_iterator(std::string(SSW_TEST_DATA_DIR) + "/" + dir)) {
            const std::string rel = std::string(dir) + "/" + entry.path().filename().string();
            const std::string text = read_data(rel);
            auto m = ssw::sip::parse_message(text);
            if (!m || m->body().substr(0, 3) != "v=0") {
                continue;
            }
            INFO(rel);
            auto s = parse_session(m->body());
            if (!s) {
                FAIL(s.error().to_string());
            }
            ++bodies;
        }
    }
    CHECK(bodies >= 15);
}
