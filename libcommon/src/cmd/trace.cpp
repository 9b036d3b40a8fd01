// SPDX-License-Identifier: MIT
// ssw-trace subcommands: list, calls, registrations, flow, stats, keepalives, filter -w.
#include <ssw/cli/run.hpp>
#include <ssw/cmd/trace.hpp>
#include <ssw/core/json_writer.hpp>
#include <ssw/core/text.hpp>
#include <ssw/params/store.hpp>
#include <ssw/pcap/live_capture.hpp>
#include <ssw/pcap/reader.hpp>
#include <ssw/pcap/writer.hpp>
#include <ssw/sdp/session.hpp>
#include <ssw/trace/audit.hpp>
#include <ssw/trace/filter.hpp>
#include <ssw/trace/flow.hpp>
#include <ssw/trace/report.hpp>
#include <ssw/trace/sip_extractor.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

namespace ssw::cmd::trace {

const char* const examples = R"(EXAMPLES:
  ssw-trace list --host 192.0.2.10 capture.pcap
  ssw-trace calls --json capture.pcapng | jq 'select(.final_status >= 400)'
  ssw-trace flow 3c26700a2f4c@192.0.2.10 capture.pcap --html call.html
  tcpdump -i eth0 -w - port 5060 | ssw-trace filter --user alice -w alice.pcap -
  ssw-trace audit capture.pcap --fail-on high || mail -s 'SIP probes' root < /dev/null
  ssw-trace audit capture.pcap --emit nft | sh
  ssw-trace audit -i eth0 --filter 'port 5060' --interval 300 --params /etc/ssw/params.conf)";

namespace {

namespace tr = ssw::trace;

constexpr const char* tool = "ssw-trace";

result<tr::message_filter> make_filter(const options& opt)
{
    tr::message_filter f;
    for (const auto& h : opt.hosts) {
        auto a = pcap::parse_ip_address(h);
        if (!a) {
            return unexpected(make_error(errc::invalid_argument,
                                         "invalid --host '" + h + "': expected an IP address"));
        }
        f.hosts.push_back(*a);
    }
    for (const auto& p : opt.ports) {
        const auto v = core::parse_int(p);
        if (!v || *v < 0 || *v > 65535) {
            return unexpected(
                make_error(errc::invalid_argument, "invalid --port '" + p + "': expected 0-65535"));
        }
        f.ports.push_back(static_cast<std::uint16_t>(*v));
    }
    f.methods = opt.methods;
    for (auto& m : f.methods) {
        m = core::to_upper(m);
    }
    for (const auto& s : opt.statuses) {
        auto v = tr::parse_status_filter(s);
        if (!v) {
            return unexpected(std::move(v).error());
        }
        f.statuses.push_back(*v);
    }
    f.call_ids = opt.call_ids;
    f.users = opt.users;
    if (!opt.since.empty()) {
        SSW_TRY_ASSIGN(f.since_ns, tr::parse_time(opt.since));
    }
    if (!opt.until.empty()) {
        SSW_TRY_ASSIGN(f.until_ns, tr::parse_time(opt.until));
    }
    return f;
}

std::string iso_time(std::int64_t ns)
{
    std::string t = tr::format_time(ns);
    t[10] = 'T';
    return t + "Z";
}

std::string frames_json(const std::vector<std::uint64_t>& frames)
{
    std::string out = "[";
    for (std::size_t i = 0; i < frames.size(); ++i) {
        if (i) {
            out += ',';
        }
        out += std::to_string(frames[i]);
    }
    return out + "]";
}

std::string seconds(std::int64_t ns)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1e9);
    return buf;
}

// Draws "\rssw-trace: FILE 42% (N frames)" on a terminal's stderr.
struct progress_bar {
    cli::io& io;
    bool enabled;
    bool drawn = false;
    void operator()(const pcap::reader& r)
    {
        if (!enabled) {
            return;
        }
        std::string text = std::string(tool) + ": " + r.path();
        if (auto size = r.file_size(); size && *size) {
            const auto pct = static_cast<int>(100.0 * static_cast<double>(r.bytes_read()) /
                                              static_cast<double>(*size));
            const int filled = pct / 5;
            text += " [" + std::string(static_cast<std::size_t>(filled), '#') +
                    std::string(static_cast<std::size_t>(20 - std::min(filled, 20)), ' ') + "] " +
                    std::to_string(pct) + "%";
        }
        text += " " + std::to_string(r.frames_read()) + " frames";
        io.err << '\r' << text << "\x1b[K" << std::flush;
        drawn = true;
    }
    void clear()
    {
        if (drawn) {
            io.err << "\r\x1b[K" << std::flush;
            drawn = false;
        }
    }
};

// A problem that does not stop the command: "ssw-trace: where: message" on stderr, or a
// {"type":"warning"} line with --json.
void warn(cli::io& io, std::string_view where, std::string_view message)
{
    if (io.json) {
        io.err << core::json_line{}
                      .field("type", "warning")
                      .field("where", where)
                      .field("message", message)
                      .str()
               << '\n';
        return;
    }
    io.err << tool << ": " << where << ": " << message << '\n';
}

// Opens each input in turn and feeds it through one extractor per file. Stops at the first
// damaged file; its error comes back after the handlers saw everything before the damage.
result<void> for_each_input(const options& opt, cli::io& io, const tr::extractor_handlers& handlers)
{
    std::vector<std::string> files = opt.files;
    if (files.empty()) {
        files.emplace_back("-");
    }
    progress_bar bar{io, io.err_is_tty && !io.json};
    tr::extractor_handlers h = handlers;
    if (io.verbosity > 0 && !h.on_bad_sip) {
        h.on_bad_sip = [&io](const error& e, std::span<const std::uint64_t> frames) {
            io.err << tool << ": frame " << (frames.empty() ? 0 : frames.back())
                   << ": not SIP: " << e.where << ": " << e.message << '\n';
        };
    }
    for (const auto& f : files) {
        SSW_TRY_ASSIGN(auto in, pcap::reader::open(f));
        tr::sip_extractor ex(h);
        auto r = ex.run(in, [&](const pcap::reader& rd) { bar(rd); });
        bar.clear();
        if (io.verbosity > 0) {
            const auto& s = ex.stats();
            io.err << tool << ": " << f << ": " << in.frames_read() << " frames, " << s.sip_messages
                   << " SIP messages (" << s.sip_udp << " UDP, " << s.sip_tcp << " TCP), "
                   << s.bad_sip << " unparsable, " << s.keepalives << " keep-alives\n";
        }
        // A capture ssw cannot take apart must not look like one without SIP in it.
        const auto cs = ex.capture_stats();
        if (const auto skipped = pcap::describe_unsupported_links(cs); !skipped.empty()) {
            if (r && cs.unsupported_link == cs.frames) {
                return unexpected(make_error(errc::unsupported, skipped, f));
            }
            warn(io, f, skipped);
        }
        if (!r) {
            return r;
        }
    }
    return {};
}

void print_record(cli::io& io, const tr::sip_record& r)
{
    if (io.json) {
        core::json_line j;
        j.field("type", "message")
            .field("frame", r.frames.empty() ? std::uint64_t{0} : r.frames.back())
            .field("time", iso_time(r.timestamp_ns))
            .field("src", r.src.to_string())
            .field("dst", r.dst.to_string())
            .field("transport", tr::to_string(r.proto));
        if (r.is_request) {
            j.field("method", r.method);
        } else {
            j.field("status", r.status).field("reason", r.reason);
        }
        j.field("call_id", r.call_id)
            .field("cseq", static_cast<std::uint64_t>(r.cseq))
            .field("cseq_method", r.cseq_method)
            .field("from_user", r.from_user)
            .field("to_user", r.to_user)
            .field("resent", r.resent)
            .field_raw("frames", frames_json(r.frames));
        io.out << j.str() << '\n';
        return;
    }
    // One append-only buffer per line and the date cached per second: `list` prints millions
    // of lines and iostream insertion per field dominated its profile.
    static thread_local std::string line;
    static thread_local std::int64_t cached_second = -1;
    static thread_local std::string cached_prefix;
    const std::int64_t second = r.timestamp_ns >= 0 ? r.timestamp_ns / 1'000'000'000 : -2;
    if (second != cached_second) {
        cached_second = second;
        cached_prefix = tr::format_time(r.timestamp_ns).substr(0, 19);
    }
    line.clear();
    line += std::to_string(r.frames.empty() ? 0 : r.frames.back());
    line += ' ';
    if (second >= 0) {
        char frac[16];
        std::snprintf(frac, sizeof frac, ".%06d",
                      static_cast<int>((r.timestamp_ns % 1'000'000'000) / 1000));
        line += cached_prefix;
        line += frac;
    } else {
        line += tr::format_time(r.timestamp_ns);
    }
    line += ' ';
    line += r.src.to_string();
    line += " -> ";
    line += r.dst.to_string();
    line += ' ';
    line += tr::to_string(r.proto);
    line += ' ';
    line += tr::message_label(r);
    if (r.resent) {
        line += " (resent)";
    }
    line += " cseq=";
    line += std::to_string(r.cseq);
    line += ' ';
    line += r.cseq_method;
    line += " call-id=";
    line += r.call_id;
    line += " from=";
    line += r.from_user;
    line += " to=";
    line += r.to_user;
    line += '\n';
    io.out.write(line.data(), static_cast<std::streamsize>(line.size()));
}

std::string rtp_json(const tr::rtp_stream& s)
{
    char jit[32];
    std::snprintf(jit, sizeof jit, "%.3f", s.jitter_ms);
    return core::json_line{}
        .field("src", s.src.to_string())
        .field("dst", s.dst.to_string())
        .field("ssrc", static_cast<std::uint64_t>(s.ssrc))
        .field("payload_type", static_cast<std::uint64_t>(s.payload_type))
        .field("packets", s.packets)
        .field("lost", s.lost)
        .field_raw("jitter_ms", jit)
        .str();
}

void print_call(cli::io& io, const tr::call_info& c)
{
    const auto opt_ms = [&](const std::optional<std::int64_t>& t) -> std::optional<std::int64_t> {
        if (!t) {
            return std::nullopt;
        }
        return (*t - c.start_ns) / 1'000'000;
    };
    const bool has_duration = c.answer_ns.has_value() && c.end_ns.has_value();
    const std::int64_t duration_ns =
        has_duration ? c.end_ns.value_or(0) - c.answer_ns.value_or(0) : 0;
    if (io.json) {
        core::json_line j;
        j.field("type", "call")
            .field("call_id", c.call_id)
            .field("caller", c.caller)
            .field("callee", c.callee)
            .field("caller_address", c.caller_address.to_string())
            .field("callee_address", c.callee_address.to_string())
            .field("start", iso_time(c.start_ns));
        const auto put_ms = [&](std::string_view key, const std::optional<std::int64_t>& v) {
            if (v) {
                j.field(key, *v);
            } else {
                j.field_null(key);
            }
        };
        put_ms("pdd_ms", opt_ms(c.ringing_ns));
        put_ms("answer_ms", opt_ms(c.answer_ns));
        if (c.end_ns) {
            j.field("end", iso_time(*c.end_ns));
        } else {
            j.field_null("end");
        }
        put_ms("duration_ms",
               has_duration ? std::optional<std::int64_t>(duration_ns / 1'000'000) : std::nullopt);
        j.field("final_status", c.final_status)
            .field("hangup", c.hangup)
            .field("invite_retransmissions", static_cast<std::uint64_t>(c.invite_retransmissions))
            .field("auth_challenges", static_cast<std::uint64_t>(c.auth_challenges))
            .field("messages", c.messages);
        std::string rtp = "[";
        for (std::size_t i = 0; i < c.rtp.size(); ++i) {
            rtp += (i ? "," : "") + rtp_json(c.rtp[i]);
        }
        j.field_raw("rtp", rtp + "]");
        io.out << j.str() << '\n';
        return;
    }
    const auto ms = [](const std::optional<std::int64_t>& v) {
        return v ? std::to_string(*v) + "ms" : std::string("-");
    };
    io.out << tr::format_time(c.start_ns) << ' ' << (c.caller.empty() ? "-" : c.caller) << " -> "
           << (c.callee.empty() ? "-" : c.callee) << " status=" << c.final_status
           << " pdd=" << ms(opt_ms(c.ringing_ns)) << " answer=" << ms(opt_ms(c.answer_ns))
           << " end=" << (c.end_ns ? tr::format_time(*c.end_ns).substr(11) : std::string("-"))
           << " duration=" << (has_duration ? seconds(duration_ns) + "s" : std::string("-"))
           << " hangup=" << (c.hangup.empty() ? "-" : c.hangup)
           << " retrans=" << c.invite_retransmissions << " auth=" << c.auth_challenges
           << " call-id=" << c.call_id << '\n';
    for (const auto& s : c.rtp) {
        char line[256];
        std::snprintf(line, sizeof line,
                      "  rtp %s -> %s ssrc=0x%08x pt=%u packets=%llu lost=%lld jitter=%.2fms\n",
                      s.src.to_string().c_str(), s.dst.to_string().c_str(), s.ssrc, s.payload_type,
                      static_cast<unsigned long long>(s.packets), static_cast<long long>(s.lost),
                      s.jitter_ms);
        io.out << line;
    }
}

void print_stats(cli::io& io, const tr::sip_stats& s, std::uint64_t keepalives)
{
    if (io.json) {
        io.out << core::json_line{}
                      .field("type", "stats")
                      .field("messages", s.messages)
                      .field("resent", s.resent)
                      .field("keepalives", keepalives)
                      .str()
               << '\n';
        for (const auto& [m, n] : s.methods) {
            io.out << core::json_line{}
                          .field("type", "method")
                          .field("method", m)
                          .field("count", n)
                          .str()
                   << '\n';
        }
        for (const auto& [code, n] : s.statuses) {
            io.out << core::json_line{}
                          .field("type", "status")
                          .field("status", code)
                          .field("reason", tr::standard_reason(code))
                          .field("count", n)
                          .str()
                   << '\n';
        }
        return;
    }
    io.out << "SIP messages: " << s.messages << "\nResent messages: " << s.resent
           << "\nKeep-alives: " << keepalives << "\nRequests:\n";
    for (const auto& [m, n] : s.methods) {
        char line[128];
        std::snprintf(line, sizeof line, "  %-16s %8llu\n", m.c_str(),
                      static_cast<unsigned long long>(n));
        io.out << line;
    }
    io.out << "Responses:\n";
    for (const auto& [code, n] : s.statuses) {
        char line[128];
        const std::string label =
            std::to_string(code) + " " + std::string(tr::standard_reason(code));
        std::snprintf(line, sizeof line, "  %-34s %8llu\n", label.c_str(),
                      static_cast<unsigned long long>(n));
        io.out << line;
    }
}

result<cli::exit_code> run_flow(const options& opt, cli::io& io)
{
    std::vector<tr::sip_record> records;
    tr::extractor_handlers h;
    h.on_sip = [&](const tr::sip_event& e) {
        if (e.record.call_id == opt.call_id && records.size() < 100000) {
            records.push_back(e.record);
        }
    };
    auto r = for_each_input(opt, io, h);
    if (records.empty()) {
        if (!r) {
            return unexpected(std::move(r).error());
        }
        io.err << tool << ": no SIP message with Call-ID '" << opt.call_id << "'\n";
        return cli::exit_code::findings;
    }
    if (io.json) {
        for (const auto& rec : records) {
            print_record(io, rec);
        }
    } else {
        io.out << tr::format_flow(records);
    }
    if (!opt.html.empty()) {
        const std::string page = tr::format_flow_html(records, opt.call_id);
        if (opt.html == "-") {
            io.out << page;
        } else {
            std::ofstream f(opt.html, std::ios::binary | std::ios::trunc);
            if (!f) {
                return unexpected(
                    make_error(errc::cant_create, "cannot create the HTML file", opt.html));
            }
            f << page;
            f.close();
            if (!f) {
                return unexpected(make_error(errc::io_error, "write failed", opt.html));
            }
        }
    }
    if (!r) {
        return unexpected(std::move(r).error());
    }
    return cli::exit_code::ok;
}

// Per Call-ID state while deciding which calls `filter` keeps.
struct pending_call {
    std::vector<std::uint64_t> frames;
    std::int64_t last_ns = 0;
};

// Unselected Call-IDs are forgotten after this much capture time without a message.
constexpr std::int64_t filter_idle_ns = 3600LL * 1'000'000'000;
// Frames remembered per undecided Call-ID.
constexpr std::size_t max_frames_per_call = 100000;
// SDP-announced media addresses remembered (bounded on captures of millions of calls).
constexpr std::size_t max_media_addresses = 1u << 20;

// The RTP and RTCP addresses a message's SDP announces, for `filter` to follow the media.
void learn_media(const sip::message& msg, const std::string& call_id,
                 std::map<pcap::endpoint, std::string>& media)
{
    const auto body = msg.body();
    if (body.size() < 2 || body.substr(0, 2) != "v=" || media.size() >= max_media_addresses) {
        return;
    }
    const auto s = sdp::parse_session(body);
    if (!s) {
        return;
    }
    for (std::size_t i = 0; i < s->media_list.size(); ++i) {
        const auto& m = s->media_list[i];
        const auto* conn = s->connection_for(i);
        if (conn == nullptr || m.port == 0) {
            continue;
        }
        if (const auto addr = pcap::parse_ip_address(conn->address)) {
            media[pcap::endpoint{*addr, m.port}] = call_id;
            media[pcap::endpoint{*addr, static_cast<std::uint16_t>(m.port + 1)}] = call_id; // RTCP
        }
    }
}

result<std::string> spool_stdin(cli::io& io)
{
    char path[] = "/tmp/ssw-trace-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) {
        return unexpected(
            make_error(errc::cant_create, "cannot create a temporary file for stdin", path));
    }
    close(fd);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << io.in.rdbuf();
    f.close();
    if (!f) {
        std::remove(path);
        return unexpected(make_error(errc::io_error, "cannot spool stdin", path));
    }
    return std::string(path);
}

result<cli::exit_code> run_filter(const options& opt, cli::io& io, const tr::message_filter& filter)
{
    if (opt.files.size() > 1) {
        return unexpected(make_error(
            errc::usage, "filter takes one capture (merge several with mergecap first)"));
    }
    std::string path = opt.files.empty() ? std::string("-") : opt.files.front();
    std::string spooled;
    if (path == "-") {
        SSW_TRY_ASSIGN(spooled, spool_stdin(io));
        path = spooled;
    }
    struct cleanup {
        std::string p;
        ~cleanup()
        {
            if (!p.empty()) {
                std::remove(p.c_str());
            }
        }
    } guard{spooled};

    // Pass 1: which Call-IDs are selected, and which frames carry them.
    std::unordered_map<std::string, pending_call> pending;
    std::unordered_set<std::string> selected;
    std::vector<std::uint64_t> keep;
    std::int64_t last_sweep = 0;
    // Media of the calls, learnt from their SDP: RTP and RTCP to or from those addresses go
    // with the call's SIP (the ladder alone cannot tell one-way audio).
    std::map<pcap::endpoint, std::string> media;
    tr::extractor_handlers h;
    h.on_other_udp = [&](const pcap::udp_datagram& d) {
        auto owner = media.find(d.dst);
        if (owner == media.end()) {
            owner = media.find(d.src);
        }
        if (owner == media.end()) {
            return;
        }
        if (selected.count(owner->second) != 0) {
            keep.insert(keep.end(), d.frames.begin(), d.frames.end());
        } else if (const auto p = pending.find(owner->second);
                   p != pending.end() && p->second.frames.size() < max_frames_per_call) {
            p->second.frames.insert(p->second.frames.end(), d.frames.begin(), d.frames.end());
        }
    };
    h.on_sip = [&](const tr::sip_event& e) {
        const auto& r = e.record;
        learn_media(e.msg, r.call_id, media);
        if (selected.count(r.call_id)) {
            keep.insert(keep.end(), r.frames.begin(), r.frames.end());
            return;
        }
        if (filter.matches(r)) {
            selected.insert(r.call_id);
            auto it = pending.find(r.call_id);
            if (it != pending.end()) {
                keep.insert(keep.end(), it->second.frames.begin(), it->second.frames.end());
                pending.erase(it);
            }
            keep.insert(keep.end(), r.frames.begin(), r.frames.end());
            return;
        }
        auto& p = pending[r.call_id];
        if (p.frames.size() < max_frames_per_call) {
            p.frames.insert(p.frames.end(), r.frames.begin(), r.frames.end());
        }
        p.last_ns = r.timestamp_ns;
        if (r.timestamp_ns - last_sweep > 60LL * 1'000'000'000) {
            last_sweep = r.timestamp_ns;
            std::erase_if(pending, [&](const auto& kv) {
                return r.timestamp_ns - kv.second.last_ns > filter_idle_ns;
            });
        }
    };
    options one = opt;
    one.files = {path};
    auto scanned = for_each_input(one, io, h);
    std::sort(keep.begin(), keep.end());
    keep.erase(std::unique(keep.begin(), keep.end()), keep.end());

    // Pass 2: copy the kept frames as they are.
    SSW_TRY_ASSIGN(auto in, pcap::reader::open(path));
    SSW_TRY_ASSIGN(auto out, pcap::writer::open(opt.write, pcap::writer::options_like(in)));
    auto next = keep.begin();
    while (next != keep.end()) {
        auto p = in.next();
        if (!p || !*p) {
            break;
        }
        if ((*p)->frame_number == *next) {
            SSW_TRY(out.write(**p));
            ++next;
        }
    }
    SSW_TRY(out.close());
    if (io.verbosity > 0 || opt.write != "-") {
        if (!io.json) {
            io.err << tool << ": wrote " << out.frames_written() << " frames of " << selected.size()
                   << " calls to " << opt.write << '\n';
        }
    }
    if (io.json && opt.write != "-") {
        io.out << core::json_line{}
                      .field("type", "result")
                      .field("calls", static_cast<std::uint64_t>(selected.size()))
                      .field("frames", out.frames_written())
                      .field("output", opt.write)
                      .str()
               << '\n';
    }
    if (!scanned) {
        return unexpected(std::move(scanned).error());
    }
    return cli::exit_code::ok;
}

// ---- audit ------------------------------------------------------------------------------

std::string upper(std::string_view s)
{
    return core::to_upper(s);
}

std::string join_frames(const std::vector<std::uint64_t>& frames)
{
    std::string out;
    for (const auto f : frames) {
        out += (out.empty() ? "" : ",") + std::to_string(f);
    }
    return out;
}

void print_finding(cli::io& io, const tr::finding& f)
{
    std::string ports;
    for (const auto p : f.ports) {
        ports += (ports.empty() ? "" : ",") + std::to_string(p);
    }
    if (io.json) {
        core::json_line j;
        j.field("type", "finding")
            .field("kind", tr::to_string(f.kind))
            .field("severity", tr::to_string(f.severity))
            .field("confidence", f.confidence)
            .field("source", f.source.to_string())
            .field_raw("ports", "[" + ports + "]")
            .field("targets", f.targets)
            .field("tool", f.tool)
            .field("account", f.account);
        if (f.leaked_password.empty()) {
            j.field_null("leaked_password");
        } else {
            j.field("leaked_password", f.leaked_password);
        }
        j.field("first", iso_time(f.first_ns))
            .field("last", iso_time(f.last_ns))
            .field("count", f.count)
            .field("distinct", f.distinct)
            .field_raw("frames", frames_json(f.frames))
            .field("detail", f.detail);
        io.out << j.str() << '\n';
        return;
    }
    io.out << upper(tr::to_string(f.severity)) << ' ' << tr::to_string(f.kind) << " from "
           << f.source.to_string();
    if (!f.tool.empty()) {
        io.out << " tool=" << f.tool;
    }
    if (!f.account.empty()) {
        io.out << " account=" << f.account;
    }
    char conf[16];
    std::snprintf(conf, sizeof conf, "%.2f", f.confidence);
    io.out << " confidence=" << conf << "\n  " << f.detail << "\n  " << tr::format_time(f.first_ns)
           << " .. " << tr::format_time(f.last_ns).substr(11) << " count=" << f.count;
    if (f.distinct) {
        io.out << " distinct=" << f.distinct;
    }
    io.out << " ports=" << (ports.empty() ? "-" : ports) << " frames=" << join_frames(f.frames)
           << '\n';
    if (!f.targets.empty()) {
        io.out << "  targets:";
        for (const auto& t : f.targets) {
            io.out << ' ' << t;
        }
        io.out << '\n';
    }
    if (!f.leaked_password.empty()) {
        io.out << "  leaked password guess: " << f.leaked_password << '\n';
    }
}

void print_exposure(cli::io& io, const tr::exposure_report& e)
{
    const auto codes_text = [](const std::map<int, std::uint64_t>& codes) {
        std::string t;
        for (const auto& [c, n] : codes) {
            t += (t.empty() ? "" : " ") + std::to_string(c) + "x" + std::to_string(n);
        }
        return t.empty() ? std::string("-") : t;
    };
    if (io.json) {
        std::string codes = "{";
        for (const auto& [c, n] : e.codes) {
            codes += (codes.size() > 1 ? "," : "") + std::string("\"") + std::to_string(c) +
                     "\":" + std::to_string(n);
        }
        io.out << core::json_line{}
                      .field("type", "exposure")
                      .field("behaviour", tr::to_string(e.behaviour))
                      .field("probes", e.probes)
                      .field("answered", e.answered)
                      .field_raw("codes", codes + "}")
                      .field("sources", static_cast<std::uint64_t>(e.sources.size()))
                      .str()
               << '\n';
        for (const auto& s : e.sources) {
            std::string sc = "{";
            for (const auto& [c, n] : s.codes) {
                sc += (sc.size() > 1 ? "," : "") + std::string("\"") + std::to_string(c) +
                      "\":" + std::to_string(n);
            }
            io.out << core::json_line{}
                          .field("type", "exposure_source")
                          .field("source", s.address.to_string())
                          .field("requests", s.requests)
                          .field("answered", s.answered)
                          .field_raw("codes", sc + "}")
                          .str()
                   << '\n';
        }
        for (const auto& l : e.leaks) {
            io.out << core::json_line{}
                          .field("type", "leak")
                          .field("what", l.what)
                          .field("value", l.value)
                          .field("frame", l.frame)
                          .str()
                   << '\n';
        }
        for (const auto& r : e.recommendations) {
            io.out << core::json_line{}.field("type", "recommendation").field("text", r).str()
                   << '\n';
        }
        for (const auto& c : e.configuration) {
            io.out << core::json_line{}.field("type", "configuration").field("text", c).str()
                   << '\n';
        }
        return;
    }
    io.out << "\nExposure (sources that never authenticated, peers excluded):\n";
    io.out << "  server behaviour: " << tr::to_string(e.behaviour);
    switch (e.behaviour) {
    case tr::server_behaviour::user_dependent:
        io.out << " (answers reveal which users exist)";
        break;
    case tr::server_behaviour::uniform:
        io.out << " (same answer for every user: SS_REPLY_UNAUTHORIZED On)";
        break;
    case tr::server_behaviour::silent:
        io.out << " (probes get no answer: SS_REPLY_UNAUTHORIZED Off)";
        break;
    case tr::server_behaviour::none: io.out << " (no unauthenticated requests)"; break;
    }
    io.out << "\n  probes=" << e.probes << " answered=" << e.answered
           << " codes=" << codes_text(e.codes) << '\n';
    for (const auto& s : e.sources) {
        char line[160];
        std::snprintf(line, sizeof line, "  %-40s requests=%-8llu answered=%-8llu ",
                      s.address.to_string().c_str(), static_cast<unsigned long long>(s.requests),
                      static_cast<unsigned long long>(s.answered));
        io.out << line << "codes=" << codes_text(s.codes) << '\n';
    }
    if (!e.leaks.empty()) {
        io.out << "  leaked:\n";
        for (const auto& l : e.leaks) {
            io.out << "    " << l.what << ": " << l.value;
            if (l.frame) {
                io.out << " (frame " << l.frame << ')';
            }
            io.out << '\n';
        }
    }
    if (!e.recommendations.empty()) {
        io.out << "\nRecommendations:\n";
        for (const auto& r : e.recommendations) {
            io.out << "  - " << r << '\n';
        }
    }
    if (!e.configuration.empty()) {
        io.out << "\nConfigured versus observed:\n";
        for (const auto& c : e.configuration) {
            io.out << "  - " << c << '\n';
        }
    }
}

volatile std::sig_atomic_t audit_stop = 0;

extern "C" void audit_on_signal(int)
{
    audit_stop = 1;
}

result<cli::exit_code> run_audit(const options& opt, cli::io& io)
{
    tr::audit_rules rules;
    if (!opt.rules.empty()) {
        auto r = tr::load_audit_rules(opt.rules);
        if (!r) {
            error e = std::move(r).error();
            if (e.code != errc::not_found && e.code != errc::io_error) {
                e.code = errc::config_error;
            }
            return unexpected(std::move(e));
        }
        rules = std::move(*r);
    }
    for (const auto& p : opt.peers) {
        auto a = pcap::parse_ip_address(p);
        if (!a) {
            return unexpected(
                make_error(errc::usage, "invalid --peer '" + p + "': expected an IP address"));
        }
        rules.peers.push_back(*a);
    }
    std::optional<tr::severity> fail_on;
    if (!opt.fail_on.empty()) {
        auto s = tr::parse_severity(opt.fail_on);
        if (!s) {
            return unexpected(make_error(errc::usage, "--fail-on: " + s.error().message));
        }
        fail_on = *s;
    }
    if (!opt.emit.empty() && !tr::block_rules(opt.emit, {})) {
        return unexpected(make_error(errc::usage, "invalid --emit '" + opt.emit +
                                                      "': expected ipset, nft, iptables or plain"));
    }
    if (opt.interval < 1 || opt.duration < 0) {
        return unexpected(
            make_error(errc::usage, "--interval must be at least 1 and --duration at least 0"));
    }
    std::optional<params::param_file> configured;
    if (!opt.params.empty()) {
        auto f = params::param_file::load(opt.params);
        if (!f) {
            error e = std::move(f).error();
            if (e.code != errc::not_found && e.code != errc::io_error) {
                e.code = errc::config_error;
            }
            return unexpected(std::move(e));
        }
        if (!f->exists()) {
            return unexpected(make_error(errc::not_found, "parameter file not found", opt.params));
        }
        configured = std::move(*f);
    }

    tr::auditor audit(rules);
    tr::extractor_handlers h;
    h.on_sip = [&](const tr::sip_event& e) { audit.on_sip(e); };

    const auto report = [&](bool final_report) -> result<cli::exit_code> {
        if (final_report) {
            audit.finish();
        }
        const auto findings = audit.findings();
        const tr::severity threshold = fail_on.value_or(tr::severity::medium);
        if (!opt.emit.empty()) {
            std::vector<pcap::ip_address> block;
            for (const auto& f : findings) {
                if (f.severity >= threshold &&
                    std::find(block.begin(), block.end(), f.source) == block.end()) {
                    block.push_back(f.source);
                }
            }
            SSW_TRY_ASSIGN(const auto text, tr::block_rules(opt.emit, block));
            io.out << text;
        } else {
            std::map<tr::severity, std::size_t> by;
            std::set<pcap::ip_address> srcs;
            for (const auto& f : findings) {
                ++by[f.severity];
                srcs.insert(f.source);
            }
            const auto st = audit.stats();
            if (io.json) {
                io.out << core::json_line{}
                              .field("type", "summary")
                              .field("findings", static_cast<std::uint64_t>(findings.size()))
                              .field("critical",
                                     static_cast<std::uint64_t>(by[tr::severity::critical]))
                              .field("high", static_cast<std::uint64_t>(by[tr::severity::high]))
                              .field("medium", static_cast<std::uint64_t>(by[tr::severity::medium]))
                              .field("low", static_cast<std::uint64_t>(by[tr::severity::low]))
                              .field("sources", static_cast<std::uint64_t>(srcs.size()))
                              .field("messages", st.messages)
                              .field("final", final_report)
                              .str()
                       << '\n';
            } else {
                io.out << "ssw-trace audit: " << findings.size() << " findings ("
                       << by[tr::severity::critical] << " critical, " << by[tr::severity::high]
                       << " high, " << by[tr::severity::medium] << " medium, "
                       << by[tr::severity::low] << " low) from " << srcs.size() << " sources in "
                       << st.messages << " SIP messages\n";
                if (!findings.empty()) {
                    io.out << '\n';
                }
            }
            for (const auto& f : findings) {
                print_finding(io, f);
            }
            print_exposure(io, audit.exposure(configured ? &*configured : nullptr));
        }
        io.out << std::flush;
        if (fail_on && std::any_of(findings.begin(), findings.end(),
                                   [&](const tr::finding& f) { return f.severity >= *fail_on; })) {
            return cli::exit_code::findings;
        }
        return cli::exit_code::ok;
    };

    if (!opt.interface.empty()) {
        SSW_TRY_ASSIGN(auto cap, pcap::live_capture::open(opt.interface, opt.bpf));
        tr::sip_extractor ex(h);
        audit_stop = 0;
        auto old_int = std::signal(SIGINT, audit_on_signal);
        auto old_term = std::signal(SIGTERM, audit_on_signal);
        const auto start = std::chrono::steady_clock::now();
        auto next_report = start + std::chrono::seconds(opt.interval);
        result<void> failed;
        while (!audit_stop) {
            const auto now = std::chrono::steady_clock::now();
            if (opt.duration > 0 && now - start >= std::chrono::seconds(opt.duration)) {
                break;
            }
            auto polled = cap.poll([&](const pcap::packet& p) { ex.on_packet(p); },
                                   std::chrono::milliseconds(200));
            if (!polled) {
                failed = unexpected(std::move(polled).error());
                break;
            }
            if (std::chrono::steady_clock::now() >= next_report) {
                next_report += std::chrono::seconds(opt.interval);
                auto r = report(false);
                if (!r) {
                    failed = unexpected(std::move(r).error());
                    break;
                }
                if (!io.json && opt.emit.empty()) {
                    io.out << "\n";
                }
            }
        }
        std::signal(SIGINT, old_int);
        std::signal(SIGTERM, old_term);
        ex.finish();
        if (!failed) {
            return unexpected(std::move(failed).error());
        }
        if (io.verbosity > 0) {
            io.err << tool << ": " << opt.interface << ": " << cap.frames() << " frames, "
                   << cap.dropped() << " dropped by the kernel\n";
        }
        return report(true);
    }

    auto scanned = for_each_input(opt, io, h);
    auto code = report(true);
    if (!scanned) {
        return unexpected(std::move(scanned).error());
    }
    return code;
}

} // namespace

result<cli::exit_code> run(const options& opt, cli::io& io)
{
    auto filter_r = make_filter(opt);
    if (!filter_r) {
        error e = std::move(filter_r).error();
        e.code = errc::usage; // a bad filter value is a bad command line
        return unexpected(std::move(e));
    }
    const tr::message_filter& filter = *filter_r;

    switch (opt.cmd) {
    case command::list: {
        tr::extractor_handlers h;
        h.on_sip = [&](const tr::sip_event& e) {
            if (filter.matches(e.record)) {
                print_record(io, e.record);
            }
        };
        SSW_TRY(for_each_input(opt, io, h));
        return cli::exit_code::ok;
    }
    case command::stats: {
        tr::sip_stats stats;
        std::uint64_t keepalives = 0;
        tr::extractor_handlers h;
        h.on_sip = [&](const tr::sip_event& e) {
            if (filter.matches(e.record)) {
                stats.on_record(e.record);
            }
        };
        h.on_keepalive = [&](const tr::keepalive_record&) { ++keepalives; };
        h.parties = !filter.users.empty();
        auto r = for_each_input(opt, io, h);
        print_stats(io, stats, keepalives);
        if (!r) {
            return unexpected(std::move(r).error());
        }
        return cli::exit_code::ok;
    }
    case command::calls: {
        const bool all = filter.empty();
        tr::call_tracker calls([&](tr::call_info&& c) {
            if (all || c.matched) {
                print_call(io, c);
            }
        });
        tr::extractor_handlers h;
        h.on_sip = [&](const tr::sip_event& e) {
            calls.on_sip(e, !all && filter.matches(e.record));
        };
        h.on_other_udp = [&](const pcap::udp_datagram& d) { calls.on_udp(d); };
        auto r = for_each_input(opt, io, h);
        calls.finish();
        if (!r) {
            return unexpected(std::move(r).error());
        }
        return cli::exit_code::ok;
    }
    case command::registrations: {
        tr::registration_tracker regs;
        tr::extractor_handlers h;
        h.on_sip = [&](const tr::sip_event& e) { regs.on_sip(e, filter.matches(e.record)); };
        auto r = for_each_input(opt, io, h);
        for (const auto& g : regs.results()) {
            if (!filter.empty() && !g.matched) {
                continue;
            }
            if (io.json) {
                core::json_line j;
                j.field("type", "registration")
                    .field("account", g.account)
                    .field("contact", g.contact)
                    .field("source", g.source.to_string())
                    .field("attempts", g.attempts)
                    .field("challenges", g.challenges)
                    .field("successes", g.successes)
                    .field("failures", g.failures);
                if (g.expires_granted) {
                    j.field("expires_granted", static_cast<std::uint64_t>(*g.expires_granted));
                } else {
                    j.field_null("expires_granted");
                }
                j.field("first", iso_time(g.first_ns)).field("last", iso_time(g.last_ns));
                io.out << j.str() << '\n';
            } else {
                io.out << g.account << " contact=" << (g.contact.empty() ? "-" : g.contact)
                       << " from=" << g.source.to_string() << " attempts=" << g.attempts
                       << " challenges=" << g.challenges << " successes=" << g.successes
                       << " failures=" << g.failures << " expires="
                       << (g.expires_granted ? std::to_string(*g.expires_granted)
                                             : std::string("-"))
                       << '\n';
            }
        }
        if (!r) {
            return unexpected(std::move(r).error());
        }
        return cli::exit_code::ok;
    }
    case command::keepalives: {
        tr::extractor_handlers h;
        h.on_keepalive = [&](const tr::keepalive_record& k) {
            if (!filter.hosts.empty() &&
                std::none_of(filter.hosts.begin(), filter.hosts.end(), [&](const auto& a) {
                    return k.src.address == a || k.dst.address == a;
                })) {
                return;
            }
            if (io.json) {
                io.out << core::json_line{}
                              .field("type", "keepalive")
                              .field("frame", k.frame)
                              .field("time", iso_time(k.timestamp_ns))
                              .field("src", k.src.to_string())
                              .field("dst", k.dst.to_string())
                              .field("kind", tr::to_string(k.kind))
                              .field("bytes", static_cast<std::uint64_t>(k.bytes))
                              .str()
                       << '\n';
            } else {
                io.out << k.frame << ' ' << tr::format_time(k.timestamp_ns) << ' '
                       << k.src.to_string() << " -> " << k.dst.to_string() << ' '
                       << tr::to_string(k.kind) << ' ' << k.bytes << " bytes\n";
            }
        };
        SSW_TRY(for_each_input(opt, io, h));
        return cli::exit_code::ok;
    }
    case command::flow: return run_flow(opt, io);
    case command::filter: return run_filter(opt, io, filter);
    case command::audit: return run_audit(opt, io);
    case command::none: break;
    }
    return unexpected(make_error(errc::usage, "a subcommand is required (see --help)"));
}

} // namespace ssw::cmd::trace
