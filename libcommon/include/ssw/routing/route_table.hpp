// SPDX-License-Identifier: MIT
// ssw::routing::route_table: which routing gateways a callee number may take, in the order
// to try them (longest prefix, then priority, then weights or configured order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ssw::routing {

// One gateway's claim on numbers: its index in the configuration, its prefixes ("" matches
// every number), its priority (lower first) and weight.
struct route {
    std::size_t gateway = 0;
    std::vector<std::string> prefixes;
    int priority = 0;
    unsigned weight = 1;
};

class route_table {
  public:
    explicit route_table(std::vector<route> routes);

    // The gateways for `callee`, each once, in try order. A gateway matches through its
    // longest prefix of the number; longer matches go first, then lower priority; within a
    // tie, a weighted random order when any weight differs (`seed` makes it reproducible),
    // else the configured order. `available` (if set) drops gateways, e.g. at max-calls.
    [[nodiscard]] std::vector<std::size_t>
    select(std::string_view callee, std::uint64_t seed,
           const std::function<bool(std::size_t)>& available = {}) const;

  private:
    std::vector<route> routes_;
};

} // namespace ssw::routing
