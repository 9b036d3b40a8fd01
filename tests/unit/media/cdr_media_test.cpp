// SPDX-License-Identifier: MIT
// The relay's stream counters in the CDR database: written per call, exported in JSON lines
// only for relayed calls (other records keep their shape).
#include "support/temp_dir.hpp"

#include <ssw/cdr/writer.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using namespace ssw;

TEST_CASE("cdr media streams: relayed calls carry their counters into the JSON export",
          "[media][cdr]")
{
    test::temp_dir dir;
    const auto db = dir / "cdr.db";
    {
        auto w = cdr::writer::open(db);
        REQUIRE(w);
        cdr::call_record plain;
        plain.call_id = "plain@test";
        plain.started = cdr::wall_time{std::chrono::seconds(1'800'000'000)};
        plain.ended = plain.started;
        w->submit(plain);
        cdr::call_record relayed = plain;
        relayed.call_id = "relayed@test";
        relayed.media_relayed = true;
        cdr::media_stream up;
        up.direction = "caller->callee";
        up.packets = 1500;
        up.bytes = 258000;
        up.lost = 3;
        up.late_latching = 2;
        cdr::media_stream down = up;
        down.direction = "callee->caller";
        down.decrypt_failures = 7;
        down.hijack_refused = 1;
        relayed.media = {up, down};
        w->submit(relayed);
        REQUIRE(w->flush());
    }
    std::ostringstream out;
    REQUIRE(cdr::export_records(db, cdr::export_format::json, std::nullopt, out));
    const auto text = out.str();
    const auto first = text.substr(0, text.find('\n'));
    const auto second = text.substr(text.find('\n') + 1);
    CHECK(first.find("\"media\"") == std::string::npos);
    CHECK(first.find("\"media_relayed\":false") != std::string::npos);
    CHECK(second.find("\"media_relayed\":true") != std::string::npos);
    CHECK(second.find("\"media\":[{\"direction\":\"caller->callee\",\"packets\":1500,\"bytes\":"
                      "258000,\"lost\":3,"
                      "\"late_latching\":2,\"decrypt_failures\":0,\"hijack_refused\":0},{"
                      "\"direction\":\"callee->caller\"") != std::string::npos);
    CHECK(second.find("\"decrypt_failures\":7,\"hijack_refused\":1}]") != std::string::npos);
}
