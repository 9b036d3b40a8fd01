// SPDX-License-Identifier: MIT
// Background child processes for interop tests.
#include "support/background_process.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <set>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ssw::test {

background_process::background_process(const std::string& binary,
                                       const std::vector<std::string>& args,
                                       const std::string& working_directory)
{
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    pid_ = ::fork();
    if (pid_ < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
        const int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull, 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        if (!working_directory.empty() && ::chdir(working_directory.c_str()) != 0) {
            ::_exit(127);
        }
        std::vector<char*> argv{const_cast<char*>(binary.c_str())};
        for (const auto& a : args) {
            argv.push_back(const_cast<char*>(a.c_str()));
        }
        argv.push_back(nullptr);
        ::execvp(binary.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
    ::fcntl(out_fd_, F_SETFL, O_NONBLOCK);
    ::fcntl(err_fd_, F_SETFL, O_NONBLOCK);
}

background_process::~background_process()
{
    if (!exited_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) {
        ::close(out_fd_);
    }
    if (err_fd_ >= 0) {
        ::close(err_fd_);
    }
}

void background_process::drain(int timeout_ms)
{
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (::poll(fds, 2, timeout_ms) <= 0) {
        return;
    }
    char buf[8192];
    for (auto& f : fds) {
        if (f.fd < 0 || (f.revents & (POLLIN | POLLHUP)) == 0) {
            continue;
        }
        const ssize_t n = ::read(f.fd, buf, sizeof buf);
        if (n > 0) {
            (f.fd == out_fd_ ? out_ : err_).append(buf, static_cast<std::size_t>(n));
        }
    }
}

bool background_process::wait_for_stderr(const std::string& needle,
                                         std::chrono::milliseconds timeout)
{
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (err_.find(needle) != std::string::npos) {
            return true;
        }
        int status = 0;
        if (!exited_ && ::waitpid(pid_, &status, WNOHANG) == pid_) {
            exited_ = true;
            status_ = status;
            drain(0);
            return err_.find(needle) != std::string::npos;
        }
        drain(50);
    }
    return err_.find(needle) != std::string::npos;
}

int background_process::stop(int signal, std::chrono::milliseconds timeout)
{
    if (!exited_) {
        ::kill(pid_, signal);
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                status_ = status;
                break;
            }
            drain(20);
        }
        if (!exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            exited_ = true;
            drain(0);
            return -1;
        }
    }
    for (int i = 0; i < 10; ++i) {
        drain(10);
    }
    if (WIFEXITED(status_)) {
        return WEXITSTATUS(status_);
    }
    return WIFSIGNALED(status_) ? 128 + WTERMSIG(status_) : -1;
}

int free_port()
{
    // The kernel may hand the same port out again once its socket is closed: a test asking
    // for two ports must get two different ones.
    static std::mutex mutex;
    static std::set<int> given;
    const std::lock_guard lock(mutex);
    for (int attempt = 0; attempt < 50; ++attempt) {
        const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        socklen_t len = sizeof a;
        if (::bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
            ::getsockname(tcp, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
            ::close(tcp);
            continue;
        }
        const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
        const bool udp_free = ::bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(udp);
        ::close(tcp);
        if (udp_free && given.insert(ntohs(a.sin_port)).second) {
            return ntohs(a.sin_port);
        }
    }
    throw std::runtime_error("no free port");
}

} // namespace ssw::test
