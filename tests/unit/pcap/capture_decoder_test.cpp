// SPDX-License-Identifier: MIT
// Tests for ssw::pcap::capture_decoder and decode_capture: the whole pipeline over synthetic
// captures (every link type, fragmented UDP, SIP over TCP split and coalesced, pcapng, stdin,
// truncated files).
#include "support/helpers.hpp"
#include "support/pcap_builder.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <ssw/pcap/capture_decoder.hpp>
#include <ssw/pcap/sip_sniff.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>

using namespace ssw::pcap;
namespace pb = ssw::test::pcap_builder;

namespace {

const std::string invite = "INVITE sip:bob@example.com SIP/2.0\r\n"
                           "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r\n"
                           "Content-Length: 0\r\n\r\n";

std::string big_invite()
{
    std::string body;
    while (body.size() < 4000) {
        body += "a=rtpmap:0 PCMU/8000\r\n";
    }
    return "INVITE sip:bob@example.com SIP/2.0\r\nContent-Type: "
           "application/sdp\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

// What the pipeline delivered.
struct collected {
    std::vector<std::string> udp; // payloads
    std::vector<std::vector<std::uint64_t>> udp_frames;
    std::map<std::string, std::string> tcp; // "src>dst" -> stream bytes
    std::vector<std::uint64_t> tcp_frames;  // frames of data chunks, in order
    std::size_t decode_errors = 0;
};

capture_handlers handlers_for(collected& c)
{
    capture_handlers h;
    h.on_udp = [&c](const udp_datagram& u) {
        c.udp.emplace_back(reinterpret_cast<const char*>(u.payload.data()), u.payload.size());
        c.udp_frames.emplace_back(u.frames.begin(), u.frames.end());
    };
    h.on_tcp = [&c](const tcp_chunk& ch) {
        if (ch.event == tcp_event::data) {
            c.tcp[ch.key.src.to_string() + ">" + ch.key.dst.to_string()].append(
                reinterpret_cast<const char*>(ch.data.data()), ch.data.size());
            c.tcp_frames.insert(c.tcp_frames.end(), ch.frames.begin(), ch.frames.end());
        }
    };
    h.on_decode_error = [&c](const packet&, const ssw::error&) { ++c.decode_errors; };
    return h;
}

collected run_file(const std::filesystem::path& path, ssw::result<void>* status = nullptr)
{
    collected c;
    auto r = reader::open(path);
    REQUIRE(r);
    capture_decoder dec(handlers_for(c));
    auto done = decode_capture(*r, dec);
    if (status != nullptr) {
        *status = std::move(done);
    } else {
        REQUIRE(done);
    }
    return c;
}

pb::frame_bytes wrap(link_type link, const pb::frame_bytes& ip)
{
    switch (link) {
    case link_type::linux_sll: return pb::linux_sll(ip);
    case link_type::linux_sll2: return pb::linux_sll2(ip);
    case link_type::null: return pb::loopback(ip, false);
    case link_type::loop: return pb::loopback(ip, true);
    case link_type::raw: return ip;
    default: return pb::ethernet(ip, {{0x8100, 10}});
    }
}

} // namespace

TEST_CASE("pcap::capture_decoder: reassembles fragmented SIP over UDP on every link type",
          "[pcap][capture_decoder]")
{
    const auto link = GENERATE(link_type::ethernet, link_type::linux_sll, link_type::linux_sll2,
                               link_type::null, link_type::loop, link_type::raw);
    const bool v6 = GENERATE(false, true);
    INFO(to_string(link) << (v6 ? " v6" : " v4"));
    const std::string msg = big_invite();
    const auto seg = pb::udp(5060, 5080, msg);
    const auto frags = v6 ? pb::ipv6_fragments("2001:db8::1", "2001:db8::2", 17, seg, 1448, 0x1234)
                          : pb::ipv4_fragments("192.0.2.1", "192.0.2.2", 17, seg, 1480, 0x1234);
    pb::capture cap(link);
    cap.add(wrap(link, v6 ? pb::ipv6("2001:db8::1", "2001:db8::2", 17, pb::udp(5060, 5080, invite))
                          : pb::ipv4("192.0.2.1", "192.0.2.2", 17, pb::udp(5060, 5080, invite))));
    // Fragments arrive last-first, as some stacks send them.
    for (auto it = frags.rbegin(); it != frags.rend(); ++it) {
        cap.add(wrap(link, *it));
    }
    ssw::test::temp_dir dir;
    pb::write_file((dir / "f.pcap").string(), cap.pcap());
    const auto c = run_file(dir / "f.pcap");
    REQUIRE(c.udp.size() == 2);
    CHECK(c.udp[0] == invite);
    CHECK(c.udp[1] == msg);
    CHECK(looks_like_sip(c.udp[1]));
    CHECK(c.udp_frames[1] == std::vector<std::uint64_t>{2, 3, 4});
    CHECK(c.decode_errors == 0);
}

TEST_CASE("pcap::capture_decoder: SIP over TCP split across segments, coalesced, reordered and "
          "retransmitted",
          "[pcap][capture_decoder]")
{
    const std::string two = invite + invite; // coalesced: two messages in one segment
    const std::string big = big_invite();
    const std::string stream = two + big;
    pb::capture cap(link_type::ethernet);
    const auto seg = [](std::uint32_t seq, std::uint8_t flags, std::string_view data,
                        bool reply = false) {
        return pb::ethernet(
            reply
                ? pb::ipv4("192.0.2.2", "192.0.2.1", 6, pb::tcp(5060, 40001, seq, 0, flags, data))
                : pb::ipv4("192.0.2.1", "192.0.2.2", 6, pb::tcp(40001, 5060, seq, 0, flags, data)));
    };
    const std::uint32_t isn = 4000;
    cap.add(seg(isn, tcp_flags::syn, ""));                         // 1
    cap.add(seg(9000, tcp_flags::syn | tcp_flags::ack, "", true)); // 2
    cap.add(seg(isn + 1, tcp_flags::ack, two));                    // 3: two messages
    const std::size_t split = two.size() + 1;
    // The big message in three pieces: third, first, second (out of order), then a retransmission.
    const std::size_t p1 = 1400;
    const std::size_t p2 = 2800;
    cap.add(seg(static_cast<std::uint32_t>(isn + split + p2), tcp_flags::ack,
                std::string_view(big).substr(p2))); // 4
    cap.add(seg(static_cast<std::uint32_t>(isn + split), tcp_flags::ack,
                std::string_view(big).substr(0, p1))); // 5
    cap.add(seg(static_cast<std::uint32_t>(isn + split + p1), tcp_flags::ack,
                std::string_view(big).substr(p1, p2 - p1))); // 6
    cap.add(seg(static_cast<std::uint32_t>(isn + split), tcp_flags::ack,
                std::string_view(big).substr(0, p1)));                                       // 7
    cap.add(seg(9001, tcp_flags::ack, "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", true)); // 8
    ssw::test::temp_dir dir;
    pb::write_file((dir / "t.pcap").string(), cap.pcap());
    const auto c = run_file(dir / "t.pcap");
    CHECK(c.tcp.at("192.0.2.1:40001>192.0.2.2:5060") == stream);
    CHECK(c.tcp.at("192.0.2.2:5060>192.0.2.1:40001") ==
          "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK(c.tcp_frames == std::vector<std::uint64_t>{3, 5, 6, 4, 8});
}

TEST_CASE("pcap::decode_capture: pcapng made by editcap gives the same result as the pcap",
          "[pcap][capture_decoder][interop]")
{
    pb::capture cap(link_type::ethernet);
    for (int i = 0; i < 5; ++i) {
        cap.add(pb::ethernet(pb::ipv4("192.0.2.1", "192.0.2.2", 17, pb::udp(5060, 5060, invite))));
    }
    ssw::test::temp_dir dir;
    const auto pcap = (dir / "in.pcap").string();
    pb::write_file(pcap, cap.pcap());
    const auto base = run_file(pcap);
    CHECK(base.udp.size() == 5);
    const std::string editcap = ssw::test::require_program("editcap", "wireshark-common");
    const auto ng = (dir / "in.pcapng").string();
    const auto res = ssw::test::run_tool(editcap, {"-F", "pcapng", pcap, ng});
    REQUIRE(res.exit_code == 0);
    auto r = reader::open(ng);
    REQUIRE(r);
    CHECK(r->is_pcapng());
    CHECK(run_file(ng).udp == base.udp);
}

TEST_CASE(
    "pcap::decode_capture: a truncated file returns its error after dispatching what came before",
    "[pcap][capture_decoder]")
{
    pb::capture cap(link_type::ethernet);
    for (int i = 0; i < 4; ++i) {
        cap.add(pb::ethernet(pb::ipv4("192.0.2.1", "192.0.2.2", 17, pb::udp(5060, 5060, invite))));
    }
    std::string bytes = cap.pcap();
    bytes.resize(bytes.size() - 10);
    ssw::test::temp_dir dir;
    pb::write_file((dir / "cut.pcap").string(), bytes);
    ssw::result<void> status;
    const auto c = run_file(dir / "cut.pcap", &status);
    CHECK(c.udp.size() == 3);
    REQUIRE_FALSE(status);
    CHECK(status.error().where.find(": frame 4") != std::string::npos);
}

TEST_CASE("pcap::capture_decoder: counts frame kinds and reports decode errors without stopping",
          "[pcap][capture_decoder]")
{
    collected c;
    capture_decoder dec(handlers_for(c));
    const auto good = pb::ethernet(pb::ipv4("10.0.0.1", "10.0.0.2", 17, pb::udp(1, 2, "x")));
    const pb::frame_bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1,
                                 2,    3,    4,    5,    0x08, 0x06, 0, 1};
    const pb::frame_bytes runt = {0, 1, 2};
    std::uint64_t n = 0;
    for (const auto* f : {&good, &arp, &runt, &good}) {
        packet p;
        p.frame_number = ++n;
        p.data = *f;
        p.original_length = static_cast<std::uint32_t>(f->size());
        dec.on_packet(p);
    }
    dec.finish();
    const auto s = dec.stats();
    CHECK(s.frames == 4);
    CHECK(s.udp == 2);
    CHECK(s.non_ip == 1);
    CHECK(s.decode_errors == 1);
    CHECK(c.decode_errors == 1);
    CHECK(c.udp.size() == 2);
}

TEST_CASE("pcap::capture_decoder: frames of a link type it cannot decode are counted and named",
          "[pcap][capture_decoder]")
{
    collected c;
    capture_decoder dec(handlers_for(c));
    const auto good = pb::ethernet(pb::ipv4("10.0.0.1", "10.0.0.2", 17, pb::udp(1, 2, "x")));
    std::uint64_t n = 0;
    for (const auto link : {link_type::ethernet, static_cast<link_type>(147),
                            static_cast<link_type>(147), static_cast<link_type>(192)}) {
        packet p;
        p.frame_number = ++n;
        p.data = good;
        p.original_length = static_cast<std::uint32_t>(good.size());
        p.link = link;
        dec.on_packet(p);
    }
    dec.finish();
    const auto s = dec.stats();
    CHECK(s.udp == 1);
    CHECK(s.decode_errors == 3);
    CHECK(s.unsupported_link == 3);
    CHECK(s.unsupported_links ==
          std::vector<link_type>{static_cast<link_type>(147), static_cast<link_type>(192)});
    CHECK(describe_unsupported_links(s) ==
          "link types 147, 192 are not decoded by ssw (it decodes null, ethernet, raw, loop, "
          "linux_sll, ipv4, ipv6, linux_sll2): 3 of 4 frames skipped");

    capture_decoder clean(handlers_for(c));
    CHECK(describe_unsupported_links(clean.stats()).empty());
}

TEST_CASE(
    "pcap::capture_decoder: IPv6 fragments behind extension headers and TCP inside IP fragments",
    "[pcap][capture_decoder]")
{
    collected c;
    capture_decoder dec(handlers_for(c));
    std::vector<pb::frame_bytes> frames;
    // IPv6: hop-by-hop + destination options, then the fragment header.
    const std::string msg = big_invite();
    const auto seg = pb::udp(5060, 5060, msg);
    for (std::size_t off = 0; off < seg.size(); off += 1400) {
        const std::size_t n = std::min<std::size_t>(1400, seg.size() - off);
        const pb::ipv6_fragment f{static_cast<std::uint32_t>(off), off + n < seg.size(), 99};
        frames.push_back(pb::ethernet(
            pb::ipv6("2001:db8::1", "2001:db8::2", 17,
                     pb::frame_bytes(seg.begin() + static_cast<std::ptrdiff_t>(off),
                                     seg.begin() + static_cast<std::ptrdiff_t>(off + n)),
                     {{0, 8}, {60, 16}}, &f)));
    }
    // A TCP segment carried in two IPv4 fragments.
    const auto tcp_seg = pb::tcp(40000, 5060, 1, 0, tcp_flags::ack | tcp_flags::psh, msg);
    for (const auto& f : pb::ipv4_fragments("192.0.2.1", "192.0.2.2", 6, tcp_seg, 2000, 5)) {
        frames.push_back(pb::ethernet(f));
    }
    std::uint64_t n = 0;
    for (const auto& f : frames) {
        packet p;
        p.frame_number = ++n;
        p.data = f;
        p.original_length = static_cast<std::uint32_t>(f.size());
        dec.on_packet(p);
    }
    dec.finish();
    REQUIRE(c.udp.size() == 1);
    CHECK(c.udp[0] == msg);
    CHECK(c.udp_frames[0].size() == 3);
    CHECK(c.tcp.at("192.0.2.1:40000>192.0.2.2:5060") == msg);
    CHECK(c.tcp_frames == std::vector<std::uint64_t>{4, 5, 6});
    CHECK(dec.stats().reassembled == 2);
}
