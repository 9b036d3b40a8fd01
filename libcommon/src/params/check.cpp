// SPDX-License-Identifier: MIT
// The cross-parameter rules of ssw-params(5) (CROSS-PARAMETER RULES).
#include <ssw/params/check.hpp>

#include <algorithm>

namespace ssw::params {

namespace {

std::string n(std::int64_t v)
{
    return std::to_string(v);
}

std::string s(std::chrono::seconds v)
{
    return std::to_string(v.count()) + " s";
}

void keepalive_rules(const settings& v, const check_options& options, std::vector<finding>& out)
{
    const auto period = v.nat_keepalive_period();
    const auto nat_expire = v.endpoint_nat_expire();
    const bool enabled = !v.nat_keepalive_message().empty();
    if (!enabled) {
        out.push_back({options.nat_endpoints ? severity::warning : severity::advice,
                       "keepalive-off",
                       {"SS_SIP_NAT_KEEP_ALIVE_MESSAGE"},
                       "NAT keep-alives are off (the message is empty): endpoints behind NAT stay "
                       "reachable only while their router keeps the binding open",
                       "set SS_SIP_NAT_KEEP_ALIVE_MESSAGE (e.g. HELLO) unless every NAT endpoint "
                       "re-registers well within its router's UDP timeout",
                       {}});
    } else if (period >= nat_expire) {
        out.push_back({severity::error,
                       "keepalive-period-vs-nat-expire",
                       {"SS_SIP_NAT_KEEP_ALIVE_PERIOD", "SS_ENDPOINT_NAT_EXPIRE"},
                       "keep-alive period " + s(period) + " is not below the NAT expiry " +
                           s(nat_expire) + ": bindings lapse between heartbeats",
                       "set SS_SIP_NAT_KEEP_ALIVE_PERIOD to at most " +
                           n(std::max<std::int64_t>(10, nat_expire.count() / 5)) +
                           " (1/5 of SS_ENDPOINT_NAT_EXPIRE) or raise SS_ENDPOINT_NAT_EXPIRE to " +
                           n(period.count() * 5),
                       {}});
    } else if (period.count() * 5 > nat_expire.count()) {
        out.push_back({severity::warning,
                       "keepalive-period-vs-nat-expire",
                       {"SS_SIP_NAT_KEEP_ALIVE_PERIOD", "SS_ENDPOINT_NAT_EXPIRE"},
                       "keep-alive period " + s(period) + " is more than 1/5 of the NAT expiry " +
                           s(nat_expire) + ": a few lost heartbeats lose the binding",
                       "set SS_SIP_NAT_KEEP_ALIVE_PERIOD to at most " +
                           n(std::max<std::int64_t>(10, nat_expire.count() / 5)) +
                           " or raise SS_ENDPOINT_NAT_EXPIRE to " + n(period.count() * 5),
                       {}});
    }
    if (options.nat_endpoints && enabled) {
        const std::int64_t capacity = v.nat_keepalive_capacity();
        const std::int64_t wanted = *options.nat_endpoints;
        if (wanted > capacity) {
            const std::int64_t batches =
                capacity / std::max<std::int64_t>(1, v.nat_keepalive_batch_size());
            const std::int64_t needed_batch =
                (wanted + batches - 1) / std::max<std::int64_t>(1, batches);
            std::string fix =
                "raise SS_SIP_NAT_KEEP_ALIVE_SEND_ONE_TIME to at least " + n(needed_batch);
            if (needed_batch > 100000) {
                fix = "lengthen SS_SIP_NAT_KEEP_ALIVE_PERIOD or shorten "
                      "SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL (a batch is at most 100000)";
            } else {
                fix += ", or lengthen SS_SIP_NAT_KEEP_ALIVE_PERIOD, or shorten "
                       "SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL";
            }
            out.push_back({severity::error,
                           "keepalive-capacity",
                           {"SS_SIP_NAT_KEEP_ALIVE_PERIOD", "SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL",
                            "SS_SIP_NAT_KEEP_ALIVE_SEND_ONE_TIME"},
                           n(wanted) + " NAT endpoints, but one cycle reaches at most " +
                               n(capacity) + " (PERIOD x 1000 / INTERVAL x ONE_TIME = " +
                               n(v.nat_keepalive_period().count()) + " x 1000 / " +
                               n(v.nat_keepalive_send_interval().count()) + " x " +
                               n(v.nat_keepalive_batch_size()) + "): " + n(wanted - capacity) +
                               " would miss heartbeats",
                           std::move(fix),
                           {}});
        }
    }
}

void auth_rules(const settings& v, std::vector<finding>& out)
{
    const int retry = v.authentication_retry();
    const auto timeout = v.authentication_timeout();
    if (retry > 0 && timeout.count() < retry * 3) {
        out.push_back({severity::advice,
                       "auth-timeout-vs-retries",
                       {"SS_SIP_AUTHENTICATION_TIMEOUT", "SS_SIP_AUTHENTICATION_RETRY"},
                       "authentication timeout " + s(timeout) + " is below " + n(retry) +
                           " retries x 3 s = " + n(retry * 3) +
                           " s: the last retries may not get a fair chance",
                       "raise SS_SIP_AUTHENTICATION_TIMEOUT to " + n(retry * 3) +
                           " or lower SS_SIP_AUTHENTICATION_RETRY to " +
                           n(std::max<std::int64_t>(1, timeout.count() / 3)) +
                           " (the factory values break this rule on purpose)",
                       {}});
    }
    if (retry > 10) {
        out.push_back({severity::warning,
                       "auth-retry-brute-force",
                       {"SS_SIP_AUTHENTICATION_RETRY"},
                       n(retry) + " authentication retries give a password guesser room to work",
                       "keep SS_SIP_AUTHENTICATION_RETRY at 10 or below in production (preset "
                       "internet-facing uses 3)",
                       {}});
    }
    if (v.endpoint_register_retry() > 0 && v.endpoint_register_suspend().count() == 0) {
        out.push_back({severity::warning,
                       "retries-without-suspension",
                       {"SS_ENDPOINT_REGISTER_RETRY", "SS_ENDPOINT_REGISTER_SUSPEND"},
                       "a registration retry limit of " + n(v.endpoint_register_retry()) +
                           " with a suspension of 0 s gives no real protection",
                       "set SS_ENDPOINT_REGISTER_SUSPEND (the factory value is 180)",
                       {}});
    }
}

void encryption_rules(const settings& v, std::vector<finding>& out)
{
    const int mode = v.rtp_encryption_mode();
    const auto key_bytes = static_cast<std::int64_t>(v.rtp_encryption_key().size());
    const std::vector<std::string> both{"SS_RTPENCRYPTIONMODE", "SS_RTPENCRYPTIONKEY"};
    if (mode == 3 && key_bytes != 16) {
        out.push_back(
            {severity::error,
             "encryption-key-length",
             both,
             "mode 3 (AES-128) needs a key of exactly 16 bytes, the key has " + n(key_bytes),
             "set SS_RTPENCRYPTIONKEY to 16 bytes, the same on both sides",
             {}});
    } else if ((mode == 1 || mode == 2) && key_bytes == 0) {
        out.push_back({severity::error,
                       "encryption-key-length",
                       both,
                       std::string("mode ") + (mode == 1 ? "1 (XOR)" : "2 (RC4)") +
                           " needs a key, and SS_RTPENCRYPTIONKEY is empty",
                       "set SS_RTPENCRYPTIONKEY, the same on both sides",
                       {}});
    } else if (mode == 2 && key_bytes < 16) {
        out.push_back({severity::warning,
                       "encryption-key-length",
                       both,
                       "an RC4 key of " + n(key_bytes) + " bytes is weak",
                       "use a key of 16 or more characters",
                       {}});
    } else if (mode == 0 && key_bytes > 0) {
        out.push_back({severity::advice,
                       "encryption-key-unused",
                       both,
                       "SS_RTPENCRYPTIONKEY is set but encryption is off (mode 0)",
                       "set SS_RTPENCRYPTIONMODE, or reset SS_RTPENCRYPTIONKEY",
                       {}});
    }
}

void deployment_rules(const settings& v, std::vector<finding>& out)
{
    const auto limit = v.gateway_switch_limit();
    if (!limit || *limit > 5) {
        out.push_back({severity::advice,
                       "switch-limit",
                       {"SS_GATEWAY_SWITCH_LIMIT"},
                       limit ? "up to " + n(*limit) + " gateways are tried per call"
                             : "gateway switching has no limit (None)",
                       "set SS_GATEWAY_SWITCH_LIMIT to 3-5 to avoid endless switching",
                       {}});
    }
    if (v.reply_unauthorized()) {
        out.push_back({severity::advice,
                       "public-facing",
                       {"SS_REPLY_UNAUTHORIZED"},
                       "requests from unknown sources are answered, so scanners learn a SIP "
                       "server listens here",
                       "on a public-facing deployment set SS_REPLY_UNAUTHORIZED Off (or apply "
                       "preset internet-facing)",
                       {}});
    }
}

} // namespace

std::string_view to_string(severity level) noexcept
{
    switch (level) {
    case severity::advice: return "advice";
    case severity::warning: return "warning";
    case severity::error: return "error";
    }
    return "error";
}

std::vector<finding> check(const settings& values, const check_options& options)
{
    std::vector<finding> out;
    keepalive_rules(values, options, out);
    auth_rules(values, out);
    encryption_rules(values, out);
    deployment_rules(values, out);
    return out;
}

std::vector<finding> file_findings(const std::vector<error>& problems)
{
    std::vector<finding> out;
    for (const auto& p : problems) {
        std::vector<std::string> params;
        // Messages about a known parameter start with its name ("SS_X: expected ...").
        const auto colon = p.message.find(':');
        if (colon != std::string::npos && find_param(p.message.substr(0, colon)) != nullptr) {
            params.push_back(std::string(find_param(p.message.substr(0, colon))->name));
        }
        out.push_back({severity::error, p.code == errc::parse_error ? "file-syntax" : "file-value",
                       std::move(params), p.message,
                       "edit that line by hand (set, reset and preset need a valid file)",
                       p.where});
    }
    return out;
}

bool check_failed(const std::vector<finding>& findings, bool strict) noexcept
{
    for (const auto& f : findings) {
        if (f.level == severity::error || (strict && f.level == severity::warning)) {
            return true;
        }
    }
    return false;
}

} // namespace ssw::params
