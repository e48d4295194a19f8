// The project's binary32 math functions. See ir/math.h for the contract and
// docs/SEMANTICS.md ("Math functions") for the method and measured accuracy.
//
// Every operation below is a single IEEE-754 binary64 (or binary32) operation
// in round-to-nearest-even: + - * /, sqrt, int<->float conversions,
// comparisons, selects, and integer operations on bit patterns. The file must
// be compiled with -ffp-contract=off so that no multiply-add is fused. No float
// is ever converted to an integer type (integers are read out of bit patterns
// instead), so NaN and infinite inputs run through the same operations as
// finite ones without undefined behaviour; their results are fixed by the
// final selects.
#include "ir/math.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace nf::math {
namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr float kNanF = std::numeric_limits<float>::quiet_NaN();
constexpr u32 kSignF = 0x80000000u;

u64 bits_of(double d) { return std::bit_cast<u64>(d); }
double double_of(u64 b) { return std::bit_cast<double>(b); }
u32 bits_of(float f) { return std::bit_cast<u32>(f); }
float float_of(u32 b) { return std::bit_cast<float>(b); }

// 1.5 * 2^52. For |v| < 2^51, v + kRoundShift is v rounded to the nearest
// integer (ties to even) plus kRoundShift, exactly; that integer, in two's
// complement, is the difference of the two bit patterns.
constexpr double kRoundShift = 0x1.8p52;

// v rounded to the nearest integer, ties to even (|v| < 2^51).
double round_to_int(double v) { return (v + kRoundShift) - kRoundShift; }

// 2^k for an integer k in [-1022, 1023] given as its two's complement bits.
double pow2_from_int_bits(u64 k) { return double_of((k + 1023u) << 52); }

// ln 2 = kLn2Hi + kLn2Lo + O(2^-86). kLn2Hi has 32 significant bits, so its
// product with any integer of at most 21 bits is exact.
constexpr double kLn2Hi = 0x1.62e42feep-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
// 1 / ln 2, rounded to binary64.
constexpr double kInvLn2 = 0x1.71547652b82fep+0;

// Arguments of e^z beyond +-kExpArgLimit give binary32 results that are
// already +inf or +0 (e^160 > 2^230, e^-160 < 2^-230); clamping there keeps
// the binary64 evaluation finite and nonzero.
constexpr double kExpArgLimit = 160.0;

// e^z = scale * (1 + expm1), scale = 2^k.
struct ExpParts {
  double scale;
  double expm1;
};

// e^(zh + zl) for |zh| <= kExpArgLimit, |zl| <= 2^-20 |zh| (zl may be 0).
// k = round(zh / ln2); r = zh - k ln2 + zl, |r| <= ln2/2 (plus a rounding
// hair); e^r - 1 is the degree-13 Taylor polynomial.
ExpParts exp_parts(double zh, double zl) {
  double t = zh * kInvLn2 + kRoundShift;
  double k = t - kRoundShift;
  u64 kbits = bits_of(t) - bits_of(kRoundShift);
  // k * kLn2Hi is exact (|k| <= 231), and so is zh - k * kLn2Hi: for k != 0,
  // |zh| > 1/4, so both terms are multiples of 2^-54 and the difference is
  // below 1 in magnitude.
  double r = ((zh - k * kLn2Hi) - k * kLn2Lo) + zl;
  // Coefficients: 1/n! for n = 2 .. 13, each rounded to binary64.
  double q = 0x1.6124613a86d09p-33;      // 1/13!
  q = 0x1.1eed8eff8d898p-29 + r * q;     // 1/12!
  q = 0x1.ae64567f544e4p-26 + r * q;     // 1/11!
  q = 0x1.27e4fb7789f5cp-22 + r * q;     // 1/10!
  q = 0x1.71de3a556c734p-19 + r * q;     // 1/9!
  q = 0x1.a01a01a01a01ap-16 + r * q;     // 1/8!
  q = 0x1.a01a01a01a01ap-13 + r * q;     // 1/7!
  q = 0x1.6c16c16c16c17p-10 + r * q;     // 1/6!
  q = 0x1.1111111111111p-7 + r * q;      // 1/5!
  q = 0x1.5555555555555p-5 + r * q;      // 1/4!
  q = 0x1.5555555555555p-3 + r * q;      // 1/3!
  q = 0.5 + r * q;                       // 1/2!
  double expm1 = r + (r * r) * q;
  return {pow2_from_int_bits(kbits), expm1};
}

double clamp_exp_arg(double z) {
  z = z > kExpArgLimit ? kExpArgLimit : z;
  return z < -kExpArgLimit ? -kExpArgLimit : z;
}

// e^z in binary64 for a clamped argument z.
double exp_d(double z) {
  ExpParts e = exp_parts(z, 0.0);
  return (1.0 + e.expm1) * e.scale;
}

// An unevaluated sum hi + lo with |lo| <= ulp(hi) / 2.
struct DoubleDouble {
  double hi;
  double lo;
};

// Fields of a binary64 bit pattern.
constexpr u64 kMantMask = 0x000FFFFFFFFFFFFFull;
// The fraction field of sqrt(2) (0x1.6a09e667f3bcdp+0).
constexpr u64 kSqrt2Mant = 0x6A09E667F3BCDull;

// ln(a) for a positive, finite, nonzero binary32 a, with a relative error
// below 2^-55. Any other a gives an unspecified value.
//
// a = 2^e * m with m in [sqrt(1/2), sqrt(2)), f = m - 1, s = f / (2 + f):
//   ln(m) = 2 atanh(s) = f - f^2/2 + s * (f^2/2 + R),
//   R = 2 s^2/3 + 2 s^4/5 + ... + 2 s^22/23 (truncated Taylor series of atanh).
// Because a has 24 significant bits, f is a multiple of 2^-24, f^2/2 is exact
// and so is f - f^2/2. ln(a) = e*ln2 + ln(m) is returned as hi + lo.
DoubleDouble log_dd(float a) {
  u64 b = bits_of(static_cast<double>(a));  // subnormal binary32 is normal here
  u64 mant = b & kMantMask;
  u64 biased = (b >> 52) & 0x7FF;
  bool upper = mant >= kSqrt2Mant;  // m >= sqrt(2): use m / 2 and e + 1
  double m = double_of(mant | ((upper ? u64{1022} : u64{1023}) << 52));
  double e = static_cast<double>(static_cast<int>(biased) - (upper ? 1022 : 1023));
  double f = m - 1.0;
  double hfsq = 0.5 * (f * f);
  double s = f / (2.0 + f);
  double w = s * s;
  // Coefficients: 2/(2k+1) for k = 1 .. 11, each rounded to binary64.
  double q = 0x1.642c8590b2164p-4;       // 2/23
  q = 0x1.8618618618618p-4 + w * q;      // 2/21
  q = 0x1.af286bca1af28p-4 + w * q;      // 2/19
  q = 0x1.e1e1e1e1e1e1ep-4 + w * q;      // 2/17
  q = 0x1.1111111111111p-3 + w * q;      // 2/15
  q = 0x1.3b13b13b13b14p-3 + w * q;      // 2/13
  q = 0x1.745d1745d1746p-3 + w * q;      // 2/11
  q = 0x1.c71c71c71c71cp-3 + w * q;      // 2/9
  q = 0x1.2492492492492p-2 + w * q;      // 2/7
  q = 0x1.999999999999ap-2 + w * q;      // 2/5
  q = 0x1.5555555555555p-1 + w * q;      // 2/3
  double big_r = w * q;
  double tail = s * (hfsq + big_r);
  double head = f - hfsq;
  // e * ln2 + head as an exact sum hi + err (Fast2Sum: |e*kLn2Hi| > 0.69 >
  // |head| unless e = 0).
  double eh = e * kLn2Hi;
  double hi = eh + head;
  double err = head - (hi - eh);
  double lo = err + (e * kLn2Lo + tail);
  // Renormalize so that |lo| <= ulp(hi) / 2 (Fast2Sum: |lo| < |hi|).
  double sum = hi + lo;
  return {sum, lo - (sum - hi)};
}

// Bits of 2/pi in 24-bit chunks: 2/pi = sum_i kTwoOverPiChunks[i] * 2^(-24(i+1)),
// i.e. the first 240 bits after the binary point (0.A2F9836E4E44...). Checked
// against 2/pi computed to 1600 bits with integer arithmetic (Machin's and
// Takano's arctangent formulas for pi).
constexpr double kTwoOverPiChunks[10] = {
    0xA2F983, 0x6E4E44, 0x1529FC, 0x2757D1, 0xF534DD,
    0xC0DB62, 0x95993C, 0x439041, 0xFE5163, 0xABDEBB,
};

// pi/2 rounded to binary64.
constexpr double kPiOver2 = 0x1.921fb54442d18p+0;
// The largest binary32 below pi/4.
constexpr u32 kPiOver4FloatBits = 0x3F490FDAu;

// Exact sum a + b = s + err.
DoubleDouble two_sum(double a, double b) {
  double s = a + b;
  double bb = s - a;
  double err = (a - (s - bb)) + (b - bb);
  return {s, err};
}

// |x| = q*pi/2 + r (mod 2*pi), |r| <= pi/4 (plus a rounding hair).
struct Reduced {
  double r;
  u32 q;  // quadrant, only q mod 4 is meaningful
};

// Payne-Hanek reduction of a = |x| (abits: the bits of |x|) for every binary32.
// a = M * 2^E with an integer M < 2^24. The products of M with 24-bit chunks of
// 2/pi have at most 48 bits and are exact in binary64. Chunks whose products
// are multiples of 4 (they do not change a*2/pi mod 4) are skipped: the first
// chunk used is i0 = max(0, floor((E - 2) / 24)), selected by the exponent.
// Six chunks are used; the neglected tail is below 2^-95, while a*2/pi is never
// closer than 2^-30 to an integer for a binary32 a (exhaustive search), so the
// fractional part keeps about 2^-53 relative accuracy.
Reduced reduce_pio2(u32 abits) {
  double a = static_cast<double>(float_of(abits));
  u32 ef = abits >> 23;  // biased exponent; 255 (inf/NaN) stays in range
  u32 i0 = ef >= 152 ? (ef - 152) / 24 : 0;
  // x_scaled = M * 2^(E - 24*(i0+1)); exact, no underflow (>= 2^-173).
  double x_scaled = a * double_of(u64{1023 - 24 * (i0 + 1)} << 52);
  const double* c = kTwoOverPiChunks + i0;
  double t0 = x_scaled * c[0];
  double t1 = (x_scaled * c[1]) * 0x1p-24;
  double t2 = (x_scaled * c[2]) * 0x1p-48;
  double t3 = (x_scaled * c[3]) * 0x1p-72;
  double t4 = (x_scaled * c[4]) * 0x1p-96;
  double t5 = (x_scaled * c[5]) * 0x1p-120;
  // t0 < 2^49 and t1 < 2^26 may hold multiples of 4; remove them (exact).
  t0 = t0 - 4.0 * round_to_int(t0 * 0.25);
  t1 = t1 - 4.0 * round_to_int(t1 * 0.25);
  // Sum as a double-double; t4 + t5 < 2^-46 only needs the low part.
  DoubleDouble s = two_sum(t0, t1);
  DoubleDouble u = two_sum(s.hi, t2);
  double lo = s.lo + u.lo;
  DoubleDouble v = two_sum(u.hi, t3);
  lo = lo + v.lo;
  lo = lo + (t4 + t5);
  double n = round_to_int(v.hi);
  double frac = (v.hi - n) + lo;  // v.hi - n is exact
  u32 q = static_cast<u32>(bits_of(n + kRoundShift));
  double r = frac * kPiOver2;
  // Below pi/4 the argument is its own reduction (n = 0 there anyway).
  bool small = abits <= kPiOver4FloatBits;
  return {small ? a : r, small ? 0u : q};
}

// sin(r) and cos(r) for |r| <= pi/4 + hair: Taylor polynomials through r^17
// and r^16 (coefficients (-1)^k/n!, each rounded to binary64).
double sin_poly(double r, double r2) {
  double q = 0x1.952c77030ad4ap-49;      // +1/17!
  q = -0x1.ae7f3e733b81fp-41 + r2 * q;   // -1/15!
  q = 0x1.6124613a86d09p-33 + r2 * q;    // +1/13!
  q = -0x1.ae64567f544e4p-26 + r2 * q;   // -1/11!
  q = 0x1.71de3a556c734p-19 + r2 * q;    // +1/9!
  q = -0x1.a01a01a01a01ap-13 + r2 * q;   // -1/7!
  q = 0x1.1111111111111p-7 + r2 * q;     // +1/5!
  q = -0x1.5555555555555p-3 + r2 * q;    // -1/3!
  return r + (r * r2) * q;
}

double cos_poly(double r2) {
  double q = 0x1.ae7f3e733b81fp-45;      // +1/16!
  q = -0x1.93974a8c07c9dp-37 + r2 * q;   // -1/14!
  q = 0x1.1eed8eff8d898p-29 + r2 * q;    // +1/12!
  q = -0x1.27e4fb7789f5cp-22 + r2 * q;   // -1/10!
  q = 0x1.a01a01a01a01ap-16 + r2 * q;    // +1/8!
  q = -0x1.6c16c16c16c17p-10 + r2 * q;   // -1/6!
  q = 0x1.5555555555555p-5 + r2 * q;     // +1/4!
  q = -0.5 + r2 * q;                     // -1/2!
  return 1.0 + r2 * q;
}

// sin(|x| + shift * pi/2), negated for negative x when odd_function: shift 0
// gives sin(x), shift 1 gives cos(x). NaN for non-finite x.
float sin_cos_common(float x, u32 shift, bool odd_function) {
  u32 xbits = bits_of(x);
  u32 abits = xbits & ~kSignF;
  Reduced red = reduce_pio2(abits);
  double r2 = red.r * red.r;
  double s = sin_poly(red.r, r2);
  double c = cos_poly(r2);
  u32 q = red.q + shift;
  double v = (q & 1u) ? c : s;
  u32 sign = ((q & 2u) << 30) ^ (odd_function ? (xbits & kSignF) : 0u);
  float result = float_of(bits_of(static_cast<float>(v)) ^ sign);
  return abits >= 0x7F800000u ? kNanF : result;
}

}  // namespace

float exp(float x) {
  return static_cast<float>(exp_d(clamp_exp_arg(static_cast<double>(x))));
}

float log(float x) {
  DoubleDouble l = log_dd(x);
  float result = static_cast<float>(l.hi + l.lo);
  result = x < 0.0f ? kNanF : result;
  result = x == 0.0f ? -kInfF : result;
  result = x == kInfF ? kInfF : result;
  return x != x ? kNanF : result;
}

float tanh(float x) {
  u32 xbits = bits_of(x);
  double a = static_cast<double>(float_of(xbits & ~kSignF));
  // tanh(20) rounds to 1 in binary32 (and binary64) already.
  a = a > 20.0 ? 20.0 : a;
  // tanh(a) = (e^{2a} - 1) / (e^{2a} + 1) = em1 / (em1 + 2), with
  // em1 = e^{2a} - 1 = 2^k * expm1(r) + (2^k - 1): no cancellation for small a.
  ExpParts e = exp_parts(2.0 * a, 0.0);
  double em1 = e.scale * e.expm1 + (e.scale - 1.0);
  double t = em1 / (em1 + 2.0);
  float result = float_of(bits_of(static_cast<float>(t)) | (xbits & kSignF));
  return x != x ? kNanF : result;
}

float sigmoid(float x) {
  double e = exp_d(clamp_exp_arg(-static_cast<double>(x)));
  return static_cast<float>(1.0 / (1.0 + e));
}

float sin(float x) { return sin_cos_common(x, 0u, true); }

float cos(float x) { return sin_cos_common(x, 1u, false); }

float pow(float x, float y) {
  u32 xbits = bits_of(x);
  float ax = float_of(xbits & ~kSignF);
  float ay = float_of(bits_of(y) & ~kSignF);
  double xd = static_cast<double>(x);
  double yd = static_cast<double>(y);

  // Integer / odd-integer classification of y. |y| >= 2^24 (and inf) is an
  // even integer; below, yd + kRoundShift holds round(y) in its low bits.
  bool y_big = ay >= 0x1p24f;
  double ty = yd + kRoundShift;
  bool y_int = y_big || (ty - kRoundShift == yd);
  bool y_odd = !y_big && y_int && (bits_of(ty) & 1u) != 0;

  // General case: |x|^y = e^(y ln|x|). ln|x| = hi + lo; hi is split into a
  // 29-bit head (so y * head is exact) and the rest.
  DoubleDouble l = log_dd(ax);
  double head = double_of(bits_of(l.hi) & ~((u64{1} << 24) - 1));
  double rest = l.hi - head;
  double zh = yd * head;
  double zl = yd * rest + yd * l.lo;
  bool saturate = !(zh <= kExpArgLimit && zh >= -kExpArgLimit);
  zl = saturate ? 0.0 : zl;
  zh = clamp_exp_arg(zh);
  ExpParts e = exp_parts(zh, zl);
  double mag = (1.0 + e.expm1) * e.scale;
  // y = 2 and y = 1/2: exact square / correctly rounded square root.
  mag = y == 2.0f ? xd * xd : mag;
  mag = y == 0.5f ? std::sqrt(xd) : mag;

  u32 sign = (y_odd ? xbits : 0u) & kSignF;
  float result = static_cast<float>(mag);

  // Annex F special cases, from the least to the most binding.
  // x = +-0 or +-inf: +-0 or +-inf by whether |x| is inf and whether y < 0.
  bool x_zero_or_inf = ax == 0.0f || ax == kInfF;
  float zi = ((ax == kInfF) != (y < 0.0f)) ? kInfF : 0.0f;
  result = x_zero_or_inf ? zi : result;
  // y = +-inf: 1 for |x| = 1, else +inf or +0.
  float yi = ax == 1.0f ? 1.0f : (((ax < 1.0f) == (y < 0.0f)) ? kInfF : 0.0f);
  result = ay == kInfF ? yi : result;
  result = float_of(bits_of(result) | sign);
  // Negative finite x with a finite non-integer y.
  result = (x < 0.0f && ax != kInfF && !y_int) ? kNanF : result;
  result = (x != x || y != y) ? kNanF : result;
  return (y == 0.0f || x == 1.0f) ? 1.0f : result;
}

}  // namespace nf::math
