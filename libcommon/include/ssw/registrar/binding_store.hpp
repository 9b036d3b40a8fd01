// SPDX-License-Identifier: MIT
// ssw::registrar::binding_store: registrar bindings (RFC 3261 §10.3) in memory for lookups,
// persisted to SQLite (WAL, synchronous=FULL) with group commit, so that a binding answered
// with 200 OK survives a crash and a restart.
#pragma once

#include <ssw/core/ip_address.hpp>
#include <ssw/core/result.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::registrar {

// One contact bound to an account.
struct binding {
    std::string account;
    std::string contact;     // the Contact URI as registered
    core::ip_address source; // where the REGISTER came from (NAT keep-alive, routing)
    std::uint16_t source_port = 0;
    std::string transport;                           // "udp", "tcp"
    std::chrono::system_clock::time_point expires{}; // calendar time: survives restarts
    bool behind_nat = false;
    std::string call_id; // RFC 3261 §10.3 step 7: refreshes must move CSeq forward
    std::uint32_t cseq = 0;
    std::string user_agent;
    friend bool operator==(const binding&, const binding&) = default;
};

// One staged change to the bindings, on its way to the disk.
struct binding_change {
    enum class kind { put, remove, remove_all };
    kind what = kind::put;
    binding value;       // put
    std::string account; // remove, remove_all
    std::string contact; // remove
};
using staged_changes = std::vector<binding_change>;

// The registrar's bindings as the daemon's services see them: lookups from memory, changes
// staged at once and written in batches. SQLite (binding_store) is the implementation today;
// a store shared by several nodes is another class behind the same interface.
class binding_repository {
  public:
    binding_repository() = default;
    binding_repository(const binding_repository&) = delete;
    binding_repository& operator=(const binding_repository&) = delete;
    virtual ~binding_repository() = default;

    // Changes take effect for lookups at once and reach the disk with the next write.
    virtual void stage_put(const binding& b) = 0;
    virtual void stage_remove(std::string_view account, std::string_view contact) = 0;
    virtual void stage_remove_all(std::string_view account) = 0;
    // The group commit off the event loop: take_staged() on the loop's thread hands the
    // changes over; write() puts them on disk in one transaction with one fsync and may run on
    // one writer thread while the loop keeps staging and looking up (it touches only the
    // database, never the in-memory bindings). Batches must be written in the order taken.
    [[nodiscard]] virtual staged_changes take_staged() = 0;
    virtual result<void> write(staged_changes changes) = 0;
    // Everything staged, written now on this thread; send the 200 OKs after it.
    result<void> commit() { return write(take_staged()); }

    // The live bindings of an account (expired ones are not returned).
    [[nodiscard]] virtual std::vector<binding>
    lookup(std::string_view account, std::chrono::system_clock::time_point now) const = 0;
    // Drops expired bindings (staged), returning them (for the keep-alive scheduler).
    virtual std::vector<binding> expire_collect(std::chrono::system_clock::time_point now) = 0;
    // Every live binding (start-up: keep-alives for bindings restored from disk).
    [[nodiscard]] virtual std::vector<binding>
    all(std::chrono::system_clock::time_point now) const = 0;
    [[nodiscard]] virtual std::size_t size() const noexcept = 0;

  protected:
    binding_repository(binding_repository&&) noexcept = default;
    binding_repository& operator=(binding_repository&&) noexcept = default;
};

// The bindings in memory, persisted to SQLite (WAL, synchronous=FULL).
class binding_store final : public binding_repository {
  public:
    // Opens (creating if needed) the store at `path`; ":memory:" keeps it in memory only.
    // Loads the unexpired bindings. io_error / cant_create on failure.
    static result<binding_store> open(const std::filesystem::path& path,
                                      std::chrono::system_clock::time_point now);
    binding_store(binding_store&&) noexcept;
    binding_store& operator=(binding_store&&) noexcept;
    ~binding_store() override;

    void stage_put(const binding& b) override;
    void stage_remove(std::string_view account, std::string_view contact) override;
    void stage_remove_all(std::string_view account) override;
    [[nodiscard]] staged_changes take_staged() override;
    result<void> write(staged_changes changes) override;
    [[nodiscard]] std::vector<binding>
    lookup(std::string_view account, std::chrono::system_clock::time_point now) const override;
    // Drops expired bindings (staged). Returns how many.
    std::size_t expire(std::chrono::system_clock::time_point now);
    std::vector<binding> expire_collect(std::chrono::system_clock::time_point now) override;
    [[nodiscard]] std::vector<binding>
    all(std::chrono::system_clock::time_point now) const override;
    [[nodiscard]] std::size_t size() const noexcept override;

  private:
    struct state;
    explicit binding_store(std::unique_ptr<state> s);
    std::unique_ptr<state> state_;
};

} // namespace ssw::registrar
