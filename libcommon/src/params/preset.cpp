// SPDX-License-Identifier: MIT
// The presets of ssw-params(5) as data, and applying one to a parameter file.
#include <ssw/core/text.hpp>
#include <ssw/params/preset.hpp>

#include <array>
#include <string>
#include <vector>

namespace ssw::params {

namespace {

// Authentication presets (ssw-params(5), PRESETS; tests/data/params/parameters.md has the table).
constexpr std::array<preset_setting, 4> internet_facing{{
    {"SS_SIP_AUTHENTICATION_RETRY", "3"},
    {"SS_SIP_AUTHENTICATION_TIMEOUT", "5"},
    {"SS_AUTHENTICATION_FAILED_SUSPEND", "600"},
    {"SS_REPLY_UNAUTHORIZED", "Off"},
}};
constexpr std::array<preset_setting, 4> standard{{
    {"SS_SIP_AUTHENTICATION_RETRY", "6"},
    {"SS_SIP_AUTHENTICATION_TIMEOUT", "10"},
    {"SS_AUTHENTICATION_FAILED_SUSPEND", "180"},
    {"SS_REPLY_UNAUTHORIZED", "On"},
}};
constexpr std::array<preset_setting, 4> satellite{{
    {"SS_SIP_AUTHENTICATION_RETRY", "8"},
    {"SS_SIP_AUTHENTICATION_TIMEOUT", "20"},
    {"SS_AUTHENTICATION_FAILED_SUSPEND", "300"},
    {"SS_REPLY_UNAUTHORIZED", "On"},
}};
constexpr std::array<preset_setting, 4> lan{{
    {"SS_SIP_AUTHENTICATION_RETRY", "6"},
    {"SS_SIP_AUTHENTICATION_TIMEOUT", "10"},
    {"SS_AUTHENTICATION_FAILED_SUSPEND", "120"},
    {"SS_REPLY_UNAUTHORIZED", "On"},
}};

// NAT keep-alive presets (ssw-params(5), PRESETS).
constexpr std::array<preset_setting, 1> keepalive_small_office{{
    {"SS_SIP_NAT_KEEP_ALIVE_PERIOD", "20"},
}};
constexpr std::array<preset_setting, 1> keepalive_medium{{
    {"SS_SIP_NAT_KEEP_ALIVE_PERIOD", "30"},
}};
constexpr std::array<preset_setting, 1> keepalive_large{{
    {"SS_SIP_NAT_KEEP_ALIVE_SEND_ONE_TIME", "1500"},
}};
constexpr std::array<preset_setting, 2> keepalive_strict_nat{{
    {"SS_SIP_NAT_KEEP_ALIVE_PERIOD", "15"},
    {"SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL", "200"},
}};
constexpr std::array<preset_setting, 2> keepalive_low_bandwidth{{
    {"SS_SIP_NAT_KEEP_ALIVE_SEND_INTERVAL", "1000"},
    {"SS_SIP_NAT_KEEP_ALIVE_SEND_ONE_TIME", "1000"},
}};

constexpr std::array<preset, 9> all{{
    {"internet-facing", "public SIP port: few retries, long suspension, unknown sources dropped",
     internet_facing},
    {"standard", "the factory authentication values", standard},
    {"satellite", "high-latency links: more retries and time to authenticate", satellite},
    {"lan", "trusted LAN: factory values with a shorter suspension", lan},
    {"keepalive-small-office", "NAT keep-alive for a small office (under 50 endpoints)",
     keepalive_small_office},
    {"keepalive-medium", "NAT keep-alive for a medium site (the factory period)", keepalive_medium},
    {"keepalive-large", "NAT keep-alive for a large site (500+ endpoints): smaller batches",
     keepalive_large},
    {"keepalive-strict-nat", "NAT keep-alive for routers with short UDP binding timeouts",
     keepalive_strict_nat},
    {"keepalive-low-bandwidth", "NAT keep-alive on constrained links: fewer, slower batches",
     keepalive_low_bandwidth},
}};

} // namespace

std::span<const preset> presets() noexcept
{
    return all;
}

result<const preset*> find_preset(std::string_view name)
{
    std::vector<std::string> names;
    for (const auto& p : all) {
        if (core::iequals(p.name, name)) {
            return &p;
        }
        names.emplace_back(p.name);
    }
    std::string message = "unknown preset '" + std::string(name) + "'";
    if (const auto suggestion = core::closest_match(name, names)) {
        message += " (did you mean " + *suggestion + "?)";
    } else {
        message += " (ssw-param preset lists them)";
    }
    return unexpected(make_error(errc::invalid_argument, std::move(message)));
}

result<void> apply_preset(const preset& p, param_file& file)
{
    for (const auto& s : p.settings) {
        const param_info* info = find_param(s.name);
        if (info == nullptr) {
            return unexpected(make_error(errc::internal, "preset names " + std::string(s.name)));
        }
        SSW_TRY_ASSIGN(auto v, parse_value(*info, s.value));
        file.set(*info, v);
    }
    return {};
}

} // namespace ssw::params
