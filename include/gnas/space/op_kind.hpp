#pragma once

// The candidate operations of the layer-wise space (DESIGN 1.2). The enum and the names `ops_name`
// spells them with are the config's (common/config.hpp); here is what the space needs of them.

#include <cstddef>
#include <iterator>
#include <string>

#include "gnas/common/config.hpp"

namespace gnas {

/// How many candidate ops gnas has.
inline constexpr std::size_t kOpKindCount = std::size(OptionNames<OpKind>::kValues);

/// The op's config name ("sep_conv_3x3").
inline std::string op_name(OpKind kind) { return option_name(kind); }

/// Kernel size of a conv op (1 for skip).
inline int op_kernel(OpKind kind) {
  switch (kind) {
    case OpKind::kSkip: return 1;
    case OpKind::kSepConv3: return 3;
    case OpKind::kSepConv5: return 5;
    case OpKind::kSepConv7: return 7;
    case OpKind::kDilConv3: return 3;
    case OpKind::kDilConv5: return 5;
  }
  return 1;
}

}  // namespace gnas
