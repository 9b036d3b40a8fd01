// SPDX-License-Identifier: MIT
// Parse, run, map errors to exit codes: the only catch site of every tool.
#include <ssw/cli/run.hpp>
#include <ssw/core/json_writer.hpp>

#include <cstdlib>
#include <iostream>
#include <string_view>
#include <unistd.h>

namespace ssw::cli {

namespace {

bool has_json_flag(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--") {
            return false;
        }
        if (a == "--json") {
            return true;
        }
    }
    return false;
}

} // namespace

void print_error(const io& streams, std::string_view tool, const error& e)
{
    if (streams.json) {
        auto line = core::json_line{}.field("type", "error").field("code", to_string(e.code));
        if (!e.where.empty()) {
            line.field("where", e.where);
        }
        line.field("message", e.message);
        streams.err << line.str() << '\n';
        return;
    }
    streams.err << tool << ": " << e.to_string() << '\n';
}

int run(app& application, int argc, char** argv, const command& body, std::istream& in,
        std::ostream& out, std::ostream& err, bool out_is_tty, bool err_is_tty)
{
    try {
        try {
            application.parse(argc, argv);
        } catch (const CLI::ParseError& e) {
            // --help and --version (CLI11 reports them as "errors" with status 0).
            if (e.get_exit_code() == 0) {
                return application.exit(e, out, err);
            }
            // CLI11 2.1 returns 100-127 for parse errors; scripts expect 2. With --json the
            // error is a {"type":"error"} line like any other (the flag may not be parsed yet).
            if (application.json() || has_json_flag(argc, argv)) {
                io streams{in, out, err, out_is_tty, err_is_tty, false, true, 0};
                print_error(streams, application.get_name(), make_error(errc::usage, e.what()));
            } else {
                (void)application.exit(e, out, err);
            }
            return static_cast<int>(exit_code::usage);
        }
        bool color = false;
        switch (application.color()) {
        case color_mode::always: color = true; break;
        case color_mode::never: color = false; break;
        case color_mode::auto_: {
            const char* no_color = std::getenv("NO_COLOR");
            color = out_is_tty && (no_color == nullptr || *no_color == '\0');
            break;
        }
        }
        io streams{in,
                   out,
                   err,
                   out_is_tty,
                   err_is_tty,
                   color,
                   application.json(),
                   application.verbosity()};
        auto status = body(streams);
        out.flush();
        if (!status) {
            print_error(streams, application.get_name(), status.error());
            return static_cast<int>(exit_code_for(status.error().code));
        }
        return static_cast<int>(*status);
    } catch (const std::bad_alloc&) {
        err << application.get_name() << ": out of memory\n";
    } catch (const std::exception& e) {
        err << application.get_name() << ": internal error: " << e.what() << '\n';
    }
    return static_cast<int>(exit_code::internal);
}

int run(app& application, int argc, char** argv, const command& body)
{
    std::ios::sync_with_stdio(false);
    return run(application, argc, argv, body, std::cin, std::cout, std::cerr, ::isatty(1) == 1,
               ::isatty(2) == 1);
}

} // namespace ssw::cli
