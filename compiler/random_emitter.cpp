#include "compiler/random_emitter.h"

#include <array>

#include <llvm/IR/IRBuilder.h>

#include "compiler/math_emitter.h"

namespace nf::compiler {

namespace {

constexpr uint32_t kMul0 = 0xD2511F53u;   // Philox4x32 multipliers
constexpr uint32_t kMul1 = 0xCD9E8D57u;
constexpr uint32_t kWeyl0 = 0x9E3779B9u;  // key schedule (Weyl sequence)
constexpr uint32_t kWeyl1 = 0xBB67AE85u;

using Words = std::array<llvm::Value*, 4>;

// (high, low) 32-bit halves of the 64-bit product of two 32-bit words.
std::pair<llvm::Value*, llvm::Value*> mulhilo(llvm::IRBuilderBase& b, uint32_t a, llvm::Value* x) {
  llvm::Value* p = b.CreateMul(b.getInt64(a), b.CreateZExt(x, b.getInt64Ty()));
  return {b.CreateTrunc(b.CreateLShr(p, 32), b.getInt32Ty()), b.CreateTrunc(p, b.getInt32Ty())};
}

Words philox(llvm::IRBuilderBase& b, Words x, llvm::Value* k0, llvm::Value* k1) {
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 = b.CreateAdd(k0, b.getInt32(kWeyl0));
      k1 = b.CreateAdd(k1, b.getInt32(kWeyl1));
    }
    auto [hi0, lo0] = mulhilo(b, kMul0, x[0]);
    auto [hi1, lo1] = mulhilo(b, kMul1, x[2]);
    x = {b.CreateXor(b.CreateXor(hi1, x[1]), k0), lo1, b.CreateXor(b.CreateXor(hi0, x[3]), k1), lo0};
  }
  return x;
}

// Word `which` (i32, 0..3) of a block, without indexing memory.
llvm::Value* pick(llvm::IRBuilderBase& b, const Words& w, llvm::Value* which) {
  llvm::Value* v = w[3];
  for (int k = 2; k >= 0; --k) v = b.CreateSelect(b.CreateICmpEQ(which, b.getInt32(uint32_t(k))), w[size_t(k)], v);
  return v;
}

// float(word >> 8) * 2^-24, in [0, 1); with `plus_one`, float((word >> 8) + 1) * 2^-24, in (0, 1].
llvm::Value* unit(llvm::IRBuilderBase& b, llvm::Value* word, bool plus_one) {
  llvm::Value* top = b.CreateLShr(word, 8);
  if (plus_one) top = b.CreateAdd(top, b.getInt32(1));
  return b.CreateFMul(b.CreateUIToFP(top, b.getFloatTy()), llvm::ConstantFP::get(b.getFloatTy(), 0x1p-24));
}

}  // namespace

llvm::Value* emit_draw(llvm::IRBuilderBase& b, llvm::Module& m, DrawKind kind, llvm::Value* seed,
                       llvm::Value* stream, llvm::Value* counter, llvm::Value* index) {
  llvm::Value* k0 = b.CreateTrunc(seed, b.getInt32Ty());
  llvm::Value* k1 = b.CreateTrunc(b.CreateLShr(seed, 32), b.getInt32Ty());
  if (kind == DrawKind::Uniform) {
    Words block = philox(b, {b.CreateLShr(index, 2), counter, stream, b.getInt32(0)}, k0, k1);
    return unit(b, pick(b, block, b.CreateAnd(index, b.getInt32(3))), false);
  }
  Words block = philox(b, {b.CreateLShr(index, 1), counter, stream, b.getInt32(0)}, k0, k1);
  llvm::Value* odd = b.CreateICmpNE(b.CreateAnd(index, b.getInt32(1)), b.getInt32(0));
  llvm::Value* u1 = unit(b, b.CreateSelect(odd, block[2], block[0]), true);
  llvm::Value* u2 = unit(b, b.CreateSelect(odd, block[3], block[1]), false);
  llvm::Value* log_u1 = emit_math(b, m, MathFn::Log, u1);
  llvm::Value* radius_sq = b.CreateFMul(llvm::ConstantFP::get(b.getFloatTy(), -2.0), log_u1);
  llvm::Value* radius = b.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, radius_sq);
  llvm::Value* angle = b.CreateFMul(llvm::ConstantFP::get(b.getFloatTy(), double(6.28318548f)), u2);
  llvm::Value* c = emit_math(b, m, MathFn::Cos, angle);
  return b.CreateFMul(radius, c);
}

}  // namespace nf::compiler
