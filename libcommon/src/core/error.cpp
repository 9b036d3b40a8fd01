// SPDX-License-Identifier: MIT
// ssw::error formatting and the bad-access abort of ssw::result.
#include <ssw/core/error.hpp>
#include <ssw/core/result.hpp>

#include <cstdio>
#include <cstdlib>

namespace ssw {

std::string_view to_string(errc code) noexcept
{
    switch (code) {
    case errc::invalid_argument: return "invalid_argument";
    case errc::usage: return "usage";
    case errc::parse_error: return "parse_error";
    case errc::protocol_error: return "protocol_error";
    case errc::not_found: return "not_found";
    case errc::io_error: return "io_error";
    case errc::cant_create: return "cant_create";
    case errc::unavailable: return "unavailable";
    case errc::unsupported: return "unsupported";
    case errc::limit_exceeded: return "limit_exceeded";
    case errc::crypto_error: return "crypto_error";
    case errc::config_error: return "config_error";
    case errc::findings: return "findings";
    case errc::internal: return "internal";
    }
    return "internal";
}

std::string error::to_string() const
{
    if (where.empty()) {
        return message;
    }
    return where + ": " + message;
}

error make_error(errc code, std::string message, std::string where, int sys_errno)
{
    return error{code, std::move(message), std::move(where), sys_errno};
}

namespace detail {
void bad_result_access(const error& e)
{
    std::fprintf(stderr, "ssw: internal error: value() on an error result: %s\n",
                 e.to_string().c_str());
    std::abort();
}
} // namespace detail

} // namespace ssw
