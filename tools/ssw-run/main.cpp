// SPDX-License-Identifier: MIT
// ssw-run: placeholder main until its issue lands (see README, module status).
#include <ssw/cli/app.hpp>
#include <ssw/cli/run.hpp>
#include <ssw/cmd/not_built.hpp>

int main(int argc, char** argv)
{
    ssw::cli::app app{"ssw-run", "ssw-run (not built yet)"};
    return ssw::cli::run(app, argc, argv, [](ssw::cli::io&) { return ssw::cmd::not_built("ssw-run"); });
}
