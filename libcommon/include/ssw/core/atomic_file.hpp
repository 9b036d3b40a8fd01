// SPDX-License-Identifier: MIT
// Whole-file reads and crash-safe writes (temp file + fsync + rename + directory fsync).
#pragma once

#include <ssw/core/result.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace ssw::core {

// Reads a whole file ("-" reads stdin). not_found if it does not exist, io_error otherwise.
result<std::string> read_file(const std::filesystem::path& path);

// Replaces `path` with `content` so that a reader or a crash sees either the old file or
// the new one, never a mix: write `path.tmp.XXXXXX` in the same directory, fsync, rename
// over `path`, fsync the directory. The new file keeps the old one's permission bits.
// On any failure the temp file is removed, the original is untouched, and the error
// (cant_create or io_error) names the step that failed. "-" writes to stdout.
result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content);

// The steps of write_file_atomically, for fault injection in tests.
enum class atomic_write_step { create_temp, write, fsync, rename };

// Test hook: make the next write_file_atomically fail at `step` as if the OS had
// refused (one shot). Also set by the environment variable SSW_TEST_FAIL_WRITE=<step>.
void inject_atomic_write_failure(atomic_write_step step);

// An advisory exclusive lock (flock) on `path`.lock, held while the object lives, so two
// concurrent read-modify-write cycles on one file serialise instead of losing a change.
class file_lock {
  public:
    static result<file_lock> acquire(const std::filesystem::path& path);
    file_lock(file_lock&& other) noexcept;
    file_lock& operator=(file_lock&& other) noexcept;
    file_lock(const file_lock&) = delete;
    file_lock& operator=(const file_lock&) = delete;
    ~file_lock();

  private:
    explicit file_lock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

} // namespace ssw::core
