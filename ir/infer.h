// Type inference: the typing rule of every op kind, in one place.
//
// The builder uses it to give new nodes their types; the verifier uses it to
// check nodes that came from elsewhere (the text parser, a pass).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/node.h"

namespace nf::ir {

struct OperandInfo {
  Type type;
  std::string label;  // how messages name the operand, e.g. "%3"
};

struct Inferred {
  std::optional<Type> type;  // set on success
  std::string error;         // set on failure; names operands by label, with their types
};

// The result type of `op` applied to `operands` with `attrs`. Ops whose result
// is not implied by their operands (const, read, cast, reshape, broadcast,
// one_hot, random draws) take it from `declared` and check it against the
// operands; for the others `declared`, when given, must equal the inferred type.
// Context checks (does the compartment exist, is the stream unique) belong to
// the verifier.
Inferred infer_type(Op op, const std::vector<OperandInfo>& operands, const Attrs& attrs,
                    const std::optional<Type>& declared);

}  // namespace nf::ir
