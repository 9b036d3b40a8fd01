// SPDX-License-Identifier: MIT
// ssw::cli::app: a CLI::App with the flags every ssw tool shares (--json, -v, --color, --version).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace ssw::cli {

enum class color_mode { auto_, always, never };

// Construct one per tool in main(); add the tool's own options and subcommands to it.
class app : public CLI::App {
  public:
    app(std::string name, std::string description);

    [[nodiscard]] bool json() const { return json_; }
    [[nodiscard]] int verbosity() const { return verbosity_; }
    [[nodiscard]] color_mode color() const;

  private:
    bool json_ = false;
    int verbosity_ = 0;
    std::string color_ = "auto";
};

} // namespace ssw::cli
