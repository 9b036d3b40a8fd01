// SPDX-License-Identifier: MIT
// Tests for NDJSON line building.
#include <ssw/core/json_writer.hpp>

#include <catch2/catch.hpp>

using ssw::core::json_line;

TEST_CASE("core::json_line: fields in order with escaping", "[core][json]")
{
    const auto s = json_line{}
                       .field("type", "param")
                       .field("n", 3)
                       .field("ok", true)
                       .field("s", "a\"b\\c\n\x01")
                       .field_null("z")
                       .str();
    CHECK(s == R"({"type":"param","n":3,"ok":true,"s":"a\"b\\c\n\u0001","z":null})");
}

TEST_CASE("core::json_line: invalid UTF-8 is escaped, valid kept", "[core][json]")
{
    CHECK(json_line{}.field("s", "\xc3\xa9\xff").str() == "{\"s\":\"\xc3\xa9\\u00ff\"}");
    CHECK(json_line{}.field("v", std::vector<std::string>{"a", "b"}).str() == R"({"v":["a","b"]})");
    CHECK(json_line{}.field("d", 0.5).str() == R"({"d":0.5})");
}
