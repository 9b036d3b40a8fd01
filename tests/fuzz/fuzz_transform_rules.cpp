// SPDX-License-Identifier: MIT
// libFuzzer target: the ssw-rules(5) parser, then compile, apply and lint whatever parses.
#include <ssw/transform/engine.hpp>
#include <ssw/transform/lint.hpp>
#include <ssw/transform/pipeline.hpp>
#include <ssw/transform/rule_parser.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace tr = ssw::transform;
    const std::string text(reinterpret_cast<const char*>(data), size);
    // Every include reads the same input again: exercises diamonds, cycles and depth limits.
    tr::file_reader reader = [&text](const std::string&) -> ssw::result<std::string> {
        return text;
    };
    auto set = tr::parse_rules(text, "fuzz.rules", reader);
    if (!set) {
        return 0;
    }
    auto eng = tr::engine::compile(std::move(*set));
    if (!eng) {
        return 0;
    }
    tr::selector choices(1);
    const char* numbers[] = {"",     "0",           "0044123456789", "2015551234",
                             "*611", "19005551234", "+4420"};
    for (const auto& p : eng->rules().plans) {
        for (const char* n : numbers) {
            (void)eng->apply(p.name, n, choices, true);
        }
    }
    for (const auto& g : eng->rules().gateways) {
        (void)tr::run_call(*eng, tr::call_request{"2015551234", "0044123", g.name, ""}, choices,
                           true);
        (void)tr::run_call(*eng, tr::call_request{"2015551234", "0044123", "", g.name}, choices,
                           true);
    }
    (void)tr::lint(*eng);
    return 0;
}
