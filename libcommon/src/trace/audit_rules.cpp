// SPDX-License-Identifier: MIT
// Audit rules: defaults, the scanner User-Agent list and the rules-file parser.
#include <ssw/core/text.hpp>
#include <ssw/trace/audit_rules.hpp>

#include <fstream>
#include <sstream>

namespace ssw::trace {

std::string_view to_string(severity s) noexcept
{
    switch (s) {
    case severity::info: return "info";
    case severity::low: return "low";
    case severity::medium: return "medium";
    case severity::high: return "high";
    case severity::critical: return "critical";
    }
    return "info";
}

result<severity> parse_severity(std::string_view text)
{
    for (auto s :
         {severity::info, severity::low, severity::medium, severity::high, severity::critical}) {
        if (core::iequals(text, to_string(s))) {
            return s;
        }
    }
    return unexpected(
        make_error(errc::invalid_argument, "invalid severity '" + std::string(text) +
                                               "': expected info, low, medium, high or critical"));
}

const std::vector<std::string>& default_scanner_user_agents()
{
    // Lower case. Sources: the names SIPVicious, sipcli, sippts, Nmap, sipsak and the
    // commercial dialers put in User-Agent, as seen in public honeypot reports and in the
    // failregex comments of fail2ban's asterisk filter discussions.
    static const std::vector<std::string> list{
        "friendly-scanner", "sipvicious", "sipcli",   "pplsip",     "sundayddr",
        "vaxsipuseragent",  "iwar",       "sipsak",   "nmap nse",   "sipscan",
        "sip-scan",         "sipptk",     "sippts",   "smap",       "cnc",
        "voipbuster",       "siparmy",    "avantfax", "fpbx",       "eyebeam probe",
        "sipx-scan",        "l33t",       "pcsip",    "sip hacker", "polycom_scan",
        "voip-scanner",     "svcrack",    "svwar",
    };
    return list;
}

namespace {

result<std::int64_t> number(std::string_view v, const std::string& where, std::int64_t min,
                            std::int64_t max)
{
    const auto n = core::parse_int(v);
    if (!n || *n < min || *n > max) {
        return unexpected(make_error(errc::invalid_argument,
                                     "invalid value '" + std::string(v) +
                                         "': expected a whole number " + std::to_string(min) + "-" +
                                         std::to_string(max),
                                     where));
    }
    return *n;
}

} // namespace

result<audit_rules> parse_audit_rules(std::string_view text, const std::string& source,
                                      audit_rules base)
{
    audit_rules r = std::move(base);
    std::size_t line_no = 0;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t eol = text.find('\n', at);
        const std::string_view raw =
            text.substr(at, eol == std::string_view::npos ? std::string_view::npos : eol - at);
        at = eol == std::string_view::npos ? text.size() + 1 : eol + 1;
        ++line_no;
        std::string_view line = core::trim(raw);
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const std::string where = source + ":" + std::to_string(line_no);
        const std::size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
            return unexpected(make_error(errc::parse_error, "expected 'key = value'", where));
        }
        const std::string key = core::to_lower(core::trim(line.substr(0, eq)));
        const std::string_view value = core::trim(line.substr(eq + 1));
        if (value.empty() || value.size() > 256) {
            return unexpected(make_error(errc::parse_error,
                                         "expected a value of 1-256 characters after '='", where));
        }
        const auto set_count = [&](unsigned& field, std::int64_t min,
                                   std::int64_t max) -> result<void> {
            SSW_TRY_ASSIGN(const auto n, number(value, where, min, max));
            field = static_cast<unsigned>(n);
            return {};
        };
        const auto set_seconds = [&](std::int64_t& field, std::int64_t min,
                                     std::int64_t max) -> result<void> {
            SSW_TRY_ASSIGN(const auto n, number(value, where, min, max));
            field = n * 1'000'000'000;
            return {};
        };
        const auto cap = [&](std::size_t size) -> result<void> {
            if (size >= 10000) {
                return unexpected(
                    make_error(errc::limit_exceeded, "more than 10000 entries in one list", where));
            }
            return {};
        };
        if (key == "window") {
            SSW_TRY(set_seconds(r.window_ns, 1, 86400));
        } else if (key == "flood_window") {
            SSW_TRY(set_seconds(r.flood_window_ns, 1, 3600));
        } else if (key == "brute_force_failures") {
            SSW_TRY(set_count(r.brute_force_failures, 1, 100000));
        } else if (key == "compromised_after_failures") {
            SSW_TRY(set_count(r.compromised_after_failures, 1, 100000));
        } else if (key == "enumeration_users") {
            SSW_TRY(set_count(r.enumeration_users, 2, 100000));
        } else if (key == "sweep_targets") {
            SSW_TRY(set_count(r.sweep_targets, 2, 100000));
        } else if (key == "sweep_options") {
            SSW_TRY(set_count(r.sweep_options, 2, 100000));
        } else if (key == "flood_requests") {
            SSW_TRY(set_count(r.flood_requests, 1, 1000000));
        } else if (key == "toll_prefix_variants") {
            SSW_TRY(set_count(r.toll_prefix_variants, 2, 100));
        } else if (key == "toll_number_digits") {
            SSW_TRY(set_count(r.toll_number_digits, 4, 20));
        } else if (key == "scanner_user_agent") {
            SSW_TRY(cap(r.scanner_user_agents.size()));
            r.scanner_user_agents.push_back(core::to_lower(value));
        } else if (key == "international_prefix" || key == "premium_prefix") {
            auto& list = key == "premium_prefix" ? r.premium_prefixes : r.international_prefixes;
            if (value.find_first_not_of("+0123456789") != std::string_view::npos) {
                return unexpected(make_error(
                    errc::invalid_argument,
                    "invalid prefix '" + std::string(value) + "': expected digits or '+'", where));
            }
            SSW_TRY(cap(list.size()));
            list.emplace_back(value);
        } else if (key == "peer") {
            auto a = pcap::parse_ip_address(value);
            if (!a) {
                return unexpected(make_error(
                    errc::invalid_argument,
                    "invalid peer '" + std::string(value) + "': expected an IP address", where));
            }
            SSW_TRY(cap(r.peers.size()));
            r.peers.push_back(*a);
        } else if (key == "clear") {
            const std::string which = core::to_lower(value);
            if (which == "scanner_user_agent") {
                r.scanner_user_agents.clear();
            } else if (which == "international_prefix") {
                r.international_prefixes.clear();
            } else if (which == "premium_prefix") {
                r.premium_prefixes.clear();
            } else if (which == "peer") {
                r.peers.clear();
            } else {
                return unexpected(make_error(
                    errc::invalid_argument,
                    "clear takes scanner_user_agent, international_prefix, premium_prefix or peer",
                    where));
            }
        } else {
            return unexpected(make_error(
                errc::invalid_argument,
                "unknown key '" + key + "' (see ssw-trace(1), AUDIT RULES, for the accepted keys)",
                where));
        }
    }
    return r;
}

result<audit_rules> load_audit_rules(const std::filesystem::path& path, audit_rules base)
{
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        return unexpected(make_error(errc::not_found, "cannot open the rules file", path.string()));
    }
    std::string text;
    char buf[4096];
    while (f.read(buf, sizeof buf) || f.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(f.gcount()));
        if (text.size() > 1024 * 1024) {
            return unexpected(
                make_error(errc::limit_exceeded, "rules file larger than 1 MiB", path.string()));
        }
    }
    if (f.bad()) {
        return unexpected(make_error(errc::io_error, "read failed", path.string()));
    }
    return parse_audit_rules(text, path.string(), std::move(base));
}

} // namespace ssw::trace
