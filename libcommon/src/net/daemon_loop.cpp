// SPDX-License-Identifier: MIT
// Boost.Asio wiring of the daemon engine: UDP/TCP transports, the deadline timer, signals.
#include "net/control_server_detail.hpp"
#include "net/dns_worker_detail.hpp"
#include "net/graceful_stop_detail.hpp"

#include <ssw/daemon/connection_guard.hpp>
#include <ssw/net/daemon_loop.hpp>
#include <ssw/net/media_sockets.hpp>
#include <ssw/sip/serializer.hpp>
#include <ssw/sip/stream_framer.hpp>

#include <boost/asio.hpp>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <sys/socket.h>
#include <unordered_map>

namespace ssw::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

core::ip_address to_core(const asio::ip::address& a)
{
    if (a.is_v4()) {
        return core::ip_address::v4(a.to_v4().to_uint());
    }
    const auto v6 = a.to_v6();
    if (v6.is_v4_mapped()) {
        return core::ip_address::v4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_uint());
    }
    return core::ip_address::v6(v6.to_bytes());
}

asio::ip::address to_asio(const core::ip_address& a)
{
    if (a.is_v4()) {
        const auto& b = a.bytes();
        return asio::ip::address_v4(asio::ip::address_v4::bytes_type{b[12], b[13], b[14], b[15]});
    }
    return asio::ip::address_v6(a.bytes());
}

// The most datagrams handled between two group commits. While one commit's fsync runs,
// requests queue in the socket; the next wake-up takes them all under one fsync, so the
// batch grows with the load instead of the fsync latency capping the request rate.
constexpr std::size_t max_datagrams_per_wakeup = 1024;
// Room for that queue: about 4,000 REGISTERs. The kernel caps it at net.core.rmem_max
// unless the daemon runs with CAP_NET_ADMIN; the default still holds a few hundred.
constexpr int udp_receive_buffer_bytes = 4 * 1024 * 1024;
constexpr std::size_t max_tcp_write_queue = 256;
// How often the TCP connection guard's deadlines are checked (they are tens of seconds).
constexpr auto connection_sweep_period = std::chrono::seconds(1);

// As large a receive buffer as the kernel gives: SO_RCVBUFFORCE passes net.core.rmem_max
// when ssw-run has CAP_NET_ADMIN (it runs as root or with the capability), so a burst of a
// flood does not push the legitimate requests behind it out of the queue.
void enlarge_receive_buffer(int fd)
{
    const int bytes = udp_receive_buffer_bytes;
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
        (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    }
}

} // namespace

struct daemon_loop::state : std::enable_shared_from_this<daemon_loop::state> {
    struct udp_socket {
        explicit udp_socket(asio::io_context& io) : socket(io) {}
        udp::socket socket;
        bool v4 = true; // the family, kept so a send needs no getsockname()
        std::array<char, 65536> buffer{};
        udp::endpoint sender;
        std::uint16_t index = 0;              // 1-based, the peer's `listener`
        std::vector<daemon::outgoing*> batch; // datagrams of this dispatch, for sendmmsg
    };

    struct tcp_connection {
        explicit tcp_connection(tcp::socket s) : socket(std::move(s)) {}
        tcp::socket socket;
        sip::stream_framer framer;
        std::deque<std::string> writes;
        bool writing = false;
        bool connecting = false;  // ours, async_connect not done yet: writes wait
        std::string outgoing_key; // ours: its key in outgoing_tcp
        std::uint64_t id = 0;
        daemon::peer remote;
    };

    state(daemon::engine& e, loop_hooks h) : engine(e), hooks(std::move(h)) {}

    core::steady_clock clock;
    daemon::connection_guard guard{daemon::connection_limits{}, clock};
    asio::io_context io;
    asio::steady_timer sweep_timer{io};
    asio::signal_set signals{io, SIGINT, SIGTERM, SIGHUP};
    asio::steady_timer timer{io};
    daemon::engine& engine;
    loop_hooks hooks;
    std::vector<std::unique_ptr<udp_socket>> udp_sockets;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    std::unordered_map<std::uint64_t, std::shared_ptr<tcp_connection>> connections;
    // Connections we opened, by peer ("tcp 192.0.2.1:5060"), reused for later requests.
    std::unordered_map<std::string, std::uint64_t> outgoing_tcp;
    std::uint64_t next_connection = 1;
    std::vector<daemon::outgoing> out;
    std::vector<std::uint16_t> ports;
    int stop_signal = 0;
    control_server control{io, engine, logger()}; // ssw-run status
    graceful_stop stopper{io, engine, out, hooks.stop_grace, logger()};
    dns_worker dns{io, engine, out};      // last: joined first, before anything it posts to goes
    std::unique_ptr<media_sockets> media; // the relay's RTP/RTCP sockets
    // The binding store's group commits, off the loop: one job at a time, the next one takes
    // everything staged meanwhile. Last member: joined first, before anything it posts to goes.
    asio::thread_pool writer{1};
    bool commit_in_flight = false;
    std::array<char, 65536> tcp_read_buffer{}; // shared by every TCP connection's reads

    void start_media()
    {
        auto bind_to = core::ip_address::v4(0); // every interface: the SDP address may be a NAT's
        if (const auto a = core::ip_address::parse(engine.media().address()); a && !a->is_v4()) {
            bind_to = core::ip_address::v6({});
        }
        media = std::make_unique<media_sockets>(
            io, engine.media().core(), bind_to,
            [this] {
                engine.on_media(out);
                dispatch();
            },
            [this](std::string_view text) { log(daemon::log_level::warning, std::string(text)); });
    }

    [[nodiscard]] daemon::log_function logger()
    {
        return [this](daemon::log_level level, std::string_view text) {
            log(level, std::string(text));
        };
    }

    void log(daemon::log_level level, const std::string& text) const
    {
        if (hooks.log) {
            hooks.log(level, text);
        }
    }

    // ---- sending ----------------------------------------------------------------------

    void dispatch()
    {
        if (media) {
            // Open (and close) the ports the calls just took (gave back) before the SDP naming
            // them leaves: a peer may send RTP the moment it reads the offer.
            media->sync();
        }
        for (auto& o : out) {
            if (o.to.transport == provision::transport::tcp) {
                if (o.to.connection == 0) {
                    send_tcp_out(o); // a request to a peer over TCP: ours to connect
                    continue;
                }
                const auto it = connections.find(o.to.connection);
                if (it == connections.end()) {
                    log(daemon::log_level::debug,
                        "connection for " + o.to.to_string() + " is gone: response dropped");
                    continue;
                }
                queue_write(it->second, std::move(o.bytes));
                continue;
            }
            udp_socket* socket = udp_socket_for(o.to);
            if (socket == nullptr) {
                log(daemon::log_level::warning,
                    "no UDP listener of the family of " + o.to.to_string());
                continue;
            }
            if (o.bytes.size() > sip::udp_fragmentation_threshold) {
                // Large over UDP: compact header forms first (RFC 3261 §7.3.3); beyond the
                // datagram limit it cannot be sent at all, which the log must say.
                auto fitted = sip::fit_for_udp(std::move(o.bytes));
                if (!fitted) {
                    log(daemon::log_level::warning,
                        "not sent to " + o.to.to_string() + ": " + fitted.error().message);
                    continue;
                }
                o.bytes = std::move(*fitted);
            }
            socket->batch.push_back(&o);
        }
        for (auto& s : udp_sockets) {
            send_batch(*s);
        }
        out.clear();
        send_keepalives();
        arm_timer();
        dns.take_requests([this] { dispatch(); });
        stopper.check_done();
        start_commit();
    }

    // Hands the binding changes staged so far to the writer thread; their 200s leave when the
    // write returns (engine::commit_done), never before.
    void start_commit()
    {
        if (commit_in_flight) {
            return;
        }
        auto job = engine.take_commit();
        if (!job) {
            return;
        }
        commit_in_flight = true;
        auto taken = std::make_shared<daemon::engine::commit_job>(std::move(*job));
        asio::post(writer, [this, taken] {
            auto written = std::make_shared<result<void>>(engine.write_commit(*taken));
            asio::post(io, [this, taken, written] {
                commit_in_flight = false;
                engine.commit_done(taken->id, *written, out);
                dispatch(); // sends the 200s, then starts the next commit
            });
        });
    }

    // NAT keep-alives straight from the scheduler's batch: no copy or allocation per datagram.
    void send_keepalives()
    {
        const auto batch = engine.take_keepalives();
        for (const auto& k : batch.endpoints) {
            for (auto& s : udp_sockets) {
                if (s->v4 == k.address.is_v4()) {
                    boost::system::error_code ec;
                    s->socket.send_to(asio::buffer(batch.payload.data(), batch.payload.size()),
                                      udp::endpoint(to_asio(k.address), k.port), 0, ec);
                    break;
                }
            }
        }
    }

    // The socket the peer's datagram arrived on, else the first of its address family.
    udp_socket* udp_socket_for(const daemon::peer& to)
    {
        if (to.listener != 0 && to.listener <= udp_sockets.size()) {
            auto& s = *udp_sockets[to.listener - 1];
            if (s.v4 == to.address.is_v4()) {
                return &s;
            }
        }
        for (auto& s : udp_sockets) {
            if (s->v4 == to.address.is_v4()) {
                return s.get();
            }
        }
        return nullptr;
    }

    // One sendmmsg(2) per 64 datagrams instead of one sendto(2) each: under load the
    // responses of a whole receive batch leave in a couple of system calls.
    void send_batch(udp_socket& s)
    {
        constexpr std::size_t chunk = 64;
        std::array<mmsghdr, chunk> headers{};
        std::array<iovec, chunk> vectors{};
        std::array<udp::endpoint, chunk> targets;
        std::size_t done = 0;
        while (done < s.batch.size()) {
            const std::size_t n = std::min(chunk, s.batch.size() - done);
            for (std::size_t i = 0; i < n; ++i) {
                auto& o = *s.batch[done + i];
                targets[i] = udp::endpoint(to_asio(o.to.address), o.to.port);
                vectors[i] = iovec{o.bytes.data(), o.bytes.size()};
                headers[i] = mmsghdr{};
                headers[i].msg_hdr.msg_name = targets[i].data();
                headers[i].msg_hdr.msg_namelen = static_cast<socklen_t>(targets[i].size());
                headers[i].msg_hdr.msg_iov = &vectors[i];
                headers[i].msg_hdr.msg_iovlen = 1;
            }
            std::size_t sent = 0;
            while (sent < n) {
                const int r = ::sendmmsg(s.socket.native_handle(), headers.data() + sent,
                                         static_cast<unsigned>(n - sent), 0);
                if (r > 0) {
                    sent += static_cast<std::size_t>(r);
                    continue;
                }
                // The datagram at `sent` failed (full buffer, unreachable): log it and go on
                // with the rest, as one sendto per datagram would have.
                if (errno != EAGAIN && errno != EWOULDBLOCK) {
                    log(daemon::log_level::debug, "send to " +
                                                      s.batch[done + sent]->to.to_string() +
                                                      " failed: " + std::strerror(errno));
                }
                ++sent;
            }
            done += n;
        }
        s.batch.clear();
    }

    // A message to a TCP peer we have no connection from (a vendor, a carrier): on the
    // connection we opened to it before, or on a new one (RFC 3261 §18.1.1). Until the
    // connect completes, writes wait in the queue; if it fails, they are dropped and the
    // transaction layer's timers decide (a timeout, then the next gateway).
    void send_tcp_out(daemon::outgoing& o)
    {
        const std::string key = o.to.to_string();
        if (const auto known = outgoing_tcp.find(key); known != outgoing_tcp.end()) {
            if (const auto it = connections.find(known->second); it != connections.end()) {
                queue_write(it->second, std::move(o.bytes));
                return;
            }
            outgoing_tcp.erase(known);
        }
        const auto id = next_connection++;
        const auto admitted = guard.on_open(id, o.to.address, true);
        if (!admitted.accepted) {
            log(daemon::log_level::warning, "too many TCP connections: not connecting to " + key);
            return;
        }
        evict(admitted.evict);
        auto c = std::make_shared<tcp_connection>(tcp::socket(io));
        c->id = id;
        c->remote = o.to;
        c->remote.connection = c->id;
        c->connecting = true;
        c->outgoing_key = key;
        c->writes.push_back(std::move(o.bytes));
        connections.emplace(c->id, c);
        outgoing_tcp.emplace(key, c->id);
        c->socket.async_connect(tcp::endpoint(to_asio(o.to.address), o.to.port),
                                [this, c](const boost::system::error_code& ec) {
                                    if (ec) {
                                        if (ec != asio::error::operation_aborted) {
                                            log(daemon::log_level::warning,
                                                "cannot connect to " + c->outgoing_key + ": " +
                                                    ec.message());
                                        }
                                        close(c);
                                        return;
                                    }
                                    c->connecting = false;
                                    boost::system::error_code ignored;
                                    c->socket.non_blocking(true, ignored);
                                    write_next(c);
                                    read(c);
                                });
    }

    void queue_write(const std::shared_ptr<tcp_connection>& c, std::string bytes)
    {
        if (c->writes.size() >= max_tcp_write_queue) {
            log(daemon::log_level::warning,
                "closing " + c->remote.to_string() + ": it does not read its responses");
            close(c);
            return;
        }
        c->writes.push_back(std::move(bytes));
        if (!c->writing && !c->connecting) {
            write_next(c);
        }
    }

    void write_next(const std::shared_ptr<tcp_connection>& c)
    {
        if (c->writes.empty()) {
            c->writing = false;
            return;
        }
        c->writing = true;
        asio::async_write(c->socket, asio::buffer(c->writes.front()),
                          [this, c](const boost::system::error_code& ec, std::size_t) {
                              if (ec) {
                                  close(c);
                                  return;
                              }
                              c->writes.pop_front();
                              write_next(c);
                          });
    }

    void close(const std::shared_ptr<tcp_connection>& c)
    {
        boost::system::error_code ignored;
        c->socket.close(ignored);
        guard.on_close(c->id);
        engine.set_connection_count(guard.size());
        connections.erase(c->id);
        if (!c->outgoing_key.empty()) {
            const auto it = outgoing_tcp.find(c->outgoing_key);
            if (it != outgoing_tcp.end() && it->second == c->id) {
                outgoing_tcp.erase(it);
            }
        }
    }

    // A connection the guard gave up (displaced at the cap, unauthenticated too long, idle).
    void evict(std::optional<std::uint64_t> id)
    {
        if (!id) {
            return;
        }
        if (const auto it = connections.find(*id); it != connections.end()) {
            const auto c = it->second;
            engine.note_connection_drop(false, c->remote.address);
            close(c);
        }
    }

    void sweep_connections()
    {
        sweep_timer.expires_after(connection_sweep_period);
        sweep_timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec) {
                return;
            }
            for (const auto id : guard.take_due()) {
                evict(id);
            }
            sweep_connections();
        });
    }

    // ---- timers -----------------------------------------------------------------------

    void arm_timer()
    {
        const auto deadline = engine.next_deadline();
        if (!deadline) {
            return;
        }
        timer.expires_at(*deadline);
        timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec) {
                return; // re-armed or stopping
            }
            engine.on_timer(out);
            dispatch();
        });
    }

    // ---- UDP ----------------------------------------------------------------------------

    void receive(udp_socket& s)
    {
        s.socket.async_receive_from(
            asio::buffer(s.buffer), s.sender,
            [this, &s](const boost::system::error_code& ec, std::size_t n) {
                if (ec == asio::error::operation_aborted) {
                    return;
                }
                if (!ec) {
                    handle_datagram(s, n);
                    // Drain what else is waiting, then commit once.
                    for (std::size_t i = 1; i < max_datagrams_per_wakeup; ++i) {
                        boost::system::error_code more;
                        const auto got =
                            s.socket.receive_from(asio::buffer(s.buffer), s.sender, 0, more);
                        if (more) {
                            break;
                        }
                        handle_datagram(s, got);
                    }
                    // What needs no disk (challenges, errors) leaves now; the 200s
                    // wait for their batch's fsync on the writer thread.
                    dispatch();
                }
                receive(s);
            });
    }

    void handle_datagram(udp_socket& s, std::size_t n)
    {
        const std::string_view bytes(s.buffer.data(), n);
        daemon::peer from{to_core(s.sender.address()), s.sender.port(), provision::transport::udp,
                          0};
        from.listener = s.index;
        // CRLF keep-alives and other tiny payloads are not SIP: ignore them quietly.
        if (n < 8) {
            return;
        }
        engine.on_message(bytes, from, out);
    }

    // ---- TCP ----------------------------------------------------------------------------

    void accept(tcp::acceptor& acceptor)
    {
        acceptor.async_accept(
            [this, &acceptor](const boost::system::error_code& ec, tcp::socket socket) {
                if (ec == asio::error::operation_aborted) {
                    return;
                }
                if (!ec) {
                    admit(std::move(socket));
                }
                accept(acceptor);
            });
    }

    // A peer's new connection, if the guard gives it a place (per-source and total caps).
    void admit(tcp::socket socket)
    {
        boost::system::error_code ep_ec;
        const auto remote = socket.remote_endpoint(ep_ec);
        if (ep_ec) {
            return; // gone before we looked
        }
        const auto source = to_core(remote.address());
        const auto id = next_connection++;
        const auto admitted = guard.on_open(id, source, false);
        if (!admitted.accepted) {
            engine.note_connection_drop(true, source);
            boost::system::error_code ignored;
            socket.close(ignored);
            return;
        }
        evict(admitted.evict);
        auto c = std::make_shared<tcp_connection>(std::move(socket));
        c->id = id;
        c->remote = daemon::peer{source, remote.port(), provision::transport::tcp, c->id};
        boost::system::error_code ignored;
        c->socket.non_blocking(true, ignored); // reads happen on readiness (read())
        connections.emplace(c->id, c);
        engine.set_connection_count(guard.size());
        read(c);
    }

    void read(const std::shared_ptr<tcp_connection>& c)
    {
        // Wait for readability, then read into the one shared buffer: an idle connection holds
        // no read buffer of its own (4,096 of them would hold 64 MB otherwise).
        c->socket.async_wait(
            tcp::socket::wait_read, [this, c](const boost::system::error_code& ec) {
                if (ec) {
                    close(c);
                    return;
                }
                boost::system::error_code read_ec;
                const std::size_t n = c->socket.read_some(asio::buffer(tcp_read_buffer), read_ec);
                if (read_ec == asio::error::would_block || read_ec == asio::error::try_again) {
                    read(c);
                    return;
                }
                if (read_ec) {
                    close(c); // end of stream or reset
                    return;
                }
                guard.on_activity(c->id);
                c->framer.append(std::string_view(tcp_read_buffer.data(), n));
                while (true) {
                    const auto f = c->framer.next();
                    if (f.status == sip::frame_status::need_more) {
                        break;
                    }
                    if (f.status == sip::frame_status::invalid) {
                        log(daemon::log_level::debug,
                            "closing " + c->remote.to_string() + ": " + f.reason);
                        close(c);
                        dispatch();
                        return;
                    }
                    if (f.kind == sip::frame_kind::keepalive_ping) {
                        queue_write(c, "\r\n"); // RFC 5626 §3.5.1 pong
                        continue;
                    }
                    if (f.kind == sip::frame_kind::message &&
                        engine.on_message(c->framer.current(), c->remote, out) ==
                            daemon::source_standing::known) {
                        guard.on_known_source(c->id);
                    }
                }
                dispatch();
                if (connections.count(c->id) != 0) {
                    read(c);
                }
            });
    }

    // ---- signals ------------------------------------------------------------------------

    void wait_signal()
    {
        signals.async_wait([this](const boost::system::error_code& ec, int number) {
            if (ec) {
                return;
            }
            if (number == SIGHUP) {
                if (hooks.reload) {
                    auto next = hooks.reload();
                    if (!next) {
                        log(daemon::log_level::error,
                            "reload refused, running configuration kept: " +
                                next.error().to_string());
                    } else {
                        engine.reconfigure(std::move(next->config), std::move(next->settings),
                                           std::move(next->rules));
                    }
                }
                wait_signal();
                return;
            }
            stop_signal = number;
            if (stopper.begin([this] { dispatch(); })) {
                wait_signal(); // a second signal exits at once
            }
        });
    }
};

daemon_loop::daemon_loop(std::unique_ptr<state> s) : state_(std::move(s)) {}
daemon_loop::~daemon_loop() = default;

result<std::unique_ptr<daemon_loop>>
daemon_loop::create(daemon::engine& engine, const std::vector<provision::listener>& listeners,
                    loop_hooks hooks)
{
    auto s = std::make_unique<state>(engine, std::move(hooks));
    for (const auto& l : listeners) {
        const auto address = to_asio(l.address);
        const std::string where =
            (l.address.is_v4() ? l.address.to_string() : "[" + l.address.to_string() + "]") + ":" +
            std::to_string(l.port);
        boost::system::error_code ec;
        if (l.kind == provision::transport::udp) {
            auto u = std::make_unique<state::udp_socket>(s->io);
            const udp::endpoint ep(address, l.port);
            u->socket.open(ep.protocol(), ec);
            if (!ec && address.is_v6()) {
                u->socket.set_option(asio::ip::v6_only(true), ec);
            }
            if (!ec) {
                u->socket.set_option(udp::socket::reuse_address(true), ec);
            }
            if (!ec) {
                u->socket.bind(ep, ec);
            }
            if (!ec) {
                enlarge_receive_buffer(u->socket.native_handle());
                u->socket.non_blocking(true, ec);
            }
            if (ec) {
                return unexpected(make_error(errc::unavailable, "cannot listen on UDP " + where +
                                                                    ": " + ec.message()));
            }
            s->ports.push_back(u->socket.local_endpoint().port());
            u->v4 = address.is_v4();
            u->index = static_cast<std::uint16_t>(s->udp_sockets.size() + 1);
            s->udp_sockets.push_back(std::move(u));
        } else {
            auto a = std::make_unique<tcp::acceptor>(s->io);
            const tcp::endpoint ep(address, l.port);
            a->open(ep.protocol(), ec);
            if (!ec && address.is_v6()) {
                a->set_option(asio::ip::v6_only(true), ec);
            }
            if (!ec) {
                a->set_option(tcp::acceptor::reuse_address(true), ec);
            }
            if (!ec) {
                a->bind(ep, ec);
            }
            if (!ec) {
                a->listen(asio::socket_base::max_listen_connections, ec);
            }
            if (ec) {
                return unexpected(make_error(errc::unavailable, "cannot listen on TCP " + where +
                                                                    ": " + ec.message()));
            }
            s->ports.push_back(a->local_endpoint().port());
            s->acceptors.push_back(std::move(a));
        }
    }
    return std::unique_ptr<daemon_loop>(new daemon_loop(std::move(s)));
}

int daemon_loop::run()
{
    auto& s = *state_;
    for (auto& u : s.udp_sockets) {
        s.receive(*u);
    }
    for (auto& a : s.acceptors) {
        s.accept(*a);
    }
    s.sweep_connections();
    s.wait_signal();
    s.control.open(s.hooks.control_socket);
    s.engine.set_keepalive_direct(true);
    s.start_media();
    s.media->sync();
    s.engine.start(s.out);
    s.dispatch();
    s.io.run();
    s.media->close_all();
    return s.stop_signal;
}

void daemon_loop::stop()
{
    state_->io.stop();
}

std::vector<std::uint16_t> daemon_loop::bound_ports() const
{
    return state_->ports;
}

} // namespace ssw::net
