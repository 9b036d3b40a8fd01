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

class binding_store {
  public:
    // Changes staged since the last take_staged(), on their way to the disk.
    class staged_changes {
      public:
        staged_changes();
        staged_changes(staged_changes&&) noexcept;
        staged_changes& operator=(staged_changes&&) noexcept;
        ~staged_changes();
        [[nodiscard]] bool empty() const noexcept;
        [[nodiscard]] std::size_t size() const noexcept;

      private:
        friend class binding_store;
        struct ops;
        std::unique_ptr<ops> ops_;
    };

    // Opens (creating if needed) the store at `path`; ":memory:" keeps it in memory only.
    // Loads the unexpired bindings. io_error / cant_create on failure.
    static result<binding_store> open(const std::filesystem::path& path,
                                      std::chrono::system_clock::time_point now);
    binding_store(binding_store&&) noexcept;
    binding_store& operator=(binding_store&&) noexcept;
    ~binding_store();

    // Changes take effect in memory at once and reach the disk at the next commit().
    void stage_put(const binding& b);
    void stage_remove(std::string_view account, std::string_view contact);
    void stage_remove_all(std::string_view account);
    // Writes every staged change in one transaction and fsyncs; send the 200 OKs after it.
    // The same as write(take_staged()).
    result<void> commit();
    // The group commit off the event loop: take_staged() on the loop's thread hands the
    // changes over; write() puts them on disk in one transaction with one fsync and may run on
    // one writer thread while the loop keeps staging and looking up (it touches only the
    // database, never the in-memory bindings). Batches must be written in the order taken.
    [[nodiscard]] staged_changes take_staged();
    result<void> write(staged_changes changes);

    // The live bindings of an account (expired ones are not returned).
    [[nodiscard]] std::vector<binding> lookup(std::string_view account,
                                              std::chrono::system_clock::time_point now) const;
    // Drops expired bindings (staged; call commit()). Returns how many.
    std::size_t expire(std::chrono::system_clock::time_point now);
    // The same, returning the bindings it dropped (for the keep-alive scheduler).
    std::vector<binding> expire_collect(std::chrono::system_clock::time_point now);
    // Every live binding (start-up: keep-alives for bindings restored from disk).
    [[nodiscard]] std::vector<binding> all(std::chrono::system_clock::time_point now) const;
    [[nodiscard]] std::size_t size() const noexcept;

  private:
    struct state;
    explicit binding_store(std::unique_ptr<state> s);
    std::unique_ptr<state> state_;
};

} // namespace ssw::registrar
