// SPDX-License-Identifier: MIT
// ssw-run: load configuration, open the stores, serve.
#include <ssw/cdr/writer.hpp>
#include <ssw/cmd/run_daemon.hpp>
#include <ssw/core/text.hpp>
#include <ssw/daemon/engine.hpp>
#include <ssw/net/control_socket.hpp>
#include <ssw/net/daemon_loop.hpp>
#include <ssw/params/catalog.hpp>
#include <ssw/params/settings.hpp>
#include <ssw/params/store.hpp>
#include <ssw/params/value.hpp>
#include <ssw/provision/config.hpp>
#include <ssw/registrar/binding_store.hpp>
#include <ssw/transform/engine.hpp>
#include <ssw/transform/rule_parser.hpp>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <ostream>

namespace ssw::cmd::run_daemon {

const char* const examples = R"(EXAMPLES
  ssw-run --demo                         accounts 1000-1009 (password demo) on 127.0.0.1:5060
  ssw-run --demo --param SS_REPLY_UNAUTHORIZED=Off --debug-trace 127.0.0.0/8
  ssw-run --config /etc/ssw/ssw.conf --params /etc/ssw/params.conf
  ssw-run --config ssw.conf --check-config && systemctl reload ssw
  ssw-run status --json                  state of the daemon running in this directory
)";

namespace {

std::filesystem::path params_location(const options& opt)
{
    if (!opt.params_path.empty()) {
        return opt.params_path;
    }
    if (const char* env = std::getenv("SSW_PARAMS"); env != nullptr && *env != '\0') {
        return env;
    }
    return std::string(params::default_file_path);
}

result<params::settings> load_settings(const options& opt)
{
    SSW_TRY_ASSIGN(auto file, params::param_file::load(params_location(opt)));
    for (const auto& assignment : opt.param_overrides) {
        const auto eq = assignment.find('=');
        if (eq == std::string::npos) {
            return unexpected(make_error(
                errc::config_error, "expected NAME=VALUE, got '" + assignment + "'", "--param"));
        }
        const auto name = core::trim(std::string_view(assignment).substr(0, eq));
        const auto* info = params::find_param(name);
        if (info == nullptr) {
            return unexpected(make_error(
                errc::config_error, "unknown parameter '" + std::string(name) + "'", "--param"));
        }
        auto v =
            params::parse_value(*info, core::trim(std::string_view(assignment).substr(eq + 1)));
        if (!v) {
            return unexpected(
                make_error(errc::config_error, v.error().message, "--param " + std::string(name)));
        }
        file.set(*info, *v);
    }
    return params::settings(file);
}

result<provision::config> load_provisioning(const options& opt)
{
    provision::config cfg;
    if (opt.demo) {
        cfg = provision::demo_config(std::filesystem::current_path());
    } else if (opt.config_path.empty()) {
        return unexpected(make_error(
            errc::config_error, "nothing to serve: give --config FILE (ssw.conf(5)) or --demo"));
    } else {
        auto loaded = provision::load_config(opt.config_path);
        if (!loaded) {
            auto e = std::move(loaded).error();
            if (e.code == errc::parse_error) {
                e.code = errc::config_error;
            }
            return unexpected(std::move(e));
        }
        cfg = std::move(*loaded);
    }
    if (!opt.listen.empty()) {
        cfg.listeners.clear();
        for (const auto& spec : opt.listen) {
            const auto colon = spec.find(':');
            const auto kind = spec.substr(0, colon);
            if (colon == std::string::npos || (kind != "udp" && kind != "tcp")) {
                return unexpected(
                    make_error(errc::config_error,
                               "expected udp:ADDRESS:PORT or tcp:ADDRESS:PORT, got '" + spec + "'",
                               "--listen"));
            }
            auto parsed = provision::parse_config(
                "[listen]\n" + kind + " = " + spec.substr(colon + 1) + "\n", "--listen");
            if (!parsed) {
                return unexpected(
                    make_error(errc::config_error, parsed.error().message, "--listen " + spec));
            }
            cfg.listeners.push_back(parsed->listeners.front());
        }
    }
    if (cfg.listeners.empty()) {
        return unexpected(
            make_error(errc::config_error, "no [listen] address configured", cfg.source));
    }
    if (cfg.bindings_db.empty()) {
        cfg.bindings_db = (std::filesystem::current_path() / "ssw-bindings.db").string();
    }
    if (cfg.cdr_db.empty()) {
        cfg.cdr_db = (std::filesystem::current_path() / "ssw-cdr.db").string();
    }
    if (!opt.control_socket.empty()) {
        cfg.control_socket = opt.control_socket;
    }
    if (cfg.control_socket.empty()) {
        cfg.control_socket =
            (std::filesystem::current_path() / net::default_control_socket).string();
    }
    if (opt.keepalive_spread) {
        cfg.keepalive_spread = true;
    }
    if (!cfg.rules_file.empty() && std::filesystem::path(cfg.rules_file).is_relative() &&
        !opt.config_path.empty()) {
        cfg.rules_file =
            (std::filesystem::path(opt.config_path).parent_path() / cfg.rules_file).string();
    }
    return cfg;
}

// The number rules named by the configuration, compiled; null when there are none.
result<std::shared_ptr<const transform::engine>> load_rules(const provision::config& cfg)
{
    if (cfg.rules_file.empty()) {
        return std::shared_ptr<const transform::engine>{};
    }
    auto parsed = transform::parse_rule_file(cfg.rules_file);
    if (!parsed) {
        auto e = std::move(parsed).error();
        e.code = errc::config_error;
        return unexpected(std::move(e));
    }
    auto compiled = transform::engine::compile(std::move(*parsed));
    if (!compiled) {
        auto e = std::move(compiled).error();
        e.code = errc::config_error;
        return unexpected(std::move(e));
    }
    return std::shared_ptr<const transform::engine>(
        std::make_shared<transform::engine>(std::move(*compiled)));
}

daemon::log_level parse_level(std::string_view text)
{
    if (text == "error") {
        return daemon::log_level::error;
    }
    if (text == "warning") {
        return daemon::log_level::warning;
    }
    if (text == "debug") {
        return daemon::log_level::debug;
    }
    return daemon::log_level::info;
}

} // namespace

result<cli::exit_code> run(const options& opt, cli::io& io)
{
    SSW_TRY_ASSIGN(auto settings, load_settings(opt));
    SSW_TRY_ASSIGN(auto config, load_provisioning(opt));
    SSW_TRY_ASSIGN(auto rules, load_rules(config));
    std::vector<core::ip_network> traced;
    for (const auto& text : opt.debug_trace) {
        for (const auto field : core::split(text, ',')) {
            auto n = core::ip_network::parse(core::trim(field));
            if (!n) {
                return unexpected(
                    make_error(errc::config_error, n.error().message, "--debug-trace"));
            }
            traced.push_back(*n);
        }
    }
    if (opt.check_only) {
        io.out << "configuration ok: " << config.listeners.size() << " listener(s), "
               << config.accounts.size() << " account(s), " << config.mapping_gateways.size()
               << " mapping and " << config.routing_gateways.size() << " routing gateway(s)\n";
        return cli::exit_code::ok;
    }

    // journald reads "<N>" priority prefixes when stderr is its stream (sd-daemon(3)).
    const bool journald = std::getenv("JOURNAL_STREAM") != nullptr;
    const auto threshold = parse_level(opt.log_level);
    auto mutex = std::make_shared<std::mutex>();
    daemon::log_function log = [&io, journald, threshold, mutex](daemon::log_level level,
                                                                 std::string_view text) {
        if (static_cast<int>(level) > static_cast<int>(threshold)) {
            return;
        }
        std::lock_guard lock(*mutex);
        if (journald) {
            static constexpr const char* priority[] = {"<3>", "<4>", "<6>", "<7>"};
            io.err << priority[static_cast<int>(level)] << text << '\n';
        } else {
            io.err << "ssw-run: " << daemon::to_string(level) << ": " << text << '\n';
        }
        io.err.flush();
    };

    core::steady_clock clock;
    auto store = registrar::binding_store::open(config.bindings_db, clock.wall_now());
    if (!store) {
        return unexpected(std::move(store).error());
    }
    log(daemon::log_level::info,
        "bindings: " + std::to_string(store->size()) + " restored from " + config.bindings_db);
    auto cdrs = cdr::writer::open(config.cdr_db);
    if (!cdrs) {
        return unexpected(std::move(cdrs).error());
    }
    const auto listeners = config.listeners;
    const std::string control_socket =
        config.control_socket == "off" ? std::string{} : config.control_socket;
    const auto stop_grace = config.unregister_grace;
    daemon::engine engine(std::move(config), std::move(settings), clock, *store, log,
                          daemon::call_routing{rules, &*cdrs});
    engine.set_debug_trace(traced);

    net::loop_hooks hooks;
    hooks.log = log;
    hooks.control_socket = control_socket;
    hooks.stop_grace = stop_grace;
    hooks.reload = [&opt]() -> result<net::reload_result> {
        SSW_TRY_ASSIGN(auto s, load_settings(opt));
        SSW_TRY_ASSIGN(auto c, load_provisioning(opt));
        SSW_TRY_ASSIGN(auto r, load_rules(c));
        return net::reload_result{std::move(c), std::move(s), std::move(r)};
    };
    SSW_TRY_ASSIGN(auto loop, net::daemon_loop::create(engine, listeners, hooks));
    std::string where;
    const auto ports = loop->bound_ports();
    for (std::size_t i = 0; i < listeners.size(); ++i) {
        const auto& l = listeners[i];
        where += (where.empty() ? "" : ", ") + std::string(provision::to_string(l.kind)) + " " +
                 (l.address.is_v4() ? l.address.to_string() : "[" + l.address.to_string() + "]") +
                 ":" + std::to_string(ports[i]);
    }
    log(daemon::log_level::info,
        "listening on " + where + (opt.demo ? " (demo: accounts 1000-1009, password demo)" : ""));
    const int signal = loop->run();
    const auto& c = engine.counters();
    const auto& calls = engine.calls().counters();
    log(daemon::log_level::info,
        "stopping on signal " + std::to_string(signal) + ": " + std::to_string(c.requests) +
            " requests, " + std::to_string(c.registrations) + " registrations, " +
            std::to_string(c.suspensions) + " suspensions, " + std::to_string(c.unknown_dropped) +
            " dropped from unknown sources, " + std::to_string(calls.calls) + " calls (" +
            std::to_string(calls.answered) + " answered)");
    // What was still open at the signal: the load tests read this line (a stuck call or
    // transaction shows up here, not as a leak, since the tables free it at exit).
    log(daemon::log_level::info,
        "at exit: " + std::to_string(engine.calls().active_calls()) + " calls in progress, " +
            std::to_string(engine.calls().calls_in_memory()) + " calls in memory, " +
            std::to_string(engine.calls().waiting_transactions()) + " call transactions waiting, " +
            std::to_string(engine.open_transactions()) + " server transactions open, peak " +
            std::to_string(calls.peak_active) + " concurrent calls, " + std::to_string(calls.cdrs) +
            " CDRs");
    {
        const auto& relay = engine.media().core();
        log(daemon::log_level::info,
            "media: " + std::to_string(relay.stats().sessions_opened) + " relayed calls, " +
                std::to_string(relay.stats().packets_forwarded) + " packets forwarded, " +
                std::to_string(relay.ports().used()) + " port pairs held by " +
                std::to_string(relay.sessions()) + " calls at stop (released now)");
    }
    if (auto flushed = cdrs->flush(); !flushed) {
        log(daemon::log_level::error, "CDRs: " + flushed.error().to_string());
    }
    return cli::exit_code::ok;
}

} // namespace ssw::cmd::run_daemon
