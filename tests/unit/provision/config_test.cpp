// SPDX-License-Identifier: MIT
// Tests of ssw.conf parsing: every section, and errors with file:line.
#include <ssw/provision/config.hpp>

#include <catch2/catch.hpp>

using namespace ssw::provision;

TEST_CASE("provision::parse_config: a complete file", "[provision][config]")
{
    const char* text = R"(# ssw.conf
realm = carrier.example
rules = rules.txt
trusted = 198.51.100.0/24
server-header =

[listen]
udp = 127.0.0.1:5060
tcp = [::1]:5070

[account 1000]
password = demo
allow = 192.0.2.0/24, 2001:db8::/32

[account 1001]
ha1 = 0123456789abcdef0123456789ABCDEF

[mapping-gateway office]
network = 192.0.2.0/24
account = 1000, 1001
caller = pai
callee-plan = inbound

[routing-gateway vendor-a]
address = 127.0.0.1:5090
address = sbc.vendor.example
transport = tcp
prefix = 1, 44
prefix = *
priority = 2
invite-timeout = 8
stop-codes = 404, 486
max-calls = 30
auth-user = ssw
auth-password = secret
encrypt = on
register-proxy = sip.vendor.example:5060
register-user = 0800123
register-password = pw
register-expire = auto
)";
    const auto cfg = parse_config(text, "ssw.conf");
    REQUIRE(cfg);
    CHECK(cfg->realm == "carrier.example");
    REQUIRE(cfg->listeners.size() == 2);
    CHECK(cfg->listeners[1].kind == transport::tcp);
    CHECK(cfg->listeners[1].address.to_string() == "::1");
    CHECK(cfg->listeners[1].port == 5070);
    REQUIRE(cfg->accounts.size() == 2);
    CHECK(cfg->accounts[0].allowed_networks.size() == 2);
    CHECK(cfg->find_account("1001")->ha1.size() == 32);
    CHECK(cfg->find_account("9999") == nullptr);
    const auto& m = cfg->mapping_gateways.at(0);
    CHECK(m.caller == caller_source::p_asserted_identity);
    CHECK(m.accounts == std::vector<std::string>{"1000", "1001"});
    const auto& r = cfg->routing_gateways.at(0);
    CHECK(r.addresses.size() == 2);
    CHECK_FALSE(r.addresses[1].address);
    CHECK(r.addresses[1].port == 5060);
    CHECK(r.prefixes == std::vector<std::string>{"1", "44", ""});
    CHECK(r.invite_timeout == std::chrono::seconds(8));
    CHECK(r.stop_codes == std::vector<int>{404, 486});
    CHECK(r.max_calls == 30u);
    REQUIRE(r.register_to);
    CHECK(r.register_to->proxy.host == "sip.vendor.example");
    CHECK_FALSE(r.register_to->expire);
    CHECK(r.encrypt);
}

TEST_CASE("provision::parse_config: errors name file:line and what was expected",
          "[provision][config]")
{
    struct row {
        const char* text;
        const char* where;
        const char* says;
    };
    const std::vector<row> rows{
        {"[listen]\nudp = 127.0.0.1:99999\n", "c.conf:2", "expected a port from 1 to 65535"},
        {"[listen]\nudp = host.example:5060\n", "c.conf:2", "names are not allowed"},
        {"\n[acount 1000]\n", "c.conf:2", "did you mean [account]?"},
        {"[account 1000]\npasword = x\n", "c.conf:2", "did you mean 'password'?"},
        {"[account 1000]\npassword = a\n[account 1000]\npassword = b\n", "c.conf:3",
         "defined twice"},
        {"[account 1000]\n", "c.conf:1", "needs a password, or ha1 and/or ha1-sha256"},
        {"[account 1000]\nha1-sha256 = abcd\n", "c.conf:1", "64 hex digits"},
        {"digest-algorithms = SHA-512\n", "c.conf:1", "expected SHA-256 or MD5"},
        {"digest-algorithms = MD5, md5\n", "c.conf:1", "listed twice"},
        {"[routing-gateway v]\nprefix = 1\n", "c.conf:1", "at least one address"},
        {"[routing-gateway v]\naddress = 1.2.3.4\nstop-codes = 200\n", "c.conf:3",
         "SIP status code"},
        {"[mapping-gateway m]\naccount = 42\n", "c.conf:1", "no [account] section defines"},
        {"[account 1]\npassword = x\nthis line has no equals\n", "c.conf:3",
         "expected 'key = value'"},
        {"[routing-gateway v]\naddress = 1.2.3.4\nencrypt = maybe\n", "c.conf:3",
         "expected on or off"},
    };
    for (const auto& r : rows) {
        const auto cfg = parse_config(r.text, "c.conf");
        REQUIRE_FALSE(cfg);
        CHECK(cfg.error().where == r.where);
        CHECK_THAT(cfg.error().message, Catch::Contains(r.says));
    }
}

TEST_CASE("provision::demo_config: the newcomer's setup", "[provision][config]")
{
    const auto cfg = demo_config("/tmp");
    CHECK(cfg.accounts.size() == 10);
    CHECK(cfg.find_account("1009")->password == "demo");
    CHECK(cfg.listeners.size() == 2);
    REQUIRE(cfg.routing_gateways.size() == 2);
    CHECK(cfg.routing_gateways[0].addresses[0].port == 5090);
    CHECK(cfg.routing_gateways[1].addresses[0].port == 5091);
}

TEST_CASE("provision::parse_config: digest algorithms and hashed secrets", "[provision][config]")
{
    const auto defaults = parse_config("", "c.conf");
    REQUIRE(defaults);
    CHECK(defaults->digest_algorithms == std::vector<std::string>{"MD5", "SHA-256"});
    const auto cfg = parse_config(
        "digest-algorithms = md5\n[account 1]\nha1 = 0123456789abcdef0123456789abcdef\n"
        "ha1-sha256 = " +
            std::string(64, 'a') + "\n",
        "c.conf");
    REQUIRE(cfg);
    CHECK(cfg->digest_algorithms == std::vector<std::string>{"MD5"});
    CHECK(cfg->accounts.at(0).ha1_sha256 == std::string(64, 'a'));
}

TEST_CASE("provision::parse_config: comments after values; quoted values may hold '#'",
          "[provision][config]")
{
    const auto cfg = ssw::provision::parse_config("realm = ssw # the digest realm\n"
                                                  "[account 1000]\n"
                                                  "password = \"pa#ss word\"   # quoted\n",
                                                  "t.conf");
    REQUIRE(cfg);
    CHECK(cfg->realm == "ssw");
    REQUIRE(cfg->accounts.size() == 1);
    CHECK(cfg->accounts[0].password == "pa#ss word");
}
