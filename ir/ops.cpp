#include "ir/ops.h"

namespace nf::ir {

namespace {
struct OpInfo {
  Op op;
  std::string_view name;
  OpClass cls;
};

constexpr OpInfo kOps[] = {
#define NF_OP_INFO(e, name, cls) {Op::e, name, OpClass::cls},
    NF_OPS(NF_OP_INFO)
#undef NF_OP_INFO
};
}  // namespace

std::string_view op_name(Op op) { return kOps[static_cast<int>(op)].name; }
OpClass op_class(Op op) { return kOps[static_cast<int>(op)].cls; }

std::optional<Op> op_from_name(std::string_view name) {
  for (const OpInfo& info : kOps)
    if (info.name == name) return info.op;
  return std::nullopt;
}

}  // namespace nf::ir
