// SPDX-License-Identifier: MIT
// A string-keyed table with a hard size bound and least-recently-used eviction (private).
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

namespace ssw::registrar::detail {

// Every operation is O(1) amortised; eviction looks at most `eviction_scan` entries from the
// cold end for one the caller allows to go (e.g. not suspended), else drops the coldest.
template <class V> class bounded_table {
  public:
    explicit bounded_table(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

    V* find(const std::string& key)
    {
        const auto it = index_.find(key);
        if (it == index_.end()) {
            return nullptr;
        }
        order_.splice(order_.begin(), order_, it->second);
        return &it->second->second;
    }

    [[nodiscard]] const V* peek(const std::string& key) const
    {
        const auto it = index_.find(key);
        return it == index_.end() ? nullptr : &it->second->second;
    }

    template <class CanEvict> V& get_or_create(const std::string& key, CanEvict can_evict)
    {
        if (V* existing = find(key)) {
            return *existing;
        }
        if (index_.size() >= capacity_) {
            evict_one(can_evict);
        }
        order_.emplace_front(key, V{});
        index_.emplace(key, order_.begin());
        return order_.front().second;
    }

    void erase(const std::string& key)
    {
        const auto it = index_.find(key);
        if (it != index_.end()) {
            order_.erase(it->second);
            index_.erase(it);
        }
    }

    template <class Pred> void erase_if(Pred pred)
    {
        for (auto it = order_.begin(); it != order_.end();) {
            if (pred(it->second)) {
                index_.erase(it->first);
                it = order_.erase(it);
            } else {
                ++it;
            }
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return index_.size(); }

  private:
    static constexpr std::size_t eviction_scan = 64;

    template <class CanEvict> void evict_one(CanEvict can_evict)
    {
        auto victim = std::prev(order_.end());
        auto it = victim;
        for (std::size_t scanned = 0; scanned < eviction_scan; ++scanned) {
            if (can_evict(it->second)) {
                victim = it;
                break;
            }
            if (it == order_.begin()) {
                break;
            }
            --it;
        }
        index_.erase(victim->first);
        order_.erase(victim);
    }

    std::size_t capacity_;
    std::list<std::pair<std::string, V>> order_; // front: most recently used
    std::unordered_map<std::string, typename std::list<std::pair<std::string, V>>::iterator> index_;
};

} // namespace ssw::registrar::detail
