// SPDX-License-Identifier: MIT
#include <ssw/core/log.hpp>

namespace ssw::core {

std::string_view to_string(log_level level) noexcept
{
    switch (level) {
    case log_level::error: return "error";
    case log_level::warning: return "warning";
    case log_level::info: return "info";
    case log_level::debug: return "debug";
    }
    return "info";
}

} // namespace ssw::core
