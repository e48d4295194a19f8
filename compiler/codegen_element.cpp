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
  n = resolve(n);
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
  auto operand = [&](size_t k) { return resolve(n->operands[k].get()); };
  switch (ir::op_class(n->op)) {
    case ir::OpClass::Const: {
      const ir::Literal& l = n->attrs.literal;
      switch (l.dtype) {
        case ir::DType::F32: return llvm::ConstantFP::get(b_.getFloatTy(), double(l.as_f32()));
        case ir::DType::I32: return b_.getInt32(l.word());
        case ir::DType::Bool: return b_.getInt1(l.bits != 0);
        case ir::DType::F64: return llvm::ConstantFP::get(b_.getDoubleTy(), l.as_f64());
      }
      return nullptr;
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
    default: break;
  }
  throw Error("internal compiler error: op '" + std::string(ir::op_name(n->op)) + "' cannot be computed element-wise");
}

// A draw is a pure function of (seed, stream, counter, element index).
llvm::Value* KernelEmitter::draw(const ir::Node* n, const Index& idx) {
  llvm::Value* seed = b_.CreateLoad(b_.getInt64Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), state_, uint64_t(plan_.layout.seed_offset)));
  llvm::Value* stream = b_.getInt32(random::stream_id(n->attrs.name));
  llvm::Value* counter = value(resolve(n->operands.back().get()), {});
  llvm::Value* index = b_.CreateTrunc(linear(idx, n->type.shape), b_.getInt32Ty());
  if (n->op == ir::Op::Normal) return emit_draw(b_, module_, DrawKind::Normal, seed, stream, counter, index);
  llvm::Value* u = emit_draw(b_, module_, DrawKind::Uniform, seed, stream, counter, index);
  if (n->op == ir::Op::Uniform) return u;
  const ir::Node* p = resolve(n->operands[0].get());
  return b_.CreateFCmpOLT(u, value(p, broadcast_index(p->type.shape, idx)));
}

llvm::Value* KernelEmitter::elementwise(const ir::Node* n, const std::vector<llvm::Value*>& a, ir::DType dtype) {
  llvm::Type* f32 = b_.getFloatTy();
  auto fconst = [&](double v) { return llvm::ConstantFP::get(f32, v); };
  auto unary_intrinsic = [&](llvm::Intrinsic::ID id) { return b_.CreateUnaryIntrinsic(id, a[0]); };
  auto math = [&](MathFn fn) { return emit_math(b_, module_, fn, a[0]); };
  if (n->op == ir::Op::Select) return b_.CreateSelect(a[0], a[1], a[2]);
  if (n->op == ir::Op::Cast) {
    ir::DType to = n->type.dtype;
    if (dtype == to) return a[0];
    switch (dtype) {
      case ir::DType::F32:
        if (to == ir::DType::I32)
          return b_.CreateIntrinsic(llvm::Intrinsic::fptosi_sat, {b_.getInt32Ty(), f32}, {a[0]});
        return b_.CreateFCmpUNE(a[0], fconst(0.0));
      case ir::DType::I32:
        return to == ir::DType::F32 ? b_.CreateSIToFP(a[0], f32) : b_.CreateICmpNE(a[0], b_.getInt32(0));
      case ir::DType::Bool:
        return to == ir::DType::F32 ? b_.CreateUIToFP(a[0], f32) : b_.CreateZExt(a[0], b_.getInt32Ty());
      case ir::DType::F64:  // parameter arithmetic meets a tensor: rounded once to nearest even
        if (to == ir::DType::F32) return b_.CreateFPTrunc(a[0], f32);
        break;
    }
  }
  // IEEE arithmetic and comparisons: the same instructions on f32 and on f64
  // (parameter arithmetic, binary64 scalars), one rounding each.
  auto ieee = [&]() -> llvm::Value* {
    switch (n->op) {
      case ir::Op::Neg: return b_.CreateFNeg(a[0]);
      case ir::Op::Add: return b_.CreateFAdd(a[0], a[1]);
      case ir::Op::Sub: return b_.CreateFSub(a[0], a[1]);
      case ir::Op::Mul: return b_.CreateFMul(a[0], a[1]);
      case ir::Op::Div: return b_.CreateFDiv(a[0], a[1]);
      case ir::Op::Eq: return b_.CreateFCmpOEQ(a[0], a[1]);
      case ir::Op::Ne: return b_.CreateFCmpUNE(a[0], a[1]);
      case ir::Op::Lt: return b_.CreateFCmpOLT(a[0], a[1]);
      case ir::Op::Le: return b_.CreateFCmpOLE(a[0], a[1]);
      case ir::Op::Gt: return b_.CreateFCmpOGT(a[0], a[1]);
      case ir::Op::Ge: return b_.CreateFCmpOGE(a[0], a[1]);
      default: return nullptr;
    }
  };
  if (dtype == ir::DType::F32 || dtype == ir::DType::F64)
    if (llvm::Value* v = ieee()) return v;
  if (dtype == ir::DType::F32) {
    switch (n->op) {
      case ir::Op::Abs: return unary_intrinsic(llvm::Intrinsic::fabs);
      case ir::Op::Sign:
        return b_.CreateSelect(b_.CreateFCmpOGT(a[0], fconst(0.0)), fconst(1.0),
                               b_.CreateSelect(b_.CreateFCmpOLT(a[0], fconst(0.0)), fconst(-1.0), a[0]));
      case ir::Op::Floor: return unary_intrinsic(llvm::Intrinsic::floor);
      case ir::Op::Sqrt: return unary_intrinsic(llvm::Intrinsic::sqrt);
      case ir::Op::Exp: return math(MathFn::Exp);
      case ir::Op::Log: return math(MathFn::Log);
      case ir::Op::Tanh: return math(MathFn::Tanh);
      case ir::Op::Sigmoid: return math(MathFn::Sigmoid);
      case ir::Op::Sin: return math(MathFn::Sin);
      case ir::Op::Cos: return math(MathFn::Cos);
      case ir::Op::Pow: return emit_math(b_, module_, MathFn::Pow, a[0], a[1]);
      case ir::Op::Min: return b_.CreateMinimum(a[0], a[1]);
      case ir::Op::Max: return b_.CreateMaximum(a[0], a[1]);
      case ir::Op::Clip: {
        // With a lower bound that is a constant >= +0 (weights clipped to
        // [0, w_bound]), max(x, lo) is never -0, so for x not NaN the plain
        // compare-selects (x86 maxps/minps) are exactly IEEE maximum and
        // minimum: x > lo ? x : lo is +0 for x = -0, and m < hi ? m : hi is
        // hi for a NaN hi and for m = +0, hi = -0. A NaN x is passed through.
        auto* lo = llvm::dyn_cast<llvm::ConstantFP>(a[1]);
        if (lo && !lo->isNegative() && !lo->isNaN()) {
          llvm::Value* m = b_.CreateSelect(b_.CreateFCmpOGT(a[0], a[1]), a[0], a[1]);
          llvm::Value* r = b_.CreateSelect(b_.CreateFCmpOLT(m, a[2]), m, a[2]);
          return b_.CreateSelect(b_.CreateFCmpUNO(a[0], a[0]), a[0], r);
        }
        return b_.CreateMinimum(b_.CreateMaximum(a[0], a[1]), a[2]);
      }
      case ir::Op::Fma: return b_.CreateIntrinsic(llvm::Intrinsic::fma, {f32}, {a[0], a[1], a[2]});
      default: break;
    }
  } else if (dtype == ir::DType::I32) {
    llvm::Value* zero = b_.getInt32(0);
    switch (n->op) {
      case ir::Op::Neg: return b_.CreateSub(zero, a[0]);
      case ir::Op::Abs: return b_.CreateSelect(b_.CreateICmpSLT(a[0], zero), b_.CreateSub(zero, a[0]), a[0]);
      case ir::Op::Sign:
        return b_.CreateSub(b_.CreateZExt(b_.CreateICmpSGT(a[0], zero), b_.getInt32Ty()),
                            b_.CreateZExt(b_.CreateICmpSLT(a[0], zero), b_.getInt32Ty()));
      case ir::Op::Add: return b_.CreateAdd(a[0], a[1]);
      case ir::Op::Sub: return b_.CreateSub(a[0], a[1]);
      case ir::Op::Mul: return b_.CreateMul(a[0], a[1]);
      case ir::Op::Div: {
        // Truncating; x/0 = 0 and INT_MIN/-1 = INT_MIN, without trapping.
        llvm::Value* by_zero = b_.CreateICmpEQ(a[1], zero);
        llvm::Value* overflow = b_.CreateAnd(b_.CreateICmpEQ(a[0], b_.getInt32(0x80000000u)),
                                             b_.CreateICmpEQ(a[1], b_.getInt32(0xffffffffu)));
        llvm::Value* safe = b_.CreateSelect(b_.CreateOr(by_zero, overflow), b_.getInt32(1), a[1]);
        llvm::Value* q = b_.CreateSDiv(a[0], safe);
        return b_.CreateSelect(by_zero, zero, q);
      }
      case ir::Op::Min: return b_.CreateSelect(b_.CreateICmpSLE(a[0], a[1]), a[0], a[1]);
      case ir::Op::Max: return b_.CreateSelect(b_.CreateICmpSGE(a[0], a[1]), a[0], a[1]);
      case ir::Op::Eq: return b_.CreateICmpEQ(a[0], a[1]);
      case ir::Op::Ne: return b_.CreateICmpNE(a[0], a[1]);
      case ir::Op::Lt: return b_.CreateICmpSLT(a[0], a[1]);
      case ir::Op::Le: return b_.CreateICmpSLE(a[0], a[1]);
      case ir::Op::Gt: return b_.CreateICmpSGT(a[0], a[1]);
      case ir::Op::Ge: return b_.CreateICmpSGE(a[0], a[1]);
      case ir::Op::Clip: {
        llvm::Value* lo = b_.CreateSelect(b_.CreateICmpSGE(a[0], a[1]), a[0], a[1]);
        return b_.CreateSelect(b_.CreateICmpSLE(lo, a[2]), lo, a[2]);
      }
      default: break;
    }
  } else if (dtype == ir::DType::Bool) {
    switch (n->op) {
      case ir::Op::Not: return b_.CreateNot(a[0]);
      case ir::Op::And: return b_.CreateAnd(a[0], a[1]);
      case ir::Op::Or: return b_.CreateOr(a[0], a[1]);
      case ir::Op::Eq: return b_.CreateICmpEQ(a[0], a[1]);
      case ir::Op::Ne: return b_.CreateICmpNE(a[0], a[1]);
      default: break;
    }
  }
  throw Error("internal compiler error: no code for " + std::string(ir::op_name(n->op)) + " on " + ir::dtype_name(dtype));
}

}  // namespace nf::compiler
