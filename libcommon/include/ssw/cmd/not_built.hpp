// SPDX-License-Identifier: MIT
// The honest placeholder of a tool whose release has not landed yet: says so, exits 64.
#pragma once

#include <ssw/cli/exit_code.hpp>
#include <ssw/core/result.hpp>

#include <string_view>

namespace ssw::cmd {

// Always fails with errc::unsupported ("<what> is not built yet"), which exits 64.
result<cli::exit_code> not_built(std::string_view what);

} // namespace ssw::cmd
