// SPDX-License-Identifier: MIT
// Message filters and the time syntax of ssw-trace.
#include <ssw/core/text.hpp>
#include <ssw/trace/filter.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace ssw::trace {

bool message_filter::empty() const noexcept
{
    return hosts.empty() && ports.empty() && methods.empty() && statuses.empty() &&
           call_ids.empty() && users.empty() && !since_ns && !until_ns;
}

bool message_filter::matches(const sip_record& r) const
{
    const auto any = [](const auto& list, auto pred) {
        return list.empty() || std::any_of(list.begin(), list.end(), pred);
    };
    if (since_ns && r.timestamp_ns < *since_ns) {
        return false;
    }
    if (until_ns && r.timestamp_ns > *until_ns) {
        return false;
    }
    return any(hosts,
               [&](const pcap::ip_address& a) {
                   return r.src.address == a || r.dst.address == a;
               }) &&
           any(ports, [&](std::uint16_t p) { return r.src.port == p || r.dst.port == p; }) &&
           any(methods,
               [&](const std::string& m) {
                   return (r.is_request ? r.method : r.cseq_method) == m;
               }) &&
           any(statuses,
               [&](int s) {
                   return !r.is_request && (s < 10 ? r.status / 100 == s : r.status == s);
               }) &&
           any(call_ids, [&](const std::string& c) { return r.call_id == c; }) &&
           any(users, [&](const std::string& u) { return r.from_user == u || r.to_user == u; });
}

result<std::int64_t> parse_time(std::string_view text)
{
    const auto bad = [&] {
        return unexpected(make_error(
            errc::invalid_argument,
            "invalid time '" + std::string(text) +
                "': expected seconds since the epoch or YYYY-MM-DD HH:MM[:SS[.ffffff]] (UTC)"));
    };
    if (text.empty()) {
        return bad();
    }
    if (std::all_of(text.begin(), text.end(),
                    [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
        const auto v = core::parse_decimal(text);
        if (!v || *v > 4e9) {
            return bad();
        }
        return static_cast<std::int64_t>(std::llround(*v * 1e9));
    }
    std::tm tm{};
    int frac_digits = 0;
    long frac = 0;
    std::string s(text);
    if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) {
        s.pop_back();
    }
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    char sep = 0;
    int consumed = 0;
    const int n =
        std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &consumed);
    if (n < 6 || (sep != ' ' && sep != 'T')) {
        return bad();
    }
    std::size_t pos = static_cast<std::size_t>(consumed);
    if (pos < s.size()) {
        if (s[pos] != ':' || pos + 3 > s.size()) {
            return bad();
        }
        const auto ss = core::parse_int(std::string_view(s).substr(pos + 1, 2));
        if (!ss || *ss > 60) {
            return bad();
        }
        sec = static_cast<int>(*ss);
        pos += 3;
        if (pos < s.size()) {
            if (s[pos] != '.') {
                return bad();
            }
            for (++pos; pos < s.size(); ++pos) {
                if (s[pos] < '0' || s[pos] > '9' || frac_digits >= 9) {
                    return bad();
                }
                frac = frac * 10 + (s[pos] - '0');
                ++frac_digits;
            }
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) {
        return bad();
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    const std::time_t t = timegm(&tm);
    for (; frac_digits < 9; ++frac_digits) {
        frac *= 10;
    }
    return static_cast<std::int64_t>(t) * 1'000'000'000 + frac;
}

result<int> parse_status_filter(std::string_view text)
{
    if (text.size() == 3 && text[0] >= '1' && text[0] <= '6' &&
        (text.substr(1) == "xx" || text.substr(1) == "XX")) {
        return text[0] - '0';
    }
    const auto v = core::parse_int(text);
    if (!v || *v < 100 || *v > 699) {
        return unexpected(
            make_error(errc::invalid_argument, "invalid status '" + std::string(text) +
                                                   "': expected 100-699 or a class such as 4xx"));
    }
    return static_cast<int>(*v);
}

} // namespace ssw::trace
