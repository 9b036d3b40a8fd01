// SPDX-License-Identifier: MIT
// A UDP socket on 127.0.0.1 for tests that play a SIP phone, a gateway or an RTP endpoint.
#pragma once

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <chrono>
#include <cstdint>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace ssw::test {

class udp_socket {
  public:
    // Bound to 127.0.0.1 on a port the kernel picks.
    udp_socket()
    {
        fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
    ~udp_socket() { ::close(fd_); }
    udp_socket(const udp_socket&) = delete;
    udp_socket& operator=(const udp_socket&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] int fd() const { return fd_; }

    // One datagram to 127.0.0.1:`to`.
    void send(int to, const void* data, std::size_t n) const
    {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<std::uint16_t>(to));
        (void)::sendto(fd_, data, n, 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    void send(int to, const std::string& s) const { send(to, s.data(), s.size()); }

    // The next datagram within `wait` (and its source port), or nullopt.
    [[nodiscard]] std::optional<std::string> receive(std::chrono::milliseconds wait,
                                                     std::uint16_t* from = nullptr) const
    {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) {
            return std::nullopt;
        }
        std::string buf(65536, '\0');
        sockaddr_in a{};
        socklen_t len = sizeof a;
        const auto n =
            ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&a), &len);
        if (n < 0) {
            return std::nullopt;
        }
        if (from != nullptr) {
            *from = ntohs(a.sin_port);
        }
        buf.resize(static_cast<std::size_t>(n));
        return buf;
    }

    // The next datagram starting with `prefix` within `wait` (others are skipped); the test
    // fails when none comes.
    std::string expect(const std::string& prefix,
                       std::chrono::milliseconds wait = std::chrono::seconds(5)) const
    {
        const auto end = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < end) {
            const auto m = receive(std::chrono::milliseconds(200));
            if (m && m->rfind(prefix, 0) == 0) {
                return *m;
            }
        }
        FAIL("no '" << prefix << "' within " << wait.count() << " ms");
        return {};
    }

  private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

} // namespace ssw::test
