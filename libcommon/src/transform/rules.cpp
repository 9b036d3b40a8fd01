// SPDX-License-Identifier: MIT
// Small helpers of the parsed rule model: locations, length conditions, look-ups by name.
#include <ssw/transform/rules.hpp>

#include <algorithm>

namespace ssw::transform {

std::string source_location::to_string() const
{
    return file + ":" + std::to_string(line);
}

std::string source_location::with_column() const
{
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

bool length_condition::holds(std::size_t length) const noexcept
{
    switch (op) {
    case length_op::less: return length < value;
    case length_op::equal: return length == value;
    case length_op::greater: return length > value;
    case length_op::not_equal: return length != value;
    }
    return false;
}

std::string length_condition::to_string() const
{
    const char* sym = "=";
    switch (op) {
    case length_op::less: sym = "<"; break;
    case length_op::equal: sym = "="; break;
    case length_op::greater: sym = ">"; break;
    case length_op::not_equal: sym = "!="; break;
    }
    return std::string("len") + sym + std::to_string(value);
}

bool all_hold(const std::vector<length_condition>& conditions, std::size_t length) noexcept
{
    return std::all_of(conditions.begin(), conditions.end(),
                       [length](const length_condition& c) { return c.holds(length); });
}

namespace {
template <class T> const T* find_named(const std::vector<T>& items, std::string_view name) noexcept
{
    for (const auto& item : items) {
        if (item.name == name) {
            return &item;
        }
    }
    return nullptr;
}
} // namespace

const plan* rule_set::find_plan(std::string_view name) const noexcept
{
    return find_named(plans, name);
}
const table* rule_set::find_table(std::string_view name) const noexcept
{
    return find_named(tables, name);
}
const number_list* rule_set::find_list(std::string_view name) const noexcept
{
    return find_named(lists, name);
}
const gateway* rule_set::find_gateway(std::string_view name) const noexcept
{
    return find_named(gateways, name);
}

std::string_view to_string(rule_kind kind) noexcept
{
    switch (kind) {
    case rule_kind::exact: return "exact";
    case rule_kind::prefix: return "prefix";
    case rule_kind::vos: return "vos";
    case rule_kind::regex: return "regex";
    }
    return "exact";
}

std::string_view to_string(gateway_role role) noexcept
{
    switch (role) {
    case gateway_role::mapping: return "mapping";
    case gateway_role::routing: return "routing";
    case gateway_role::endpoint: return "endpoint";
    }
    return "mapping";
}

} // namespace ssw::transform
