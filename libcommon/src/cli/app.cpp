// SPDX-License-Identifier: MIT
// Shared CLI11 setup: common flags, formatting, version.
#include <ssw/cli/app.hpp>

#ifndef SSW_VERSION
#define SSW_VERSION "0.0.0"
#endif

namespace ssw::cli {

app::app(std::string name, std::string description)
    : CLI::App(std::move(description), std::move(name))
{
    set_version_flag("--version", std::string(get_name()) + " (ssw) " SSW_VERSION);
    add_flag("--json", json_, "Print one JSON object per line instead of text");
    add_flag("-v,--verbose", verbosity_, "More detail on stderr (repeat for more)");
    add_option("--color", color_, "Colour: auto (default), always, never; NO_COLOR is honoured")
        ->check(CLI::IsMember({"auto", "always", "never"}, CLI::ignore_case))
        ->option_text("WHEN");
    // Options set on the top-level app apply to every subcommand (`ssw-param list --json`).
    fallthrough();
    require_subcommand(0, 1);
    get_formatter()->column_width(34);
}

color_mode app::color() const
{
    if (color_ == "always") {
        return color_mode::always;
    }
    if (color_ == "never") {
        return color_mode::never;
    }
    return color_mode::auto_;
}

} // namespace ssw::cli
