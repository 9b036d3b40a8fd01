// SPDX-License-Identifier: MIT
// ssw::params store: the parameter file (NAME = value lines), read, edited in place, saved safely.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/params/catalog.hpp>
#include <ssw/params/value.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::params {

// Largest parameter file read (ours): a real one is a few kilobytes.
inline constexpr std::size_t max_file_bytes = 1024 * 1024;

// Where the parameter file is when neither --file nor $SSW_PARAMS names one.
inline constexpr std::string_view default_file_path = "/etc/ssw/params.conf";

// One line of a parameter file, kept byte for byte unless its value is edited.
struct file_line {
    std::string text;                  // the line without its '\n' (a '\r' before it stays)
    const param_info* param = nullptr; // set on a valid `NAME = value` line
    std::size_t value_offset = 0;      // where the value starts in `text`
    std::size_t value_end = 0;         // where it ends (blanks, a comment, a '\r' may follow)
};

struct lenient_parse;

// A parameter file in memory: its lines (comments, blank lines and order preserved) and the
// values set in it. Parameters not set have their catalog default.
class param_file {
  public:
    // An empty file (every parameter at its default); `source` names it in messages.
    explicit param_file(std::string source = {});

    // Parses `content`. Fails with invalid_argument (bad value, unknown name, duplicate) or
    // parse_error (malformed line) at the first problem, `where` = "source:line:col", the
    // message naming the accepted form; the message counts any further problems.
    [[nodiscard]] static result<param_file> parse(std::string_view content, std::string source);

    // The same, but keeps going: every problem is returned, and a bad line is kept as
    // plain text (it neither sets a value nor is lost when the file is saved).
    [[nodiscard]] static lenient_parse parse_lenient(std::string_view content, std::string source);

    // Reads and parses `path`. A missing file is an empty param_file with exists() false
    // (all defaults). Unreadable: not_found (66); larger than max_file_bytes: limit_exceeded.
    [[nodiscard]] static result<param_file> load(const std::filesystem::path& path);

    // Reads `path` without parsing it: missing → nullopt; errors as load().
    [[nodiscard]] static result<std::optional<std::string>> read(const std::filesystem::path& path);

    // False for a file that load() did not find (or one built empty): all defaults.
    [[nodiscard]] bool exists() const noexcept { return exists_; }
    // The name used in messages and `where` (the path, or "defaults").
    [[nodiscard]] const std::string& source() const noexcept { return source_; }

    // The value set in the file for `info`, or nullptr when it is not set.
    [[nodiscard]] const value* find(const param_info& info) const;
    // 1-based line number of the setting of `info`, if set.
    [[nodiscard]] std::optional<std::size_t> line_of(const param_info& info) const;
    // The set value, or the default.
    [[nodiscard]] value effective(const param_info& info) const;

    // Sets `info` to `v`: its line keeps its place and spelling up to the value, which is
    // rewritten; a parameter not yet set gets a new `NAME = value` line at the end.
    void set(const param_info& info, const value& v);

    // Removes the setting of `info` (back to its default); comments stay. Returns false when
    // it was not set.
    bool reset(const param_info& info);

    // The file content: unchanged input comes back byte for byte.
    [[nodiscard]] std::string render() const;

  private:
    std::vector<file_line> lines_;
    std::vector<std::optional<value>> values_;
    std::vector<std::size_t> line_index_; // per parameter, index into lines_ (valid if set)
    std::string source_;
    bool final_newline_ = true;
    bool exists_ = false;
};

// The outcome of param_file::parse_lenient: the file and every problem met on the way.
struct lenient_parse {
    param_file file;
    std::vector<error> problems;
};

// One change an edit makes, for reports and --dry-run.
struct change {
    const param_info* param = nullptr;
    value before; // effective value before
    value after;  // effective value after
    bool was_set = false;
    bool is_set = false;
};

// Changes between two files, in catalog order: parameters whose effective value or
// "is it set" state differ.
[[nodiscard]] std::vector<change> changes_between(const param_file& before,
                                                  const param_file& after);

// The outcome of edit_file.
struct edit_outcome {
    param_file before;           // the file as it was
    param_file file;             // the file as written (or as it would be, on a dry run)
    std::vector<change> changes; // what changed
    bool written = false;        // false on a dry run or when nothing changed
};

// Read-modify-write of the parameter file at `path`, safe against concurrent editors and
// crashes: takes an exclusive lock (path + ".lock"), loads the file (missing = empty),
// runs `edit` (which validates everything first and fails without side effects), then, if
// anything changed and not `dry_run`, writes the new content atomically (temp file, fsync,
// rename). Refuses a file without write permission (cant_create, "read-only"). Errors: those
// of `edit`, load(), core::file_lock and core::write_file_atomically; the old file is intact
// after any failure.
[[nodiscard]] result<edit_outcome> edit_file(const std::filesystem::path& path,
                                             const std::function<result<void>(param_file&)>& edit,
                                             bool dry_run = false);

} // namespace ssw::params
