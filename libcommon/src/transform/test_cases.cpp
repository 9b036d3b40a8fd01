// SPDX-License-Identifier: MIT
// Case file parsing and evaluation for `ssw-transform test`.
#include <ssw/transform/pipeline.hpp>
#include <ssw/transform/test_cases.hpp>

#include <filesystem>

namespace ssw::transform {

namespace {

struct word {
    std::string text;
    int column = 0;
};

result<std::vector<word>> split_words(std::string_view line, const std::string& path, int line_no)
{
    std::vector<word> out;
    std::size_t i = 0;
    while (i < line.size()) {
        const char c = line[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            ++i;
            continue;
        }
        if (c == '#') {
            break;
        }
        word w;
        w.column = static_cast<int>(i) + 1;
        if (c == '"') {
            const auto close = line.find('"', i + 1);
            if (close == std::string_view::npos) {
                return unexpected(
                    make_error(errc::parse_error, "unterminated string: expected a closing '\"'",
                               source_location{path, line_no, w.column}.with_column()));
            }
            w.text = std::string(line.substr(i + 1, close - i - 1));
            i = close + 1;
        } else {
            while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
                w.text += line[i++];
            }
        }
        out.push_back(std::move(w));
    }
    return out;
}

} // namespace

result<case_file> parse_cases(std::string_view text, const std::string& path)
{
    case_file file;
    file.path = path;
    int line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto nl = text.find('\n', pos);
        const std::string_view line =
            text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        ++line_no;
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        SSW_TRY_ASSIGN(auto w, split_words(line, path, line_no));
        if (w.empty()) {
            continue;
        }
        auto fail = [&](std::size_t i, const std::string& msg) {
            const int col = i < w.size()
                                ? w[i].column
                                : w.back().column + static_cast<int>(w.back().text.size()) + 1;
            return unexpected(make_error(errc::parse_error, msg,
                                         source_location{path, line_no, col}.with_column()));
        };
        test_case c;
        c.where = source_location{path, line_no, w[0].column};
        for (const auto& part : w) {
            c.text +=
                (c.text.empty() ? "" : " ") + (part.text.empty() ? std::string("\"\"") : part.text);
        }
        const std::string& head = w[0].text;
        if (head == "rules") {
            if (w.size() != 2) {
                return fail(1, "expected one rule file name after 'rules'");
            }
            std::filesystem::path p(w[1].text);
            if (p.is_relative()) {
                p = std::filesystem::path(path).parent_path() / p;
            }
            file.rules_path = p.lexically_normal().string();
            continue;
        }
        std::size_t arrow = 0;
        if (head == "plan") {
            c.what = test_case::kind::plan;
            if (w.size() < 3) {
                return fail(w.size(), "expected: plan NAME INPUT => EXPECTED");
            }
            c.name = w[1].text;
            c.input = w[2].text;
            arrow = 3;
        } else if (head == "call") {
            c.what = test_case::kind::call;
            if (w.size() < 5) {
                return fail(w.size(),
                            "expected: call FROM TO CALLER CALLEE => CALLER CALLEE (or blocked)");
            }
            c.from = w[1].text == "-" ? "" : w[1].text;
            c.to = w[2].text == "-" ? "" : w[2].text;
            c.input = w[3].text;
            c.input_callee = w[4].text;
            arrow = 5;
        } else {
            return fail(0, "unknown case '" + head + "': expected rules, plan or call");
        }
        if (arrow >= w.size() || w[arrow].text != "=>") {
            return fail(arrow, "expected '=>' before the expected result");
        }
        const std::size_t rest = w.size() - arrow - 1;
        if (rest == 1 && w[arrow + 1].text == "blocked") {
            c.expect_blocked = true;
        } else if (c.what == test_case::kind::plan && rest == 1) {
            c.expected = w[arrow + 1].text;
        } else if (c.what == test_case::kind::call && rest == 2) {
            c.expected = w[arrow + 1].text;
            c.expected_callee = w[arrow + 2].text;
        } else {
            return fail(arrow + 1, c.what == test_case::kind::plan
                                       ? "expected one number (or blocked) after '=>'"
                                       : "expected CALLER CALLEE (or blocked) after '=>'");
        }
        if (c.expect_blocked && c.what == test_case::kind::plan) {
            return fail(arrow + 1, "a plan never blocks: use a call case to test lists");
        }
        file.cases.push_back(std::move(c));
    }
    return file;
}

case_result run_case(const engine& rules, const test_case& c, std::uint64_t seed)
{
    case_result r;
    selector choices(seed);
    auto show = [](const std::string& n) { return n.empty() ? std::string("\"\"") : n; };
    if (c.what == test_case::kind::plan) {
        r.expected = show(c.expected);
        auto out = rules.apply(c.name, c.input, choices, true);
        if (!out) {
            r.actual = "error";
            r.detail = out.error().to_string();
            return r;
        }
        r.actual = show(out->number);
        r.rule_where = out->last_where();
        r.steps = std::move(out->steps);
        r.passed = out->number == c.expected;
        return r;
    }
    r.expected = c.expect_blocked ? "blocked" : show(c.expected) + " " + show(c.expected_callee);
    auto out = run_call(rules, call_request{c.input, c.input_callee, c.from, c.to}, choices, true);
    if (!out) {
        r.actual = "error";
        r.detail = out.error().to_string();
        return r;
    }
    if (out->blocked) {
        r.actual = "blocked";
        r.rule_where = out->verdict.where;
        r.detail = out->blocked_side + " " +
                   (out->blocked_side == "caller" ? out->caller : out->callee) + ": " +
                   out->verdict.reason;
        r.passed = c.expect_blocked;
    } else {
        r.actual = show(out->caller) + " " + show(out->callee);
        r.passed =
            !c.expect_blocked && out->caller == c.expected && out->callee == c.expected_callee;
        for (auto it = out->steps.rbegin(); it != out->steps.rend(); ++it) {
            if (!it->where.empty()) {
                r.rule_where = it->where;
                break;
            }
        }
    }
    r.steps = std::move(out->steps);
    return r;
}

} // namespace ssw::transform
