// SPDX-License-Identifier: MIT
// The control socket server of `ssw-run status`.
#include "net/control_server_detail.hpp"

#include <ssw/daemon/status.hpp>

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

control_server::control_server(asio::io_context& io, daemon::engine& engine,
                               daemon::log_function log)
    : io_(io), engine_(engine), log_(std::move(log))
{
}

control_server::~control_server()
{
    if (acceptor_) {
        boost::system::error_code ignored;
        acceptor_->close(ignored);
        std::error_code fs_ignored;
        std::filesystem::remove(path_, fs_ignored);
    }
}

void control_server::open(const std::string& path)
{
    if (path.empty()) {
        return;
    }

    boost::system::error_code ec;
    std::error_code fs_ec;
    // A socket file left by a daemon that died: nobody answers on it, so take it over.
    if (std::filesystem::exists(path, fs_ec)) {
        local::socket probe(io_);
        probe.connect(local::endpoint(path), ec);
        if (!ec) {
            log_(daemon::log_level::warning,
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
        log_(daemon::log_level::warning, "cannot open control socket " + path + ": " +
                                             ec.message() +
                                             " (ssw-run status will not reach this daemon)");
        return;
    }
    acceptor_ = std::move(acceptor);
    path_ = path;
    log_(daemon::log_level::info, "control socket: " + path);
    accept();
}

void control_server::accept()
{
    acceptor_->async_accept([this](const boost::system::error_code& ec, local::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_) {
            return;
        }
        if (!ec) {
            std::make_shared<control_session>(std::move(socket), engine_)->read();
        }
        accept();
    });
}

} // namespace ssw::net
