// SPDX-License-Identifier: MIT
// ssw-transform behaviour: streaming apply, --explain, TAP/JUnit case runs, rule lint.
#include <ssw/b2bua/numbers.hpp>
#include <ssw/cli/run.hpp>
#include <ssw/cmd/transform.hpp>
#include <ssw/core/atomic_file.hpp>
#include <ssw/core/json_writer.hpp>
#include <ssw/core/text.hpp>
#include <ssw/provision/config.hpp>
#include <ssw/transform/engine.hpp>
#include <ssw/transform/lint.hpp>
#include <ssw/transform/pipeline.hpp>
#include <ssw/transform/rule_parser.hpp>
#include <ssw/transform/test_cases.hpp>

#include <algorithm>
#include <filesystem>
#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>

namespace ssw::cmd::transform {

const char* const examples = R"(EXAMPLES
  ssw-transform apply --rules site.rules --plan to-e164 2015551234
  sort -u numbers.txt | ssw-transform apply -r site.rules -p to-e164 > e164.txt
  ssw-transform apply -r site.rules --pipeline --from cust-a --to vendor-x --explain '5551234 0044123456789'
  ssw-transform check -r site.rules && ssw-transform test --junit report.xml tests/*.cases
)";

namespace tr = ssw::transform;

namespace {

constexpr const char* tool = "ssw-transform";

result<tr::engine> load(const std::string& path)
{
    if (path.empty()) {
        return unexpected(make_error(errc::invalid_argument, "no rule file: give --rules FILE"));
    }
    SSW_TRY_ASSIGN(auto set, tr::parse_rule_file(path));
    return tr::engine::compile(std::move(set));
}

std::string show(const std::string& n)
{
    return n.empty() ? std::string("\"\"") : n;
}

std::string steps_json(const std::vector<tr::step>& steps)
{
    std::string out = "[";
    for (const auto& s : steps) {
        auto line = core::json_line{}
                        .field("stage", s.stage)
                        .field("what", s.what)
                        .field("input", s.input)
                        .field("output", s.output);
        if (s.where.empty()) {
            line.field_null("rule").field_null("where");
        } else {
            line.field("rule", s.rule).field("where", s.where);
        }
        out += (out.size() > 1 ? "," : "") + line.str();
    }
    return out + "]";
}

void print_steps(std::ostream& out, const std::vector<tr::step>& steps)
{
    for (const auto& s : steps) {
        out << "  ";
        if (s.stage != "plan" && s.stage != "table") {
            out << s.stage << ": ";
        }
        out << s.what << ": " << show(s.input);
        if (s.where.empty()) {
            out << " unchanged (no rule matched)\n";
        } else {
            out << " -> " << show(s.output) << "  [" << s.where << ": " << s.rule << "]\n";
        }
    }
}

// Reads one input record at a time: the arguments, or stdin line by line (never all of it).
class record_source {
  public:
    record_source(const std::vector<std::string>& args, std::istream& in) : args_(args), in_(in) {}

    bool next(std::string& line, std::string& where)
    {
        ++index_;
        if (!args_.empty()) {
            if (index_ > args_.size()) {
                return false;
            }
            line = args_[index_ - 1];
            where = "argument " + std::to_string(index_);
            return true;
        }
        if (!std::getline(in_, line)) {
            return false;
        }
        where = "stdin:" + std::to_string(index_);
        return true;
    }

  private:
    const std::vector<std::string>& args_;
    std::istream& in_;
    std::size_t index_ = 0;
};

// ssw-run's view of a call's gateways (apply --config): ssw.conf, its rule file, and the
// mapping and routing gateways --from and --to name.
struct configured_route {
    provision::config config;
    b2bua::number_route route;
};

result<configured_route> load_configured_route(const options& opt, std::string& rules_path)
{
    configured_route c;
    SSW_TRY_ASSIGN(c.config, provision::load_config(opt.config_path));
    if (rules_path.empty()) {
        rules_path = c.config.rules_file;
        if (!rules_path.empty() && std::filesystem::path(rules_path).is_relative()) {
            rules_path =
                (std::filesystem::path(opt.config_path).parent_path() / rules_path).string();
        }
    }
    if (!opt.from.empty()) {
        for (const auto& m : c.config.mapping_gateways) {
            if (m.name == opt.from) {
                c.route.from = &m;
            }
        }
        if (c.route.from == nullptr) {
            return unexpected(make_error(errc::not_found, "no [mapping-gateway " + opt.from +
                                                              "] in " + opt.config_path));
        }
    }
    if (!opt.to.empty()) {
        for (const auto& r : c.config.routing_gateways) {
            if (r.name == opt.to) {
                c.route.to = &r;
            }
        }
        if (c.route.to == nullptr) {
            return unexpected(make_error(errc::not_found, "no [routing-gateway " + opt.to +
                                                              "] in " + opt.config_path));
        }
    }
    return c;
}

result<cli::exit_code> apply(const options& opt, cli::io& io)
{
    if (!opt.config_path.empty() && !opt.pipeline) {
        return unexpected(make_error(errc::invalid_argument, "--config needs --pipeline"));
    }
    std::string rules_path = opt.rules_path;
    std::optional<configured_route> configured;
    if (!opt.config_path.empty()) {
        SSW_TRY_ASSIGN(configured, load_configured_route(opt, rules_path));
    }
    // With --config and no rule file anywhere, numbers pass unchanged, as in ssw-run.
    std::optional<tr::engine> loaded;
    if (!configured || !rules_path.empty()) {
        SSW_TRY_ASSIGN(loaded, load(rules_path));
    }
    if (!opt.pipeline && opt.plan.empty()) {
        return unexpected(
            make_error(errc::invalid_argument, "apply needs --plan NAME or --pipeline"));
    }
    if (!opt.pipeline && (!opt.from.empty() || !opt.to.empty())) {
        return unexpected(make_error(errc::invalid_argument, "--from and --to need --pipeline"));
    }
    const tr::engine* rules = loaded ? &*loaded : nullptr;
    if (!opt.pipeline && loaded->rules().find_plan(opt.plan) == nullptr &&
        loaded->rules().find_table(opt.plan) == nullptr) {
        std::vector<std::string> names;
        for (const auto& p : loaded->rules().plans) {
            names.push_back(p.name);
        }
        for (const auto& t : loaded->rules().tables) {
            names.push_back(t.name);
        }
        std::string hint;
        if (auto m = core::closest_match(opt.plan, names)) {
            hint = " (did you mean '" + *m + "'?)";
        }
        return unexpected(make_error(errc::not_found, "no plan or table named '" + opt.plan +
                                                          "' in " + rules_path + hint));
    }
    // Pipelines may pair numbers with a mapping or vendor gateway that does not exist: say so once.
    for (const std::string* gw : {&opt.from, &opt.to}) {
        if (!configured && !gw->empty() && loaded->rules().find_gateway(*gw) == nullptr) {
            return unexpected(
                make_error(errc::not_found, "no gateway named '" + *gw + "' in " + rules_path));
        }
    }
    tr::selector choices(opt.seed);
    record_source source(opt.numbers, io.in);
    const bool flush_each = opt.line_buffered || io.out_is_tty;
    bool rejected = false;
    std::string line;
    std::string where;
    while (source.next(line, where)) {
        const std::string_view text = core::trim(line);
        if (text.empty() && !opt.pipeline) {
            if (!io.json) {
                io.out << '\n';
            }
            continue;
        }
        if (!opt.pipeline) {
            auto r = loaded->apply(opt.plan, text, choices, opt.explain);
            if (!r) {
                auto e = std::move(r).error();
                e.message += " (input '" + std::string(text) + "')";
                if (e.where.empty()) {
                    e.where = where;
                }
                cli::print_error(io, tool, e);
                rejected = true;
                if (!io.json) {
                    io.out << '\n'; // keep output lines aligned with input lines
                }
                continue;
            }
            if (io.json) {
                auto j = core::json_line{}
                             .field("type", "number")
                             .field("input", text)
                             .field("output", r->number)
                             .field("matched", r->matched);
                if (r->last_where().empty()) {
                    j.field_null("rule");
                } else {
                    j.field("rule", r->last_where());
                }
                if (opt.explain) {
                    j.field_raw("steps", steps_json(r->steps));
                }
                io.out << j.str() << '\n';
            } else if (opt.explain) {
                io.out << "number " << show(std::string(text)) << '\n';
                print_steps(io.out, r->steps);
                io.out << "  result " << show(r->number) << '\n';
            } else {
                io.out << r->number << '\n';
            }
        } else {
            std::string spaced(text);
            std::replace(spaced.begin(), spaced.end(), '\t', ' ');
            auto fields = core::split(spaced, ' ');
            std::vector<std::string> nums;
            for (auto f : fields) {
                f = core::trim(f);
                if (!f.empty()) {
                    nums.emplace_back(f == "-" || f == "\"\"" ? std::string_view{} : f);
                }
            }
            if (nums.size() != 2) {
                cli::print_error(
                    io, tool,
                    make_error(errc::invalid_argument,
                               "expected CALLER CALLEE ('-' for an empty caller), got '" +
                                   std::string(text) + "'",
                               where));
                rejected = true;
                if (!io.json) {
                    io.out << '\n';
                }
                continue;
            }
            auto r = configured ? b2bua::call_numbers(rules, configured->route, nums[0], nums[1],
                                                      choices, opt.explain)
                                : tr::run_call(*loaded,
                                               tr::call_request{nums[0], nums[1], opt.from, opt.to},
                                               choices, opt.explain);
            if (!r) {
                auto e = std::move(r).error();
                if (e.where.empty()) {
                    e.where = where;
                }
                cli::print_error(io, tool, e);
                rejected = true;
                if (!io.json) {
                    io.out << '\n';
                }
                continue;
            }
            if (io.json) {
                auto j = core::json_line{}
                             .field("type", "call")
                             .field("input_caller", nums[0])
                             .field("input_callee", nums[1])
                             .field("caller", r->caller)
                             .field("callee", r->callee);
                if (r->has_pai) {
                    j.field("pai", r->pai);
                } else {
                    j.field_null("pai");
                }
                j.field("blocked", r->blocked);
                if (r->blocked) {
                    j.field("blocked_side", r->blocked_side)
                        .field("blocked_stage", r->blocked_stage)
                        .field("reason", r->verdict.reason);
                    if (r->verdict.where.empty()) {
                        j.field_null("where");
                    } else {
                        j.field("where", r->verdict.where);
                    }
                }
                if (opt.explain) {
                    j.field_raw("steps", steps_json(r->steps));
                }
                io.out << j.str() << '\n';
            } else {
                std::ostringstream result_line;
                if (r->blocked) {
                    const std::string& n = r->blocked_side == "caller" ? r->caller : r->callee;
                    result_line << "blocked " << r->blocked_side << ' ' << show(n) << ": "
                                << r->verdict.reason;
                    if (!r->verdict.where.empty()) {
                        result_line << " (" << r->verdict.where << ")";
                    }
                } else {
                    result_line << show(r->caller) << ' ' << show(r->callee);
                    if (r->has_pai) {
                        result_line << " pai=" << show(r->pai);
                    }
                }
                if (opt.explain) {
                    io.out << "call " << show(nums[0]) << ' ' << show(nums[1]) << '\n';
                    print_steps(io.out, r->steps);
                    io.out << "  result " << result_line.str() << '\n';
                } else {
                    io.out << result_line.str() << '\n';
                }
            }
        }
        if (flush_each) {
            io.out.flush();
        }
    }
    return rejected ? cli::exit_code::data_error : cli::exit_code::ok;
}

std::string xml_escape(std::string_view s)
{
    std::string out;
    for (const char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default:
            // XML 1.0 forbids most control characters even when escaped.
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
                out += '?';
            } else {
                out += c;
            }
        }
    }
    return out;
}

std::string yaml_quote(std::string_view s)
{
    std::string out;
    core::encode_json_string(out, s); // a JSON string is a valid YAML double-quoted scalar
    return out;
}

struct junit_suite {
    std::string name;
    std::string cases;
    std::size_t total = 0;
    std::size_t failed = 0;
};

result<cli::exit_code> test(const options& opt, cli::io& io)
{
    if (opt.case_files.empty()) {
        return unexpected(make_error(errc::invalid_argument, "test needs one or more case files"));
    }
    std::map<std::string, tr::engine> engines;
    std::vector<junit_suite> suites;
    std::size_t number = 0;
    std::size_t failed = 0;
    if (!io.json) {
        io.out << "TAP version 13\n";
    }
    for (const auto& path : opt.case_files) {
        SSW_TRY_ASSIGN(auto text, core::read_file(path));
        SSW_TRY_ASSIGN(auto cases, tr::parse_cases(text, path));
        const std::string rules_path = !opt.rules_path.empty() ? opt.rules_path : cases.rules_path;
        if (rules_path.empty()) {
            return unexpected(make_error(errc::invalid_argument,
                                         "no rule file: add a 'rules FILE' line or give --rules",
                                         path));
        }
        auto found = engines.find(rules_path);
        if (found == engines.end()) {
            SSW_TRY_ASSIGN(auto eng, load(rules_path));
            found = engines.emplace(rules_path, std::move(eng)).first;
        }
        junit_suite suite{path, {}, 0, 0};
        for (const auto& c : cases.cases) {
            ++number;
            ++suite.total;
            const auto r = tr::run_case(found->second, c, opt.seed);
            std::string name = c.where.to_string() + " " + c.text;
            for (std::size_t at = name.find('#'); at != std::string::npos;
                 at = name.find('#', at + 2)) {
                name.insert(at, "\\"); // TAP reads an unescaped '#' as a directive
            }
            if (!r.passed) {
                ++failed;
                ++suite.failed;
            }
            if (io.json) {
                auto j = core::json_line{}
                             .field("type", "case")
                             .field("where", c.where.to_string())
                             .field("case", c.text)
                             .field("passed", r.passed)
                             .field("expected", r.expected)
                             .field("actual", r.actual);
                if (r.rule_where.empty()) {
                    j.field_null("rule");
                } else {
                    j.field("rule", r.rule_where);
                }
                if (!r.detail.empty()) {
                    j.field("detail", r.detail);
                }
                if (!r.passed) {
                    j.field_raw("steps", steps_json(r.steps));
                }
                io.out << j.str() << '\n';
            } else {
                io.out << (r.passed ? "ok " : "not ok ") << number << " - " << name << '\n';
                if (!r.passed) {
                    io.out << "  ---\n"
                           << "  expected: " << yaml_quote(r.expected) << '\n'
                           << "  actual:   " << yaml_quote(r.actual) << '\n'
                           << "  rule:     "
                           << (r.rule_where.empty() ? "none" : yaml_quote(r.rule_where)) << '\n';
                    if (!r.detail.empty()) {
                        io.out << "  detail:   " << yaml_quote(r.detail) << '\n';
                    }
                    io.out << "  steps:\n";
                    for (const auto& s : r.steps) {
                        std::string txt =
                            (s.stage == "plan" || s.stage == "table" ? "" : s.stage + ": ") +
                            s.what + ": " + show(s.input);
                        txt += s.where.empty()
                                   ? " unchanged"
                                   : " -> " + show(s.output) + " [" + s.where + ": " + s.rule + "]";
                        io.out << "    - " << yaml_quote(txt) << '\n';
                    }
                    io.out << "  ...\n";
                }
            }
            suite.cases += "    <testcase classname=\"" + xml_escape(path) + "\" name=\"" +
                           xml_escape(name) + "\"";
            if (r.passed) {
                suite.cases += "/>\n";
            } else {
                std::string msg = "expected " + r.expected + ", got " + r.actual;
                if (!r.rule_where.empty()) {
                    msg += " (rule " + r.rule_where + ")";
                }
                suite.cases += ">\n      <failure message=\"" + xml_escape(msg) + "\">" +
                               xml_escape(msg + (r.detail.empty() ? "" : "\n" + r.detail)) +
                               "</failure>\n    </testcase>\n";
            }
        }
        suites.push_back(std::move(suite));
    }
    if (io.json) {
        io.out << core::json_line{}
                      .field("type", "summary")
                      .field("total", static_cast<std::uint64_t>(number))
                      .field("failed", static_cast<std::uint64_t>(failed))
                      .str()
               << '\n';
    } else {
        io.out << "1.." << number << '\n';
    }
    if (!opt.junit_path.empty()) {
        std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "
                          "name=\"ssw-transform\" tests=\"" +
                          std::to_string(number) + "\" failures=\"" + std::to_string(failed) +
                          "\">\n";
        for (const auto& s : suites) {
            xml += "  <testsuite name=\"" + xml_escape(s.name) + "\" tests=\"" +
                   std::to_string(s.total) + "\" failures=\"" + std::to_string(s.failed) + "\">\n" +
                   s.cases + "  </testsuite>\n";
        }
        xml += "</testsuites>\n";
        SSW_TRY(core::write_file_atomically(opt.junit_path, xml));
    }
    if (failed > 0) {
        io.err << tool << ": " << failed << " of " << number << " cases failed\n";
        return cli::exit_code::findings;
    }
    if (io.verbosity > 0) {
        io.err << tool << ": all " << number << " cases passed\n";
    }
    return cli::exit_code::ok;
}

result<cli::exit_code> check(const options& opt, cli::io& io)
{
    SSW_TRY_ASSIGN(auto eng, load(opt.rules_path));
    const auto findings = tr::lint(eng);
    std::size_t errors = 0;
    for (const auto& f : findings) {
        if (f.level == tr::severity::error) {
            ++errors;
        }
        if (io.json) {
            io.out << core::json_line{}
                          .field("type", "finding")
                          .field("severity", tr::to_string(f.level))
                          .field("kind", f.kind)
                          .field("where", f.where)
                          .field("message", f.message)
                          .str()
                   << '\n';
        } else {
            io.out << f.where << ": " << tr::to_string(f.level) << ": " << f.kind << ": "
                   << f.message << '\n';
        }
    }
    const auto& set = eng.rules();
    std::size_t rules = 0;
    for (const auto& p : set.plans) {
        rules += p.rules.size();
    }
    std::ostringstream summary;
    summary << set.files.size() << " file(s), " << set.plans.size() << " plan(s) with " << rules
            << " rule(s), " << set.tables.size() << " table(s), " << set.lists.size()
            << " list(s), " << set.gateways.size() << " gateway(s): " << errors << " error(s), "
            << findings.size() - errors << " warning(s)";
    if (io.json) {
        io.out << core::json_line{}
                      .field("type", "summary")
                      .field("errors", static_cast<std::uint64_t>(errors))
                      .field("warnings", static_cast<std::uint64_t>(findings.size() - errors))
                      .str()
               << '\n';
    } else {
        io.err << tool << ": " << summary.str() << '\n';
    }
    return errors > 0 ? cli::exit_code::findings : cli::exit_code::ok;
}

} // namespace

result<cli::exit_code> run(const options& opt, cli::io& io)
{
    switch (opt.what) {
    case command::apply: return apply(opt, io);
    case command::test: return test(opt, io);
    case command::check: return check(opt, io);
    case command::none: break;
    }
    return unexpected(
        make_error(errc::invalid_argument, "expected a subcommand: apply, test or check"));
}

} // namespace ssw::cmd::transform
