// SPDX-License-Identifier: MIT
// The B2BUA driven in virtual time with SIP text on both legs: each vendor gateway behaviour
// of the issue, the messages each side saw (CANCELs included), numbers and CDR records.
#include <ssw/b2bua/call_manager.hpp>
#include <ssw/registrar/digest.hpp>
#include <ssw/sip/builder.hpp>
#include <ssw/sip/serializer.hpp>
#include <ssw/transform/rule_parser.hpp>

#include <catch2/catch.hpp>

#include <deque>
#include <map>

using namespace ssw;
using namespace std::chrono_literals;

namespace {

constexpr std::uint16_t caller_port = 5062;
constexpr std::uint16_t gw1 = 5090;
constexpr std::uint16_t gw2 = 5091;
constexpr std::uint16_t gw3 = 5092;

const std::string offer =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 4000 RTP/AVP 0\r\n";
const std::string answer =
    "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 5000 RTP/AVP 0\r\n";

provision::config gateways(int count = 3)
{
    provision::config cfg;
    const auto loopback = *core::ip_address::parse("127.0.0.1");
    for (int i = 0; i < count; ++i) {
        provision::routing_gateway g;
        const auto port = static_cast<std::uint16_t>(gw1 + i);
        g.name = "vendor-" + std::to_string(i + 1);
        g.addresses.push_back(provision::endpoint{"127.0.0.1", port, loopback});
        g.prefixes.emplace_back();
        g.priority = i;
        cfg.routing_gateways.push_back(g);
    }
    provision::mapping_gateway m;
    m.name = "cust-a";
    m.accounts = {"1000"};
    cfg.mapping_gateways.push_back(m);
    return cfg;
}

sip::peer at(std::uint16_t port)
{
    return sip::peer{*core::ip_address::parse("127.0.0.1"), port, sip::transport_kind::udp, 0};
}

std::string header(const std::string& text, sip::header_id id)
{
    sip::message m;
    REQUIRE(sip::parse_message(text, m));
    return std::string(m.value(id));
}

std::string first_line(const std::string& text)
{
    return text.substr(0, text.find("\r\n"));
}

struct harness {
    explicit harness(provision::config cfg = gateways(), params::settings s = {},
                     const transform::engine* rules = nullptr)
    {
        b2bua::call_options o;
        o.seed = 7;
        o.record_sink = [this](const cdr::call_record& r) { records.push_back(r); };
        cm = std::make_unique<b2bua::call_manager>(
            std::move(cfg), std::move(s), rules, clock, nullptr,
            [this](b2bua::log_level, std::string_view t) { log.emplace_back(t); },
            b2bua::local_addresses{"127.0.0.1", 5060, 5060}, o);
    }

    core::manual_clock clock;
    std::vector<cdr::call_record> records;
    std::vector<std::string> log;
    std::unique_ptr<b2bua::call_manager> cm;
    std::map<std::uint16_t, std::deque<std::string>> inbox;

    void collect(std::vector<sip::outgoing>& out)
    {
        for (auto& o : out) {
            inbox[o.to.port].push_back(std::move(o.bytes));
        }
        out.clear();
    }

    // Delivers one message as the engine would: calls first, then an initial INVITE.
    bool deliver(const std::string& text, std::uint16_t from_port)
    {
        sip::message m;
        REQUIRE(sip::parse_message(text, m));
        std::vector<sip::outgoing> out;
        bool taken = cm->on_message(m, at(from_port), out);
        if (!taken && m.is_request() && m.method_kind() == sip::method_id::invite) {
            cm->on_invite(m, at(from_port), b2bua::caller_identity{std::nullopt, "1000"}, out);
            taken = true;
        }
        collect(out);
        return taken;
    }

    // Moves virtual time, firing every deadline on the way.
    void advance(core::clock::duration d)
    {
        const auto end = clock.now() + d;
        for (;;) {
            const auto next = cm->next_deadline();
            if (!next || *next > end) {
                break;
            }
            if (*next > clock.now()) {
                clock.set(*next);
            }
            std::vector<sip::outgoing> out;
            cm->on_timer(out);
            collect(out);
        }
        clock.set(end);
    }

    // Everything sent to `port` since the last call.
    std::vector<std::string> take(std::uint16_t port)
    {
        auto& q = inbox[port];
        std::vector<std::string> v(q.begin(), q.end());
        q.clear();
        return v;
    }

    static std::vector<std::string> lines(const std::vector<std::string>& msgs)
    {
        std::vector<std::string> v;
        for (const auto& m : msgs) {
            v.push_back(first_line(m));
        }
        return v;
    }

    // The last INVITE sent to `port` (REQUIREs one).
    std::string invite_to(std::uint16_t port)
    {
        const auto msgs = take(port);
        std::string last;
        for (const auto& m : msgs) {
            if (m.rfind("INVITE ", 0) == 0) {
                last = m;
            }
        }
        REQUIRE(!last.empty());
        return last;
    }
};

std::string caller_invite(const std::string& callee = "4930123456",
                          const std::string& call_id = "call-1@caller",
                          const std::string& branch = "z9hG4bKcaller1")
{
    auto b = sip::message_builder::request("INVITE", "sip:" + callee + "@127.0.0.1:5060");
    b.header("Via", "SIP/2.0/UDP 127.0.0.1:5062;branch=" + branch + ";rport");
    b.header("Max-Forwards", "70");
    b.header("From", "<sip:1000@127.0.0.1>;tag=callertag");
    b.header("To", "<sip:" + callee + "@127.0.0.1>");
    b.header("Call-ID", call_id);
    b.header("CSeq", "1 INVITE");
    b.header("Contact", "<sip:1000@127.0.0.1:5062>");
    b.body("application/sdp", offer);
    return b.build();
}

// A gateway's response to `request`, with its tag, a Contact on 2xx/18x and an optional body.
std::string reply(const std::string& request, int code, const std::string& body = {},
                  std::vector<std::pair<std::string, std::string>> extra = {},
                  std::uint16_t port = gw1)
{
    sip::message m;
    REQUIRE(sip::parse_message(request, m));
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

// The caller's ACK for the 2xx `ok`, or a BYE/re-INVITE in its dialog.
std::string caller_request(const std::string& ok, const std::string& method, int cseq,
                           const std::string& branch, const std::string& body = {})
{
    auto b = sip::message_builder::request(method, "sip:ssw@127.0.0.1:5060");
    b.header("Via", "SIP/2.0/UDP 127.0.0.1:5062;branch=" + branch);
    b.header("Max-Forwards", "70");
    b.header("From", header(ok, sip::header_id::from));
    b.header("To", header(ok, sip::header_id::to));
    b.header("Call-ID", header(ok, sip::header_id::call_id));
    b.header("CSeq", std::to_string(cseq) + " " + method);
    b.header("Contact", "<sip:1000@127.0.0.1:5062>");
    if (!body.empty()) {
        b.body("application/sdp", body);
    }
    return b.build();
}

// A gateway's in-dialog request (BYE, re-INVITE) for the dialog its INVITE `invite` created.
std::string gateway_request(const std::string& invite, const std::string& method,
                            std::uint16_t port)
{
    auto b = sip::message_builder::request(method, "sip:ssw@127.0.0.1:5060");
    b.header("Via",
             "SIP/2.0/UDP 127.0.0.1:" + std::to_string(port) + ";branch=z9hG4bKgwreq" + method);
    b.header("Max-Forwards", "70");
    b.header("From", header(invite, sip::header_id::to) + ";tag=gwtag" + std::to_string(port));
    b.header("To", header(invite, sip::header_id::from));
    b.header("Call-ID", header(invite, sip::header_id::call_id));
    b.header("CSeq", "1 " + method);
    return b.build();
}

bool starts(const std::string& s, std::string_view p)
{
    return s.rfind(p, 0) == 0;
}

std::size_t count_prefix(const std::vector<std::string>& msgs, std::string_view p)
{
    return static_cast<std::size_t>(
        std::count_if(msgs.begin(), msgs.end(), [&](const auto& m) { return starts(m, p); }));
}

} // namespace

TEST_CASE("b2bua::call_manager: an answered call relays 100, 180, 200, ACK and BYE with its own "
          "B-leg identity",
          "[b2bua][call_manager]")
{
    harness h;
    const auto inv = caller_invite();
    REQUIRE(h.deliver(inv, caller_port));
    auto to_caller = h.take(caller_port);
    REQUIRE(harness::lines(to_caller) == std::vector<std::string>{"SIP/2.0 100 Trying"});
    const auto b_inv = h.invite_to(gw1);
    CHECK(first_line(b_inv) == "INVITE sip:4930123456@127.0.0.1:5090 SIP/2.0");
    CHECK(header(b_inv, sip::header_id::call_id) != "call-1@caller");
    CHECK(header(b_inv, sip::header_id::from).find("callertag") == std::string::npos);
    CHECK(header(b_inv, sip::header_id::max_forwards) == "69");
    CHECK(b_inv.find("m=audio 4000") != std::string::npos);
    CHECK(h.cm->active_calls() == 1);

    REQUIRE(h.deliver(reply(b_inv, 100), gw1));
    REQUIRE(h.deliver(reply(b_inv, 180), gw1));
    to_caller = h.take(caller_port);
    REQUIRE(harness::lines(to_caller) == std::vector<std::string>{"SIP/2.0 180 Ringing"});
    CHECK(header(to_caller[0], sip::header_id::to).find(";tag=") != std::string::npos);
    CHECK(header(to_caller[0], sip::header_id::call_id) == "call-1@caller");

    h.clock.advance(3s);
    REQUIRE(h.deliver(reply(b_inv, 200, answer), gw1));
    to_caller = h.take(caller_port);
    REQUIRE(harness::lines(to_caller) == std::vector<std::string>{"SIP/2.0 200 OK"});
    const auto ok = to_caller[0];
    CHECK(ok.find("m=audio 5000") != std::string::npos);
    CHECK(header(ok, sip::header_id::contact) == "<sip:ssw@127.0.0.1:5060>");
    CHECK(h.take(gw1).empty()); // the gateway's ACK waits for the caller's

    // The 2xx is retransmitted until the caller ACKs it.
    h.advance(600ms);
    CHECK(harness::lines(h.take(caller_port)) == std::vector<std::string>{"SIP/2.0 200 OK"});
    REQUIRE(h.deliver(caller_request(ok, "ACK", 1, "z9hG4bKack1"), caller_port));
    auto at_gw = h.take(gw1);
    REQUIRE(harness::lines(at_gw) == std::vector<std::string>{"ACK sip:gw@127.0.0.1:5090 SIP/2.0"});
    CHECK(header(at_gw[0], sip::header_id::cseq) == "1 ACK");
    CHECK(header(at_gw[0], sip::header_id::to).find("gwtag5090") != std::string::npos);
    h.advance(5s);
    CHECK(h.take(caller_port).empty());

    h.clock.advance(60s);
    REQUIRE(h.deliver(caller_request(ok, "BYE", 2, "z9hG4bKbye1"), caller_port));
    CHECK(harness::lines(h.take(caller_port)) == std::vector<std::string>{"SIP/2.0 200 OK"});
    at_gw = h.take(gw1);
    REQUIRE(harness::lines(at_gw) == std::vector<std::string>{"BYE sip:gw@127.0.0.1:5090 SIP/2.0"});
    CHECK(header(at_gw[0], sip::header_id::call_id) == header(b_inv, sip::header_id::call_id));
    REQUIRE(h.deliver(reply(at_gw[0], 200), gw1));
    CHECK(h.cm->active_calls() == 0);

    REQUIRE(h.records.size() == 1);
    const auto& r = h.records[0];
    CHECK(r.call_id == "call-1@caller");
    CHECK(r.source == "cust-a");
    CHECK(r.caller_received == "1000");
    CHECK(r.callee_received == "4930123456");
    CHECK(r.final_code == 200);
    CHECK(r.release_side == "caller");
    CHECK(r.release_cause == "bye");
    CHECK(r.duration() >= 60s);
    CHECK(r.post_dial_delay() == 0ms);
    REQUIRE(r.attempts.size() == 1);
    CHECK(r.attempts[0].gateway == "vendor-1");
    CHECK(r.attempts[0].end_reason == "answered");
    CHECK(r.attempts[0].callee_sent == "4930123456");
    CHECK(h.cm->counters().answered == 1);

    // After the linger time the call is forgotten.
    h.advance(40s);
    CHECK(h.cm->calls_in_memory() == 0);
}

TEST_CASE("b2bua::call_manager: a gateway that never answers is retried, then the next one takes "
          "the call",
          "[b2bua][call_manager]")
{
    harness h;
    REQUIRE(h.deliver(caller_invite(), caller_port));
    h.take(caller_port);
    (void)h.invite_to(gw1);
    h.advance(9900ms);
    const auto resent = h.take(gw1);
    CHECK(count_prefix(resent, "INVITE ") == 4); // 0.5, 1.5, 3.5, 7.5 s (SS_SIP_RESEND_INTERVAL)
    CHECK(h.take(gw2).empty());
    h.advance(200ms); // SS_SIP_TIMEOUT_INVITE = 10 s
    const auto b_inv = h.invite_to(gw2);
    REQUIRE(h.deliver(reply(b_inv, 100, {}, {}, gw2), gw2));
    h.advance(15s);
    const auto after = h.take(gw1);
    CHECK(count_prefix(after, "INVITE ") == 0); // retransmission stopped when abandoned
    CHECK(count_prefix(after, "CANCEL ") == 0); // nothing to cancel before a provisional
    h.take(gw2);
    REQUIRE(h.deliver(reply(b_inv, 200, answer, {}, gw2), gw2));
    CHECK(harness::lines(h.take(caller_port)) == std::vector<std::string>{"SIP/2.0 200 OK"});
    CHECK(h.take(caller_port).empty());
}

TEST_CASE("b2bua::call_manager: 503 fails over (ACKed), 486 stops switching and reaches the caller",
          "[b2bua][call_manager]")
{
    harness h;
    REQUIRE(h.deliver(caller_invite(), caller_port));
    const auto inv1 = h.invite_to(gw1);
    REQUIRE(h.deliver(reply(inv1, 503), gw1));
    auto at1 = h.take(gw1);
    REQUIRE(harness::lines(at1) ==
            std::vector<std::string>{"ACK sip:4930123456@127.0.0.1:5090 SIP/2.0"});
    const auto inv2 = h.invite_to(gw2);
    REQUIRE(h.deliver(reply(inv2, 486, {}, {}, gw2), gw2));
    auto to_caller = h.take(caller_port);
    REQUIRE(harness::lines(to_caller) ==
            std::vector<std::string>{"SIP/2.0 100 Trying", "SIP/2.0 486 Busy Here"});
    CHECK(h.take(gw3).empty());
    // The caller's ACK is absorbed; a retransmitted 486 is ACKed again.
    REQUIRE(h.deliver(caller_request(to_caller[1], "ACK", 1, "z9hG4bKcaller1"), caller_port));
    REQUIRE(h.deliver(reply(inv2, 486, {}, {}, gw2), gw2));
    CHECK(harness::lines(h.take(gw2)).size() == 2); // the first ACK and the repeated one
    REQUIRE(h.records.size() == 1);
    const auto& r = h.records[0];
    CHECK(r.final_code == 486);
    CHECK(r.stop_rule == "user_busy");
    REQUIRE(r.attempts.size() == 2);
    CHECK(r.attempts[0].final_code == 503);
    CHECK(r.attempts[0].end_reason == "final_response");
    CHECK(r.attempts[1].final_code == 486);
}

TEST_CASE("b2bua::call_manager: when every gateway fails the caller gets the most meaningful code",
          "[b2bua][call_manager]")
{
    harness h;
    REQUIRE(h.deliver(caller_invite(), caller_port));
    REQUIRE(h.deliver(reply(h.invite_to(gw1), 503), gw1));
    REQUIRE(h.deliver(reply(h.invite_to(gw2), 404, {}, {}, gw2), gw2));
    REQUIRE(h.deliver(reply(h.invite_to(gw3), 500, {}, {}, gw3), gw3));
    const auto to_caller = h.take(caller_port);
    REQUIRE(to_caller.size() == 2);
    CHECK(first_line(to_caller[1]) == "SIP/2.0 404 Not Found");
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].attempts.size() == 3);
    CHECK(h.records[0].stop_rule == "no_more_gateways");
    CHECK(h.cm->counters().failed == 1);
}

TEST_CASE("b2bua::call_manager: 183 with SDP commits to the gateway, its 503 goes to the caller",
          "[b2bua][call_manager]")
{
    harness h;
    REQUIRE(h.deliver(caller_invite(), caller_port));
    const auto inv = h.invite_to(gw1);
    REQUIRE(h.deliver(reply(inv, 183, answer), gw1));
    auto to_caller = h.take(caller_port);
    REQUIRE(harness::lines(to_caller) ==
            std::vector<std::string>{"SIP/2.0 100 Trying", "SIP/2.0 183 Session Progress"});
    CHECK(to_caller[1].find("m=audio 5000") != std::string::npos);
    REQUIRE(h.deliver(reply(inv, 503), gw1));
    to_caller = h.take(caller_port);
    REQUIRE(harness::lines(to_caller) ==
            std::vector<std::string>{"SIP/2.0 503 Service Unavailable"});
    CHECK(h.take(gw2).empty());
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].stop_rule == "committed_sdp");
    REQUIRE(h.records[0].attempts[0].sdp.has_value());
}

TEST_CASE(
    "b2bua::call_manager: 180 then the ringing timeout cancels the gateway and tries the next",
    "[b2bua][call_manager]")
{
    harness h;
    REQUIRE(h.deliver(caller_invite(), caller_port));
    const auto inv = h.invite_to(gw1);
    REQUIRE(h.deliver(reply(inv, 180), gw1));
    h.advance(119s);
    CHECK(h.take(gw2).empty());
    h.advance(1s); // SS_SIP_TIMEOUT_RINGING = 120 s
    const auto at1 = h.take(gw1);
    REQUIRE(harness::lines(at1) ==
            std::vector<std::string>{"CANCEL sip:4930123456@127.0.0.1:5090 SIP/2.0"});
    CHECK(header(at1[0], sip::header_id::via) == header(inv, sip::header_id::via));
    const auto inv2 = h.invite_to(gw2);
    // The abandoned gateway confirms: 200 to CANCEL, 487 to the INVITE (ACKed).
    REQUIRE(h.deliver(reply(at1[0], 200), gw1));
    REQUIRE(h.deliver(reply(inv, 487), gw1));
    CHECK(harness::lines(h.take(gw1)) ==
          std::vector<std::string>{"ACK sip:4930123456@127.0.0.1:5090 SIP/2.0"});
    // The caller heard only one 180 from the first gateway so far.
    CHECK(harness::lines(h.take(caller_port)) ==
          std::vector<std::string>{"SIP/2.0 100 Trying", "SIP/2.0 180 Ringing"});
    REQUIRE(h.deliver(reply(inv2, 200, answer, {}, gw2), gw2));
    CHECK(harness::lines(h.take(caller_port)) == std::vector<std::string>{"SIP/2.0 200 OK"});
}

TEST_CASE("b2bua::call_manager: 200 after a delay inside the INVITE timeout answers the call",
          "[b2bua][call_manager]")
{
    harness h;
    REQUIRE(h.deliver(caller_invite(), caller_port));
    const auto inv = h.invite_to(gw1);
    REQUIRE(h.deliver(reply(inv, 100), gw1));
    h.advance(8s);
    REQUIRE(h.deliver(reply(inv, 200, answer), gw1));
    CHECK(harness::lines(h.take(caller_port)) ==
          std::vector<std::string>{"SIP/2.0 100 Trying", "SIP/2.0 200 OK"});
    CHECK(h.take(gw2).empty());
}

TEST_CASE(
    "b2bua::call_manager: CANCEL from the caller racing the gateway's 200 gives 487 and ACK+BYE",
    "[b2bua][call_manager]")
{
    harness h;
    const auto inv = caller_invite();
    REQUIRE(h.deliver(inv, caller_port));
    const auto b_inv = h.invite_to(gw1);
    REQUIRE(h.deliver(reply(b_inv, 180), gw1));
    h.take(caller_port);
    sip::message a;
    REQUIRE(sip::parse_message(inv, a));
    const auto cancel = *sip::make_cancel(a);
    REQUIRE(h.deliver(cancel, caller_port));
    auto to_caller = h.take(caller_port);
    REQUIRE(harness::lines(to_caller) ==
            std::vector<std::string>{"SIP/2.0 200 OK", "SIP/2.0 487 Request Terminated"});
    CHECK(header(to_caller[0], sip::header_id::cseq) == "1 CANCEL");
    auto at_gw = h.take(gw1);
    REQUIRE(harness::lines(at_gw) ==
            std::vector<std::string>{"CANCEL sip:4930123456@127.0.0.1:5090 SIP/2.0"});
    // The gateway's 200 crossed the CANCEL.
    REQUIRE(h.deliver(reply(b_inv, 200, answer), gw1));
    at_gw = h.take(gw1);
    REQUIRE(harness::lines(at_gw) == std::vector<std::string>{"ACK sip:gw@127.0.0.1:5090 SIP/2.0",
                                                              "BYE sip:gw@127.0.0.1:5090 SIP/2.0"});
    CHECK(h.take(caller_port).empty());
    CHECK(h.cm->counters().late_answers == 1);
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].final_code == 487);
    CHECK(h.records[0].release_side == "caller");
    CHECK(h.records[0].release_cause == "cancel");
    // The 487 is retransmitted until the caller ACKs it.
    h.advance(600ms);
    CHECK(harness::lines(h.take(caller_port)) ==
          std::vector<std::string>{"SIP/2.0 487 Request Terminated"});
}

TEST_CASE("b2bua::call_manager: BYE from the gateway side hangs up the caller",
          "[b2bua][call_manager]")
{
    harness h;
    REQUIRE(h.deliver(caller_invite(), caller_port));
    const auto b_inv = h.invite_to(gw1);
    REQUIRE(h.deliver(reply(b_inv, 200, answer), gw1));
    const auto ok = h.take(caller_port).back();
    REQUIRE(h.deliver(caller_request(ok, "ACK", 1, "z9hG4bKack1"), caller_port));
    h.take(gw1);
    const auto bye = gateway_request(b_inv, "BYE", gw1);
    REQUIRE(h.deliver(bye, gw1));
    CHECK(harness::lines(h.take(gw1)) == std::vector<std::string>{"SIP/2.0 200 OK"});
    const auto to_caller = h.take(caller_port);
    REQUIRE(harness::lines(to_caller) ==
            std::vector<std::string>{"BYE sip:1000@127.0.0.1:5062 SIP/2.0"});
    CHECK(header(to_caller[0], sip::header_id::to) == "<sip:1000@127.0.0.1>;tag=callertag");
    CHECK(header(to_caller[0], sip::header_id::call_id) == "call-1@caller");
    // The BYE to the caller is retransmitted until answered, then no more.
    h.advance(600ms);
    CHECK(count_prefix(h.take(caller_port), "BYE ") == 1);
    REQUIRE(h.deliver(reply(to_caller[0], 200), caller_port));
    h.advance(10s);
    CHECK(h.take(caller_port).empty());
    // A retransmitted BYE from the gateway gets the same 200 again.
    REQUIRE(h.deliver(bye, gw1));
    CHECK(harness::lines(h.take(gw1)) == std::vector<std::string>{"SIP/2.0 200 OK"});
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].release_side == "callee");
}

TEST_CASE("b2bua::call_manager: a re-INVITE from the caller is relayed into the gateway's dialog",
          "[b2bua][call_manager]")
{
    harness h;
    REQUIRE(h.deliver(caller_invite(), caller_port));
    const auto b_inv = h.invite_to(gw1);
    REQUIRE(h.deliver(reply(b_inv, 200, answer), gw1));
    const auto ok = h.take(caller_port).back();
    REQUIRE(h.deliver(caller_request(ok, "ACK", 1, "z9hG4bKack1"), caller_port));
    h.take(gw1);
    REQUIRE(h.deliver(caller_request(ok, "INVITE", 2, "z9hG4bKreinv", offer), caller_port));
    auto at_gw = h.take(gw1);
    REQUIRE(harness::lines(at_gw) ==
            std::vector<std::string>{"INVITE sip:gw@127.0.0.1:5090 SIP/2.0"});
    const auto re = at_gw[0];
    CHECK(header(re, sip::header_id::call_id) == header(b_inv, sip::header_id::call_id));
    CHECK(header(re, sip::header_id::cseq) == "2 INVITE");
    CHECK(header(re, sip::header_id::to).find("gwtag5090") != std::string::npos);
    CHECK(re.find("m=audio 4000") != std::string::npos);
    REQUIRE(h.deliver(reply(re, 200, answer), gw1));
    auto to_caller = h.take(caller_port);
    REQUIRE(harness::lines(to_caller) == std::vector<std::string>{"SIP/2.0 200 OK"});
    CHECK(header(to_caller[0], sip::header_id::cseq) == "2 INVITE");
    CHECK(to_caller[0].find("m=audio 5000") != std::string::npos);
    REQUIRE(h.deliver(caller_request(ok, "ACK", 2, "z9hG4bKack2"), caller_port));
    at_gw = h.take(gw1);
    REQUIRE(harness::lines(at_gw) == std::vector<std::string>{"ACK sip:gw@127.0.0.1:5090 SIP/2.0"});
    CHECK(header(at_gw[0], sip::header_id::cseq) == "2 ACK");
    // UPDATE from the gateway reaches the caller too.
    REQUIRE(h.deliver(gateway_request(b_inv, "UPDATE", gw1), gw1));
    to_caller = h.take(caller_port);
    REQUIRE(harness::lines(to_caller) ==
            std::vector<std::string>{"UPDATE sip:1000@127.0.0.1:5062 SIP/2.0"});
    REQUIRE(h.deliver(reply(to_caller[0], 200), caller_port));
    CHECK(harness::lines(h.take(gw1)) == std::vector<std::string>{"SIP/2.0 200 OK"});
}

TEST_CASE(
    "b2bua::call_manager: numbers go through the transforms, each vendor sees its own, lists block",
    "[b2bua][call_manager]")
{
    const std::string text = "plan to-e164\n"
                             "    strip 00 len>3\n"
                             "end\n"
                             "plan plus\n"
                             "    regex /^(\\d+)$/ => +\\1\n"
                             "end\n"
                             "list premium black\n"
                             "    prefix 1900\n"
                             "end\n"
                             "gateway cust-a mapping\n"
                             "    callee-plan to-e164\n"
                             "    callee-black premium\n"
                             "end\n"
                             "gateway vendor-2 routing\n"
                             "    callee-plan plus\n"
                             "    pai-plan plus\n"
                             "end\n";
    auto set =
        transform::parse_rules(text, "test.rules", [](const std::string& p) -> result<std::string> {
            return unexpected(make_error(errc::not_found, p));
        });
    REQUIRE(set);
    auto rules = transform::engine::compile(std::move(*set));
    REQUIRE(rules);
    harness h(gateways(), {}, &*rules);
    REQUIRE(h.deliver(caller_invite("004930123456"), caller_port));
    const auto inv1 = h.invite_to(gw1);
    CHECK(first_line(inv1) == "INVITE sip:4930123456@127.0.0.1:5090 SIP/2.0");
    CHECK(header(inv1, sip::header_id::p_asserted_identity).empty());
    REQUIRE(h.deliver(reply(inv1, 503), gw1));
    const auto inv2 = h.invite_to(gw2);
    CHECK(first_line(inv2) == "INVITE sip:+4930123456@127.0.0.1:5091 SIP/2.0");
    CHECK(header(inv2, sip::header_id::p_asserted_identity) == "<sip:+1000@127.0.0.1>");
    REQUIRE(h.deliver(reply(inv2, 503, {}, {}, gw2), gw2));
    REQUIRE(h.deliver(reply(h.invite_to(gw3), 503, {}, {}, gw3), gw3));
    REQUIRE(h.records.size() == 1);
    const auto& r = h.records[0];
    CHECK(r.callee_received == "004930123456");
    CHECK(r.callee_routed == "4930123456");
    REQUIRE(r.attempts.size() == 3);
    CHECK(r.attempts[0].callee_sent == "4930123456");
    CHECK(r.attempts[1].callee_sent == "+4930123456");

    // A black-listed number gets 403 at once and reaches no gateway.
    h.take(gw1);
    REQUIRE(
        h.deliver(caller_invite("0019005550100", "call-2@caller", "z9hG4bKcaller2"), caller_port));
    CHECK(harness::lines(h.take(caller_port)).back() == "SIP/2.0 403 Forbidden");
    CHECK(h.take(gw1).empty());
    REQUIRE(h.records.size() == 2);
    CHECK(h.records[1].final_code == 403);
    CHECK(h.records[1].release_cause == "blocked");
    CHECK(h.cm->counters().blocked == 1);
}

TEST_CASE("b2bua::call_manager: a vendor's digest challenge is answered, within the retry bound",
          "[b2bua][call_manager]")
{
    auto cfg = gateways(2);
    cfg.routing_gateways[0].auth_user = "trunk";
    cfg.routing_gateways[0].auth_password = "secret";
    params::settings s;
    s.set(*params::find_param("SS_SIP_AUTHENTICATION_RETRY"), std::int64_t{1});
    harness h(cfg, s);
    REQUIRE(h.deliver(caller_invite(), caller_port));
    const auto inv = h.invite_to(gw1);
    const std::vector<std::pair<std::string, std::string>> challenge{
        {"Proxy-Authenticate",
         "Digest realm=\"vendor\", nonce=\"abc123\", qop=\"auth\", algorithm=MD5"}};
    REQUIRE(h.deliver(reply(inv, 407, {}, challenge), gw1));
    auto at_gw = h.take(gw1);
    REQUIRE(at_gw.size() == 2);
    CHECK(starts(at_gw[0], "ACK "));
    const auto authed = at_gw[1];
    CHECK(header(authed, sip::header_id::cseq) == "2 INVITE");
    CHECK(header(authed, sip::header_id::call_id) == header(inv, sip::header_id::call_id));
    sip::message m;
    REQUIRE(sip::parse_message(authed, m));
    const auto creds = m.credentials(sip::header_id::proxy_authorization);
    REQUIRE(creds);
    const auto ha1 =
        registrar::digest_ha1(registrar::digest_algorithm::md5, "trunk", "vendor", "secret");
    CHECK(creds->response == registrar::digest_response(registrar::digest_algorithm::md5, ha1,
                                                        "INVITE", std::string(creds->uri), "abc123",
                                                        creds->nc, sip::unquote(creds->cnonce),
                                                        "auth"));
    // A second challenge exceeds SS_SIP_AUTHENTICATION_RETRY = 1: the next gateway.
    REQUIRE(h.deliver(reply(authed, 407, {}, challenge), gw1));
    (void)h.invite_to(gw2);
    CHECK(h.cm->counters().auth_answers == 1);
}

TEST_CASE("b2bua::call_manager: a gateway at its max calls is skipped", "[b2bua][call_manager]")
{
    auto cfg = gateways(2);
    cfg.routing_gateways[0].max_calls = 1;
    harness h(cfg);
    REQUIRE(h.deliver(caller_invite(), caller_port));
    (void)h.invite_to(gw1);
    REQUIRE(h.deliver(caller_invite("4930123457", "call-2@caller", "z9hG4bKcaller2"), caller_port));
    CHECK(h.take(gw1).empty());
    (void)h.invite_to(gw2);
    CHECK(h.cm->active_calls() == 2);
    const auto list = h.cm->calls();
    REQUIRE(list.size() == 2);
}

TEST_CASE("b2bua::call_manager: a retransmitted INVITE gets the last response again",
          "[b2bua][call_manager]")
{
    harness h;
    const auto inv = caller_invite();
    REQUIRE(h.deliver(inv, caller_port));
    h.take(caller_port);
    REQUIRE(h.deliver(inv, caller_port));
    CHECK(harness::lines(h.take(caller_port)) == std::vector<std::string>{"SIP/2.0 100 Trying"});
    CHECK(count_prefix(h.take(gw1), "INVITE ") == 1);
    CHECK(h.cm->counters().calls == 1);
}

TEST_CASE("b2bua::call_manager: RTP start commits the gateway when the media relay reports it",
          "[b2bua][call_manager]")
{
    harness h;
    REQUIRE(h.deliver(caller_invite(), caller_port));
    const auto inv = h.invite_to(gw1);
    REQUIRE(h.deliver(reply(inv, 180), gw1));
    std::vector<sip::outgoing> out;
    h.cm->on_rtp_started({"call-1@caller", 0}, out);
    h.collect(out);
    REQUIRE(h.deliver(reply(inv, 480), gw1));
    CHECK(harness::lines(h.take(caller_port)).back() == "SIP/2.0 480 Temporarily Unavailable");
    CHECK(h.take(gw2).empty());
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].stop_rule == "committed_rtp");
}

TEST_CASE("b2bua::call_manager: with SS_SIP_USER_AGENT_STOP_SWITCH_AFTER_INVITE_TIMEOUT On the "
          "caller gets 408",
          "[b2bua][call_manager]")
{
    params::settings s;
    s.set(*params::find_param("SS_SIP_USER_AGENT_STOP_SWITCH_AFTER_INVITE_TIMEOUT"), true);
    harness h(gateways(), s);
    REQUIRE(h.deliver(caller_invite(), caller_port));
    (void)h.invite_to(gw1);
    h.advance(10s);
    CHECK(harness::lines(h.take(caller_port)).back() == "SIP/2.0 408 Request Timeout");
    CHECK(h.take(gw2).empty());
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].stop_rule == "invite_timeout");
    CHECK(h.records[0].attempts[0].end_reason == "invite_timeout");
}

TEST_CASE(
    "b2bua::call_manager: a CANCEL before any gateway response waits for its first provisional",
    "[b2bua][call_manager]")
{
    harness h;
    const auto inv = caller_invite();
    REQUIRE(h.deliver(inv, caller_port));
    const auto b_inv = h.invite_to(gw1);
    sip::message a;
    REQUIRE(sip::parse_message(inv, a));
    REQUIRE(h.deliver(*sip::make_cancel(a), caller_port));
    CHECK(harness::lines(h.take(caller_port)) ==
          std::vector<std::string>{"SIP/2.0 100 Trying", "SIP/2.0 200 OK",
                                   "SIP/2.0 487 Request Terminated"});
    CHECK(count_prefix(h.take(gw1), "CANCEL ") == 0); // RFC 3261 §9.1: not before a provisional
    REQUIRE(h.deliver(reply(b_inv, 100), gw1));
    CHECK(harness::lines(h.take(gw1)) ==
          std::vector<std::string>{"CANCEL sip:4930123456@127.0.0.1:5090 SIP/2.0"});
    CHECK(h.take(caller_port).empty());
    CHECK(h.cm->counters().cancelled == 1);
}

TEST_CASE("b2bua::call_manager: SS_GATEWAY_SWITCH_LIMIT bounds the gateways tried",
          "[b2bua][call_manager]")
{
    params::settings s;
    s.set(*params::find_param("SS_GATEWAY_SWITCH_LIMIT"), std::int64_t{2});
    harness h(gateways(), s);
    REQUIRE(h.deliver(caller_invite(), caller_port));
    REQUIRE(h.deliver(reply(h.invite_to(gw1), 503), gw1));
    REQUIRE(h.deliver(reply(h.invite_to(gw2), 502, {}, {}, gw2), gw2));
    CHECK(h.take(gw3).empty());
    // RFC 3261 §16.7: some 5xx (a 503 from a gateway is never passed on as 503).
    const auto last = harness::lines(h.take(caller_port)).back();
    CHECK(starts(last, "SIP/2.0 50"));
    CHECK(last != "SIP/2.0 503 Service Unavailable");
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].stop_rule == "switch_limit");
}

TEST_CASE("b2bua::call_manager: a call with no usable gateway gets 503 and a CDR",
          "[b2bua][call_manager]")
{
    harness h(gateways(0));
    REQUIRE(h.deliver(caller_invite(), caller_port));
    CHECK(harness::lines(h.take(caller_port)) ==
          std::vector<std::string>{"SIP/2.0 100 Trying", "SIP/2.0 503 Service Unavailable"});
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].final_code == 503);
    CHECK(h.records[0].attempts.empty());
}

TEST_CASE("b2bua::call_manager: unknown Call-IDs are not claimed and in-dialog requests after the "
          "end get 481",
          "[b2bua][call_manager]")
{
    harness h;
    CHECK_FALSE(h.deliver(caller_request(caller_invite(), "BYE", 2, "z9hG4bKstray"), caller_port));
    REQUIRE(h.deliver(caller_invite(), caller_port));
    const auto b_inv = h.invite_to(gw1);
    REQUIRE(h.deliver(reply(b_inv, 200, answer), gw1));
    const auto ok = h.take(caller_port).back();
    REQUIRE(h.deliver(caller_request(ok, "ACK", 1, "z9hG4bKack1"), caller_port));
    REQUIRE(h.deliver(caller_request(ok, "BYE", 2, "z9hG4bKbye1"), caller_port));
    h.take(caller_port);
    REQUIRE(h.deliver(caller_request(ok, "INFO", 3, "z9hG4bKinfo"), caller_port));
    CHECK(harness::lines(h.take(caller_port)) ==
          std::vector<std::string>{"SIP/2.0 481 Call/Transaction Does Not Exist"});
}

TEST_CASE("b2bua::call_manager: a mapping gateway may take the caller from P-Asserted-Identity",
          "[b2bua][call_manager]")
{
    auto cfg = gateways(2);
    cfg.mapping_gateways[0].caller = provision::caller_source::p_asserted_identity;
    harness h(cfg);
    sip::message m;
    const auto inv = caller_invite();
    REQUIRE(sip::parse_message(inv, m));
    const auto with_pai =
        sip::message_patch().add("P-Asserted-Identity", "<sip:4930999888@127.0.0.1>").apply(m);
    REQUIRE(h.deliver(with_pai, caller_port));
    const auto b_inv = h.invite_to(gw1);
    CHECK(header(b_inv, sip::header_id::from).rfind("<sip:4930999888@", 0) == 0);
    // A reload that drops the mapping gateway does not disturb the call in progress.
    h.cm->reconfigure(gateways(2), {}, nullptr);
    provision::config bare = gateways(2);
    bare.mapping_gateways.clear();
    h.cm->reconfigure(bare, {}, nullptr);
    REQUIRE(h.deliver(reply(b_inv, 503), gw1));
    const auto inv2 = h.invite_to(gw2);
    CHECK(header(inv2, sip::header_id::from).rfind("<sip:4930999888@", 0) == 0);
    REQUIRE(h.deliver(reply(inv2, 503, {}, {}, gw2), gw2));
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].caller_received == "4930999888");
    CHECK(h.records[0].source == "cust-a");
}

TEST_CASE("b2bua::call_manager: ssw.conf's blocked-code is the final response of a blocked call",
          "[b2bua][call_manager]")
{
    const std::string text = "list premium black\n"
                             "    prefix 1900\n"
                             "end\n"
                             "gateway cust-a mapping\n"
                             "    callee-black premium\n"
                             "end\n";
    auto set =
        transform::parse_rules(text, "test.rules", [](const std::string& p) -> result<std::string> {
            return unexpected(make_error(errc::not_found, p));
        });
    REQUIRE(set);
    auto rules = transform::engine::compile(std::move(*set));
    REQUIRE(rules);
    auto cfg = gateways();
    auto parsed = provision::parse_config("blocked-code = 603\n", "test.conf");
    REQUIRE(parsed);
    cfg.blocked_code = parsed->blocked_code;
    harness h(cfg, {}, &*rules);
    REQUIRE(h.deliver(caller_invite("19005550100"), caller_port));
    CHECK(harness::lines(h.take(caller_port)).back() == "SIP/2.0 603 Decline");
    CHECK(h.take(gw1).empty());
    REQUIRE(h.records.size() == 1);
    CHECK(h.records[0].final_code == 603);
    CHECK(h.records[0].release_cause == "blocked");
    CHECK_FALSE(provision::parse_config("blocked-code = 200\n", "test.conf"));
    CHECK_FALSE(provision::parse_config("blocked-code = 180\n", "test.conf"));
}

TEST_CASE("b2bua::call_manager: a gateway's addresses are tried in order on 503 and on silence, "
          "another failure goes to the next gateway",
          "[b2bua][call_manager]")
{
    // vendor-1 at 127.0.0.1:5090, then vendor.example:5093 (skipped: not a literal address),
    // then 127.0.0.1:5094; vendor-2 at 5091.
    constexpr std::uint16_t gw1b = 5094;
    auto cfg = gateways(2);
    cfg.routing_gateways[0].addresses.push_back(provision::endpoint{"vendor.example", 5093, {}});
    cfg.routing_gateways[0].addresses.push_back(
        provision::endpoint{"127.0.0.1", gw1b, *core::ip_address::parse("127.0.0.1")});
    cfg.routing_gateways[0].invite_timeout = 2s;

    SECTION("503 from the first address, the second answers")
    {
        harness h(cfg);
        REQUIRE(h.deliver(caller_invite(), caller_port));
        REQUIRE(h.deliver(reply(h.invite_to(gw1), 503), gw1));
        const auto inv = h.invite_to(gw1b);
        CHECK(first_line(inv) == "INVITE sip:4930123456@127.0.0.1:5094 SIP/2.0");
        REQUIRE(h.deliver(reply(inv, 200, answer, {}, gw1b), gw1b));
        CHECK(harness::lines(h.take(caller_port)).back() == "SIP/2.0 200 OK");
        CHECK(h.take(gw2).empty());
        CHECK(h.cm->calls().front().gateway == "vendor-1");
    }
    SECTION("no response from the first address within the INVITE timeout")
    {
        harness h(cfg);
        REQUIRE(h.deliver(caller_invite(), caller_port));
        h.take(gw1);
        h.advance(2s);
        CHECK(first_line(h.invite_to(gw1b)) == "INVITE sip:4930123456@127.0.0.1:5094 SIP/2.0");
        CHECK(h.take(gw2).empty());
    }
    SECTION("404 from the first address: the gateway's other address would say the same")
    {
        harness h(cfg);
        REQUIRE(h.deliver(caller_invite(), caller_port));
        REQUIRE(h.deliver(reply(h.invite_to(gw1), 404), gw1));
        CHECK(h.take(gw1b).empty());
        const auto inv = h.invite_to(gw2);
        REQUIRE(h.deliver(reply(inv, 480, {}, {}, gw2), gw2));
        REQUIRE(h.records.size() == 1);
        REQUIRE(h.records[0].attempts.size() == 2);
        CHECK(h.records[0].attempts[0].gateway == "vendor-1");
        CHECK(h.records[0].attempts[1].gateway == "vendor-2");
        CHECK(h.records[0].final_code == 404);
    }
}
