// SPDX-License-Identifier: MIT
// ssw::cli::io: the streams and terminal facts a command runs with (captured in tests).
#pragma once

#include <iosfwd>

namespace ssw::cli {

// Data goes to `out`, diagnostics to `err`. The tty flags decide tables versus plain
// lines and whether progress is drawn; `color` is already resolved from --color and NO_COLOR.
struct io {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
    bool out_is_tty = false;
    bool err_is_tty = false;
    bool color = false;
    bool json = false;
    int verbosity = 0;
};

} // namespace ssw::cli
