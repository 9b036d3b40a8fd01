// SPDX-License-Identifier: MIT
// Child-process runner for CLI tests (poll-driven, so large outputs never deadlock).
#include "support/tool_runner.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ssw::test {

tool_result run_tool(const std::string& binary, std::vector<std::string> args)
{
    tool_call call;
    call.args = std::move(args);
    return run_tool(binary, call);
}

tool_result run_tool(const std::string& binary, const tool_call& call)
{
    int in_pipe[2];
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
        ::pipe2(err_pipe, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        ::dup2(in_pipe[0], 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        for (const auto& name : call.unset_env) {
            ::unsetenv(name.c_str());
        }
        for (const auto& [k, v] : call.env) {
            ::setenv(k.c_str(), v.c_str(), 1);
        }
        if (call.working_directory && ::chdir(call.working_directory->c_str()) != 0) {
            ::_exit(127);
        }
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(binary.c_str()));
        for (const auto& a : call.args) {
            argv.push_back(const_cast<char*>(a.c_str()));
        }
        argv.push_back(nullptr);
        ::execve(binary.c_str(), argv.data(), environ);
        ::_exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    ::signal(SIGPIPE, SIG_IGN);

    tool_result result;
    std::size_t stdin_written = 0;
    int stdin_fd = in_pipe[1];
    if (call.stdin_text.empty()) {
        ::close(stdin_fd);
        stdin_fd = -1;
    }
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(call.timeout_seconds);
    int open_outputs = 2;
    int out_fd = out_pipe[0];
    int err_fd = err_pipe[0];
    while (open_outputs > 0) {
        pollfd fds[3];
        nfds_t n = 0;
        if (out_fd >= 0) {
            fds[n++] = {out_fd, POLLIN, 0};
        }
        if (err_fd >= 0) {
            fds[n++] = {err_fd, POLLIN, 0};
        }
        if (stdin_fd >= 0) {
            fds[n++] = {stdin_fd, POLLOUT, 0};
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(pid, SIGKILL);
            break;
        }
        if (::poll(fds, n, static_cast<int>(left.count())) < 0 && errno != EINTR) {
            break;
        }
        for (nfds_t i = 0; i < n; ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            if (fds[i].fd == stdin_fd) {
                const ssize_t w = ::write(stdin_fd, call.stdin_text.data() + stdin_written,
                                          call.stdin_text.size() - stdin_written);
                if (w > 0) {
                    stdin_written += static_cast<std::size_t>(w);
                }
                if (w < 0 || stdin_written == call.stdin_text.size()) {
                    ::close(stdin_fd);
                    stdin_fd = -1;
                }
                continue;
            }
            char buf[65536];
            const ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
            if (r <= 0) {
                ::close(fds[i].fd);
                (fds[i].fd == out_fd ? out_fd : err_fd) = -1;
                --open_outputs;
                continue;
            }
            (fds[i].fd == out_fd ? result.out : result.err)
                .append(buf, static_cast<std::size_t>(r));
        }
    }
    for (int fd : {stdin_fd, out_fd, err_fd}) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.exit_code = 128 + WTERMSIG(status);
    }
    return result;
}

} // namespace ssw::test
