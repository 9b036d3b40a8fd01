// SPDX-License-Identifier: MIT
// Typed getters of ssw::params::settings over defaults and files.
#include <ssw/params/settings.hpp>

#include <catch2/catch.hpp>

using namespace ssw::params;
using namespace std::chrono_literals;

TEST_CASE("params::settings: defaults through the typed getters", "[params][settings]")
{
    const settings s;
    CHECK(s.send_unregister());
    CHECK_FALSE(s.user_agent_expire().has_value());
    CHECK(s.user_agent_retry_delay() == 30s);
    CHECK_FALSE(s.stop_switch_after_invite_timeout());
    CHECK(s.invite_timeout() == 10s);
    CHECK(s.trying_timeout() == 20s);
    CHECK(s.ringing_timeout() == 120s);
    CHECK(s.session_progress_timeout() == 20s);
    CHECK(s.resend_intervals() == schedule{500ms, 1s, 2s, 4s, 4s, 4s, 4s, 4s, 4s, 4s});
    CHECK(s.stop_switch_after_sdp());
    CHECK(s.authentication_code() == 401);
    CHECK(s.authentication_retry() == 6);
    CHECK(s.authentication_timeout() == 10s);
    CHECK(s.nat_keepalive_message() == "HELLO");
    CHECK(s.nat_keepalive_period() == 30s);
    CHECK(s.nat_keepalive_send_interval() == 500ms);
    CHECK(s.nat_keepalive_batch_size() == 3000);
    CHECK(s.endpoint_expire() == 3600s);
    CHECK(s.endpoint_nat_expire() == 300s);
    CHECK(s.media_proxy_behind_nat());
    CHECK(s.reply_unauthorized());
    CHECK(s.endpoint_register_replace());
    CHECK(s.endpoint_register_retry() == 6);
    CHECK(s.endpoint_register_suspend() == 180s);
    CHECK(s.authentication_max_retry() == 6);
    CHECK(s.authentication_failed_suspend() == 180s);
    CHECK_FALSE(s.gateway_switch_limit().has_value());
    CHECK(s.gateway_switch_stop_after_rtp_start());
    CHECK(s.gateway_switch_stop_after_user_busy());
    CHECK_FALSE(s.gateway_switch_until_connect());
    CHECK(s.rtp_encryption_mode() == 0);
    CHECK(s.rtp_encryption_key().empty());
    // 30 s x 1000 / 500 ms = 60 batches of 3000.
    CHECK(s.nat_keepalive_capacity() == 180000);
}

TEST_CASE("params::settings: values from a file override the defaults", "[params][settings]")
{
    const auto file =
        param_file::parse("SS_SIP_USER_AGENT_EXPIRE = 600\nSS_GATEWAY_SWITCH_LIMIT = 3\n"
                          "SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL = 60000\n"
                          "SS_SIP_NAT_KEEP_ALIVE_PERIOD = 10\n",
                          "p.conf");
    REQUIRE(file);
    const settings s{*file};
    CHECK(s.user_agent_expire() == 600s);
    CHECK(s.gateway_switch_limit() == 3);
    CHECK(s.duration("SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL") == 60s);
    // A period shorter than the interval still sends its first batch.
    CHECK(s.nat_keepalive_capacity() == 3000);
    CHECK(s.number_or_keyword("SS_GATEWAY_SWITCH_LIMIT") == 3);
}
