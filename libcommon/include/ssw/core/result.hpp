// SPDX-License-Identifier: MIT
// ssw::result<T>: std::expected<T, ssw::error> for C++20 and clang 14, with the same API subset.
#pragma once

#include <ssw/core/error.hpp>

#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>
#include <variant>

namespace ssw {

// Wraps an error on its way into a result, as std::unexpected does.
template <class E = error> class unexpected {
  public:
    explicit unexpected(E e) : error_(std::move(e)) {}
    [[nodiscard]] const E& error() const& noexcept { return error_; }
    [[nodiscard]] E& error() & noexcept { return error_; }
    [[nodiscard]] E&& error() && noexcept { return std::move(error_); }

  private:
    E error_;
};
unexpected(error)->unexpected<error>;

namespace detail {
[[noreturn]] void bad_result_access(const error& e);
}

// A value of T or an ssw::error. The subset of std::expected that ssw uses:
// has_value, operator bool, *, ->, value(), error(), value_or, and construction from
// ssw::unexpected. value() on an error aborts with the message (a broken invariant).
template <class T> class [[nodiscard]] result {
  public:
    using value_type = T;
    using error_type = ::ssw::error;

    result() requires std::is_default_constructible_v<T> : state_(std::in_place_index<0>) {}
    template <class U = T>
    requires std::is_constructible_v<T, U&&> &&(!std::is_same_v<std::remove_cvref_t<U>, result>)&&(
        !std::is_same_v<std::remove_cvref_t<U>, unexpected<::ssw::error>>)result(U&& v)
        : state_(std::in_place_index<0>, std::forward<U>(v))
    {
    }
    result(unexpected<::ssw::error> e) : state_(std::in_place_index<1>, std::move(e).error()) {}

    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& operator*() & noexcept { return *std::get_if<0>(&state_); }
    const T& operator*() const& noexcept { return *std::get_if<0>(&state_); }
    T&& operator*() && noexcept { return std::move(*std::get_if<0>(&state_)); }
    T* operator->() noexcept { return std::get_if<0>(&state_); }
    const T* operator->() const noexcept { return std::get_if<0>(&state_); }

    T& value() &
    {
        check();
        return *std::get_if<0>(&state_);
    }
    const T& value() const&
    {
        check();
        return *std::get_if<0>(&state_);
    }
    T&& value() &&
    {
        check();
        return std::move(*std::get_if<0>(&state_));
    }

    [[nodiscard]] const ::ssw::error& error() const& noexcept { return *std::get_if<1>(&state_); }
    [[nodiscard]] ::ssw::error& error() & noexcept { return *std::get_if<1>(&state_); }
    [[nodiscard]] ssw::error&& error() && noexcept { return std::move(*std::get_if<1>(&state_)); }

    template <class U> T value_or(U&& fallback) const&
    {
        return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
    }
    template <class U> T value_or(U&& fallback) &&
    {
        return has_value() ? std::move(**this) : static_cast<T>(std::forward<U>(fallback));
    }

  private:
    void check() const
    {
        if (!has_value()) {
            detail::bad_result_access(*std::get_if<1>(&state_));
        }
    }
    std::variant<T, ::ssw::error> state_;
};

// result<void>: success carries nothing.
template <> class [[nodiscard]] result<void> {
  public:
    using value_type = void;
    using error_type = ::ssw::error;

    result() noexcept = default;
    result(unexpected<::ssw::error> e) : error_(std::move(e).error()), has_error_(true) {}

    [[nodiscard]] bool has_value() const noexcept { return !has_error_; }
    explicit operator bool() const noexcept { return has_value(); }
    void operator*() const noexcept {}
    void value() const
    {
        if (has_error_) {
            detail::bad_result_access(error_);
        }
    }
    [[nodiscard]] const ::ssw::error& error() const& noexcept { return error_; }
    [[nodiscard]] ::ssw::error& error() & noexcept { return error_; }
    [[nodiscard]] ssw::error&& error() && noexcept { return std::move(error_); }

  private:
    ::ssw::error error_;
    bool has_error_ = false;
};

} // namespace ssw

// Propagate an error: `SSW_TRY(do_it());` returns the error from the enclosing function.
#define SSW_TRY(expr)                                                                              \
    do {                                                                                           \
        auto&& ssw_try_result_ = (expr);                                                           \
        if (!ssw_try_result_) {                                                                    \
            return ::ssw::unexpected(std::move(ssw_try_result_).error());                          \
        }                                                                                          \
    } while (false)

#define SSW_TRY_CONCAT_INNER(a, b) a##b
#define SSW_TRY_CONCAT(a, b) SSW_TRY_CONCAT_INNER(a, b)
#define SSW_TRY_ASSIGN_IMPL(tmp, var, expr)                                                        \
    auto&& tmp = (expr);                                                                           \
    if (!tmp) {                                                                                    \
        return ::ssw::unexpected(std::move(tmp).error());                                          \
    }                                                                                              \
    var = std::move(*tmp)

// `SSW_TRY_ASSIGN(auto value, parse_x(text));` declares or assigns on success, returns on error.
#define SSW_TRY_ASSIGN(var, expr)                                                                  \
    SSW_TRY_ASSIGN_IMPL(SSW_TRY_CONCAT(ssw_try_tmp_, __LINE__), var, expr)
