// SPDX-License-Identifier: MIT
// Error code to exit status: the one mapping.
#include <ssw/cli/exit_code.hpp>

namespace ssw::cli {

exit_code exit_code_for(errc code) noexcept
{
    switch (code) {
    case errc::usage: return exit_code::usage;
    case errc::invalid_argument:
    case errc::parse_error:
    case errc::protocol_error:
    case errc::unsupported:
    case errc::limit_exceeded: return exit_code::data_error;
    case errc::not_found: return exit_code::no_input;
    case errc::io_error: return exit_code::io_error;
    case errc::cant_create: return exit_code::cant_create;
    case errc::unavailable: return exit_code::unavailable;
    case errc::crypto_error:
    case errc::config_error: return exit_code::config_error;
    case errc::findings: return exit_code::findings;
    case errc::internal: return exit_code::internal;
    }
    return exit_code::internal;
}

} // namespace ssw::cli
