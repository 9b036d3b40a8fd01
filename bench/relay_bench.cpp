// SPDX-License-Identifier: MIT
// RTP relay throughput: N streams at 50 packets/s each from a generator socket on loopback,
// through media::relay + net::media_sockets (the daemon's hot path: recvmmsg, in-place
// cipher, sendmmsg) to a receiver socket. Reports packets/s relayed, loss, added latency
// (p50/p99, generator send to receiver read, both in this process) and the relay thread's
// CPU per 1,000 streams, for plain and each mode (plain caller leg, encrypted gateway leg).
// Usage: relay_bench [STREAMS] [SECONDS]   (default 1000 streams, 5 s per mode)
#include <ssw/media/relay.hpp>
#include <ssw/net/media_sockets.hpp>

#include <boost/asio.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

int bound_socket(std::uint16_t& port)
{
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    const int big = 8 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    return fd;
}

double thread_cpu_seconds(pthread_t t)
{
    clockid_t id{};
    pthread_getcpuclockid(t, &id);
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct result {
    double pps = 0;
    double loss = 0;
    double p50_us = 0;
    double p99_us = 0;
    double cpu_per_1000 = 0; // % of one core per 1,000 streams (relay thread)
};

result run(std::size_t streams, double seconds, ssw::crypto::mode mode)
{
    ssw::core::steady_clock clk;
    ssw::media::relay_options o;
    o.first_port = 30000;
    o.last_port = static_cast<std::uint16_t>(30000 + streams * 4 + 3);
    ssw::media::relay relay(o, clk);
    std::uint16_t gen_port = 0;
    std::uint16_t rx_port = 0;
    const int gen = bound_socket(gen_port);
    const int rx = bound_socket(rx_port);
    const auto loop = ssw::media::endpoint{ssw::core::ip_address::v4(0x7f000001), 0};
    std::vector<std::uint16_t> a_ports;
    for (std::size_t i = 0; i < streams; ++i) {
        const auto s = relay.open();
        const auto ports = relay.ensure_stream(s, 0);
        if (!ports) {
            std::fprintf(stderr, "ports: %s\n", ports.error().message.c_str());
            std::exit(1);
        }
        if (mode != ssw::crypto::mode::none) {
            ssw::media::leg_settings enc;
            enc.mode = mode;
            enc.key = ssw::crypto::key_bytes{'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
            (void)relay.set_leg(s, ssw::media::side::b, enc);
        }
        auto a = loop;
        a.port = gen_port;
        auto b = loop;
        b.port = rx_port;
        relay.set_remote(s, 0, ssw::media::side::a, a);
        relay.set_remote(s, 0, ssw::media::side::b, b);
        a_ports.push_back(ports->first);
    }
    boost::asio::io_context io;
    ssw::net::media_sockets sockets(io, relay, ssw::core::ip_address::v4(0x7f000001));
    sockets.sync();
    auto guard = boost::asio::make_work_guard(io);
    std::thread relay_thread([&] { io.run(); });

    // Send times by stream and sequence (the header is never ciphered, so the receiver can
    // look them up whatever the mode).
    constexpr std::size_t window = 256;
    std::vector<clock_type::time_point> sent(streams * window);
    std::atomic<bool> sending{true};
    std::atomic<std::uint64_t> generated{0};
    std::vector<double> latencies;
    latencies.reserve(static_cast<std::size_t>(static_cast<double>(streams) * 50 * seconds) + 16);
    std::uint64_t received = 0;

    std::thread receiver([&] {
        std::vector<std::uint8_t> buf(64 * 2048);
        std::vector<mmsghdr> msgs(64);
        std::vector<iovec> iov(64);
        for (;;) {
            for (std::size_t i = 0; i < 64; ++i) {
                iov[i] = {buf.data() + i * 2048, 2048};
                msgs[i] = mmsghdr{};
                msgs[i].msg_hdr.msg_iov = &iov[i];
                msgs[i].msg_hdr.msg_iovlen = 1;
            }
            pollfd p{rx, POLLIN, 0};
            if (::poll(&p, 1, 200) <= 0) {
                if (!sending) {
                    return;
                }
                continue;
            }
            const int n = ::recvmmsg(rx, msgs.data(), 64, MSG_DONTWAIT, nullptr);
            const auto now = clock_type::now();
            for (int i = 0; i < n; ++i) {
                const auto* d = buf.data() + static_cast<std::size_t>(i) * 2048;
                const std::uint16_t seq = static_cast<std::uint16_t>((d[2] << 8) | d[3]);
                const std::uint32_t ssrc = (static_cast<std::uint32_t>(d[8]) << 24) |
                                           (static_cast<std::uint32_t>(d[9]) << 16) |
                                           (static_cast<std::uint32_t>(d[10]) << 8) | d[11];
                if (ssrc < streams) {
                    latencies.push_back(std::chrono::duration<double, std::micro>(
                                            now - sent[ssrc * window + seq % window])
                                            .count());
                }
                ++received;
            }
        }
    });

    // Generator: every 20 ms one 160-byte G.711 packet per stream, sent with sendmmsg.
    std::vector<std::uint8_t> packets(streams * 172, 0xd5);
    std::vector<sockaddr_in> to(streams);
    std::vector<iovec> giov(streams);
    std::vector<mmsghdr> gmsg(streams);
    for (std::size_t i = 0; i < streams; ++i) {
        auto* p = packets.data() + i * 172;
        p[0] = 0x80;
        p[1] = 0;
        p[8] = static_cast<std::uint8_t>(i >> 24);
        p[9] = static_cast<std::uint8_t>(i >> 16);
        p[10] = static_cast<std::uint8_t>(i >> 8);
        p[11] = static_cast<std::uint8_t>(i);
        to[i].sin_family = AF_INET;
        to[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to[i].sin_port = htons(a_ports[i]);
        giov[i] = {p, 172};
        gmsg[i] = mmsghdr{};
        gmsg[i].msg_hdr.msg_iov = &giov[i];
        gmsg[i].msg_hdr.msg_iovlen = 1;
        gmsg[i].msg_hdr.msg_name = &to[i];
        gmsg[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    }
    const double cpu0 = thread_cpu_seconds(relay_thread.native_handle());
    const auto start = clock_type::now();
    const auto ticks = static_cast<std::uint32_t>(seconds * 50);
    for (std::uint32_t t = 0; t < ticks; ++t) {
        std::this_thread::sleep_until(start + std::chrono::milliseconds(20) * t);
        const auto seq = static_cast<std::uint16_t>(t);
        const auto now = clock_type::now();
        for (std::size_t i = 0; i < streams; ++i) {
            auto* p = packets.data() + i * 172;
            p[2] = static_cast<std::uint8_t>(seq >> 8);
            p[3] = static_cast<std::uint8_t>(seq);
            const std::uint32_t ts = 160U * t;
            p[4] = static_cast<std::uint8_t>(ts >> 24);
            p[5] = static_cast<std::uint8_t>(ts >> 16);
            p[6] = static_cast<std::uint8_t>(ts >> 8);
            p[7] = static_cast<std::uint8_t>(ts);
            sent[i * window + seq % window] = now;
        }
        for (std::size_t done = 0; done < streams;) {
            const int n =
                ::sendmmsg(gen, gmsg.data() + done,
                           static_cast<unsigned>(std::min<std::size_t>(1024, streams - done)), 0);
            if (n <= 0) {
                break;
            }
            done += static_cast<std::size_t>(n);
        }
        generated += streams;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto wall = std::chrono::duration<double>(clock_type::now() - start).count();
    const double cpu = thread_cpu_seconds(relay_thread.native_handle()) - cpu0;
    sending = false;
    receiver.join();
    guard.reset();
    io.stop();
    relay_thread.join();
    ::close(gen);
    ::close(rx);

    result r;
    r.pps = static_cast<double>(received) / (wall - 0.3);
    r.loss = 1.0 - static_cast<double>(received) / static_cast<double>(generated.load());
    std::sort(latencies.begin(), latencies.end());
    if (!latencies.empty()) {
        r.p50_us = latencies[latencies.size() / 2];
        r.p99_us = latencies[latencies.size() * 99 / 100];
    }
    r.cpu_per_1000 = 100.0 * cpu / wall / (static_cast<double>(streams) / 1000.0);
    return r;
}

// The sans-IO core alone: ns per 172-byte packet through on_datagram (no syscalls), the
// cost the cipher adds without the noise of sockets and scheduling.
double core_ns_per_packet(ssw::crypto::mode mode, std::size_t packets)
{
    ssw::core::steady_clock clk;
    ssw::media::relay relay({30000, 30003, true, std::chrono::milliseconds(0)}, clk);
    const auto s = relay.open();
    const auto ports = relay.ensure_stream(s, 0);
    if (mode != ssw::crypto::mode::none) {
        ssw::media::leg_settings enc;
        enc.mode = mode;
        enc.key = ssw::crypto::key_bytes(16, 'k');
        (void)relay.set_leg(s, ssw::media::side::b, enc);
    }
    const auto lo = ssw::core::ip_address::v4(0x7f000001);
    relay.set_remote(s, 0, ssw::media::side::b, {lo, 5000});
    std::vector<std::uint8_t> p(172, 0xd5);
    p[0] = 0x80;
    const auto start = clock_type::now();
    for (std::size_t i = 0; i < packets; ++i) {
        p[2] = static_cast<std::uint8_t>(i >> 8);
        p[3] = static_cast<std::uint8_t>(i);
        (void)relay.on_datagram(ports->first, {lo, 4000}, p);
    }
    return std::chrono::duration<double, std::nano>(clock_type::now() - start).count() /
           static_cast<double>(packets);
}

} // namespace

int main(int argc, char** argv)
{
    const std::size_t streams = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000;
    const double seconds = argc > 2 ? std::strtod(argv[2], nullptr) : 5.0;
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim); // four sockets per stream
    std::printf("streams %zu at 50 pps each (%zu pps offered), %.0f s per mode\n", streams,
                streams * 50, seconds);
    std::printf("%-8s %12s %8s %10s %10s %16s\n", "mode", "relayed pps", "loss %", "p50 us",
                "p99 us", "CPU %/1000 str");
    std::printf("relay core only (on_datagram, 172-byte packets, best of 5 x 1M):\n");
    double core_plain = 0;
    for (const auto m : {ssw::crypto::mode::none, ssw::crypto::mode::xor_, ssw::crypto::mode::rc4,
                         ssw::crypto::mode::aes128}) {
        double best = 1e18;
        for (int k = 0; k < 5; ++k) {
            best = std::min(best, core_ns_per_packet(m, 1000000));
        }
        if (m == ssw::crypto::mode::none) {
            core_plain = best;
        }
        std::printf("  %-8s %8.1f ns/packet  x%.2f of plain\n",
                    m == ssw::crypto::mode::none ? "plain"
                                                 : std::string(ssw::crypto::to_string(m)).c_str(),
                    best, best / core_plain);
    }
    (void)run(streams, 1.0, ssw::crypto::mode::none); // warm-up: page faults, socket setup paths
    double plain_cpu = 0;
    for (const auto m : {ssw::crypto::mode::none, ssw::crypto::mode::xor_, ssw::crypto::mode::rc4,
                         ssw::crypto::mode::aes128}) {
        const auto r = run(streams, seconds, m);
        if (m == ssw::crypto::mode::none) {
            plain_cpu = r.cpu_per_1000;
        }
        std::printf("%-8s %12.0f %8.2f %10.0f %10.0f %16.1f",
                    m == ssw::crypto::mode::none ? "plain"
                                                 : std::string(ssw::crypto::to_string(m)).c_str(),
                    r.pps, 100.0 * r.loss, r.p50_us, r.p99_us, r.cpu_per_1000);
        if (m != ssw::crypto::mode::none && plain_cpu > 0) {
            std::printf("   CPU x%.2f of plain", r.cpu_per_1000 / plain_cpu);
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    return 0;
}
