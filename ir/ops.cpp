#include "ir/ops.h"

#include <cstddef>
#include <initializer_list>

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
// Each group of NF_OPS lists kinds of its own classes only (ops.h), so the
// labels NF_CASES_EXCEPT_<GROUP> give are those of the other classes.
template <size_t N>
constexpr bool all_of_classes(const OpClass (&kinds)[N], std::initializer_list<OpClass> classes) {
  for (OpClass k : kinds) {
    bool found = false;
    for (OpClass c : classes) found = found || c == k;
    if (!found) return false;
  }
  return true;
}
#define NF_CLASS_OF(e, name, cls) OpClass::cls,
constexpr OpClass kLeafClasses[] = {NF_OPS_LEAF(NF_CLASS_OF)};
constexpr OpClass kElementwiseClasses[] = {NF_OPS_ELEMENTWISE(NF_CLASS_OF)};
constexpr OpClass kMatrixClasses[] = {NF_OPS_MATRIX(NF_CLASS_OF)};
constexpr OpClass kReduceClasses[] = {NF_OPS_REDUCE(NF_CLASS_OF)};
constexpr OpClass kShapeClasses[] = {NF_OPS_SHAPE(NF_CLASS_OF)};
constexpr OpClass kRandomClasses[] = {NF_OPS_RANDOM(NF_CLASS_OF)};
#undef NF_CLASS_OF
static_assert(all_of_classes(kLeafClasses,
                             {OpClass::Const, OpClass::Read, OpClass::Write, OpClass::Param, OpClass::StepArg}));
static_assert(all_of_classes(kElementwiseClasses, {OpClass::Unary, OpClass::Binary, OpClass::Compare,
                                                   OpClass::Ternary, OpClass::Cast}));
static_assert(all_of_classes(kMatrixClasses, {OpClass::MatMul, OpClass::Transpose}));
static_assert(all_of_classes(kReduceClasses, {OpClass::Reduce}));
static_assert(all_of_classes(kShapeClasses, {OpClass::Reshape, OpClass::Broadcast, OpClass::Slice, OpClass::Concat,
                                             OpClass::OneHot, OpClass::Iota}));
static_assert(all_of_classes(kRandomClasses, {OpClass::Random}));

}  // namespace

std::string_view op_name(Op op) { return kOps[static_cast<int>(op)].name; }
OpClass op_class(Op op) { return kOps[static_cast<int>(op)].cls; }

std::optional<Op> op_from_name(std::string_view name) {
  for (const OpInfo& info : kOps)
    if (info.name == name) return info.op;
  return std::nullopt;
}

}  // namespace nf::ir
