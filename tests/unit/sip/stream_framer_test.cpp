// SPDX-License-Identifier: MIT
// Tests for TCP stream framing and RFC 5626 keep-alives.
#include <ssw/sip/stream_framer.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace ssw::sip;

namespace {
const std::string msg1 =
    "MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\nContent-Length: 5\r\n\r\nhello";
const std::string msg2 = "SIP/2.0 200 OK\r\nl: 0\r\n\r\n";
} // namespace

TEST_CASE("sip::next_frame: frames a complete message by Content-Length", "[sip][stream_framer]")
{
    const frame f = next_frame(msg1 + msg2);
    CHECK(f.status == frame_status::complete);
    CHECK(f.kind == frame_kind::message);
    CHECK(f.length == msg1.size());
    const frame g = next_frame(msg2);
    CHECK(g.status == frame_status::complete);
    CHECK(g.length == msg2.size());
}

TEST_CASE("sip::next_frame: asks for more until headers and body are complete",
          "[sip][stream_framer]")
{
    for (std::size_t cut = 1; cut < msg1.size(); ++cut) {
        INFO(cut);
        CHECK(next_frame(std::string_view(msg1).substr(0, cut)).status == frame_status::need_more);
    }
    CHECK(next_frame("").status == frame_status::need_more);
}

TEST_CASE("sip::next_frame: recognises RFC 5626 pings and pongs", "[sip][stream_framer]")
{
    const frame ping = next_frame("\r\n\r\n" + msg2);
    CHECK(ping.status == frame_status::complete);
    CHECK(ping.kind == frame_kind::keepalive_ping);
    CHECK(ping.length == 4);
    const frame pong = next_frame("\r\n" + msg2);
    CHECK(pong.kind == frame_kind::keepalive_pong);
    CHECK(pong.length == 2);
    CHECK(next_frame("\r\n").status == frame_status::need_more);
    CHECK(next_frame("\r\n\r").status == frame_status::need_more);
    const frame lf = next_frame("\n" + msg2);
    CHECK(lf.status == frame_status::complete);
    CHECK(lf.skip == 1);
    CHECK(lf.length == msg2.size());
}

TEST_CASE("sip::next_frame: rejects streams that cannot be framed", "[sip][stream_framer]")
{
    const frame none = next_frame(std::string("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n"));
    CHECK(none.status == frame_status::invalid);
    CHECK(none.reason.find("Content-Length") != std::string::npos);
    CHECK(next_frame(std::string("A\r\nl: x\r\n\r\n")).status == frame_status::invalid);
    CHECK(next_frame(std::string("A\r\nl: 1\r\nl: 2\r\n\r\n")).status == frame_status::invalid);
    framer_limits small;
    small.max_header_bytes = 16;
    CHECK(next_frame(std::string(64, 'A'), small).status == frame_status::invalid);
    CHECK(next_frame(std::string(64, '\n'), small).status == frame_status::invalid);
    CHECK(next_frame(std::string(8, '\n'), small).status == frame_status::need_more);
    small = {};
    small.max_message_bytes = 40;
    CHECK(next_frame(msg1, small).status == frame_status::invalid);
}

TEST_CASE("sip::stream_framer: reassembles messages split and coalesced across reads",
          "[sip][stream_framer]")
{
    const std::string stream = msg1 + "\r\n\r\n" + msg2 + msg1;
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{64}, stream.size()}) {
        INFO(chunk);
        stream_framer fr;
        std::vector<std::string> units;
        for (std::size_t i = 0; i < stream.size(); i += chunk) {
            fr.append(std::string_view(stream).substr(i, chunk));
            while (true) {
                const frame f = fr.next();
                if (f.status != frame_status::complete) {
                    REQUIRE(f.status == frame_status::need_more);
                    break;
                }
                units.emplace_back(fr.current());
            }
        }
        REQUIRE(units.size() == 4);
        CHECK(units[0] == msg1);
        CHECK(units[1] == "\r\n\r\n");
        CHECK(units[2] == msg2);
        CHECK(units[3] == msg1);
        CHECK(fr.buffered() == 0);
    }
}
