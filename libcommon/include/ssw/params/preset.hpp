// SPDX-License-Identifier: MIT
// ssw::params presets: the named groups of values of ssw-params(5), PRESETS (auth and NAT
// keep-alive).
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/params/store.hpp>

#include <span>
#include <string_view>

namespace ssw::params {

// One value a preset sets, in operator form.
struct preset_setting {
    std::string_view name;
    std::string_view value;
};

// A named preset: the authentication presets (internet-facing, standard, satellite,
// lan) and NAT keep-alive presets (keepalive-*). Applying one sets only its own parameters.
struct preset {
    std::string_view name;
    std::string_view summary;
    std::span<const preset_setting> settings;
};

// Every preset, auth presets first.
[[nodiscard]] std::span<const preset> presets() noexcept;

// The preset called `name` (case-insensitive); invalid_argument with "did you mean" otherwise.
[[nodiscard]] result<const preset*> find_preset(std::string_view name);

// Sets the preset's values in `file`.
[[nodiscard]] result<void> apply_preset(const preset& p, param_file& file);

} // namespace ssw::params
