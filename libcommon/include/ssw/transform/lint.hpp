// SPDX-License-Identifier: MIT
// Static checks of a rule set for `ssw-transform check`: shadowing, duplicates, loops, empties,
// conflicts.
#pragma once

#include <ssw/transform/engine.hpp>

#include <string>
#include <vector>

namespace ssw::transform {

enum class severity { error, warning };

// One lint finding. `kind` is one of: shadowed, duplicate, loop, empty, conflict.
struct finding {
    severity level = severity::error;
    std::string kind;
    std::string where;   // file:line
    std::string message; // says what is wrong and which other rule is involved
};

// Checks every plan, table and list of the engine's rule set:
//  - shadowed (error): in a 'first' plan, an earlier stop/goto rule matches every number a
//    later rule matches, so the later rule never fires;
//  - duplicate: the same table number or the same rule twice (error when the targets differ);
//  - loop (error): goto edges between plans form a cycle;
//  - empty: a rule or entry turns some number into "" (error when certain, warning when
//    only possible, as for a regex with an empty replacement);
//  - conflict (warning): a black list entry blocks numbers a non-system white list allows.
// Findings come in file order per check.
[[nodiscard]] std::vector<finding> lint(const engine& rules);

[[nodiscard]] std::string_view to_string(severity level) noexcept;

} // namespace ssw::transform
