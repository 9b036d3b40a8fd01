// SPDX-License-Identifier: MIT
// Every count of `ssw-trace stats` equals `tshark -q -z sip,stat` on each public capture.
#include "support/helpers.hpp"
#include "support/tool_runner.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <string>

using ssw::test::run_tool;

namespace {

struct counts {
    long messages = -1;
    long resent = -1;
    std::map<std::string, long> methods;
    std::map<int, long> statuses;
};

counts parse_tshark(const std::string& text)
{
    counts c;
    std::istringstream in(text);
    std::string line;
    const std::regex total(R"(Number of SIP messages: (\d+))");
    const std::regex resent(R"(Number of resent SIP messages: (\d+))");
    const std::regex status(R"(^\s+SIP (\d{3}) .*:\s+(\d+) Packets)");
    const std::regex method(R"(^\s+(\S+)\s+:\s+(\d+) Packets)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_search(line, m, total)) {
            c.messages = std::stol(m[1]);
        } else if (std::regex_search(line, m, resent)) {
            c.resent = std::stol(m[1]);
        } else if (std::regex_search(line, m, status)) {
            c.statuses[std::stoi(m[1])] += std::stol(m[2]);
        } else if (std::regex_search(line, m, method)) {
            c.methods[m[1]] += std::stol(m[2]);
        }
    }
    return c;
}

counts parse_ours(const std::string& ndjson)
{
    counts c;
    std::istringstream in(ndjson);
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_search(
                line, m, std::regex(R"re("type":"stats","messages":(\d+),"resent":(\d+))re"))) {
            c.messages = std::stol(m[1]);
            c.resent = std::stol(m[2]);
        } else if (std::regex_search(
                       line, m,
                       std::regex(R"re("type":"method","method":"([^"]+)","count":(\d+))re"))) {
            c.methods[m[1]] = std::stol(m[2]);
        } else if (std::regex_search(
                       line, m,
                       std::regex(R"re("type":"status","status":(\d+),.*"count":(\d+))re"))) {
            c.statuses[std::stoi(m[1])] = std::stol(m[2]);
        }
    }
    return c;
}

} // namespace

TEST_CASE("interop::tshark: ssw-trace stats counts equal tshark -z sip,stat on every capture",
          "[interop][tshark]")
{
    const std::string tshark = ssw::test::require_program("tshark", "tshark");
    const auto dir = std::filesystem::path(SSW_TEST_DATA_DIR) / "pcap" / "public";
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() == ".pcap" || e.path().extension() == ".pcapng") {
            files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 10);
    for (const auto& f : files) {
        DYNAMIC_SECTION(f.filename().string())
        {
            const auto t = run_tool(tshark, {"-q", "-n", "-z", "sip,stat", "-r", f.string()});
            REQUIRE(t.exit_code == 0);
            const auto theirs = parse_tshark(t.out);
            const auto o = run_tool(SSW_TRACE_BIN, {"stats", "--json", f.string()});
            REQUIRE(o.exit_code == 0);
            const auto ours = parse_ours(o.out);
            REQUIRE(theirs.messages >= 0);
            CHECK(ours.messages == theirs.messages);
            CHECK(ours.resent == theirs.resent);
            CHECK(ours.methods == theirs.methods);
            CHECK(ours.statuses == theirs.statuses);
        }
    }
}
