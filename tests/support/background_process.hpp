// SPDX-License-Identifier: MIT
// A child process that runs beside a test (a daemon under test, tcpdump): start, wait for a
// line on its stderr, stop with a signal, collect what it printed.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace ssw::test {

class background_process {
  public:
    // Starts `binary` with `args` in `working_directory` (empty: the current one).
    background_process(const std::string& binary, const std::vector<std::string>& args,
                       const std::string& working_directory = {});
    background_process(const background_process&) = delete;
    background_process& operator=(const background_process&) = delete;
    // Kills the child (SIGKILL) if it still runs.
    ~background_process();

    // Reads stderr until a line contains `needle` (true) or the time is up / the child exits.
    bool wait_for_stderr(const std::string& needle, std::chrono::milliseconds timeout);
    // Sends `signal` and waits up to `timeout` for the exit; returns the exit status, or
    // 128+signal when it died by a signal, or -1 if it had to be killed.
    int stop(int signal, std::chrono::milliseconds timeout);
    [[nodiscard]] const std::string& stderr_text() const { return err_; }
    [[nodiscard]] const std::string& stdout_text() const { return out_; }
    [[nodiscard]] int pid() const { return pid_; }

  private:
    void drain(int timeout_ms);
    int pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    std::string out_;
    std::string err_;
    bool exited_ = false;
    int status_ = 0;
};

// A port on 127.0.0.1 that was free for both UDP and TCP a moment ago, never the same one
// twice in one test process.
int free_port();

} // namespace ssw::test
