// SPDX-License-Identifier: MIT
// ssw-param: the subcommands over ssw::params (catalog, store, check, presets, exchange).
#include <ssw/cmd/param.hpp>
#include <ssw/core/atomic_file.hpp>
#include <ssw/core/json_writer.hpp>
#include <ssw/core/text.hpp>
#include <ssw/params/catalog.hpp>
#include <ssw/params/check.hpp>
#include <ssw/params/exchange.hpp>
#include <ssw/params/preset.hpp>
#include <ssw/params/settings.hpp>
#include <ssw/params/store.hpp>
#include <ssw/params/value.hpp>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <ostream>
#include <sstream>

namespace ssw::cmd::param {

const char* const examples = R"(EXAMPLES:
  ssw-param list --changed                 what differs from the factory defaults
  ssw-param set SS_SIP_TIMEOUT_INVITE=15 SS_GATEWAY_SWITCH_LIMIT=4
  ssw-param check --nat-endpoints 5000     cross-parameter rules and keep-alive capacity
  ssw-param preset internet-facing --dry-run

The file is --file, else $SSW_PARAMS, else /etc/ssw/params.conf (missing: all defaults).
Exit status: 0 ok, 1 check failed or diff found differences, 2 usage, 65 invalid value or
name, 66 file missing or unreadable, 73 file read-only or not replaceable, 74 I/O error.
See ssw-param(1) and ssw-params(5).)";

namespace {

using params::param_info;
using params::value;

enum class output { table, plain, env, json };

output output_for(const options& opt, const cli::io& io)
{
    if (io.json || opt.format == "json") {
        return output::json;
    }
    if (opt.format == "env") {
        return output::env;
    }
    if (opt.format == "table") {
        return output::table;
    }
    if (opt.format == "plain") {
        return output::plain;
    }
    return io.out_is_tty ? output::table : output::plain;
}

// ANSI styling, only when colour is on.
std::string style(const cli::io& io, std::string_view code, std::string_view text)
{
    if (!io.color) {
        return std::string(text);
    }
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

std::string pad(std::string_view text, std::size_t width)
{
    std::string out(text);
    if (out.size() < width) {
        out.append(width - out.size(), ' ');
    }
    return out;
}

// POSIX shell single quoting: 'it'\''s'.
std::string shell_quote(std::string_view raw)
{
    std::string out = "'";
    for (const char c : raw) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out.push_back(c);
        }
    }
    out.push_back('\'');
    return out;
}

void print_env(std::ostream& out, const param_info& info, const value& v, bool show_secrets)
{
    if (params::is_hidden(info, v, show_secrets)) {
        out << "# " << info.name << " is hidden (add --show-secrets to print it)\n";
        return;
    }
    const std::string raw = params::raw_text(info, v);
    if (raw.find('\0') != std::string::npos) {
        out << "# " << info.name << " holds a NUL byte, which a shell variable cannot\n";
        return;
    }
    out << info.name << '=' << shell_quote(raw) << '\n';
}

// Adds "value" (or null and "hidden":true) to a JSON line.
void json_value_field(core::json_line& line, std::string_view key, const param_info& info,
                      const value& v, bool show_secrets)
{
    if (params::is_hidden(info, v, show_secrets)) {
        line.field_null(key);
    } else {
        line.field(key, params::raw_text(info, v));
    }
}

std::string param_json(const param_info& info, const params::param_file& file, bool show_secrets)
{
    const value v = file.effective(info);
    core::json_line line;
    line.field("type", "param")
        .field("name", info.name)
        .field("section", params::to_string(info.where));
    json_value_field(line, "value", info, v, show_secrets);
    line.field("default", info.default_text)
        .field("unit", params::unit_symbol(info.unit))
        .field("changed", v != params::default_value(info));
    if (const auto at = file.line_of(info)) {
        line.field("line", static_cast<std::uint64_t>(*at));
    } else {
        line.field_null("line");
    }
    if (params::is_hidden(info, v, show_secrets)) {
        line.field("hidden", true);
    }
    return line.str();
}

bool has_glob(std::string_view s)
{
    return s.find_first_of("*?") != std::string_view::npos;
}

// Names, globs and section words ("sip", "system") to catalog rows, in catalog order.
// No patterns selects everything. An exact name that is unknown, or a pattern that matches
// nothing, is invalid_argument.
result<std::vector<const param_info*>> select(const std::vector<std::string>& patterns)
{
    std::vector<const param_info*> out;
    for (const auto& pattern : patterns) {
        bool matched = false;
        for (const auto& info : params::catalog()) {
            const bool hit = core::iequals(pattern, params::to_string(info.where)) ||
                             core::glob_match(pattern, info.name);
            matched = matched || hit;
        }
        if (!matched) {
            if (has_glob(pattern)) {
                return unexpected(
                    make_error(errc::invalid_argument, "no parameter matches '" + pattern + "'"));
            }
            return unexpected(
                make_error(errc::invalid_argument, params::unknown_name_message(pattern)));
        }
    }
    for (const auto& info : params::catalog()) {
        bool wanted = patterns.empty();
        for (const auto& pattern : patterns) {
            wanted = wanted || core::iequals(pattern, params::to_string(info.where)) ||
                     core::glob_match(pattern, info.name);
        }
        if (wanted) {
            out.push_back(&info);
        }
    }
    return out;
}

result<const param_info*> exact(std::string_view name)
{
    const param_info* info = params::find_param(name);
    if (info == nullptr) {
        return unexpected(make_error(errc::invalid_argument, params::unknown_name_message(name)));
    }
    return info;
}

void verbose_file_note(const cli::io& io, const params::param_file& file)
{
    if (io.verbosity > 0) {
        io.err << "ssw-param: " << (file.exists() ? "reading " : "no file at ") << file.source()
               << (file.exists() ? "" : "; every parameter has its default") << '\n';
    }
}

// ---- list / get ----

result<cli::exit_code> list(const options& opt, cli::io& io, const params::param_file& file)
{
    SSW_TRY_ASSIGN(auto rows, select(opt.args));
    if (opt.changed) {
        std::erase_if(rows, [&](const param_info* info) {
            return file.effective(*info) == params::default_value(*info);
        });
    }
    const output fmt = output_for(opt, io);
    std::size_t name_width = 4;
    std::size_t value_width = 5;
    for (const auto* info : rows) {
        name_width = std::max(name_width, info->name.size());
        value_width =
            std::max(value_width,
                     params::display_value(*info, file.effective(*info), opt.show_secrets).size());
    }
    bool header_done = false;
    std::optional<params::section> current_section;
    for (const auto* info : rows) {
        const value v = file.effective(*info);
        const bool changed = v != params::default_value(*info);
        switch (fmt) {
        case output::json: io.out << param_json(*info, file, opt.show_secrets) << '\n'; break;
        case output::env: print_env(io.out, *info, v, opt.show_secrets); break;
        case output::plain:
            io.out << pad(info->name, name_width) << "  "
                   << params::display_value(*info, v, opt.show_secrets) << '\n';
            break;
        case output::table: {
            if (!header_done) {
                io.out << style(io, "1",
                                pad("NAME", name_width) + "    " + pad("VALUE", value_width) +
                                    "  UNIT  DEFAULT")
                       << '\n';
                header_done = true;
            }
            if (current_section != info->where) {
                current_section = info->where;
                io.out << style(io, "2",
                                std::string("# ") + std::string(params::section_title(info->where)))
                       << '\n';
            }
            const std::string shown = params::display_value(*info, v, opt.show_secrets);
            const std::string default_shown =
                info->default_text.empty() ? "\"\"" : std::string(info->default_text);
            io.out << pad(info->name, name_width) << (changed ? "  * " : "    ")
                   << (changed ? style(io, "1;33", pad(shown, value_width))
                               : pad(shown, value_width))
                   << "  " << pad(params::unit_symbol(info->unit), 4) << "  " << default_shown
                   << '\n';
            break;
        }
        }
    }
    if (fmt == output::table) {
        if (rows.empty()) {
            io.out << (opt.changed ? "every parameter has its default value\n" : "no parameters\n");
        } else {
            io.out << style(io, "2",
                            "# " + std::to_string(rows.size()) +
                                " parameters, * = changed from the default; "
                                "ssw-param explain NAME tells what one does")
                   << '\n';
        }
    }
    return cli::exit_code::ok;
}

result<cli::exit_code> get(const options& opt, cli::io& io, const params::param_file& file)
{
    if (opt.args.empty()) {
        return unexpected(make_error(errc::invalid_argument, "get needs at least one NAME"));
    }
    std::vector<const param_info*> rows;
    for (const auto& name : opt.args) {
        SSW_TRY_ASSIGN(const param_info* info, exact(name));
        rows.push_back(info);
    }
    const output fmt = output_for(opt, io);
    for (const auto* info : rows) {
        const value v = file.effective(*info);
        if (fmt == output::json) {
            io.out << param_json(*info, file, opt.show_secrets) << '\n';
        } else if (fmt == output::env) {
            print_env(io.out, *info, v, opt.show_secrets);
        } else {
            io.out << params::display_value(*info, v, opt.show_secrets) << '\n';
        }
    }
    return cli::exit_code::ok;
}

// ---- edits ----

std::string side(const param_info& info, const value& v, bool is_set, bool show_secrets)
{
    return params::display_value(info, v, show_secrets) + (is_set ? "" : " (default)");
}

// Prints what an edit changed: on stdout for --dry-run and --json, on stderr when someone
// watches (a terminal or -v); a plain `set` is otherwise quiet.
void report_changes(const options& opt, cli::io& io, const params::edit_outcome& outcome,
                    const std::string& path)
{
    const bool json = output_for(opt, io) == output::json;
    if (json) {
        for (const auto& c : outcome.changes) {
            core::json_line line;
            line.field("type", "change").field("name", c.param->name);
            json_value_field(line, "from", *c.param, c.before, opt.show_secrets);
            json_value_field(line, "to", *c.param, c.after, opt.show_secrets);
            line.field("was_set", c.was_set)
                .field("is_set", c.is_set)
                .field("dry_run", opt.dry_run);
            io.out << line.str() << '\n';
        }
        return;
    }
    const bool to_stdout = opt.dry_run;
    if (!to_stdout && !io.err_is_tty && io.verbosity == 0) {
        return;
    }
    std::ostream& out = to_stdout ? io.out : io.err;
    std::size_t width = 0;
    for (const auto& c : outcome.changes) {
        width = std::max(width, c.param->name.size());
    }
    for (const auto& c : outcome.changes) {
        out << pad(c.param->name, width) << "  "
            << side(*c.param, c.before, c.was_set, opt.show_secrets) << " -> "
            << side(*c.param, c.after, c.is_set, opt.show_secrets) << '\n';
    }
    if (outcome.changes.empty()) {
        io.err << "ssw-param: nothing to change in " << path << '\n';
    } else if (opt.dry_run) {
        io.err << "ssw-param: dry run, " << path << " not changed\n";
    } else {
        io.err << "ssw-param: updated " << path << '\n';
    }
}

// An edit that is valid on its own may still break a cross-parameter rule: say so at once
// (errors and warnings the file did not have before), so `set` then `check` holds no surprise.
void warn_new_findings(const cli::io& io, const params::edit_outcome& outcome)
{
    const auto before = params::check(params::settings{outcome.before});
    for (const auto& f : params::check(params::settings{outcome.file})) {
        if (f.level == params::severity::advice) {
            continue;
        }
        const bool known = std::any_of(before.begin(), before.end(), [&](const params::finding& b) {
            return b.rule == f.rule && b.level == f.level;
        });
        if (!known) {
            io.err << "ssw-param: " << params::to_string(f.level) << ": " << f.message
                   << " (ssw-param check tells the fix)\n";
        }
    }
}

result<cli::exit_code> run_edit(const options& opt, cli::io& io, const std::string& path,
                                const std::function<result<void>(params::param_file&)>& edit)
{
    auto outcome = params::edit_file(path, edit, opt.dry_run);
    if (!outcome) {
        error e = std::move(outcome).error();
        if (e.code == errc::invalid_argument || e.code == errc::parse_error) {
            if (e.where.rfind(path, 0) == 0) {
                e.message += "; fix that line first (ssw-param check lists every problem)";
            }
        }
        return unexpected(std::move(e));
    }
    report_changes(opt, io, *outcome, path);
    warn_new_findings(io, *outcome);
    return cli::exit_code::ok;
}

result<cli::exit_code> set(const options& opt, cli::io& io, const std::string& path)
{
    if (opt.args.empty()) {
        return unexpected(make_error(errc::invalid_argument, "set needs at least one NAME=VALUE"));
    }
    std::vector<std::pair<const param_info*, value>> assignments;
    for (std::size_t i = 0; i < opt.args.size(); ++i) {
        const std::string& arg = opt.args[i];
        const auto eq = arg.find('=');
        if (eq == std::string::npos) {
            std::string message = "expected NAME=VALUE (got '" + arg + "')";
            if (const param_info* info = params::find_param(arg);
                info != nullptr && i + 1 < opt.args.size()) {
                message += "; write " + std::string(info->name) + "=" + opt.args[i + 1];
            }
            return unexpected(make_error(errc::invalid_argument, std::move(message)));
        }
        const std::string name(core::trim(std::string_view(arg).substr(0, eq)));
        SSW_TRY_ASSIGN(const param_info* info, exact(name));
        auto v = params::parse_value(*info, std::string_view(arg).substr(eq + 1));
        if (!v) {
            return unexpected(make_error(errc::invalid_argument,
                                         std::string(info->name) + ": " + v.error().message));
        }
        for (const auto& [seen, ignored] : assignments) {
            if (seen == info) {
                return unexpected(make_error(errc::invalid_argument,
                                             std::string(info->name) + " is given twice"));
            }
        }
        assignments.emplace_back(info, std::move(*v));
    }
    return run_edit(opt, io, path, [&](params::param_file& file) -> result<void> {
        for (const auto& [info, v] : assignments) {
            file.set(*info, v);
        }
        return {};
    });
}

result<cli::exit_code> reset(const options& opt, cli::io& io, const std::string& path)
{
    if (opt.args.empty() && !opt.all) {
        return unexpected(make_error(errc::invalid_argument, "reset needs NAME... or --all"));
    }
    if (!opt.args.empty() && opt.all) {
        return unexpected(
            make_error(errc::invalid_argument, "give either NAME... or --all, not both"));
    }
    SSW_TRY_ASSIGN(auto rows, select(opt.args));
    return run_edit(opt, io, path, [&](params::param_file& file) -> result<void> {
        for (const auto* info : rows) {
            file.reset(*info);
        }
        return {};
    });
}

result<cli::exit_code> preset(const options& opt, cli::io& io, const std::string& path)
{
    if (opt.args.empty()) {
        const output fmt = output_for(opt, io);
        for (const auto& p : params::presets()) {
            if (fmt == output::json) {
                core::json_line settings_json;
                for (const auto& s : p.settings) {
                    settings_json.field(s.name, s.value);
                }
                io.out << core::json_line{}
                              .field("type", "preset")
                              .field("name", p.name)
                              .field("summary", p.summary)
                              .field_raw("settings", settings_json.str())
                              .str()
                       << '\n';
                continue;
            }
            std::string values;
            for (const auto& s : p.settings) {
                values +=
                    (values.empty() ? "" : " ") + std::string(s.name) + "=" + std::string(s.value);
            }
            io.out << pad(p.name, 24) << "  " << p.summary << '\n'
                   << pad("", 24) << "  " << values << '\n';
        }
        return cli::exit_code::ok;
    }
    if (opt.args.size() > 1) {
        return unexpected(make_error(errc::invalid_argument, "preset takes one NAME"));
    }
    SSW_TRY_ASSIGN(const params::preset* p, params::find_preset(opt.args.front()));
    return run_edit(opt, io, path,
                    [&](params::param_file& file) { return params::apply_preset(*p, file); });
}

result<cli::exit_code> import(const options& opt, cli::io& io, const std::string& path)
{
    if (opt.args.size() != 1) {
        return unexpected(
            make_error(errc::invalid_argument, "import takes one FILE ('-' for stdin)"));
    }
    const std::string& source = opt.args.front();
    std::string text;
    if (source == "-") {
        text.assign(std::istreambuf_iterator<char>(io.in), std::istreambuf_iterator<char>());
    } else {
        SSW_TRY_ASSIGN(auto content, params::param_file::read(source));
        if (!content) {
            return unexpected(make_error(errc::not_found, "no such file", source, ENOENT));
        }
        text = std::move(*content);
    }
    SSW_TRY_ASSIGN(auto data, params::parse_import(text, source == "-" ? "<stdin>" : source));
    for (const auto* hidden : data.hidden) {
        io.err << "ssw-param: " << hidden->name
               << " was hidden in the export; its current value is kept (export with "
                  "--show-secrets to carry it)\n";
    }
    return run_edit(opt, io, path, [&](params::param_file& file) -> result<void> {
        params::apply_import(data, file, opt.replace);
        return {};
    });
}

// ---- diff / check / explain / export ----

result<cli::exit_code> diff(const options& opt, cli::io& io, const params::param_file& file)
{
    if (opt.args.size() > 1) {
        return unexpected(make_error(errc::invalid_argument, "diff takes at most one OTHER_FILE"));
    }
    params::param_file left{"defaults"};
    params::param_file right = file;
    if (!opt.args.empty()) {
        SSW_TRY_ASSIGN(auto content, params::param_file::read(opt.args.front()));
        if (!content) {
            return unexpected(
                make_error(errc::not_found, "no such file", opt.args.front(), ENOENT));
        }
        SSW_TRY_ASSIGN(right, params::param_file::parse(*content, opt.args.front()));
        left = file;
    }
    const output fmt = output_for(opt, io);
    std::vector<const param_info*> rows;
    std::size_t width = 0;
    for (const auto& info : params::catalog()) {
        if (left.effective(info) != right.effective(info)) {
            rows.push_back(&info);
            width = std::max(width, info.name.size());
        }
    }
    for (const auto* info : rows) {
        const value from = left.effective(*info);
        const value to = right.effective(*info);
        switch (fmt) {
        case output::json: {
            core::json_line line;
            line.field("type", "diff").field("name", info->name);
            json_value_field(line, "from", *info, from, opt.show_secrets);
            json_value_field(line, "to", *info, to, opt.show_secrets);
            io.out << line.str() << '\n';
            break;
        }
        case output::env: print_env(io.out, *info, to, opt.show_secrets); break;
        case output::plain:
        case output::table:
            io.out << pad(info->name, width) << "  "
                   << params::display_value(*info, from, opt.show_secrets) << " -> "
                   << (fmt == output::table
                           ? style(io, "1;33", params::display_value(*info, to, opt.show_secrets))
                           : params::display_value(*info, to, opt.show_secrets))
                   << '\n';
            break;
        }
    }
    if (fmt == output::table && rows.empty()) {
        io.err << "ssw-param: no differences (" << left.source() << " vs " << right.source()
               << ")\n";
    }
    return rows.empty() ? cli::exit_code::ok : cli::exit_code::findings;
}

result<cli::exit_code> check(const options& opt, cli::io& io, const std::string& path)
{
    SSW_TRY_ASSIGN(auto content, params::param_file::read(path));
    params::lenient_parse parsed{params::param_file{path}, {}};
    if (content) {
        parsed = params::param_file::parse_lenient(*content, path);
    }
    verbose_file_note(io, parsed.file);
    if (opt.nat_endpoints && *opt.nat_endpoints < 0) {
        return unexpected(make_error(errc::invalid_argument, "--nat-endpoints must be 0 or more"));
    }
    auto findings = params::file_findings(parsed.problems);
    const params::settings values{parsed.file};
    auto rules = params::check(values, params::check_options{opt.nat_endpoints});
    findings.insert(findings.end(), std::make_move_iterator(rules.begin()),
                    std::make_move_iterator(rules.end()));
    const bool failed = params::check_failed(findings, opt.strict);
    std::int64_t counts[3] = {0, 0, 0};
    const bool json = output_for(opt, io) == output::json;
    for (const auto& f : findings) {
        ++counts[static_cast<int>(f.level)];
        if (json) {
            core::json_line line;
            line.field("type", "finding")
                .field("severity", params::to_string(f.level))
                .field("rule", f.rule)
                .field("params", f.params);
            if (!f.where.empty()) {
                line.field("where", f.where);
            }
            line.field("message", f.message).field("fix", f.fix);
            io.out << line.str() << '\n';
            continue;
        }
        const std::string_view colour = f.level == params::severity::error     ? "1;31"
                                        : f.level == params::severity::warning ? "1;33"
                                                                               : "36";
        io.out << style(io, colour, params::to_string(f.level)) << ": " << f.rule;
        if (!f.params.empty()) {
            io.out << " (";
            for (std::size_t i = 0; i < f.params.size(); ++i) {
                io.out << (i == 0 ? "" : ", ") << f.params[i];
            }
            io.out << ')';
        }
        io.out << "\n  " << (f.where.empty() ? "" : f.where + ": ") << f.message
               << "\n  fix: " << f.fix << '\n';
    }
    const std::int64_t capacity = values.nat_keepalive_capacity();
    if (json) {
        core::json_line line;
        line.field("type", "result")
            .field("errors", counts[2])
            .field("warnings", counts[1])
            .field("advice", counts[0])
            .field("failed", failed)
            .field("nat_keepalive_capacity", capacity);
        io.out << line.str() << '\n';
    } else {
        auto plural = [](std::int64_t n, const char* word) {
            return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
        };
        io.out << "check: " << plural(counts[2], "error") << ", " << plural(counts[1], "warning")
               << ", " << counts[0] << " advice; keep-alive capacity " << capacity
               << " endpoints per cycle"
               << (failed ? "; FAILED"
                          : (counts[1] > 0 ? " (warnings fail only with --strict)" : ""))
               << '\n';
    }
    return failed ? cli::exit_code::findings : cli::exit_code::ok;
}

result<cli::exit_code> explain(const options& opt, cli::io& io, const params::param_file& file)
{
    if (opt.args.empty()) {
        return unexpected(make_error(errc::invalid_argument, "explain needs a NAME (or a glob)"));
    }
    SSW_TRY_ASSIGN(auto rows, select(opt.args));
    const bool json = output_for(opt, io) == output::json;
    bool first = true;
    for (const auto* info : rows) {
        const value v = file.effective(*info);
        const auto at = file.line_of(*info);
        const std::string set_at = at ? file.source() + ":" + std::to_string(*at) : "";
        if (json) {
            core::json_line line;
            line.field("type", "explain")
                .field("name", info->name)
                .field("section", params::to_string(info->where))
                .field("type_text", info->type_text)
                .field("unit", params::unit_symbol(info->unit))
                .field("default", info->default_text)
                .field("default_ours", info->default_is_ours)
                .field("range", info->range_text)
                .field("range_ours", info->range_is_ours)
                .field("accepts", params::accepted_form(*info))
                .field("summary", info->summary)
                .field("description", info->description)
                .field("ours_note", info->ours_note);
            json_value_field(line, "value", *info, v, opt.show_secrets);
            if (at) {
                line.field("set_at", set_at);
            } else {
                line.field_null("set_at");
            }
            io.out << line.str() << '\n';
            continue;
        }
        if (!first) {
            io.out << '\n';
        }
        first = false;
        const auto ours = [](bool b) { return b ? " (ours)" : ""; };
        io.out << style(io, "1", info->name) << "  (" << params::section_title(info->where) << ")\n"
               << "  " << info->summary << "\n\n"
               << "  " << info->description << "\n\n"
               << "  type:     " << info->type_text << '\n'
               << "  default:  "
               << (info->default_text.empty() ? "\"\" (empty)" : info->default_text)
               << ours(info->default_is_ours) << '\n';
        if (!info->range_text.empty()) {
            io.out << "  range:    " << info->range_text << ours(info->range_is_ours) << '\n';
        }
        io.out << "  accepts:  " << params::accepted_form(*info) << '\n'
               << "  current:  " << params::display_value(*info, v, opt.show_secrets)
               << (at ? " (set at " + set_at + ")" : " (default)") << '\n';
        if (!info->ours_note.empty()) {
            io.out << "  ours:     " << info->ours_note << '\n';
        }
    }
    return cli::exit_code::ok;
}

} // namespace

std::string resolve_file(const std::string& file)
{
    if (!file.empty()) {
        return file;
    }
    if (const char* env = std::getenv("SSW_PARAMS"); env != nullptr && *env != '\0') {
        return env;
    }
    return std::string(params::default_file_path);
}

result<cli::exit_code> run(const options& opt, cli::io& io)
{
    const std::string path = resolve_file(opt.file);
    switch (opt.cmd) {
    case command::set: return set(opt, io, path);
    case command::reset: return reset(opt, io, path);
    case command::preset: return preset(opt, io, path);
    case command::import: return import(opt, io, path);
    case command::check: return check(opt, io, path);
    case command::none:
        return unexpected(
            make_error(errc::invalid_argument, "no subcommand (see ssw-param --help)"));
    default: break;
    }
    SSW_TRY_ASSIGN(const auto file, params::param_file::load(path));
    verbose_file_note(io, file);
    switch (opt.cmd) {
    case command::list: return list(opt, io, file);
    case command::get: return get(opt, io, file);
    case command::diff: return diff(opt, io, file);
    case command::explain: return explain(opt, io, file);
    case command::export_:
        io.out << params::export_json(file, opt.changed, opt.show_secrets);
        return cli::exit_code::ok;
    default: break;
    }
    return unexpected(make_error(errc::internal, "unhandled subcommand"));
}

} // namespace ssw::cmd::param
