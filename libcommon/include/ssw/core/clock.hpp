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

    clock() = default;
    clock(const clock&) = delete;
    clock& operator=(const clock&) = delete;
    virtual ~clock() = default;

    [[nodiscard]] virtual time_point now() const = 0;
};

// The real monotonic clock.
class steady_clock final : public clock {
public:
    [[nodiscard]] time_point now() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told: `advance(180s)` tests a suspension in microseconds.
class manual_clock final : public clock {
public:
    explicit manual_clock(time_point start = time_point{} + std::chrono::hours(1)) : now_(start) {}
    [[nodiscard]] time_point now() const override { return now_; }
    void advance(duration d) { now_ += d; }
    void set(time_point t) { now_ = t; }

private:
    time_point now_;
};

} // namespace ssw::core
