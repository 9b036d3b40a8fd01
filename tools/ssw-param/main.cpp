// SPDX-License-Identifier: MIT
// ssw-param: read, edit and check the parameter file (see ssw-param(1), ssw-params(5)).
#include <ssw/cli/app.hpp>
#include <ssw/cli/run.hpp>
#include <ssw/cmd/param.hpp>

#include <cstdint>

int main(int argc, char** argv)
{
    using ssw::cmd::param::command;
    ssw::cli::app app{"ssw-param", "Read, edit and check the ssw parameter file."};
    ssw::cmd::param::options opt;
    app.add_option("-f,--file", opt.file,
                   "Parameter file (default: $SSW_PARAMS, else /etc/ssw/params.conf)")
        ->option_text("PATH");
    app.add_option("--format", opt.format,
                   "Output: auto (table on a terminal), table, plain, env, json")
        ->check(CLI::IsMember({"auto", "table", "plain", "env", "json"}))
        ->option_text("FMT");
    app.add_flag("--show-secrets", opt.show_secrets,
                 "Print SS_RTPENCRYPTIONKEY instead of hiding it");
    app.require_subcommand(1);
    app.footer(ssw::cmd::param::examples);

    auto* list =
        app.add_subcommand("list", "List parameters: all, a section (sip, system) or globs");
    list->add_option("patterns", opt.args, "Names, globs such as 'SS_SIP_*', or sip / system");
    list->add_flag("--changed", opt.changed,
                   "Only parameters whose value differs from the default");
    list->callback([&] { opt.cmd = command::list; });

    auto* get = app.add_subcommand("get", "Print the value of each NAME, one per line");
    get->add_option("names", opt.args, "Parameter names")->required();
    get->callback([&] { opt.cmd = command::get; });

    auto* set =
        app.add_subcommand("set", "Set parameters (all or nothing: every value is checked first)");
    set->add_option("assignments", opt.args, "NAME=VALUE pairs")->required();
    set->add_flag("--dry-run", opt.dry_run, "Show what would change; write nothing");
    set->callback([&] { opt.cmd = command::set; });

    auto* reset = app.add_subcommand("reset", "Remove settings so the defaults apply again");
    reset->add_option("names", opt.args, "Names or globs");
    reset->add_flag("--all", opt.all, "Remove every setting (comments stay)");
    reset->add_flag("--dry-run", opt.dry_run, "Show what would change; write nothing");
    reset->callback([&] { opt.cmd = command::reset; });

    auto* diff =
        app.add_subcommand("diff", "Show values that differ from the defaults or from OTHER_FILE");
    diff->add_option("other", opt.args, "Another parameter file (OTHER_FILE)");
    diff->callback([&] { opt.cmd = command::diff; });

    auto* check = app.add_subcommand("check", "Apply the cross-parameter rules; exit 1 on errors");
    check->add_flag("--strict", opt.strict, "Warnings fail the check too");
    check
        ->add_option_function<std::int64_t>(
            "--nat-endpoints", [&](const std::int64_t& n) { opt.nat_endpoints = n; },
            "Check keep-alive capacity for N registered NAT endpoints")
        ->check(CLI::NonNegativeNumber)
        ->option_text("N");
    check->callback([&] { opt.cmd = command::check; });

    auto* explain =
        app.add_subcommand("explain", "Describe parameters: meaning, default, range, value");
    explain->add_option("names", opt.args, "Names or globs")->required();
    explain->callback([&] { opt.cmd = command::explain; });

    auto* preset = app.add_subcommand("preset", "Apply a preset (without NAME: list the presets)");
    preset->add_option("name", opt.args, "Preset name, e.g. internet-facing");
    preset->add_flag("--dry-run", opt.dry_run, "Show what would change; write nothing");
    preset->callback([&] { opt.cmd = command::preset; });

    auto* exp = app.add_subcommand("export", "Print all values as one JSON object");
    exp->add_flag("--changed", opt.changed, "Only values that differ from the default");
    exp->callback([&] { opt.cmd = command::export_; });

    auto* imp =
        app.add_subcommand("import", "Set the values of a JSON export (FILE or - for stdin)");
    imp->add_option("file", opt.args, "JSON file written by export")->required();
    imp->add_flag("--replace", opt.replace,
                  "Parameters absent from the import go back to their defaults");
    imp->add_flag("--dry-run", opt.dry_run, "Show what would change; write nothing");
    imp->callback([&] { opt.cmd = command::import; });

    return ssw::cli::run(app, argc, argv,
                         [&](ssw::cli::io& io) { return ssw::cmd::param::run(opt, io); });
}
