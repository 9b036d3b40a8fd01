// SPDX-License-Identifier: MIT
// Placeholder command for tools not yet implemented.
#include <ssw/cmd/not_built.hpp>

#include <string>

namespace ssw::cmd {

result<cli::exit_code> not_built(std::string_view what)
{
    return unexpected(
        make_error(errc::unsupported, std::string(what) + " is not built yet in this release"));
}

} // namespace ssw::cmd
