// The IR's operation kinds, listed once.
//
// Each kind has a class, its signature: how many operands, which attributes,
// and where its result type comes from. The enum, the name table, type inference, the
// printer, the parser and the interpreter are all driven by this one list.
//
// The meaning of every kind, bit for bit, is in docs/SEMANTICS.md; the reference
// interpreter (ir/interpreter.cpp) is its executable form.
#pragma once

#include <optional>
#include <string_view>

namespace nf::ir {

enum class OpClass {
  Const,      // a literal splat to the result type
  Read,       // current value of a compartment (sees earlier writes in the process)
  Write,      // store the operand into a compartment; defines no value
  Param,      // a named scalar parameter (f32[])
  StepArg,    // t or dt of the current step (f32[])
  Unary,      // element-wise, one operand
  Binary,     // element-wise, two operands, NumPy broadcasting
  Compare,    // element-wise comparison, result bool
  Ternary,    // element-wise, three operands, NumPy broadcasting
  Cast,       // element-wise conversion to the result dtype
  MatMul,     // (M,K) x (K,N) -> (M,N)
  Transpose,  // axis permutation (attribute perm)
  Reduce,     // reduction over one axis (attributes axis, keepdims)
  Reshape,    // same elements in row-major order, new shape (the result type)
  Broadcast,  // NumPy broadcast_to the result shape
  Slice,      // contiguous sub-block (attributes begin, end)
  Concat,     // join operands along an axis (attribute axis)
  OneHot,     // i32 indices -> f32 rows of length = last result dim
  Iota,       // each element's index along an axis (attribute axis), i32
  Random,     // counter-based draw (attribute stream); operands end with the counter
  Sparse,     // over a program's connectivity (attribute connectivity, ir/connectivity.h)
};

// NF_OPS(X) expands X(Enum, "text name", Class) for every kind, group by
// group; each NF_OPS_<GROUP>(X) lists the kinds of one group of classes.
// leaves: constants, compartment reads and writes, parameters, t and dt
#define NF_OPS_LEAF(X) \
  X(Const, "const", Const)              \
  X(Read, "read", Read)                 \
  X(Write, "write", Write)              \
  X(Param, "param", Param)              \
  X(Time, "t", StepArg)                 \
  X(StepSize, "dt", StepArg)

// element-wise: each element from the operands' elements at the same index
#define NF_OPS_ELEMENTWISE(X) \
  X(Neg, "neg", Unary)                  \
  X(Abs, "abs", Unary)                  \
  X(Sign, "sign", Unary)                \
  X(Not, "not", Unary)                  \
  X(Floor, "floor", Unary)              \
  X(Sqrt, "sqrt", Unary)                \
  X(Exp, "exp", Unary)                  \
  X(Log, "log", Unary)                  \
  X(Tanh, "tanh", Unary)                \
  X(Sigmoid, "sigmoid", Unary)          \
  X(Sin, "sin", Unary)                  \
  X(Cos, "cos", Unary)                  \
  X(Add, "add", Binary)                 \
  X(Sub, "sub", Binary)                 \
  X(Mul, "mul", Binary)                 \
  X(Div, "div", Binary)                 \
  X(Pow, "pow", Binary)                 \
  X(Min, "min", Binary)                 \
  X(Max, "max", Binary)                 \
  X(And, "and", Binary)                 \
  X(Or, "or", Binary)                   \
  X(Eq, "eq", Compare)                  \
  X(Ne, "ne", Compare)                  \
  X(Lt, "lt", Compare)                  \
  X(Le, "le", Compare)                  \
  X(Gt, "gt", Compare)                  \
  X(Ge, "ge", Compare)                  \
  X(Select, "select", Ternary)          \
  X(Clip, "clip", Ternary)              \
  X(Fma, "fma", Ternary)                \
  X(Cast, "cast", Cast)

// matrix products and transposes
#define NF_OPS_MATRIX(X) \
  X(MatMul, "matmul", MatMul)           \
  X(Transpose, "transpose", Transpose)

// reductions over one axis
#define NF_OPS_REDUCE(X) \
  X(Sum, "sum", Reduce)                 \
  X(Mean, "mean", Reduce)               \
  X(ReduceMax, "reduce_max", Reduce)    \
  X(ArgMax, "argmax", Reduce)

// reshapes, broadcasts, slices, concatenations, one-hot rows and indices
#define NF_OPS_SHAPE(X) \
  X(Reshape, "reshape", Reshape)        \
  X(Broadcast, "broadcast", Broadcast)  \
  X(Slice, "slice", Slice)              \
  X(Concat, "concat", Concat)           \
  X(OneHot, "one_hot", OneHot)          \
  X(Iota, "iota", Iota)

// counter-based random draws
#define NF_OPS_RANDOM(X) \
  X(Uniform, "uniform", Random)         \
  X(Normal, "normal", Random)           \
  X(Bernoulli, "bernoulli", Random)

// products and gathers over a sparse connectivity
#define NF_OPS_SPARSE(X) \
  X(SparseMatMul, "sparse_matmul", Sparse) \
  X(Gather, "gather", Sparse)

#define NF_OPS(X) \
  NF_OPS_LEAF(X) NF_OPS_ELEMENTWISE(X) NF_OPS_MATRIX(X) NF_OPS_REDUCE(X) NF_OPS_SHAPE(X) NF_OPS_RANDOM(X) NF_OPS_SPARSE(X)

// Case labels for the kinds outside one group, for a switch that evaluates
// the kinds of that group: listing the others instead of writing `default:`
// keeps -Wswitch able to name a kind of the group that the switch forgot,
// while a kind added to another group is among the others by itself.
#define NF_OP_CASE(e, name, cls) case ::nf::ir::Op::e:
#define NF_CASES_EXCEPT_ELEMENTWISE                                                                    \
  NF_OPS_LEAF(NF_OP_CASE) NF_OPS_MATRIX(NF_OP_CASE) NF_OPS_REDUCE(NF_OP_CASE) NF_OPS_SHAPE(NF_OP_CASE) \
  NF_OPS_RANDOM(NF_OP_CASE) NF_OPS_SPARSE(NF_OP_CASE)
#define NF_CASES_EXCEPT_REDUCE                                                                              \
  NF_OPS_LEAF(NF_OP_CASE) NF_OPS_ELEMENTWISE(NF_OP_CASE) NF_OPS_MATRIX(NF_OP_CASE) NF_OPS_SHAPE(NF_OP_CASE) \
  NF_OPS_RANDOM(NF_OP_CASE) NF_OPS_SPARSE(NF_OP_CASE)
#define NF_CASES_EXCEPT_RANDOM                                                                              \
  NF_OPS_LEAF(NF_OP_CASE) NF_OPS_ELEMENTWISE(NF_OP_CASE) NF_OPS_MATRIX(NF_OP_CASE) NF_OPS_REDUCE(NF_OP_CASE) \
  NF_OPS_SHAPE(NF_OP_CASE) NF_OPS_SPARSE(NF_OP_CASE)

enum class Op {
#define NF_OP_ENUM(e, name, cls) e,
  NF_OPS(NF_OP_ENUM)
#undef NF_OP_ENUM
};

std::string_view op_name(Op op);
OpClass op_class(Op op);
std::optional<Op> op_from_name(std::string_view name);

}  // namespace nf::ir
