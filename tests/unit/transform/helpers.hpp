// SPDX-License-Identifier: MIT
// Shared helpers of the transform unit tests: in-memory rule files.
#pragma once

#include <ssw/transform/engine.hpp>
#include <ssw/transform/rule_parser.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <string>

namespace ssw::transform::test {

// Parses `text` as "main.rules" with includes served from `files`.
inline result<rule_set> parse(const std::string& text,
                              std::map<std::string, std::string> files = {})
{
    file_reader reader = [files](const std::string& path) -> result<std::string> {
        const auto it = files.find(path);
        if (it == files.end()) {
            return unexpected(make_error(errc::not_found, "cannot open", path));
        }
        return it->second;
    };
    return parse_rules(text, "main.rules", reader);
}

// Parses and compiles, failing the test on any error.
inline engine build(const std::string& text)
{
    auto set = parse(text);
    if (!set) {
        FAIL(set.error().to_string());
    }
    auto eng = engine::compile(std::move(*set));
    if (!eng) {
        FAIL(eng.error().to_string());
    }
    return std::move(*eng);
}

// Applies plan `name` to `number` with a fresh selector.
inline std::string apply(const engine& e, const std::string& name, const std::string& number)
{
    selector s(0);
    auto out = e.apply(name, number, s);
    if (!out) {
        return "error: " + out.error().to_string();
    }
    return out->number;
}

} // namespace ssw::transform::test
