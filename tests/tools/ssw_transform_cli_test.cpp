// SPDX-License-Identifier: MIT
// ssw-transform end to end: golden output of apply/--explain/--pipeline/--json, test (TAP,
// JUnit, exit 1), check, rule file errors, streaming.
#include "support/helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using ssw::test::run_tool;
using ssw::test::tool_call;

namespace {

const std::string data_dir = std::string(SSW_TEST_DATA_DIR) + "/transform";

std::string read(const std::filesystem::path& path)
{
    return ssw::test::read_required(path);
}

// Runs ssw-transform in tests/data/transform so paths in the output are short and stable.
ssw::test::tool_result transform(std::vector<std::string> args, std::string input = {})
{
    tool_call call;
    call.args = std::move(args);
    call.stdin_text = std::move(input);
    call.working_directory = data_dir;
    call.unset_env = {"NO_COLOR"};
    return run_tool(SSW_TRANSFORM_BIN, call);
}

// Compares with tests/data/transform/golden/<name>; SSW_UPDATE_GOLDEN=1 rewrites the file.
void check_golden(const std::string& name, const std::string& actual)
{
    const std::string path = data_dir + "/golden/" + name;
    if (const char* update = std::getenv("SSW_UPDATE_GOLDEN");
        update != nullptr && *update == '1') {
        std::ofstream(path, std::ios::binary) << actual;
    }
    CHECK(actual == read(path));
}

} // namespace

TEST_CASE("ssw-transform apply: rewrites stdin line by line (golden)", "[tools][transform]")
{
    const auto r =
        transform({"apply", "-r", "site.rules", "-p", "to-e164"}, read(data_dir + "/numbers.txt"));
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    check_golden("apply_to_e164.out", r.out);
}

TEST_CASE("ssw-transform apply: numbers as arguments, tables by name", "[tools][transform]")
{
    const auto r =
        transform({"apply", "-r", "site.rules", "-p", "vip-callers", "1234567890", "42"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "0987654321\n42\n");
}

TEST_CASE("ssw-transform apply: multi-target rules pick round-robin, reproducibly",
          "[tools][transform]")
{
    const auto r = transform({"apply", "-r", "site.rules", "-p", "vendor-prefix", "--seed", "7"},
                             "0044207555\n0044207555\n0044207555\n004412\n");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "9944207555\n8844207555\n9944207555\n4412\n");
}

TEST_CASE("ssw-transform apply --explain: every stage, rule file:line and values (golden)",
          "[tools][transform]")
{
    const auto plan = transform(
        {"apply", "-r", "site.rules", "-p", "to-e164", "--explain", "01144207123456", "42"});
    CHECK(plan.exit_code == 0);
    check_golden("explain_plan.out", plan.out);
    const auto call = transform({"apply", "-r", "site.rules", "--pipeline", "--from", "cust-a",
                                 "--to", "vendor-x", "--explain"},
                                read(data_dir + "/calls.txt"));
    CHECK(call.exit_code == 0);
    check_golden("explain_pipeline.out", call.out);
}

TEST_CASE(
    "ssw-transform apply --pipeline: caller and callee together, blocked as a result (golden)",
    "[tools][transform]")
{
    const auto r = transform(
        {"apply", "-r", "site.rules", "--pipeline", "--from", "cust-a", "--to", "vendor-x"},
        read(data_dir + "/calls.txt"));
    CHECK(r.exit_code == 0);
    check_golden("pipeline.out", r.out);
}

TEST_CASE("ssw-transform apply --json: one object per line with a type (golden)",
          "[tools][transform]")
{
    const auto r =
        transform({"apply", "-r", "site.rules", "-p", "to-e164", "--json", "5551234", "42"});
    CHECK(r.exit_code == 0);
    check_golden("apply.json", r.out);
    const auto c = transform({"apply", "-r", "site.rules", "--pipeline", "--from", "cust-a", "--to",
                              "vendor-x", "--json"},
                             read(data_dir + "/calls.txt"));
    CHECK(c.exit_code == 0);
    check_golden("pipeline.json", c.out);
}

TEST_CASE("ssw-transform apply: a bad input line is reported, the rest goes on, exit 65",
          "[tools][transform]")
{
    const auto r = transform({"apply", "-r", "site.rules", "-p", "to-e164"},
                             "2015551234\n" + std::string(70, '1') + "\n5551234\n");
    CHECK(r.exit_code == 65);
    CHECK(r.out == "12015551234\n\n12015551234\n");
    CHECK(r.err.find("ssw-transform: stdin:2: number longer than 64 characters") == 0);
}

TEST_CASE("ssw-transform apply: unknown plan, missing file, bad rules, usage", "[tools][transform]")
{
    const auto plan = transform({"apply", "-r", "site.rules", "-p", "to-e165", "1"});
    CHECK(plan.exit_code == 66);
    CHECK(plan.err == "ssw-transform: no plan or table named 'to-e165' in site.rules (did you mean "
                      "'to-e164'?)\n");
    const auto missing = transform({"apply", "-r", "nope.rules", "-p", "x", "1"});
    CHECK(missing.exit_code == 66);
    const auto regex = transform({"check", "-r", "bad_regex.rules"});
    CHECK(regex.exit_code == 65);
    CHECK(
        regex.err ==
        "ssw-transform: bad_regex.rules:3:12: invalid regex (RE2 syntax): missing ): ^0(\\d{9}$\n");
    const auto cycle = transform({"check", "-r", "include_a.rules"});
    CHECK(cycle.exit_code == 65);
    CHECK(
        cycle.err ==
        "ssw-transform: include_b.rules:2:9: include cycle: include_a.rules -> include_b.rules -> "
        "include_a.rules\n");
    const auto json = transform({"check", "-r", "bad_regex.rules", "--json"});
    CHECK(json.err.find(
              "{\"type\":\"error\",\"code\":\"parse_error\",\"where\":\"bad_regex.rules:3:12\"") ==
          0);
    CHECK(transform({}).exit_code == 2);
    CHECK(transform({"apply", "-r", "site.rules", "1"}).exit_code == 65);
}

TEST_CASE("ssw-transform test: passing cases give TAP and exit 0 (golden)", "[tools][transform]")
{
    const auto r = transform({"test", "pass.cases"});
    CHECK(r.exit_code == 0);
    check_golden("test_pass.tap", r.out);
}

TEST_CASE("ssw-transform test: failures show expected/actual and the rule, exit 1, JUnit (golden)",
          "[tools][transform]")
{
    ssw::test::temp_dir tmp;
    const std::string junit = (tmp / "report.xml").string();
    const auto r = transform({"test", "fail.cases", "--junit", junit});
    CHECK(r.exit_code == 1);
    check_golden("test_fail.tap", r.out);
    CHECK(r.err == "ssw-transform: 2 of 3 cases failed\n");
    check_golden("test_fail.xml", read(junit));
    const auto j = transform({"test", "fail.cases", "pass.cases", "--json"});
    CHECK(j.exit_code == 1);
    CHECK(j.out.find(
              "{\"type\":\"case\",\"where\":\"fail.cases:5\",\"case\":\"plan to-e164 5551234 => "
              "+12015551234\",\"passed\":false,\"expected\":\"+12015551234\",\"actual\":"
              "\"12015551234\","
              "\"rule\":\"site.rules:16\"") != std::string::npos);
    CHECK(j.out.find("{\"type\":\"summary\",\"total\":16,\"failed\":2}") != std::string::npos);
}

TEST_CASE("ssw-transform check: a clean file exits 0, problems exit 1 (golden)",
          "[tools][transform]")
{
    const auto ok = transform({"check", "-r", "site.rules"});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.empty());
    const auto bad = transform({"check", "-r", "lint.rules"});
    CHECK(bad.exit_code == 1);
    check_golden("check_lint.out", bad.out);
    const auto json = transform({"check", "-r", "lint.rules", "--json"});
    CHECK(json.out.find("{\"type\":\"finding\",\"severity\":\"error\",\"kind\":\"loop\",\"where\":"
                        "\"lint.rules:11\"") != std::string::npos);
}

TEST_CASE("ssw-transform apply: streams, the first answer comes before the input ends",
          "[tools][transform]")
{
    // The second number arrives 2 s after the first; the first answer must not wait for it.
    const std::string script = "start=$(date +%s%N); (echo 2015551234; sleep 2; echo 5551234) | "
                               "\"$0\" apply --line-buffered "
                               "-r site.rules -p to-e164 | { read -r first; now=$(date +%s%N); "
                               "echo \"$first $(( (now - start) / 1000000 ))\"; "
                               "cat; }";
    tool_call call;
    call.args = {"-c", script, SSW_TRANSFORM_BIN};
    call.working_directory = data_dir;
    const auto r = run_tool("/bin/sh", call);
    CHECK(r.exit_code == 0);
    std::istringstream lines(r.out);
    std::string first;
    long long ms = 0;
    std::string second;
    lines >> first >> ms >> second;
    CHECK(first == "12015551234");
    CHECK(second == "12015551234");
    CHECK(ms < 1500);
}

TEST_CASE("ssw-transform: the man pages document every long option and pass groff -ww",
          "[tools][transform]")
{
    const std::string page = read(std::string(SSW_SOURCE_DIR) + "/man/ssw-transform.1");
    for (const char* sub : {"", "apply", "test", "check"}) {
        const auto help =
            run_tool(SSW_TRANSFORM_BIN, *sub == '\0' ? std::vector<std::string>{"--help"}
                                                     : std::vector<std::string>{sub, "--help"});
        CHECK(help.exit_code == 0);
        std::istringstream in(help.out);
        std::string word;
        while (in >> word) {
            if (word.rfind("--", 0) != 0 || word.size() < 3) {
                continue;
            }
            const std::string option = word.substr(0, word.find_first_of("=,[ "));
            INFO(option);
            std::string roff; // man(7) spells every '-' of an option as "\-"
            for (const char c : option) {
                roff += c == '-' ? std::string("\\-") : std::string(1, c);
            }
            CHECK(page.find(roff) != std::string::npos);
        }
    }
    for (const char* name : {"/man/ssw-transform.1", "/man/ssw-rules.5"}) {
        tool_call call;
        call.args = {"-c", std::string("groff -man -ww -z ") + SSW_SOURCE_DIR + name + " 2>&1"};
        const auto g = run_tool("/bin/sh", call);
        CHECK(g.exit_code == 0);
        CHECK(g.out.empty());
    }
}
