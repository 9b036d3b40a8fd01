// SPDX-License-Identifier: MIT
// Typed getters over the effective parameter values.
#include <ssw/params/settings.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace ssw::params {

namespace {

[[noreturn]] void unknown(std::string_view name)
{
    std::fprintf(stderr, "ssw: internal error: settings: no parameter %.*s\n",
                 static_cast<int>(name.size()), name.data());
    std::abort();
}

const param_info& row(std::string_view name)
{
    const param_info* info = find_param(name);
    if (info == nullptr) {
        unknown(name);
    }
    return *info;
}

std::chrono::seconds secs(std::chrono::milliseconds ms)
{
    return std::chrono::duration_cast<std::chrono::seconds>(ms);
}

} // namespace

settings::settings()
{
    values_.reserve(catalog().size());
    for (const auto& info : catalog()) {
        values_.push_back(default_value(info));
    }
}

settings::settings(const param_file& file)
{
    values_.reserve(catalog().size());
    for (const auto& info : catalog()) {
        values_.push_back(file.effective(info));
    }
}

const value& settings::get(const param_info& info) const
{
    return values_[index_of(info)];
}

const value& settings::get(std::string_view name) const
{
    return get(row(name));
}

void settings::set(const param_info& info, value v)
{
    values_[index_of(info)] = std::move(v);
}

bool settings::is_on(std::string_view name) const
{
    return std::get<bool>(get(name));
}

std::int64_t settings::number(std::string_view name) const
{
    return std::get<std::int64_t>(get(name));
}

std::optional<std::int64_t> settings::number_or_keyword(std::string_view name) const
{
    const value& v = get(name);
    if (std::holds_alternative<keyword>(v)) {
        return std::nullopt;
    }
    return std::get<std::int64_t>(v);
}

std::chrono::milliseconds settings::duration(std::string_view name) const
{
    return to_duration(row(name).unit, number(name));
}

const std::string& settings::text(std::string_view name) const
{
    return std::get<std::string>(get(name));
}

bool settings::send_unregister() const
{
    return is_on("SS_SIP_USER_AGENT_SEND_UNREGISTER");
}

std::optional<std::chrono::seconds> settings::user_agent_expire() const
{
    const auto n = number_or_keyword("SS_SIP_USER_AGENT_EXPIRE");
    if (!n) {
        return std::nullopt;
    }
    return std::chrono::seconds(*n);
}

std::chrono::seconds settings::user_agent_retry_delay() const
{
    return secs(duration("SS_SIP_USER_AGENT_RETRY_DELAY"));
}
bool settings::stop_switch_after_invite_timeout() const
{
    return is_on("SS_SIP_USER_AGENT_STOP_SWITCH_AFTER_INVITE_TIMEOUT");
}
std::chrono::seconds settings::invite_timeout() const
{
    return secs(duration("SS_SIP_TIMEOUT_INVITE"));
}
std::chrono::seconds settings::trying_timeout() const
{
    return secs(duration("SS_SIP_TIMEOUT_TRYING"));
}
std::chrono::seconds settings::ringing_timeout() const
{
    return secs(duration("SS_SIP_TIMEOUT_RINGING"));
}
std::chrono::seconds settings::session_progress_timeout() const
{
    return secs(duration("SS_SIP_TIMEOUT_SESSION_PROGRESS"));
}
const schedule& settings::resend_intervals() const
{
    return std::get<schedule>(get("SS_SIP_RESEND_INTERVAL"));
}
bool settings::stop_switch_after_sdp() const
{
    return is_on("SS_SIP_STOP_SWITCH_AFTER_SDP");
}
int settings::authentication_code() const
{
    return static_cast<int>(number("SS_SIP_AUTHENTICATION_CODE"));
}
int settings::authentication_retry() const
{
    return static_cast<int>(number("SS_SIP_AUTHENTICATION_RETRY"));
}
std::chrono::seconds settings::authentication_timeout() const
{
    return secs(duration("SS_SIP_AUTHENTICATION_TIMEOUT"));
}
const std::string& settings::nat_keepalive_message() const
{
    return text("SS_SIP_NAT_KEEP_ALIVE_MESSAGE");
}
std::chrono::seconds settings::nat_keepalive_period() const
{
    return secs(duration("SS_SIP_NAT_KEEP_ALIVE_PERIOD"));
}
std::chrono::milliseconds settings::nat_keepalive_send_interval() const
{
    return duration("SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL");
}
std::int64_t settings::nat_keepalive_batch_size() const
{
    return number("SS_SIP_NAT_KEEP_ALIVE_SEND_ONE_TIME");
}
std::chrono::seconds settings::endpoint_expire() const
{
    return secs(duration("SS_ENDPOINT_EXPIRE"));
}
std::chrono::seconds settings::endpoint_nat_expire() const
{
    return secs(duration("SS_ENDPOINT_NAT_EXPIRE"));
}
bool settings::media_proxy_behind_nat() const
{
    return is_on("SS_MEDIA_PROXY_BEHIND_NAT");
}

bool settings::reply_unauthorized() const
{
    return is_on("SS_REPLY_UNAUTHORIZED");
}
bool settings::endpoint_register_replace() const
{
    return is_on("SS_ENDPOINT_REGISTER_REPLACE");
}
int settings::endpoint_register_retry() const
{
    return static_cast<int>(number("SS_ENDPOINT_REGISTER_RETRY"));
}
std::chrono::seconds settings::endpoint_register_suspend() const
{
    return secs(duration("SS_ENDPOINT_REGISTER_SUSPEND"));
}
int settings::authentication_max_retry() const
{
    return static_cast<int>(number("SS_AUTHENTICATION_MAX_RETRY"));
}
std::chrono::seconds settings::authentication_failed_suspend() const
{
    return secs(duration("SS_AUTHENTICATION_FAILED_SUSPEND"));
}
std::optional<int> settings::gateway_switch_limit() const
{
    const auto n = number_or_keyword("SS_GATEWAY_SWITCH_LIMIT");
    if (!n) {
        return std::nullopt;
    }
    return static_cast<int>(*n);
}
bool settings::gateway_switch_stop_after_rtp_start() const
{
    return is_on("SS_GATEWAY_SWITCH_STOP_AFTER_RTP_START");
}
bool settings::gateway_switch_stop_after_user_busy() const
{
    return is_on("SS_GATEWAY_SWITCH_STOP_AFTER_USER_BUSY");
}
bool settings::gateway_switch_until_connect() const
{
    return is_on("SS_GATEWAY_SWITCH_UNTIL_CONNECT");
}
int settings::rtp_encryption_mode() const
{
    return static_cast<int>(number("SS_RTPENCRYPTIONMODE"));
}
const std::string& settings::rtp_encryption_key() const
{
    return text("SS_RTPENCRYPTIONKEY");
}

std::int64_t settings::nat_keepalive_capacity() const
{
    const auto period_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(nat_keepalive_period());
    // The first batch goes out when the cycle starts, so a cycle has at least one.
    const auto batches =
        std::max<std::int64_t>(1, period_ms.count() / nat_keepalive_send_interval().count());
    return batches * nat_keepalive_batch_size();
}

} // namespace ssw::params
