// SPDX-License-Identifier: MIT
// Route selection: prefix match, priority, weighted order (Efraimidis-Spirakis keys).
#include <ssw/routing/route_table.hpp>

#include <algorithm>
#include <cmath>
#include <random>

namespace ssw::routing {

route_table::route_table(std::vector<route> routes) : routes_(std::move(routes)) {}

std::vector<std::size_t>
route_table::select(std::string_view callee, std::uint64_t seed,
                    const std::function<bool(std::size_t)>& available) const
{
    struct candidate {
        std::size_t gateway;
        std::size_t match_length;
        int priority;
        unsigned weight;
        std::size_t order;
        double key = 0;
    };
    std::vector<candidate> found;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const auto& r = routes_[i];
        std::size_t best = 0;
        bool matched = false;
        for (const auto& p : r.prefixes) {
            if (callee.substr(0, p.size()) == p && (!matched || p.size() > best)) {
                best = p.size();
                matched = true;
            }
        }
        if (!matched || (available && !available(r.gateway))) {
            continue;
        }
        found.push_back({r.gateway, best, r.priority, std::max(1u, r.weight), i});
    }
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(std::nextafter(0.0, 1.0), 1.0);
    for (auto& c : found) {
        // A weighted random permutation: sort by u^(1/w), largest first.
        c.key = std::pow(unit(rng), 1.0 / c.weight);
    }
    auto tie_is_weighted = [&](const candidate& a) {
        return std::any_of(found.begin(), found.end(), [&](const candidate& b) {
            return b.match_length == a.match_length && b.priority == a.priority &&
                   b.weight != a.weight;
        });
    };
    std::vector<bool> weighted(found.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
        weighted[i] = tie_is_weighted(found[i]);
    }
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (!weighted[i]) {
            found[i].key = -static_cast<double>(found[i].order); // configured order
        }
    }
    std::stable_sort(found.begin(), found.end(), [](const candidate& a, const candidate& b) {
        if (a.match_length != b.match_length) {
            return a.match_length > b.match_length;
        }
        if (a.priority != b.priority) {
            return a.priority < b.priority;
        }
        return a.key > b.key;
    });
    std::vector<std::size_t> out;
    for (const auto& c : found) {
        if (std::find(out.begin(), out.end(), c.gateway) == out.end()) {
            out.push_back(c.gateway);
        }
    }
    return out;
}

} // namespace ssw::routing
