// SPDX-License-Identifier: MIT
// Control socket server, DNS worker and graceful stop of the daemon loop.
#include "net/loop_extras_detail.hpp"

#include <ssw/daemon/status.hpp>
#include <ssw/daemon/uplink_registrations.hpp>
#include <ssw/net/resolver.hpp>

#include <array>
#include <filesystem>

namespace ssw::net {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace {

// One control connection: read a request line, answer, close.
struct control_session : std::enable_shared_from_this<control_session> {
    control_session(local::socket s, daemon::engine& e) : socket(std::move(s)), engine(e) {}
    local::socket socket;
    daemon::engine& engine;
    std::array<char, 256> buffer{};
    std::string request;
    std::string answer;

    void read()
    {
        auto self = shared_from_this();
        socket.async_read_some(asio::buffer(buffer),
                               [self](const boost::system::error_code& ec, std::size_t n) {
                                   if (ec) {
                                       return;
                                   }
                                   self->request.append(self->buffer.data(), n);
                                   const auto nl = self->request.find('\n');
                                   if (nl == std::string::npos) {
                                       if (self->request.size() < 1024) {
                                           self->read();
                                       }
                                       return;
                                   }
                                   self->respond(self->request.substr(0, nl));
                               });
    }

    void respond(std::string line)
    {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
            line.pop_back();
        }
        const auto st = engine.status();
        if (line == "status json") {
            answer = daemon::render_json(st) + "\n";
        } else if (line == "status") {
            answer = daemon::render_text(st);
        } else {
            answer = "error: unknown request '" + line + "' (expected 'status' or 'status json')\n";
        }
        auto self = shared_from_this();
        asio::async_write(socket, asio::buffer(answer),
                          [self](const boost::system::error_code&, std::size_t) {
                              boost::system::error_code ignored;
                              self->socket.shutdown(local::socket::shutdown_both, ignored);
                              self->socket.close(ignored);
                          });
    }
};

} // namespace

loop_extras::loop_extras(asio::io_context& io, daemon::engine& engine, const loop_hooks& hooks,
                         std::vector<daemon::outgoing>& out)
    : io_(io), engine_(engine), hooks_(hooks), out_(out), stop_guard_(io)
{
}

loop_extras::~loop_extras()
{
    dns_.join();
    if (control_) {
        boost::system::error_code ignored;
        control_->close(ignored);
        std::error_code fs_ignored;
        std::filesystem::remove(control_path_, fs_ignored);
    }
}

void loop_extras::log(daemon::log_level level, const std::string& text) const
{
    if (hooks_.log) {
        hooks_.log(level, text);
    }
}

void loop_extras::open_control_socket()
{
    if (hooks_.control_socket.empty()) {
        return;
    }
    const std::string& path = hooks_.control_socket;
    boost::system::error_code ec;
    std::error_code fs_ec;
    // A socket file left by a daemon that died: nobody answers on it, so take it over.
    if (std::filesystem::exists(path, fs_ec)) {
        local::socket probe(io_);
        probe.connect(local::endpoint(path), ec);
        if (!ec) {
            log(daemon::log_level::warning,
                "control socket " + path + " is served by another ssw-run; status disabled here");
            return;
        }
        std::filesystem::remove(path, fs_ec);
        ec.clear();
    }
    auto acceptor = std::make_unique<local::acceptor>(io_);
    acceptor->open(local(), ec);
    if (!ec) {
        acceptor->bind(local::endpoint(path), ec);
    }
    if (!ec) {
        acceptor->listen(16, ec);
    }
    if (ec) {
        log(daemon::log_level::warning, "cannot open control socket " + path + ": " + ec.message() +
                                            " (ssw-run status will not reach this daemon)");
        return;
    }
    control_ = std::move(acceptor);
    control_path_ = path;
    log(daemon::log_level::info, "control socket: " + path);
    accept();
}

void loop_extras::accept()
{
    control_->async_accept([this](const boost::system::error_code& ec, local::socket socket) {
        if (ec == asio::error::operation_aborted || !control_) {
            return;
        }
        if (!ec) {
            std::make_shared<control_session>(std::move(socket), engine_)->read();
        }
        accept();
    });
}

void loop_extras::after_dispatch(const std::function<void()>& dispatch)
{
    for (auto& request : engine_.take_resolve_requests()) {
        asio::post(dns_, [this, request, dispatch] {
            auto found = resolve_sip_server(request);
            asio::post(io_, [this, request, dispatch, found = std::move(found)]() mutable {
                if (found) {
                    engine_.on_resolved(request.gateway, std::move(*found), {}, out_);
                } else {
                    engine_.on_resolved(request.gateway, {}, found.error().message, out_);
                }
                dispatch();
            });
        });
    }
    if (stopping_ && engine_.stop_complete()) {
        const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - *stop_started_);
        log(daemon::log_level::info,
            "graceful stop complete after " + std::to_string(waited.count()) + " ms");
        io_.stop();
    }
}

bool loop_extras::begin_stop(const std::function<void()>& dispatch)
{
    if (stopping_) {
        log(daemon::log_level::warning,
            "second stop signal: exiting without waiting for un-REGISTER answers");
        io_.stop();
        return false;
    }
    stopping_ = true;
    stop_started_ = std::chrono::steady_clock::now();
    engine_.begin_stop(out_);
    dispatch(); // sends the un-REGISTERs; stops the loop at once when there are none
    if (io_.stopped()) {
        return false;
    }
    // Backstop: the engine ends the stop by its grace timer; this covers a stuck peer or clock.
    const auto grace = hooks_.stop_grace + std::chrono::seconds(2);
    log(daemon::log_level::info,
        "waiting up to " + std::to_string(hooks_.stop_grace.count()) +
            " s for the un-REGISTER answers (send the signal again to exit now)");
    stop_guard_.expires_after(grace);
    stop_guard_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
            log(daemon::log_level::warning, "graceful stop: grace time over, exiting");
            io_.stop();
        }
    });
    return true;
}

} // namespace ssw::net
