// SPDX-License-Identifier: MIT
// rtpcrypt: the behaviour of every subcommand (main.cpp only declares options).
#include <ssw/cmd/rtpcrypt.hpp>
#include <ssw/core/atomic_file.hpp>
#include <ssw/core/json_writer.hpp>
#include <ssw/core/text.hpp>
#include <ssw/crypto/key.hpp>
#include <ssw/crypto/payload_cipher.hpp>
#include <ssw/crypto/scheme.hpp>
#include <ssw/pcap/capture_decoder.hpp>
#include <ssw/pcap/frame_decoder.hpp>
#include <ssw/pcap/reader.hpp>
#include <ssw/pcap/writer.hpp>
#include <ssw/rtp/audio_score.hpp>
#include <ssw/rtp/diagnosis.hpp>
#include <ssw/rtp/encryption_params.hpp>
#include <ssw/rtp/packet.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <set>

namespace ssw::cmd::rtpcrypt {

namespace {

// A UDP flow of one SSRC in one direction.
struct flow_key {
    pcap::endpoint source;
    pcap::endpoint destination;
    std::uint32_t ssrc = 0;
    friend auto operator<=>(const flow_key&, const flow_key&) = default;
};

// Fewest RTP-looking packets for a flow no SDP announced to count as RTP.
constexpr std::size_t min_heuristic_packets = 5;
// Most packets kept per stream in memory (extract: 33 minutes of 20 ms packets).
constexpr std::size_t max_kept_packets = 100000;
// Most distinct flows tracked; RTP-looking junk beyond it is ignored.
constexpr std::size_t max_flows = 100000;

struct flow_info {
    std::size_t order = 0; // first appearance
    std::size_t rtp_packets = 0;
    std::vector<rtp::stream_packet> packets; // up to the keep limit of the scan
};

struct scan_result {
    std::map<flow_key, flow_info> flows;
    std::map<pcap::endpoint, std::string> sdp_endpoints; // announced audio endpoint -> Call-ID
    std::size_t frames = 0;
    std::size_t fragments = 0;
    std::size_t truncated = 0;
};

// ---- small parsers -------------------------------------------------------------------

result<std::uint32_t> parse_u32(std::string_view text, std::string_view what)
{
    std::string t = core::to_lower(core::trim(text));
    int base = 10;
    if (t.starts_with("0x")) {
        t = t.substr(2);
        base = 16;
    }
    if (t.empty() || t.size() > 10) {
        return unexpected(
            make_error(errc::invalid_argument, std::string(what) + ": expected a 32-bit number"));
    }
    char* end = nullptr;
    const unsigned long long v = std::strtoull(t.c_str(), &end, base);
    if (end == nullptr || *end != '\0' || v > 0xffffffffULL) {
        return unexpected(make_error(errc::invalid_argument,
                                     std::string(what) + ": expected a 32-bit number, got '" +
                                         std::string(text) + "'"));
    }
    return static_cast<std::uint32_t>(v);
}

std::string ssrc_text(std::uint32_t ssrc)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", ssrc);
    return buf;
}

std::string fixed2(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

// ---- keys ----------------------------------------------------------------------------

std::string strip_eol(std::string_view s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

// Candidate keys from --key, --key-file and $SSW_RTP_KEY (the latter only when neither
// option is given). `all_lines` reads every line of a key file (diagnose), else the first.
result<std::vector<rtp::key_candidate>> collect_keys(const options& opt, bool all_lines)
{
    std::vector<rtp::key_candidate> out;
    for (std::size_t i = 0; i < opt.keys.size(); ++i) {
        auto k = crypto::parse_key(opt.keys[i]);
        if (!k) {
            return unexpected(make_error(k.error().code, "--key #" + std::to_string(i + 1) + ": " +
                                                             k.error().message));
        }
        out.push_back({"--key #" + std::to_string(i + 1), std::move(*k), std::nullopt});
    }
    for (const auto& file : opt.key_files) {
        SSW_TRY_ASSIGN(const auto text, core::read_file(file));
        std::size_t line_no = 0;
        for (const auto line : core::split(text, '\n')) {
            ++line_no;
            const std::string key_text = strip_eol(line);
            if (key_text.empty()) {
                continue;
            }
            auto k = crypto::parse_key(key_text);
            if (!k) {
                return unexpected(make_error(k.error().code, k.error().message,
                                             file + ":" + std::to_string(line_no)));
            }
            out.push_back({file + ":" + std::to_string(line_no), std::move(*k), std::nullopt});
            if (!all_lines) {
                break;
            }
        }
    }
    if (out.empty()) {
        if (const char* env = std::getenv("SSW_RTP_KEY"); env != nullptr && *env != '\0') {
            auto k = crypto::parse_key(env);
            if (!k) {
                return unexpected(make_error(k.error().code, "$SSW_RTP_KEY: " + k.error().message));
            }
            out.push_back({"$SSW_RTP_KEY", std::move(*k), std::nullopt});
        }
    }
    return out;
}

result<crypto::key_bytes> single_key(const options& opt)
{
    SSW_TRY_ASSIGN(auto keys, collect_keys(opt, false));
    if (keys.empty()) {
        return unexpected(make_error(errc::invalid_argument,
                                     "no key: give --key, --key-file or set SSW_RTP_KEY"));
    }
    if (keys.size() > 1) {
        return unexpected(
            make_error(errc::invalid_argument, "give one key (only diagnose takes several)"));
    }
    return std::move(keys.front().key);
}

struct cipher_choice {
    const crypto::scheme* scheme = nullptr;
    crypto::key_derivation derivation = crypto::key_derivation::raw;
};

result<cipher_choice> choose_cipher(const options& opt)
{
    std::optional<crypto::mode> m;
    if (!opt.mode.empty()) {
        SSW_TRY_ASSIGN(m, crypto::parse_mode(opt.mode));
    }
    if (m && *m == crypto::mode::none) {
        return unexpected(
            make_error(errc::invalid_argument, "mode 0 (none) changes nothing; choose 1, 2 or 3"));
    }
    if (!m && core::iequals(core::trim(opt.scheme), "native")) {
        return unexpected(
            make_error(errc::invalid_argument, "--mode is required with the native scheme"));
    }
    cipher_choice c;
    SSW_TRY_ASSIGN(c.scheme, crypto::find_scheme(opt.scheme, m));
    SSW_TRY_ASSIGN(c.derivation, crypto::parse_key_derivation(opt.key_derivation));
    return c;
}

result<crypto::scheme_cipher> make_cipher(const options& opt)
{
    SSW_TRY_ASSIGN(const auto choice, choose_cipher(opt));
    SSW_TRY_ASSIGN(const auto key, single_key(opt));
    return crypto::scheme_cipher::make(*choice.scheme, choice.derivation, key);
}

// ---- payload -------------------------------------------------------------------------

result<cli::exit_code> run_payload(const options& opt, cli::io& io)
{
    SSW_TRY_ASSIGN(auto cipher, make_cipher(opt));
    crypto::header_fields f;
    SSW_TRY_ASSIGN(f.ssrc, parse_u32(opt.field_ssrc, "--ssrc"));
    SSW_TRY_ASSIGN(f.timestamp, parse_u32(opt.field_ts, "--ts"));
    SSW_TRY_ASSIGN(const auto seq, parse_u32(opt.field_seq, "--seq"));
    if (seq > 0xffff) {
        return unexpected(make_error(errc::invalid_argument, "--seq: expected 0-65535"));
    }
    f.sequence = static_cast<std::uint16_t>(seq);
    const auto apply = [&](std::vector<std::uint8_t>& p) {
        return opt.decrypt ? cipher.decrypt(p, f) : cipher.encrypt(p, f);
    };
    if (!opt.hex) {
        std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(io.in)), {});
        if (data.size() > crypto::max_payload_bytes) {
            return unexpected(
                make_error(errc::limit_exceeded, "stdin: payload larger than 65535 bytes"));
        }
        SSW_TRY(apply(data));
        io.out.write(reinterpret_cast<const char*>(data.data()),
                     static_cast<std::streamsize>(data.size()));
        return cli::exit_code::ok;
    }
    std::string line;
    std::size_t line_no = 0;
    while (std::getline(io.in, line)) {
        ++line_no;
        std::string compact;
        for (const char ch : line) {
            if (ch != ' ' && ch != '\t' && ch != '\r') {
                compact += ch;
            }
        }
        if (compact.empty()) {
            continue;
        }
        auto bytes = core::parse_hex(compact);
        if (!bytes) {
            return unexpected(make_error(errc::parse_error, "expected hex digits",
                                         "stdin:" + std::to_string(line_no)));
        }
        std::vector<std::uint8_t> p(bytes->begin(), bytes->end());
        if (p.size() > crypto::max_payload_bytes) {
            return unexpected(make_error(errc::limit_exceeded, "payload larger than 65535 bytes",
                                         "stdin:" + std::to_string(line_no)));
        }
        SSW_TRY(apply(p));
        io.out << core::to_hex(std::string_view(reinterpret_cast<const char*>(p.data()), p.size()))
               << '\n';
    }
    return cli::exit_code::ok;
}

// ---- capture scanning ----------------------------------------------------------------

bool looks_like_sip(std::span<const std::uint8_t> p)
{
    const std::string_view t(reinterpret_cast<const char*>(p.data()),
                             std::min<std::size_t>(p.size(), 16));
    static constexpr std::string_view starts[] = {"INVITE ",   "SIP/2.0 ", "ACK ",     "BYE ",
                                                  "UPDATE ",   "PRACK ",   "OPTIONS ", "CANCEL ",
                                                  "REGISTER ", "NOTIFY ",  "INFO "};
    return std::any_of(std::begin(starts), std::end(starts),
                       [&](std::string_view s) { return t.starts_with(s); });
}

// Records the audio endpoints an SDP body announces (RFC 4566 c= and m=audio lines) with
// the message's Call-ID.
void scan_sdp(std::span<const std::uint8_t> p, std::map<pcap::endpoint, std::string>& out)
{
    const std::string_view text(reinterpret_cast<const char*>(p.data()), p.size());
    std::string call_id;
    std::optional<pcap::ip_address> session_addr;
    std::vector<std::pair<std::optional<pcap::ip_address>, std::uint16_t>>
        media; // nullopt = session c=
    bool in_audio = false;
    for (auto line : core::split(text, '\n')) {
        line = core::trim(line);
        if (core::istarts_with(line, "call-id:") || core::istarts_with(line, "i:")) {
            call_id = std::string(core::trim(line.substr(line.find(':') + 1)));
        } else if (line.starts_with("c=IN IP")) {
            const auto parts = core::split(line, ' ');
            if (parts.size() >= 3) {
                auto a = pcap::parse_ip_address(core::trim(core::split(parts[2], '/').front()));
                if (a) {
                    if (in_audio && !media.empty()) {
                        media.back().first = *a;
                    } else if (media.empty()) {
                        session_addr = *a;
                    }
                }
            }
        } else if (line.starts_with("m=")) {
            in_audio = line.starts_with("m=audio ");
            if (in_audio) {
                const auto parts = core::split(line, ' ');
                const auto port = parts.size() >= 2 ? core::parse_int(parts[1]) : std::nullopt;
                if (port && *port > 0 && *port < 65536) {
                    media.emplace_back(std::nullopt, static_cast<std::uint16_t>(*port));
                } else {
                    in_audio = false;
                }
            }
        }
    }
    for (const auto& [addr, port] : media) {
        const auto a = addr ? addr : session_addr;
        if (a) {
            out[pcap::endpoint{*a, port}] = call_id;
        }
    }
}

bool is_sip_port(std::uint16_t p)
{
    return p == 5060 || p == 5061;
}

// One pass over a capture: RTP-looking flows and SDP-announced endpoints. Keeps the first
// `keep` packets of each flow (payload copies) for diagnosis and extraction.
result<scan_result> scan_capture(const std::string& path, std::size_t keep)
{
    SSW_TRY_ASSIGN(auto reader, pcap::reader::open(path));
    scan_result r;
    pcap::capture_stats links; // frames of link types ssw cannot decode
    for (;;) {
        SSW_TRY_ASSIGN(auto next, reader.next());
        if (!next) {
            break;
        }
        ++r.frames;
        ++links.frames;
        const auto d = pcap::decode_frame(next->link, next->data);
        if (!d) {
            if (!pcap::is_supported(next->link)) {
                ++links.unsupported_link;
                if (links.unsupported_links.empty()) {
                    links.unsupported_links.push_back(next->link);
                }
            }
            continue;
        }
        if (d->kind == pcap::frame_kind::ip_fragment) {
            ++r.fragments;
            continue;
        }
        if (d->kind != pcap::frame_kind::udp) {
            continue;
        }
        if (looks_like_sip(d->payload)) {
            scan_sdp(d->payload, r.sdp_endpoints);
            continue;
        }
        if (d->truncated) {
            ++r.truncated;
        }
        if (rtp::is_rtcp(d->payload) || !rtp::looks_like_rtp(d->payload)) {
            continue;
        }
        const auto v = rtp::parse_packet(d->payload);
        const flow_key key{d->source(), d->destination(), v->fields.ssrc};
        if (r.flows.size() >= max_flows && !r.flows.contains(key)) {
            continue;
        }
        auto [it, inserted] = r.flows.try_emplace(key);
        auto& info = it->second;
        if (inserted) {
            info.order = r.flows.size();
        }
        ++info.rtp_packets;
        if (info.packets.size() < keep && !d->truncated) {
            rtp::stream_packet sp;
            sp.fields = v->fields;
            sp.payload_type = v->payload_type;
            sp.payload.assign(d->payload.begin() + static_cast<std::ptrdiff_t>(v->payload_offset),
                              d->payload.end());
            info.packets.push_back(std::move(sp));
        }
    }
    // A capture ssw cannot take apart is not one without RTP: say so (as ssw-trace does).
    if (links.frames > 0 && links.unsupported_link == links.frames) {
        return unexpected(
            make_error(errc::unsupported, pcap::describe_unsupported_links(links), path));
    }
    return r;
}

// Whether a flow counts as RTP: announced in SDP, or enough RTP-looking packets off the
// SIP ports.
bool is_rtp_flow(const flow_key& k, const flow_info& f, const scan_result& r)
{
    if (r.sdp_endpoints.contains(k.destination) || r.sdp_endpoints.contains(k.source)) {
        return true;
    }
    return f.rtp_packets >= min_heuristic_packets && !is_sip_port(k.source.port) &&
           !is_sip_port(k.destination.port);
}

std::string call_of(const flow_key& k, const scan_result& r)
{
    if (auto it = r.sdp_endpoints.find(k.destination); it != r.sdp_endpoints.end()) {
        return it->second;
    }
    if (auto it = r.sdp_endpoints.find(k.source); it != r.sdp_endpoints.end()) {
        return it->second;
    }
    return {};
}

// ---- selection -----------------------------------------------------------------------

struct selection {
    std::set<std::uint32_t> ssrcs;
    std::set<std::uint16_t> ports;
    std::set<pcap::ip_address> addresses;
    std::optional<pcap::ip_address> from_address;
    std::optional<std::uint16_t> from_port;
    std::optional<pcap::ip_address> to_address;
    std::optional<std::uint16_t> to_port;
};

result<std::pair<pcap::ip_address, std::optional<std::uint16_t>>> parse_side(std::string_view text,
                                                                             std::string_view what)
{
    std::string_view addr = core::trim(text);
    std::optional<std::uint16_t> port;
    std::string_view port_text;
    if (addr.starts_with('[')) {
        const auto close = addr.find(']');
        if (close == std::string_view::npos) {
            return unexpected(
                make_error(errc::invalid_argument, std::string(what) + ": expected [ADDR]:PORT"));
        }
        if (close + 1 < addr.size() && addr[close + 1] == ':') {
            port_text = addr.substr(close + 2);
        }
        addr = addr.substr(1, close - 1);
    } else if (std::count(addr.begin(), addr.end(), ':') == 1) {
        port_text = addr.substr(addr.find(':') + 1);
        addr = addr.substr(0, addr.find(':'));
    }
    auto a = pcap::parse_ip_address(addr);
    if (!a) {
        return unexpected(
            make_error(errc::invalid_argument, std::string(what) + ": expected ADDR or ADDR:PORT"));
    }
    if (!port_text.empty()) {
        const auto p = core::parse_int(port_text);
        if (!p || *p < 1 || *p > 65535) {
            return unexpected(make_error(errc::invalid_argument,
                                         std::string(what) + ": expected a port 1-65535"));
        }
        port = static_cast<std::uint16_t>(*p);
    }
    return std::pair{*a, port};
}

result<selection> make_selection(const options& opt)
{
    selection s;
    for (const auto& x : opt.ssrcs) {
        SSW_TRY_ASSIGN(const auto v, parse_u32(x, "--ssrc"));
        s.ssrcs.insert(v);
    }
    for (const unsigned p : opt.ports) {
        if (p < 1 || p > 65535) {
            return unexpected(make_error(errc::invalid_argument, "--port: expected 1-65535"));
        }
        s.ports.insert(static_cast<std::uint16_t>(p));
    }
    for (const auto& a : opt.addresses) {
        auto ip = pcap::parse_ip_address(core::trim(a));
        if (!ip) {
            return unexpected(
                make_error(errc::invalid_argument, "--address: expected an IPv4 or IPv6 address"));
        }
        s.addresses.insert(*ip);
    }
    if (!opt.from.empty()) {
        SSW_TRY_ASSIGN(const auto side, parse_side(opt.from, "--from"));
        s.from_address = side.first;
        s.from_port = side.second;
    }
    if (!opt.to.empty()) {
        SSW_TRY_ASSIGN(const auto side, parse_side(opt.to, "--to"));
        s.to_address = side.first;
        s.to_port = side.second;
    }
    return s;
}

bool selected(const selection& s, const flow_key& k)
{
    if (!s.ssrcs.empty() && !s.ssrcs.contains(k.ssrc)) {
        return false;
    }
    if (!s.ports.empty() && !s.ports.contains(k.source.port) &&
        !s.ports.contains(k.destination.port)) {
        return false;
    }
    if (!s.addresses.empty() && !s.addresses.contains(k.source.address) &&
        !s.addresses.contains(k.destination.address)) {
        return false;
    }
    if (s.from_address &&
        (k.source.address != *s.from_address || (s.from_port && *s.from_port != k.source.port))) {
        return false;
    }
    if (s.to_address && (k.destination.address != *s.to_address ||
                         (s.to_port && *s.to_port != k.destination.port))) {
        return false;
    }
    return true;
}

// ---- encrypt / decrypt ---------------------------------------------------------------

result<cli::exit_code> run_rewrite(const options& opt, cli::io& io, bool encrypt)
{
    if (opt.output.empty()) {
        return unexpected(make_error(errc::invalid_argument, "-o OUT.pcap is required"));
    }
    if (opt.input == "-") {
        return unexpected(
            make_error(errc::invalid_argument,
                       "encrypt and decrypt read the capture twice: give a file, not stdin"));
    }
    if (opt.output != "-" && std::filesystem::exists(opt.output) &&
        std::filesystem::exists(opt.input) && std::filesystem::equivalent(opt.output, opt.input)) {
        return unexpected(make_error(errc::invalid_argument, "-o must not name the input file"));
    }
    SSW_TRY_ASSIGN(const auto choice, choose_cipher(opt));
    SSW_TRY_ASSIGN(const auto key, single_key(opt));
    SSW_TRY_ASSIGN(const auto sel, make_selection(opt));
    // Validate the key before touching any file.
    SSW_TRY(crypto::scheme_cipher::make(*choice.scheme, choice.derivation, key));
    SSW_TRY_ASSIGN(const auto scan, scan_capture(opt.input, 0));

    std::map<flow_key, crypto::scheme_cipher> ciphers; // one per direction (rc4-stream state)
    for (const auto& [k, f] : scan.flows) {
        if (is_rtp_flow(k, f, scan) && selected(sel, k)) {
            SSW_TRY_ASSIGN(auto c,
                           crypto::scheme_cipher::make(*choice.scheme, choice.derivation, key));
            ciphers.emplace(k, std::move(c));
        }
    }
    SSW_TRY_ASSIGN(auto reader, pcap::reader::open(opt.input));
    SSW_TRY_ASSIGN(auto writer, pcap::writer::open(opt.output, pcap::writer::options_like(reader)));
    std::vector<std::uint8_t> frame;
    std::size_t rewritten = 0;
    std::size_t skipped_truncated = 0;
    for (;;) {
        SSW_TRY_ASSIGN(auto next, reader.next());
        if (!next) {
            break;
        }
        const auto d = pcap::decode_frame(next->link, next->data);
        bool done = false;
        if (d && d->kind == pcap::frame_kind::udp && !ciphers.empty() &&
            !rtp::is_rtcp(d->payload)) {
            const auto v = rtp::parse_packet(d->payload);
            if (v) {
                const flow_key k{d->source(), d->destination(), v->fields.ssrc};
                if (auto it = ciphers.find(k); it != ciphers.end()) {
                    if (d->truncated) {
                        ++skipped_truncated;
                    } else {
                        frame.assign(next->data.begin(), next->data.end());
                        std::span<std::uint8_t> payload(
                            frame.data() + d->payload_offset + v->payload_offset, v->payload_size);
                        SSW_TRY(encrypt ? it->second.encrypt(payload, v->fields)
                                        : it->second.decrypt(payload, v->fields));
                        SSW_TRY(pcap::fix_transport_checksum(frame, *d));
                        SSW_TRY(writer.write(next->timestamp_ns, frame, next->original_length));
                        ++rewritten;
                        done = true;
                    }
                }
            }
        }
        if (!done) {
            SSW_TRY(writer.write(*next));
        }
    }
    SSW_TRY(writer.close());
    if (io.verbosity > 0 || ciphers.empty() || skipped_truncated > 0) {
        io.err << "rtpcrypt: " << (encrypt ? "encrypted " : "decrypted ") << rewritten
               << " RTP packets in " << ciphers.size() << " streams";
        if (skipped_truncated > 0) {
            io.err << "; " << skipped_truncated << " truncated packets copied unchanged";
        }
        if (ciphers.empty()) {
            io.err << " (no RTP stream matched; the output is a copy)";
        }
        io.err << '\n';
    }
    return cli::exit_code::ok;
}

// ---- diagnose ------------------------------------------------------------------------

std::string describe_stream(const rtp::stream& s)
{
    return ssrc_text(s.ssrc) + " " + s.source + " -> " + s.destination;
}

std::string describe_fit(const rtp::stream_match& m, const std::vector<rtp::key_candidate>& keys)
{
    std::string out =
        "mode " + std::to_string(static_cast<int>(m.scheme->native_mode)) + " (" +
        std::string(crypto::to_string(m.scheme->native_mode)) + "), " +
        (m.scheme->native ? std::string("native scheme")
                          : "hypothesis " + std::string(m.scheme->name) + " (provisional)");
    if (m.scheme->native_mode == crypto::mode::aes128 &&
        m.derivation != crypto::key_derivation::raw) {
        out += ", key derivation " + std::string(crypto::to_string(m.derivation));
    }
    out += ", key from " + keys[m.key_index].label;
    return out;
}

result<cli::exit_code> run_diagnose(const options& opt, cli::io& io)
{
    rtp::diagnosis_options dopt;
    SSW_TRY_ASSIGN(dopt.keys, collect_keys(opt, true));
    std::optional<crypto::mode> configured_mode;
    std::set<std::size_t> params_keys;
    for (const auto& file : opt.params_files) {
        SSW_TRY_ASSIGN(const auto params, rtp::read_encryption_params(file));
        if (params.mode) {
            configured_mode = params.mode;
        }
        if (params.key && !params.key->empty()) {
            params_keys.insert(dopt.keys.size());
            dopt.keys.push_back({file + " (SS_RTPENCRYPTIONKEY)", *params.key, params.mode});
        }
    }
    dopt.try_hypotheses = !opt.native_only;
    dopt.recover_pad = !opt.no_recover;
    dopt.window_packets = std::max<std::size_t>(opt.window, 1);
    SSW_TRY_ASSIGN(auto scan, scan_capture(opt.input, dopt.window_packets));

    std::vector<std::pair<std::size_t, flow_key>> order;
    for (const auto& [k, f] : scan.flows) {
        if (is_rtp_flow(k, f, scan)) {
            order.emplace_back(f.order, k);
        }
    }
    std::sort(order.begin(), order.end());
    std::vector<rtp::stream> streams;
    std::vector<std::size_t> total_packets;
    for (const auto& [o, k] : order) {
        auto& f = scan.flows.at(k);
        rtp::stream s;
        s.ssrc = k.ssrc;
        s.source = k.source.to_string();
        s.destination = k.destination.to_string();
        s.call_id = call_of(k, scan);
        s.packets = std::move(f.packets);
        total_packets.push_back(f.rtp_packets);
        streams.push_back(std::move(s));
    }
    const auto rep = rtp::diagnose(streams, dopt);

    std::size_t findings = 0;
    for (std::size_t i = 0; i < streams.size(); ++i) {
        const auto& s = streams[i];
        const auto& v = rep.streams[i];
        bool config_mismatch = false;
        std::string config_note;
        if (configured_mode && v.state == rtp::stream_state::decrypted) {
            const bool by_params = params_keys.contains(v.match->key_index);
            const bool same_mode =
                v.match->scheme->native && v.match->scheme->native_mode == *configured_mode;
            if (!by_params || !same_mode) {
                config_mismatch = true;
                config_note = "differs from the configuration (SS_RTPENCRYPTIONMODE " +
                              std::to_string(static_cast<int>(*configured_mode)) + ")";
            } else {
                config_note = "matches the configuration";
            }
        }
        findings += config_mismatch ? 1U : 0U;
        if (io.json) {
            core::json_line j;
            j.field("type", "stream")
                .field("ssrc", ssrc_text(s.ssrc))
                .field("source", s.source)
                .field("destination", s.destination);
            if (s.call_id.empty()) {
                j.field_null("call_id");
            } else {
                j.field("call_id", s.call_id);
            }
            j.field("codec", rtp::to_string(v.format))
                .field("packets", static_cast<std::uint64_t>(total_packets[i]))
                .field("packets_analysed", static_cast<std::uint64_t>(v.packets_analysed))
                .field("state", rtp::to_string(v.state))
                .field("plain_score", v.plain_score);
            if (v.match) {
                j.field("mode", static_cast<int>(v.match->scheme->native_mode))
                    .field("scheme", v.match->scheme->name)
                    .field("native", v.match->scheme->native)
                    .field("key_derivation", crypto::to_string(v.match->derivation))
                    .field("key", dopt.keys[v.match->key_index].label)
                    .field("confidence", v.match->confidence)
                    .field("runner_up", v.match->runner_up);
            }
            if (v.pad) {
                j.field("pad_score", v.pad->score_after);
                if (v.pad->repeated_key) {
                    j.field("recovered_key", crypto::format_key(*v.pad->repeated_key));
                } else {
                    j.field("recovered_pad", core::to_hex(std::string_view(
                                                 reinterpret_cast<const char*>(v.pad->pad.data()),
                                                 v.pad->pad.size())));
                }
            }
            if (!config_note.empty()) {
                j.field("configuration", config_note);
            }
            io.out << j.str() << '\n';
            continue;
        }
        io.out << "stream " << describe_stream(s) << " " << rtp::to_string(v.format) << ", "
               << total_packets[i] << " packets: ";
        switch (v.state) {
        case rtp::stream_state::plain:
            io.out << "plain audio (score " << fixed2(v.plain_score) << ")";
            break;
        case rtp::stream_state::decrypted:
            io.out << "encrypted; decrypts with " << describe_fit(*v.match, dopt.keys)
                   << " (confidence " << fixed2(v.match->confidence) << ", best other key "
                   << fixed2(v.match->runner_up) << ")";
            break;
        case rtp::stream_state::pad_recovered:
            io.out << "encrypted with a static pad; recovered without a key (score "
                   << fixed2(v.pad->score_after) << ")";
            if (v.pad->repeated_key) {
                io.out << "; the pad is the repeated key \""
                       << crypto::format_key(*v.pad->repeated_key) << "\" ("
                       << v.pad->repeated_key->size() << " bytes, XOR = mode 1)";
            } else {
                io.out << "; not a repeated key (rc4-static or another fixed keystream)";
            }
            break;
        case rtp::stream_state::encrypted:
            io.out << "encrypted; "
                   << (dopt.keys.empty() ? "no key given" : "no candidate key and scheme fits");
            break;
        case rtp::stream_state::undetermined:
            io.out << "undetermined (" << v.packets_analysed << " packets analysed, need "
                   << rtp::min_window_packets << "; plain score " << fixed2(v.plain_score) << ")";
            break;
        }
        if (!config_note.empty()) {
            io.out << "; " << config_note;
        }
        io.out << '\n';
    }
    for (const auto& leg : rep.legs) {
        if (leg.finding != rtp::leg_finding::ok) {
            ++findings;
        }
        const auto& f = streams[leg.forward];
        if (io.json) {
            core::json_line j;
            j.field("type", "leg").field("forward", ssrc_text(f.ssrc));
            if (leg.reverse == rtp::no_stream) {
                j.field_null("reverse");
            } else {
                j.field("reverse", ssrc_text(streams[leg.reverse].ssrc));
            }
            j.field("endpoints", f.source + " <-> " + f.destination);
            if (f.call_id.empty()) {
                j.field_null("call_id");
            } else {
                j.field("call_id", f.call_id);
            }
            j.field("finding", rtp::to_string(leg.finding)).field("explanation", leg.explanation);
            io.out << j.str() << '\n';
            continue;
        }
        std::string finding(rtp::to_string(leg.finding));
        std::replace(finding.begin(), finding.end(), '_', ' ');
        io.out << "leg " << f.source << " <-> " << f.destination;
        if (!f.call_id.empty()) {
            io.out << " (call " << f.call_id << ")";
        }
        io.out << ": " << core::to_upper(finding) << ": " << leg.explanation << '\n';
    }
    bool clean = rep.clean && findings == 0;
    if (streams.empty()) {
        clean = false;
    }
    if (io.json) {
        io.out << core::json_line{}
                      .field("type", "result")
                      .field("streams", static_cast<std::uint64_t>(streams.size()))
                      .field("legs", static_cast<std::uint64_t>(rep.legs.size()))
                      .field("frames", static_cast<std::uint64_t>(scan.frames))
                      .field("clean", clean)
                      .str()
               << '\n';
    } else {
        io.out << "summary: " << streams.size() << " RTP streams in " << rep.legs.size()
               << " legs, " << scan.frames << " frames: "
               << (streams.empty() ? "no RTP found"
                   : clean         ? "every stream is plain or decrypts with a given key"
                                   : "mismatch or unexplained stream found")
               << '\n';
    }
    return clean ? cli::exit_code::ok : cli::exit_code::findings;
}

// ---- extract -------------------------------------------------------------------------

void put_le(std::string& out, std::uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xffU));
    }
}

result<cli::exit_code> run_extract(const options& opt, cli::io& io)
{
    if (opt.output.empty()) {
        return unexpected(make_error(errc::invalid_argument, "-o OUT.wav is required"));
    }
    SSW_TRY_ASSIGN(const auto sel, make_selection(opt));
    if (sel.ssrcs.empty()) {
        return unexpected(make_error(errc::invalid_argument, "--ssrc is required"));
    }
    // Decrypt only when asked for by an option ($SSW_RTP_KEY alone does not turn it on).
    std::optional<crypto::scheme_cipher> cipher;
    if (!opt.mode.empty() || !opt.keys.empty() || !opt.key_files.empty() ||
        !core::iequals(core::trim(opt.scheme), "native")) {
        SSW_TRY_ASSIGN(cipher, make_cipher(opt));
    }
    SSW_TRY_ASSIGN(auto scan, scan_capture(opt.input, max_kept_packets));
    const flow_key* chosen = nullptr;
    for (const auto& [k, f] : scan.flows) {
        if (selected(sel, k) && (chosen == nullptr || f.order < scan.flows.at(*chosen).order)) {
            chosen = &k;
        }
    }
    if (chosen == nullptr) {
        return unexpected(
            make_error(errc::not_found, "no RTP stream matches the selection", opt.input));
    }
    auto& flow = scan.flows.at(*chosen);
    std::string pcm;
    std::optional<rtp::codec> law;
    for (auto& p : flow.packets) {
        const auto c = rtp::codec_for_payload_type(p.payload_type);
        if (c == rtp::codec::comfort_noise) {
            continue;
        }
        if (c != rtp::codec::pcmu && c != rtp::codec::pcma) {
            return unexpected(
                make_error(errc::unsupported, "extract decodes G.711 (PT 0 or 8) only; stream " +
                                                  ssrc_text(chosen->ssrc) + " has PT " +
                                                  std::to_string(p.payload_type)));
        }
        law = c;
        if (cipher) {
            SSW_TRY(cipher->decrypt(p.payload, p.fields));
        }
        for (const auto b : p.payload) {
            const auto s = c == rtp::codec::pcmu ? rtp::ulaw_to_linear(b) : rtp::alaw_to_linear(b);
            put_le(pcm, static_cast<std::uint16_t>(s), 2);
        }
    }
    std::string wav = "RIFF";
    put_le(wav, static_cast<std::uint32_t>(36 + pcm.size()), 4);
    wav += "WAVEfmt ";
    put_le(wav, 16, 4);
    put_le(wav, 1, 2); // PCM
    put_le(wav, 1, 2); // mono
    put_le(wav, 8000, 4);
    put_le(wav, 16000, 4); // byte rate
    put_le(wav, 2, 2);     // block align
    put_le(wav, 16, 2);    // bits per sample
    wav += "data";
    put_le(wav, static_cast<std::uint32_t>(pcm.size()), 4);
    wav += pcm;
    SSW_TRY(core::write_file_atomically(opt.output, wav));
    if (io.verbosity > 0) {
        io.err << "rtpcrypt: wrote " << pcm.size() / 2 << " samples of "
               << (law ? rtp::to_string(*law) : "no audio") << " from " << flow.packets.size()
               << " packets\n";
    }
    return cli::exit_code::ok;
}

// ---- wrap ----------------------------------------------------------------------------

void put_be(std::vector<std::uint8_t>& b, std::uint32_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; --i) {
        b.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xffU));
    }
}

// One Ethernet/IPv4/UDP frame around an RTP datagram, checksums filled in.
result<std::vector<std::uint8_t>> make_frame(const pcap::endpoint& from, const pcap::endpoint& to,
                                             std::span<const std::uint8_t> datagram)
{
    std::vector<std::uint8_t> f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00};
    const std::size_t ip_at = f.size();
    f.push_back(0x45);
    f.push_back(0xb8); // DSCP EF, as voice is usually marked
    put_be(f, static_cast<std::uint32_t>(20 + 8 + datagram.size()), 2);
    put_be(f, 0, 2);
    put_be(f, 0x4000, 2); // DF
    f.push_back(64);
    f.push_back(17);
    put_be(f, 0, 2);
    f.insert(f.end(), from.address.bytes.begin(), from.address.bytes.begin() + 4);
    f.insert(f.end(), to.address.bytes.begin(), to.address.bytes.begin() + 4);
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < 20; i += 2) {
        sum += static_cast<std::uint32_t>(f[ip_at + i] << 8 | f[ip_at + i + 1]);
    }
    while ((sum >> 16) != 0) {
        sum = (sum & 0xffffU) + (sum >> 16);
    }
    f[ip_at + 10] = static_cast<std::uint8_t>((~sum >> 8) & 0xffU);
    f[ip_at + 11] = static_cast<std::uint8_t>(~sum & 0xffU);
    put_be(f, from.port, 2);
    put_be(f, to.port, 2);
    put_be(f, static_cast<std::uint32_t>(8 + datagram.size()), 2);
    put_be(f, 0xffff, 2); // placeholder so the checksum is computed, not left "none"
    f.insert(f.end(), datagram.begin(), datagram.end());
    SSW_TRY_ASSIGN(const auto d, pcap::decode_frame(pcap::link_type::ethernet, f));
    SSW_TRY(pcap::fix_transport_checksum(f, d));
    return f;
}

result<pcap::endpoint> parse_endpoint4(std::string_view text, std::string_view fallback,
                                       std::string_view what)
{
    SSW_TRY_ASSIGN(const auto side, parse_side(text.empty() ? fallback : text, what));
    if (side.first.version != 4 || !side.second) {
        return unexpected(
            make_error(errc::invalid_argument, std::string(what) + ": expected IPv4ADDR:PORT"));
    }
    return pcap::endpoint{side.first, *side.second};
}

result<cli::exit_code> run_wrap(const options& opt, cli::io& io)
{
    SSW_TRY_ASSIGN(const auto audio, core::read_file(opt.input));
    int pt = opt.payload_type;
    if (pt < 0) {
        pt = opt.input.ends_with(".alaw") || opt.input.ends_with(".al") ? 8 : 0;
    }
    if (pt != 0 && pt != 8) {
        return unexpected(
            make_error(errc::invalid_argument, "--pt: expected 0 (PCMU) or 8 (PCMA)"));
    }
    SSW_TRY_ASSIGN(const auto from, parse_endpoint4(opt.from, "192.0.2.10:40000", "--from"));
    SSW_TRY_ASSIGN(const auto to, parse_endpoint4(opt.to, "198.51.100.20:50000", "--to"));
    SSW_TRY_ASSIGN(const auto ssrc,
                   parse_u32(opt.field_ssrc == "0" ? "0x5357ab01" : opt.field_ssrc, "--ssrc"));
    std::optional<crypto::scheme_cipher> cipher;
    std::optional<crypto::scheme_cipher> back_cipher;
    if (!opt.mode.empty() || !opt.keys.empty() ||
        !core::iequals(core::trim(opt.scheme), "native")) {
        SSW_TRY_ASSIGN(cipher, make_cipher(opt));
        SSW_TRY_ASSIGN(back_cipher, make_cipher(opt));
    }
    constexpr std::size_t frame_bytes = 160; // 20 ms at 8 kHz
    const std::size_t per_pass = audio.size() / frame_bytes;
    if (per_pass == 0) {
        return unexpected(
            make_error(errc::parse_error, "expected at least 160 bytes of G.711 audio", opt.input));
    }
    SSW_TRY_ASSIGN(auto writer,
                   pcap::writer::open(opt.output, {pcap::link_type::ethernet,
                                                   pcap::timestamp_precision::micro, 65535}));
    std::int64_t t = 1'767'225'600'000'000'000; // 2026-01-01T00:00:00Z
    std::vector<std::uint8_t> dg;
    const std::size_t total = per_pass * std::max<std::size_t>(opt.repeat, 1);
    for (std::size_t i = 0; i < total; ++i) {
        for (int dir = 0; dir < (opt.both_directions ? 2 : 1); ++dir) {
            const std::uint32_t s = dir == 0 ? ssrc : ssrc ^ 0x00ff00ffU;
            const crypto::header_fields f{
                s, static_cast<std::uint32_t>(i * frame_bytes + (dir == 0 ? 0U : 8000U)),
                static_cast<std::uint16_t>(i + (dir == 0 ? 0U : 1000U))};
            dg.clear();
            dg.push_back(0x80);
            dg.push_back(static_cast<std::uint8_t>((i == 0 ? 0x80 : 0) | pt));
            put_be(dg, f.sequence, 2);
            put_be(dg, f.timestamp, 4);
            put_be(dg, f.ssrc, 4);
            // The reverse direction plays the audio from its middle, so the two differ.
            const std::size_t at = ((i + (dir == 0 ? 0 : per_pass / 2)) % per_pass) * frame_bytes;
            dg.insert(dg.end(), audio.begin() + static_cast<std::ptrdiff_t>(at),
                      audio.begin() + static_cast<std::ptrdiff_t>(at + frame_bytes));
            auto& c = dir == 0 ? cipher : back_cipher;
            if (c) {
                SSW_TRY(c->encrypt(std::span<std::uint8_t>(dg.data() + 12, frame_bytes), f));
            }
            SSW_TRY_ASSIGN(const auto frame,
                           dir == 0 ? make_frame(from, to, dg) : make_frame(to, from, dg));
            SSW_TRY(
                writer.write(t + dir * 1'000'000, frame, static_cast<std::uint32_t>(frame.size())));
        }
        t += 20'000'000;
    }
    SSW_TRY(writer.close());
    if (io.verbosity > 0) {
        io.err << "rtpcrypt: wrote " << writer.frames_written() << " RTP packets\n";
    }
    return cli::exit_code::ok;
}

} // namespace

result<cli::exit_code> run(const options& opt, cli::io& io)
{
    if (opt.subcommand == "wrap") {
        return run_wrap(opt, io);
    }
    if (opt.subcommand == "payload") {
        return run_payload(opt, io);
    }
    if (opt.subcommand == "encrypt" || opt.subcommand == "decrypt") {
        return run_rewrite(opt, io, opt.subcommand == "encrypt");
    }
    if (opt.subcommand == "diagnose") {
        return run_diagnose(opt, io);
    }
    if (opt.subcommand == "extract") {
        return run_extract(opt, io);
    }
    return unexpected(
        make_error(errc::invalid_argument,
                   "expected a subcommand: payload, encrypt, decrypt, diagnose or extract"));
}

} // namespace ssw::cmd::rtpcrypt
