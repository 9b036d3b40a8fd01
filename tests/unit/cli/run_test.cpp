// SPDX-License-Identifier: MIT
// Tests for ssw::cli::run, the one place where errors become messages and exit statuses.
#include <ssw/cli/run.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using ssw::errc;
using ssw::cli::exit_code;

namespace {

// One in-process run of a tool "t" with a `--name` option, its body and argv.
struct outcome {
    int status = -1;
    std::string out;
    std::string err;
    ssw::cli::io seen{std::cin, std::cout, std::cerr};
    bool body_ran = false;
};

outcome run(std::vector<std::string> args, const ssw::cli::command& body, bool out_is_tty = false)
{
    ssw::cli::app app{"t", "A test tool."};
    std::string name;
    app.add_option("--name", name, "A name");
    args.insert(args.begin(), "t");
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    outcome o;
    o.status = ssw::cli::run(
        app, static_cast<int>(argv.size()), argv.data(),
        [&](ssw::cli::io& io) {
            o.body_ran = true;
            o.seen.out_is_tty = io.out_is_tty;
            o.seen.color = io.color;
            o.seen.json = io.json;
            o.seen.verbosity = io.verbosity;
            return body(io);
        },
        in, out, err, out_is_tty, false);
    o.out = out.str();
    o.err = err.str();
    return o;
}

ssw::result<exit_code> ok(ssw::cli::io&)
{
    return exit_code::ok;
}

ssw::cli::command failing(errc code, std::string where = "in.txt:3:7")
{
    return [code, where](ssw::cli::io&) -> ssw::result<exit_code> {
        return ssw::unexpected(ssw::make_error(code, "expected a digit", where));
    };
}

// Restores an environment variable at the end of a test.
struct env_guard {
    explicit env_guard(const char* n) : name(n)
    {
        if (const char* v = std::getenv(n)) {
            saved = v;
        }
    }
    ~env_guard()
    {
        if (saved) {
            ::setenv(name, saved->c_str(), 1);
        } else {
            ::unsetenv(name);
        }
    }
    const char* name;
    std::optional<std::string> saved;
};

} // namespace

TEST_CASE("cli::exit_code_for: every error code has its documented status", "[cli][run]")
{
    CHECK(ssw::cli::exit_code_for(errc::usage) == exit_code::usage);
    for (const auto c : {errc::invalid_argument, errc::parse_error, errc::protocol_error,
                         errc::unsupported, errc::limit_exceeded}) {
        CHECK(ssw::cli::exit_code_for(c) == exit_code::data_error);
    }
    CHECK(ssw::cli::exit_code_for(errc::not_found) == exit_code::no_input);
    CHECK(ssw::cli::exit_code_for(errc::unavailable) == exit_code::unavailable);
    CHECK(ssw::cli::exit_code_for(errc::internal) == exit_code::internal);
    CHECK(ssw::cli::exit_code_for(errc::cant_create) == exit_code::cant_create);
    CHECK(ssw::cli::exit_code_for(errc::io_error) == exit_code::io_error);
    CHECK(ssw::cli::exit_code_for(errc::crypto_error) == exit_code::config_error);
    CHECK(ssw::cli::exit_code_for(errc::config_error) == exit_code::config_error);
    CHECK(ssw::cli::exit_code_for(errc::findings) == exit_code::findings);
}

TEST_CASE("cli::run: the body's status is the exit status; nothing on stderr", "[cli][run]")
{
    const auto o = run({}, ok);
    CHECK(o.status == 0);
    CHECK(o.body_ran);
    CHECK(o.err.empty());
    const auto f =
        run({}, [](ssw::cli::io&) -> ssw::result<exit_code> { return exit_code::findings; });
    CHECK(f.status == 1);
    CHECK(f.err.empty());
}

TEST_CASE("cli::run: an error prints 'tool: where: message' and exits with its mapped status",
          "[cli][run]")
{
    const struct {
        errc code;
        int status;
    } cases[] = {{errc::usage, 2},         {errc::parse_error, 65},     {errc::unsupported, 65},
                 {errc::not_found, 66},    {errc::unavailable, 69},     {errc::internal, 70},
                 {errc::cant_create, 73},  {errc::io_error, 74},        {errc::config_error, 78},
                 {errc::crypto_error, 78}, {errc::invalid_argument, 65}};
    for (const auto& c : cases) {
        INFO(ssw::to_string(c.code));
        const auto o = run({}, failing(c.code));
        CHECK(o.status == c.status);
        CHECK(o.err == "t: in.txt:3:7: expected a digit\n");
        CHECK(o.out.empty());
    }
    const auto nowhere = run({}, failing(errc::parse_error, ""));
    CHECK(nowhere.err == "t: expected a digit\n");
}

TEST_CASE("cli::run: with --json an error is one {\"type\":\"error\"} line on stderr", "[cli][run]")
{
    const auto o = run({"--json"}, failing(errc::parse_error));
    CHECK(o.status == 65);
    CHECK(o.err == R"({"type":"error","code":"parse_error","where":"in.txt:3:7",)"
                   R"("message":"expected a digit"})"
                   "\n");
    const auto usage = run({"--json"}, failing(errc::usage, ""));
    CHECK(usage.status == 2);
    CHECK(usage.err == R"({"type":"error","code":"usage","message":"expected a digit"})"
                       "\n");
}

TEST_CASE("cli::run: a command-line error exits 2, as an error line with --json", "[cli][run]")
{
    const auto text = run({"--no-such-option"}, ok);
    CHECK(text.status == 2);
    CHECK_FALSE(text.body_ran);
    CHECK(text.err.find("--no-such-option") != std::string::npos);
    CHECK(text.out.empty());

    const auto json = run({"--json", "--no-such-option"}, ok);
    CHECK(json.status == 2);
    CHECK(json.err.rfind(R"({"type":"error","code":"usage","message":")", 0) == 0);
    CHECK(json.err.find("--no-such-option") != std::string::npos);
    CHECK(std::count(json.err.begin(), json.err.end(), '\n') == 1);

    // --json after the bad option, and a missing option value.
    CHECK(run({"--no-such-option", "--json"}, ok).err.rfind(R"({"type":"error")", 0) == 0);
    const auto missing = run({"--json", "--name"}, ok);
    CHECK(missing.status == 2);
    CHECK(missing.err.rfind(R"({"type":"error","code":"usage")", 0) == 0);
    // After "--" the word is an argument, not the flag.
    CHECK(run({"--no-such-option", "--", "--json"}, ok).err.rfind("{", 0) != 0);
}

TEST_CASE("cli::run: --help and --version print on stdout and exit 0 without running the body",
          "[cli][run]")
{
    const auto help = run({"--help"}, ok);
    CHECK(help.status == 0);
    CHECK_FALSE(help.body_ran);
    CHECK(help.out.find("--json") != std::string::npos);
    CHECK(help.err.empty());
    const auto version = run({"--version"}, ok);
    CHECK(version.status == 0);
    CHECK(version.out.find("t (ssw) ") == 0);
    CHECK(version.err.empty());
}

TEST_CASE("cli::run: an escaping exception is an internal error (70), never a crash", "[cli][run]")
{
    const auto thrown = run({}, [](ssw::cli::io&) -> ssw::result<exit_code> {
        throw std::runtime_error("broken invariant");
    });
    CHECK(thrown.status == 70);
    CHECK(thrown.err == "t: internal error: broken invariant\n");
    const auto oom =
        run({}, [](ssw::cli::io&) -> ssw::result<exit_code> { throw std::bad_alloc(); });
    CHECK(oom.status == 70);
    CHECK(oom.err == "t: out of memory\n");
}

TEST_CASE("cli::run: the io handed to the body carries --json, -v and the resolved colour",
          "[cli][run]")
{
    env_guard guard("NO_COLOR");
    ::unsetenv("NO_COLOR");
    const auto plain = run({"-vv", "--json"}, ok);
    CHECK(plain.seen.json);
    CHECK(plain.seen.verbosity == 2);
    CHECK_FALSE(plain.seen.color); // not a terminal
    CHECK(run({}, ok, true).seen.color);
    CHECK_FALSE(run({"--color", "never"}, ok, true).seen.color);
    CHECK(run({"--color", "always"}, ok, false).seen.color);
    ::setenv("NO_COLOR", "1", 1);
    CHECK_FALSE(run({}, ok, true).seen.color);
    CHECK(run({"--color", "always"}, ok, true).seen.color);
    CHECK(run({"--color", "sometimes"}, ok).status == 2);
}
