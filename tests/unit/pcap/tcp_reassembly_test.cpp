// SPDX-License-Identifier: MIT
// Tests for ssw::pcap::tcp_reassembler: order, retransmits, SYN/FIN/RST, gaps, limits, expiry.
#include "support/pcap_builder.hpp"

#include <ssw/pcap/tcp_reassembly.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <string>

using namespace ssw::pcap;
namespace pb = ssw::test::pcap_builder;

namespace {

constexpr std::int64_t t0 = 1'700'000'000'000'000'000;
constexpr std::uint8_t SYN = tcp_flags::syn;
constexpr std::uint8_t ACK = tcp_flags::ack;
constexpr std::uint8_t FIN = tcp_flags::fin;
constexpr std::uint8_t RST = tcp_flags::rst;
constexpr std::uint8_t PSH = tcp_flags::psh;

// Records what the reassembler delivers: the stream text with gaps as '#', and the events.
struct recorder {
    std::map<std::string, std::string> stream; // by "src>dst"
    std::vector<std::string> events;
    std::vector<std::vector<std::uint64_t>> data_frames;

    tcp_consumer consumer()
    {
        return [this](const tcp_chunk& c) {
            const std::string key = c.key.src.to_string() + ">" + c.key.dst.to_string();
            std::string& s = stream[key];
            switch (c.event) {
            case tcp_event::open:
                events.push_back("open " + key);
                s.clear(); // a new stream on this direction
                break;
            case tcp_event::data:
                CHECK(c.stream_offset == s.size());
                s.append(reinterpret_cast<const char*>(c.data.data()), c.data.size());
                data_frames.emplace_back(c.frames.begin(), c.frames.end());
                break;
            case tcp_event::gap:
                events.push_back("gap " + std::to_string(c.missing_bytes));
                s.append(c.missing_bytes, '#');
                break;
            case tcp_event::fin: events.push_back("fin " + key); break;
            case tcp_event::reset: events.push_back("reset " + key); break;
            case tcp_event::expired: events.push_back("expired " + key); break;
            }
        };
    }
};

struct conn {
    std::string a = "10.0.0.1";
    std::string b = "10.0.0.2";
    std::uint16_t pa = 40000;
    std::uint16_t pb_port = 5060;

    decoded_frame seg(bool from_a, std::uint32_t seq, std::uint8_t flags,
                      std::string_view data) const
    {
        const auto f = from_a ? pb::ipv4(a, b, 6, pb::tcp(pa, pb_port, seq, 0, flags, data))
                              : pb::ipv4(b, a, 6, pb::tcp(pb_port, pa, seq, 0, flags, data));
        keep.push_back(f);
        return decode_frame(link_type::raw, keep.back()).value();
    }
    mutable std::vector<pb::frame_bytes> keep{};
};

void feed(tcp_reassembler& r, const decoded_frame& d, std::uint64_t frame, std::int64_t t = t0)
{
    r.on_segment(d, std::span<const std::uint64_t>(&frame, 1), t);
}

const std::string ab = "10.0.0.1:40000>10.0.0.2:5060";
const std::string ba = "10.0.0.2:5060>10.0.0.1:40000";

} // namespace

TEST_CASE("pcap::tcp_reassembler: delivers both directions in order from the SYN",
          "[pcap][tcp_reassembly]")
{
    conn c;
    c.keep.reserve(100);
    recorder rec;
    tcp_reassembler r(rec.consumer());
    feed(r, c.seg(true, 1000, SYN, ""), 1);
    feed(r, c.seg(false, 5000, SYN | ACK, ""), 2);
    feed(r, c.seg(true, 1001, ACK, ""), 3);
    feed(r, c.seg(true, 1001, ACK | PSH, "INVITE "), 4);
    feed(r, c.seg(true, 1008, ACK | PSH, "sip:b SIP/2.0\r\n"), 5);
    feed(r, c.seg(false, 5001, ACK | PSH, "SIP/2.0 200 OK\r\n"), 6);
    feed(r, c.seg(true, 1023, ACK | FIN, ""), 7);
    CHECK(rec.stream[ab] == "INVITE sip:b SIP/2.0\r\n");
    CHECK(rec.stream[ba] == "SIP/2.0 200 OK\r\n");
    CHECK(rec.events == std::vector<std::string>{"open " + ab, "open " + ba, "fin " + ab});
    CHECK(rec.data_frames == std::vector<std::vector<std::uint64_t>>{{4}, {5}, {6}});
}

TEST_CASE("pcap::tcp_reassembler: reorders out-of-order segments and drops retransmissions",
          "[pcap][tcp_reassembly]")
{
    conn c;
    c.keep.reserve(100);
    recorder rec;
    tcp_reassembler r(rec.consumer());
    feed(r, c.seg(true, 0xfffffff0u, SYN, ""), 1); // the stream wraps the 32-bit sequence space
    const std::string text = "REGISTER sip:example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n";
    const std::uint32_t s0 = 0xfffffff1u;
    feed(r, c.seg(true, s0 + 20, ACK, text.substr(20, 15)), 2); // ahead: held
    feed(r, c.seg(true, s0 + 35, ACK, text.substr(35)), 3);     // ahead: held
    feed(r, c.seg(true, s0, ACK, text.substr(0, 10)), 4);       // in order
    feed(r, c.seg(true, s0, ACK, text.substr(0, 10)), 5);       // retransmission
    feed(r, c.seg(true, s0 + 5, ACK, text.substr(5, 20)), 6); // overlaps both sides: fills the hole
    feed(r, c.seg(true, s0 + 35, ACK, text.substr(35)), 7);   // old copy
    CHECK(rec.stream[ab] == text);
    CHECK(r.buffered_bytes() == 0);
    CHECK(r.stats().out_of_order == 2);
    CHECK(r.stats().retransmitted >= 2);
    CHECK(rec.data_frames.front() == std::vector<std::uint64_t>{4});
}

TEST_CASE("pcap::tcp_reassembler: keeps the first copy of bytes when a retransmission differs",
          "[pcap][tcp_reassembly]")
{
    conn c;
    c.keep.reserve(10);
    recorder rec;
    tcp_reassembler r(rec.consumer());
    feed(r, c.seg(true, 100, ACK, "abcdef"), 1);
    feed(r, c.seg(true, 103, ACK, "XYZghi"), 2);
    CHECK(rec.stream[ab] == "abcdefghi");
}

TEST_CASE("pcap::tcp_reassembler: picks up a stream that started before the capture",
          "[pcap][tcp_reassembly]")
{
    conn c;
    c.keep.reserve(10);
    recorder rec;
    tcp_reassembler r(rec.consumer());
    feed(r, c.seg(true, 777, ACK, ""), 1); // bare ACK: nothing to track
    CHECK(r.flows() == 0);
    feed(r, c.seg(true, 777, ACK | PSH, "SIP/2.0 100 Trying\r\n"), 2);
    CHECK(rec.stream[ab] == "SIP/2.0 100 Trying\r\n");
    CHECK(rec.events == std::vector<std::string>{"open " + ab});
}

TEST_CASE("pcap::tcp_reassembler: a hole that never fills is reported as a gap",
          "[pcap][tcp_reassembly]")
{
    conn c;
    c.keep.reserve(10);
    recorder rec;
    SECTION("at the end of the capture")
    {
        tcp_reassembler r(rec.consumer());
        feed(r, c.seg(true, 1, SYN, ""), 1);
        feed(r, c.seg(true, 2, ACK, "aaaa"), 2);
        feed(r, c.seg(true, 10, ACK, "cccc"), 3);
        CHECK(rec.stream[ab] == "aaaa");
        r.flush();
        CHECK(rec.stream[ab] == "aaaa####cccc");
        CHECK(rec.events == std::vector<std::string>{"open " + ab, "gap 4", "expired " + ab});
        CHECK(r.flows() == 0);
    }
    SECTION("when the held bytes pass the per-flow bound")
    {
        tcp_reassembly_limits limits;
        limits.max_flow_buffer_bytes = 8;
        tcp_reassembler r(rec.consumer(), limits);
        feed(r, c.seg(true, 1, SYN, ""), 1);
        feed(r, c.seg(true, 2, ACK, "aaaa"), 2);
        feed(r, c.seg(true, 10, ACK, "cccc"), 3);
        feed(r, c.seg(true, 14, ACK, "dddd"), 4);
        CHECK(rec.stream[ab] == "aaaa");
        feed(r, c.seg(true, 18, ACK, "e"), 5); // 9 bytes held > 8: resync
        CHECK(rec.stream[ab] == "aaaa####ccccdddde");
        CHECK(r.buffered_bytes() == 0);
        feed(r, c.seg(true, 19, ACK, "f"), 6);
        CHECK(rec.stream[ab] == "aaaa####ccccddddef");
    }
    SECTION("when the total held bytes pass the global bound")
    {
        tcp_reassembly_limits limits;
        limits.max_total_buffer_bytes = 6;
        tcp_reassembler r(rec.consumer(), limits);
        feed(r, c.seg(true, 2, ACK, "a"), 1);
        feed(r, c.seg(false, 2, ACK, "b"), 2);
        feed(r, c.seg(true, 10, ACK, "xxxx"), 3);
        feed(r, c.seg(false, 10, ACK, "yyyy"), 4); // 8 held > 6: the older direction resyncs first
        CHECK(rec.stream[ab] == "a#######xxxx");
        CHECK(rec.stream[ba] == "b");
        CHECK(r.buffered_bytes() == 4);
    }
}

TEST_CASE("pcap::tcp_reassembler: RST ends both directions after delivering held data",
          "[pcap][tcp_reassembly]")
{
    conn c;
    c.keep.reserve(10);
    recorder rec;
    tcp_reassembler r(rec.consumer());
    feed(r, c.seg(true, 1, ACK, "ab"), 1);
    feed(r, c.seg(false, 1, ACK, "xy"), 2);
    feed(r, c.seg(true, 5, ACK, "ef"), 3);
    feed(r, c.seg(false, 3, RST, ""), 4);
    CHECK(rec.stream[ab] == "ab##ef");
    CHECK(r.flows() == 0);
    CHECK(rec.events.back() == "reset " + ab);
}

TEST_CASE("pcap::tcp_reassembler: FIN waits for missing data and late copies are ignored",
          "[pcap][tcp_reassembly]")
{
    conn c;
    c.keep.reserve(10);
    recorder rec;
    tcp_reassembler r(rec.consumer());
    feed(r, c.seg(true, 1, SYN, ""), 1);
    feed(r, c.seg(true, 4, ACK | FIN, "cd"), 2); // FIN arrives before "ab"
    CHECK(rec.events.size() == 1);
    feed(r, c.seg(true, 2, ACK, "ab"), 3);
    CHECK(rec.stream[ab] == "abcd");
    CHECK(rec.events.back() == "fin " + ab);
    feed(r, c.seg(true, 2, ACK, "ab"), 4); // late retransmission: not a new stream
    CHECK(rec.stream[ab] == "abcd");
    CHECK(rec.events.size() == 2);
    CHECK(r.stats().dropped == 1);
    feed(r, c.seg(true, 9000, SYN, ""), 5); // the 4-tuple reused by a new connection
    feed(r, c.seg(true, 9001, ACK, "new"), 6);
    CHECK(rec.events.back() == "open " + ab);
    CHECK(rec.stream[ab] == "new");
}

TEST_CASE("pcap::tcp_reassembler: idle directions expire and the flow table stays bounded",
          "[pcap][tcp_reassembly]")
{
    conn c;
    c.keep.reserve(300);
    recorder rec;
    tcp_reassembly_limits limits;
    limits.max_flows = 8;
    limits.idle_timeout = std::chrono::seconds(60);
    tcp_reassembler r(rec.consumer(), limits);
    for (std::uint16_t i = 0; i < 20; ++i) {
        c.pa = static_cast<std::uint16_t>(30000 + i);
        feed(r, c.seg(true, 1, ACK, "x"), i);
        CHECK(r.flows() <= 8);
    }
    CHECK(r.stats().flows_evicted == 12);
    c.pa = 1;
    feed(r, c.seg(true, 1, ACK, "late"), 99, t0 + 61'000'000'000);
    CHECK(r.flows() == 1);
    CHECK(r.expire(t0 + 200'000'000'000) == 1);
    CHECK(r.flows() == 0);
}

TEST_CASE("pcap::tcp_reassembler: segments far outside the window are dropped",
          "[pcap][tcp_reassembly]")
{
    conn c;
    c.keep.reserve(10);
    recorder rec;
    tcp_reassembler r(rec.consumer());
    feed(r, c.seg(true, 100, ACK, "ok"), 1);
    feed(r, c.seg(true, 100 + 0x40000000u, ACK, "garbage"), 2);
    CHECK(r.stats().dropped == 1);
    CHECK(r.buffered_bytes() == 0);
    r.flush();
    CHECK(rec.stream[ab] == "ok");
}
