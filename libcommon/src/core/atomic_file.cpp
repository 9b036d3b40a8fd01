// SPDX-License-Identifier: MIT
// Crash-safe file replacement and whole-file reads.
#include <ssw/core/atomic_file.hpp>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <iterator>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ssw::core {

namespace {

std::atomic<int> injected_failure{-1};

bool should_fail(atomic_write_step step)
{
    int expected = static_cast<int>(step);
    if (injected_failure.compare_exchange_strong(expected, -1)) {
        return true;
    }
    static const int from_env = [] {
        const char* v = std::getenv("SSW_TEST_FAIL_WRITE");
        if (v == nullptr) {
            return -1;
        }
        const std::string_view s{v};
        if (s == "create_temp") {
            return static_cast<int>(atomic_write_step::create_temp);
        }
        if (s == "write") {
            return static_cast<int>(atomic_write_step::write);
        }
        if (s == "fsync") {
            return static_cast<int>(atomic_write_step::fsync);
        }
        if (s == "rename") {
            return static_cast<int>(atomic_write_step::rename);
        }
        return -1;
    }();
    return from_env == static_cast<int>(step);
}

error sys_error(errc code, std::string what, const std::filesystem::path& path, int err)
{
    return make_error(code, what + ": " + std::strerror(err), path.string(), err);
}

} // namespace

void inject_atomic_write_failure(atomic_write_step step)
{
    injected_failure.store(static_cast<int>(step));
}

result<std::string> read_file(const std::filesystem::path& path)
{
    if (path == "-") {
        std::ostringstream buffer;
        buffer << std::cin.rdbuf();
        return buffer.str();
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return unexpected(
            sys_error(err == ENOENT ? errc::not_found : errc::io_error, "cannot open", path, err));
    }
    std::string content;
    char buf[65536];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int err = errno;
            ::close(fd);
            return unexpected(sys_error(errc::io_error, "read failed", path, err));
        }
        if (n == 0) {
            break;
        }
        content.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return content;
}

result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content)
{
    if (path == "-") {
        std::cout.write(content.data(), static_cast<std::streamsize>(content.size()));
        std::cout.flush();
        if (!std::cout) {
            return unexpected(make_error(errc::io_error, "write to standard output failed"));
        }
        return {};
    }
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path{"."};
    std::string temp = (dir / (path.filename().string() + ".tmp.XXXXXX")).string();

    int fd =
        should_fail(atomic_write_step::create_temp) ? (errno = EACCES, -1) : ::mkstemp(temp.data());
    if (fd < 0) {
        return unexpected(sys_error(
            errc::cant_create, "cannot create temporary file in " + dir.string(), path, errno));
    }
    auto fail = [&](errc code, const char* step, int err) {
        ::close(fd);
        ::unlink(temp.c_str());
        return unexpected(sys_error(code, step, path, err));
    };

    // Keep the old file's permissions; a new file gets 0644 less the umask (mkstemp gives 0600).
    struct stat old_stat {};
    if (::stat(path.c_str(), &old_stat) == 0) {
        ::fchmod(fd, old_stat.st_mode & 07777);
    } else {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(fd, 0644 & ~mask);
    }

    std::size_t written = 0;
    while (written < content.size()) {
        if (should_fail(atomic_write_step::write)) {
            return fail(errc::io_error, "write to temporary file failed", ENOSPC);
        }
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail(errc::io_error, "write to temporary file failed", errno);
        }
        written += static_cast<std::size_t>(n);
    }
    if (content.empty() && should_fail(atomic_write_step::write)) {
        return fail(errc::io_error, "write to temporary file failed", ENOSPC);
    }
    if (should_fail(atomic_write_step::fsync) || ::fsync(fd) != 0) {
        return fail(errc::io_error, "fsync of temporary file failed", errno != 0 ? errno : EIO);
    }
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return unexpected(sys_error(errc::io_error, "close of temporary file failed", path, err));
    }
    if (should_fail(atomic_write_step::rename) || ::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno != 0 ? errno : EACCES;
        ::unlink(temp.c_str());
        return unexpected(sys_error(errc::cant_create, "rename into place failed", path, err));
    }
    // The rename is durable only once the directory entry is on disk.
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
    return {};
}

result<file_lock> file_lock::acquire(const std::filesystem::path& path)
{
    const std::string lock_path = path.string() + ".lock";
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return unexpected(sys_error(errc::cant_create, "cannot open lock file", lock_path, errno));
    }
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            const int err = errno;
            ::close(fd);
            return unexpected(sys_error(errc::io_error, "cannot lock", lock_path, err));
        }
    }
    return file_lock{fd};
}

file_lock::file_lock(file_lock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

file_lock& file_lock::operator=(file_lock&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

file_lock::~file_lock()
{
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

} // namespace ssw::core
