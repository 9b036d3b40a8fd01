// SPDX-License-Identifier: MIT
// The daemon core driven in-process with virtual time: registrar, digest, lockout, policy.
#include "unit/daemon/engine_harness.hpp"

using namespace ssw;
using namespace std::chrono_literals;

using namespace ssw::test::engine_harness;

TEST_CASE("daemon::engine: REGISTER with digest auth, response routed by rport", "[daemon][engine]")
{
    harness h;
    int cseq = 1;
    const auto first = h.send(register_request("1000", cseq++, "a"));
    REQUIRE(first.size() == 1);
    CHECK(status_of(first[0]) == 401);
    CHECK_THAT(first[0].bytes, Catch::Contains("WWW-Authenticate: Digest realm=\"ssw\""));
    CHECK_THAT(first[0].bytes, Catch::Contains(";rport=5062;received=127.0.0.1"));
    CHECK(first[0].to.port == 5062);
    CHECK_THAT(first[0].bytes,
               !Catch::Contains("Server:")); // nothing tells scanners what runs here

    const auto ok = h.send(
        register_request("1000", cseq++, "b",
                         authorization("Authorization", "1000", "demo", nonce_of(first[0].bytes))));
    REQUIRE(ok.size() == 1);
    CHECK(status_of(ok[0]) == 200);
    CHECK_THAT(ok[0].bytes, Catch::Contains("Contact: <sip:1000@127.0.0.1:5062>;expires=3600"));
    CHECK(h.store.lookup("1000", h.clock.wall_now()).size() == 1);
    CHECK(h.engine.counters().registrations == 1);
}

TEST_CASE("daemon::engine: a retransmitted authenticated request gets the same response, "
          "handled once",
          "[daemon][engine]")
{
    harness h;
    const auto challenge = h.send(register_request("1000", 1, "x"));
    REQUIRE(challenge.size() == 1);
    const auto text = register_request(
        "1000", 2, "y",
        authorization("Authorization", "1000", "demo", nonce_of(challenge[0].bytes)));
    const auto a = h.send(text);
    const auto b = h.send(text);
    REQUIRE(a.size() == 1);
    REQUIRE(b.size() == 1);
    CHECK(status_of(a[0]) == 200);
    CHECK(a[0].bytes == b[0].bytes);
    CHECK(h.engine.counters().registrations == 1);
    CHECK(h.engine.counters().retransmissions_absorbed == 1);
}

TEST_CASE("daemon::engine: a challenge is stateless: its retransmission is challenged anew",
          "[daemon][engine]")
{
    harness h;
    const auto text = register_request("1000", 1, "x");
    const auto a = h.send(text);
    const auto b = h.send(text);
    REQUIRE(a.size() == 1);
    REQUIRE(b.size() == 1);
    CHECK(status_of(a[0]) == 401);
    CHECK(status_of(b[0]) == 401);
    CHECK(nonce_of(a[0].bytes) != nonce_of(b[0].bytes));
    CHECK(h.engine.counters().challenges == 2);
    CHECK(h.engine.open_transactions() == 0);
}

TEST_CASE("daemon::engine: wrong passwords until suspension, then recovery", "[daemon][engine]")
{
    harness h;
    int cseq = 1;
    for (int i = 0; i < 5; ++i) {
        const auto r = do_register(h, "1001", "guess", cseq);
        REQUIRE(r.size() == 1);
        CHECK(status_of(r[0]) == 401); // re-challenged, new transaction each time
    }
    const auto sixth = do_register(h, "1001", "guess", cseq);
    CHECK(status_of(sixth[0]) == 403);
    CHECK(h.engine.counters().suspensions == 1);
    // Suspended: even the right password is refused (403, SS_REPLY_UNAUTHORIZED On).
    const auto refused = h.send(register_request("1001", cseq++, "s"));
    REQUIRE(refused.size() == 1);
    CHECK(status_of(refused[0]) == 403);
    h.clock.advance(181s);
    const auto ok = do_register(h, "1001", "demo", cseq);
    CHECK(status_of(ok[0]) == 200);
    CHECK(std::any_of(h.log.begin(), h.log.end(), [](const std::string& l) {
        return l.find("suspension: ") != std::string::npos &&
               l.find("suspended for 180 s") != std::string::npos;
    }));
}

TEST_CASE("daemon::engine: unknown sources get 401/403 when On and not a byte when Off",
          "[daemon][engine]")
{
    const std::string invite = "INVITE sip:0044123456789@127.0.0.1 SIP/2.0\r\n"
                               "Via: SIP/2.0/UDP 203.0.113.9:5070;branch=z9hG4bKscan1\r\n"
                               "From: \"sipvicious\" <sip:100@1.1.1.1>;tag=x\r\n"
                               "To: <sip:0044123456789@127.0.0.1>\r\n"
                               "Call-ID: probe@x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    SECTION("On")
    {
        harness h;
        const auto reg = h.send(register_request("9999", 1, "u"), 5070, "203.0.113.9");
        REQUIRE(reg.size() == 1);
        CHECK(status_of(reg[0]) == 401);
        const auto inv = h.send(invite, 5070, "203.0.113.9");
        REQUIRE(inv.size() == 1);
        CHECK(status_of(inv[0]) == 403);
    }
    SECTION("Off")
    {
        params::settings s;
        s.set(*params::find_param("SS_REPLY_UNAUTHORIZED"), params::value{false});
        harness h(s);
        CHECK(h.send(register_request("9999", 1, "u"), 5070, "203.0.113.9").empty());
        CHECK(h.send(invite, 5070, "203.0.113.9").empty());
        CHECK(h.send(invite, 5070, "203.0.113.9").empty()); // a retransmission: dropped again
        const std::string options = "OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
                                    "Via: SIP/2.0/UDP 203.0.113.9:5070;branch=z9hG4bKopt\r\n"
                                    "From: <sip:100@1.1.1.1>;tag=y\r\nTo: <sip:100@1.1.1.1>\r\n"
                                    "Call-ID: o@x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        CHECK(h.send(options, 5070, "203.0.113.9").empty());
        CHECK(h.engine.counters().unknown_dropped == 4);
        CHECK(h.engine.open_transactions() == 0);
        // Known accounts are never affected.
        int cseq = 1;
        CHECK(status_of(do_register(h, "1002", "demo", cseq)[0]) == 200);
    }
}

TEST_CASE("daemon::engine: 407 when SS_SIP_AUTHENTICATION_CODE is 407", "[daemon][engine]")
{
    params::settings s;
    s.set(*params::find_param("SS_SIP_AUTHENTICATION_CODE"), params::value{std::int64_t{407}});
    harness h(s);
    const auto first = h.send(register_request("1000", 1, "a"));
    REQUIRE(status_of(first[0]) == 407);
    CHECK_THAT(first[0].bytes, Catch::Contains("Proxy-Authenticate: Digest"));
    const auto ok = h.send(register_request(
        "1000", 2, "b",
        authorization("Proxy-Authorization", "1000", "demo", nonce_of(first[0].bytes))));
    CHECK(status_of(ok[0]) == 200);
}

TEST_CASE("daemon::engine: expiry rules, NAT cap, unregister and wildcard", "[daemon][engine]")
{
    harness h;
    int cseq = 1;
    SECTION("too brief is 423 with Min-Expires")
    {
        const auto r = do_register(h, "1000", "demo", cseq, "127.0.0.1:5062", "30");
        CHECK(status_of(r[0]) == 423);
        CHECK_THAT(r[0].bytes, Catch::Contains("Min-Expires: 60"));
    }
    SECTION(
        "a contact that is not where the packet came from is behind NAT: SS_ENDPOINT_NAT_EXPIRE")
    {
        const auto r = do_register(h, "1000", "demo", cseq, "10.0.0.5:5060");
        CHECK_THAT(r[0].bytes, Catch::Contains("expires=300"));
        CHECK(h.store.lookup("1000", h.clock.wall_now())[0].behind_nat);
    }
    SECTION("Expires: 0 removes, Contact: * removes all")
    {
        REQUIRE(status_of(do_register(h, "1000", "demo", cseq)[0]) == 200);
        REQUIRE(status_of(do_register(h, "1000", "demo", cseq, "127.0.0.1:5062", "0")[0]) == 200);
        CHECK(h.store.lookup("1000", h.clock.wall_now()).empty());
        REQUIRE(status_of(do_register(h, "1000", "demo", cseq)[0]) == 200);
        auto star = register_request("1000", cseq, "star");
        star.replace(star.find("Contact: <sip:1000@127.0.0.1:5062>"), 34, "Contact: *");
        star.replace(star.find("Expires: 3600"), 13, "Expires: 0");
        const auto c = h.send(star);
        REQUIRE(status_of(c[0]) == 401);
        auto answer = star;
        answer.replace(answer.find("branch=z9hG4bKstar"), 18, "branch=z9hG4bKstar2");
        answer.replace(answer.find("Content-Length"), 0,
                       authorization("Authorization", "1000", "demo", nonce_of(c[0].bytes)));
        answer.replace(answer.find("CSeq: " + std::to_string(cseq)),
                       6 + std::to_string(cseq).size(), "CSeq: " + std::to_string(cseq + 1));
        CHECK(status_of(h.send(answer)[0]) == 200);
        CHECK(h.store.lookup("1000", h.clock.wall_now()).empty());
    }
    SECTION("registrations expire")
    {
        REQUIRE(status_of(do_register(h, "1000", "demo", cseq)[0]) == 200);
        h.clock.advance(3601s);
        std::vector<daemon::outgoing> out;
        h.engine.on_timer(out);
        CHECK(h.store.size() == 0);
    }
}

TEST_CASE("daemon::engine: SS_ENDPOINT_REGISTER_REPLACE Off refuses a second contact",
          "[daemon][engine]")
{
    params::settings s;
    s.set(*params::find_param("SS_ENDPOINT_REGISTER_REPLACE"), params::value{false});
    harness h(s);
    int cseq = 1;
    REQUIRE(status_of(do_register(h, "1000", "demo", cseq)[0]) == 200);
    CHECK(status_of(do_register(h, "1000", "demo", cseq, "127.0.0.1:6000")[0]) == 403);
    CHECK(status_of(do_register(h, "1000", "demo", cseq)[0]) == 200); // the same contact refreshes
}

TEST_CASE("daemon::engine: OPTIONS from a registered phone is answered 200", "[daemon][engine]")
{
    harness h;
    int cseq = 1;
    REQUIRE(status_of(do_register(h, "1000", "demo", cseq)[0]) == 200);
    const std::string options = "OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
                                "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKopt\r\n"
                                "From: <sip:1000@127.0.0.1>;tag=y\r\nTo: <sip:127.0.0.1>\r\n"
                                "Call-ID: o@x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    const auto r = h.send(options);
    REQUIRE(r.size() == 1);
    CHECK(status_of(r[0]) == 200);
    CHECK(r[0].to.port == 5062); // no rport: the Via port
}

TEST_CASE("daemon::engine: transactions end and garbage is dropped", "[daemon][engine]")
{
    harness h;
    int cseq = 1;
    REQUIRE(status_of(do_register(h, "1000", "demo", cseq)[0]) == 200);
    CHECK(h.engine.open_transactions() == 1);
    h.clock.advance(33s);
    std::vector<daemon::outgoing> out;
    h.engine.on_timer(out);
    CHECK(h.engine.open_transactions() == 0);
    CHECK(h.send("\x16\x03\x01 garbage").empty());
    CHECK(h.send("REGISTER sip:x SIP/2.0\r\n\r\n").empty());
    CHECK(h.engine.counters().malformed_dropped == 2);
}

TEST_CASE("daemon::engine: NAT endpoints get SS_SIP_NAT_KEEP_ALIVE_MESSAGE at their source address",
          "[daemon][engine][keepalive]")
{
    harness h;
    int cseq = 1;
    REQUIRE(status_of(do_register(h, "1000", "demo", cseq, "10.0.0.5:5060")[0]) ==
            200);                                                       // behind NAT
    REQUIRE(status_of(do_register(h, "1001", "demo", cseq)[0]) == 200); // not behind NAT
    std::vector<daemon::outgoing> out;
    h.clock.set(*h.engine.next_deadline());
    h.engine.on_timer(out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].bytes == "HELLO");
    CHECK(out[0].to.port == 5062);
    CHECK(out[0].to.address.to_string() == "127.0.0.1");
    // The next cycle comes SS_SIP_NAT_KEEP_ALIVE_PERIOD later.
    out.clear();
    h.clock.advance(29s);
    h.engine.on_timer(out);
    CHECK(out.empty());
    h.clock.advance(1s);
    h.engine.on_timer(out);
    CHECK(out.size() == 1);
    // Unregistered: no more keep-alives.
    REQUIRE(status_of(do_register(h, "1000", "demo", cseq, "10.0.0.5:5060", "0")[0]) == 200);
    out.clear();
    h.clock.advance(30s);
    h.engine.on_timer(out);
    CHECK(out.empty());
}

TEST_CASE("daemon::engine: an empty keep-alive message sends nothing",
          "[daemon][engine][keepalive]")
{
    params::settings s;
    s.set(*params::find_param("SS_SIP_NAT_KEEP_ALIVE_MESSAGE"), params::value{std::string{}});
    harness h(s);
    int cseq = 1;
    REQUIRE(status_of(do_register(h, "1000", "demo", cseq, "10.0.0.5:5060")[0]) == 200);
    std::vector<daemon::outgoing> out;
    h.clock.advance(60s);
    h.engine.on_timer(out);
    CHECK(out.empty());
}

TEST_CASE(
    "daemon::engine: a flood of garbage and valid-looking requests from many sources stays bounded",
    "[daemon][engine]")
{
    params::settings s;
    s.set(*params::find_param("SS_REPLY_UNAUTHORIZED"), params::value{false});
    harness h(s);
    std::vector<daemon::outgoing> out;
    for (std::uint32_t i = 0; i < 20000; ++i) {
        const daemon::peer from{core::ip_address::v4(0xc6120000u + i),
                                static_cast<std::uint16_t>(1024 + i % 60000),
                                sip::transport_kind::udp, 0};
        const std::string n = std::to_string(i);
        h.engine.on_message("\x16\x03garbage " + n, from, out);
        h.engine.on_message(register_request(std::to_string(2000 + i % 7000), 1, "f" + n), from,
                            out);
        h.engine.on_message(
            register_request(
                "1000", 2, "g" + n,
                "Authorization: Digest username=\"1000\", realm=\"ssw\", nonce=\"00\", "
                "uri=\"sip:127.0.0.1\", response=\"0123456789abcdef0123456789abcdef\"\r\n"),
            from, out);
        h.clock.advance(1ms);
    }
    h.engine.flush(out);
    // Unknown sources got nothing at all; the known account got challenges.
    CHECK(std::none_of(out.begin(), out.end(), [](const daemon::outgoing& o) {
        return o.bytes.find("2000@") != std::string::npos;
    }));
    CHECK(h.engine.counters().malformed_dropped == 20000);
    CHECK(h.engine.open_transactions() <= 40000);
    h.clock.advance(40s);
    h.engine.on_timer(out);
    CHECK(h.engine.open_transactions() == 0);
    CHECK(h.store.size() == 0);
}

TEST_CASE(
    "daemon::engine: challenges offer SHA-256 and MD5 in the configured order, either answer works",
    "[daemon][engine][digest]")
{
    auto config = provision::demo_config("/tmp");
    config.digest_algorithms = {"SHA-256", "MD5"};
    harness h({}, config);
    int cseq = 1;
    const auto challenge = h.send(register_request("1000", cseq++, "s1"));
    REQUIRE(challenge.size() == 1);
    const auto& text = challenge[0].bytes;
    const auto sha = text.find("WWW-Authenticate: Digest realm=\"ssw\", nonce=");
    REQUIRE(sha != std::string::npos);
    CHECK(text.find("algorithm=SHA-256", sha) <
          text.find("algorithm=MD5", sha)); // RFC 8760 §2.4 order

    harness defaults; // MD5 leads by default (clients that read only the first challenge)
    const auto md5_first = defaults.send(register_request("1000", 1, "d1")).at(0).bytes;
    CHECK(md5_first.find("algorithm=MD5") < md5_first.find("algorithm=SHA-256"));

    // A SHA-256 answer (RFC 7616) to the first challenge.
    const auto nonce = nonce_of(text);
    const auto ha1 =
        registrar::digest_ha1(registrar::digest_algorithm::sha256, "1000", "ssw", "demo");
    const auto response =
        registrar::digest_response(registrar::digest_algorithm::sha256, ha1, "REGISTER",
                                   "sip:127.0.0.1", nonce, "00000001", "c0ffee", "auth");
    const std::string auth = "Authorization: Digest username=\"1000\", realm=\"ssw\", nonce=\"" +
                             nonce + "\", uri=\"sip:127.0.0.1\", response=\"" + response +
                             "\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"c0ffee\"\r\n";
    const auto ok = h.send(register_request("1000", cseq++, "s2", auth));
    REQUIRE(ok.size() == 1);
    CHECK(status_of(ok[0]) == 200);

    // The MD5 answer still works for clients that only know MD5.
    CHECK(status_of(do_register(h, "1001", "demo", cseq).at(0)) == 200);
}

TEST_CASE("daemon::engine: digest-algorithms and accounts that store one hash only",
          "[daemon][engine][digest]")
{
    auto config = provision::demo_config("/tmp");
    config.digest_algorithms = {"MD5"};
    harness md5_only({}, config);
    int cseq = 1;
    const auto challenge = md5_only.send(register_request("1000", cseq++, "m1"));
    REQUIRE(challenge.size() == 1);
    CHECK_THAT(challenge[0].bytes, !Catch::Contains("SHA-256"));

    // An account with only an MD5 HA1 is offered MD5 only (a SHA-256 answer could not be checked).
    auto hashed = provision::demo_config("/tmp");
    auto& account = hashed.accounts.at(0);
    account.ha1 =
        registrar::digest_ha1(registrar::digest_algorithm::md5, account.user, "ssw", "demo");
    account.password.clear();
    harness h({}, hashed);
    const auto known = h.send(register_request(account.user, cseq++, "m2"));
    REQUIRE(known.size() == 1);
    CHECK_THAT(known[0].bytes, !Catch::Contains("SHA-256"));
    CHECK_THAT(known[0].bytes, Catch::Contains("algorithm=MD5"));
    CHECK(status_of(do_register(h, account.user, "demo", cseq).at(0)) == 200);
}

TEST_CASE("daemon::engine: a merged request (same From tag, Call-ID, CSeq, new branch) gets 482",
          "[daemon][engine]")
{
    harness h;
    const auto challenge = h.send(register_request("1000", 6, "path-0"));
    REQUIRE(challenge.size() == 1);
    const auto auth = authorization("Authorization", "1000", "demo", nonce_of(challenge[0].bytes));
    const auto first = h.send(register_request("1000", 7, "path-a", auth));
    REQUIRE(first.size() == 1);
    CHECK(status_of(first[0]) == 200);
    // The same request arriving by a second path (a forking proxy upstream): RFC 3261 §8.2.2.2.
    const auto copy = h.send(register_request("1000", 7, "path-b", auth));
    REQUIRE(copy.size() == 1);
    CHECK(status_of(copy[0]) == 482);
    CHECK(h.engine.counters().registrations == 1);
    // After 64*T1 the memory of it is gone and the CSeq may be seen anew (and challenged, as
    // its nonce-count was used).
    h.clock.advance(33s);
    std::vector<daemon::outgoing> out;
    h.engine.on_timer(out);
    const auto later = h.send(register_request("1000", 7, "path-c", auth));
    REQUIRE(later.size() == 1);
    CHECK(status_of(later[0]) == 401);
}

TEST_CASE("daemon::engine: copies of a challenged request are each challenged, never remembered",
          "[daemon][engine]")
{
    harness h;
    const auto first = h.send(register_request("1000", 7, "path-a"));
    const auto copy = h.send(register_request("1000", 7, "path-b"));
    REQUIRE(first.size() == 1);
    REQUIRE(copy.size() == 1);
    CHECK(status_of(first[0]) == 401);
    CHECK(status_of(copy[0]) == 401);
    CHECK(h.engine.status().tables.merge_memory == 0);
}
