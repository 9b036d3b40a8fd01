// SPDX-License-Identifier: MIT
// ssw-run: the softswitch daemon (see ssw-run(8)).
#include <ssw/cli/app.hpp>
#include <ssw/cli/run.hpp>
#include <ssw/cmd/cdr_export.hpp>
#include <ssw/cmd/run_daemon.hpp>
#include <ssw/cmd/run_daemon_status.hpp>

int main(int argc, char** argv)
{
    ssw::cli::app app{"ssw-run",
                      "The ssw softswitch daemon: registrar with digest auth and lockout, "
                      "unknown-source policy, SIP over UDP and TCP."};
    ssw::cmd::run_daemon::options opt;
    app.add_flag("--demo", opt.demo,
                 "Built-in demo: 127.0.0.1:5060 UDP+TCP, accounts 1000-1009, password demo");
    app.add_option("-c,--config", opt.config_path, "Provisioning file, see ssw.conf(5)");
    app.add_option("-p,--params", opt.params_path,
                   "Parameter file (default $SSW_PARAMS, else /etc/ssw/params.conf)");
    app.add_option("--param", opt.param_overrides,
                   "Override one parameter: NAME=VALUE (repeatable)");
    app.add_option("--listen", opt.listen,
                   "Listen on udp:ADDR:PORT or tcp:ADDR:PORT instead of the file's (repeatable)");
    app.add_option("--debug-trace", opt.debug_trace,
                   "Log full SIP messages to and from these networks (CIDR, repeatable)");
    app.add_option("--log-level", opt.log_level, "error, warning, info (default) or debug")
        ->check(CLI::IsMember({"error", "warning", "info", "debug"}));
    app.add_flag("--check-config", opt.check_only,
                 "Validate the configuration and parameters, then exit");
    app.add_option("--control-socket", opt.control_socket,
                   "Control socket for 'ssw-run status' (default ./ssw-run.ctl; 'off': none)");
    app.add_flag("--keepalive-spread", opt.keepalive_spread,
                 "Spread each NAT keep-alive cycle over the period, rotating its start");
    app.footer(ssw::cmd::run_daemon::examples);

    ssw::cmd::cdr_export::options cdr_opt;
    auto* cdr = app.add_subcommand("cdr", "Call detail records")->require_subcommand(1);
    auto* cdr_export = cdr->add_subcommand("export", "Write CDRs as CSV or JSON lines");
    cdr_export->add_option("--db", cdr_opt.database, "CDR database (default ssw-cdr.db)");
    cdr_export->add_option("--since", cdr_opt.since,
                           "Only calls that started at or after this time");
    cdr_export->add_option("--format", cdr_opt.format, "csv (default) or json")
        ->check(CLI::IsMember({"csv", "json"}));
    cdr_export->add_option("-o,--output", cdr_opt.output, "Output file, - for stdout (default)");
    cdr_export->footer(ssw::cmd::cdr_export::examples);

    // status reads --control-socket, --config and --json of the main command (fallthrough).
    auto* status = app.add_subcommand(
        "status", "Show the running daemon's registrations, keep-alives and counters");
    status->footer(ssw::cmd::run_daemon::status_examples);

    return ssw::cli::run(app, argc, argv, [&](ssw::cli::io& io) {
        if (status->parsed()) {
            return ssw::cmd::run_daemon::status({opt.control_socket, opt.config_path, io.json}, io);
        }
        if (cdr_export->parsed()) {
            return ssw::cmd::cdr_export::run(cdr_opt, io);
        }
        return ssw::cmd::run_daemon::run(opt, io);
    });
}
