// SPDX-License-Identifier: MIT
// The one exit-status table of every ssw tool (0/1/2 as grep and diff, the rest sysexits).
#pragma once

#include <ssw/core/error.hpp>

namespace ssw::cli {

// Every value a tool can return is listed in its man page's EXIT STATUS section.
enum class exit_code : int {
    ok = 0,            // success
    findings = 1,      // ran, and the answer is "no": check failed, mismatch, probe seen
    usage = 2,         // bad command line
    data_error = 65,   // input was read and rejected (parse, protocol, limit, unsupported)
    no_input = 66,     // input file missing or unreadable
    unavailable = 69,  // bind failed, address in use, peer unreachable
    internal = 70,     // broken invariant or uncaught exception
    cant_create = 73,  // output could not be created or renamed into place
    io_error = 74,     // read or write failed part-way
    config_error = 78, // invalid configuration or parameter value
};

// The single mapping from an error code to the status a tool exits with.
[[nodiscard]] exit_code exit_code_for(errc code) noexcept;

} // namespace ssw::cli
