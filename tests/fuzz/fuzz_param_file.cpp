// SPDX-License-Identifier: MIT
// libFuzzer target: the parameter file reader and the JSON import reader on arbitrary bytes.
#include <ssw/params/exchange.hpp>
#include <ssw/params/store.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace ssw::params;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > max_file_bytes) {
        return 0;
    }
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = param_file::parse_lenient(text, "fuzz");
    // Whatever the bytes, an unedited file renders back exactly.
    if (parsed.file.render() != text) {
        std::abort();
    }
    // Rewriting every value in place reads back to the same values.
    param_file copy = parsed.file;
    for (const auto& info : catalog()) {
        if (const value* v = parsed.file.find(info)) {
            copy.set(info, *v);
        }
    }
    const auto again = param_file::parse_lenient(copy.render(), "again");
    for (const auto& info : catalog()) {
        const value* before = parsed.file.find(info);
        const value* after = again.file.find(info);
        if ((before == nullptr) != (after == nullptr) ||
            (before != nullptr && !(*before == *after))) {
            std::abort();
        }
    }
    (void)parse_import(text, "fuzz");
    return 0;
}
