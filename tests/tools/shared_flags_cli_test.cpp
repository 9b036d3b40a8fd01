// SPDX-License-Identifier: MIT
// What every tool shares through cli::app and cli::run: --version, --help, usage errors.
#include "support/tool_runner.hpp"

#include <catch2/catch.hpp>

using ssw::test::run_tool;

TEST_CASE("cli: every tool answers --version and --help with status 0", "[cli][tools]")
{
    for (const char* bin :
         {SSW_PARAM_BIN, SSW_TRACE_BIN, SSW_TRANSFORM_BIN, SSW_RTPCRYPT_BIN, SSW_RUN_BIN}) {
        const auto v = run_tool(bin, {"--version"});
        CHECK(v.exit_code == 0);
        CHECK(v.out.find("(ssw)") != std::string::npos);
        const auto h = run_tool(bin, {"--help"});
        CHECK(h.exit_code == 0);
        CHECK(h.out.find("--json") != std::string::npos);
    }
}

TEST_CASE("cli: an unknown option is a usage error with status 2", "[cli][tools]")
{
    for (const char* bin :
         {SSW_PARAM_BIN, SSW_TRACE_BIN, SSW_TRANSFORM_BIN, SSW_RTPCRYPT_BIN, SSW_RUN_BIN}) {
        const auto r = run_tool(bin, {"--no-such-option"});
        CHECK(r.exit_code == 2);
        CHECK_FALSE(r.err.empty());
    }
}

TEST_CASE("cli: with --json a usage error is a {\"type\":\"error\"} line on stderr, status 2",
          "[cli][tools]")
{
    for (const char* bin :
         {SSW_PARAM_BIN, SSW_TRACE_BIN, SSW_TRANSFORM_BIN, SSW_RTPCRYPT_BIN, SSW_RUN_BIN}) {
        INFO(bin);
        const auto r = run_tool(bin, {"--json", "--no-such-option"});
        CHECK(r.exit_code == 2);
        CHECK(r.err.rfind(R"({"type":"error","code":"usage","message":")", 0) == 0);
        CHECK(r.out.empty());
    }
}
