// SPDX-License-Identifier: MIT
// SS_RTPENCRYPTIONMODE / KEY from a `NAME = value` parameter file.
#include <ssw/core/atomic_file.hpp>
#include <ssw/core/text.hpp>
#include <ssw/rtp/encryption_params.hpp>

namespace ssw::rtp {

result<encryption_params> parse_encryption_params(std::string_view text, std::string_view where)
{
    encryption_params out;
    std::size_t line_no = 0;
    for (const auto raw : core::split(text, '\n')) {
        ++line_no;
        const auto line = core::trim(raw);
        if (line.empty() || line.front() == '#' || line.front() == ';') {
            continue;
        }
        const std::string at = std::string(where) + ":" + std::to_string(line_no);
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) {
            return unexpected(make_error(errc::parse_error, "expected 'NAME = value'", at));
        }
        const auto name = core::trim(line.substr(0, eq));
        auto value = core::trim(line.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        if (core::iequals(name, "SS_RTPENCRYPTIONMODE")) {
            auto m = crypto::parse_mode(value);
            if (!m) {
                return unexpected(make_error(errc::parse_error,
                                             "SS_RTPENCRYPTIONMODE: " + m.error().message, at));
            }
            out.mode = *m;
        } else if (core::iequals(name, "SS_RTPENCRYPTIONKEY")) {
            auto k = crypto::parse_key(value);
            if (!k) {
                return unexpected(
                    make_error(errc::parse_error, "SS_RTPENCRYPTIONKEY: " + k.error().message, at));
            }
            out.key = std::move(*k);
        }
    }
    return out;
}

result<encryption_params> read_encryption_params(const std::filesystem::path& path)
{
    SSW_TRY_ASSIGN(const auto text, core::read_file(path));
    return parse_encryption_params(text, path.string());
}

} // namespace ssw::rtp
