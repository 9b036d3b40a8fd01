// SPDX-License-Identifier: MIT
// The sans-IO relay core in virtual time: port pairs (exhaustion, release on every path),
// forwarding, latching and the hijack guard, per-leg encryption, counters, media timeout
// and the first-RTP-from-callee event.
#include <ssw/crypto/payload_cipher.hpp>
#include <ssw/media/port_allocator.hpp>
#include <ssw/media/relay.hpp>
#include <ssw/rtp/payload_crypt.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using namespace ssw;
using namespace std::chrono_literals;

namespace {

media::endpoint ep(const char* ip, std::uint16_t port)
{
    return media::endpoint{*core::ip_address::parse(ip), port};
}

// An RTP packet: PT 0, given seq/ts/ssrc, `n` payload bytes of a fixed pattern.
std::vector<std::uint8_t> rtp_packet(std::uint16_t seq, std::size_t n = 160,
                                     std::uint32_t ssrc = 0x11223344)
{
    std::vector<std::uint8_t> p(12 + n);
    p[0] = 0x80;
    p[1] = 0;
    p[2] = static_cast<std::uint8_t>(seq >> 8);
    p[3] = static_cast<std::uint8_t>(seq);
    const std::uint32_t ts = 160U * seq;
    for (int i = 0; i < 4; ++i) {
        p[4 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ts >> (24 - 8 * i));
        p[8 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    }
    for (std::size_t i = 0; i < n; ++i) {
        p[12 + i] = static_cast<std::uint8_t>(0xff - (i % 7));
    }
    return p;
}

std::vector<std::uint8_t> rtcp_packet()
{
    return {0x80, 200, 0, 6, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0,
            0,    0,   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
}

struct fixture {
    core::manual_clock clock;
    media::relay_options opts;
    std::unique_ptr<media::relay> r;
    explicit fixture(media::relay_options o = {20000, 20007, true, 0ms})
    {
        opts = o;
        r = std::make_unique<media::relay>(opts, clock);
    }
};

} // namespace

TEST_CASE("port allocator hands out even/odd pairs round-robin and counts", "[media][relay]")
{
    media::port_allocator p(20001, 20010); // pairs 20002, 20004, 20006, 20008 (20010 has no 20011)
    CHECK(p.capacity() == 4);
    std::vector<std::uint16_t> got;
    for (int i = 0; i < 4; ++i) {
        auto a = p.allocate();
        REQUIRE(a);
        CHECK(*a % 2 == 0);
        got.push_back(*a);
    }
    CHECK(got == std::vector<std::uint16_t>{20002, 20004, 20006, 20008});
    auto none = p.allocate();
    REQUIRE(!none);
    CHECK(none.error().code == errc::limit_exceeded);
    CHECK(p.stats().exhausted == 1);
    CHECK(p.release(20004));
    CHECK(!p.release(20004)); // twice: refused, not double-counted
    CHECK(!p.release(20005));
    CHECK(p.used() == 3);
    auto again = p.allocate();
    REQUIRE(again);
    CHECK(*again == 20004);
    CHECK(p.stats().allocated == 5);
    CHECK(p.stats().released == 1);
    CHECK(media::port_allocator(20000, 20000).capacity() == 0);
}

TEST_CASE("relay: exhaustion leaves nothing allocated and close releases every port",
          "[media][relay]")
{
    fixture f; // 4 pairs: two streams
    const auto s1 = f.r->open();
    REQUIRE(f.r->ensure_stream(s1, 0));
    const auto s2 = f.r->open();
    REQUIRE(f.r->ensure_stream(s2, 0));
    const auto s3 = f.r->open();
    auto full = f.r->ensure_stream(s3, 0);
    REQUIRE(!full);
    CHECK(full.error().code == errc::limit_exceeded);
    CHECK(f.r->ports().used() == 4);
    // The same stream twice gives the same ports.
    auto again = f.r->ensure_stream(s1, 0);
    REQUIRE(again);
    f.r->close(s1);
    f.r->close(s2);
    f.r->close(s3);
    f.r->close(s3); // unknown now: ignored
    CHECK(f.r->ports().used() == 0);
    CHECK(f.r->sessions() == 0);
    std::vector<media::port_change> changes;
    f.r->take_port_changes(changes);
    std::size_t opened = 0;
    std::size_t closed = 0;
    for (const auto& c : changes) {
        (c.open ? opened : closed) += 1;
    }
    CHECK(opened == 8); // RTP and RTCP port of 4 pairs
    CHECK(closed == 8);
}

TEST_CASE("relay: 100,000 sessions opened and closed on mixed paths leak no port", "[media][relay]")
{
    fixture f({20000, 20099, true, 30s});
    std::vector<media::session_id> open_now;
    for (int i = 0; i < 100000; ++i) {
        const auto s = f.r->open();
        if (i % 3 != 0) {
            (void)f.r->ensure_stream(s, 0);
        }
        if (i % 5 == 0) {
            f.r->arm_timeout(s);
        }
        open_now.push_back(s);
        if (open_now.size() > 20) {
            f.r->close(open_now.front());
            open_now.erase(open_now.begin());
        }
    }
    for (const auto s : open_now) {
        f.r->close(s);
    }
    CHECK(f.r->ports().used() == 0);
    CHECK(f.r->ports().stats().allocated == f.r->ports().stats().released);
    CHECK(!f.r->deadline());
}

TEST_CASE("relay: forwards both ways to the SDP addresses and counts", "[media][relay]")
{
    fixture f;
    const auto s = f.r->open();
    const auto [pa, pb] = *f.r->ensure_stream(s, 0);
    f.r->set_remote(s, 0, media::side::a, ep("10.0.0.1", 4000));
    f.r->set_remote(s, 0, media::side::b, ep("10.0.0.2", 5000));
    auto p = rtp_packet(1);
    const auto sent = p;
    auto fw = f.r->on_datagram(pa, ep("10.0.0.1", 4000), p);
    REQUIRE(fw.send);
    CHECK(fw.from_port == pb);
    CHECK(fw.to == ep("10.0.0.2", 5000));
    CHECK(p == sent); // plain to plain: untouched
    auto q = rtp_packet(7);
    fw = f.r->on_datagram(pb, ep("10.0.0.2", 5000), q);
    REQUIRE(fw.send);
    CHECK(fw.from_port == pa);
    CHECK(fw.to == ep("10.0.0.1", 4000));
    // RTCP: odd ports, to the SDP port + 1, untouched.
    auto c = rtcp_packet();
    fw = f.r->on_datagram(static_cast<std::uint16_t>(pa + 1), ep("10.0.0.1", 4001), c);
    REQUIRE(fw.send);
    CHECK(fw.from_port == pb + 1);
    CHECK(fw.to == ep("10.0.0.2", 5001));
    const auto rep = f.r->report(s);
    REQUIRE(rep.size() == 1);
    CHECK(rep[0].a_to_b.packets == 1);
    CHECK(rep[0].a_to_b.bytes == 172);
    CHECK(rep[0].a_to_b.rtcp_packets == 1);
    CHECK(rep[0].b_to_a.packets == 1);
    // A port nobody holds.
    auto x = rtp_packet(1);
    CHECK(!f.r->on_datagram(20006, ep("10.0.0.9", 1), x).send);
    CHECK(f.r->stats().unknown_port == 1);
}

TEST_CASE("relay: loss from sequence gaps, reordering takes it back", "[media][relay]")
{
    fixture f;
    const auto s = f.r->open();
    const auto [pa, pb] = *f.r->ensure_stream(s, 0);
    (void)pb;
    f.r->set_remote(s, 0, media::side::b, ep("10.0.0.2", 5000));
    for (const std::uint16_t seq : std::vector<std::uint16_t>{100, 101, 104, 105, 103, 106}) {
        auto p = rtp_packet(seq);
        (void)f.r->on_datagram(pa, ep("10.0.0.1", 4000), p);
    }
    CHECK(f.r->report(s)[0].a_to_b.lost == 1); // 102 missing; 103 arrived late
    // Wrap-around is not loss.
    for (const std::uint16_t seq : std::vector<std::uint16_t>{65534, 65535, 0, 1}) {
        auto p = rtp_packet(seq, 160, 0x55);
        (void)f.r->on_datagram(pa, ep("10.0.0.1", 4000), p);
    }
    CHECK(f.r->report(s)[0].a_to_b.lost == 1);
}

TEST_CASE("relay: latching sends to the source, and refuses a hijacker after latching",
          "[media][relay]")
{
    fixture f;
    const auto s = f.r->open();
    const auto [pa, pb] = *f.r->ensure_stream(s, 0);
    REQUIRE(f.r->set_leg(s, media::side::a, {true, crypto::mode::none, {}}));
    // The caller's SDP says a private address; its packets come from the NAT's public one.
    f.r->set_remote(s, 0, media::side::a, ep("192.168.1.10", 4000));
    f.r->set_remote(s, 0, media::side::b, ep("10.0.0.2", 5000));

    // Before the caller sent anything: to the SDP address, counted as late latching.
    auto early = rtp_packet(1);
    auto fw = f.r->on_datagram(pb, ep("10.0.0.2", 5000), early);
    REQUIRE(fw.send);
    CHECK(fw.to == ep("192.168.1.10", 4000));
    CHECK(f.r->report(s)[0].b_to_a.late_latching == 1);

    auto p = rtp_packet(1);
    fw = f.r->on_datagram(pa, ep("203.0.113.5", 31000), p);
    REQUIRE(fw.send);
    auto back = rtp_packet(2);
    fw = f.r->on_datagram(pb, ep("10.0.0.2", 5000), back);
    REQUIRE(fw.send);
    CHECK(fw.to == ep("203.0.113.5", 31000));
    CHECK(f.r->report(s)[0].a_latched == ep("203.0.113.5", 31000));
    // RTCP toward it before its own RTCP arrived: its RTP source port + 1, not the SDP address.
    auto rr = rtcp_packet();
    fw = f.r->on_datagram(static_cast<std::uint16_t>(pb + 1), ep("10.0.0.2", 5001), rr);
    REQUIRE(fw.send);
    CHECK(fw.to == ep("203.0.113.5", 31001));

    // Another source on the caller's port: refused.
    auto evil = rtp_packet(3);
    CHECK(!f.r->on_datagram(pa, ep("198.51.100.66", 4444), evil).send);
    CHECK(f.r->report(s)[0].a_to_b.hijack_refused == 1);
    CHECK(f.r->stats().hijack_refused == 1); // the totals `ssw-run status` shows
    CHECK(f.r->stats().late_latching == 1);
    auto still = rtp_packet(3);
    fw = f.r->on_datagram(pb, ep("10.0.0.2", 5000), still);
    CHECK(fw.to == ep("203.0.113.5", 31000));

    SECTION("with the guard off a new source takes the leg over")
    {
        fixture g({20000, 20007, false, 0ms});
        const auto t = g.r->open();
        const auto [qa, qb] = *g.r->ensure_stream(t, 0);
        REQUIRE(g.r->set_leg(t, media::side::a, {true, crypto::mode::none, {}}));
        g.r->set_remote(t, 0, media::side::b, ep("10.0.0.2", 5000));
        auto one = rtp_packet(1);
        (void)g.r->on_datagram(qa, ep("203.0.113.5", 31000), one);
        auto two = rtp_packet(2);
        (void)g.r->on_datagram(qa, ep("203.0.113.9", 32000), two);
        auto three = rtp_packet(3);
        CHECK(g.r->on_datagram(qb, ep("10.0.0.2", 5000), three).to == ep("203.0.113.9", 32000));
    }
}

TEST_CASE("relay: per-leg encryption encrypts toward the encrypted leg and decrypts from it",
          "[media][relay]")
{
    const crypto::key_bytes key{'0', '1', '2', '3', '4', '5', '6', '7',
                                '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    for (const auto m : {crypto::mode::xor_, crypto::mode::rc4, crypto::mode::aes128}) {
        fixture f;
        const auto s = f.r->open();
        const auto [pa, pb] = *f.r->ensure_stream(s, 0);
        REQUIRE(f.r->set_leg(s, media::side::b, {false, m, key}));
        f.r->set_remote(s, 0, media::side::a, ep("10.0.0.1", 4000));
        f.r->set_remote(s, 0, media::side::b, ep("10.0.0.2", 5000));
        auto independent = crypto::payload_cipher::make(m, key);
        REQUIRE(independent);

        const auto plain = rtp_packet(9);
        auto p = plain;
        REQUIRE(f.r->on_datagram(pa, ep("10.0.0.1", 4000), p).send);
        auto expect = plain;
        REQUIRE(rtp::crypt_datagram(*independent, expect));
        CHECK(p == expect);
        CHECK(std::equal(p.begin(), p.begin() + 12, plain.begin())); // header untouched
        CHECK(p != plain);

        // From the encrypted leg: decrypted back to the plain payload.
        REQUIRE(f.r->on_datagram(pb, ep("10.0.0.2", 5000), p).send);
        CHECK(p == plain);

        // RTCP passes untouched both ways.
        auto c = rtcp_packet();
        const auto c0 = c;
        REQUIRE(f.r->on_datagram(static_cast<std::uint16_t>(pa + 1), ep("10.0.0.1", 4001), c).send);
        CHECK(c == c0);
        // Garbage on the encrypted leg is a decrypt failure (forwarded as is).
        std::vector<std::uint8_t> junk{1, 2, 3};
        (void)f.r->on_datagram(pb, ep("10.0.0.2", 5000), junk);
        CHECK(f.r->report(s)[0].b_to_a.decrypt_failures == 1);
        CHECK(f.r->report(s)[0].a_to_b.decrypt_failures == 0);
        // What cannot be encrypted for the encrypted leg is dropped, never sent in clear.
        const auto dropped = f.r->stats().packets_dropped;
        std::vector<std::uint8_t> clear{'s', 'e', 'c', 'r', 'e', 't'};
        CHECK_FALSE(f.r->on_datagram(pa, ep("10.0.0.1", 4000), clear).send);
        CHECK(f.r->report(s)[0].a_to_b.encrypt_failures == 1);
        CHECK(f.r->stats().encrypt_failures == 1);
        CHECK(f.r->stats().packets_dropped == dropped + 1);
    }
}

TEST_CASE("relay: both legs with one mode and key pass bytes through; different keys re-encrypt",
          "[media][relay]")
{
    const crypto::key_bytes k1{'k', 'e', 'y', '1'};
    const crypto::key_bytes k2{'o', 't', 'h', 'e', 'r'};
    fixture f;
    const auto s = f.r->open();
    const auto [pa, pb] = *f.r->ensure_stream(s, 0);
    (void)pb;
    f.r->set_remote(s, 0, media::side::b, ep("10.0.0.2", 5000));
    REQUIRE(f.r->set_leg(s, media::side::a, {false, crypto::mode::rc4, k1}));
    REQUIRE(f.r->set_leg(s, media::side::b, {false, crypto::mode::rc4, k1}));
    const auto wire = rtp_packet(3);
    auto p = wire;
    REQUIRE(f.r->on_datagram(pa, ep("10.0.0.1", 4000), p).send);
    CHECK(p == wire);

    REQUIRE(f.r->set_leg(s, media::side::b, {false, crypto::mode::xor_, k2}));
    auto dec = crypto::payload_cipher::make(crypto::mode::rc4, k1);
    auto enc = crypto::payload_cipher::make(crypto::mode::xor_, k2);
    auto expect = wire;
    REQUIRE(rtp::crypt_datagram(*dec, expect));
    REQUIRE(rtp::crypt_datagram(*enc, expect));
    p = wire;
    REQUIRE(f.r->on_datagram(pa, ep("10.0.0.1", 4000), p).send);
    CHECK(p == expect);

    auto bad = f.r->set_leg(s, media::side::b, {false, crypto::mode::aes128, k1});
    REQUIRE(!bad);
    CHECK(bad.error().code == errc::crypto_error);
}

TEST_CASE("relay: first RTP from the callee side is an event, once per attempt", "[media][relay]")
{
    fixture f;
    const auto s = f.r->open();
    const auto [pa, pb] = *f.r->ensure_stream(s, 0);
    f.r->set_remote(s, 0, media::side::a, ep("10.0.0.1", 4000));
    // Caller RTP is not the event.
    auto a = rtp_packet(1);
    (void)f.r->on_datagram(pa, ep("10.0.0.1", 4000), a);
    std::vector<media::relay_event> ev;
    f.r->take_events(ev);
    CHECK(ev.empty());
    // The gateway sends before any SDP told us its address: still the event, and it reaches the
    // caller.
    auto b = rtp_packet(1);
    CHECK(f.r->on_datagram(pb, ep("10.0.0.2", 5000), b).send);
    auto b2 = rtp_packet(2);
    (void)f.r->on_datagram(pb, ep("10.0.0.2", 5000), b2);
    f.r->take_events(ev);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].what == media::relay_event::kind::rtp_started);
    CHECK(ev[0].session == s);
    CHECK(f.r->rtp_seen_from_callee(s));
    // RTCP from the callee does not count as RTP start.
    f.r->reset_callee(s);
    ev.clear();
    auto c = rtcp_packet();
    (void)f.r->on_datagram(static_cast<std::uint16_t>(pb + 1), ep("10.0.0.3", 5001), c);
    f.r->take_events(ev);
    CHECK(ev.empty());
    auto b3 = rtp_packet(1);
    (void)f.r->on_datagram(pb, ep("10.0.0.3", 5000), b3);
    f.r->take_events(ev);
    CHECK(ev.size() == 1);
}

TEST_CASE("relay: media timeout after N seconds without RTP either way, off by default",
          "[media][relay]")
{
    fixture f({20000, 20007, true, 30s});
    const auto s = f.r->open();
    const auto [pa, pb] = *f.r->ensure_stream(s, 0);
    f.r->set_remote(s, 0, media::side::a, ep("10.0.0.1", 4000));
    f.r->set_remote(s, 0, media::side::b, ep("10.0.0.2", 5000));
    CHECK(!f.r->deadline()); // not armed before the answer
    f.r->arm_timeout(s);
    REQUIRE(f.r->deadline());
    std::vector<media::relay_event> ev;
    const auto timeouts = [&] {
        f.r->take_events(ev);
        return std::count_if(ev.begin(), ev.end(), [](const media::relay_event& e) {
            return e.what == media::relay_event::kind::media_timeout;
        });
    };
    // RTP every 20 s one way or the other keeps it alive.
    for (int i = 0; i < 5; ++i) {
        f.clock.advance(20s);
        auto p = rtp_packet(static_cast<std::uint16_t>(i));
        (void)f.r->on_datagram(i % 2 == 0 ? pa : pb,
                               ep(i % 2 == 0 ? "10.0.0.1" : "10.0.0.2", i % 2 == 0 ? 4000 : 5000),
                               p);
        while (f.r->deadline() && *f.r->deadline() <= f.clock.now()) {
            f.r->on_timer();
        }
    }
    CHECK(timeouts() == 0);
    f.clock.advance(29s);
    f.r->on_timer();
    CHECK(timeouts() == 0);
    f.clock.advance(1s);
    REQUIRE(f.r->deadline());
    CHECK(*f.r->deadline() <= f.clock.now());
    f.r->on_timer();
    CHECK(timeouts() == 1);
    CHECK(!f.r->deadline()); // once
    f.r->close(s);

    fixture off; // media_timeout 0
    const auto t = off.r->open();
    off.r->arm_timeout(t);
    CHECK(!off.r->deadline());
}
