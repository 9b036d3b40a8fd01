// SPDX-License-Identifier: MIT
// Tests of the persisted binding store: restart, expiry, crash after commit.
#include "support/temp_dir.hpp"

#include <ssw/registrar/binding_store.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace ssw::registrar;
using namespace std::chrono_literals;

namespace {
const auto t0 = std::chrono::system_clock::time_point{std::chrono::seconds(1'800'000'000)};

binding make(const std::string& account, const std::string& contact, std::chrono::seconds ttl)
{
    binding b;
    b.account = account;
    b.contact = contact;
    b.source = *ssw::core::ip_address::parse("192.0.2.10");
    b.source_port = 5062;
    b.transport = "udp";
    b.expires = t0 + ttl;
    b.behind_nat = true;
    b.call_id = "abc@192.0.2.10";
    b.cseq = 7;
    b.user_agent = "test-phone/1.0";
    return b;
}
} // namespace

TEST_CASE("registrar::binding_store: bindings survive a restart, expired ones do not",
          "[registrar][binding_store]")
{
    ssw::test::temp_dir dir;
    const auto path = dir / "bindings.db";
    {
        auto store = binding_store::open(path, t0);
        REQUIRE(store);
        store->stage_put(make("1000", "sip:1000@192.0.2.10:5062", 3600s));
        store->stage_put(make("1001", "sip:1001@192.0.2.11", 60s));
        store->stage_put(make("1001", "sip:1001@192.0.2.12", 3600s));
        REQUIRE(store->commit());
        CHECK(store->size() == 3);
    }
    auto reopened = binding_store::open(path, t0 + 120s);
    REQUIRE(reopened);
    CHECK(reopened->size() == 2);
    const auto got = reopened->lookup("1000", t0 + 120s);
    REQUIRE(got.size() == 1);
    CHECK(got[0] == make("1000", "sip:1000@192.0.2.10:5062", 3600s));
    CHECK(reopened->lookup("1001", t0 + 120s).size() == 1);
}

TEST_CASE("registrar::binding_store: remove and remove_all", "[registrar][binding_store]")
{
    auto store = binding_store::open(":memory:", t0);
    REQUIRE(store);
    store->stage_put(make("1000", "sip:a", 3600s));
    store->stage_put(make("1000", "sip:b", 3600s));
    store->stage_put(make("1002", "sip:c", 3600s));
    store->stage_remove("1000", "sip:a");
    CHECK(store->lookup("1000", t0).size() == 1);
    store->stage_remove_all("1000");
    CHECK(store->lookup("1000", t0).empty());
    CHECK(store->size() == 1);
    REQUIRE(store->commit());
    CHECK(store->expire(t0 + 3601s) == 1);
    CHECK(store->size() == 0);
}

TEST_CASE("registrar::binding_store: a crash right after commit loses nothing acknowledged",
          "[registrar][binding_store]")
{
    ssw::test::temp_dir dir;
    const auto path = dir / "bindings.db";
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        auto store = binding_store::open(path, t0);
        if (!store) {
            ::_exit(2);
        }
        for (int i = 0; i < 50; ++i) {
            store->stage_put(make(std::to_string(2000 + i), "sip:x", 3600s));
            if (!store->commit()) {
                ::_exit(3);
            }
        }
        store->stage_put(make("uncommitted", "sip:y", 3600s)); // never acknowledged
        ::kill(::getpid(), SIGKILL);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    auto store = binding_store::open(path, t0);
    REQUIRE(store);
    CHECK(store->size() == 50);
    CHECK(store->lookup("uncommitted", t0).empty());
}

TEST_CASE("registrar::binding_store: an unusable path is an error, not a crash",
          "[registrar][binding_store]")
{
    const auto store = binding_store::open("/nonexistent-dir/ssw/bindings.db", t0);
    REQUIRE_FALSE(store);
    CHECK(store.error().code == ssw::errc::cant_create);
    CHECK(store.error().where == "/nonexistent-dir/ssw/bindings.db");
}
