// SPDX-License-Identifier: MIT
// The media relay's UDP sockets: recvmmsg/sendmmsg batches around media::relay (see header).
#include <ssw/net/media_sockets.hpp>

#include <boost/asio.hpp>

#include <array>
#include <cstring>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <vector>

namespace ssw::net {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr std::size_t batch_size = 64;       // datagrams per recvmmsg / sendmmsg
constexpr std::size_t datagram_bytes = 2048; // RTP over Ethernet fits; larger is dropped

media::endpoint from_sockaddr(const sockaddr_storage& ss)
{
    media::endpoint e;
    if (ss.ss_family == AF_INET) {
        sockaddr_in a{};
        std::memcpy(&a, &ss, sizeof a);
        e.address = core::ip_address::v4(ntohl(a.sin_addr.s_addr));
        e.port = ntohs(a.sin_port);
    } else if (ss.ss_family == AF_INET6) {
        sockaddr_in6 a{};
        std::memcpy(&a, &ss, sizeof a);
        std::array<std::uint8_t, 16> b{};
        std::memcpy(b.data(), &a.sin6_addr, 16);
        e.address = core::ip_address::v6(b);
        e.port = ntohs(a.sin6_port);
    }
    return e;
}

socklen_t to_sockaddr(const media::endpoint& e, sockaddr_storage& ss)
{
    std::memset(&ss, 0, sizeof ss);
    const auto& b = e.address.bytes();
    if (e.address.is_v4()) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(e.port);
        std::memcpy(&a.sin_addr, b.data() + 12, 4);
        std::memcpy(&ss, &a, sizeof a);
        return sizeof a;
    }
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(e.port);
    std::memcpy(&a.sin6_addr, b.data(), 16);
    std::memcpy(&ss, &a, sizeof a);
    return sizeof a;
}

asio::ip::address to_asio(const core::ip_address& a)
{
    if (a.is_v4()) {
        const auto& b = a.bytes();
        return asio::ip::address_v4(asio::ip::address_v4::bytes_type{b[12], b[13], b[14], b[15]});
    }
    return asio::ip::address_v6(a.bytes());
}

} // namespace

struct media_sockets::state : std::enable_shared_from_this<media_sockets::state> {
    struct port_socket {
        explicit port_socket(asio::io_context& io) : socket(io) {}
        udp::socket socket;
        std::uint16_t port = 0;
        bool open = false;
    };

    state(asio::io_context& context, media::relay& r, core::ip_address a, batch_hook b, log_hook l)
        : io(context), relay(r), address(a), after_batch(std::move(b)), log(std::move(l))
    {
        // Two sockets per port pair: the default soft limit of 1024 descriptors would cap the
        // relay at a few hundred calls, so take what the hard limit allows.
        rlimit lim{};
        if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
            lim.rlim_cur = lim.rlim_max;
            (void)::setrlimit(RLIMIT_NOFILE, &lim);
        }
        first = r.ports().first_port();
        sockets.resize(r.ports().capacity() * 2);
        buffers.resize(batch_size * datagram_bytes);
        for (std::size_t i = 0; i < batch_size; ++i) {
            rx_iov[i].iov_base = buffers.data() + i * datagram_bytes;
            rx_iov[i].iov_len = datagram_bytes;
        }
    }

    asio::io_context& io;
    media::relay& relay;
    core::ip_address address;
    batch_hook after_batch;
    log_hook log;
    std::uint16_t first = 0;
    std::vector<std::shared_ptr<port_socket>> sockets; // by port - first
    std::vector<media::port_change> changes;
    media_socket_stats stats;

    // Batch buffers, allocated once.
    std::vector<std::uint8_t> buffers;
    std::array<iovec, batch_size> rx_iov{};
    std::array<sockaddr_storage, batch_size> rx_from{};
    std::array<mmsghdr, batch_size> rx{};
    std::array<iovec, batch_size> tx_iov{};
    std::array<sockaddr_storage, batch_size> tx_to{};
    std::array<mmsghdr, batch_size> tx{};
    std::array<int, batch_size> tx_fd{};

    port_socket* socket_of(std::uint16_t port)
    {
        if (port < first || static_cast<std::size_t>(port - first) >= sockets.size()) {
            return nullptr;
        }
        auto& s = sockets[port - first];
        return s && s->open ? s.get() : nullptr;
    }

    void open_port(std::uint16_t port)
    {
        if (port < first || static_cast<std::size_t>(port - first) >= sockets.size()) {
            return;
        }
        auto s = std::make_shared<port_socket>(io);
        s->port = port;
        boost::system::error_code ec;
        const udp::endpoint ep(to_asio(address), port);
        s->socket.open(ep.protocol(), ec);
        if (!ec) {
            s->socket.bind(ep, ec);
        }
        if (!ec) {
            s->socket.non_blocking(true, ec);
        }
        if (ec) {
            ++stats.bind_failures;
            if (log) {
                log("media: cannot bind UDP port " + std::to_string(port) + ": " + ec.message());
            }
            return;
        }
        s->open = true;
        ++stats.open_sockets;
        sockets[port - first] = s;
        wait(s);
    }

    void close_port(std::uint16_t port)
    {
        if (port < first || static_cast<std::size_t>(port - first) >= sockets.size()) {
            return;
        }
        auto& s = sockets[port - first];
        if (s && s->open) {
            boost::system::error_code ignored;
            s->socket.close(ignored); // a pending wait completes with operation_aborted
            s->open = false;
            --stats.open_sockets;
        }
        s.reset();
    }

    void sync()
    {
        if (!relay.has_port_changes()) {
            return;
        }
        changes.clear();
        relay.take_port_changes(changes);
        for (const auto& c : changes) {
            if (c.open) {
                open_port(c.port);
            } else {
                close_port(c.port);
            }
        }
    }

    void wait(const std::shared_ptr<port_socket>& s)
    {
        std::weak_ptr<state> self = shared_from_this();
        s->socket.async_wait(udp::socket::wait_read,
                             [self, s](const boost::system::error_code& ec) {
                                 auto me = self.lock();
                                 if (ec || !me || !s->open) {
                                     return;
                                 }
                                 me->drain(*s);
                                 if (s->open) {
                                     me->wait(s);
                                 }
                             });
    }

    // Reads what is waiting on one socket in batches, relays it, sends it.
    void drain(port_socket& s)
    {
        const int fd = s.socket.native_handle();
        for (int rounds = 0; rounds < 16; ++rounds) { // then yield to the other sockets
            for (std::size_t i = 0; i < batch_size; ++i) {
                rx[i] = mmsghdr{};
                rx[i].msg_hdr.msg_iov = &rx_iov[i];
                rx[i].msg_hdr.msg_iovlen = 1;
                rx[i].msg_hdr.msg_name = &rx_from[i];
                rx[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
            }
            const int n =
                ::recvmmsg(fd, rx.data(), static_cast<unsigned>(batch_size), MSG_DONTWAIT, nullptr);
            if (n <= 0) {
                break;
            }
            ++stats.batches;
            stats.received += static_cast<std::uint64_t>(n);
            std::size_t out = 0;
            for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
                if ((rx[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
                    ++stats.truncated;
                    continue;
                }
                auto* data = buffers.data() + i * datagram_bytes;
                const std::span<std::uint8_t> datagram(data, rx[i].msg_len);
                const auto f = relay.on_datagram(s.port, from_sockaddr(rx_from[i]), datagram);
                if (!f.send) {
                    continue;
                }
                auto* from_socket = socket_of(f.from_port);
                if (from_socket == nullptr) {
                    continue;
                }
                tx_iov[out].iov_base = data;
                tx_iov[out].iov_len = rx[i].msg_len;
                tx[out] = mmsghdr{};
                tx[out].msg_hdr.msg_iov = &tx_iov[out];
                tx[out].msg_hdr.msg_iovlen = 1;
                tx[out].msg_hdr.msg_name = &tx_to[out];
                tx[out].msg_hdr.msg_namelen = to_sockaddr(f.to, tx_to[out]);
                tx_fd[out] = from_socket->socket.native_handle();
                ++out;
            }
            send_batch(out);
            if (relay.has_events() && after_batch) {
                after_batch();
            }
            if (static_cast<std::size_t>(n) < batch_size) {
                break;
            }
        }
    }

    // One sendmmsg per run of datagrams leaving through the same socket.
    void send_batch(std::size_t count)
    {
        std::size_t start = 0;
        while (start < count) {
            std::size_t end = start + 1;
            while (end < count && tx_fd[end] == tx_fd[start]) {
                ++end;
            }
            std::size_t done = start;
            while (done < end) {
                const int sent = ::sendmmsg(tx_fd[start], tx.data() + done,
                                            static_cast<unsigned>(end - done), MSG_DONTWAIT);
                if (sent <= 0) {
                    // A full socket buffer or an unreachable peer: drop the rest of this run.
                    stats.send_errors += end - done;
                    break;
                }
                stats.sent += static_cast<std::uint64_t>(sent);
                done += static_cast<std::size_t>(sent);
            }
            start = end;
        }
    }

    void close_all()
    {
        for (std::size_t i = 0; i < sockets.size(); ++i) {
            close_port(static_cast<std::uint16_t>(first + i));
        }
    }
};

media_sockets::media_sockets(asio::io_context& io, media::relay& relay, core::ip_address address,
                             batch_hook after_batch, log_hook log)
    : state_(std::make_shared<state>(io, relay, address, std::move(after_batch), std::move(log)))
{
}

media_sockets::~media_sockets()
{
    state_->close_all();
}

void media_sockets::sync()
{
    state_->sync();
}

void media_sockets::close_all()
{
    state_->close_all();
}

const media_socket_stats& media_sockets::stats() const noexcept
{
    return state_->stats;
}

} // namespace ssw::net
