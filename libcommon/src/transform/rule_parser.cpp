// SPDX-License-Identifier: MIT
// ssw-rules(5) parser: line tokenizer, block grammar, includes, name resolution, RE2 validation.
#include <ssw/core/atomic_file.hpp>
#include <ssw/core/text.hpp>
#include <ssw/transform/rule_parser.hpp>

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace ssw::transform {

namespace {

struct token {
    std::string text;
    int column = 0;
    bool quoted = false;
    bool regex = false;
};

struct pending_ref {
    enum class kind { plan, table, list, plan_or_none } what;
    std::string name;
    source_location where;
};

bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

bool is_number_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
           c == '*' || c == '#';
}

class parser {
  public:
    explicit parser(const file_reader& reader) : reader_(reader) {}

    result<rule_set> run(std::string_view text, const std::string& name)
    {
        SSW_TRY(parse_file(text, name));
        SSW_TRY(resolve());
        return std::move(set_);
    }

  private:
    result<void> parse_file(std::string_view text, const std::string& name)
    {
        if (std::find(stack_.begin(), stack_.end(), name) != stack_.end()) {
            std::string chain;
            for (const auto& f : stack_) {
                chain += f + " -> ";
            }
            return fail_at(include_where_, "include cycle: " + chain + name);
        }
        if (seen_.count(name) != 0) {
            return {}; // a diamond include: read each file once
        }
        if (stack_.size() >= max_include_depth) {
            return unexpected(
                make_error(errc::limit_exceeded,
                           "includes nested deeper than " + std::to_string(max_include_depth),
                           include_where_.with_column()));
        }
        if (set_.files.size() >= max_rule_files) {
            return unexpected(make_error(
                errc::limit_exceeded, "more than " + std::to_string(max_rule_files) + " rule files",
                include_where_.with_column()));
        }
        seen_.insert(name);
        set_.files.push_back(name);
        stack_.push_back(name);
        file_ = name;
        block_ = block::none;
        int line_no = 0;
        std::size_t pos = 0;
        while (pos <= text.size()) {
            const std::size_t nl = text.find('\n', pos);
            const std::string_view line =
                text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
            ++line_no;
            line_ = line_no;
            if (line.size() > max_line_bytes) {
                return unexpected(
                    make_error(errc::limit_exceeded,
                               "line longer than " + std::to_string(max_line_bytes) + " bytes",
                               loc(1).with_column()));
            }
            SSW_TRY(parse_line(line));
            if (nl == std::string_view::npos) {
                break;
            }
            pos = nl + 1;
        }
        if (block_ != block::none) {
            return fail_at(block_where_, "'" + block_name_ + "' is not closed: expected 'end'");
        }
        stack_.pop_back();
        if (!stack_.empty()) {
            file_ = stack_.back();
        }
        return {};
    }

    enum class block { none, table, plan, list, gateway, routing };

    source_location loc(int column) const { return source_location{file_, line_, column}; }

    static unexpected<error> fail_at(const source_location& where, std::string message)
    {
        return unexpected(make_error(errc::parse_error, std::move(message), where.with_column()));
    }
    unexpected<error> fail(int column, std::string message) const
    {
        return fail_at(loc(column), std::move(message));
    }

    result<std::vector<token>> tokenize(std::string_view line) const
    {
        std::vector<token> out;
        std::size_t i = 0;
        while (i < line.size()) {
            const char c = line[i];
            if (c == ' ' || c == '\t' || c == '\r') {
                ++i;
                continue;
            }
            const int column = static_cast<int>(i) + 1;
            if (c == '#') {
                break;
            }
            token t;
            t.column = column;
            if (c == '"') {
                t.quoted = true;
                ++i;
                bool closed = false;
                while (i < line.size()) {
                    if (line[i] == '\\' && i + 1 < line.size()) {
                        t.text += line[i + 1];
                        i += 2;
                        continue;
                    }
                    if (line[i] == '"') {
                        closed = true;
                        ++i;
                        break;
                    }
                    t.text += line[i++];
                }
                if (!closed) {
                    return fail(column, "unterminated string: expected a closing '\"'");
                }
            } else if (c == '/') {
                t.regex = true;
                ++i;
                bool closed = false;
                while (i < line.size()) {
                    if (line[i] == '\\' && i + 1 < line.size()) {
                        t.text += line.substr(i, 2);
                        i += 2;
                        continue;
                    }
                    if (line[i] == '/') {
                        closed = true;
                        ++i;
                        break;
                    }
                    t.text += line[i++];
                }
                if (!closed) {
                    return fail(column, "unterminated regex: expected a closing '/'");
                }
            } else {
                while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
                    t.text += line[i++];
                }
            }
            if (i < line.size() && (t.quoted || t.regex) && line[i] != ' ' && line[i] != '\t' &&
                line[i] != '\r') {
                return fail(static_cast<int>(i) + 1, "expected a space after the closing quote");
            }
            out.push_back(std::move(t));
        }
        return out;
    }

    result<void> parse_line(std::string_view line)
    {
        SSW_TRY_ASSIGN(auto tokens, tokenize(line));
        if (tokens.empty()) {
            return {};
        }
        // The rule as written, without its comment and with blanks collapsed (for --explain).
        line_text_.clear();
        for (const auto& tok : tokens) {
            std::string shown = tok.regex ? "/" + tok.text + "/" : tok.text;
            if (tok.quoted) {
                shown = "\"" + tok.text + "\"";
            }
            line_text_ += (line_text_.empty() ? "" : " ") + shown;
        }
        const token& head = tokens.front();
        if (!head.quoted && !head.regex && head.text == "end") {
            if (block_ == block::none) {
                return fail(head.column, "'end' without an open block");
            }
            if (tokens.size() > 1) {
                return fail(tokens[1].column, "expected nothing after 'end'");
            }
            block_ = block::none;
            return {};
        }
        switch (block_) {
        case block::none: return parse_top(tokens);
        case block::table: return parse_table_entry(tokens);
        case block::plan: return parse_rule(tokens);
        case block::list: return parse_list_entry(tokens);
        case block::gateway:
        case block::routing: return parse_policy_line(tokens);
        }
        return {};
    }

    result<std::string> expect_name(const std::vector<token>& t, std::size_t i,
                                    const char* what) const
    {
        if (i >= t.size()) {
            const int col =
                t.empty() ? 1 : t.back().column + static_cast<int>(t.back().text.size()) + 1;
            return fail(col, std::string("expected ") + what);
        }
        const token& tok = t[i];
        if (tok.text.empty() || tok.regex ||
            !std::all_of(tok.text.begin(), tok.text.end(), is_name_char)) {
            return fail(tok.column,
                        std::string("expected ") + what + " (letters, digits, '_', '-', '.')");
        }
        return tok.text;
    }

    result<void> expect_end_of_line(const std::vector<token>& t, std::size_t i) const
    {
        if (i < t.size()) {
            return fail(t[i].column, "unexpected '" + t[i].text + "': expected end of line");
        }
        return {};
    }

    result<void> check_unique(const std::string& kind, const std::string& name,
                              const source_location* previous, int column) const
    {
        if (previous != nullptr) {
            return fail(column,
                        kind + " '" + name + "' is already defined at " + previous->to_string());
        }
        return {};
    }

    result<void> parse_top(const std::vector<token>& t)
    {
        const token& head = t.front();
        const std::string& kw = head.text;
        if (kw == "include") {
            if (t.size() < 2 || t[1].text.empty()) {
                return fail(head.column, "expected a file name after 'include'");
            }
            SSW_TRY(expect_end_of_line(t, 2));
            std::filesystem::path target(t[1].text);
            if (target.is_relative()) {
                target = std::filesystem::path(file_).parent_path() / target;
            }
            const std::string resolved = target.lexically_normal().string();
            const auto saved_file = file_;
            const auto saved_line = line_;
            include_where_ = source_location{file_, line_, t[1].column};
            if (std::find(stack_.begin(), stack_.end(), resolved) == stack_.end() &&
                seen_.count(resolved) == 0) {
                auto text = reader_(resolved);
                if (!text) {
                    auto e = std::move(text).error();
                    e.message = "cannot include '" + t[1].text + "': " + e.to_string();
                    e.where = include_where_.with_column();
                    return unexpected(std::move(e));
                }
                SSW_TRY(parse_file(*text, resolved));
            } else {
                SSW_TRY(parse_file("", resolved));
            }
            file_ = saved_file;
            line_ = saved_line;
            block_ = block::none;
            return {};
        }
        block_where_ = loc(head.column);
        if (kw == "table") {
            SSW_TRY_ASSIGN(auto name, expect_name(t, 1, "a table name after 'table'"));
            SSW_TRY(expect_end_of_line(t, 2));
            const auto* prev = set_.find_table(name);
            SSW_TRY(check_unique("table", name, prev ? &prev->where : nullptr, t[1].column));
            set_.tables.push_back(table{name, {}, block_where_});
            block_ = block::table;
            block_name_ = "table " + name;
            return {};
        }
        if (kw == "plan") {
            SSW_TRY_ASSIGN(auto name, expect_name(t, 1, "a plan name after 'plan'"));
            const auto* prev = set_.find_plan(name);
            SSW_TRY(check_unique("plan", name, prev ? &prev->where : nullptr, t[1].column));
            plan p{name, plan_order::first, {}, block_where_};
            if (t.size() > 2) {
                if (t[2].text == "longest") {
                    p.order = plan_order::longest;
                } else if (t[2].text != "first") {
                    return fail(t[2].column, "expected 'first' or 'longest' after the plan name");
                }
                SSW_TRY(expect_end_of_line(t, 3));
            }
            set_.plans.push_back(std::move(p));
            block_ = block::plan;
            block_name_ = "plan " + name;
            return {};
        }
        if (kw == "list") {
            SSW_TRY_ASSIGN(auto name, expect_name(t, 1, "a list name after 'list'"));
            const auto* prev = set_.find_list(name);
            SSW_TRY(check_unique("list", name, prev ? &prev->where : nullptr, t[1].column));
            number_list l{name, list_kind::black, false, {}, block_where_};
            if (t.size() < 3 || (t[2].text != "black" && t[2].text != "white")) {
                return fail(t.size() < 3 ? t[1].column + static_cast<int>(name.size()) + 1
                                         : t[2].column,
                            "expected 'black' or 'white' after the list name");
            }
            l.kind = t[2].text == "black" ? list_kind::black : list_kind::white;
            if (t.size() > 3) {
                if (t[3].text != "system" || l.kind != list_kind::white) {
                    return fail(t[3].column,
                                "expected end of line ('system' is only for white lists)");
                }
                l.system = true;
                SSW_TRY(expect_end_of_line(t, 4));
            }
            set_.lists.push_back(std::move(l));
            block_ = block::list;
            block_name_ = "list " + name;
            return {};
        }
        if (kw == "gateway") {
            SSW_TRY_ASSIGN(auto name, expect_name(t, 1, "a gateway name after 'gateway'"));
            const auto* prev = set_.find_gateway(name);
            SSW_TRY(check_unique("gateway", name, prev ? &prev->where : nullptr, t[1].column));
            gateway g;
            g.name = name;
            g.where = block_where_;
            if (t.size() < 3) {
                return fail(t[1].column + static_cast<int>(name.size()) + 1,
                            "expected 'mapping', 'routing' or 'endpoint' after the gateway name");
            }
            if (t[2].text == "mapping") {
                g.role = gateway_role::mapping;
            } else if (t[2].text == "routing") {
                g.role = gateway_role::routing;
            } else if (t[2].text == "endpoint") {
                g.role = gateway_role::endpoint;
            } else {
                return fail(t[2].column,
                            "expected 'mapping', 'routing' or 'endpoint' after the gateway name");
            }
            SSW_TRY(expect_end_of_line(t, 3));
            set_.gateways.push_back(std::move(g));
            block_ = block::gateway;
            block_name_ = "gateway " + name;
            return {};
        }
        if (kw == "routing") {
            SSW_TRY(expect_end_of_line(t, 1));
            if (set_.routing_where.line != 0) {
                return fail(head.column, "the routing block is already defined at " +
                                             set_.routing_where.to_string());
            }
            set_.routing_where = block_where_;
            block_ = block::routing;
            block_name_ = "routing";
            return {};
        }
        std::string hint;
        if (auto m = core::closest_match(
                kw, {"include", "table", "plan", "list", "gateway", "routing"})) {
            hint = " (did you mean '" + *m + "'?)";
        }
        return fail(head.column, "unknown keyword '" + kw +
                                     "': expected include, table, plan, list, gateway or routing" +
                                     hint);
    }

    result<std::string> number_token(const token& tok, const char* what, bool allow_empty,
                                     bool allow_dollar = false) const
    {
        if (tok.regex) {
            return fail(tok.column, std::string("expected ") + what + ", not a regex");
        }
        if (tok.text.empty() && !allow_empty) {
            return fail(tok.column, std::string("expected ") + what);
        }
        if (tok.text.size() > max_number_length) {
            return unexpected(make_error(errc::limit_exceeded,
                                         std::string(what) + " longer than " +
                                             std::to_string(max_number_length) + " characters",
                                         loc(tok.column).with_column()));
        }
        for (std::size_t i = 0; i < tok.text.size(); ++i) {
            const char c = tok.text[i];
            if (!is_number_char(c) && !(allow_dollar && c == '$')) {
                return fail(tok.column + static_cast<int>(i) + (tok.quoted ? 1 : 0),
                            std::string("unexpected '") + c + "' in " + what +
                                ": expected digits, letters, '+', '*' or '#'");
            }
        }
        return tok.text;
    }

    result<void> parse_table_entry(const std::vector<token>& t)
    {
        if (core::closest_match(t[0].text, {"end"}) && t.size() == 1) {
            return fail(t[0].column, "unknown word '" + t[0].text +
                                         "': expected NUMBER => REPLACEMENT or "
                                         "'end' to close '" +
                                         block_name_ + "' (did you mean 'end'?)");
        }
        SSW_TRY_ASSIGN(auto number, number_token(t[0], "a number", false));
        if (t.size() < 2 || t[1].text != "=>" || t[1].quoted) {
            return fail(t.size() < 2 ? t[0].column + static_cast<int>(t[0].text.size()) + 1
                                     : t[1].column,
                        "expected '=>' after the number (or 'end' to close '" + block_name_ + "')");
        }
        if (t.size() < 3) {
            return fail(t[1].column + 3,
                        "expected the replacement number after '=>' (\"\" for empty)");
        }
        SSW_TRY_ASSIGN(auto replacement, number_token(t[2], "a replacement number", true));
        SSW_TRY(expect_end_of_line(t, 3));
        SSW_TRY(count_rule());
        set_.tables.back().entries.push_back(
            table_entry{std::move(number), std::move(replacement), loc(t[0].column)});
        return {};
    }

    result<void> count_rule()
    {
        if (++rule_count_ > max_rule_count) {
            return unexpected(make_error(errc::limit_exceeded,
                                         "more than " + std::to_string(max_rule_count) + " rules",
                                         loc(1).with_column()));
        }
        return {};
    }

    static std::optional<std::size_t> parse_size(std::string_view text)
    {
        std::size_t v = 0;
        if (text.empty() || text.size() > 6) {
            return std::nullopt;
        }
        const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || p != text.data() + text.size()) {
            return std::nullopt;
        }
        return v;
    }

    // `len<N`, `len=N`, `len>N`, `len!=N`
    result<length_condition> parse_len(const token& tok) const
    {
        std::string_view s = tok.text;
        s.remove_prefix(3);
        length_condition c;
        if (s.starts_with("!=")) {
            c.op = length_op::not_equal;
            s.remove_prefix(2);
        } else if (s.starts_with("<")) {
            c.op = length_op::less;
            s.remove_prefix(1);
        } else if (s.starts_with(">")) {
            c.op = length_op::greater;
            s.remove_prefix(1);
        } else if (s.starts_with("=")) {
            c.op = length_op::equal;
            s.remove_prefix(1);
        } else {
            return fail(tok.column + 3, "expected '<', '=', '>' or '!=' after 'len'");
        }
        const auto v = parse_size(s);
        if (!v) {
            return fail(tok.column + static_cast<int>(tok.text.size() - s.size()),
                        "expected a length (0-999999) in '" + tok.text + "'");
        }
        c.value = *v;
        return c;
    }

    result<void> parse_targets(const token& tok, rule& r, bool allow_dollar)
    {
        if (tok.regex) {
            return fail(tok.column, "expected a target number, not a regex");
        }
        const auto parts = core::split(tok.text, ';');
        if (parts.size() > max_targets_per_rule) {
            return unexpected(make_error(errc::limit_exceeded,
                                         "more than " + std::to_string(max_targets_per_rule) +
                                             " targets in one rule",
                                         loc(tok.column).with_column()));
        }
        std::size_t offset = 0;
        bool weighted = false;
        for (const auto part : parts) {
            target tg;
            std::string_view text = part;
            const int col = tok.column + static_cast<int>(offset) + (tok.quoted ? 1 : 0);
            if (const auto at = text.find('@'); at != std::string_view::npos) {
                const auto w = parse_size(text.substr(at + 1));
                if (!w || *w == 0 || *w > 1'000'000) {
                    return fail(col + static_cast<int>(at) + 1,
                                "expected a weight from 1 to 1000000 after '@'");
                }
                tg.weight = static_cast<std::uint32_t>(*w);
                weighted = true;
                text = text.substr(0, at);
            }
            if (r.kind == rule_kind::regex) {
                if (text.size() > max_number_length) {
                    return unexpected(make_error(errc::limit_exceeded, "replacement too long",
                                                 loc(col).with_column()));
                }
                if (const auto dollar = text.find('$'); dollar != std::string_view::npos) {
                    return fail(
                        col + static_cast<int>(dollar),
                        "unexpected '$' in a regex replacement: capture groups are \\1 to \\9 "
                        "(RE2 rewrite syntax), not $1");
                }
                tg.text = std::string(text);
            } else {
                token sub{std::string(text), col, false, false};
                SSW_TRY_ASSIGN(tg.text, number_token(sub, "a target number", true, allow_dollar));
            }
            r.targets.push_back(std::move(tg));
            offset += part.size() + 1;
        }
        r.pick = weighted ? pick_mode::weighted : pick_mode::round_robin;
        return {};
    }

    result<void> parse_options(const std::vector<token>& t, std::size_t i, rule& r)
    {
        bool chained = false;
        for (; i < t.size(); ++i) {
            const token& tok = t[i];
            if (tok.quoted || tok.regex) {
                return fail(tok.column, "expected an option (len<N, continue, stop, goto PLAN)");
            }
            if (tok.text.starts_with("len")) {
                SSW_TRY_ASSIGN(auto c, parse_len(tok));
                r.conditions.push_back(c);
                continue;
            }
            if (tok.text == "continue" || tok.text == "stop" || tok.text == "goto") {
                if (chained) {
                    return fail(tok.column,
                                "a rule has one chaining action: stop, continue or goto");
                }
                chained = true;
                if (tok.text == "continue") {
                    r.then = chain_action::next;
                } else if (tok.text == "stop") {
                    r.then = chain_action::stop;
                } else {
                    SSW_TRY_ASSIGN(r.jump_plan, expect_name(t, i + 1, "a plan name after 'goto'"));
                    refs_.push_back({pending_ref::kind::plan, r.jump_plan, loc(t[i + 1].column)});
                    r.then = chain_action::jump;
                    ++i;
                }
                continue;
            }
            std::string hint;
            if (auto m = core::closest_match(tok.text, {"continue", "stop", "goto"})) {
                hint = " (did you mean '" + *m + "'?)";
            }
            return fail(tok.column,
                        "unexpected '" + tok.text +
                            "': expected len<N, len=N, len>N, len!=N, continue, stop or "
                            "goto PLAN" +
                            hint);
        }
        return {};
    }

    result<void> check_regex(const token& tok, const std::string& pattern,
                             std::vector<target>* targets)
    {
        RE2::Options opts;
        opts.set_log_errors(false);
        RE2 re(pattern, opts);
        if (!re.ok()) {
            int col = tok.column + 1;
            const std::string& arg = re.error_arg();
            if (!arg.empty()) {
                if (const auto at = pattern.find(arg); at != std::string::npos) {
                    col += static_cast<int>(at);
                }
            }
            return fail(col, "invalid regex (RE2 syntax): " + re.error());
        }
        if (targets != nullptr) {
            for (const auto& tg : *targets) {
                std::string why;
                if (!re.CheckRewriteString(tg.text, &why)) {
                    return fail(tok.column, "invalid replacement '" + tg.text + "': " + why);
                }
            }
        }
        return {};
    }

    // VOS3000 original: digits/+/#, '?', '*', then length conditions L/E/G/F n.
    result<void> parse_vos_original(std::string_view text, int column, rule& r)
    {
        std::size_t i = 0;
        while (i < text.size()) {
            const char c = text[i];
            if ((c >= '0' && c <= '9') || c == '?' || c == '*' || c == '+' || c == '#') {
                r.pattern += c;
                ++i;
                continue;
            }
            break;
        }
        while (i < text.size()) {
            const char c = text[i];
            length_condition cond;
            switch (c) {
            case 'L': cond.op = length_op::less; break;
            case 'E': cond.op = length_op::equal; break;
            case 'G': cond.op = length_op::greater; break;
            case 'F': cond.op = length_op::not_equal; break;
            default:
                return fail(
                    column + static_cast<int>(i),
                    std::string("unexpected '") + c +
                        "' in the original: expected digits, '?', '*', then length conditions "
                        "L, E, G or F with a number");
            }
            std::size_t j = i + 1;
            while (j < text.size() && text[j] >= '0' && text[j] <= '9') {
                ++j;
            }
            const auto v = parse_size(text.substr(i + 1, j - i - 1));
            if (!v) {
                return fail(column + static_cast<int>(i) + 1,
                            std::string("expected a length after '") + c + "'");
            }
            cond.value = *v;
            r.conditions.push_back(cond);
            i = j;
        }
        if (r.pattern.size() > max_number_length) {
            return unexpected(make_error(
                errc::limit_exceeded, "original longer than " + std::to_string(max_number_length),
                loc(column).with_column()));
        }
        return {};
    }

    result<void> expect_arrow(const std::vector<token>& t, std::size_t i, const char* after) const
    {
        if (i >= t.size() || t[i].text != "=>" || t[i].quoted) {
            const int col = i < t.size()
                                ? t[i].column
                                : t.back().column + static_cast<int>(t.back().text.size()) +
                                      (t.back().quoted || t.back().regex ? 2 : 0) + 1;
            return fail(col, std::string("expected '=>' after ") + after);
        }
        if (i + 1 >= t.size()) {
            return fail(t[i].column + 3, "expected a target after '=>' (\"\" for empty)");
        }
        return {};
    }

    result<void> parse_rule(const std::vector<token>& t)
    {
        rule r;
        const token& head = t.front();
        r.where = loc(head.column);
        r.text = line_text_;
        std::size_t next = 0;
        const std::string& kw = head.text;
        if (!head.quoted && !head.regex && kw == "exact") {
            r.kind = rule_kind::exact;
            if (t.size() < 2) {
                return fail(head.column + 6, "expected a number after 'exact'");
            }
            SSW_TRY_ASSIGN(r.pattern, number_token(t[1], "a number", false));
            SSW_TRY(expect_arrow(t, 2, "the number"));
            SSW_TRY(parse_targets(t[3], r, false));
            next = 4;
        } else if (!head.quoted && !head.regex && kw == "prefix") {
            r.kind = rule_kind::prefix;
            if (t.size() < 2) {
                return fail(head.column + 7, "expected a prefix after 'prefix'");
            }
            SSW_TRY_ASSIGN(r.pattern, number_token(t[1], "a prefix", true));
            SSW_TRY(expect_arrow(t, 2, "the prefix"));
            SSW_TRY(parse_targets(t[3], r, false));
            next = 4;
        } else if (!head.quoted && !head.regex && kw == "strip") {
            r.kind = rule_kind::prefix;
            if (t.size() < 2) {
                return fail(head.column + 6, "expected the prefix to strip after 'strip'");
            }
            SSW_TRY_ASSIGN(r.pattern, number_token(t[1], "a prefix", false));
            r.targets.push_back(target{"", 1});
            next = 2;
        } else if (!head.quoted && !head.regex && kw == "add") {
            r.kind = rule_kind::prefix;
            if (t.size() < 2) {
                return fail(head.column + 4, "expected the digits to add after 'add'");
            }
            SSW_TRY(parse_targets(t[1], r, false));
            next = 2;
        } else if (!head.quoted && !head.regex && kw == "regex") {
            r.kind = rule_kind::regex;
            if (set_.plans.back().order == plan_order::longest) {
                return fail(head.column, "regex rules have no prefix length: use them in a 'first' "
                                         "plan (goto it from here)");
            }
            if (t.size() < 2 || !t[1].regex) {
                return fail(t.size() < 2 ? head.column + 6 : t[1].column,
                            "expected a regex in slashes after 'regex' (/^0(\\d+)$/)");
            }
            r.pattern = t[1].text;
            SSW_TRY(expect_arrow(t, 2, "the regex"));
            SSW_TRY(parse_targets(t[3], r, false));
            SSW_TRY(check_regex(t[1], r.pattern, &r.targets));
            next = 4;
        } else if (!head.quoted && !head.regex &&
                   (kw == "vos" || (kw.find(':') != std::string::npos))) {
            r.kind = rule_kind::vos;
            const token* body = &head;
            next = 1;
            if (kw == "vos") {
                if (t.size() < 2) {
                    return fail(head.column + 4, "expected original:target after 'vos'");
                }
                body = &t[1];
                next = 2;
            }
            const auto colon = body->text.find(':');
            if (colon == std::string::npos || body->quoted || body->regex) {
                return fail(body->column, "expected original:target (e.g. 0086:86 or ?????:9$$$$)");
            }
            SSW_TRY(
                parse_vos_original(std::string_view(body->text).substr(0, colon), body->column, r));
            token tail{body->text.substr(colon + 1), body->column + static_cast<int>(colon) + 1,
                       false, false};
            SSW_TRY(parse_targets(tail, r, true));
            const auto wildcards = static_cast<std::size_t>(std::count(
                r.pattern.begin(),
                r.pattern.begin() +
                    static_cast<std::ptrdiff_t>(std::min(r.pattern.find('*'), r.pattern.size())),
                '?'));
            for (const auto& tg : r.targets) {
                const auto dollars =
                    static_cast<std::size_t>(std::count(tg.text.begin(), tg.text.end(), '$'));
                if (dollars > wildcards) {
                    return fail(tail.column,
                                "the target has " + std::to_string(dollars) +
                                    " '$' but the original has only " + std::to_string(wildcards) +
                                    " '?' before any '*' (each '$' keeps the digit of one '?')");
                }
            }
        } else {
            std::string hint;
            if (auto m = core::closest_match(
                    kw, {"exact", "prefix", "strip", "add", "vos", "regex", "end"})) {
                hint = " (did you mean '" + *m + "'?)";
            }
            if (hint.empty() && !kw.empty() && std::all_of(kw.begin(), kw.end(), [](char c) {
                    return (c >= '0' && c <= '9') || c == '?' || c == '*' || c == '+';
                })) {
                hint = " (write " + kw + ":TARGET for the VOS form, or exact/prefix " + kw +
                       " => TARGET)";
            }
            return fail(head.column, "unknown rule '" + kw +
                                         "': expected exact, prefix, strip, add, vos, regex, "
                                         "original:target or 'end'" +
                                         hint);
        }
        SSW_TRY(parse_options(t, next, r));
        SSW_TRY(count_rule());
        set_.plans.back().rules.push_back(std::move(r));
        return {};
    }

    result<void> parse_list_entry(const std::vector<token>& t)
    {
        const token& head = t.front();
        list_entry e;
        e.where = loc(head.column);
        std::size_t next = 2;
        if (!head.quoted && head.text.starts_with("len")) {
            e.kind = list_entry_kind::length;
            SSW_TRY_ASSIGN(e.length, parse_len(head));
            next = 1;
        } else if (head.text == "exact" || head.text == "prefix") {
            e.kind = head.text == "exact" ? list_entry_kind::exact : list_entry_kind::prefix;
            if (t.size() < 2) {
                return fail(head.column + static_cast<int>(head.text.size()) + 1,
                            "expected a number after '" + head.text + "'");
            }
            SSW_TRY_ASSIGN(e.value, number_token(t[1], "a number", false));
        } else if (head.text == "regex") {
            e.kind = list_entry_kind::regex;
            if (t.size() < 2 || !t[1].regex) {
                return fail(t.size() < 2 ? head.column + 6 : t[1].column,
                            "expected a regex in slashes after 'regex'");
            }
            e.value = t[1].text;
            SSW_TRY(check_regex(t[1], e.value, nullptr));
        } else {
            return fail(head.column, "unknown list entry '" + head.text +
                                         "': expected exact N, prefix P, regex /R/, len<N, len=N, "
                                         "len>N, len!=N or 'end'");
        }
        SSW_TRY(expect_end_of_line(t, next));
        SSW_TRY(count_rule());
        set_.lists.back().entries.push_back(std::move(e));
        return {};
    }

    result<void> parse_policy_line(const std::vector<token>& t)
    {
        const token& head = t.front();
        const bool in_gateway = block_ == block::gateway;
        number_policy& caller = in_gateway ? set_.gateways.back().caller : set_.routing_caller;
        number_policy& callee = in_gateway ? set_.gateways.back().callee : set_.routing_callee;
        const std::string& kw = head.text;
        auto single = [&](std::string& slot, pending_ref::kind k,
                          const char* what) -> result<void> {
            SSW_TRY_ASSIGN(auto name, expect_name(t, 1, what));
            SSW_TRY(expect_end_of_line(t, 2));
            if (!slot.empty()) {
                return fail(head.column, "'" + kw + "' is already set in this block");
            }
            slot = name;
            refs_.push_back({k, name, loc(t[1].column)});
            return {};
        };
        auto lists = [&](std::vector<std::string>& slot) -> result<void> {
            if (t.size() < 2) {
                return fail(head.column + static_cast<int>(kw.size()) + 1,
                            "expected one or more list names after '" + kw + "'");
            }
            for (std::size_t i = 1; i < t.size(); ++i) {
                SSW_TRY_ASSIGN(auto name, expect_name(t, i, "a list name"));
                refs_.push_back({pending_ref::kind::list, name, loc(t[i].column)});
                slot.push_back(name);
            }
            return {};
        };
        if (kw == "caller-transform") {
            return single(caller.table, pending_ref::kind::table, "a table name");
        }
        if (kw == "callee-transform") {
            return single(callee.table, pending_ref::kind::table, "a table name");
        }
        if (kw == "caller-plan") {
            return single(caller.plan, pending_ref::kind::plan, "a plan name");
        }
        if (kw == "callee-plan") {
            return single(callee.plan, pending_ref::kind::plan, "a plan name");
        }
        if (kw == "pai-plan" && in_gateway) {
            return single(set_.gateways.back().pai_plan, pending_ref::kind::plan, "a plan name");
        }
        if (kw == "caller-black") {
            return lists(caller.black);
        }
        if (kw == "caller-white") {
            return lists(caller.white);
        }
        if (kw == "callee-black") {
            return lists(callee.black);
        }
        if (kw == "callee-white") {
            return lists(callee.white);
        }
        std::vector<std::string> keys{"caller-transform", "callee-transform", "caller-plan",
                                      "callee-plan",      "caller-black",     "caller-white",
                                      "callee-black",     "callee-white"};
        if (in_gateway) {
            keys.push_back("pai-plan");
        }
        std::string hint;
        if (auto m = core::closest_match(kw, keys)) {
            hint = " (did you mean '" + *m + "'?)";
        }
        std::string all;
        for (const auto& k : keys) {
            all += (all.empty() ? "" : ", ") + k;
        }
        return fail(head.column,
                    "unknown setting '" + kw + "': expected " + all + " or 'end'" + hint);
    }

    result<void> resolve() const
    {
        for (const auto& ref : refs_) {
            std::vector<std::string> names;
            bool found = false;
            const char* what = "plan";
            switch (ref.what) {
            case pending_ref::kind::plan:
            case pending_ref::kind::plan_or_none:
                found = set_.find_plan(ref.name) != nullptr;
                for (const auto& p : set_.plans) {
                    names.push_back(p.name);
                }
                break;
            case pending_ref::kind::table:
                what = "table";
                found = set_.find_table(ref.name) != nullptr;
                for (const auto& p : set_.tables) {
                    names.push_back(p.name);
                }
                break;
            case pending_ref::kind::list:
                what = "list";
                found = set_.find_list(ref.name) != nullptr;
                for (const auto& p : set_.lists) {
                    names.push_back(p.name);
                }
                break;
            }
            if (!found) {
                std::string hint;
                if (auto m = core::closest_match(ref.name, names)) {
                    hint = " (did you mean '" + *m + "'?)";
                }
                return fail_at(ref.where,
                               std::string("unknown ") + what + " '" + ref.name + "'" + hint);
            }
        }
        return {};
    }

    const file_reader& reader_;
    rule_set set_;
    std::vector<std::string> stack_;
    std::set<std::string> seen_;
    std::vector<pending_ref> refs_;
    std::string file_;
    int line_ = 0;
    std::string line_text_;
    block block_ = block::none;
    std::string block_name_;
    source_location block_where_;
    source_location include_where_;
    std::size_t rule_count_ = 0;
};

} // namespace

result<rule_set> parse_rules(std::string_view text, const std::string& name,
                             const file_reader& reader)
{
    parser p(reader);
    return p.run(text, name);
}

result<rule_set> parse_rule_file(const std::filesystem::path& path)
{
    auto text = core::read_file(path);
    if (!text) {
        return unexpected(std::move(text).error());
    }
    file_reader reader = [](const std::string& p) { return core::read_file(p); };
    return parse_rules(*text, path.lexically_normal().string(), reader);
}

} // namespace ssw::transform
