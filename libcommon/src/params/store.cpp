// SPDX-License-Identifier: MIT
// The parameter file: lenient and strict parsing, in-place edits, locked atomic saves.
#include <ssw/core/atomic_file.hpp>
#include <ssw/core/text.hpp>
#include <ssw/params/store.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ssw::params {

namespace {

std::string where(const std::string& source, std::size_t line, std::size_t column)
{
    return source + ":" + std::to_string(line) + ":" + std::to_string(column);
}

bool is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

} // namespace

param_file::param_file(std::string source)
    : values_(catalog().size()), line_index_(catalog().size(), 0), source_(std::move(source))
{
}

lenient_parse param_file::parse_lenient(std::string_view content, std::string source)
{
    lenient_parse out{param_file{std::move(source)}, {}};
    param_file& file = out.file;
    file.exists_ = true;
    if (content.empty()) {
        return out;
    }
    file.final_newline_ = content.back() == '\n';
    if (file.final_newline_) {
        content.remove_suffix(1);
    }
    const auto raw_lines = core::split(content, '\n');
    for (std::size_t i = 0; i < raw_lines.size(); ++i) {
        const std::string_view whole = raw_lines[i];
        const std::size_t line_no = i + 1;
        file.lines_.push_back(file_line{std::string(whole), nullptr, 0, 0});
        // Everything after a comment is kept in the line but not read.
        const std::string_view text = core::strip_comment(whole);
        const auto first = text.find_first_not_of(" \t\r");
        if (first == std::string_view::npos) {
            continue;
        }
        const auto eq = text.find('=');
        std::size_t name_end = first;
        while (name_end < text.size() && is_name_char(text[name_end])) {
            ++name_end;
        }
        const std::string_view name = text.substr(first, name_end - first);
        if (eq == std::string_view::npos || name.empty() ||
            !core::trim(text.substr(name_end, eq - name_end)).empty()) {
            std::string message = "expected 'NAME = value', a '#' comment or a blank line";
            if (!name.empty() && find_param(name) != nullptr && eq == std::string_view::npos) {
                message = "expected '=' after " + std::string(find_param(name)->name) +
                          " ('NAME = value')";
            }
            out.problems.push_back(make_error(errc::parse_error, std::move(message),
                                              where(file.source_, line_no, first + 1)));
            continue;
        }
        const param_info* info = find_param(name);
        if (info == nullptr) {
            out.problems.push_back(make_error(errc::invalid_argument, unknown_name_message(name),
                                              where(file.source_, line_no, first + 1)));
            continue;
        }
        const std::size_t index = index_of(*info);
        const std::size_t value_start =
            text.find_first_not_of(" \t", eq + 1) == std::string_view::npos
                ? text.size()
                : text.find_first_not_of(" \t", eq + 1);
        if (file.values_[index]) {
            out.problems.push_back(make_error(
                errc::invalid_argument,
                std::string(info->name) + " is set twice (first on line " +
                    std::to_string(file.line_index_[index] + 1) + "); keep one of the two lines",
                where(file.source_, line_no, first + 1)));
            continue;
        }
        auto parsed = parse_value(*info, text.substr(value_start));
        const std::size_t value_end = value_start + core::trim(text.substr(value_start)).size();
        if (!parsed) {
            out.problems.push_back(make_error(
                errc::invalid_argument, std::string(info->name) + ": " + parsed.error().message,
                where(file.source_, line_no, value_start + 1)));
            continue;
        }
        file.lines_.back().param = info;
        file.lines_.back().value_offset = value_start;
        file.lines_.back().value_end = value_end;
        file.values_[index] = std::move(*parsed);
        file.line_index_[index] = i;
    }
    return out;
}

result<param_file> param_file::parse(std::string_view content, std::string source)
{
    auto parsed = parse_lenient(content, std::move(source));
    if (!parsed.problems.empty()) {
        error first = std::move(parsed.problems.front());
        if (parsed.problems.size() > 1) {
            first.message += " (and " + std::to_string(parsed.problems.size() - 1) +
                             " more problem" + (parsed.problems.size() > 2 ? "s" : "") +
                             "; ssw-param check lists them all)";
        }
        return unexpected(std::move(first));
    }
    return std::move(parsed.file);
}

result<std::optional<std::string>> param_file::read(const std::filesystem::path& path)
{
    struct stat st {};
    if (path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        return unexpected(make_error(errc::not_found, "is a directory, expected a parameter file",
                                     path.string()));
    }
    if (path != "-" && ::stat(path.c_str(), &st) == 0 &&
        static_cast<std::size_t>(st.st_size) > max_file_bytes) {
        return unexpected(make_error(errc::limit_exceeded,
                                     "larger than " + std::to_string(max_file_bytes) +
                                         " bytes; not a parameter file?",
                                     path.string()));
    }
    auto content = core::read_file(path);
    if (!content) {
        if (content.error().code == errc::not_found) {
            return std::optional<std::string>{};
        }
        error e = std::move(content).error();
        if (e.sys_errno == EACCES || e.sys_errno == EPERM) {
            // Unreadable input is "no input" to scripts (exit 66), like a missing one.
            e.code = errc::not_found;
        }
        return unexpected(std::move(e));
    }
    if (content->size() > max_file_bytes) {
        return unexpected(make_error(errc::limit_exceeded,
                                     "larger than " + std::to_string(max_file_bytes) + " bytes",
                                     path.string()));
    }
    return std::optional<std::string>{std::move(*content)};
}

result<param_file> param_file::load(const std::filesystem::path& path)
{
    SSW_TRY_ASSIGN(auto content, read(path));
    if (!content) {
        return param_file{path.string()};
    }
    return parse(*content, path.string());
}

const value* param_file::find(const param_info& info) const
{
    const auto& v = values_[index_of(info)];
    return v ? &*v : nullptr;
}

std::optional<std::size_t> param_file::line_of(const param_info& info) const
{
    const std::size_t index = index_of(info);
    if (!values_[index]) {
        return std::nullopt;
    }
    return line_index_[index] + 1;
}

value param_file::effective(const param_info& info) const
{
    const value* v = find(info);
    return v != nullptr ? *v : default_value(info);
}

void param_file::set(const param_info& info, const value& v)
{
    const std::size_t index = index_of(info);
    const std::string written = format_value(info, v);
    if (values_[index]) {
        // Only the value changes: what follows it (blanks, a comment, a '\r') stays.
        file_line& line = lines_[line_index_[index]];
        const bool was_empty = line.value_end == line.value_offset;
        std::string tail = line.text.substr(line.value_end);
        // Blanks after the value go with it, unless a comment follows them.
        if (tail.find_first_not_of(" \t\r") == std::string::npos) {
            tail = !tail.empty() && tail.back() == '\r' ? "\r" : "";
        }
        line.text.resize(line.value_offset);
        // "NAME =" with nothing after it gets a space, so the edit reads "NAME = value".
        if (was_empty && line.value_offset > 0 && line.text.back() == '=') {
            line.text.push_back(' ');
            ++line.value_offset;
        }
        line.text += written;
        line.value_end = line.text.size();
        if (!tail.empty() && tail.front() == '#') {
            tail.insert(0, " ");
        }
        line.text += tail;
    } else {
        std::string text = std::string(info.name) + " = ";
        const std::size_t offset = text.size();
        text += written;
        final_newline_ = true;
        line_index_[index] = lines_.size();
        const std::size_t end = text.size();
        lines_.push_back(file_line{std::move(text), &info, offset, end});
    }
    values_[index] = v;
}

bool param_file::reset(const param_info& info)
{
    const std::size_t index = index_of(info);
    if (!values_[index]) {
        return false;
    }
    const std::size_t removed = line_index_[index];
    lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(removed));
    values_[index].reset();
    for (std::size_t i = 0; i < values_.size(); ++i) {
        if (values_[i] && line_index_[i] > removed) {
            --line_index_[i];
        }
    }
    if (lines_.empty()) {
        final_newline_ = true;
    }
    return true;
}

std::string param_file::render() const
{
    std::string out;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
        out += lines_[i].text;
        if (i + 1 < lines_.size() || final_newline_) {
            out.push_back('\n');
        }
    }
    return out;
}

std::vector<change> changes_between(const param_file& before, const param_file& after)
{
    std::vector<change> out;
    for (const auto& info : catalog()) {
        change c{&info, before.effective(info), after.effective(info), before.find(info) != nullptr,
                 after.find(info) != nullptr};
        if (c.before != c.after || c.was_set != c.is_set) {
            out.push_back(std::move(c));
        }
    }
    return out;
}

result<edit_outcome> edit_file(const std::filesystem::path& path,
                               const std::function<result<void>(param_file&)>& edit, bool dry_run)
{
    std::optional<core::file_lock> lock;
    if (!dry_run) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode) &&
            ((st.st_mode & 0222) == 0 || ::access(path.c_str(), W_OK) != 0)) {
            return unexpected(make_error(errc::cant_create,
                                         "the file is read-only; not changing it", path.string(),
                                         EACCES));
        }
        const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path{"."};
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec)) {
            return unexpected(
                make_error(errc::cant_create,
                           "cannot create the file: directory " + dir.string() + " does not exist",
                           path.string(), ENOENT));
        }
        SSW_TRY_ASSIGN(auto held, core::file_lock::acquire(path));
        lock.emplace(std::move(held));
    }
    SSW_TRY_ASSIGN(param_file before, param_file::load(path));
    param_file after = before;
    SSW_TRY(edit(after));
    edit_outcome outcome{before, after, changes_between(before, after), false};
    const bool content_changed = after.render() != before.render();
    if (!dry_run && content_changed) {
        SSW_TRY(core::write_file_atomically(path, after.render()));
        outcome.written = true;
    }
    return outcome;
}

} // namespace ssw::params
