// SPDX-License-Identifier: MIT
// Ladder diagrams of a call flow in text and HTML.
#include <ssw/trace/flow.hpp>

#include <algorithm>
#include <ctime>

namespace ssw::trace {

std::string format_time(std::int64_t timestamp_ns)
{
    const std::int64_t secs =
        timestamp_ns >= 0 ? timestamp_ns / 1'000'000'000 : (timestamp_ns + 1) / 1'000'000'000 - 1;
    const std::int64_t micros = (timestamp_ns - secs * 1'000'000'000) / 1000;
    const auto t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    std::string out(buf, n);
    char frac[32];
    std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(micros));
    return out + frac;
}

std::string message_label(const sip_record& r)
{
    if (r.is_request) {
        return r.method;
    }
    std::string out = std::to_string(r.status);
    if (!r.reason.empty()) {
        out += ' ';
        out += r.reason;
    }
    return out;
}

namespace {

constexpr std::size_t column_width = 26;
constexpr std::size_t time_width = 17; // "10:00:00.123456  "

std::vector<pcap::endpoint> hosts_of(const std::vector<sip_record>& records)
{
    std::vector<pcap::endpoint> hosts;
    for (const auto& r : records) {
        for (const auto& e : {r.src, r.dst}) {
            if (std::find(hosts.begin(), hosts.end(), e) == hosts.end()) {
                hosts.push_back(e);
            }
        }
    }
    return hosts;
}

std::string center(std::string text, std::size_t width)
{
    if (text.size() >= width) {
        return text.substr(0, width);
    }
    const std::size_t left = (width - text.size()) / 2;
    return std::string(left, ' ') + text + std::string(width - text.size() - left, ' ');
}

} // namespace

std::string format_flow(const std::vector<sip_record>& records)
{
    const auto hosts = hosts_of(records);
    const std::size_t cols = hosts.size();
    const std::size_t width = time_width + cols * column_width;
    const auto pos = [](std::size_t i) { return time_width + i * column_width + column_width / 2; };
    std::string out;
    std::string line(width, ' ');
    for (std::size_t i = 0; i < cols; ++i) {
        const std::string name = center(hosts[i].to_string(), column_width);
        line.replace(time_width + i * column_width, column_width, name);
    }
    out += line.substr(0, line.find_last_not_of(' ') + 1) + '\n';
    std::string rail(width, ' ');
    for (std::size_t i = 0; i < cols; ++i) {
        rail[pos(i)] = '|';
    }
    const std::string rail_trim = rail.substr(0, rail.find_last_not_of(' ') + 1);
    out += rail_trim + '\n';
    for (const auto& r : records) {
        const auto si =
            static_cast<std::size_t>(std::find(hosts.begin(), hosts.end(), r.src) - hosts.begin());
        const auto di =
            static_cast<std::size_t>(std::find(hosts.begin(), hosts.end(), r.dst) - hosts.begin());
        line = rail;
        const std::string time = format_time(r.timestamp_ns).substr(11);
        line.replace(0, time.size(), time);
        std::string label = message_label(r);
        if (r.resent) {
            label += " (resent)";
        }
        if (si == di) {
            const std::string self = "<-> " + label;
            line.replace(pos(si) + 1, std::min(self.size(), line.size() - pos(si) - 1),
                         self.substr(0, line.size() - pos(si) - 1));
        } else {
            const std::size_t a = std::min(pos(si), pos(di));
            const std::size_t b = std::max(pos(si), pos(di));
            std::string arrow(b - a - 1, '-');
            if (si < di) {
                arrow.back() = '>';
            } else {
                arrow.front() = '<';
            }
            const std::size_t room = arrow.size() > 4 ? arrow.size() - 4 : 0;
            if (label.size() > room) {
                label = label.substr(0, room);
            }
            const std::size_t at = (arrow.size() - label.size()) / 2;
            if (!label.empty()) {
                arrow.replace(at - 1, label.size() + 2, " " + label + " ");
            }
            line.replace(a + 1, arrow.size(), arrow);
        }
        out += line.substr(0, line.find_last_not_of(' ') + 1) + '\n';
    }
    out += rail_trim + '\n';
    return out;
}

namespace {

std::string html_escape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

} // namespace

std::string format_flow_html(const std::vector<sip_record>& records, const std::string& call_id)
{
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
                      "charset=\"utf-8\">\n<title>SIP flow of ";
    out += html_escape(call_id);
    out += "</title>\n<style>\nbody{font-family:sans-serif;margin:1em}\npre{font-family:monospace;"
           "background:#f6f6f6;padding:1em;overflow-x:auto}\ntable{border-collapse:collapse}\n"
           "td,th{border:1px solid #ccc;padding:2px "
           "6px;font-family:monospace}\n</style>\n</head>\n<body>\n<h1>SIP flow of ";
    out += html_escape(call_id);
    out += "</h1>\n<pre>\n";
    out += html_escape(format_flow(records));
    out += "</pre>\n<table>\n<tr><th>frame</th><th>time</th><th>source</th><th>destination</"
           "th><th>transport</th>"
           "<th>message</th><th>CSeq</th><th>from</th><th>to</th></tr>\n";
    for (const auto& r : records) {
        out += "<tr><td>" + std::to_string(r.frames.empty() ? 0 : r.frames.back()) + "</td><td>" +
               html_escape(format_time(r.timestamp_ns)) + "</td><td>" +
               html_escape(r.src.to_string()) + "</td><td>" + html_escape(r.dst.to_string()) +
               "</td><td>" + std::string(to_string(r.proto)) + "</td><td>" +
               html_escape(message_label(r)) + "</td><td>" + std::to_string(r.cseq) + " " +
               html_escape(r.cseq_method) + "</td><td>" + html_escape(r.from_user) + "</td><td>" +
               html_escape(r.to_user) + "</td></tr>\n";
    }
    out += "</table>\n</body>\n</html>\n";
    return out;
}

} // namespace ssw::trace
