// SPDX-License-Identifier: MIT
// Benchmark: frames/s of ssw::pcap reading, frame decoding and the full reassembly pipeline
// over a large synthetic SIP capture (UDP, fragmented UDP, TCP). Usage:
//   pcap_read_bench [--frames N] [--file CAPTURE] [--keep PATH]
#include "../tests/support/pcap_builder.hpp"

#include <ssw/pcap/capture_decoder.hpp>
#include <ssw/pcap/frame_decoder.hpp>
#include <ssw/pcap/reader.hpp>
#include <ssw/pcap/sip_sniff.hpp>
#include <ssw/pcap/writer.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace pb = ssw::test::pcap_builder;
using namespace ssw::pcap;

namespace {

std::string sip_message(std::uint64_t i, std::size_t body_bytes)
{
    std::string body(body_bytes, 'v');
    return "INVITE sip:" + std::to_string(1000 + i % 5000) +
           "@example.com SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK" +
           std::to_string(i) +
           "\r\n"
           "From: <sip:alice@example.com>;tag=" +
           std::to_string(i) +
           "\r\n"
           "To: <sip:bob@example.com>\r\nCall-ID: " +
           std::to_string(i) +
           "@bench\r\nCSeq: 1 INVITE\r\n"
           "Content-Type: application/sdp\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Writes `frames` frames: mostly single-frame UDP SIP, every 50th a 3-fragment UDP INVITE,
// every 10th a TCP segment of one of 64 connections.
void synthesise(const std::string& path, std::uint64_t frames)
{
    auto w = writer::open(path, {link_type::ethernet, timestamp_precision::micro, 262144});
    if (!w) {
        std::fprintf(stderr, "pcap_read_bench: %s\n", w.error().to_string().c_str());
        std::exit(1);
    }
    std::int64_t t = 1'767'225'600'000'000'000;
    std::vector<std::uint32_t> tcp_seq(64, 1000);
    std::uint64_t n = 0;
    for (std::uint64_t i = 0; n < frames; ++i) {
        t += 100'000;
        std::vector<pb::frame_bytes> out;
        if (i % 50 == 49) {
            const auto seg = pb::udp(5060, 5060, sip_message(i, 3000));
            for (auto& f : pb::ipv4_fragments("192.0.2.1", "192.0.2.2", 17, seg, 1480,
                                              static_cast<std::uint16_t>(i))) {
                out.push_back(pb::ethernet(f));
            }
        } else if (i % 10 == 9) {
            const std::size_t c = i % 64;
            const auto msg = sip_message(i, 200);
            out.push_back(pb::ethernet(pb::ipv4(
                "192.0.2.3", "192.0.2.2", 6,
                pb::tcp(static_cast<std::uint16_t>(40000 + c), 5060, tcp_seq[c], 1, 0x18, msg))));
            tcp_seq[c] += static_cast<std::uint32_t>(msg.size());
        } else {
            out.push_back(pb::ethernet(
                pb::ipv4("192.0.2.1", "192.0.2.2", 17, pb::udp(5060, 5060, sip_message(i, 250)))));
        }
        for (const auto& f : out) {
            if (!w->write(t, f, static_cast<std::uint32_t>(f.size()))) {
                std::exit(1);
            }
            ++n;
        }
    }
    if (!w->close()) {
        std::exit(1);
    }
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv)
{
    std::uint64_t frames = 2'000'000;
    std::string file;
    std::string keep;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--frames") {
            frames = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (a == "--file") {
            file = argv[i + 1];
        } else if (a == "--keep") {
            keep = argv[i + 1];
        }
    }
    std::string path = file;
    if (path.empty()) {
        path = keep.empty() ? (std::filesystem::temp_directory_path() /
                               ("pcap_read_bench." + std::to_string(::getpid()) + ".pcap"))
                                  .string()
                            : keep;
        const auto start = std::chrono::steady_clock::now();
        synthesise(path, frames);
        std::printf("synthesised %llu frames, %.1f MB in %.2f s: %s\n",
                    static_cast<unsigned long long>(frames),
                    static_cast<double>(std::filesystem::file_size(path)) / 1e6,
                    seconds_since(start), path.c_str());
    }
    const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;

    // 1. Reading only.
    {
        auto r = reader::open(path);
        if (!r) {
            std::fprintf(stderr, "pcap_read_bench: %s\n", r.error().to_string().c_str());
            return 1;
        }
        const auto start = std::chrono::steady_clock::now();
        std::uint64_t n = 0;
        std::uint64_t bytes = 0;
        while (auto p = r->next()) {
            if (!*p) {
                break;
            }
            ++n;
            bytes += (*p)->data.size();
        }
        const double s = seconds_since(start);
        std::printf("read:            %10.0f frames/s  %7.1f MB/s  (%llu frames)\n",
                    static_cast<double>(n) / s, mb / s, static_cast<unsigned long long>(n));
    }
    // 2. Reading + decode_frame + SIP sniff.
    {
        auto r = reader::open(path);
        const auto start = std::chrono::steady_clock::now();
        std::uint64_t n = 0;
        std::uint64_t sip = 0;
        while (auto p = r->next()) {
            if (!*p) {
                break;
            }
            ++n;
            auto d = decode_frame((*p)->link, (*p)->data);
            if (d && looks_like_sip(d->payload)) {
                ++sip;
            }
        }
        const double s = seconds_since(start);
        std::printf("read+decode:     %10.0f frames/s  %7.1f MB/s  (%llu SIP starts)\n",
                    static_cast<double>(n) / s, mb / s, static_cast<unsigned long long>(sip));
    }
    // 3. The full pipeline with both reassemblers.
    {
        auto r = reader::open(path);
        std::uint64_t udp = 0;
        std::uint64_t tcp_bytes = 0;
        capture_handlers h;
        h.on_udp = [&udp](const udp_datagram&) { ++udp; };
        h.on_tcp = [&tcp_bytes](const tcp_chunk& c) { tcp_bytes += c.data.size(); };
        capture_decoder dec(h);
        const auto start = std::chrono::steady_clock::now();
        if (!decode_capture(*r, dec)) {
            return 1;
        }
        const double s = seconds_since(start);
        const auto st = dec.stats();
        std::printf(
            "full pipeline:   %10.0f frames/s  %7.1f MB/s  (%llu UDP datagrams, %llu reassembled, "
            "%.1f MB TCP)\n",
            static_cast<double>(st.frames) / s, mb / s, static_cast<unsigned long long>(udp),
            static_cast<unsigned long long>(st.reassembled), static_cast<double>(tcp_bytes) / 1e6);
    }
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    std::printf("peak RSS:        %10.1f MB for a %.1f MB capture\n",
                static_cast<double>(usage.ru_maxrss) / 1024.0, mb);
    if (file.empty() && keep.empty()) {
        std::filesystem::remove(path);
    }
    return 0;
}
