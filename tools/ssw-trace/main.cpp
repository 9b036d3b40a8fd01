// SPDX-License-Identifier: MIT
// ssw-trace: list, summarise and cut SIP traffic in pcap/pcapng captures (see ssw-trace(1)).
#include <ssw/cli/app.hpp>
#include <ssw/cli/run.hpp>
#include <ssw/cmd/trace.hpp>

int main(int argc, char** argv)
{
    using ssw::cmd::trace::command;
    ssw::cli::app app{"ssw-trace", "List, summarise and cut SIP traffic in pcap/pcapng captures."};
    ssw::cmd::trace::options opt;
    app.require_subcommand(1);
    app.footer(ssw::cmd::trace::examples);

    const auto add_common = [&](CLI::App* sub) {
        sub->add_option("--host", opt.hosts,
                        "Only messages from or to this IP address (repeatable)")
            ->option_text("IP")
            ->allow_extra_args(false);
        sub->add_option("--port", opt.ports,
                        "Only messages from or to this UDP/TCP port (repeatable)")
            ->option_text("N")
            ->allow_extra_args(false);
        sub->add_option("--method", opt.methods,
                        "Only this method (responses match by CSeq method)")
            ->option_text("NAME")
            ->allow_extra_args(false);
        sub->add_option("--status", opt.statuses,
                        "Only responses with this code or class (486, 4xx)")
            ->option_text("CODE")
            ->allow_extra_args(false);
        sub->add_option("--call-id", opt.call_ids, "Only this Call-ID (repeatable)")
            ->option_text("ID")
            ->allow_extra_args(false);
        sub->add_option("--user", opt.users, "Only messages whose From or To user is NAME")
            ->option_text("NAME")
            ->allow_extra_args(false);
        sub->add_option("--since", opt.since,
                        "Only messages at or after TIME (epoch seconds or UTC date)")
            ->option_text("TIME");
        sub->add_option("--until", opt.until, "Only messages at or before TIME")
            ->option_text("TIME");
    };

    auto* list = app.add_subcommand("list", "One line per SIP message");
    list->add_option("files", opt.files, "Captures (pcap/pcapng), '-' for stdin");
    add_common(list);
    list->callback([&] { opt.cmd = command::list; });

    auto* calls =
        app.add_subcommand("calls", "One line per call: PDD, answer, duration, status, RTP");
    calls->add_option("files", opt.files, "Captures (pcap/pcapng), '-' for stdin");
    add_common(calls);
    calls->callback([&] { opt.cmd = command::calls; });

    auto* regs = app.add_subcommand("registrations", "Registrations per account and contact");
    regs->add_option("files", opt.files, "Captures (pcap/pcapng), '-' for stdin");
    add_common(regs);
    regs->callback([&] { opt.cmd = command::registrations; });

    auto* flow = app.add_subcommand("flow", "Ladder diagram of one call");
    flow->add_option("call-id", opt.call_id, "Call-ID of the call")->required();
    flow->add_option("files", opt.files, "Captures (pcap/pcapng), '-' for stdin");
    flow->add_option("--html", opt.html, "Also write the flow as a standalone HTML page")
        ->option_text("FILE");
    flow->callback([&] { opt.cmd = command::flow; });

    auto* stats =
        app.add_subcommand("stats", "Counts per method and response code (as tshark -z sip,stat)");
    stats->add_option("files", opt.files, "Captures (pcap/pcapng), '-' for stdin");
    add_common(stats);
    stats->callback([&] { opt.cmd = command::stats; });

    auto* keep =
        app.add_subcommand("keepalives", "NAT keep-alive datagrams (CRLF, text, STUN, zeros)");
    keep->add_option("files", opt.files, "Captures (pcap/pcapng), '-' for stdin");
    keep->add_option("--host", opt.hosts, "Only datagrams from or to this IP address")
        ->option_text("IP")
        ->allow_extra_args(false);
    keep->callback([&] { opt.cmd = command::keepalives; });

    auto* filter =
        app.add_subcommand("filter", "Write every frame of the selected calls to a new capture");
    filter->add_option("file", opt.files, "Capture (pcap/pcapng), '-' for stdin")->expected(0, 1);
    filter->add_option("-w,--write", opt.write, "Output pcap file, '-' for stdout")
        ->required()
        ->option_text("OUT");
    add_common(filter);
    filter->callback([&] { opt.cmd = command::filter; });

    auto* audit = app.add_subcommand(
        "audit", "Flag scanners, enumeration, brute force, toll fraud; report exposure");
    audit->add_option("files", opt.files, "Captures (pcap/pcapng), '-' for stdin");
    audit
        ->add_option("--rules", opt.rules,
                     "Thresholds and lists (key = value lines, see AUDIT RULES)")
        ->option_text("FILE");
    audit
        ->add_option("--params", opt.params,
                     "Parameter file to compare the observed behaviour with")
        ->option_text("FILE");
    audit
        ->add_option("--fail-on", opt.fail_on,
                     "Exit 1 when a finding reaches SEVERITY (low, medium, high, critical)")
        ->option_text("SEVERITY");
    audit
        ->add_option("--emit", opt.emit,
                     "Print block rules for the offending sources: ipset, nft, iptables, plain")
        ->option_text("FORMAT");
    audit
        ->add_option("--peer", opt.peers,
                     "A configured peer (trunk, gateway): never flagged (repeatable)")
        ->option_text("IP")
        ->allow_extra_args(false);
    audit
        ->add_option("-i,--interface", opt.interface,
                     "Capture live on this interface instead of reading files")
        ->option_text("IFACE");
    audit->add_option("--filter", opt.bpf, "BPF filter for the live capture (as tcpdump)")
        ->option_text("BPF");
    audit
        ->add_option("--interval", opt.interval,
                     "Live capture: report every N seconds (default 60)")
        ->option_text("N");
    audit
        ->add_option("--duration", opt.duration,
                     "Live capture: stop after N seconds (default: at SIGINT/SIGTERM)")
        ->option_text("N");
    audit->callback([&] { opt.cmd = command::audit; });

    return ssw::cli::run(app, argc, argv,
                         [&](ssw::cli::io& io) { return ssw::cmd::trace::run(opt, io); });
}
