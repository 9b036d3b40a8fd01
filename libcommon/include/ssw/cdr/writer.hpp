// SPDX-License-Identifier: MIT
// ssw::cdr::writer: CDRs into SQLite (WAL) from a background thread so call processing never
// waits on the disk; export to CSV or JSON lines.
#pragma once

#include <ssw/cdr/record.hpp>
#include <ssw/core/result.hpp>

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>

namespace ssw::cdr {

class writer {
  public:
    // Opens or creates the database (schema version checked). cant_create / io_error.
    static result<writer> open(const std::filesystem::path& path);
    writer(writer&&) noexcept;
    writer& operator=(writer&&) noexcept;
    // Writes what is queued, then stops the thread.
    ~writer();

    // Queues a finished call; returns at once. The writer commits (fsync) each batch as
    // soon as it has one, so a record is durable milliseconds after the call ends.
    void submit(call_record record);
    // Blocks until everything submitted so far is committed; the error of a failed commit.
    result<void> flush();
    // Records written so far (committed).
    [[nodiscard]] std::uint64_t written() const;

  private:
    struct state;
    explicit writer(std::unique_ptr<state> s);
    std::unique_ptr<state> state_;
};

enum class export_format { csv, json };

// Writes the calls that started at or after `since` (all when nullopt), oldest first, one
// line each (CSV with a header row, RFC 4180 quoting; or NDJSON with the attempts nested).
result<std::uint64_t> export_records(const std::filesystem::path& database, export_format format,
                                     std::optional<wall_time> since, std::ostream& out);

} // namespace ssw::cdr
