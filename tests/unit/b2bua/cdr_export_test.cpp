// SPDX-License-Identifier: MIT
// cmd::cdr_export: --since parsing and the export of a CDR database written by the B2BUA.
#include "support/temp_dir.hpp"

#include <ssw/b2bua/call_manager.hpp>
#include <ssw/cdr/writer.hpp>
#include <ssw/cmd/cdr_export.hpp>
#include <ssw/sip/builder.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

using namespace ssw;
using namespace std::chrono_literals;

namespace {

cdr::wall_time at(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0)
{
    return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} /
                                 std::chrono::day{d}} +
           std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

} // namespace

TEST_CASE("b2bua::cdr_export: --since takes dates, times, ages and unix seconds",
          "[b2bua][cdr_export]")
{
    const auto now = at(2026, 3, 1, 12, 0, 0);
    CHECK(*cmd::cdr_export::parse_since("2026-01-31", now) == at(2026, 1, 31));
    CHECK(*cmd::cdr_export::parse_since("2026-01-31T12:30:05Z", now) == at(2026, 1, 31, 12, 30, 5));
    CHECK(*cmd::cdr_export::parse_since("2026-01-31T12:30", now) == at(2026, 1, 31, 12, 30));
    CHECK(*cmd::cdr_export::parse_since("2h", now) == at(2026, 3, 1, 10, 0, 0));
    CHECK(*cmd::cdr_export::parse_since("90s", now) == at(2026, 3, 1, 11, 58, 30));
    CHECK(*cmd::cdr_export::parse_since("1d", now) == at(2026, 2, 28, 12, 0, 0));
    CHECK(*cmd::cdr_export::parse_since("@0", now) == cdr::wall_time{});
    for (const auto* bad :
         {"", "yesterday", "2026-02-30", "2026-01-31T25:00", "2026/01/31", "-5m", "5w"}) {
        INFO(bad);
        const auto r = cmd::cdr_export::parse_since(bad, now);
        REQUIRE(!r);
        CHECK(r.error().code == errc::invalid_argument);
    }
}

TEST_CASE("b2bua::cdr_export: calls of the B2BUA land in SQLite and export as CSV and JSON lines",
          "[b2bua][cdr_export]")
{
    ssw::test::temp_dir work;
    const auto db = work / "cdr.db";
    auto writer = cdr::writer::open(db);
    REQUIRE(writer);
    core::manual_clock clock;
    provision::config cfg;
    provision::routing_gateway g;
    g.name = "vendor-1";
    g.addresses.push_back(
        provision::endpoint{"127.0.0.1", 5090, *core::ip_address::parse("127.0.0.1")});
    g.prefixes.emplace_back();
    cfg.routing_gateways.push_back(g);
    b2bua::call_manager cm(cfg, {}, nullptr, clock, &*writer, {}, {});
    auto b = sip::message_builder::request("INVITE", "sip:4930123456@127.0.0.1");
    b.header("Via", "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKx1");
    b.header("From", "<sip:1000@127.0.0.1>;tag=a");
    b.header("To", "<sip:4930123456@127.0.0.1>");
    b.header("Call-ID", "cdr-1@caller");
    b.header("CSeq", "1 INVITE");
    const auto text = b.build();
    sip::message m;
    REQUIRE(sip::parse_message(text, m));
    std::vector<sip::outgoing> out;
    cm.on_invite(m, sip::peer{*core::ip_address::parse("127.0.0.1"), 5062}, {std::nullopt, "1000"},
                 out);
    std::string invite;
    for (const auto& o : out) {
        if (o.to.port == 5090) {
            invite = o.bytes;
        }
    }
    REQUIRE(!invite.empty());
    sip::message sent;
    REQUIRE(sip::parse_message(invite, sent));
    const auto busy = *sip::make_response(sent, 486, "Busy Here", "gw");
    sip::message resp;
    REQUIRE(sip::parse_message(busy, resp));
    REQUIRE(cm.on_message(resp, sip::peer{*core::ip_address::parse("127.0.0.1"), 5090}, out));
    REQUIRE(writer->flush());
    CHECK(writer->written() == 1);

    std::istringstream in;
    std::ostringstream csv_out, err;
    cli::io io{in, csv_out, err};
    cmd::cdr_export::options opt;
    opt.database = db.string();
    REQUIRE(cmd::cdr_export::run(opt, io));
    const auto csv = csv_out.str();
    CHECK(csv.find("cdr-1@caller") != std::string::npos);
    CHECK(csv.find("486") != std::string::npos);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 2); // header + one call

    std::ostringstream json_out;
    cli::io jio{in, json_out, err};
    jio.json = true;
    opt.format = "json";
    opt.since = "2026-01-01";
    REQUIRE(cmd::cdr_export::run(opt, jio));
    CHECK(json_out.str().find("\"vendor-1\"") != std::string::npos);
    CHECK(err.str() == "{\"type\":\"summary\",\"calls\":1}\n");

    opt.since = "2027-01-01";
    std::ostringstream none;
    cli::io nio{in, none, err};
    REQUIRE(cmd::cdr_export::run(opt, nio));
    CHECK(none.str().find("cdr-1@caller") == std::string::npos);

    opt.format = "xml";
    CHECK(cmd::cdr_export::run(opt, nio).error().code == errc::usage);
    opt.format = "csv";
    opt.since = "yesterday";
    CHECK(cmd::cdr_export::run(opt, nio).error().code == errc::usage);
    opt.since.clear();
    opt.database = (work / "missing.db").string();
    CHECK(cmd::cdr_export::run(opt, nio).error().code == errc::not_found);
}
