// SPDX-License-Identifier: MIT
// The call manager with the media relay hooked in, in virtual time: the relay decision, SDP
// rewriting of offers and answers on both legs (re-INVITE/hold included), ports released on
// every path, RTP-driven switching and the media timeout.
#include <ssw/b2bua/call_manager.hpp>
#include <ssw/media/call_media.hpp>
#include <ssw/sdp/session.hpp>
#include <ssw/sip/builder.hpp>
#include <ssw/sip/serializer.hpp>

#include <catch2/catch.hpp>

#include <deque>
#include <map>

using namespace ssw;
using namespace std::chrono_literals;

namespace {

constexpr std::uint16_t caller_port = 5062;
constexpr std::uint16_t gw1 = 5090;
constexpr std::uint16_t gw2 = 5091;

const std::string offer =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 4000 RTP/AVP 0\r\n";
const std::string nat_offer =
    "v=0\r\no=- 1 1 IN IP4 192.168.1.10\r\ns=-\r\nc=IN IP4 192.168.1.10\r\nt=0 0\r\n"
    "m=audio 4000 RTP/AVP 0\r\n";
const std::string answer =
    "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 5000 RTP/AVP 0\r\n";
const std::string hold = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                         "m=audio 4000 RTP/AVP 0\r\na=sendonly\r\n";

provision::config gateways(bool encrypt1 = false, bool encrypt2 = false)
{
    provision::config cfg;
    const auto loopback = *core::ip_address::parse("127.0.0.1");
    for (int i = 0; i < 2; ++i) {
        provision::routing_gateway g;
        const auto port = static_cast<std::uint16_t>(gw1 + i);
        g.name = "vendor-" + std::to_string(i + 1);
        g.addresses.push_back(provision::endpoint{"127.0.0.1", port, loopback});
        g.prefixes.emplace_back();
        g.priority = i;
        g.encrypt = i == 0 ? encrypt1 : encrypt2;
        cfg.routing_gateways.push_back(g);
    }
    provision::mapping_gateway m;
    m.name = "cust-a";
    m.accounts = {"1000"};
    cfg.mapping_gateways.push_back(m);
    return cfg;
}

sip::peer at(std::uint16_t port, const char* ip = "127.0.0.1")
{
    return sip::peer{*core::ip_address::parse(ip), port, sip::transport_kind::udp, 0};
}

media::endpoint ep(const char* ip, std::uint16_t port)
{
    return media::endpoint{*core::ip_address::parse(ip), port};
}

std::string header(const std::string& text, sip::header_id id)
{
    sip::message m;
    REQUIRE(sip::parse_message(text, m));
    return std::string(m.value(id));
}

std::string body_of(const std::string& text)
{
    const auto at = text.find("\r\n\r\n");
    return at == std::string::npos ? std::string{} : text.substr(at + 4);
}

// The port of the first m= line and the c= address of an SDP body.
std::pair<std::string, std::uint16_t> media_of(const std::string& sdp_text)
{
    auto s = sdp::parse_session(sdp_text);
    REQUIRE(s);
    REQUIRE(!s->media_list.empty());
    const auto* c = s->connection_for(0);
    REQUIRE(c != nullptr);
    return {std::string(c->address), s->media_list[0].port};
}

std::vector<std::uint8_t> rtp_packet(std::uint16_t seq)
{
    std::vector<std::uint8_t> p(172, 0xff);
    p[0] = 0x80;
    p[1] = 0;
    p[2] = static_cast<std::uint8_t>(seq >> 8);
    p[3] = static_cast<std::uint8_t>(seq);
    p[8] = 0x12;
    return p;
}

struct harness {
    explicit harness(provision::config cfg = gateways(), params::settings s = {},
                     media::relay_options ro = {30000, 30019, true, 0ms})
        : relay(ro, clock)
    {
        media::call_media_options mo;
        mo.address = "127.0.0.9";
        mo.proxy_behind_nat = s.media_proxy_behind_nat();
        mo.mode = crypto::mode::aes128;
        mo.key = crypto::key_bytes(16, 'k');
        cmedia = std::make_unique<media::call_media>(relay, mo);
        b2bua::call_options o;
        o.seed = 7;
        o.media = cmedia.get();
        o.record_sink = [this](const cdr::call_record& r) { records.push_back(r); };
        cm = std::make_unique<b2bua::call_manager>(
            std::move(cfg), std::move(s), nullptr, clock, nullptr,
            [](b2bua::log_level, std::string_view) {},
            b2bua::local_addresses{"127.0.0.1", 5060, 5060}, o);
    }

    core::manual_clock clock;
    media::relay relay;
    std::unique_ptr<media::call_media> cmedia;
    std::vector<cdr::call_record> records;
    std::unique_ptr<b2bua::call_manager> cm;
    std::map<std::uint16_t, std::deque<std::string>> inbox;

    void collect(std::vector<sip::outgoing>& out)
    {
        for (auto& o : out) {
            inbox[o.to.port].push_back(std::move(o.bytes));
        }
        out.clear();
    }

    bool deliver(const std::string& text, std::uint16_t from_port,
                 const char* from_ip = "127.0.0.1")
    {
        sip::message m;
        REQUIRE(sip::parse_message(text, m));
        std::vector<sip::outgoing> out;
        bool taken = cm->on_message(m, at(from_port, from_ip), out);
        if (!taken && m.is_request() && m.method_kind() == sip::method_id::invite) {
            cm->on_invite(m, at(from_port, from_ip), b2bua::caller_identity{std::nullopt, "1000"},
                          out);
            taken = true;
        }
        collect(out);
        return taken;
    }

    // What the daemon does after datagrams or timers: relay events to the call manager.
    void pump_media()
    {
        std::vector<media::call_event> ev;
        cmedia->take_events(ev);
        std::vector<sip::outgoing> out;
        for (const auto& e : ev) {
            if (e.what == media::call_event::kind::rtp_started) {
                cm->on_rtp_started({e.call_id, e.attempt}, out);
            } else {
                cm->on_media_timeout(e.call_id, out);
            }
        }
        collect(out);
    }

    void advance(core::clock::duration d)
    {
        const auto end = clock.now() + d;
        for (;;) {
            auto next = cm->next_deadline();
            if (const auto r = relay.deadline(); r && (!next || *r < *next)) {
                next = r;
            }
            if (!next || *next > end) {
                break;
            }
            if (*next > clock.now()) {
                clock.set(*next);
            }
            std::vector<sip::outgoing> out;
            cm->on_timer(out);
            collect(out);
            relay.on_timer();
            pump_media();
        }
        clock.set(end);
    }

    std::vector<std::string> take(std::uint16_t port)
    {
        auto& q = inbox[port];
        std::vector<std::string> v(q.begin(), q.end());
        q.clear();
        return v;
    }

    std::string last(std::uint16_t port, std::string_view prefix)
    {
        std::string found;
        for (const auto& m : take(port)) {
            if (m.rfind(prefix, 0) == 0) {
                found = m;
            }
        }
        REQUIRE(!found.empty());
        return found;
    }
};

std::string caller_invite(const std::string& sdp_body = offer,
                          const std::string& contact_host = "127.0.0.1",
                          const std::string& call_id = "call-1@caller")
{
    auto b = sip::message_builder::request("INVITE", "sip:4930123456@127.0.0.1:5060");
    b.header("Via", "SIP/2.0/UDP " + contact_host + ":5062;branch=z9hG4bKcaller1;rport");
    b.header("Max-Forwards", "70");
    b.header("From", "<sip:1000@127.0.0.1>;tag=callertag");
    b.header("To", "<sip:4930123456@127.0.0.1>");
    b.header("Call-ID", call_id);
    b.header("CSeq", "1 INVITE");
    b.header("Contact", "<sip:1000@" + contact_host + ":5062>");
    b.body("application/sdp", sdp_body);
    return b.build();
}

std::string reply(const std::string& request, int code, const std::string& body = {},
                  std::uint16_t port = gw1)
{
    sip::message m;
    REQUIRE(sip::parse_message(request, m));
    std::vector<std::pair<std::string, std::string>> extra;
    if (code > 100 && code < 300) {
        extra.emplace_back("Contact", "<sip:gw@127.0.0.1:" + std::to_string(port) + ">");
    }
    auto text = sip::make_response(m, code, sip::default_reason(code),
                                   "gwtag" + std::to_string(port), extra);
    REQUIRE(text);
    if (body.empty()) {
        return *text;
    }
    sip::message r;
    REQUIRE(sip::parse_message(*text, r));
    return sip::message_patch().set_body(body, std::string("application/sdp")).apply(r);
}

std::string caller_request(const std::string& ok, const std::string& method, int cseq,
                           const std::string& branch, const std::string& sdp_body = {})
{
    auto b = sip::message_builder::request(method, "sip:ssw@127.0.0.1:5060");
    b.header("Via", "SIP/2.0/UDP 127.0.0.1:5062;branch=" + branch);
    b.header("Max-Forwards", "70");
    b.header("From", header(ok, sip::header_id::from));
    b.header("To", header(ok, sip::header_id::to));
    b.header("Call-ID", header(ok, sip::header_id::call_id));
    b.header("CSeq", std::to_string(cseq) + " " + method);
    b.header("Contact", "<sip:1000@127.0.0.1:5062>");
    if (!sdp_body.empty()) {
        b.body("application/sdp", sdp_body);
    }
    return b.build();
}

std::string gateway_bye(const std::string& invite, std::uint16_t port)
{
    auto b = sip::message_builder::request("BYE", "sip:ssw@127.0.0.1:5060");
    b.header("Via", "SIP/2.0/UDP 127.0.0.1:" + std::to_string(port) + ";branch=z9hG4bKgwbye");
    b.header("Max-Forwards", "70");
    b.header("From", header(invite, sip::header_id::to) + ";tag=gwtag" + std::to_string(port));
    b.header("To", header(invite, sip::header_id::from));
    b.header("Call-ID", header(invite, sip::header_id::call_id));
    b.header("CSeq", "1 BYE");
    return b.build();
}

// Answers the call through gw1 and ACKs it; returns {the gateway's INVITE, the caller's 200}.
std::pair<std::string, std::string> answered_call(harness& h, const std::string& sdp_body = offer)
{
    REQUIRE(h.deliver(caller_invite(sdp_body), caller_port));
    const auto inv = h.last(gw1, "INVITE ");
    REQUIRE(h.deliver(reply(inv, 200, answer), gw1));
    const auto ok = h.last(caller_port, "SIP/2.0 200");
    REQUIRE(h.deliver(caller_request(ok, "ACK", 1, "z9hG4bKack1"), caller_port));
    (void)h.take(gw1);
    return {inv, ok};
}

} // namespace

TEST_CASE("call media: a plain call without NAT is not relayed and its SDP is untouched", "[media]")
{
    harness h;
    const auto [inv, ok] = answered_call(h);
    CHECK(body_of(inv) == offer);
    CHECK(body_of(ok) == answer);
    CHECK(h.relay.ports().used() == 0);
    REQUIRE(h.deliver(caller_request(ok, "BYE", 2, "z9hG4bKbye"), caller_port));
    REQUIRE(h.records.size() == 1);
    CHECK(!h.records[0].media_relayed);
    CHECK(h.records[0].media.empty());
}

TEST_CASE(
    "call media: an encrypted gateway leg is relayed; offer, answer and re-INVITE are rewritten",
    "[media]")
{
    harness h(gateways(true));
    const auto [inv, ok] = answered_call(h);
    const auto [gw_addr, gw_port] = media_of(body_of(inv));
    CHECK(gw_addr == "127.0.0.9");
    CHECK(gw_port >= 30000);
    CHECK(gw_port <= 30019);
    const auto [caller_addr, caller_media_port] = media_of(body_of(ok));
    CHECK(caller_addr == "127.0.0.9");
    CHECK(caller_media_port != gw_port);
    CHECK(body_of(ok).find("o=- 2 2 IN IP4 127.0.0.9") != std::string::npos);
    CHECK(h.relay.ports().used() == 2);

    // Media flows: caller -> relay (caller-facing port) -> gateway, encrypted on the way.
    auto p = rtp_packet(1);
    const auto plain = p;
    auto f = h.relay.on_datagram(caller_media_port, ep("127.0.0.1", 4000), p);
    REQUIRE(f.send);
    CHECK(f.to == ep("127.0.0.1", 5000));
    CHECK(f.from_port == gw_port);
    CHECK(p != plain);

    // Hold (re-INVITE with sendonly): rewritten with the same ports; the direction stays.
    REQUIRE(h.deliver(caller_request(ok, "INVITE", 2, "z9hG4bKreinv", hold), caller_port));
    const auto reinv = h.last(gw1, "INVITE ");
    CHECK(media_of(body_of(reinv)) == std::pair<std::string, std::uint16_t>{"127.0.0.9", gw_port});
    CHECK(body_of(reinv).find("a=sendonly") != std::string::npos);
    REQUIRE(h.deliver(reply(reinv, 200, answer), gw1));
    const auto reok = h.last(caller_port, "SIP/2.0 200");
    CHECK(media_of(body_of(reok)) ==
          std::pair<std::string, std::uint16_t>{"127.0.0.9", caller_media_port});
    CHECK(h.relay.ports().used() == 2);

    // BYE from the gateway: ports released, CDR says relayed with counters.
    REQUIRE(h.deliver(gateway_bye(inv, gw1), gw1));
    CHECK(h.relay.ports().used() == 0);
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].media_relayed);
    REQUIRE(h.records[0].media.size() == 2);
    CHECK(h.records[0].media[0].direction == "caller->callee");
    CHECK(h.records[0].media[0].packets == 1);
    CHECK(h.records[0].media[0].bytes == 172);
}

TEST_CASE("call media: a caller behind NAT is relayed with SS_MEDIA_PROXY_BEHIND_NAT On, not Off",
          "[media]")
{
    SECTION("On (the default): relayed, and media reaches it after latching")
    {
        harness h;
        REQUIRE(h.deliver(caller_invite(nat_offer, "192.168.1.10"), caller_port, "203.0.113.5"));
        const auto inv = h.last(gw1, "INVITE ");
        CHECK(media_of(body_of(inv)).first == "127.0.0.9");
        REQUIRE(h.deliver(reply(inv, 200, answer), gw1));
        const auto ok = h.last(caller_port, "SIP/2.0 200");
        const auto a_port = media_of(body_of(ok)).second;
        const auto b_port = media_of(body_of(inv)).second;
        // The caller's RTP comes from its NAT's public address.
        auto p = rtp_packet(1);
        REQUIRE(h.relay.on_datagram(a_port, ep("203.0.113.5", 40000), p).send);
        auto back = rtp_packet(1);
        const auto f = h.relay.on_datagram(b_port, ep("127.0.0.1", 5000), back);
        REQUIRE(f.send);
        CHECK(f.to == ep("203.0.113.5", 40000));
    }
    SECTION("Off: untouched")
    {
        params::settings s;
        s.set(*params::find_param("SS_MEDIA_PROXY_BEHIND_NAT"), false);
        harness h(gateways(), s);
        REQUIRE(h.deliver(caller_invite(nat_offer, "192.168.1.10"), caller_port, "203.0.113.5"));
        CHECK(body_of(h.last(gw1, "INVITE ")) == nat_offer);
        CHECK(h.relay.ports().used() == 0);
    }
}

TEST_CASE("call media: ports are released on CANCEL, failover, failure and BYE from either side",
          "[media]")
{
    harness h(gateways(true, true));
    SECTION("CANCEL")
    {
        REQUIRE(h.deliver(caller_invite(), caller_port));
        const auto inv = h.last(gw1, "INVITE ");
        REQUIRE(h.deliver(reply(inv, 180), gw1));
        CHECK(h.relay.ports().used() == 2);
        auto b = sip::message_builder::request("CANCEL", "sip:4930123456@127.0.0.1:5060");
        b.header("Via", "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKcaller1;rport");
        b.header("Max-Forwards", "70");
        b.header("From", "<sip:1000@127.0.0.1>;tag=callertag");
        b.header("To", "<sip:4930123456@127.0.0.1>");
        b.header("Call-ID", "call-1@caller");
        b.header("CSeq", "1 CANCEL");
        REQUIRE(h.deliver(b.build(), caller_port));
        CHECK(h.relay.ports().used() == 0);
    }
    SECTION("failover keeps the call's ports; every gateway failing releases them")
    {
        REQUIRE(h.deliver(caller_invite(), caller_port));
        const auto inv1 = h.last(gw1, "INVITE ");
        const auto port1 = media_of(body_of(inv1)).second;
        REQUIRE(h.deliver(reply(inv1, 503), gw1));
        const auto inv2 = h.last(gw2, "INVITE ");
        CHECK(media_of(body_of(inv2)).second == port1); // the same relay port, new gateway
        CHECK(h.relay.ports().used() == 2);
        REQUIRE(h.deliver(reply(inv2, 503, {}, gw2), gw2));
        CHECK(h.relay.ports().used() == 0);
    }
    SECTION("BYE from the caller")
    {
        const auto [inv, ok] = answered_call(h);
        REQUIRE(h.deliver(caller_request(ok, "BYE", 2, "z9hG4bKbye"), caller_port));
        CHECK(h.relay.ports().used() == 0);
    }
    SECTION("BYE from the gateway")
    {
        const auto [inv, ok] = answered_call(h);
        REQUIRE(h.deliver(gateway_bye(inv, gw1), gw1));
        CHECK(h.relay.ports().used() == 0);
    }
    SECTION("1,000 calls with failures in the mix")
    {
        for (int i = 0; i < 1000; ++i) {
            const auto id = "loop-" + std::to_string(i);
            REQUIRE(h.deliver(caller_invite(offer, "127.0.0.1", id), caller_port));
            const auto inv = h.last(gw1, "INVITE ");
            if (i % 3 == 0) {
                REQUIRE(h.deliver(reply(inv, 486), gw1));
            } else {
                REQUIRE(h.deliver(reply(inv, 200, answer), gw1));
                const auto ok = h.last(caller_port, "SIP/2.0 200");
                REQUIRE(h.deliver(caller_request(ok, "BYE", 2, "z9hG4bKbye" + id), caller_port));
            }
            (void)h.take(gw1);
            (void)h.take(caller_port);
        }
        CHECK(h.relay.ports().used() == 0);
        CHECK(h.relay.ports().stats().allocated == h.relay.ports().stats().released);
        CHECK(h.relay.sessions() == 0);
    }
    CHECK(h.cmedia->calls() == 0);
}

TEST_CASE("call media: RTP from the gateway before any SDP commits to it only with "
          "SS_GATEWAY_SWITCH_STOP_AFTER_RTP_START On",
          "[media]")
{
    for (const bool stop_after_rtp : {true, false}) {
        params::settings s;
        s.set(*params::find_param("SS_GATEWAY_SWITCH_STOP_AFTER_RTP_START"), stop_after_rtp);
        harness h(gateways(true, true), s);
        REQUIRE(h.deliver(caller_invite(), caller_port));
        const auto inv = h.last(gw1, "INVITE ");
        const auto b_port = media_of(body_of(inv)).second;
        REQUIRE(h.deliver(reply(inv, 180), gw1)); // no SDP
        auto p = rtp_packet(1);
        (void)h.relay.on_datagram(b_port, ep("127.0.0.1", 5000), p);
        h.pump_media();
        REQUIRE(h.deliver(reply(inv, 480), gw1));
        if (stop_after_rtp) {
            CHECK(h.take(gw2).empty());
            CHECK(h.last(caller_port, "SIP/2.0 4").rfind("SIP/2.0 480", 0) == 0);
            REQUIRE(h.records.size() == 1);
            CHECK(h.records[0].stop_rule == "committed_rtp");
        } else {
            CHECK(!h.last(gw2, "INVITE ").empty());
        }
    }
}

TEST_CASE("call media: the media timeout hangs up both legs with CDR cause media-timeout",
          "[media]")
{
    harness h(gateways(true), {}, {30000, 30019, true, 20s});
    const auto [inv, ok] = answered_call(h);
    const auto a_port = media_of(body_of(ok)).second;
    for (int i = 0; i < 3; ++i) {
        h.advance(10s);
        auto p = rtp_packet(static_cast<std::uint16_t>(i));
        (void)h.relay.on_datagram(a_port, ep("127.0.0.1", 4000), p);
    }
    CHECK(h.records.empty());
    h.advance(21s);
    CHECK(h.last(gw1, "BYE ").rfind("BYE ", 0) == 0);
    CHECK(h.last(caller_port, "BYE ").rfind("BYE ", 0) == 0);
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].release_cause == "media-timeout");
    CHECK(h.records[0].release_side == "system");
    CHECK(h.relay.ports().used() == 0);
}

TEST_CASE("call media: early media (183 with SDP) and an UPDATE from the gateway are rewritten too",
          "[media]")
{
    harness h(gateways(true));
    REQUIRE(h.deliver(caller_invite(), caller_port));
    const auto inv = h.last(gw1, "INVITE ");
    const auto b_port = media_of(body_of(inv)).second;
    REQUIRE(h.deliver(reply(inv, 183, answer), gw1));
    const auto progress = h.last(caller_port, "SIP/2.0 183");
    const auto [addr, a_port] = media_of(body_of(progress));
    CHECK(addr == "127.0.0.9");
    CHECK(a_port != b_port);
    // The gateway's early media reaches the caller's SDP address through the relay.
    auto p = rtp_packet(1);
    const auto f = h.relay.on_datagram(b_port, ep("127.0.0.1", 5000), p);
    REQUIRE(f.send);
    CHECK(f.to == ep("127.0.0.1", 4000));
    REQUIRE(h.deliver(reply(inv, 200, answer), gw1));
    const auto ok = h.last(caller_port, "SIP/2.0 200");
    CHECK(media_of(body_of(ok)).second == a_port);
    REQUIRE(h.deliver(caller_request(ok, "ACK", 1, "z9hG4bKack1"), caller_port));
    (void)h.take(gw1);

    // UPDATE from the gateway with a new address: the caller sees the relay, the relay
    // sends to the new address.
    const std::string moved =
        "v=0\r\no=- 2 3 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"
        "m=audio 6000 RTP/AVP 0\r\n";
    auto b = sip::message_builder::request("UPDATE", "sip:ssw@127.0.0.1:5060");
    b.header("Via", "SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bKgwupd");
    b.header("Max-Forwards", "70");
    b.header("From", header(inv, sip::header_id::to) + ";tag=gwtag5090");
    b.header("To", header(inv, sip::header_id::from));
    b.header("Call-ID", header(inv, sip::header_id::call_id));
    b.header("CSeq", "2 UPDATE");
    b.header("Contact", "<sip:gw@127.0.0.1:5090>");
    b.body("application/sdp", moved);
    REQUIRE(h.deliver(b.build(), gw1));
    const auto upd = h.last(caller_port, "UPDATE ");
    CHECK(media_of(body_of(upd)) == std::pair<std::string, std::uint16_t>{"127.0.0.9", a_port});
    auto q = rtp_packet(2);
    const auto g = h.relay.on_datagram(a_port, ep("127.0.0.1", 4000), q);
    REQUIRE(g.send);
    CHECK(g.to == ep("127.0.0.2", 6000));
    CHECK(h.relay.ports().used() == 2);
}

TEST_CASE("call media: 100,000 relayed calls with failures in the mix leak no port (slow)",
          "[media][slow]")
{
    harness h(gateways(true, true));
    for (int i = 0; i < 100000; ++i) {
        const auto id = "mix-" + std::to_string(i);
        REQUIRE(h.deliver(caller_invite(offer, "127.0.0.1", id), caller_port));
        const auto inv = h.last(gw1, "INVITE ");
        switch (i % 4) {
        case 0: // busy: no switching
            REQUIRE(h.deliver(reply(inv, 486), gw1));
            break;
        case 1: { // failover to the second gateway, which answers; the gateway hangs up
            REQUIRE(h.deliver(reply(inv, 503), gw1));
            const auto inv2 = h.last(gw2, "INVITE ");
            REQUIRE(h.deliver(reply(inv2, 200, answer, gw2), gw2));
            const auto ok = h.last(caller_port, "SIP/2.0 200");
            REQUIRE(h.deliver(caller_request(ok, "ACK", 1, "z9hG4bKack" + id), caller_port));
            REQUIRE(h.deliver(gateway_bye(inv2, gw2), gw2));
            break;
        }
        case 2: { // answered, the caller hangs up
            REQUIRE(h.deliver(reply(inv, 200, answer), gw1));
            const auto ok = h.last(caller_port, "SIP/2.0 200");
            REQUIRE(h.deliver(caller_request(ok, "ACK", 1, "z9hG4bKack" + id), caller_port));
            REQUIRE(h.deliver(caller_request(ok, "BYE", 2, "z9hG4bKbye" + id), caller_port));
            break;
        }
        default: { // ringing, then the caller cancels
            REQUIRE(h.deliver(reply(inv, 180), gw1));
            auto b = sip::message_builder::request("CANCEL", "sip:4930123456@127.0.0.1:5060");
            b.header("Via", "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKcaller1;rport");
            b.header("Max-Forwards", "70");
            b.header("From", "<sip:1000@127.0.0.1>;tag=callertag");
            b.header("To", "<sip:4930123456@127.0.0.1>");
            b.header("Call-ID", id);
            b.header("CSeq", "1 CANCEL");
            REQUIRE(h.deliver(b.build(), caller_port));
            break;
        }
        }
        REQUIRE(h.relay.ports().used() == 0);
        if (i % 500 == 499) {
            h.advance(40s); // finished calls leave memory after their linger time
        }
        h.inbox.clear();
    }
    CHECK(h.relay.ports().stats().allocated == 200000);
    CHECK(h.relay.ports().stats().released == 200000);
    CHECK(h.relay.sessions() == 0);
    CHECK(h.cmedia->calls() == 0);
}
