// SPDX-License-Identifier: MIT
// A tiny reader of SS_RTPENCRYPTIONMODE / SS_RTPENCRYPTIONKEY from an ssw parameter file.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/crypto/key.hpp>

#include <filesystem>
#include <optional>
#include <string_view>

namespace ssw::rtp {

// The encryption settings of one parameter file. Absent names stay nullopt.
struct encryption_params {
    std::optional<crypto::mode> mode;
    std::optional<crypto::key_bytes> key;
};

// Reads `NAME = value` lines (blank lines and lines starting with '#' or ';' are skipped,
// values may be wrapped in double quotes) and keeps only SS_RTPENCRYPTIONMODE and
// SS_RTPENCRYPTIONKEY (names case-insensitive). Everything else is ignored, so any ssw
// parameter file works. Fails with not_found / io_error for the file and parse_error at
// "file:line" for a line without '=' or a bad mode or key value (the key is never quoted
// back). Kept small on purpose: the params module owns the full parameter store.
[[nodiscard]] result<encryption_params> read_encryption_params(const std::filesystem::path& path);

// The same over text already read; `where` names the source in errors.
[[nodiscard]] result<encryption_params> parse_encryption_params(std::string_view text,
                                                                std::string_view where);

} // namespace ssw::rtp
