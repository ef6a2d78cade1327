#pragma once

// The candidate operations of the layer-wise space (DESIGN 1.2), by the names `ops_name` uses.

#include <array>
#include <optional>
#include <string_view>

namespace gnas {

enum class OpKind { kSkip, kSepConv3, kSepConv5, kSepConv7, kDilConv3, kDilConv5 };

/// Every supported op, by its config name.
inline constexpr std::array<std::pair<std::string_view, OpKind>, 6> kOpNames{{
    {"skip", OpKind::kSkip},
    {"sep_conv_3x3", OpKind::kSepConv3},
    {"sep_conv_5x5", OpKind::kSepConv5},
    {"sep_conv_7x7", OpKind::kSepConv7},
    {"dil_conv_3x3", OpKind::kDilConv3},
    {"dil_conv_5x5", OpKind::kDilConv5},
}};

/// The op called `name`, or nullopt when gnas has no such op.
inline std::optional<OpKind> op_kind_from_name(std::string_view name) {
  for (const auto& [n, kind] : kOpNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

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
