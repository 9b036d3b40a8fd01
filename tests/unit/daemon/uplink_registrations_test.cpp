// SPDX-License-Identifier: MIT
// Outbound registration wired into the daemon engine, in virtual time: the test plays the
// carrier's registrar by reading the REGISTERs the engine emits and feeding answers back.
#include <ssw/daemon/engine.hpp>
#include <ssw/daemon/status.hpp>
#include <ssw/daemon/uplink_registrations.hpp>
#include <ssw/params/catalog.hpp>
#include <ssw/registrar/digest.hpp>
#include <ssw/sip/message.hpp>

#include <catch2/catch.hpp>

#include <regex>

using namespace ssw;
using namespace std::chrono_literals;

namespace {

const char* const registrar_ip = "192.0.2.10";

provision::config carrier_config(const std::string& proxy = "192.0.2.10:5099")
{
    auto cfg = *provision::parse_config("[listen]\nudp = 127.0.0.1:5070\n"
                                        "[routing-gateway carrier]\naddress = 198.51.100.1\n"
                                        "register-proxy = " +
                                            proxy +
                                            "\n"
                                            "register-user = ssw\nregister-password = secret\n"
                                            "register-contact-host = ssw.example.net\n",
                                        "test.conf");
    cfg.bindings_db = ":memory:";
    return cfg;
}

params::settings with(std::initializer_list<std::pair<const char*, params::value>> values)
{
    params::settings s;
    for (const auto& [name, v] : values) {
        s.set(*params::find_param(name), v);
    }
    return s;
}

struct harness {
    explicit harness(params::settings s = {}, provision::config c = carrier_config())
        : store(*registrar::binding_store::open(":memory:", clock.wall_now())),
          engine(std::move(c), std::move(s), clock, store,
                 [this](daemon::log_level, std::string_view t) { log.emplace_back(t); })
    {
    }
    core::manual_clock clock;
    registrar::binding_store store;
    std::vector<std::string> log;
    daemon::engine engine;

    std::vector<daemon::outgoing> start()
    {
        std::vector<daemon::outgoing> out;
        engine.start(out);
        return out;
    }
    std::vector<daemon::outgoing> answer(const std::string& text)
    {
        std::vector<daemon::outgoing> out;
        engine.on_message(
            text, {*core::ip_address::parse(registrar_ip), 5099, sip::transport_kind::udp, 0}, out);
        engine.flush(out);
        return out;
    }
    // Moves the clock to `t` through every deadline on the way, collecting what is sent.
    std::vector<daemon::outgoing> run_until(core::clock::time_point t)
    {
        std::vector<daemon::outgoing> out;
        while (true) {
            const auto d = engine.next_deadline();
            if (!d || *d > t) {
                break;
            }
            clock.set(std::max(*d, clock.now()));
            engine.on_timer(out);
        }
        clock.set(t);
        engine.on_timer(out);
        return out;
    }
    std::vector<daemon::outgoing> run_for(core::clock::duration d)
    {
        return run_until(clock.now() + d);
    }
    [[nodiscard]] daemon::uplink_status status() const { return engine.status().uplinks.at(0); }
};

// Only the REGISTERs (the engine also sends keep-alives and such in general).
std::vector<std::string> registers(const std::vector<daemon::outgoing>& out)
{
    std::vector<std::string> r;
    for (const auto& o : out) {
        if (o.bytes.rfind("REGISTER ", 0) == 0) {
            r.push_back(o.bytes);
        }
    }
    return r;
}

std::string header(const std::string& message, const std::string& name)
{
    std::smatch m;
    if (std::regex_search(message, m,
                          std::regex("\r\n" + name + ": ([^\r]*)\r\n", std::regex::icase))) {
        return m[1];
    }
    return "<absent>";
}

int cseq(const std::string& message)
{
    return std::stoi(header(message, "CSeq"));
}

// A response to `request` with the given status line tail and extra headers.
std::string respond(const std::string& request, const std::string& status,
                    const std::string& extra = {})
{
    sip::message m;
    REQUIRE(sip::parse_message(request, m));
    std::string r = "SIP/2.0 " + status + "\r\n";
    for (const auto& v : m.values(sip::header_id::via)) {
        r += "Via: " + std::string(v) + ";received=127.0.0.1\r\n";
    }
    r += "From: " + std::string(m.value(sip::header_id::from)) + "\r\n";
    r += "To: " + std::string(m.value(sip::header_id::to)) + ";tag=reg\r\n";
    r += "Call-ID: " + std::string(m.call_id()) + "\r\n";
    r += "CSeq: " + std::string(m.value(sip::header_id::cseq)) + "\r\n";
    r += extra + "Content-Length: 0\r\n\r\n";
    return r;
}

std::string ok(const std::string& request, int expires)
{
    return respond(request, "200 OK",
                   "Contact: <sip:ssw@ssw.example.net:5070>;expires=" + std::to_string(expires) +
                       "\r\n");
}

std::string challenge_401(const std::string& request, const std::string& nonce = "n0nce")
{
    return respond(request, "401 Unauthorized",
                   "WWW-Authenticate: Digest realm=\"carrier\", nonce=\"" + nonce +
                       "\", qop=\"auth\", algorithm=MD5\r\n");
}

std::string challenge_407(const std::string& request, const std::string& nonce = "pr0xy")
{
    return respond(request, "407 Proxy Authentication Required",
                   "Proxy-Authenticate: Digest realm=\"carrier\", nonce=\"" + nonce +
                       "\", algorithm=MD5\r\n");
}

// Checks the digest in `value` as the registrar would.
void check_digest(const std::string& value, const std::string& nonce)
{
    std::smatch m;
    REQUIRE(std::regex_search(value, m, std::regex("response=\"([0-9a-f]+)\"")));
    const std::string response = m[1];
    std::string nc, cnonce, qop;
    if (std::regex_search(value, m, std::regex("nc=([0-9a-f]{8})"))) {
        nc = m[1];
    }
    if (std::regex_search(value, m, std::regex("cnonce=\"([^\"]+)\""))) {
        cnonce = m[1];
        qop = "auth";
    }
    CHECK(value.find("username=\"ssw\"") != std::string::npos);
    CHECK(value.find("uri=\"sip:192.0.2.10:5099\"") != std::string::npos);
    const auto ha1 =
        registrar::digest_ha1(registrar::digest_algorithm::md5, "ssw", "carrier", "secret");
    CHECK(response == registrar::digest_response(registrar::digest_algorithm::md5, ha1, "REGISTER",
                                                 "sip:192.0.2.10:5099", nonce, nc, cnonce, qop));
}

// Registers through one 401 with a grant of `granted` seconds; returns the last REGISTER.
std::string register_with_challenge(harness& h, int granted)
{
    auto first = registers(h.start());
    REQUIRE(first.size() == 1);
    auto second = registers(h.answer(challenge_401(first[0])));
    REQUIRE(second.size() == 1);
    CHECK(registers(h.answer(ok(second[0], granted))).empty());
    REQUIRE(h.status().state == "registered");
    return second[0];
}

} // namespace

TEST_CASE(
    "daemon uplink: REGISTER with Contact host, Expires, answered 401 with digest, same Call-ID",
    "[daemon][uplink]")
{
    harness h;
    const auto out = h.start();
    REQUIRE(out.size() == 1);
    CHECK(out[0].to.address == *core::ip_address::parse(registrar_ip));
    CHECK(out[0].to.port == 5099);
    const auto& first = out[0].bytes;
    CHECK(first.rfind("REGISTER sip:192.0.2.10:5099 SIP/2.0\r\n", 0) == 0);
    CHECK(header(first, "Contact") == "<sip:ssw@ssw.example.net:5070>");
    CHECK(header(first, "Expires") == "3600"); // SS_SIP_USER_AGENT_EXPIRE Auto asks 3600
    CHECK(header(first, "From").find("<sip:ssw@192.0.2.10>;tag=") == 0);
    CHECK(header(first, "Authorization") == "<absent>");
    CHECK(h.status().state == "registering");

    const auto second = registers(h.answer(challenge_401(first)));
    REQUIRE(second.size() == 1);
    CHECK(header(second[0], "Call-ID") == header(first, "Call-ID"));
    CHECK(cseq(second[0]) == cseq(first) + 1);
    CHECK(header(second[0], "Via") != header(first, "Via")); // a new transaction, a new branch
    check_digest(header(second[0], "Authorization"), "n0nce");
    CHECK(header(second[0], "Authorization").find("nc=00000001") != std::string::npos);

    h.answer(ok(second[0], 600));
    const auto st = h.status();
    CHECK(st.state == "registered");
    REQUIRE(st.expires_in);
    CHECK(*st.expires_in == 600);
    CHECK(st.challenges_answered == 1);
    CHECK(st.registers_sent == 2);
    CHECK(st.last_failure_code == -1);
}

TEST_CASE("daemon uplink: refresh well before expiry, same Call-ID, next CSeq", "[daemon][uplink]")
{
    harness h;
    const auto last = register_with_challenge(h, 120);
    // refresh_after(120 s) = min(85 % = 102 s, 120 - 32 s = 88 s) = 88 s.
    CHECK(registers(h.run_for(87s)).empty());
    const auto refresh = registers(h.run_for(1s));
    REQUIRE(refresh.size() == 1);
    CHECK(header(refresh[0], "Call-ID") == header(last, "Call-ID"));
    CHECK(cseq(refresh[0]) == cseq(last) + 1);
    CHECK(header(refresh[0], "Expires") == "120"); // Auto: asks what was granted
    // The refresh is challenged again and answered with the new nonce.
    const auto answered = registers(h.answer(challenge_401(refresh[0], "n2")));
    REQUIRE(answered.size() == 1);
    check_digest(header(answered[0], "Authorization"), "n2");
    h.answer(ok(answered[0], 120));
    CHECK(h.status().state == "registered");
    CHECK(*h.status().expires_in == 120);
}

TEST_CASE("daemon uplink: 423 Interval Too Brief raises Expires to Min-Expires", "[daemon][uplink]")
{
    harness h;
    const auto first = registers(h.start());
    const auto again =
        registers(h.answer(respond(first[0], "423 Interval Too Brief", "Min-Expires: 5400\r\n")));
    REQUIRE(again.size() == 1);
    CHECK(header(again[0], "Expires") == "5400");
    CHECK(cseq(again[0]) == cseq(first[0]) + 1);
}

TEST_CASE("daemon uplink: a failure is reported and retried after SS_SIP_USER_AGENT_RETRY_DELAY",
          "[daemon][uplink]")
{
    harness h(with({{"SS_SIP_USER_AGENT_RETRY_DELAY", params::value{std::int64_t{45}}}}));
    const auto first = registers(h.start());
    CHECK(registers(h.answer(respond(first[0], "403 Forbidden"))).empty());
    auto st = h.status();
    CHECK(st.state == "retry_wait");
    CHECK(st.last_failure_code == 403);
    CHECK(std::any_of(h.log.begin(), h.log.end(), [](const std::string& l) {
        return l.find("gateway carrier: registration to 192.0.2.10 failed (403") !=
                   std::string::npos &&
               l.find("retrying in 45 s") != std::string::npos;
    }));
    CHECK(registers(h.run_for(44s)).empty());
    const auto retry = registers(h.run_for(1s));
    REQUIRE(retry.size() == 1);
    CHECK(cseq(retry[0]) == cseq(first[0]) + 1);
    CHECK(header(retry[0], "Call-ID") == header(first[0], "Call-ID"));
}

TEST_CASE("daemon uplink: no answer: retransmissions, then a timeout failure (code 0) and a retry",
          "[daemon][uplink]")
{
    harness h;
    const auto first = registers(h.start());
    const auto resent = registers(h.run_for(31s));
    CHECK(resent.size() >= 5);
    for (const auto& r : resent) {
        CHECK(r == first[0]); // byte for byte
    }
    (void)h.run_for(2s); // Timer F: 64 x T1 = 32 s
    const auto st = h.status();
    CHECK(st.state == "retry_wait");
    CHECK(st.last_failure_code == 0);
    CHECK(registers(h.run_for(29s)).size() == 1); // failed at 32 s, retried at 62 s
}

TEST_CASE("daemon uplink: still challenged after SS_SIP_AUTHENTICATION_RETRY answers is a failure",
          "[daemon][uplink]")
{
    harness h(with({{"SS_SIP_AUTHENTICATION_RETRY", params::value{std::int64_t{2}}}}));
    auto r = registers(h.start());
    r = registers(h.answer(challenge_401(r[0], "a")));
    REQUIRE(r.size() == 1);
    r = registers(h.answer(challenge_401(r[0], "b")));
    REQUIRE(r.size() == 1);
    CHECK(registers(h.answer(challenge_401(r[0], "c"))).empty());
    CHECK(h.status().state == "retry_wait");
    CHECK(h.status().last_failure_code == 401);
}

TEST_CASE("daemon uplink: un-REGISTER on stop answers a 407 in the middle (sofia-sip#319), "
          "Expires: 0 each time",
          "[daemon][uplink]")
{
    harness h;
    const auto last = register_with_challenge(h, 3600);
    CHECK_FALSE(h.engine.stop_complete());
    std::vector<daemon::outgoing> out;
    h.engine.begin_stop(out);
    auto unreg = registers(out);
    REQUIRE(unreg.size() == 1);
    CHECK(header(unreg[0], "Expires") == "0"); // asterisk#1859: never omitted
    CHECK(header(unreg[0], "Call-ID") == header(last, "Call-ID"));
    CHECK(cseq(unreg[0]) == cseq(last) + 1);
    CHECK(header(unreg[0], "Contact") == "<sip:ssw@ssw.example.net:5070>");
    CHECK_FALSE(h.engine.stop_complete());

    // The registrar challenges the un-REGISTER with a 407: ssw answers it (FreeSWITCH did not).
    const auto answered = registers(h.answer(challenge_407(unreg[0])));
    REQUIRE(answered.size() == 1);
    CHECK(header(answered[0], "Expires") == "0");
    CHECK(cseq(answered[0]) == cseq(unreg[0]) + 1);
    CHECK(header(answered[0], "Call-ID") == header(last, "Call-ID"));
    const auto proxy_auth = header(answered[0], "Proxy-Authorization");
    CHECK(proxy_auth.find("nonce=\"pr0xy\"") != std::string::npos);
    check_digest(proxy_auth, "pr0xy");
    CHECK_FALSE(h.engine.stop_complete());

    h.answer(respond(answered[0], "200 OK"));
    CHECK(h.engine.stop_complete());
    CHECK(h.status().state == "stopped");
    CHECK(std::any_of(h.log.begin(), h.log.end(), [](const std::string& l) {
        return l.find("un-REGISTER confirmed by 200") != std::string::npos;
    }));
}

TEST_CASE("daemon uplink: SS_SIP_USER_AGENT_SEND_UNREGISTER Off stops at once without a REGISTER",
          "[daemon][uplink]")
{
    harness h(with({{"SS_SIP_USER_AGENT_SEND_UNREGISTER", params::value{false}}}));
    register_with_challenge(h, 3600);
    std::vector<daemon::outgoing> out;
    h.engine.begin_stop(out);
    CHECK(registers(out).empty());
    CHECK(h.engine.stop_complete());
}

TEST_CASE("daemon uplink: an unanswered un-REGISTER ends at the shutdown grace (unregister-grace)",
          "[daemon][uplink]")
{
    auto cfg = carrier_config();
    cfg.unregister_grace = 3s;
    harness h({}, cfg);
    register_with_challenge(h, 3600);
    std::vector<daemon::outgoing> out;
    h.engine.begin_stop(out);
    REQUIRE(registers(out).size() == 1);
    const auto resent = registers(h.run_for(2900ms));
    CHECK(!resent.empty()); // retransmitted while waiting
    CHECK_FALSE(h.engine.stop_complete());
    (void)h.run_for(100ms);
    CHECK(h.engine.stop_complete());
    CHECK(std::any_of(h.log.begin(), h.log.end(), [](const std::string& l) {
        return l.find("un-REGISTER not confirmed") != std::string::npos;
    }));
}

TEST_CASE("daemon uplink: not registered at stop: nothing to un-REGISTER", "[daemon][uplink]")
{
    harness h;
    (void)h.start();
    std::vector<daemon::outgoing> out;
    h.engine.begin_stop(out);
    CHECK(registers(out).empty());
    CHECK(h.engine.stop_complete());
}

TEST_CASE("daemon uplink: a proxy name is resolved by net/ (SRV unless a port is written)",
          "[daemon][uplink]")
{
    harness h({}, carrier_config("sip.carrier.example"));
    CHECK(h.start().empty());
    CHECK(h.status().state == "resolving");
    const auto requests = h.engine.take_resolve_requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].gateway == "carrier");
    CHECK(requests[0].host == "sip.carrier.example");
    CHECK(requests[0].use_srv);
    CHECK(h.engine.take_resolve_requests().empty()); // handed out once
    std::vector<daemon::outgoing> out;
    h.engine.on_resolved("carrier", {{*core::ip_address::parse("203.0.113.5"), 5080}}, {}, out);
    const auto r = registers(out);
    REQUIRE(r.size() == 1);
    CHECK(out[0].to.address == *core::ip_address::parse("203.0.113.5"));
    CHECK(out[0].to.port == 5080);
    CHECK(r[0].rfind("REGISTER sip:sip.carrier.example SIP/2.0", 0) == 0);
    CHECK(header(r[0], "To") == "<sip:ssw@sip.carrier.example>");

    harness with_port({}, carrier_config("sip.carrier.example:5070"));
    (void)with_port.start();
    const auto r2 = with_port.engine.take_resolve_requests();
    REQUIRE(r2.size() == 1);
    CHECK_FALSE(r2[0].use_srv); // RFC 3263 §4.2: a port was given, A/AAAA only
    CHECK(r2[0].port == 5070);
}

TEST_CASE("daemon uplink: a failed look-up is reported and tried again after the retry delay",
          "[daemon][uplink]")
{
    harness h({}, carrier_config("sip.carrier.example"));
    (void)h.start();
    REQUIRE(h.engine.take_resolve_requests().size() == 1);
    std::vector<daemon::outgoing> out;
    h.engine.on_resolved("carrier", {}, "Name or service not known", out);
    CHECK(out.empty());
    CHECK(h.status().last_failure_reason.find("DNS") != std::string::npos);
    (void)h.run_for(29s);
    CHECK(h.engine.take_resolve_requests().empty());
    (void)h.run_for(1s);
    CHECK(h.engine.take_resolve_requests().size() == 1);
}

TEST_CASE(
    "daemon uplink: requests from the registered carrier are taken as from its routing gateway",
    "[daemon][uplink]")
{
    params::settings s = with({{"SS_REPLY_UNAUTHORIZED", params::value{false}}});
    harness h(s);
    register_with_challenge(h, 3600);
    const std::string options =
        "OPTIONS sip:ssw@ssw.example.net:5070 SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.10:5099;branch=z9hG4bKopt1\r\n"
        "From: <sip:carrier@192.0.2.10>;tag=1\r\nTo: <sip:ssw@ssw.example.net>\r\n"
        "Call-ID: opt-1@192.0.2.10\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    const auto out = h.answer(options);
    REQUIRE(out.size() == 1);
    CHECK(out[0].bytes.rfind("SIP/2.0 200", 0) == 0);
    // The same from an unknown address stays unanswered (SS_REPLY_UNAUTHORIZED Off).
    std::vector<daemon::outgoing> other;
    std::string from_elsewhere = options;
    from_elsewhere.replace(from_elsewhere.find("opt1"), 4, "opt2"); // a new transaction
    h.engine.on_message(from_elsewhere,
                        {*core::ip_address::parse("192.0.2.99"), 5099, sip::transport_kind::udp, 0},
                        other);
    INFO((other.empty() ? std::string() : other[0].bytes));
    CHECK(other.empty());
}

TEST_CASE("daemon status: text and JSON show registration, keep-alive and engine counters",
          "[daemon][uplink]")
{
    harness h;
    register_with_challenge(h, 300);
    const auto st = h.engine.status();
    const auto text = daemon::render_text(st);
    CHECK(text.find("carrier: registered, expires in 300 s") != std::string::npos);
    CHECK(text.find("NAT keep-alive:") != std::string::npos);
    CHECK(text.find("calls: 0 in progress") != std::string::npos);
    const auto json = daemon::render_json(st);
    CHECK(json.find("\"registrations\":[{\"gateway\":\"carrier\",\"state\":\"registered\"") !=
          std::string::npos);
    CHECK(json.find("\"expires_in\":300") != std::string::npos);
    CHECK(json.find("\"keepalive\":{\"enabled\":") != std::string::npos);
    CHECK(json.find("\"calls\":{\"in_progress\":0") != std::string::npos);
    CHECK(text.find("media relay: 0 relayed calls, port pairs 0 of ") != std::string::npos);
    CHECK(json.find("\"media\":{\"relayed_calls\":0,\"port_pairs_used\":0") != std::string::npos);
}

TEST_CASE("daemon status: ssw.conf keepalive-spread, unregister-grace and control-socket are read",
          "[daemon][uplink]")
{
    auto cfg = provision::parse_config(
        "keepalive-spread = on\nunregister-grace = 12\ncontrol-socket = /run/ssw/x.ctl\n"
        "[listen]\nudp = 127.0.0.1:5070\n",
        "t.conf");
    REQUIRE(cfg);
    CHECK(cfg->keepalive_spread);
    CHECK(cfg->unregister_grace == 12s);
    CHECK(cfg->control_socket == "/run/ssw/x.ctl");
    CHECK_FALSE(provision::parse_config("unregister-grace = 61\n", "t.conf"));
    harness h({}, *cfg);
    const auto st = h.engine.status();
    CHECK(st.keepalive.spread);
    CHECK(st.keepalive.enabled); // SS_SIP_NAT_KEEP_ALIVE_MESSAGE defaults to HELLO
    CHECK(st.uplinks.empty());
    CHECK(h.engine.stop_complete() == false); // not asked to stop yet
    std::vector<daemon::outgoing> out;
    h.engine.begin_stop(out);
    CHECK(out.empty());
    CHECK(h.engine.stop_complete()); // nothing registered: exits at once
}

TEST_CASE("daemon uplink: a TCP gateway registers over TCP when ssw-run listens on TCP",
          "[daemon][uplink]")
{
    auto cfg = *provision::parse_config("[listen]\nudp = 127.0.0.1:5070\ntcp = 127.0.0.1:5071\n"
                                        "[routing-gateway carrier]\naddress = 198.51.100.1\n"
                                        "transport = tcp\nregister-proxy = 192.0.2.10:5099\n"
                                        "register-user = ssw\nregister-password = secret\n",
                                        "test.conf");
    cfg.bindings_db = ":memory:";
    harness h({}, cfg);
    const auto out = h.start();
    REQUIRE(out.size() == 1);
    CHECK(out[0].to.transport == sip::transport_kind::tcp);
    CHECK(out[0].to.connection == 0); // net/ opens the connection
    CHECK(out[0].to.port == 5099);
    CHECK(header(out[0].bytes, "Via").rfind("SIP/2.0/TCP 127.0.0.1:5071;branch=", 0) == 0);
    CHECK(header(out[0].bytes, "Contact") == "<sip:ssw@127.0.0.1:5071;transport=tcp>");
    // Over a reliable transport the request is not retransmitted (RFC 3261 §17.1.2.2).
    CHECK(registers(h.run_for(4s)).empty());

    // Without a TCP listener it says so and falls back to UDP.
    auto udp_only = *provision::parse_config("[listen]\nudp = 127.0.0.1:5070\n"
                                             "[routing-gateway carrier]\naddress = 198.51.100.1\n"
                                             "transport = tcp\nregister-proxy = 192.0.2.10:5099\n"
                                             "register-user = ssw\nregister-password = secret\n",
                                             "test.conf");
    udp_only.bindings_db = ":memory:";
    harness fallback({}, udp_only);
    const auto sent = fallback.start();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].to.transport == sip::transport_kind::udp);
    CHECK(std::any_of(fallback.log.begin(), fallback.log.end(), [](const std::string& l) {
        return l.find("no TCP listener") != std::string::npos;
    }));
}
