// SPDX-License-Identifier: MIT
// Floods against the daemon core, in virtual time: what an unknown source sends costs no
// lasting state, every state a request creates has an end, and known accounts keep service.
#include "unit/daemon/engine_harness.hpp"

#include <algorithm>

using namespace ssw::test::engine_harness;

namespace {

params::settings policy(bool reply_unauthorized)
{
    params::settings s;
    s.set(*params::find_param("SS_REPLY_UNAUTHORIZED"), params::value{reply_unauthorized});
    return s;
}

void tick(harness& h, std::chrono::seconds by)
{
    h.clock.advance(by);
    std::vector<daemon::outgoing> out;
    h.engine.on_timer(out);
}

bool all_tables_empty(harness& h)
{
    const auto t = h.engine.status().tables;
    INFO("transactions " << t.transactions << ", merge memory " << t.merge_memory << ", nonces "
                         << t.nonces << ", lockout " << t.lockout_attempts << "/"
                         << t.lockout_terminals << "/" << t.lockout_sources << ", calls "
                         << t.calls);
    return t.transactions == 0 && t.merge_memory == 0 && t.nonces == 0 && t.lockout_attempts == 0 &&
           t.lockout_terminals == 0 && t.lockout_sources == 0 && t.calls == 0;
}

std::string request(const std::string& method, const std::string& user, int n,
                    const std::string& source)
{
    const std::string uri = method == "REGISTER" ? "sip:127.0.0.1" : "sip:" + user + "@127.0.0.1";
    return method + " " + uri + " SIP/2.0\r\n" + "Via: SIP/2.0/UDP " + source +
           ":5070;branch=z9hG4bKflood" + std::to_string(n) + "\r\n" + "From: <sip:" + user +
           "@127.0.0.1>;tag=f" + std::to_string(n) + "\r\nTo: <sip:" + user +
           "@127.0.0.1>\r\nCall-ID: flood-" + std::to_string(n) + "\r\nCSeq: 1 " + method +
           "\r\nContact: <sip:" + user + "@" + source + ":5070>\r\nContent-Length: 0\r\n\r\n";
}

std::string address_of(int n)
{
    return "127.0." + std::to_string(1 + (n / 250) % 250) + "." + std::to_string(1 + n % 250);
}

std::size_t lines_with(const harness& h, const std::string& text)
{
    return static_cast<std::size_t>(std::count_if(h.log.begin(), h.log.end(), [&](const auto& l) {
        return l.find(text) != std::string::npos;
    }));
}

} // namespace

TEST_CASE("daemon flood: every state a request creates has an end", "[daemon][flood]")
{
    SECTION("dropped (SS_REPLY_UNAUTHORIZED Off): nothing is kept at all")
    {
        harness h(policy(false));
        for (const char* method : {"REGISTER", "INVITE", "OPTIONS"}) {
            CHECK(h.send(request(method, "9999", 1, "127.0.1.1"), 5070, "127.0.1.1").empty());
        }
        CHECK(all_tables_empty(h));
    }
    SECTION("rejected (On): answered statelessly, nothing is kept")
    {
        harness h(policy(true));
        CHECK(status_of(h.send(request("REGISTER", "9999", 1, "127.0.1.1"), 5070,
                               "127.0.1.1")[0]) == 401);
        CHECK(status_of(h.send(request("INVITE", "9999", 2, "127.0.1.1"), 5070, "127.0.1.1")[0]) ==
              403);
        CHECK(all_tables_empty(h));
    }
    SECTION("challenged and abandoned: the attempt ends at SS_SIP_AUTHENTICATION_TIMEOUT")
    {
        harness h;
        CHECK(status_of(h.send(register_request("1000", 1, "a"))[0]) == 401);
        CHECK(h.engine.open_transactions() == 0);
        CHECK(h.engine.status().tables.lockout_attempts == 1);
        tick(h, 11s);
        CHECK(all_tables_empty(h));
    }
    SECTION("authenticated: the transaction ends after 64*T1, the nonce-count with the nonce")
    {
        harness h;
        int cseq = 1;
        CHECK(status_of(do_register(h, "1000", "demo", cseq)[0]) == 200);
        CHECK(h.engine.open_transactions() == 1);
        CHECK(h.engine.status().tables.nonces == 1);
        tick(h, 33s);
        CHECK(h.engine.open_transactions() == 0);
        CHECK(h.engine.status().tables.merge_memory == 0);
        tick(h, 300s);
        CHECK(all_tables_empty(h));
    }
    SECTION("wrong passwords until suspension: counters end when the suspension has run out")
    {
        harness h;
        int cseq = 1;
        for (int i = 0; i < 6; ++i) {
            (void)do_register(h, "1001", "guess", cseq);
        }
        CHECK(h.engine.counters().suspensions == 1);
        CHECK(h.engine.open_transactions() == 0);
        tick(h, 181s);
        tick(h, 181s); // the failure counters decay one suspension time after the last failure
        CHECK(all_tables_empty(h));
    }
}

TEST_CASE("daemon flood: unknown sources leave no state and known accounts keep registering",
          "[daemon][flood]")
{
    const bool on = GENERATE(false, true);
    INFO("SS_REPLY_UNAUTHORIZED " << (on ? "On" : "Off"));
    harness h(policy(on));
    int cseq = 1;
    int registered = 0;
    const char* methods[] = {"REGISTER", "INVITE", "OPTIONS"};
    for (int n = 0; n < 12000; ++n) {
        const auto source = address_of(n);
        const auto answer = h.send(request(methods[n % 3], "u" + std::to_string(n), n, source),
                                   5070, source.c_str());
        CHECK(answer.size() == (on ? 1U : 0U));
        if (n % 400 == 0) {
            registered += status_of(do_register(h, "1000", "demo", cseq)[0]) == 200 ? 1 : 0;
            h.clock.advance(100ms);
        }
    }
    CHECK(registered == 30);
    const auto tables = h.engine.status().tables;
    CHECK(tables.transactions <= 30); // the known account's own, nothing of the flood
    CHECK(tables.lockout_attempts <= 30);
    CHECK(tables.lockout_sources == 0);
    tick(h, 301s);
    CHECK(all_tables_empty(h));
}

TEST_CASE("daemon flood: wrong passwords for a known account from other addresses do not lock "
          "out its phone",
          "[daemon][flood]")
{
    harness h;
    int legit_cseq = 1000;
    int ok = 0;
    for (int n = 0; n < 2000; ++n) {
        const auto source = "127.0.2." + std::to_string(1 + n % 50);
        const auto challenge =
            h.send(register_request("1000", 1, "c" + std::to_string(n)), 5070, source.c_str());
        REQUIRE(challenge.size() == 1);
        if (status_of(challenge[0]) == 401) {
            const auto guess = register_request(
                "1000", 2, "g" + std::to_string(n),
                authorization("Authorization", "1000", "guess", nonce_of(challenge[0].bytes)));
            (void)h.send(guess, 5070, source.c_str());
        }
        if (n % 100 == 0) {
            ok += status_of(do_register(h, "1000", "demo", legit_cseq)[0]) == 200 ? 1 : 0;
        }
    }
    CHECK(ok == 20);
    // Each attacking address was suspended once; the log names at most a few of them, and the
    // summary says the rest.
    CHECK(lines_with(h, "suspension: ") <= 10);
    CHECK(h.engine.counters().suspensions >= 50);
    tick(h, 10s);
    CHECK(lines_with(h, "flood summary:") == 1);
    CHECK(h.engine.open_transactions() <= 20);
}

TEST_CASE("daemon flood: the log says what was dropped in one line per interval", "[daemon][flood]")
{
    harness h(policy(false));
    for (int n = 0; n < 5000; ++n) {
        const auto source = n % 10 == 0 ? std::string("127.0.3.7") : address_of(n);
        (void)h.send(request("REGISTER", "u" + std::to_string(n), n, source), 5070, source.c_str());
        (void)h.send("garbage " + std::to_string(n), 5070, source.c_str());
    }
    CHECK(lines_with(h, "flood summary:") == 0);
    CHECK(h.log.size() < 5);
    tick(h, 10s);
    REQUIRE(lines_with(h, "flood summary:") == 1);
    const auto line = *std::find_if(h.log.begin(), h.log.end(), [](const auto& l) {
        return l.find("flood summary:") != std::string::npos;
    });
    CHECK_THAT(line, Catch::Contains("5000 unknown source, dropped"));
    CHECK_THAT(line, Catch::Contains("5000 malformed"));
    CHECK_THAT(line, Catch::Contains("busiest 127.0.3.7 ("));
    const auto st = h.engine.status();
    CHECK(st.dropped[static_cast<std::size_t>(daemon::drop_reason::unknown_silent)] == 5000);
    // Quiet again: no more lines.
    tick(h, 10s);
    tick(h, 10s);
    CHECK(lines_with(h, "flood summary:") == 1);
}
