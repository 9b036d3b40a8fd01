// SPDX-License-Identifier: MIT
// Tests of CDR writing and export.
#include "support/temp_dir.hpp"

#include <ssw/cdr/writer.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace ssw::cdr;
using namespace std::chrono_literals;

namespace {
const wall_time t0{std::chrono::seconds(1'800'000'000)}; // 2027-01-15T08:00:00Z

call_record sample(const std::string& call_id, wall_time start)
{
    call_record r;
    r.call_id = call_id;
    r.source = "1000";
    r.source_address = "127.0.0.1:5062";
    r.caller_received = "1000";
    r.callee_received = "0044123456789";
    r.caller_routed = "1000";
    r.callee_routed = "44123456789";
    r.started = start;
    r.first_provisional = start + 1200ms;
    r.answered = start + 5s;
    r.ended = start + 65s;
    r.final_code = 200;
    r.stop_rule = "none";
    r.release_side = "caller";
    r.release_cause = "bye";
    attempt a1;
    a1.gateway = "vendor-a";
    a1.caller_sent = "1000";
    a1.callee_sent = "44123456789";
    a1.started = start + 10ms;
    a1.ended = start + 10010ms;
    a1.final_code = 408;
    a1.end_reason = "invite_timeout";
    attempt a2 = a1;
    a2.gateway = "vendor,b";
    a2.started = start + 10010ms;
    a2.first_provisional = start + 11s;
    a2.answered = start + 15s;
    a2.ended = start + 65s;
    a2.final_code = 200;
    a2.end_reason = "answered";
    r.attempts = {a1, a2};
    return r;
}
} // namespace

TEST_CASE("cdr::call_record: post-dial delay and duration", "[cdr][record]")
{
    auto r = sample("a", t0);
    CHECK(r.post_dial_delay() == 1200ms);
    CHECK(r.duration() == 60s);
    r.answered.reset();
    r.first_provisional.reset();
    CHECK(r.duration() == 0ms);
    CHECK(r.post_dial_delay() == 65s);
}

TEST_CASE("cdr::writer: records are written and exported as CSV and JSON lines", "[cdr][writer]")
{
    ssw::test::temp_dir dir;
    const auto db = dir / "cdr.db";
    {
        auto w = writer::open(db);
        REQUIRE(w);
        w->submit(sample("call-1@x", t0));
        w->submit(sample("call-2@x", t0 + 1h));
        REQUIRE(w->flush());
        CHECK(w->written() == 2);
    }
    std::ostringstream csv;
    REQUIRE(*export_records(db, export_format::csv, std::nullopt, csv) == 2);
    const auto text = csv.str();
    CHECK(text.rfind("call_id,source,", 0) == 0);
    CHECK_THAT(
        text, Catch::Contains("call-1@x,1000,127.0.0.1:5062,1000,0044123456789,1000,44123456789,"
                              "2027-01-15T08:00:00.000Z,2027-01-15T08:00:01.200Z,"
                              "2027-01-15T08:00:05.000Z,2027-01-15T08:01:05.000Z,1200,60000,200,"));
    CHECK_THAT(text, Catch::Contains("\"vendor-a:408:invite_timeout;vendor,b:200:answered\""));

    std::ostringstream json;
    REQUIRE(*export_records(db, export_format::json, t0 + 30min, json) == 1);
    CHECK_THAT(json.str(), Catch::StartsWith(R"({"type":"cdr","call_id":"call-2@x")"));
    CHECK_THAT(json.str(), Catch::Contains(R"("attempts":[{"gateway":"vendor-a")"));
    CHECK_THAT(json.str(), Catch::Contains(R"("end_reason":"answered"}])"));
    CHECK_THAT(json.str(), Catch::Contains(R"("sdp":null)")); // absent times are null, not ""
}

TEST_CASE("cdr::writer: a SIGKILL after the records are flushed loses none", "[cdr][writer]")
{
    ssw::test::temp_dir dir;
    const auto db = dir / "cdr.db";
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        auto w = writer::open(db);
        if (!w) {
            ::_exit(2);
        }
        for (int i = 0; i < 100; ++i) {
            w->submit(sample("c" + std::to_string(i), t0 + std::chrono::seconds(i)));
        }
        if (!w->flush()) {
            ::_exit(3);
        }
        ::kill(::getpid(), SIGKILL);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    std::ostringstream out;
    CHECK(*export_records(db, export_format::json, std::nullopt, out) == 100);
}

TEST_CASE("cdr::export_records: a missing database is not_found", "[cdr][writer]")
{
    std::ostringstream out;
    const auto r = export_records("/nonexistent/cdr.db", export_format::csv, std::nullopt, out);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ssw::errc::not_found);
}
