// SPDX-License-Identifier: MIT
// The relay's keys of ssw.conf: media-ports, media-address, media-timeout, latching switches
// and the per-gateway encrypt-mode / encrypt-key overrides, with their errors.
#include <ssw/provision/config.hpp>

#include <catch2/catch.hpp>

using namespace ssw;

TEST_CASE("ssw.conf media keys: defaults, values and errors", "[media][provision]")
{
    auto defaults = provision::parse_config("", "t.conf");
    REQUIRE(defaults);
    CHECK(defaults->media.first_port == 20000);
    CHECK(defaults->media.last_port == 29999);
    CHECK(defaults->media.timeout.count() == 0);
    CHECK(defaults->media.hijack_guard);
    CHECK(!defaults->media.latch_gateways);

    const auto c =
        provision::parse_config("media-ports = 30000-30999\nmedia-address = 192.0.2.1\n"
                                "media-timeout = 45\nmedia-hijack-guard = off\n"
                                "media-latch-gateways = on\n"
                                "[mapping-gateway c]\nnetwork = 10.0.0.0/8\nencrypt = on\n"
                                "encrypt-mode = rc4\nencrypt-key = hex:0011\n"
                                "[routing-gateway v]\naddress = 10.1.1.1\nencrypt-mode = 3\n",
                                "t.conf");
    REQUIRE(c);
    CHECK(c->media.first_port == 30000);
    CHECK(c->media.last_port == 30999);
    CHECK(c->media.address == "192.0.2.1");
    CHECK(c->media.timeout.count() == 45);
    CHECK(!c->media.hijack_guard);
    CHECK(c->media.latch_gateways);
    CHECK(c->mapping_gateways[0].encrypt_mode == 2);
    CHECK(c->mapping_gateways[0].encrypt_key == "hex:0011");
    CHECK(c->routing_gateways[0].encrypt_mode == 3);
    CHECK(c->routing_gateways[0].encrypt_key.empty());

    for (const char* bad :
         {"media-ports = 30000\n", "media-ports = 30000-30001\n", "media-ports = 80-90\n",
          "media-address = media.example.com\n", "media-timeout = -1\n",
          "[routing-gateway v]\naddress = 10.1.1.1\nencrypt-mode = 4\n"}) {
        INFO(bad);
        auto e = provision::parse_config(bad, "t.conf");
        REQUIRE(!e);
        CHECK(e.error().where.rfind("t.conf:", 0) == 0);
    }
}
