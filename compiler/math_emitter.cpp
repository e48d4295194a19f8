// nf::math (ir/math.cpp) as LLVM IR. Each helper below is the namesake
// function of ir/math.cpp, with the same statements in the same order and the
// same constants, so the two must be changed together; docs/SEMANTICS.md
// ("Math functions") explains the method.
//
// What differs is only the form, never a result:
// - every value is a float/double/i32/i64 or a vector of them with the shape of
//   the argument, so one emitted sequence serves scalars and vectors;
// - `c ? a : b` becomes a select with both sides computed. Neither side can
//   trap: floating point does not, and the only integer division (by the
//   constant 24) is applied to a value that is already selected, not garbage;
// - C++ `==`, `!=`, `<`, `<=`, `>`, `>=` on floating point are the IEEE
//   predicates oeq, une, olt, ole, ogt, oge (only `!=` is true on NaN);
// - the table of 2/pi is a constant global array read per element.
//
// No instruction carries fast-math flags or fpmath metadata, so LLVM may only
// apply transformations that keep every bit (NaN payloads aside, which
// docs/SEMANTICS.md leaves unspecified).
#include "compiler/math_emitter.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Type.h>
#include <llvm/Support/Alignment.h>

#include <bit>
#include <cstdint>
#include <stdexcept>

namespace nf::compiler {
namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

// The constants of ir/math.cpp, with the same names and values.
constexpr u32 kSignF = 0x80000000u;
constexpr double kRoundShift = 0x1.8p52;
constexpr u64 kRoundShiftBits = std::bit_cast<u64>(kRoundShift);
constexpr double kLn2Hi = 0x1.62e42feep-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
constexpr double kInvLn2 = 0x1.71547652b82fep+0;
constexpr double kExpArgLimit = 160.0;
constexpr u64 kMantMask = 0x000FFFFFFFFFFFFFull;
constexpr u64 kSqrt2Mant = 0x6A09E667F3BCDull;
constexpr double kTwoOverPiChunks[10] = {
    0xA2F983, 0x6E4E44, 0x1529FC, 0x2757D1, 0xF534DD,
    0xC0DB62, 0x95993C, 0x439041, 0xFE5163, 0xABDEBB,
};
constexpr double kPiOver2 = 0x1.921fb54442d18p+0;
constexpr u32 kPiOver4FloatBits = 0x3F490FDAu;

// Name of the module's copy of kTwoOverPiChunks.
constexpr const char* kTwoOverPiName = "nf.math.two_over_pi_chunks";

// e^z = scale * (1 + expm1), scale = 2^k (as in ir/math.cpp).
struct ExpParts {
  llvm::Value* scale;
  llvm::Value* expm1;
};

// An unevaluated sum hi + lo.
struct DoubleDouble {
  llvm::Value* hi;
  llvm::Value* lo;
};

// |x| = q*pi/2 + r (mod 2*pi); q is i32, only q mod 4 is meaningful.
struct Reduced {
  llvm::Value* r;
  llvm::Value* q;
};

// Emits ir/math.cpp's functions for arguments of one float or <N x float>
// type. Every value it creates has that shape, with element type float (f32),
// double (f64), i32, i64 or i1.
class Emitter {
 public:
  Emitter(llvm::IRBuilderBase& b, llvm::Module& m, llvm::Type* arg_type)
      : b_(b),
        m_(m),
        f32_(arg_type),
        f64_(arg_type->getWithNewType(b.getDoubleTy())),
        i32_(arg_type->getWithNewType(b.getInt32Ty())),
        i64_(arg_type->getWithNewType(b.getInt64Ty())) {}

  llvm::Value* exp(llvm::Value* x);
  llvm::Value* log(llvm::Value* x);
  llvm::Value* tanh(llvm::Value* x);
  llvm::Value* sigmoid(llvm::Value* x);
  llvm::Value* sin(llvm::Value* x) { return sin_cos_common(x, 0u, true); }
  llvm::Value* cos(llvm::Value* x) { return sin_cos_common(x, 1u, false); }
  llvm::Value* pow(llvm::Value* x, llvm::Value* y);

 private:
  // Constants of the argument's shape.
  llvm::Constant* d(double v) { return llvm::ConstantFP::get(f64_, v); }
  llvm::Constant* f(float v) { return llvm::ConstantFP::get(f32_, static_cast<double>(v)); }
  llvm::Constant* f_inf(bool negative = false) { return llvm::ConstantFP::getInfinity(f32_, negative); }
  llvm::Constant* f_nan() { return llvm::ConstantFP::getQNaN(f32_); }
  llvm::Constant* c32(u32 v) { return llvm::ConstantInt::get(i32_, v); }
  llvm::Constant* c64(u64 v) { return llvm::ConstantInt::get(i64_, v); }

  // Single IEEE operations in round-to-nearest-even.
  llvm::Value* add(llvm::Value* a, llvm::Value* c) { return b_.CreateFAdd(a, c); }
  llvm::Value* sub(llvm::Value* a, llvm::Value* c) { return b_.CreateFSub(a, c); }
  llvm::Value* mul(llvm::Value* a, llvm::Value* c) { return b_.CreateFMul(a, c); }
  llvm::Value* div(llvm::Value* a, llvm::Value* c) { return b_.CreateFDiv(a, c); }

  // C++'s floating-point comparison operators.
  llvm::Value* eq(llvm::Value* a, llvm::Value* c) { return b_.CreateFCmpOEQ(a, c); }
  llvm::Value* ne(llvm::Value* a, llvm::Value* c) { return b_.CreateFCmpUNE(a, c); }
  llvm::Value* lt(llvm::Value* a, llvm::Value* c) { return b_.CreateFCmpOLT(a, c); }
  llvm::Value* le(llvm::Value* a, llvm::Value* c) { return b_.CreateFCmpOLE(a, c); }
  llvm::Value* gt(llvm::Value* a, llvm::Value* c) { return b_.CreateFCmpOGT(a, c); }
  llvm::Value* ge(llvm::Value* a, llvm::Value* c) { return b_.CreateFCmpOGE(a, c); }

  llvm::Value* sel(llvm::Value* c, llvm::Value* a, llvm::Value* alt) { return b_.CreateSelect(c, a, alt); }

  // std::bit_cast between a float and its bits, and the exact conversions.
  llvm::Value* bits64(llvm::Value* v) { return b_.CreateBitCast(v, i64_); }
  llvm::Value* double_of(llvm::Value* v) { return b_.CreateBitCast(v, f64_); }
  llvm::Value* bits32(llvm::Value* v) { return b_.CreateBitCast(v, i32_); }
  llvm::Value* float_of(llvm::Value* v) { return b_.CreateBitCast(v, f32_); }
  llvm::Value* to_double(llvm::Value* v) { return b_.CreateFPExt(v, f64_); }
  llvm::Value* to_float(llvm::Value* v) { return b_.CreateFPTrunc(v, f32_); }

  llvm::Value* round_to_int(llvm::Value* v) { return sub(add(v, d(kRoundShift)), d(kRoundShift)); }
  llvm::Value* pow2_from_int_bits(llvm::Value* k) {
    return double_of(b_.CreateShl(b_.CreateAdd(k, c64(1023)), c64(52)));
  }

  ExpParts exp_parts(llvm::Value* zh, llvm::Value* zl);
  llvm::Value* clamp_exp_arg(llvm::Value* z);
  llvm::Value* exp_d(llvm::Value* z);
  DoubleDouble log_dd(llvm::Value* a);
  DoubleDouble two_sum(llvm::Value* a, llvm::Value* c);
  llvm::Value* two_over_pi_chunk(llvm::Value* index);
  Reduced reduce_pio2(llvm::Value* abits);
  llvm::Value* sin_poly(llvm::Value* r, llvm::Value* r2);
  llvm::Value* cos_poly(llvm::Value* r2);
  llvm::Value* sin_cos_common(llvm::Value* x, u32 shift, bool odd_function);

  llvm::IRBuilderBase& b_;
  llvm::Module& m_;
  llvm::Type* f32_;
  llvm::Type* f64_;
  llvm::Type* i32_;
  llvm::Type* i64_;
};

ExpParts Emitter::exp_parts(llvm::Value* zh, llvm::Value* zl) {
  llvm::Value* t = add(mul(zh, d(kInvLn2)), d(kRoundShift));
  llvm::Value* k = sub(t, d(kRoundShift));
  llvm::Value* kbits = b_.CreateSub(bits64(t), c64(kRoundShiftBits));
  llvm::Value* r = add(sub(sub(zh, mul(k, d(kLn2Hi))), mul(k, d(kLn2Lo))), zl);
  // 1/n! for n = 13 down to 2.
  static constexpr double kCoeffs[] = {
      0x1.1eed8eff8d898p-29, 0x1.ae64567f544e4p-26, 0x1.27e4fb7789f5cp-22, 0x1.71de3a556c734p-19,
      0x1.a01a01a01a01ap-16, 0x1.a01a01a01a01ap-13, 0x1.6c16c16c16c17p-10, 0x1.1111111111111p-7,
      0x1.5555555555555p-5,  0x1.5555555555555p-3,  0.5,
  };
  llvm::Value* q = d(0x1.6124613a86d09p-33);
  for (double c : kCoeffs) q = add(d(c), mul(r, q));
  llvm::Value* expm1 = add(r, mul(mul(r, r), q));
  return {pow2_from_int_bits(kbits), expm1};
}

llvm::Value* Emitter::clamp_exp_arg(llvm::Value* z) {
  z = sel(gt(z, d(kExpArgLimit)), d(kExpArgLimit), z);
  return sel(lt(z, d(-kExpArgLimit)), d(-kExpArgLimit), z);
}

llvm::Value* Emitter::exp_d(llvm::Value* z) {
  ExpParts e = exp_parts(z, d(0.0));
  return mul(add(d(1.0), e.expm1), e.scale);
}

DoubleDouble Emitter::log_dd(llvm::Value* a) {
  llvm::Value* bits = bits64(to_double(a));
  llvm::Value* mant = b_.CreateAnd(bits, c64(kMantMask));
  llvm::Value* biased = b_.CreateAnd(b_.CreateLShr(bits, c64(52)), c64(0x7FF));
  llvm::Value* upper = b_.CreateICmpUGE(mant, c64(kSqrt2Mant));
  llvm::Value* m =
      double_of(b_.CreateOr(mant, b_.CreateShl(sel(upper, c64(1022), c64(1023)), c64(52))));
  // static_cast<int>(biased) - (upper ? 1022 : 1023), then to double.
  llvm::Value* e_int = b_.CreateSub(b_.CreateTrunc(biased, i32_), sel(upper, c32(1022), c32(1023)));
  llvm::Value* e = b_.CreateSIToFP(e_int, f64_);
  llvm::Value* f = sub(m, d(1.0));
  llvm::Value* hfsq = mul(d(0.5), mul(f, f));
  llvm::Value* s = div(f, add(d(2.0), f));
  llvm::Value* w = mul(s, s);
  // 2/(2k+1) for k = 10 down to 1.
  static constexpr double kCoeffs[] = {
      0x1.8618618618618p-4, 0x1.af286bca1af28p-4, 0x1.e1e1e1e1e1e1ep-4, 0x1.1111111111111p-3,
      0x1.3b13b13b13b14p-3, 0x1.745d1745d1746p-3, 0x1.c71c71c71c71cp-3, 0x1.2492492492492p-2,
      0x1.999999999999ap-2, 0x1.5555555555555p-1,
  };
  llvm::Value* q = d(0x1.642c8590b2164p-4);
  for (double c : kCoeffs) q = add(d(c), mul(w, q));
  llvm::Value* big_r = mul(w, q);
  llvm::Value* tail = mul(s, add(hfsq, big_r));
  llvm::Value* head = sub(f, hfsq);
  llvm::Value* eh = mul(e, d(kLn2Hi));
  llvm::Value* hi = add(eh, head);
  llvm::Value* err = sub(head, sub(hi, eh));
  llvm::Value* lo = add(err, add(mul(e, d(kLn2Lo)), tail));
  llvm::Value* sum = add(hi, lo);
  return {sum, sub(lo, sub(sum, hi))};
}

DoubleDouble Emitter::two_sum(llvm::Value* a, llvm::Value* c) {
  llvm::Value* s = add(a, c);
  llvm::Value* cc = sub(s, a);
  llvm::Value* err = add(sub(a, sub(s, cc)), sub(c, cc));
  return {s, err};
}

// kTwoOverPiChunks[index] for an i32 index (of the argument's shape) in
// [0, 9], read from the module's constant copy of the table.
llvm::Value* Emitter::two_over_pi_chunk(llvm::Value* index) {
  llvm::Type* f64_scalar = b_.getDoubleTy();
  llvm::GlobalVariable* table = m_.getNamedGlobal(kTwoOverPiName);
  if (table == nullptr) {
    llvm::Constant* init = llvm::ConstantDataArray::get(m_.getContext(), llvm::ArrayRef<double>(kTwoOverPiChunks));
    table = new llvm::GlobalVariable(m_, init->getType(), /*isConstant=*/true,
                                     llvm::GlobalValue::PrivateLinkage, init, kTwoOverPiName);
    table->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    table->setAlignment(llvm::Align(8));
  }
  llvm::Value* index64 = b_.CreateZExt(index, i64_);
  // A vector index gives a vector of pointers, one per element.
  llvm::Value* ptr = b_.CreateInBoundsGEP(f64_scalar, table, index64);
  if (f64_->isVectorTy()) return b_.CreateMaskedGather(f64_, ptr, llvm::Align(8));
  return b_.CreateAlignedLoad(f64_scalar, ptr, llvm::Align(8));
}

Reduced Emitter::reduce_pio2(llvm::Value* abits) {
  llvm::Value* a = to_double(float_of(abits));
  llvm::Value* ef = b_.CreateLShr(abits, c32(23));
  // ef >= 152 ? (ef - 152) / 24 : 0, dividing only the selected value (0 when
  // ef < 152, where (0) / 24 is the 0 of the other side).
  llvm::Value* above = b_.CreateICmpUGE(ef, c32(152));
  llvm::Value* i0 = b_.CreateUDiv(sel(above, b_.CreateSub(ef, c32(152)), c32(0)), c32(24));
  // u64{1023 - 24 * (i0 + 1)} << 52, the u32 arithmetic of ir/math.cpp.
  llvm::Value* scale_exp = b_.CreateSub(c32(1023), b_.CreateMul(c32(24), b_.CreateAdd(i0, c32(1))));
  llvm::Value* x_scaled = mul(a, double_of(b_.CreateShl(b_.CreateZExt(scale_exp, i64_), c64(52))));
  llvm::Value* c[6];
  for (u32 j = 0; j < 6; ++j) c[j] = two_over_pi_chunk(b_.CreateAdd(i0, c32(j)));
  llvm::Value* t0 = mul(x_scaled, c[0]);
  llvm::Value* t1 = mul(mul(x_scaled, c[1]), d(0x1p-24));
  llvm::Value* t2 = mul(mul(x_scaled, c[2]), d(0x1p-48));
  llvm::Value* t3 = mul(mul(x_scaled, c[3]), d(0x1p-72));
  llvm::Value* t4 = mul(mul(x_scaled, c[4]), d(0x1p-96));
  llvm::Value* t5 = mul(mul(x_scaled, c[5]), d(0x1p-120));
  t0 = sub(t0, mul(d(4.0), round_to_int(mul(t0, d(0.25)))));
  t1 = sub(t1, mul(d(4.0), round_to_int(mul(t1, d(0.25)))));
  DoubleDouble s = two_sum(t0, t1);
  DoubleDouble u = two_sum(s.hi, t2);
  llvm::Value* lo = add(s.lo, u.lo);
  DoubleDouble v = two_sum(u.hi, t3);
  lo = add(lo, v.lo);
  lo = add(lo, add(t4, t5));
  llvm::Value* n = round_to_int(v.hi);
  llvm::Value* frac = add(sub(v.hi, n), lo);
  llvm::Value* q = b_.CreateTrunc(bits64(add(n, d(kRoundShift))), i32_);
  llvm::Value* r = mul(frac, d(kPiOver2));
  llvm::Value* small = b_.CreateICmpULE(abits, c32(kPiOver4FloatBits));
  return {sel(small, a, r), sel(small, c32(0), q)};
}

llvm::Value* Emitter::sin_poly(llvm::Value* r, llvm::Value* r2) {
  // (-1)^k/(2k+1)! for 2k+1 = 15 down to 3.
  static constexpr double kCoeffs[] = {
      -0x1.ae7f3e733b81fp-41, 0x1.6124613a86d09p-33, -0x1.ae64567f544e4p-26, 0x1.71de3a556c734p-19,
      -0x1.a01a01a01a01ap-13, 0x1.1111111111111p-7,  -0x1.5555555555555p-3,
  };
  llvm::Value* q = d(0x1.952c77030ad4ap-49);
  for (double c : kCoeffs) q = add(d(c), mul(r2, q));
  return add(r, mul(mul(r, r2), q));
}

llvm::Value* Emitter::cos_poly(llvm::Value* r2) {
  // (-1)^k/(2k)! for 2k = 14 down to 2.
  static constexpr double kCoeffs[] = {
      -0x1.93974a8c07c9dp-37, 0x1.1eed8eff8d898p-29, -0x1.27e4fb7789f5cp-22, 0x1.a01a01a01a01ap-16,
      -0x1.6c16c16c16c17p-10, 0x1.5555555555555p-5,  -0.5,
  };
  llvm::Value* q = d(0x1.ae7f3e733b81fp-45);
  for (double c : kCoeffs) q = add(d(c), mul(r2, q));
  return add(d(1.0), mul(r2, q));
}

llvm::Value* Emitter::sin_cos_common(llvm::Value* x, u32 shift, bool odd_function) {
  llvm::Value* xbits = bits32(x);
  llvm::Value* abits = b_.CreateAnd(xbits, c32(~kSignF));
  Reduced red = reduce_pio2(abits);
  llvm::Value* r2 = mul(red.r, red.r);
  llvm::Value* s = sin_poly(red.r, r2);
  llvm::Value* c = cos_poly(r2);
  llvm::Value* q = b_.CreateAdd(red.q, c32(shift));
  llvm::Value* v = sel(b_.CreateICmpNE(b_.CreateAnd(q, c32(1)), c32(0)), c, s);
  llvm::Value* x_sign = odd_function ? b_.CreateAnd(xbits, c32(kSignF)) : c32(0);
  llvm::Value* sign = b_.CreateXor(b_.CreateShl(b_.CreateAnd(q, c32(2)), c32(30)), x_sign);
  llvm::Value* result = float_of(b_.CreateXor(bits32(to_float(v)), sign));
  return sel(b_.CreateICmpUGE(abits, c32(0x7F800000u)), f_nan(), result);
}

llvm::Value* Emitter::exp(llvm::Value* x) { return to_float(exp_d(clamp_exp_arg(to_double(x)))); }

llvm::Value* Emitter::log(llvm::Value* x) {
  DoubleDouble l = log_dd(x);
  llvm::Value* result = to_float(add(l.hi, l.lo));
  result = sel(lt(x, f(0.0f)), f_nan(), result);
  result = sel(eq(x, f(0.0f)), f_inf(true), result);
  result = sel(eq(x, f_inf()), f_inf(), result);
  return sel(ne(x, x), f_nan(), result);
}

llvm::Value* Emitter::tanh(llvm::Value* x) {
  llvm::Value* xbits = bits32(x);
  llvm::Value* a = to_double(float_of(b_.CreateAnd(xbits, c32(~kSignF))));
  a = sel(gt(a, d(20.0)), d(20.0), a);
  ExpParts e = exp_parts(mul(d(2.0), a), d(0.0));
  llvm::Value* em1 = add(mul(e.scale, e.expm1), sub(e.scale, d(1.0)));
  llvm::Value* t = div(em1, add(em1, d(2.0)));
  llvm::Value* result = float_of(b_.CreateOr(bits32(to_float(t)), b_.CreateAnd(xbits, c32(kSignF))));
  return sel(ne(x, x), f_nan(), result);
}

llvm::Value* Emitter::sigmoid(llvm::Value* x) {
  llvm::Value* e = exp_d(clamp_exp_arg(b_.CreateFNeg(to_double(x))));
  return to_float(div(d(1.0), add(d(1.0), e)));
}

llvm::Value* Emitter::pow(llvm::Value* x, llvm::Value* y) {
  llvm::Value* xbits = bits32(x);
  llvm::Value* ax = float_of(b_.CreateAnd(xbits, c32(~kSignF)));
  llvm::Value* ay = float_of(b_.CreateAnd(bits32(y), c32(~kSignF)));
  llvm::Value* xd = to_double(x);
  llvm::Value* yd = to_double(y);

  // Integer / odd-integer classification of y.
  llvm::Value* y_big = ge(ay, f(0x1p24f));
  llvm::Value* ty = add(yd, d(kRoundShift));
  llvm::Value* y_int = b_.CreateOr(y_big, eq(sub(ty, d(kRoundShift)), yd));
  llvm::Value* ty_odd = b_.CreateICmpNE(b_.CreateAnd(bits64(ty), c64(1)), c64(0));
  llvm::Value* y_odd = b_.CreateAnd(b_.CreateAnd(b_.CreateNot(y_big), y_int), ty_odd);

  // |x|^y = e^(y ln|x|), ln|x| = hi + lo with hi split into a 29-bit head.
  DoubleDouble l = log_dd(ax);
  llvm::Value* head = double_of(b_.CreateAnd(bits64(l.hi), c64(~((u64{1} << 24) - 1))));
  llvm::Value* rest = sub(l.hi, head);
  llvm::Value* zh = mul(yd, head);
  llvm::Value* zl = add(mul(yd, rest), mul(yd, l.lo));
  llvm::Value* saturate =
      b_.CreateNot(b_.CreateAnd(le(zh, d(kExpArgLimit)), ge(zh, d(-kExpArgLimit))));
  zl = sel(saturate, d(0.0), zl);
  zh = clamp_exp_arg(zh);
  ExpParts e = exp_parts(zh, zl);
  llvm::Value* mag = mul(add(d(1.0), e.expm1), e.scale);
  // y = 2 and y = 1/2: exact square / correctly rounded square root.
  mag = sel(eq(y, f(2.0f)), mul(xd, xd), mag);
  mag = sel(eq(y, f(0.5f)), b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, xd), mag);

  llvm::Value* sign = b_.CreateAnd(sel(y_odd, xbits, c32(0)), c32(kSignF));
  llvm::Value* result = to_float(mag);

  // Annex F special cases, from the least to the most binding.
  llvm::Value* ax_inf = eq(ax, f_inf());
  llvm::Value* y_neg = lt(y, f(0.0f));
  llvm::Value* x_zero_or_inf = b_.CreateOr(eq(ax, f(0.0f)), ax_inf);
  llvm::Value* zi = sel(b_.CreateICmpNE(ax_inf, y_neg), f_inf(), f(0.0f));
  result = sel(x_zero_or_inf, zi, result);
  llvm::Value* yi =
      sel(eq(ax, f(1.0f)), f(1.0f), sel(b_.CreateICmpEQ(lt(ax, f(1.0f)), y_neg), f_inf(), f(0.0f)));
  result = sel(eq(ay, f_inf()), yi, result);
  result = float_of(b_.CreateOr(bits32(result), sign));
  llvm::Value* neg_finite_x = b_.CreateAnd(lt(x, f(0.0f)), ne(ax, f_inf()));
  result = sel(b_.CreateAnd(neg_finite_x, b_.CreateNot(y_int)), f_nan(), result);
  result = sel(b_.CreateOr(ne(x, x), ne(y, y)), f_nan(), result);
  return sel(b_.CreateOr(eq(y, f(0.0f)), eq(x, f(1.0f))), f(1.0f), result);
}

bool is_float_or_float_vector(llvm::Type* t) {
  return t->isFloatTy() || (t->isVectorTy() && t->getScalarType()->isFloatTy());
}

}  // namespace

llvm::Value* emit_math(llvm::IRBuilderBase& b, llvm::Module& m, MathFn fn, llvm::Value* x,
                       llvm::Value* y) {
  if (x == nullptr || !is_float_or_float_vector(x->getType())) {
    throw std::invalid_argument("emit_math: the argument must be float or a vector of float");
  }
  if (fn == MathFn::Pow && (y == nullptr || y->getType() != x->getType())) {
    throw std::invalid_argument("emit_math: pow's exponent must have the type of its base");
  }
  if (b.getIsFPConstrained()) {
    throw std::invalid_argument("emit_math: the builder must not be in constrained FP mode");
  }
  // Every operation is exact IEEE: no fast-math flags, no reduced-precision
  // fpmath metadata; the caller's settings come back afterwards.
  llvm::IRBuilderBase::FastMathFlagGuard guard(b);
  b.clearFastMathFlags();
  b.setDefaultFPMathTag(nullptr);

  Emitter e(b, m, x->getType());
  switch (fn) {
    case MathFn::Exp: return e.exp(x);
    case MathFn::Log: return e.log(x);
    case MathFn::Tanh: return e.tanh(x);
    case MathFn::Sigmoid: return e.sigmoid(x);
    case MathFn::Sin: return e.sin(x);
    case MathFn::Cos: return e.cos(x);
    case MathFn::Pow: return e.pow(x, y);
  }
  throw std::invalid_argument("emit_math: unknown function");
}

}  // namespace nf::compiler
