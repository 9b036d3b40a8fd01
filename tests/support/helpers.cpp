// SPDX-License-Identifier: MIT
// Peer programs, files, text and reserved port ranges for the tests.
#include "support/helpers.hpp"

#include <ssw/core/atomic_file.hpp>

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <cstdlib>
#include <fcntl.h>
#include <netinet/in.h>
#include <random>
#include <stdexcept>
#include <sys/file.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace ssw::test {

std::string which(const std::string& program)
{
    if (program.find('/') != std::string::npos) {
        return ::access(program.c_str(), X_OK) == 0 ? program : std::string{};
    }
    std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
    path += ":/usr/local/sbin:/usr/sbin:/sbin";
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = path.find(':', start);
        const std::string dir =
            path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? path.size() + 1 : end + 1;
        if (dir.empty()) {
            continue;
        }
        const std::string candidate = dir + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    return {};
}

bool have(const std::string& program)
{
    return !which(program).empty();
}

std::string require_program(const std::string& program, const std::string& package)
{
    const std::string path = which(program);
    if (path.empty()) {
        FAIL(program << " is missing: install the Debian package '" << package
                     << "' (scripts/install-deps.sh installs every test peer)");
    }
    return path;
}

void require_root(const std::string& why)
{
    if (::geteuid() != 0) {
        FAIL("this test must run as root: " << why
                                            << " (CI runs the interop tests as root; use sudo)");
    }
}

std::string read_text(const std::filesystem::path& path)
{
    return core::read_file(path).value_or(std::string{});
}

std::string read_required(const std::filesystem::path& path)
{
    auto text = core::read_file(path);
    if (!text) {
        FAIL("cannot read " << path.string() << ": " << text.error().to_string());
    }
    return std::move(*text);
}

bool wait_for_text(const std::filesystem::path& path, const std::string& needle,
                   std::chrono::milliseconds timeout)
{
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (has(read_text(path), needle)) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= until) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

std::size_t count(const std::string& text, const std::string& needle)
{
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

bool has(const std::string& text, const std::string& needle)
{
    return text.find(needle) != std::string::npos;
}

namespace {

bool udp_port_free(std::uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return free;
}

} // namespace

port_range::port_range(std::uint16_t size) : size_(size)
{
    // Ranges start on multiples of 64 in 10000-32767: below the ephemeral range, above the
    // well-known ports, where nothing on a test machine binds by default.
    constexpr std::uint16_t low = 10000;
    constexpr std::uint16_t high = 32768;
    constexpr std::uint16_t step = 64;
    if (size == 0 || size > step) {
        throw std::invalid_argument("port_range: 1 to 64 ports");
    }
    const std::uint32_t slots = (high - low) / step;
    std::mt19937 rng(std::random_device{}());
    const auto offset = static_cast<std::uint32_t>(rng() % slots);
    for (std::uint32_t i = 0; i < slots; ++i) {
        const auto base = static_cast<std::uint16_t>(low + ((offset + i) % slots) * step);
        const auto lock_path =
            std::filesystem::temp_directory_path() / ("ssw-test-ports-" + std::to_string(base));
        const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) {
            continue;
        }
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd); // another test process holds this range
            continue;
        }
        bool all_free = true;
        for (std::uint16_t p = base; p < base + size && all_free; ++p) {
            all_free = udp_port_free(p);
        }
        if (!all_free) {
            ::close(fd);
            continue;
        }
        first_ = base;
        lock_fd_ = fd;
        return;
    }
    throw std::runtime_error("port_range: no free range of " + std::to_string(size) + " ports");
}

port_range::~port_range()
{
    if (lock_fd_ >= 0) {
        ::close(lock_fd_); // releases the lock
    }
}

std::string port_range::text() const
{
    return std::to_string(first_) + "-" + std::to_string(last());
}

} // namespace ssw::test
