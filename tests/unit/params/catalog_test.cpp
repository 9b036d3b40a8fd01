// SPDX-License-Identifier: MIT
// The catalog against the parameter table (tests/data/params/parameters.md) and the man page.
#include <ssw/core/atomic_file.hpp>
#include <ssw/core/text.hpp>
#include <ssw/params/catalog.hpp>
#include <ssw/params/value.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

using namespace ssw::params;

namespace {

struct table_row {
    section where;
    std::string type_text;
    std::string default_text;
    bool default_ours = false;
    std::string range_text;
    bool range_ours = false;
};

std::string strip(std::string_view cell, std::string_view marker, bool& found)
{
    std::string s(cell);
    if (const auto pos = s.find(marker); pos != std::string::npos) {
        found = true;
        s.erase(pos, marker.size());
    }
    std::erase(s, '`');
    return std::string(ssw::core::trim(s));
}

// Parses the two markdown tables of parameters.md: "| name | type / unit | default | range | ...".
std::map<std::string, table_row> read_table()
{
    const auto text =
        ssw::core::read_file(std::string(SSW_TEST_DATA_DIR) + "/params/parameters.md");
    REQUIRE(text);
    std::map<std::string, table_row> rows;
    std::optional<section> current;
    for (const auto line : ssw::core::split(*text, '\n')) {
        if (line.starts_with("## SIP parameters")) {
            current = section::sip;
        } else if (line.starts_with("## System parameters")) {
            current = section::system;
        } else if (line.starts_with("## ")) {
            current.reset();
        }
        if (!current || !line.starts_with("| SS_")) {
            continue;
        }
        const auto cells = ssw::core::split(line, '|');
        REQUIRE(cells.size() >= 6);
        table_row row;
        row.where = *current;
        bool unused = false;
        row.type_text = strip(cells[2], "(ours)", unused);
        row.default_text = strip(cells[3], "(ours)", row.default_ours);
        // "3600 (a note)": the value is the first word; "(empty)" is the empty string.
        if (const auto paren = row.default_text.find(" ("); paren != std::string::npos) {
            row.default_text.resize(paren);
        }
        if (row.default_text == "(empty)") {
            row.default_text.clear();
        }
        row.range_text = strip(cells[4], "(ours)", row.range_ours);
        rows.emplace(std::string(ssw::core::trim(cells[1])), row);
    }
    return rows;
}

} // namespace

TEST_CASE("params::catalog: holds every parameter of the table, no more and no fewer",
          "[params][catalog]")
{
    const auto table = read_table();
    REQUIRE(table.size() == 32);
    std::set<std::string> ours;
    for (const auto& info : catalog()) {
        ours.emplace(info.name);
    }
    CHECK(ours.size() == catalog().size());
    for (const auto& [name, row] : table) {
        INFO(name);
        CHECK(ours.count(name) == 1);
    }
    for (const auto& name : ours) {
        INFO(name);
        CHECK(table.count(name) == 1);
    }
}

TEST_CASE("params::catalog: section, type, default and range match the parameter table",
          "[params][catalog]")
{
    const auto table = read_table();
    for (const auto& info : catalog()) {
        INFO(info.name);
        const auto it = table.find(std::string(info.name));
        REQUIRE(it != table.end());
        const table_row& row = it->second;
        CHECK(info.where == row.where);
        CHECK(info.type_text == row.type_text);
        CHECK(info.default_text == row.default_text);
        CHECK(info.default_is_ours == row.default_ours);
        CHECK(info.range_text == row.range_text);
        CHECK(info.range_is_ours == row.range_ours);
        // Numeric ranges "A-B" (also "each A-B", "A-B bytes") are the bounds the values obey.
        std::string range = row.range_text;
        if (range.starts_with("each ")) {
            range.erase(0, 5);
        }
        if (range.ends_with(" bytes")) {
            range.resize(range.size() - 6);
        }
        const auto dash = range.find('-');
        if (dash != std::string::npos && range.find(' ') == std::string::npos) {
            const auto lo = ssw::core::parse_decimal(range.substr(0, dash));
            const auto hi = ssw::core::parse_decimal(range.substr(dash + 1));
            REQUIRE(lo);
            REQUIRE(hi);
            const double scale = info.kind == value_kind::schedule ? 1000.0 : 1.0;
            CHECK(static_cast<double>(info.min) == *lo * scale);
            CHECK(static_cast<double>(info.max) == *hi * scale);
        }
    }
}

TEST_CASE("params::catalog: the type column decides the kind and unit", "[params][catalog]")
{
    const std::map<std::string, std::pair<value_kind, time_unit>> by_type{
        {"On/Off", {value_kind::on_off, time_unit::none}},
        {"seconds", {value_kind::duration, time_unit::seconds}},
        {"milliseconds", {value_kind::duration, time_unit::milliseconds}},
        {"seconds or Auto", {value_kind::duration_or_auto, time_unit::seconds}},
        {"count", {value_kind::integer, time_unit::none}},
        {"count or None", {value_kind::integer_or_none, time_unit::none}},
        {"list of seconds", {value_kind::schedule, time_unit::seconds}},
        {"401/407", {value_kind::choice, time_unit::none}},
        {"0-3", {value_kind::choice, time_unit::none}},
    };
    for (const auto& info : catalog()) {
        INFO(info.name);
        if (info.type_text == "string") {
            CHECK((info.kind == value_kind::text || info.kind == value_kind::secret));
            continue;
        }
        const auto it = by_type.find(std::string(info.type_text));
        REQUIRE(it != by_type.end());
        CHECK(info.kind == it->second.first);
        CHECK(info.unit == it->second.second);
    }
    CHECK(find_param("SS_RTPENCRYPTIONKEY")->kind == value_kind::secret);
}

TEST_CASE("params::catalog: every default parses and prints back as written", "[params][catalog]")
{
    for (const auto& info : catalog()) {
        INFO(info.name);
        const auto v = parse_value(info, info.default_text);
        REQUIRE(v);
        CHECK(format_value(info, *v) == (info.default_text.empty() ? "\"\"" : info.default_text));
        CHECK(default_value(info) == *v);
        CHECK_FALSE(info.summary.empty());
        CHECK_FALSE(info.description.empty());
    }
}

TEST_CASE("params::find_param: exact and case-insensitive, with typo suggestions",
          "[params][catalog]")
{
    REQUIRE(find_param("SS_SIP_TIMEOUT_INVITE") != nullptr);
    CHECK(find_param("ss_sip_timeout_invite") == find_param("SS_SIP_TIMEOUT_INVITE"));
    CHECK(find_param("SS_SIP_TIMEOUT_INVIT") == nullptr);
    CHECK(index_of(*find_param("SS_RTPENCRYPTIONKEY")) == catalog().size() - 1);
    CHECK(unknown_name_message("SS_SIP_TIMEOUT_INVIT") ==
          "unknown parameter 'SS_SIP_TIMEOUT_INVIT' (did you mean SS_SIP_TIMEOUT_INVITE?)");
    CHECK(unknown_name_message("FOO").find("ssw-param list") != std::string::npos);
}

TEST_CASE("params::catalog: ssw-params(5) documents every parameter with its default",
          "[params][catalog]")
{
    const auto page = ssw::core::read_file(std::string(SSW_SOURCE_DIR) + "/man/ssw-params.5");
    REQUIRE(page);
    // roff escapes the hyphen; compare on the plain text.
    std::string text;
    for (std::size_t i = 0; i < page->size(); ++i) {
        if ((*page)[i] == '\\' && i + 1 < page->size() && (*page)[i + 1] == '-') {
            continue;
        }
        text.push_back((*page)[i]);
    }
    // The entries live in the PARAMETERS section; other sections mention names too.
    const auto start = text.find(".SH PARAMETERS");
    REQUIRE(start != std::string::npos);
    text = text.substr(start, text.find("\n.SH ", start + 1) - start);
    for (const auto& info : catalog()) {
        INFO(info.name);
        const auto at = text.find(".B " + std::string(info.name) + "\n");
        REQUIRE(at != std::string::npos);
        const auto next = text.find(".TP", at);
        const std::string entry = text.substr(at, next - at);
        CHECK(entry.find(std::string(info.summary)) != std::string::npos);
        const std::string shown =
            info.default_text.empty() ? "empty" : std::string(info.default_text);
        CHECK(entry.find("Default: " + shown + (info.default_is_ours ? " (ours)." : ".")) !=
              std::string::npos);
        if (!info.range_text.empty()) {
            CHECK(entry.find("Range: " + std::string(info.range_text) +
                             (info.range_is_ours ? " (ours)." : ".")) != std::string::npos);
        }
    }
}
