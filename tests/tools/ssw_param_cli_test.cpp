// SPDX-License-Identifier: MIT
// ssw-param as a user runs it: outputs, exit codes, bad input, and safe concurrent edits.
#include "support/helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

#include <ssw/core/atomic_file.hpp>
#include <ssw/params/catalog.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using ssw::test::run_tool;
using ssw::test::tool_call;
using ssw::test::tool_result;

namespace {

// Runs ssw-param on `file` (via --file) with $SSW_PARAMS unset.
tool_result param(const std::filesystem::path& file, std::vector<std::string> args,
                  std::map<std::string, std::string> env = {}, std::string stdin_text = {})
{
    tool_call call;
    call.args = {"--file", file.string()};
    call.args.insert(call.args.end(), args.begin(), args.end());
    call.env = std::move(env);
    call.unset_env = {"SSW_PARAMS", "NO_COLOR"};
    call.stdin_text = std::move(stdin_text);
    return run_tool(SSW_PARAM_BIN, call);
}

std::string read(const std::filesystem::path& path)
{
    return ssw::test::read_required(path);
}

void write(const std::filesystem::path& path, const std::string& content)
{
    REQUIRE(ssw::core::write_file_atomically(path, content));
}

std::size_t count_lines(const std::string& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::vector<std::string> dir_entries(const std::filesystem::path& dir)
{
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

TEST_CASE("ssw-param list: all defaults when the file is missing, in every format",
          "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    const auto plain = param(file, {"list"});
    CHECK(plain.exit_code == 0);
    CHECK(plain.err.empty());
    CHECK(count_lines(plain.out) == ssw::params::catalog().size());
    CHECK(plain.out.find("SS_SIP_TIMEOUT_INVITE                               10\n") !=
          std::string::npos);
    CHECK(plain.out.find(
              "SS_SIP_RESEND_INTERVAL                              0.5,1,2,4,4,4,4,4,4,4\n") !=
          std::string::npos);

    const auto json = param(file, {"list", "--json"});
    CHECK(json.exit_code == 0);
    CHECK(count_lines(json.out) == ssw::params::catalog().size());
    CHECK(
        json.out.rfind(
            "{\"type\":\"param\",\"name\":\"SS_SIP_USER_AGENT_SEND_UNREGISTER\",\"section\":"
            "\"sip\","
            "\"value\":\"On\",\"default\":\"On\",\"unit\":\"\",\"changed\":false,\"line\":null}\n",
            0) == 0);

    const auto table = param(file, {"list", "--format", "table", "system"});
    CHECK(table.exit_code == 0);
    CHECK(table.out.rfind("NAME", 0) == 0);
    CHECK(table.out.find("# System parameters") != std::string::npos);
    CHECK(table.out.find("SS_SIP_TIMEOUT_INVITE") == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(file));
}

TEST_CASE("ssw-param list: globs, sections and --changed select rows", "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    write(file, "SS_SIP_TIMEOUT_INVITE = 20\n");
    CHECK(param(file, {"list", "SS_SIP_TIMEOUT_*"}).out ==
          "SS_SIP_TIMEOUT_INVITE            20\nSS_SIP_TIMEOUT_TRYING            20\n"
          "SS_SIP_TIMEOUT_RINGING           120\nSS_SIP_TIMEOUT_SESSION_PROGRESS  20\n");
    CHECK(param(file, {"list", "--changed"}).out == "SS_SIP_TIMEOUT_INVITE  20\n");
    const auto none = param(file, {"list", "SS_NOPE_*"});
    CHECK(none.exit_code == 65);
    CHECK(none.err == "ssw-param: no parameter matches 'SS_NOPE_*'\n");
}

TEST_CASE("ssw-param get: values, env format a shell can source, and hidden secrets",
          "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    write(
        file,
        "SS_SIP_NAT_KEEP_ALIVE_MESSAGE = it's $HOME `x`\nSS_RTPENCRYPTIONKEY = 0123456789abcdef\n");
    CHECK(param(file, {"get", "SS_SIP_TIMEOUT_INVITE", "ss_gateway_switch_limit"}).out ==
          "10\nNone\n");
    CHECK(param(file, {"get", "SS_RTPENCRYPTIONKEY"}).out == "<hidden: 16 bytes>\n");
    CHECK(param(file, {"get", "SS_RTPENCRYPTIONKEY", "--show-secrets"}).out ==
          "0123456789abcdef\n");

    const auto env = param(file, {"get", "--format", "env", "SS_SIP_NAT_KEEP_ALIVE_MESSAGE",
                                  "SS_RTPENCRYPTIONKEY", "SS_REPLY_UNAUTHORIZED"});
    REQUIRE(env.exit_code == 0);
    CHECK(env.out == "SS_SIP_NAT_KEEP_ALIVE_MESSAGE='it'\\''s $HOME `x`'\n"
                     "# SS_RTPENCRYPTIONKEY is hidden (add --show-secrets to print it)\n"
                     "SS_REPLY_UNAUTHORIZED='On'\n");
    write(dir / "vars.sh", env.out);
    const auto sourced =
        run_tool("/bin/sh", {"-c", ". " + (dir / "vars.sh").string() +
                                       " && printf '%s|%s' \"$SS_SIP_NAT_KEEP_ALIVE_MESSAGE\" "
                                       "\"$SS_REPLY_UNAUTHORIZED\""});
    CHECK(sourced.exit_code == 0);
    CHECK(sourced.out == "it's $HOME `x`|On");
}

TEST_CASE("ssw-param: an unknown name fails with 65 and a suggestion", "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"get", "SS_SIP_TIMEOUT_INVIT"},
                                               {"set", "SS_SIP_TIMEOUT_INVIT=5"},
                                               {"explain", "SS_SIP_TIMEOUT_INVIT"},
                                               {"reset", "SS_SIP_TIMEOUT_INVIT"}}) {
        const auto r = param(file, args);
        INFO(args.front());
        CHECK(r.exit_code == 65);
        CHECK(r.out.empty());
        CHECK(r.err == "ssw-param: unknown parameter 'SS_SIP_TIMEOUT_INVIT' (did you mean "
                       "SS_SIP_TIMEOUT_INVITE?)\n");
    }
    const auto json = param(file, {"--json", "get", "SS_SIP_TIMEOUT_INVIT"});
    CHECK(json.err ==
          "{\"type\":\"error\",\"code\":\"invalid_argument\",\"message\":\"unknown parameter "
          "'SS_SIP_TIMEOUT_INVIT' (did you mean SS_SIP_TIMEOUT_INVITE?)\"}\n");
    CHECK_FALSE(std::filesystem::exists(file));
}

TEST_CASE("ssw-param set: all or nothing; an out-of-range value changes nothing",
          "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    const std::string original = "# my switch\n\nSS_SIP_TIMEOUT_INVITE = 12   \n# end\n";
    write(file, original);
    const auto bad = param(file, {"set", "SS_GATEWAY_SWITCH_LIMIT=4", "SS_SIP_TIMEOUT_INVITE=900"});
    CHECK(bad.exit_code == 65);
    CHECK(bad.err ==
          "ssw-param: SS_SIP_TIMEOUT_INVITE: expected whole seconds 1-300 (got '900')\n");
    CHECK(read(file) == original);

    const auto two_words = param(file, {"set", "SS_SIP_TIMEOUT_INVITE", "20"});
    CHECK(two_words.exit_code == 65);
    CHECK(two_words.err.find("write SS_SIP_TIMEOUT_INVITE=20") != std::string::npos);

    const auto ok = param(file, {"set", "SS_GATEWAY_SWITCH_LIMIT=4", "SS_SIP_TIMEOUT_INVITE=20",
                                 "SS_SIP_NAT_KEEP_ALIVE_MESSAGE=\"\\r\\n\""});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.empty());
    CHECK(ok.err.empty());
    CHECK(read(file) ==
          "# my switch\n\nSS_SIP_TIMEOUT_INVITE = 20\n# end\nSS_GATEWAY_SWITCH_LIMIT = 4\n"
          "SS_SIP_NAT_KEEP_ALIVE_MESSAGE = \"\\r\\n\"\n");
    const auto verbose = param(file, {"-v", "set", "SS_GATEWAY_SWITCH_LIMIT=5"});
    CHECK(verbose.err ==
          "SS_GATEWAY_SWITCH_LIMIT  4 -> 5\nssw-param: updated " + file.string() + "\n");
    const auto dry = param(file, {"set", "--dry-run", "SS_GATEWAY_SWITCH_LIMIT=none"});
    CHECK(dry.out == "SS_GATEWAY_SWITCH_LIMIT  5 -> None\n");
    CHECK(read(file).find("SS_GATEWAY_SWITCH_LIMIT = 5\n") != std::string::npos);
}

TEST_CASE("ssw-param: a malformed line is reported with file:line and the accepted form",
          "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    const std::string broken = "# ok\nSS_SIP_TIMEOUT_INVITE 20\nSS_SIP_TIMEOUT_RINGING = soon\n";
    write(file, broken);
    const auto list = param(file, {"list"});
    CHECK(list.exit_code == 65);
    CHECK(list.err ==
          "ssw-param: " + file.string() +
              ":2:1: expected '=' after SS_SIP_TIMEOUT_INVITE ('NAME = value') (and 1 more "
              "problem; ssw-param check lists them all)\n");
    const auto set = param(file, {"set", "SS_SIP_TIMEOUT_TRYING=5"});
    CHECK(set.exit_code == 65);
    CHECK(set.err.find("fix that line first") != std::string::npos);
    CHECK(read(file) == broken);
    const auto check = param(file, {"check"});
    CHECK(check.exit_code == 1);
    CHECK(check.out.find("error: file-syntax\n  " + file.string() + ":2:1: expected '='") !=
          std::string::npos);
    CHECK(check.out.find(
              "error: file-value (SS_SIP_TIMEOUT_RINGING)\n  " + file.string() +
              ":3:26: SS_SIP_TIMEOUT_RINGING: expected whole seconds 1-3600 (got 'soon')") !=
          std::string::npos);
}

TEST_CASE("ssw-param set: a read-only file or a missing directory is refused, file intact",
          "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    write(file, "# read only\n");
    REQUIRE(::chmod(file.c_str(), 0444) == 0);
    const auto ro = param(file, {"set", "SS_SIP_TIMEOUT_INVITE=20"});
    CHECK(ro.exit_code == 73);
    CHECK(ro.err == "ssw-param: " + file.string() + ": the file is read-only; not changing it\n");
    CHECK(read(file) == "# read only\n");

    const auto missing_dir =
        param(dir / "no" / "such" / "params.conf", {"set", "SS_SIP_TIMEOUT_INVITE=20"});
    CHECK(missing_dir.exit_code == 73);
    CHECK(missing_dir.err == "ssw-param: " + (dir / "no" / "such" / "params.conf").string() +
                                 ": cannot create the file: directory " +
                                 (dir / "no" / "such").string() + " does not exist\n");

    if (::geteuid() != 0) {
        // Root ignores permission bits, so these only run as a normal user.
        const auto ro_dir = dir / "ro";
        std::filesystem::create_directory(ro_dir);
        write(ro_dir / "params.conf", "# x\n");
        ::chmod(ro_dir.c_str(), 0555);
        const auto r = param(ro_dir / "params.conf", {"set", "SS_SIP_TIMEOUT_INVITE=20"});
        CHECK(r.exit_code == 73);
        CHECK(read(ro_dir / "params.conf") == "# x\n");
        ::chmod(ro_dir.c_str(), 0755);
        write(dir / "secret.conf", "# x\n");
        ::chmod((dir / "secret.conf").c_str(), 0);
        CHECK(param(dir / "secret.conf", {"list"}).exit_code == 66);
    }
}

TEST_CASE("ssw-param set: a failing write (SSW_TEST_FAIL_WRITE) leaves the old file and no debris",
          "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    const std::string old = "# old\nSS_SIP_TIMEOUT_INVITE = 12\n";
    write(file, old);
    for (const std::string step : {"create_temp", "write", "fsync", "rename"}) {
        INFO(step);
        const auto r =
            param(file, {"set", "SS_SIP_TIMEOUT_INVITE=20"}, {{"SSW_TEST_FAIL_WRITE", step}});
        CHECK((r.exit_code == 73 || r.exit_code == 74));
        CHECK(r.err.rfind("ssw-param: " + file.string() + ": ", 0) == 0);
        CHECK(read(file) == old);
        CHECK(dir_entries(dir.path()) ==
              std::vector<std::string>{"params.conf", "params.conf.lock"});
    }
    const auto rename =
        param(file, {"set", "SS_SIP_TIMEOUT_INVITE=20"}, {{"SSW_TEST_FAIL_WRITE", "rename"}});
    CHECK(rename.exit_code == 73);
    CHECK(rename.err.find("rename into place failed") != std::string::npos);
}

TEST_CASE("ssw-param set: a writer killed midway leaves the old file; the next one succeeds",
          "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    const std::string old = "# old\nSS_SIP_TIMEOUT_INVITE = 12\n";
    write(file, old);
    {
        // Hold the edit lock so the writer is stuck inside its edit, then let the runner's
        // timeout SIGKILL it there.
        auto lock = ssw::core::file_lock::acquire(file);
        REQUIRE(lock);
        tool_call call;
        call.args = {"--file", file.string(), "set", "SS_SIP_TIMEOUT_INVITE=20"};
        call.timeout_seconds = 1;
        const auto killed = run_tool(SSW_PARAM_BIN, call);
        CHECK(killed.exit_code == 128 + 9);
        CHECK(read(file) == old);
    }
    // Debris of a writer killed after creating its temporary file does not matter either.
    write(dir / "params.conf.tmp.Xy12Z9", "SS_SIP_TIMEOUT_INVITE = 1\n# torn");
    CHECK(param(file, {"get", "SS_SIP_TIMEOUT_INVITE"}).out == "12\n");
    CHECK(param(file, {"set", "SS_SIP_TIMEOUT_INVITE=20"}).exit_code == 0);
    CHECK(read(file) == "# old\nSS_SIP_TIMEOUT_INVITE = 20\n");
}

TEST_CASE("ssw-param set: two concurrent writers both keep their changes", "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    write(file, "# shared\n");
    const std::vector<std::string> names{"SS_SIP_TIMEOUT_TRYING", "SS_SIP_TIMEOUT_RINGING"};
    std::vector<int> failures(names.size(), 0);
    std::vector<std::thread> writers;
    for (std::size_t w = 0; w < names.size(); ++w) {
        writers.emplace_back([&, w] {
            for (int round = 1; round <= 8; ++round) {
                const auto r = param(file, {"set", names[w] + "=" + std::to_string(100 + round)});
                failures[w] += r.exit_code == 0 ? 0 : 1;
            }
        });
    }
    for (auto& t : writers) {
        t.join();
    }
    CHECK(failures == std::vector<int>{0, 0});
    CHECK(param(file, {"get", names[0], names[1]}).out == "108\n108\n");
    CHECK(read(file).rfind("# shared\n", 0) == 0);
}

TEST_CASE("ssw-param diff: against the defaults and against another file", "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    const auto clean = param(file, {"diff"});
    CHECK(clean.exit_code == 0);
    CHECK(clean.out.empty());
    write(file, "SS_SIP_TIMEOUT_INVITE = 20\nSS_REPLY_UNAUTHORIZED = On\n");
    const auto d = param(file, {"diff"});
    CHECK(d.exit_code == 1);
    CHECK(d.out == "SS_SIP_TIMEOUT_INVITE  10 -> 20\n");
    write(dir / "other.conf", "SS_REPLY_UNAUTHORIZED = Off\n");
    const auto other = param(file, {"diff", (dir / "other.conf").string()});
    CHECK(other.exit_code == 1);
    CHECK(other.out == "SS_SIP_TIMEOUT_INVITE  20 -> 10\nSS_REPLY_UNAUTHORIZED  On -> Off\n");
    CHECK(param(file, {"diff", "--format", "env"}).out == "SS_SIP_TIMEOUT_INVITE='20'\n");
    CHECK(param(file, {"--json", "diff"}).out ==
          "{\"type\":\"diff\",\"name\":\"SS_SIP_TIMEOUT_INVITE\",\"from\":\"10\",\"to\":\"20\"}\n");
    const auto missing = param(file, {"diff", (dir / "none.conf").string()});
    CHECK(missing.exit_code == 66);
    CHECK(missing.err == "ssw-param: " + (dir / "none.conf").string() + ": no such file\n");
}

TEST_CASE("ssw-param check: findings, --strict, --nat-endpoints and --json", "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    const auto defaults = param(file, {"check", "--strict"});
    CHECK(defaults.exit_code == 0);
    CHECK(defaults.out.find("advice: auth-timeout-vs-retries (SS_SIP_AUTHENTICATION_TIMEOUT, "
                            "SS_SIP_AUTHENTICATION_RETRY)\n") != std::string::npos);
    CHECK(defaults.out.find(
              "check: 0 errors, 0 warnings, 3 advice; keep-alive capacity 180000 endpoints "
              "per cycle\n") != std::string::npos);

    write(file, "SS_SIP_NAT_KEEP_ALIVE_PERIOD = 100\n");
    CHECK(param(file, {"check"}).exit_code == 0);
    const auto strict = param(file, {"check", "--strict"});
    CHECK(strict.exit_code == 1);
    CHECK(strict.out.find("warning: keepalive-period-vs-nat-expire") != std::string::npos);
    CHECK(strict.out.find("  fix: set SS_SIP_NAT_KEEP_ALIVE_PERIOD to at most 60") !=
          std::string::npos);

    const auto capacity = param(file, {"check", "--nat-endpoints", "700000"});
    CHECK(capacity.exit_code == 1);
    CHECK(capacity.out.find("error: keepalive-capacity") != std::string::npos);

    const auto json = param(file, {"--json", "check", "--nat-endpoints", "10"});
    CHECK(json.exit_code == 0);
    CHECK(
        json.out.find(
            "{\"type\":\"finding\",\"severity\":\"warning\",\"rule\":\"keepalive-period-vs-nat-"
            "expire\",\"params\":[\"SS_SIP_NAT_KEEP_ALIVE_PERIOD\",\"SS_ENDPOINT_NAT_EXPIRE\"],") !=
        std::string::npos);
    CHECK(json.out.find(
              "{\"type\":\"result\",\"errors\":0,\"warnings\":1,\"advice\":3,\"failed\":false,"
              "\"nat_keepalive_capacity\":600000}\n") != std::string::npos);
    CHECK(param(file, {"check", "--nat-endpoints", "-5"}).exit_code == 2);
}

TEST_CASE("ssw-param explain: the text comes from the catalog", "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    write(file, "SS_SIP_TIMEOUT_INVITE = 20\n");
    const auto* info = ssw::params::find_param("SS_SIP_TIMEOUT_INVITE");
    const auto text = param(file, {"explain", "SS_SIP_TIMEOUT_INVITE"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find(std::string(info->summary)) != std::string::npos);
    CHECK(text.out.find(std::string(info->description)) != std::string::npos);
    CHECK(text.out.find("  range:    1-300 (ours)\n") != std::string::npos);
    CHECK(text.out.find("  current:  20 (set at " + file.string() + ":1)\n") != std::string::npos);

    const auto all = param(file, {"--json", "explain", "*"});
    CHECK(all.exit_code == 0);
    std::istringstream lines(all.out);
    std::string line;
    std::size_t n = 0;
    for (const auto& row : ssw::params::catalog()) {
        REQUIRE(std::getline(lines, line));
        INFO(row.name);
        CHECK(line.find("\"name\":\"" + std::string(row.name) + "\"") != std::string::npos);
        CHECK(line.find("\"summary\":\"" + std::string(row.summary) + "\"") != std::string::npos);
        ++n;
    }
    CHECK(n == ssw::params::catalog().size());
}

TEST_CASE("ssw-param preset: list, dry run, apply, and a typo", "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto file = dir / "params.conf";
    const auto list = param(file, {"preset"});
    CHECK(list.exit_code == 0);
    CHECK(list.out.find("internet-facing") != std::string::npos);
    CHECK(list.out.find("keepalive-low-bandwidth") != std::string::npos);

    write(file, "# edge switch\n");
    const auto dry = param(file, {"preset", "internet-facing", "--dry-run"});
    CHECK(dry.exit_code == 0);
    CHECK(dry.out == "SS_SIP_AUTHENTICATION_RETRY       6 (default) -> 3\n"
                     "SS_SIP_AUTHENTICATION_TIMEOUT     10 (default) -> 5\n"
                     "SS_REPLY_UNAUTHORIZED             On (default) -> Off\n"
                     "SS_AUTHENTICATION_FAILED_SUSPEND  180 (default) -> 600\n");
    CHECK(dry.err == "ssw-param: dry run, " + file.string() + " not changed\n");
    CHECK(read(file) == "# edge switch\n");

    CHECK(param(file, {"preset", "internet-facing"}).exit_code == 0);
    CHECK(read(file) ==
          "# edge switch\nSS_SIP_AUTHENTICATION_RETRY = 3\nSS_SIP_AUTHENTICATION_TIMEOUT = 5\n"
          "SS_AUTHENTICATION_FAILED_SUSPEND = 600\nSS_REPLY_UNAUTHORIZED = Off\n");
    const auto typo = param(file, {"preset", "internet-facin"});
    CHECK(typo.exit_code == 65);
    CHECK(typo.err ==
          "ssw-param: unknown preset 'internet-facin' (did you mean internet-facing?)\n");
}

TEST_CASE("ssw-param export/import: copy settings between files, bad input rejected",
          "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto a = dir / "a.conf";
    const auto b = dir / "b.conf";
    write(a, "SS_SIP_TIMEOUT_INVITE = 20\nSS_RTPENCRYPTIONKEY = 0123456789abcdef\n");
    write(b, "# b\nSS_SIP_TIMEOUT_TRYING = 5\n");
    const auto exported = param(a, {"export", "--changed"});
    CHECK(exported.exit_code == 0);
    CHECK(exported.out ==
          "{\"type\":\"params\",\"format\":1,\"params\":{\"SS_SIP_TIMEOUT_INVITE\":\"20\"},"
          "\"hidden\":[\"SS_RTPENCRYPTIONKEY\"]}\n");
    const auto imported = param(b, {"import", "-"}, {}, exported.out);
    CHECK(imported.exit_code == 0);
    CHECK(imported.err.find("SS_RTPENCRYPTIONKEY was hidden in the export") != std::string::npos);
    CHECK(read(b) == "# b\nSS_SIP_TIMEOUT_TRYING = 5\nSS_SIP_TIMEOUT_INVITE = 20\n");

    write(dir / "full.json", param(a, {"export", "--show-secrets"}).out);
    CHECK(param(b, {"import", "--replace", (dir / "full.json").string()}).exit_code == 0);
    CHECK(param(b, {"diff", a.string()}).exit_code == 0);

    const auto bad = param(b, {"import", "-"}, {}, "{\"SS_SIP_TIMEOUT_INVITE\": 0}");
    CHECK(bad.exit_code == 65);
    CHECK(bad.err ==
          "ssw-param: <stdin>: SS_SIP_TIMEOUT_INVITE: expected whole seconds 1-300 (got '0')\n");
    CHECK(param(b, {"import", "-"}, {}, "not json").exit_code == 65);
    CHECK(param(b, {"import", (dir / "none.json").string()}).exit_code == 66);
}

TEST_CASE("ssw-param: file location, usage errors and reset", "[tools][ssw-param]")
{
    ssw::test::temp_dir dir;
    const auto env_file = dir / "env.conf";
    write(env_file, "SS_SIP_TIMEOUT_INVITE = 30\n");
    tool_call call;
    call.args = {"get", "SS_SIP_TIMEOUT_INVITE"};
    call.env = {{"SSW_PARAMS", env_file.string()}};
    CHECK(run_tool(SSW_PARAM_BIN, call).out == "30\n");
    call.args = {"--file", (dir / "missing.conf").string(), "get", "SS_SIP_TIMEOUT_INVITE"};
    CHECK(run_tool(SSW_PARAM_BIN, call).out == "10\n");

    CHECK(run_tool(SSW_PARAM_BIN, std::vector<std::string>{}).exit_code == 2);
    CHECK(param(env_file, {"set"}).exit_code == 2);
    CHECK(param(env_file, {"frobnicate"}).exit_code == 2);
    CHECK(param(env_file, {"list", "--format", "xml"}).exit_code == 2);

    write(env_file, "# keep me\nSS_SIP_TIMEOUT_INVITE = 30\nSS_SIP_TIMEOUT_TRYING = 5\n");
    CHECK(param(env_file, {"reset", "SS_SIP_TIMEOUT_TRYING"}).exit_code == 0);
    CHECK(read(env_file) == "# keep me\nSS_SIP_TIMEOUT_INVITE = 30\n");
    CHECK(param(env_file, {"reset"}).exit_code == 65);
    CHECK(param(env_file, {"reset", "--all"}).exit_code == 0);
    CHECK(read(env_file) == "# keep me\n");
}
