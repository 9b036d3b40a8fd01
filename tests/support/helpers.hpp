// SPDX-License-Identifier: MIT
// What the tests share: finding peer programs (and failing, naming the Debian package, when
// one is missing), reading files, counting text, and ports no other test process can take.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace ssw::test {

// The full path of `program` on PATH (or the sbin directories), or "" when there is none.
std::string which(const std::string& program);

// True when `program` can be run.
bool have(const std::string& program);

// The path of `program`; when it is missing the test fails (never skips) with
// "<program> is missing: install the Debian package '<package>' (scripts/install-deps.sh)".
std::string require_program(const std::string& program, const std::string& package);

// Fails the test unless it runs as root, saying `why` root is needed (capturing on lo).
void require_root(const std::string& why);

// The whole file, or "" when it cannot be read (a peer's log that was never written).
std::string read_text(const std::filesystem::path& path);

// The whole file; the test fails when it cannot be read.
std::string read_required(const std::filesystem::path& path);

// Polls `path` until it contains `needle` or `timeout` passes.
bool wait_for_text(const std::filesystem::path& path, const std::string& needle,
                   std::chrono::milliseconds timeout);

// Occurrences of `needle` in `text` (overlapping ones counted), and whether there is one.
std::size_t count(const std::string& text, const std::string& needle);
bool has(const std::string& text, const std::string& needle);

// `size` consecutive UDP ports on 127.0.0.1 below the ephemeral range (so no socket bound to
// port 0 lands on them), free when reserved and held for this object's life by a lock file
// in the temp directory: another test process asking for a range never gets an overlapping
// one. For a daemon's media-ports; throws std::runtime_error when no range is free.
class port_range {
  public:
    explicit port_range(std::uint16_t size);
    port_range(const port_range&) = delete;
    port_range& operator=(const port_range&) = delete;
    ~port_range();

    [[nodiscard]] std::uint16_t first() const { return first_; }
    [[nodiscard]] std::uint16_t last() const
    {
        return static_cast<std::uint16_t>(first_ + size_ - 1);
    }
    // "first-last", as media-ports takes it.
    [[nodiscard]] std::string text() const;

  private:
    std::uint16_t first_ = 0;
    std::uint16_t size_ = 0;
    int lock_fd_ = -1;
};

} // namespace ssw::test
