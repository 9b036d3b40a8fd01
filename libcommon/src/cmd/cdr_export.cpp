// SPDX-License-Identifier: MIT
// ssw::cmd::cdr_export: `ssw-run cdr export` (see header).
#include <ssw/cdr/writer.hpp>
#include <ssw/cmd/cdr_export.hpp>
#include <ssw/core/text.hpp>

#include <chrono>
#include <fstream>
#include <ostream>

namespace ssw::cmd::cdr_export {

const char* const examples =
    "EXAMPLES:\n"
    "  ssw-run cdr export --db ssw-cdr.db > calls.csv\n"
    "  ssw-run cdr export --since 1h --format json --output -\n"
    "  ssw-run cdr export --since 2026-01-31T00:00:00Z --output january.csv\n";

namespace {

std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t count)
{
    if (pos + count > text.size()) {
        return std::nullopt;
    }
    int v = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
        v = v * 10 + (text[i] - '0');
    }
    return v;
}

} // namespace

result<cdr::wall_time> parse_since(std::string_view text, cdr::wall_time now)
{
    const auto bad = [&] {
        return unexpected(
            make_error(errc::invalid_argument,
                       "--since '" + std::string(text) +
                           "' is not a date (2026-01-31[T12:00:00Z]), an age (90s, 15m, 2h, 7d)"
                           " or @unix-seconds"));
    };
    text = core::trim(text);
    if (text.empty()) {
        return bad();
    }
    if (text.front() == '@') {
        const auto v = core::parse_int(text.substr(1));
        if (!v || *v < 0) {
            return bad();
        }
        return cdr::wall_time{} + std::chrono::seconds(*v);
    }
    const char unit = text.back();
    if (unit == 's' || unit == 'm' || unit == 'h' || unit == 'd') {
        const auto v = core::parse_int(text.substr(0, text.size() - 1));
        if (!v || *v < 0 || *v > 100L * 365 * 86400) {
            return bad();
        }
        const std::int64_t scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400;
        return now - std::chrono::seconds(*v * scale);
    }
    const auto y = digits(text, 0, 4);
    const auto mo = digits(text, 5, 2);
    const auto d = digits(text, 8, 2);
    if (!y || !mo || !d || text.size() < 10 || text[4] != '-' || text[7] != '-') {
        return bad();
    }
    const std::chrono::year_month_day ymd{std::chrono::year{*y},
                                          std::chrono::month{static_cast<unsigned>(*mo)},
                                          std::chrono::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) {
        return bad();
    }
    cdr::wall_time t = std::chrono::sys_days{ymd};
    std::string_view rest = text.substr(10);
    if (!rest.empty()) {
        if (rest.back() == 'Z' || rest.back() == 'z') {
            rest.remove_suffix(1);
        }
        const auto h = digits(rest, 1, 2);
        const auto mi = digits(rest, 4, 2);
        const auto sec = rest.size() >= 9 ? digits(rest, 7, 2) : std::optional<int>(0);
        if ((rest[0] != 'T' && rest[0] != ' ') || !h || !mi || !sec || rest[3] != ':' ||
            (rest.size() != 6 && (rest.size() != 9 || rest[6] != ':')) || *h > 23 || *mi > 59 ||
            *sec > 60) {
            return bad();
        }
        t += std::chrono::hours(*h) + std::chrono::minutes(*mi) + std::chrono::seconds(*sec);
    }
    return t;
}

result<cli::exit_code> run(const options& opt, cli::io& io)
{
    cdr::export_format format{};
    if (opt.format == "csv") {
        format = cdr::export_format::csv;
    } else if (opt.format == "json") {
        format = cdr::export_format::json;
    } else {
        return unexpected(
            make_error(errc::usage, "--format must be csv or json, not '" + opt.format + "'"));
    }
    std::optional<cdr::wall_time> since;
    if (!opt.since.empty()) {
        auto parsed = parse_since(opt.since, std::chrono::system_clock::now());
        if (!parsed) {
            error e = std::move(parsed).error();
            e.code = errc::usage; // a bad option value is a bad command line
            return unexpected(std::move(e));
        }
        since = *parsed;
    }
    std::uint64_t count = 0;
    if (opt.output.empty() || opt.output == "-") {
        SSW_TRY_ASSIGN(count, cdr::export_records(opt.database, format, since, io.out));
        io.out.flush();
    } else {
        std::ofstream file(opt.output, std::ios::binary | std::ios::trunc);
        if (!file) {
            return unexpected(
                make_error(errc::cant_create, "cannot create the output file", opt.output));
        }
        SSW_TRY_ASSIGN(count, cdr::export_records(opt.database, format, since, file));
        file.flush();
        if (!file) {
            return unexpected(make_error(errc::io_error, "write failed", opt.output));
        }
    }
    if (io.json) {
        io.err << "{\"type\":\"summary\",\"calls\":" << count << "}\n";
    } else if (io.verbosity > 0) {
        io.err << count << " calls exported\n";
    }
    return cli::exit_code::ok;
}

} // namespace ssw::cmd::cdr_export
