// SPDX-License-Identifier: MIT
// ssw-transform: apply, test and lint number transform rules (see ssw-transform(1), ssw-rules(5)).
#include <ssw/cli/app.hpp>
#include <ssw/cli/run.hpp>
#include <ssw/cmd/transform.hpp>

int main(int argc, char** argv)
{
    namespace tf = ssw::cmd::transform;
    ssw::cli::app app{"ssw-transform",
                      "Rewrite caller and callee numbers with ssw-rules(5) dial plans, "
                      "tables and black/white lists."};
    tf::options opt;
    app.require_subcommand(1);
    app.footer(tf::examples);

    auto* apply = app.add_subcommand("apply", "Rewrite numbers (arguments or stdin, one per line)");
    apply
        ->add_option("-r,--rules", opt.rules_path,
                     "Rule file (ssw-rules(5)); with --config, the one ssw.conf names")
        ->option_text("FILE");
    apply
        ->add_option("-c,--config", opt.config_path,
                     "ssw-run's ssw.conf: the gateways of --from and --to are its sections, "
                     "numbers come out as ssw-run sends them")
        ->option_text("FILE");
    apply->add_option("-p,--plan", opt.plan, "Dial plan or transform table to apply")
        ->option_text("NAME");
    apply->add_flag("--pipeline", opt.pipeline, "Run whole calls: input lines are 'CALLER CALLEE'");
    apply->add_option("--from", opt.from, "Inbound mapping gateway or endpoint (with --pipeline)")
        ->option_text("GATEWAY");
    apply->add_option("--to", opt.to, "Outbound routing gateway or endpoint (with --pipeline)")
        ->option_text("GATEWAY");
    apply->add_flag("--explain", opt.explain,
                    "Show every stage, the rule that fired (file:line) and each value");
    apply->add_flag("--line-buffered", opt.line_buffered, "Flush after every output line");
    apply->add_option("--seed", opt.seed, "Seed for weighted multi-target picks (default 0)")
        ->option_text("N");
    apply->add_option("numbers", opt.numbers,
                      "Numbers (or quoted 'CALLER CALLEE' pairs); default: stdin");
    apply->callback([&opt] { opt.what = tf::command::apply; });

    auto* test = app.add_subcommand("test", "Run case files; TAP on stdout, exit 1 on any failure");
    test->add_option("-r,--rules", opt.rules_path,
                     "Rule file (overrides the case files' 'rules' line)")
        ->option_text("FILE");
    test->add_option("--junit", opt.junit_path, "Also write a JUnit XML report to FILE")
        ->option_text("FILE");
    test->add_option("--seed", opt.seed, "Seed for weighted multi-target picks (default 0)")
        ->option_text("N");
    test->add_option("cases", opt.case_files, "Case files")->required();
    test->callback([&opt] { opt.what = tf::command::test; });

    auto* check =
        app.add_subcommand("check", "Lint a rule file: shadowed rules, duplicates, loops, empties");
    check->add_option("-r,--rules", opt.rules_path, "Rule file (ssw-rules(5))")
        ->required()
        ->option_text("FILE");
    check->callback([&opt] { opt.what = tf::command::check; });

    return ssw::cli::run(app, argc, argv, [&](ssw::cli::io& io) { return tf::run(opt, io); });
}
