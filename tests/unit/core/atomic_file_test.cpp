// SPDX-License-Identifier: MIT
// Tests for crash-safe writes: every failing step leaves the original intact.
#include "support/temp_dir.hpp"

#include <ssw/core/atomic_file.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace ssw::core;

TEST_CASE("core::write_file_atomically: replaces content and cleans up", "[core][atomic_file]")
{
    ssw::test::temp_dir dir;
    const auto path = dir / "params.conf";
    REQUIRE(write_file_atomically(path, "A = 1\n"));
    REQUIRE(write_file_atomically(path, "A = 2\n"));
    CHECK(*read_file(path) == "A = 2\n");
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1);
}

TEST_CASE("core::write_file_atomically: a failure at any step leaves the old file",
          "[core][atomic_file]")
{
    ssw::test::temp_dir dir;
    const auto path = dir / "params.conf";
    REQUIRE(write_file_atomically(path, "OLD\n"));
    for (const auto step : {atomic_write_step::create_temp, atomic_write_step::write,
                            atomic_write_step::fsync, atomic_write_step::rename}) {
        inject_atomic_write_failure(step);
        const auto r = write_file_atomically(path, "NEW\n");
        REQUIRE_FALSE(r);
        CHECK_FALSE(r.error().message.empty());
        CHECK(*read_file(path) == "OLD\n");
        CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1);
    }
}

TEST_CASE("core::read_file: missing file is not_found", "[core][atomic_file]")
{
    const auto r = read_file("/nonexistent/ssw/file");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ssw::errc::not_found);
    CHECK(r.error().where == "/nonexistent/ssw/file");
}
