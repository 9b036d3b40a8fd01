// SPDX-License-Identifier: MIT
// Every man page in man/ is lint-free and in house section order; every long option a tool's
// --help (and each subcommand's --help) prints appears in that tool's page.
#include "support/helpers.hpp"
#include "support/tool_runner.hpp"

#include <ssw/core/atomic_file.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using ssw::test::run_tool;

namespace {

const std::filesystem::path man_dir = std::filesystem::path(SSW_SOURCE_DIR) / "man";

std::vector<std::filesystem::path> man_pages()
{
    std::vector<std::filesystem::path> pages;
    for (const auto& entry : std::filesystem::directory_iterator(man_dir)) {
        const auto ext = entry.path().extension().string();
        if (ext.size() == 2 && ext[1] >= '1' && ext[1] <= '8') {
            pages.push_back(entry.path());
        }
    }
    std::sort(pages.begin(), pages.end());
    return pages;
}

// The page's text with roff escapes for hyphens and fonts removed: "\-\-file" → "--file".
std::string plain_text(const std::filesystem::path& page)
{
    const auto raw = ssw::core::read_file(page);
    REQUIRE(raw);
    std::string out;
    for (std::size_t i = 0; i < raw->size(); ++i) {
        const char c = (*raw)[i];
        if (c == '\\' && i + 1 < raw->size()) {
            const char next = (*raw)[i + 1];
            if (next == '-') {
                out.push_back('-');
                ++i;
                continue;
            }
            if (next == 'f' && i + 2 < raw->size()) {
                i += 2;
                continue;
            }
            if (next == '&') {
                ++i;
                continue;
            }
        }
        out.push_back(c);
    }
    return out;
}

std::set<std::string> long_options(const std::string& help)
{
    std::set<std::string> options;
    static const std::regex option(R"((^|[^A-Za-z0-9-])(--[A-Za-z][A-Za-z0-9-]*))");
    for (auto it = std::sregex_iterator(help.begin(), help.end(), option);
         it != std::sregex_iterator(); ++it) {
        options.insert((*it)[2].str());
    }
    return options;
}

// Subcommand names from CLI11's "Subcommands:" block.
std::vector<std::string> subcommands(const std::string& help)
{
    std::vector<std::string> names;
    std::istringstream in(help);
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line.rfind("Subcommands:", 0) == 0) {
            inside = true;
            continue;
        }
        if (inside) {
            if (line.empty() || line[0] != ' ') {
                break;
            }
            std::istringstream words(line);
            std::string name;
            words >> name;
            if (!name.empty()) {
                names.push_back(name);
            }
        }
    }
    return names;
}

std::optional<std::filesystem::path> page_of(const std::string& tool)
{
    for (char section = '1'; section <= '8'; ++section) {
        const auto candidate = man_dir / (tool + "." + section);
        if (std::filesystem::exists(candidate)) {
            return candidate;
        }
    }
    return std::nullopt;
}

} // namespace

TEST_CASE("man: every page in man/ passes groff -man -ww without a warning", "[man][tools]")
{
    const std::string groff = ssw::test::require_program("groff", "groff-base");
    const auto pages = man_pages();
    CHECK_FALSE(pages.empty());
    for (const auto& page : pages) {
        INFO(page.filename().string());
        const auto r = run_tool(groff, {"-man", "-ww", "-z", page.string()});
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
    }
}

TEST_CASE("man: sections follow the house order (NAME first ... SEE ALSO last)", "[man][tools]")
{
    const std::vector<std::string> order{"NAME",    "SYNOPSIS",    "DESCRIPTION",
                                         "OPTIONS", "EXIT STATUS", "ENVIRONMENT",
                                         "FILES",   "EXAMPLES",    "SEE ALSO"};
    for (const auto& page : man_pages()) {
        INFO(page.filename().string());
        std::istringstream in(plain_text(page));
        std::string line;
        std::vector<std::string> headers;
        while (std::getline(in, line)) {
            if (line.rfind(".SH ", 0) == 0) {
                std::string h = line.substr(4);
                std::erase(h, '"');
                headers.push_back(h);
            }
        }
        REQUIRE_FALSE(headers.empty());
        CHECK(headers.front() == "NAME");
        std::ptrdiff_t last = -1;
        for (const auto& h : headers) {
            const auto it = std::find(order.begin(), order.end(), h);
            if (it == order.end()) {
                continue;
            }
            const auto pos = it - order.begin();
            INFO(h);
            CHECK(pos > last);
            last = pos;
        }
    }
}

TEST_CASE("man: every long option of a tool's --help is in its page", "[man][tools]")
{
    for (const std::string bin :
         {SSW_PARAM_BIN, SSW_TRACE_BIN, SSW_TRANSFORM_BIN, SSW_RTPCRYPT_BIN, SSW_RUN_BIN}) {
        const std::string tool = std::filesystem::path(bin).filename().string();
        INFO(tool);
        const auto page = page_of(tool);
        REQUIRE(page); // every tool has its page
        const std::string text = plain_text(*page);
        const auto top = run_tool(bin, {"--help"});
        REQUIRE(top.exit_code == 0);
        std::vector<std::pair<std::string, std::string>> helps{{"", top.out}};
        for (const auto& sub : subcommands(top.out)) {
            const auto r = run_tool(bin, {sub, "--help"});
            CHECK(r.exit_code == 0);
            helps.emplace_back(sub, r.out);
        }
        for (const auto& [sub, help] : helps) {
            for (const auto& option : long_options(help)) {
                INFO((sub.empty() ? std::string("(top level)") : sub) + " " + option);
                CHECK(text.find(option) != std::string::npos);
            }
        }
    }
}

TEST_CASE("man: each tool's EXIT STATUS lists only codes of the exit table, and those any tool "
          "can return",
          "[man][tools]")
{
    // cli/exit_code.hpp; 0, 2 and 70 come from cli::run itself (success or --help, a bad
    // command line, an escaping exception), so every tool can return them.
    const std::set<int> table{0, 1, 2, 65, 66, 69, 70, 73, 74, 78};
    for (const std::string tool :
         {"ssw-param", "ssw-trace", "ssw-transform", "rtpcrypt", "ssw-run"}) {
        INFO(tool);
        const auto page = page_of(tool);
        REQUIRE(page);
        const std::string text = plain_text(*page);
        const auto start = text.find(".SH EXIT STATUS");
        REQUIRE(start != std::string::npos);
        const auto end = text.find("\n.SH ", start + 1);
        std::istringstream in(text.substr(start, end - start));
        std::set<int> listed;
        std::string line;
        bool next_is_code = false;
        while (std::getline(in, line)) {
            if (next_is_code && line.rfind(".B ", 0) == 0) {
                listed.insert(std::stoi(line.substr(3)));
            }
            next_is_code = line == ".TP";
        }
        for (const int code : listed) {
            INFO("listed: " << code);
            CHECK(table.count(code) == 1);
        }
        for (const int code : {0, 2, 70}) {
            INFO("missing: " << code);
            CHECK(listed.count(code) == 1);
        }
    }
}
