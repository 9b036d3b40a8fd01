// SPDX-License-Identifier: MIT
// The parameter file: byte-for-byte round trips, in-place edits, every error, safe saves.
#include "support/temp_dir.hpp"

#include <ssw/core/atomic_file.hpp>
#include <ssw/params/store.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace ssw::params;
using ssw::errc;

namespace {
const param_info& row(std::string_view name)
{
    const param_info* info = find_param(name);
    REQUIRE(info != nullptr);
    return *info;
}
std::string sample()
{
    const auto text = ssw::core::read_file(std::string(SSW_TEST_DATA_DIR) + "/params/sample.conf");
    REQUIRE(text);
    return *text;
}
ssw::error problem(std::string_view content)
{
    const auto r = param_file::parse(content, "p.conf");
    REQUIRE_FALSE(r);
    return r.error();
}
} // namespace

TEST_CASE("params::param_file: unchanged content renders back byte for byte", "[params][store]")
{
    for (const std::string& content :
         {sample(), std::string(""), std::string("\n\n"), std::string("# only a comment"),
          std::string("SS_SIP_TIMEOUT_INVITE = 12"),
          std::string("SS_SIP_TIMEOUT_INVITE=12\r\n# crlf\r\n"),
          std::string("\tSS_SIP_TIMEOUT_INVITE\t=\t12\t\n")}) {
        INFO(content);
        const auto file = param_file::parse(content, "p.conf");
        REQUIRE(file);
        CHECK(file->render() == content);
    }
}

TEST_CASE("params::param_file: reads values in every written form", "[params][store]")
{
    const auto file = param_file::parse(sample(), "sample.conf");
    REQUIRE(file);
    CHECK(std::get<std::int64_t>(file->effective(row("SS_SIP_TIMEOUT_INVITE"))) == 15);
    CHECK(std::get<std::int64_t>(file->effective(row("SS_GATEWAY_SWITCH_LIMIT"))) == 4);
    CHECK(std::get<std::string>(file->effective(row("SS_SIP_NAT_KEEP_ALIVE_MESSAGE"))) ==
          "\r\n\r\n");
    CHECK(std::get<bool>(file->effective(row("SS_REPLY_UNAUTHORIZED"))) == false);
    CHECK(std::get<std::int64_t>(file->effective(row("SS_RTPENCRYPTIONMODE"))) == 3);
    CHECK(file->line_of(row("SS_SIP_TIMEOUT_INVITE")) == 4u);
    CHECK(file->find(row("SS_SIP_TIMEOUT_RINGING")) == nullptr);
    CHECK(std::get<std::int64_t>(file->effective(row("SS_SIP_TIMEOUT_RINGING"))) == 120);
}

TEST_CASE("params::param_file: set rewrites only the value, keeping the line's place and spacing",
          "[params][store]")
{
    auto file = param_file::parse("# top\nSS_GATEWAY_SWITCH_LIMIT=4\r\n\n# tail\n", "p.conf");
    REQUIRE(file);
    file->set(row("SS_GATEWAY_SWITCH_LIMIT"), value{std::int64_t{5}});
    CHECK(file->render() == "# top\nSS_GATEWAY_SWITCH_LIMIT=5\r\n\n# tail\n");
    file->set(row("SS_SIP_TIMEOUT_INVITE"), value{std::int64_t{20}});
    CHECK(file->render() ==
          "# top\nSS_GATEWAY_SWITCH_LIMIT=5\r\n\n# tail\nSS_SIP_TIMEOUT_INVITE = 20\n");
    CHECK(file->line_of(row("SS_SIP_TIMEOUT_INVITE")) == 5u);
}

TEST_CASE("params::param_file: set on a file without a final newline appends on a new line",
          "[params][store]")
{
    auto file = param_file::parse("# no newline at the end", "p.conf");
    REQUIRE(file);
    file->set(row("SS_REPLY_UNAUTHORIZED"), value{false});
    CHECK(file->render() == "# no newline at the end\nSS_REPLY_UNAUTHORIZED = Off\n");
    auto empty_value = param_file::parse("SS_SIP_NAT_KEEP_ALIVE_MESSAGE =", "p.conf");
    REQUIRE(empty_value);
    empty_value->set(row("SS_SIP_NAT_KEEP_ALIVE_MESSAGE"), value{std::string("\r\n")});
    CHECK(empty_value->render() == "SS_SIP_NAT_KEEP_ALIVE_MESSAGE = \"\\r\\n\"");
}

TEST_CASE("params::param_file: reset removes the setting and keeps every comment",
          "[params][store]")
{
    auto file = param_file::parse(sample(), "sample.conf");
    REQUIRE(file);
    CHECK(file->reset(row("SS_GATEWAY_SWITCH_LIMIT")));
    CHECK_FALSE(file->reset(row("SS_GATEWAY_SWITCH_LIMIT")));
    CHECK(std::holds_alternative<keyword>(file->effective(row("SS_GATEWAY_SWITCH_LIMIT"))));
    CHECK(file->render().find("SS_GATEWAY_SWITCH_LIMIT") == std::string::npos);
    CHECK(file->render().find("   # an indented comment\n") != std::string::npos);
    CHECK(file->line_of(row("SS_SIP_NAT_KEEP_ALIVE_MESSAGE")) == 6u);
    // A later set still edits the right line after the removal shifted them.
    file->set(row("SS_SIP_NAT_KEEP_ALIVE_MESSAGE"), value{std::string("PING")});
    CHECK(file->render().find("SS_SIP_NAT_KEEP_ALIVE_MESSAGE = PING\n") != std::string::npos);
    const auto reparsed = param_file::parse(file->render(), "again");
    REQUIRE(reparsed);
    CHECK(changes_between(*file, *reparsed).empty());
}

TEST_CASE("params::param_file: a '# comment' after a value is read as a comment and kept "
          "through edits",
          "[params][store]")
{
    const std::string content = "SS_SIP_TIMEOUT_INVITE = 12   # vendors are slow\n"
                                "SS_SIP_NAT_KEEP_ALIVE_MESSAGE = \"ping #1\" # quoted\n"
                                "SS_RTPENCRYPTIONKEY = ab#cd\r\n";
    auto file = param_file::parse(content, "p.conf");
    REQUIRE(file);
    CHECK(std::get<std::int64_t>(*file->find(row("SS_SIP_TIMEOUT_INVITE"))) == 12);
    CHECK(std::get<std::string>(*file->find(row("SS_SIP_NAT_KEEP_ALIVE_MESSAGE"))) == "ping #1");
    // A '#' inside a word is part of the value, as before comments after values existed.
    CHECK(std::get<std::string>(*file->find(row("SS_RTPENCRYPTIONKEY"))) == "ab#cd");
    CHECK(file->render() == content);

    file->set(row("SS_SIP_TIMEOUT_INVITE"), value{std::int64_t{30}});
    file->set(row("SS_SIP_NAT_KEEP_ALIVE_MESSAGE"), value{std::string("a # b")});
    file->set(row("SS_RTPENCRYPTIONKEY"), value{std::string("xy")});
    CHECK(file->render() == "SS_SIP_TIMEOUT_INVITE = 30   # vendors are slow\n"
                            "SS_SIP_NAT_KEEP_ALIVE_MESSAGE = \"a # b\" # quoted\n"
                            "SS_RTPENCRYPTIONKEY = xy\r\n");
    const auto reparsed = param_file::parse(file->render(), "again");
    REQUIRE(reparsed);
    CHECK(changes_between(*file, *reparsed).empty());

    // An empty value before the comment: the new value goes where it was.
    auto empty = param_file::parse("SS_SIP_NAT_KEEP_ALIVE_MESSAGE = # none\n", "p.conf");
    REQUIRE(empty);
    CHECK(std::get<std::string>(*empty->find(row("SS_SIP_NAT_KEEP_ALIVE_MESSAGE"))).empty());
    empty->set(row("SS_SIP_NAT_KEEP_ALIVE_MESSAGE"), value{std::string("PING")});
    CHECK(empty->render() == "SS_SIP_NAT_KEEP_ALIVE_MESSAGE = PING # none\n");
}

TEST_CASE("params::param_file: errors name file:line:col and the accepted form", "[params][store]")
{
    SECTION("unknown name with a suggestion")
    {
        const auto e = problem("# c\nSS_SIP_TIMEOUT_INVIT = 10\n");
        CHECK(e.code == errc::invalid_argument);
        CHECK(e.where == "p.conf:2:1");
        CHECK(e.message ==
              "unknown parameter 'SS_SIP_TIMEOUT_INVIT' (did you mean SS_SIP_TIMEOUT_INVITE?)");
    }
    SECTION("value out of range")
    {
        const auto e = problem("SS_SIP_TIMEOUT_INVITE = 900\n");
        CHECK(e.code == errc::invalid_argument);
        CHECK(e.where == "p.conf:1:25");
        CHECK(e.message == "SS_SIP_TIMEOUT_INVITE: expected whole seconds 1-300 (got '900')");
    }
    SECTION("duplicate")
    {
        const auto e = problem("SS_SIP_TIMEOUT_INVITE = 9\n\nss_sip_timeout_invite = 10\n");
        CHECK(e.where == "p.conf:3:1");
        CHECK(e.message ==
              "SS_SIP_TIMEOUT_INVITE is set twice (first on line 1); keep one of the two lines");
    }
    SECTION("malformed lines")
    {
        CHECK(problem("just words\n").message ==
              "expected 'NAME = value', a '#' comment or a blank line");
        CHECK(problem("just words\n").code == errc::parse_error);
        CHECK(problem("  = 5\n").where == "p.conf:1:3");
        CHECK(problem("SS_SIP_TIMEOUT_INVITE 10\n").message ==
              "expected '=' after SS_SIP_TIMEOUT_INVITE ('NAME = value')");
        CHECK(problem("SS SIP = 1\n").code == errc::parse_error);
        CHECK(problem("SS_SIP_NAT_KEEP_ALIVE_MESSAGE = \"open\n").message ==
              "SS_SIP_NAT_KEEP_ALIVE_MESSAGE: missing closing '\"'");
    }
    SECTION("more problems are counted")
    {
        const auto e = problem("A = 1\nB = 2\nC = 3\n");
        CHECK(e.message.find("(and 2 more problems; ssw-param check lists them all)") !=
              std::string::npos);
    }
}

TEST_CASE("params::param_file::parse_lenient: reports every problem and keeps bad lines",
          "[params][store]")
{
    const std::string content =
        "X = 1\nSS_SIP_TIMEOUT_INVITE = 900\nSS_SIP_TIMEOUT_RINGING = 60\nnonsense\n";
    auto parsed = param_file::parse_lenient(content, "p.conf");
    REQUIRE(parsed.problems.size() == 3);
    CHECK(parsed.problems[0].where == "p.conf:1:1");
    CHECK(parsed.problems[1].where == "p.conf:2:25");
    CHECK(parsed.problems[2].where == "p.conf:4:1");
    CHECK(std::get<std::int64_t>(parsed.file.effective(row("SS_SIP_TIMEOUT_RINGING"))) == 60);
    CHECK(std::get<std::int64_t>(parsed.file.effective(row("SS_SIP_TIMEOUT_INVITE"))) == 10);
    CHECK(parsed.file.render() == content);
}

TEST_CASE("params::param_file::load: a missing file means all defaults; errors map to exit codes",
          "[params][store]")
{
    ssw::test::temp_dir dir;
    const auto missing = param_file::load(dir / "none.conf");
    REQUIRE(missing);
    CHECK_FALSE(missing->exists());
    CHECK(missing->render().empty());
    const auto directory = param_file::load(dir.path());
    REQUIRE_FALSE(directory);
    CHECK(directory.error().code == errc::not_found);
    REQUIRE(
        ssw::core::write_file_atomically(dir / "big.conf", std::string(max_file_bytes + 1, '#')));
    const auto big = param_file::load(dir / "big.conf");
    REQUIRE_FALSE(big);
    CHECK(big.error().code == errc::limit_exceeded);
    REQUIRE(ssw::core::write_file_atomically(dir / "bad.conf", "SS_SIP_TIMEOUT_INVITE = x\n"));
    const auto bad = param_file::load(dir / "bad.conf");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().where == (dir / "bad.conf").string() + ":1:25");
}

TEST_CASE("params::edit_file: writes atomically, only when something changed", "[params][store]")
{
    ssw::test::temp_dir dir;
    const auto path = dir / "params.conf";
    auto set_invite = [](std::int64_t n) {
        return [n](param_file& f) -> ssw::result<void> {
            f.set(*find_param("SS_SIP_TIMEOUT_INVITE"), value{n});
            return {};
        };
    };
    SECTION("creates the file, then edits it in place")
    {
        const auto first = edit_file(path, set_invite(20));
        REQUIRE(first);
        CHECK(first->written);
        REQUIRE(first->changes.size() == 1);
        CHECK_FALSE(first->changes[0].was_set);
        CHECK(*ssw::core::read_file(path) == "SS_SIP_TIMEOUT_INVITE = 20\n");
        const auto same = edit_file(path, set_invite(20));
        REQUIRE(same);
        CHECK_FALSE(same->written);
        CHECK(same->changes.empty());
    }
    SECTION("a dry run writes nothing and takes no lock")
    {
        const auto dry = edit_file(path, set_invite(20), true);
        REQUIRE(dry);
        CHECK_FALSE(dry->written);
        CHECK(dry->changes.size() == 1);
        CHECK_FALSE(std::filesystem::exists(path));
        CHECK_FALSE(std::filesystem::exists(dir / "params.conf.lock"));
    }
    SECTION("a failing edit writes nothing")
    {
        REQUIRE(ssw::core::write_file_atomically(path, "# keep\n"));
        const auto failed = edit_file(path, [](param_file&) -> ssw::result<void> {
            return ssw::unexpected(ssw::make_error(errc::invalid_argument, "no"));
        });
        REQUIRE_FALSE(failed);
        CHECK(*ssw::core::read_file(path) == "# keep\n");
    }
    SECTION("an invalid file is not edited")
    {
        REQUIRE(ssw::core::write_file_atomically(path, "SS_BOGUS = 1\n"));
        const auto failed = edit_file(path, set_invite(20));
        REQUIRE_FALSE(failed);
        CHECK(failed.error().where == path.string() + ":1:1");
        CHECK(*ssw::core::read_file(path) == "SS_BOGUS = 1\n");
    }
    SECTION("a read-only file is refused")
    {
        REQUIRE(ssw::core::write_file_atomically(path, "# ro\n"));
        REQUIRE(::chmod(path.c_str(), 0444) == 0);
        const auto refused = edit_file(path, set_invite(20));
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == errc::cant_create);
        CHECK(refused.error().message.find("read-only") != std::string::npos);
        CHECK(*ssw::core::read_file(path) == "# ro\n");
    }
}

TEST_CASE("params::edit_file: an injected write failure at any step leaves the old file intact",
          "[params][store]")
{
    using ssw::core::atomic_write_step;
    ssw::test::temp_dir dir;
    const auto path = dir / "params.conf";
    const std::string old = "# old\nSS_SIP_TIMEOUT_INVITE = 12\n";
    REQUIRE(ssw::core::write_file_atomically(path, old));
    for (const auto step : {atomic_write_step::create_temp, atomic_write_step::write,
                            atomic_write_step::fsync, atomic_write_step::rename}) {
        ssw::core::inject_atomic_write_failure(step);
        const auto r = edit_file(path, [](param_file& f) -> ssw::result<void> {
            f.set(*find_param("SS_SIP_TIMEOUT_INVITE"), value{std::int64_t{99}});
            return {};
        });
        REQUIRE_FALSE(r);
        CHECK((r.error().code == errc::cant_create || r.error().code == errc::io_error));
        CHECK(*ssw::core::read_file(path) == old);
        for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
            const auto name = entry.path().filename().string();
            CHECK((name == "params.conf" || name == "params.conf.lock"));
        }
    }
}

TEST_CASE("params::edit_file: concurrent editors never lose a change", "[params][store]")
{
    ssw::test::temp_dir dir;
    const auto path = dir / "params.conf";
    const std::vector<std::string> names{"SS_SIP_TIMEOUT_INVITE", "SS_SIP_TIMEOUT_TRYING",
                                         "SS_SIP_TIMEOUT_RINGING",
                                         "SS_SIP_TIMEOUT_SESSION_PROGRESS"};
    std::vector<std::thread> editors;
    // Catch2 assertions are not thread-safe: threads count failures, the test checks after.
    std::vector<int> failures(names.size(), 0);
    for (std::size_t i = 0; i < names.size(); ++i) {
        editors.emplace_back([&, i] {
            for (std::int64_t round = 1; round <= 10; ++round) {
                const auto r = edit_file(path, [&](param_file& f) -> ssw::result<void> {
                    f.set(*find_param(names[i]), value{round + static_cast<std::int64_t>(i)});
                    return {};
                });
                failures[i] += r ? 0 : 1;
            }
        });
    }
    for (auto& t : editors) {
        t.join();
    }
    CHECK(failures == std::vector<int>(names.size(), 0));
    const auto file = param_file::load(path);
    REQUIRE(file);
    for (std::size_t i = 0; i < names.size(); ++i) {
        CHECK(std::get<std::int64_t>(file->effective(row(names[i]))) ==
              10 + static_cast<std::int64_t>(i));
    }
}
