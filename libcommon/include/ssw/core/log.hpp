// SPDX-License-Identifier: MIT
// ssw::core::log_level and log_function: the one way library code hands lines to whoever logs
// them (ssw-run's stderr or journald). Library code never writes to a stream itself.
#pragma once

#include <functional>
#include <string_view>

namespace ssw::core {

enum class log_level { error, warning, info, debug };
[[nodiscard]] std::string_view to_string(log_level level) noexcept;

using log_function = std::function<void(log_level, std::string_view)>;

} // namespace ssw::core
