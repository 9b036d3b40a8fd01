// SPDX-License-Identifier: MIT
// ssw-run status: one request over the control socket, printed as received.
#include <ssw/cmd/run_daemon_status.hpp>
#include <ssw/net/control_socket.hpp>
#include <ssw/provision/config.hpp>

#include <filesystem>
#include <ostream>

namespace ssw::cmd::run_daemon {

const char* const status_examples = R"(EXAMPLES
  ssw-run status                          the daemon started in this directory
  ssw-run status --json | jq .registrations
  ssw-run status --control-socket /run/ssw/ssw-run.ctl
  ssw-run status --config /etc/ssw/ssw.conf   (uses its control-socket)
)";

result<cli::exit_code> status(const status_options& opt, cli::io& io)
{
    std::string path = opt.control_socket;
    if (path.empty() && !opt.config_path.empty()) {
        auto cfg = provision::load_config(opt.config_path);
        if (!cfg) {
            auto e = std::move(cfg).error();
            if (e.code == errc::parse_error) {
                e.code = errc::config_error;
            }
            return unexpected(std::move(e));
        }
        path = cfg->control_socket;
    }
    if (path == "off") {
        return unexpected(
            make_error(errc::config_error, "the control socket is off (control-socket = off)"));
    }
    if (path.empty()) {
        path = (std::filesystem::current_path() / net::default_control_socket).string();
    }
    SSW_TRY_ASSIGN(const auto answer,
                   net::control_request(path, opt.json ? "status json" : "status"));
    if (answer.rfind("error:", 0) == 0) {
        return unexpected(make_error(errc::io_error, answer.substr(7), path));
    }
    io.out << answer;
    return cli::exit_code::ok;
}

} // namespace ssw::cmd::run_daemon
