// Element values: what one element of a node is, as LLVM instructions. The
// rules mirror ir/elementwise.cpp and ir/interpreter.cpp exactly.
#include <algorithm>
#include <cmath>

#include <llvm/IR/Intrinsics.h>

#include "compiler/codegen_internal.h"
#include "compiler/derive.h"
#include "compiler/math_emitter.h"
#include "compiler/random_emitter.h"
#include "ir/random.h"

namespace nf::compiler {

namespace {

// The emitters below list every element-wise op (the draw: every random
// op) and end in NF_CASES_EXCEPT_ELEMENTWISE (NF_CASES_EXCEPT_RANDOM,
// ir/ops.h) instead of `default:`, so -Wswitch names an op that one of them
// forgot; the others never reach them, and throw if they do.

using Args = std::vector<llvm::Value*>;

[[noreturn]] void no_code(ir::Op op, ir::DType dtype) {
  throw Error("internal compiler error: no code for " + std::string(ir::op_name(op)) + " on " + ir::dtype_name(dtype));
}

llvm::Constant* f32_constant(llvm::IRBuilder<>& b, double v) { return llvm::ConstantFP::get(b.getFloatTy(), v); }

llvm::Value* cast_element(llvm::IRBuilder<>& b, llvm::Value* x, ir::DType from, ir::DType to) {
  if (from == to) return x;
  llvm::Type* f32 = b.getFloatTy();
  switch (from) {
    case ir::DType::F32:
      if (to == ir::DType::I32) return b.CreateIntrinsic(llvm::Intrinsic::fptosi_sat, {b.getInt32Ty(), f32}, {x});
      return b.CreateFCmpUNE(x, f32_constant(b, 0.0));
    case ir::DType::I32:
      return to == ir::DType::F32 ? b.CreateSIToFP(x, f32) : b.CreateICmpNE(x, b.getInt32(0));
    case ir::DType::Bool:
      return to == ir::DType::F32 ? b.CreateUIToFP(x, f32) : b.CreateZExt(x, b.getInt32Ty());
    case ir::DType::F64:  // parameter arithmetic meets a tensor: rounded once to nearest even
      if (to == ir::DType::F32) return b.CreateFPTrunc(x, f32);
      break;
  }
  no_code(ir::Op::Cast, from);
}

// IEEE arithmetic and comparisons: the same instructions on f32 and on f64
// (parameter arithmetic, binary64 scalars), one rounding each.
llvm::Value* ieee_element(llvm::IRBuilder<>& b, ir::Op op, const Args& a, ir::DType dtype) {
  switch (op) {
    case ir::Op::Neg: return b.CreateFNeg(a[0]);
    case ir::Op::Add: return b.CreateFAdd(a[0], a[1]);
    case ir::Op::Sub: return b.CreateFSub(a[0], a[1]);
    case ir::Op::Mul: return b.CreateFMul(a[0], a[1]);
    case ir::Op::Div: return b.CreateFDiv(a[0], a[1]);
    case ir::Op::Eq: return b.CreateFCmpOEQ(a[0], a[1]);
    case ir::Op::Ne: return b.CreateFCmpUNE(a[0], a[1]);
    case ir::Op::Lt: return b.CreateFCmpOLT(a[0], a[1]);
    case ir::Op::Le: return b.CreateFCmpOLE(a[0], a[1]);
    case ir::Op::Gt: return b.CreateFCmpOGT(a[0], a[1]);
    case ir::Op::Ge: return b.CreateFCmpOGE(a[0], a[1]);
    case ir::Op::Abs: case ir::Op::Sign: case ir::Op::Not: case ir::Op::Floor: case ir::Op::Sqrt:
    case ir::Op::Exp: case ir::Op::Log: case ir::Op::Tanh: case ir::Op::Sigmoid: case ir::Op::Sin:
    case ir::Op::Cos: case ir::Op::Pow: case ir::Op::Min: case ir::Op::Max: case ir::Op::And: case ir::Op::Or:
    case ir::Op::Select: case ir::Op::Clip: case ir::Op::Fma: case ir::Op::Cast:
    NF_CASES_EXCEPT_ELEMENTWISE
      break;
  }
  no_code(op, dtype);
}

// clip x, lo, hi = minimum(maximum(x, lo), hi).
llvm::Value* f32_clip(llvm::IRBuilder<>& b, const Args& a) {
  // With a lower bound that is a constant >= +0 (weights clipped to
  // [0, w_bound]), max(x, lo) is never -0, so for x not NaN the plain
  // compare-selects (x86 maxps/minps) are exactly IEEE maximum and
  // minimum: x > lo ? x : lo is +0 for x = -0, and m < hi ? m : hi is
  // hi for a NaN hi and for m = +0, hi = -0. A NaN x is passed through.
  auto* lo = llvm::dyn_cast<llvm::ConstantFP>(a[1]);
  if (lo && !lo->isNegative() && !lo->isNaN()) {
    llvm::Value* m = b.CreateSelect(b.CreateFCmpOGT(a[0], a[1]), a[0], a[1]);
    llvm::Value* r = b.CreateSelect(b.CreateFCmpOLT(m, a[2]), m, a[2]);
    return b.CreateSelect(b.CreateFCmpUNO(a[0], a[0]), a[0], r);
  }
  return b.CreateMinimum(b.CreateMaximum(a[0], a[1]), a[2]);
}

llvm::Value* f32_element(llvm::IRBuilder<>& b, llvm::Module& m, ir::Op op, const Args& a) {
  auto unary_intrinsic = [&](llvm::Intrinsic::ID id) { return b.CreateUnaryIntrinsic(id, a[0]); };
  auto math = [&](MathFn fn) { return emit_math(b, m, fn, a[0]); };
  switch (op) {
    case ir::Op::Neg: case ir::Op::Add: case ir::Op::Sub: case ir::Op::Mul: case ir::Op::Div:
    case ir::Op::Eq: case ir::Op::Ne: case ir::Op::Lt: case ir::Op::Le: case ir::Op::Gt: case ir::Op::Ge:
      return ieee_element(b, op, a, ir::DType::F32);
    case ir::Op::Abs: return unary_intrinsic(llvm::Intrinsic::fabs);
    case ir::Op::Sign:
      return b.CreateSelect(b.CreateFCmpOGT(a[0], f32_constant(b, 0.0)), f32_constant(b, 1.0),
                            b.CreateSelect(b.CreateFCmpOLT(a[0], f32_constant(b, 0.0)), f32_constant(b, -1.0), a[0]));
    case ir::Op::Floor: return unary_intrinsic(llvm::Intrinsic::floor);
    case ir::Op::Sqrt: return unary_intrinsic(llvm::Intrinsic::sqrt);
    case ir::Op::Exp: return math(MathFn::Exp);
    case ir::Op::Log: return math(MathFn::Log);
    case ir::Op::Tanh: return math(MathFn::Tanh);
    case ir::Op::Sigmoid: return math(MathFn::Sigmoid);
    case ir::Op::Sin: return math(MathFn::Sin);
    case ir::Op::Cos: return math(MathFn::Cos);
    case ir::Op::Pow: return emit_math(b, m, MathFn::Pow, a[0], a[1]);
    case ir::Op::Min: return b.CreateMinimum(a[0], a[1]);
    case ir::Op::Max: return b.CreateMaximum(a[0], a[1]);
    case ir::Op::Clip: return f32_clip(b, a);
    case ir::Op::Fma: return b.CreateIntrinsic(llvm::Intrinsic::fma, {b.getFloatTy()}, {a[0], a[1], a[2]});
    case ir::Op::Not: case ir::Op::And: case ir::Op::Or:  // bool only
    case ir::Op::Select: case ir::Op::Cast:               // KernelEmitter::elementwise
    NF_CASES_EXCEPT_ELEMENTWISE
      break;
  }
  no_code(op, ir::DType::F32);
}

// Truncating; x/0 = 0 and INT_MIN/-1 = INT_MIN, without trapping.
llvm::Value* i32_div(llvm::IRBuilder<>& b, llvm::Value* x, llvm::Value* y) {
  llvm::Value* zero = b.getInt32(0);
  llvm::Value* by_zero = b.CreateICmpEQ(y, zero);
  llvm::Value* overflow = b.CreateAnd(b.CreateICmpEQ(x, b.getInt32(0x80000000u)), b.CreateICmpEQ(y, b.getInt32(0xffffffffu)));
  llvm::Value* safe = b.CreateSelect(b.CreateOr(by_zero, overflow), b.getInt32(1), y);
  llvm::Value* q = b.CreateSDiv(x, safe);
  return b.CreateSelect(by_zero, zero, q);
}

llvm::Value* i32_element(llvm::IRBuilder<>& b, ir::Op op, const Args& a) {
  llvm::Value* zero = b.getInt32(0);
  switch (op) {
    case ir::Op::Neg: return b.CreateSub(zero, a[0]);
    case ir::Op::Abs: return b.CreateSelect(b.CreateICmpSLT(a[0], zero), b.CreateSub(zero, a[0]), a[0]);
    case ir::Op::Sign:
      return b.CreateSub(b.CreateZExt(b.CreateICmpSGT(a[0], zero), b.getInt32Ty()),
                         b.CreateZExt(b.CreateICmpSLT(a[0], zero), b.getInt32Ty()));
    case ir::Op::Add: return b.CreateAdd(a[0], a[1]);
    case ir::Op::Sub: return b.CreateSub(a[0], a[1]);
    case ir::Op::Mul: return b.CreateMul(a[0], a[1]);
    case ir::Op::Div: return i32_div(b, a[0], a[1]);
    case ir::Op::Min: return b.CreateSelect(b.CreateICmpSLE(a[0], a[1]), a[0], a[1]);
    case ir::Op::Max: return b.CreateSelect(b.CreateICmpSGE(a[0], a[1]), a[0], a[1]);
    case ir::Op::Eq: return b.CreateICmpEQ(a[0], a[1]);
    case ir::Op::Ne: return b.CreateICmpNE(a[0], a[1]);
    case ir::Op::Lt: return b.CreateICmpSLT(a[0], a[1]);
    case ir::Op::Le: return b.CreateICmpSLE(a[0], a[1]);
    case ir::Op::Gt: return b.CreateICmpSGT(a[0], a[1]);
    case ir::Op::Ge: return b.CreateICmpSGE(a[0], a[1]);
    case ir::Op::Clip: {
      llvm::Value* lo = b.CreateSelect(b.CreateICmpSGE(a[0], a[1]), a[0], a[1]);
      return b.CreateSelect(b.CreateICmpSLE(lo, a[2]), lo, a[2]);
    }
    case ir::Op::Floor: case ir::Op::Sqrt: case ir::Op::Exp: case ir::Op::Log: case ir::Op::Tanh:
    case ir::Op::Sigmoid: case ir::Op::Sin: case ir::Op::Cos: case ir::Op::Pow: case ir::Op::Fma:  // f32 only
    case ir::Op::Not: case ir::Op::And: case ir::Op::Or:  // bool only
    case ir::Op::Select: case ir::Op::Cast:               // KernelEmitter::elementwise
    NF_CASES_EXCEPT_ELEMENTWISE
      break;
  }
  no_code(op, ir::DType::I32);
}

llvm::Value* bool_element(llvm::IRBuilder<>& b, ir::Op op, const Args& a) {
  switch (op) {
    case ir::Op::Not: return b.CreateNot(a[0]);
    case ir::Op::And: return b.CreateAnd(a[0], a[1]);
    case ir::Op::Or: return b.CreateOr(a[0], a[1]);
    case ir::Op::Eq: return b.CreateICmpEQ(a[0], a[1]);
    case ir::Op::Ne: return b.CreateICmpNE(a[0], a[1]);
    case ir::Op::Neg: case ir::Op::Abs: case ir::Op::Sign: case ir::Op::Floor: case ir::Op::Sqrt: case ir::Op::Exp:
    case ir::Op::Log: case ir::Op::Tanh: case ir::Op::Sigmoid: case ir::Op::Sin: case ir::Op::Cos:
    case ir::Op::Add: case ir::Op::Sub: case ir::Op::Mul: case ir::Op::Div: case ir::Op::Pow: case ir::Op::Min:
    case ir::Op::Max: case ir::Op::Lt: case ir::Op::Le: case ir::Op::Gt: case ir::Op::Ge:
    case ir::Op::Clip: case ir::Op::Fma:  // numeric only
    case ir::Op::Select: case ir::Op::Cast:  // KernelEmitter::elementwise
    NF_CASES_EXCEPT_ELEMENTWISE
      break;
  }
  no_code(op, ir::DType::Bool);
}

// Parameter arithmetic (docs/SEMANTICS.md): neg, add, sub, mul, div and the
// comparisons; select and the cast to f32 are KernelEmitter::elementwise's.
llvm::Value* f64_element(llvm::IRBuilder<>& b, ir::Op op, const Args& a) {
  switch (op) {
    case ir::Op::Neg: case ir::Op::Add: case ir::Op::Sub: case ir::Op::Mul: case ir::Op::Div:
    case ir::Op::Eq: case ir::Op::Ne: case ir::Op::Lt: case ir::Op::Le: case ir::Op::Gt: case ir::Op::Ge:
      return ieee_element(b, op, a, ir::DType::F64);
    case ir::Op::Abs: case ir::Op::Sign: case ir::Op::Not: case ir::Op::Floor: case ir::Op::Sqrt:
    case ir::Op::Exp: case ir::Op::Log: case ir::Op::Tanh: case ir::Op::Sigmoid: case ir::Op::Sin:
    case ir::Op::Cos: case ir::Op::Pow: case ir::Op::Min: case ir::Op::Max: case ir::Op::And: case ir::Op::Or:
    case ir::Op::Clip: case ir::Op::Fma:
    case ir::Op::Select: case ir::Op::Cast:
    NF_CASES_EXCEPT_ELEMENTWISE
      break;
  }
  no_code(op, ir::DType::F64);
}

}  // namespace

llvm::Value* KernelEmitter::linear(const Index& idx, const ir::Shape& shape) {
  llvm::Value* lin = i64(0);
  for (int a = 0; a < shape.rank(); ++a) {
    if (a > 0) lin = b_.CreateMul(lin, i64(shape[a]), "", true, true);
    lin = b_.CreateAdd(lin, idx[size_t(a)], "", true, true);
  }
  return lin;
}

Index KernelEmitter::unravel(llvm::Value* lin, const ir::Shape& shape) {
  Index idx(size_t(shape.rank()));
  for (int a = shape.rank() - 1; a >= 0; --a) {
    if (shape[a] == 1) {
      idx[size_t(a)] = i64(0);
      continue;
    }
    idx[size_t(a)] = a == 0 ? lin : b_.CreateURem(lin, i64(shape[a]));
    if (a > 0) lin = b_.CreateUDiv(lin, i64(shape[a]));
  }
  return idx;
}

// NumPy broadcasting: trailing axes aligned, size-1 axes fixed at 0.
Index KernelEmitter::broadcast_index(const ir::Shape& operand, const Index& idx) {
  Index out;
  size_t offset = idx.size() - size_t(operand.rank());
  for (int a = 0; a < operand.rank(); ++a) out.push_back(operand[a] == 1 ? i64(0) : idx[offset + size_t(a)]);
  return out;
}

llvm::Value* KernelEmitter::load(llvm::Value* base, const ir::Type& type, const Index& idx) {
  llvm::Type* word = type.dtype == ir::DType::F32 ? b_.getFloatTy() : b_.getInt32Ty();
  llvm::Value* at = b_.CreateInBoundsGEP(word, base, linear(idx, type.shape));
  llvm::Value* v = b_.CreateLoad(word, at);
  return type.dtype == ir::DType::Bool ? b_.CreateICmpNE(v, b_.getInt32(0)) : v;
}

void KernelEmitter::store(llvm::Value* base, const ir::Type& type, const Index& idx, llvm::Value* v) {
  llvm::Type* word = type.dtype == ir::DType::F32 ? b_.getFloatTy() : b_.getInt32Ty();
  if (type.dtype == ir::DType::Bool) v = b_.CreateZExt(v, b_.getInt32Ty());
  b_.CreateStore(v, b_.CreateInBoundsGEP(word, base, linear(idx, type.shape)));
}

// A parameter (a double in the state), t or dt, read as f64 or rounded once to f32.
llvm::Value* KernelEmitter::scalar_arg(const ir::Node* n) {
  llvm::Value* v;
  if (n->op == ir::Op::Time) {
    v = t_;
  } else if (n->op == ir::Op::StepSize) {
    v = dt_;
  } else {
    const Slot* s = plan_.layout.find_param(n->attrs.name);
    if (!s) throw Error("internal compiler error: no parameter '" + n->attrs.name + "' in the state layout");
    v = b_.CreateLoad(b_.getDoubleTy(), b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), state_, uint64_t(s->offset)));
  }
  return n->type.dtype == ir::DType::F64 ? v : b_.CreateFPTrunc(v, b_.getFloatTy());
}

llvm::Value* KernelEmitter::value(const ir::Node* n, const Index& idx) {
  auto key = std::make_pair(n, idx);
  auto hit = cache_.find(key);
  if (hit != cache_.end()) return hit->second;
  llvm::Value* v;
  auto stored = process_.materialized.find(n);
  bool mine = false;
  for (const KernelOutput& o : kernel_.outputs) mine = mine || o.node == n;
  // A row-swept product is complete only after its loop: nothing inside it may use it.
  if (std::find(kernel_.swept.begin(), kernel_.swept.end(), n) != kernel_.swept.end())
    throw Error("internal compiler error: a row sweep uses its own product");
  if (stored != process_.materialized.end() && !mine) v = load(buffer(stored->second), n->type, idx);
  else v = compute(n, idx);
  cache_[key] = v;
  return v;
}

llvm::Value* KernelEmitter::compute(const ir::Node* n, const Index& idx) {
  auto operand = [&](size_t k) { return n->operands[k].get(); };
  switch (ir::op_class(n->op)) {
    case ir::OpClass::Const: {
      const ir::Literal& l = n->attrs.literal;
      switch (l.dtype) {
        case ir::DType::F32: return llvm::ConstantFP::get(b_.getFloatTy(), double(l.as_f32()));
        case ir::DType::I32: return b_.getInt32(l.word());
        case ir::DType::Bool: return b_.getInt1(l.bits != 0);
        case ir::DType::F64: return llvm::ConstantFP::get(b_.getDoubleTy(), l.as_f64());
      }
      break;
    }
    case ir::OpClass::Read:
      if (is_parameter_value(n->attrs.name)) {  // a scalar no step writes: straight from the state block
        llvm::Value* at = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), state_,
                                                         uint64_t(plan_.layout.compartment(n->attrs.name).offset));
        return load(at, n->type, {});
      }
      return load(buffer(Buffer{false, n->attrs.name, 0}), n->type, idx);
    case ir::OpClass::Param:
    case ir::OpClass::StepArg: return scalar_arg(n);
    case ir::OpClass::Unary:
    case ir::OpClass::Binary:
    case ir::OpClass::Compare:
    case ir::OpClass::Ternary:
    case ir::OpClass::Cast: {
      if (n->op == ir::Op::Select)  // decided for this version of the loops: only the taken side
        if (auto d = decided_.find(operand(0)); d != decided_.end()) {
          const ir::Node* taken = operand(d->second ? 1 : 2);
          return value(taken, broadcast_index(taken->type.shape, idx));
        }
      std::vector<llvm::Value*> args;
      for (size_t k = 0; k < n->operands.size(); ++k)
        args.push_back(value(operand(k), broadcast_index(operand(k)->type.shape, idx)));
      ir::DType dtype = operand(n->op == ir::Op::Select ? 1 : 0)->type.dtype;
      return elementwise(n, args, dtype);
    }
    case ir::OpClass::MatMul: {  // fused only when the inner dimension is 0 or 1
      if (operand(0)->type.shape[1] == 0) return llvm::ConstantFP::get(b_.getFloatTy(), 0.0);
      return b_.CreateFMul(value(operand(0), {idx[0], i64(0)}), value(operand(1), {i64(0), idx[1]}));
    }
    case ir::OpClass::Transpose: {
      Index in(idx.size());
      for (size_t j = 0; j < idx.size(); ++j) in[size_t(n->attrs.perm[j])] = idx[j];
      return value(operand(0), in);
    }
    case ir::OpClass::Reshape: return value(operand(0), unravel(linear(idx, n->type.shape), operand(0)->type.shape));
    case ir::OpClass::Broadcast: return value(operand(0), broadcast_index(operand(0)->type.shape, idx));
    case ir::OpClass::Slice: {
      Index in;
      for (size_t a = 0; a < idx.size(); ++a) in.push_back(b_.CreateAdd(idx[a], i64(n->attrs.begin[a]), "", true, true));
      return value(operand(0), in);
    }
    case ir::OpClass::OneHot: {
      Index outer(idx.begin(), idx.end() - 1);
      llvm::Value* i = value(operand(0), outer);
      llvm::Value* hit = b_.CreateICmpEQ(b_.CreateSExt(i, b_.getInt64Ty()), idx.back());
      return b_.CreateSelect(hit, llvm::ConstantFP::get(b_.getFloatTy(), 1.0), llvm::ConstantFP::get(b_.getFloatTy(), 0.0));
    }
    case ir::OpClass::Iota: return b_.CreateTrunc(idx[size_t(n->attrs.axis)], b_.getInt32Ty());
    case ir::OpClass::Random: return draw(n, idx);
    case ir::OpClass::Write:   // defines no value
    case ir::OpClass::Reduce:  // whole rows: reduce_kernel
    case ir::OpClass::Concat:  // whole blocks: concat_kernel
    case ir::OpClass::Sparse:  // whole connectivities: sparse_kernel
      break;
  }
  throw Error("internal compiler error: op '" + std::string(ir::op_name(n->op)) + "' cannot be computed element-wise");
}

// A draw is a pure function of (seed, stream, counter, element index).
llvm::Value* KernelEmitter::draw(const ir::Node* n, const Index& idx) {
  llvm::Value* seed = b_.CreateLoad(b_.getInt64Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), state_, uint64_t(plan_.layout.seed_offset)));
  llvm::Value* stream = b_.getInt32(random::stream_id(n->attrs.name));
  llvm::Value* counter = value(n->operands.back().get(), {});
  llvm::Value* index = b_.CreateTrunc(linear(idx, n->type.shape), b_.getInt32Ty());
  switch (n->op) {
    case ir::Op::Uniform: return emit_draw(b_, module_, DrawKind::Uniform, seed, stream, counter, index);
    case ir::Op::Normal: return emit_draw(b_, module_, DrawKind::Normal, seed, stream, counter, index);
    case ir::Op::Bernoulli: {
      llvm::Value* u = emit_draw(b_, module_, DrawKind::Uniform, seed, stream, counter, index);
      const ir::Node* p = n->operands[0].get();
      return b_.CreateFCmpOLT(u, value(p, broadcast_index(p->type.shape, idx)));
    }
    NF_CASES_EXCEPT_RANDOM
      break;
  }
  throw Error("internal compiler error: op '" + std::string(ir::op_name(n->op)) + "' is not a draw");
}

llvm::Value* KernelEmitter::elementwise(const ir::Node* n, const std::vector<llvm::Value*>& a, ir::DType dtype) {
  if (n->op == ir::Op::Select) return b_.CreateSelect(a[0], a[1], a[2]);
  if (n->op == ir::Op::Cast) return cast_element(b_, a[0], dtype, n->type.dtype);
  switch (dtype) {
    case ir::DType::F32: return f32_element(b_, module_, n->op, a);
    case ir::DType::I32: return i32_element(b_, n->op, a);
    case ir::DType::Bool: return bool_element(b_, n->op, a);
    case ir::DType::F64: return f64_element(b_, n->op, a);
  }
  no_code(n->op, dtype);
}

}  // namespace nf::compiler

