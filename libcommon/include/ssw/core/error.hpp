// SPDX-License-Identifier: MIT
// ssw::error: the one error type that crosses module boundaries, and its small code taxonomy.
#pragma once

#include <string>
#include <string_view>

namespace ssw {

// What went wrong, in libre's taxonomy. cli::exit_code_for maps each to one exit status.
enum class errc {
    invalid_argument, // a value or option the caller gave is not acceptable
    usage,            // the command line itself is wrong (an option value, a combination)
    parse_error,      // text or bytes were read and do not follow the grammar
    protocol_error,   // well-formed, but breaks a protocol rule (RFC 3261 and friends)
    not_found,        // a file, name or record that should exist does not
    io_error,         // a read or write failed part-way
    cant_create,      // an output could not be created or renamed into place
    unavailable,      // bind failed, address in use, peer unreachable
    unsupported,      // understood, but ssw does not do it (a link type, a codec, an algorithm)
    limit_exceeded,   // a bound on size, count or time was hit
    crypto_error,     // OpenSSL refused or a key does not fit the mode
    config_error,     // the configuration as a whole is invalid
    findings,         // the command ran and the answer is "no" (check failed, mismatch)
    internal,         // a broken invariant
};

// Stable lowercase name of a code ("parse_error"), used in --json error lines.
std::string_view to_string(errc code) noexcept;

// An error value: what kind, a message that says what was expected, and where.
// `where` is file:line:col for text inputs, "file: frame N" for captures,
// "peer 1.2.3.4:5060" for network input; empty when there is no place to name.
struct error {
    errc code = errc::internal;
    std::string message;
    std::string where;
    int sys_errno = 0;

    // "where: message" (or just the message), the form every tool prints after its prefix.
    [[nodiscard]] std::string to_string() const;
};

// Builds an error; the usual way to write `return ssw::unexpected(make_error(...))`.
error make_error(errc code, std::string message, std::string where = {}, int sys_errno = 0);

} // namespace ssw
