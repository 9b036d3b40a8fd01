// SPDX-License-Identifier: MIT
// ssw::params::settings: the effective value of every parameter, with typed getters for ssw-run.
#pragma once

#include <ssw/params/catalog.hpp>
#include <ssw/params/store.hpp>
#include <ssw/params/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::params {

// A snapshot of all parameters (set or default). Getters never fail: a settings object is
// built only from validated values. Generic getters take a catalog name and abort on a
// name that is not in the catalog or a kind that does not fit (a programming error).
class settings {
  public:
    // Every parameter at its default.
    settings();
    // The effective values of `file`.
    explicit settings(const param_file& file);

    // The value of one parameter, by catalog row or by name.
    [[nodiscard]] const value& get(const param_info& info) const;
    [[nodiscard]] const value& get(std::string_view name) const;
    // Replaces one value (what `check` uses to try a preset on top of a file).
    void set(const param_info& info, value v);

    // Generic typed access by name: On/Off; integer, choice or duration count; count or
    // keyword; a duration converted from the row's unit; text or secret bytes.
    [[nodiscard]] bool is_on(std::string_view name) const;
    [[nodiscard]] std::int64_t number(std::string_view name) const;
    // nullopt for the keyword (Auto / None).
    [[nodiscard]] std::optional<std::int64_t> number_or_keyword(std::string_view name) const;
    [[nodiscard]] std::chrono::milliseconds duration(std::string_view name) const;
    [[nodiscard]] const std::string& text(std::string_view name) const;

    // ---- SIP parameters (one getter per catalog row, named after what ssw-run does) ----
    [[nodiscard]] bool send_unregister() const;
    // nullopt = Auto: request 3600 s and follow what the registrar grants.
    [[nodiscard]] std::optional<std::chrono::seconds> user_agent_expire() const;
    [[nodiscard]] std::chrono::seconds user_agent_retry_delay() const;
    [[nodiscard]] bool stop_switch_after_invite_timeout() const;
    [[nodiscard]] std::chrono::seconds invite_timeout() const;
    [[nodiscard]] std::chrono::seconds trying_timeout() const;
    [[nodiscard]] std::chrono::seconds ringing_timeout() const;
    [[nodiscard]] std::chrono::seconds session_progress_timeout() const;
    [[nodiscard]] const schedule& resend_intervals() const;
    [[nodiscard]] bool stop_switch_after_sdp() const;
    [[nodiscard]] int authentication_code() const; // 401 or 407
    [[nodiscard]] int authentication_retry() const;
    [[nodiscard]] std::chrono::seconds authentication_timeout() const;
    [[nodiscard]] const std::string& nat_keepalive_message() const; // empty: no keep-alives
    [[nodiscard]] std::chrono::seconds nat_keepalive_period() const;
    [[nodiscard]] std::chrono::milliseconds nat_keepalive_send_interval() const;
    [[nodiscard]] std::int64_t nat_keepalive_batch_size() const;
    [[nodiscard]] std::chrono::seconds endpoint_expire() const;
    [[nodiscard]] std::chrono::seconds endpoint_nat_expire() const;
    [[nodiscard]] bool media_proxy_behind_nat() const;

    // ---- System parameters ----
    [[nodiscard]] bool reply_unauthorized() const;
    [[nodiscard]] bool endpoint_register_replace() const;
    [[nodiscard]] int endpoint_register_retry() const;
    [[nodiscard]] std::chrono::seconds endpoint_register_suspend() const;
    [[nodiscard]] int authentication_max_retry() const;
    [[nodiscard]] std::chrono::seconds authentication_failed_suspend() const;
    // nullopt = None: no limit.
    [[nodiscard]] std::optional<int> gateway_switch_limit() const;
    [[nodiscard]] bool gateway_switch_stop_after_rtp_start() const;
    [[nodiscard]] bool gateway_switch_stop_after_user_busy() const;
    [[nodiscard]] bool gateway_switch_until_connect() const;
    [[nodiscard]] int rtp_encryption_mode() const; // 0 none, 1 XOR, 2 RC4, 3 AES-128
    [[nodiscard]] const std::string& rtp_encryption_key() const;

    // Endpoints one keep-alive cycle can reach: PERIOD x 1000 / INTERVAL x ONE_TIME
    // (whole batches per period times the batch size).
    [[nodiscard]] std::int64_t nat_keepalive_capacity() const;

  private:
    std::vector<value> values_;
};

} // namespace ssw::params
