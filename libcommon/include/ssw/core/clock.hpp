// SPDX-License-Identifier: MIT
// ssw::core::clock: the injected time source of every state machine (tests use a fake one).
#pragma once

#include <chrono>

namespace ssw::core {

// Monotonic time as the state machines see it. Timers are data: a machine asks the
// clock for now(), never sleeps, and returns "start timer" actions that net/ carries out.
class clock {
  public:
    using duration = std::chrono::steady_clock::duration;
    using time_point = std::chrono::steady_clock::time_point;
    using wall_time = std::chrono::system_clock::time_point;

    clock() = default;
    clock(const clock&) = delete;
    clock& operator=(const clock&) = delete;
    virtual ~clock() = default;

    [[nodiscard]] virtual time_point now() const = 0;
    // Calendar time, for what outlives the process (persisted expiries, CDR timestamps).
    [[nodiscard]] virtual wall_time wall_now() const = 0;
};

// The real monotonic clock.
class steady_clock final : public clock {
  public:
    [[nodiscard]] time_point now() const override { return std::chrono::steady_clock::now(); }
    [[nodiscard]] wall_time wall_now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told: `advance(180s)` tests a suspension in microseconds.
class manual_clock final : public clock {
  public:
    // Wall time starts at 2026-01-01T00:00:00Z and moves with the monotonic time.
    explicit manual_clock(time_point start = time_point{} + std::chrono::hours(1))
        : now_(start), start_(start),
          wall_start_(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1})
    {
    }
    [[nodiscard]] time_point now() const override { return now_; }
    [[nodiscard]] wall_time wall_now() const override
    {
        return wall_start_ + std::chrono::duration_cast<wall_time::duration>(now_ - start_);
    }
    void advance(duration d) { now_ += d; }
    void set(time_point t) { now_ = t; }

  private:
    time_point now_;
    time_point start_;
    wall_time wall_start_;
};

} // namespace ssw::core
