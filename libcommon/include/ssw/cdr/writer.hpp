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

// Where finished calls go. The call manager knows only this; SQLite (writer) is the one
// implementation today, and another store (a shared database for a cluster) is another class.
class sink {
  public:
    sink() = default;
    sink(const sink&) = delete;
    sink& operator=(const sink&) = delete;
    virtual ~sink() = default;
    // Queues a finished call; returns at once (never waits for the disk or the network).
    virtual void submit(call_record record) = 0;
    // Blocks until everything submitted so far is durable; the error of a failed write.
    virtual result<void> flush() = 0;

  protected:
    sink(sink&&) noexcept = default;
    sink& operator=(sink&&) noexcept = default;
};

class writer final : public sink {
  public:
    // Opens or creates the database (schema version checked). cant_create / io_error.
    static result<writer> open(const std::filesystem::path& path);
    writer(writer&&) noexcept;
    writer& operator=(writer&&) noexcept;
    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;
    // Writes what is queued, then stops the thread.
    ~writer() override;

    // Queues a finished call; returns at once. The writer commits (fsync) each batch as
    // soon as it has one, so a record is durable milliseconds after the call ends.
    void submit(call_record record) override;
    // Blocks until everything submitted so far is committed; the error of a failed commit.
    result<void> flush() override;
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
