// Accuracy and special cases of nf::math (ir/math.h).
//
// Reference: the C library's binary64 function on the exactly converted
// argument(s). Its binary64 value stands in for the exact result when the
// error is measured in ulps of binary32; rounded to binary32 it is the
// "correctly rounded" result that results are compared with bit for bit.
// The numbers printed here are the ones quoted in docs/SEMANTICS.md.
#include "ir/math.h"

#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <utility>
#include <vector>

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr double kInfD = std::numeric_limits<double>::infinity();
constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kMin = std::numeric_limits<float>::min();         // 2^-126
constexpr float kMax = std::numeric_limits<float>::max();
constexpr float kDenormMin = std::numeric_limits<float>::denorm_min();  // 2^-149

std::uint32_t bits(float f) { return std::bit_cast<std::uint32_t>(f); }
float from_bits(std::uint32_t b) { return std::bit_cast<float>(b); }

bool same_bits_or_both_nan(float a, float b) {
  return (a != a && b != b) || bits(a) == bits(b);
}

// One ulp of binary32 at the magnitude of v (v finite, in binary64): 2^(e-23)
// for |v| in [2^e, 2^(e+1)), with e clamped to [-126, 127].
double ulp32(double v) {
  std::int64_t e = static_cast<std::int64_t>((std::bit_cast<std::uint64_t>(v) >> 52) & 0x7FF) - 1023;
  e = e < -126 ? -126 : (e > 127 ? 127 : e);
  return std::bit_cast<double>(static_cast<std::uint64_t>(e - 23 + 1023) << 52);
}

// |got - exact| in ulps of binary32, where `ref` (binary64) stands in for the
// exact value. binary32 infinity counts as 2^128 (where overflow rounds to);
// an infinite result for |ref| >= 2^128 has error 0.
double ulp_error(float got, double ref) {
  if (std::isnan(ref)) return std::isnan(got) ? 0.0 : kInfD;
  if (std::isnan(got)) return kInfD;
  if (std::fabs(ref) >= 0x1p128 && std::isinf(got) && (got < 0) == (ref < 0)) return 0.0;
  if (std::isinf(ref)) return kInfD;
  double g = std::isinf(got) ? std::copysign(0x1p128, static_cast<double>(got)) : got;
  return std::fabs(g - ref) / ulp32(ref);
}

// Distance in representable binary32 values (ordered), NaNs excluded.
std::int64_t ulp_distance(float a, float b) {
  auto key = [](float f) {
    std::int64_t u = bits(f);
    return (u & 0x80000000) ? -(u & 0x7FFFFFFF) : u;
  };
  std::int64_t d = key(a) - key(b);
  return d < 0 ? -d : d;
}

struct Stats {
  const char* name;
  std::uint64_t count = 0;
  std::uint64_t not_correctly_rounded = 0;
  std::uint64_t nan_mismatch = 0;      // exactly one of result/reference is NaN
  std::uint64_t zero_sign_mismatch = 0;
  std::int64_t max_distance = 0;       // in binary32 values from the rounded reference
  double max_error = 0.0;              // in ulps, against the binary64 reference
  float worst_x = 0.0f, worst_y = 0.0f;

  void add(float got, double ref, float x, float y = 0.0f) {
    ++count;
    double e = ulp_error(got, ref);
    if (e > max_error) {
      max_error = e;
      worst_x = x;
      worst_y = y;
    }
    float ref32 = static_cast<float>(ref);
    if (same_bits_or_both_nan(got, ref32)) return;
    ++not_correctly_rounded;
    if (std::isnan(got) || std::isnan(ref32)) {
      ++nan_mismatch;
      return;
    }
    if (got == 0.0f && ref32 == 0.0f) ++zero_sign_mismatch;
    std::int64_t d = ulp_distance(got, ref32);
    if (d > max_distance) max_distance = d;
  }

  void report() const {
    std::printf("%-8s inputs %9llu  not correctly rounded %4llu  max error %.9f ulp"
                "  (max distance %lld)  worst x=%a y=%a\n",
                name, static_cast<unsigned long long>(count),
                static_cast<unsigned long long>(not_correctly_rounded), max_error,
                static_cast<long long>(max_distance), static_cast<double>(worst_x),
                static_cast<double>(worst_y));
  }
};

// The bound asserted and documented for every function: the error against the
// binary64 reference is at most 0.5001 ulp of binary32, i.e. a result is
// correctly rounded or, at worst, the other neighbour of a value within
// 0.0001 ulp of a rounding boundary. Results are never more than one binary32
// value away from the rounded reference.
constexpr double kMaxErrorUlp = 0.5001;

void check(const Stats& s) {
  s.report();
  INFO(s.name << ": " << s.count << " inputs, " << s.not_correctly_rounded
              << " not correctly rounded, max error " << s.max_error << " ulp, worst x "
              << s.worst_x << " y " << s.worst_y);
  CHECK(s.nan_mismatch == 0);
  CHECK(s.zero_sign_mismatch == 0);
  CHECK(s.max_distance <= 1);
  CHECK(s.max_error <= kMaxErrorUlp);
}

// Special inputs for the one-argument functions.
std::vector<float> special_inputs() {
  std::vector<float> v = {0.0f, kDenormMin, kMin, kMax, kInf, kNan, 1.0f, 0.5f, 2.0f,
                          0x1.fffffep-127f, 0x1p-24f, 0x1p-12f, 0x1p-25f, 0x1p-60f,
                          // exp / sigmoid overflow and underflow neighbourhoods
                          88.72283f, 88.72284f, 88.7228394f, 87.33654f, 103.2789f,
                          103.972076f, 103.97208f, 104.0f, 150.0f, 89.0f, 16.6f, 17.0f,
                          // tanh / trig interesting points
                          9.01f, 9.0109f, 0.55f, 0.5493061f, 1e-4f, 1e-8f,
                          // binary32 arguments closest to multiples of pi/2
                          // (exhaustive search over all binary32)
                          0x1.f37c8ap+95f, 0x1.47d0fep+34f, 0x1.f9cbe2p+7f, 0x1.32ede2p+85f,
                          0x1.628d4cp+40f, 0x1.13093p+76f, 0x1.f37c8ap+96f, 0x1.47d0fep+35f};
  for (int k = 1; k <= 2000; ++k) {
    float m = static_cast<float>(k * 1.5707963267948966);
    v.push_back(m);
    v.push_back(std::nextafter(m, 0.0f));
    v.push_back(std::nextafter(m, kInf));
  }
  for (int e = -149; e <= 127; ++e) {
    float p = std::ldexp(1.0f, e);
    v.push_back(p);
    v.push_back(std::nextafter(p, 0.0f));
    v.push_back(std::nextafter(p, kInf));
  }
  for (int k = 1; k <= 4096; ++k) {  // around 1
    v.push_back(from_bits(bits(1.0f) + static_cast<std::uint32_t>(k)));
    v.push_back(from_bits(bits(1.0f) - static_cast<std::uint32_t>(k)));
  }
  std::size_t n = v.size();
  for (std::size_t i = 0; i < n; ++i) v.push_back(-v[i]);
  return v;
}

// The strided sweep over all 2^32 bit patterns plus the special inputs and
// every binary32 in [lo, hi] with the given bit-pattern stride.
template <class F, class R>
Stats sweep(const char* name, F f, R ref, std::uint32_t stride, float lo, float hi,
            std::uint32_t dense_stride) {
  Stats s;
  s.name = name;
  for (std::uint64_t b = 0; b <= 0xFFFFFFFFull; b += stride) {
    float x = from_bits(static_cast<std::uint32_t>(b));
    s.add(f(x), ref(static_cast<double>(x)), x);
  }
  for (float x : special_inputs()) s.add(f(x), ref(static_cast<double>(x)), x);
  // lo and hi have the same sign; walk the magnitudes' bit patterns.
  float sign = lo < 0.0f ? -1.0f : 1.0f;
  std::uint32_t b0 = bits(std::fabs(lo)), b1 = bits(std::fabs(hi));
  if (b0 > b1) std::swap(b0, b1);
  for (std::uint32_t b = b0; b <= b1; b += dense_stride) {
    float x = sign * from_bits(b);
    s.add(f(x), ref(static_cast<double>(x)), x);
  }
  return s;
}

constexpr std::uint32_t kStride = 263;  // prime: ~16.3M inputs per function

}  // namespace

TEST_CASE("math: exact values and special cases", "[math]") {
  auto is_neg_zero = [](float v) { return v == 0.0f && std::signbit(v); };
  auto is_pos_zero = [](float v) { return v == 0.0f && !std::signbit(v); };

  CHECK(nf::math::exp(0.0f) == 1.0f);
  CHECK(nf::math::exp(-0.0f) == 1.0f);
  CHECK(nf::math::exp(kInf) == kInf);
  CHECK(is_pos_zero(nf::math::exp(-kInf)));
  CHECK(std::isnan(nf::math::exp(kNan)));
  CHECK(nf::math::exp(88.72283f) == 0x1.ffff08p+127f);
  CHECK(nf::math::exp(88.72284f) == kInf);
  CHECK(nf::math::exp(-103.97208f) == kDenormMin);
  CHECK(is_pos_zero(nf::math::exp(-103.972084f)));
  CHECK(nf::math::exp(1.0f) == 2.71828183f);

  CHECK(is_pos_zero(nf::math::log(1.0f)));
  CHECK(nf::math::log(0.0f) == -kInf);
  CHECK(nf::math::log(-0.0f) == -kInf);
  CHECK(std::isnan(nf::math::log(-1.0f)));
  CHECK(std::isnan(nf::math::log(-kDenormMin)));
  CHECK(std::isnan(nf::math::log(-kInf)));
  CHECK(nf::math::log(kInf) == kInf);
  CHECK(std::isnan(nf::math::log(kNan)));
  CHECK(nf::math::log(kDenormMin) == static_cast<float>(-149 * 0.6931471805599453));
  CHECK(nf::math::log(2.0f) == 0.693147181f);

  CHECK(is_pos_zero(nf::math::tanh(0.0f)));
  CHECK(is_neg_zero(nf::math::tanh(-0.0f)));
  CHECK(nf::math::tanh(kInf) == 1.0f);
  CHECK(nf::math::tanh(-kInf) == -1.0f);
  CHECK(nf::math::tanh(kDenormMin) == kDenormMin);
  CHECK(nf::math::tanh(-kDenormMin) == -kDenormMin);
  CHECK(nf::math::tanh(1e-20f) == 1e-20f);
  CHECK(std::isnan(nf::math::tanh(kNan)));

  CHECK(nf::math::sigmoid(0.0f) == 0.5f);
  CHECK(nf::math::sigmoid(-0.0f) == 0.5f);
  CHECK(nf::math::sigmoid(kInf) == 1.0f);
  CHECK(is_pos_zero(nf::math::sigmoid(-kInf)));
  CHECK(std::isnan(nf::math::sigmoid(kNan)));

  CHECK(is_pos_zero(nf::math::sin(0.0f)));
  CHECK(is_neg_zero(nf::math::sin(-0.0f)));
  CHECK(nf::math::sin(kDenormMin) == kDenormMin);
  CHECK(nf::math::sin(-kMin) == -kMin);
  CHECK(std::isnan(nf::math::sin(kInf)));
  CHECK(std::isnan(nf::math::sin(-kInf)));
  CHECK(std::isnan(nf::math::sin(kNan)));
  CHECK(nf::math::cos(0.0f) == 1.0f);
  CHECK(nf::math::cos(-0.0f) == 1.0f);
  CHECK(nf::math::cos(kDenormMin) == 1.0f);
  CHECK(std::isnan(nf::math::cos(kInf)));
  CHECK(std::isnan(nf::math::cos(-kInf)));
  CHECK(std::isnan(nf::math::cos(kNan)));
  // Huge arguments: values from the correctly reduced binary64 reference.
  CHECK(nf::math::sin(kMax) == static_cast<float>(std::sin(static_cast<double>(kMax))));
  CHECK(nf::math::cos(kMax) == static_cast<float>(std::cos(static_cast<double>(kMax))));
  CHECK(nf::math::sin(0x1.f37c8ap+95f) ==
        static_cast<float>(std::sin(static_cast<double>(0x1.f37c8ap+95f))));
}

TEST_CASE("math: pow Annex F special cases", "[math]") {
  using nf::math::pow;
  auto is_neg_zero = [](float v) { return v == 0.0f && std::signbit(v); };
  auto is_pos_zero = [](float v) { return v == 0.0f && !std::signbit(v); };
  const float xs[] = {0.0f, -0.0f, kDenormMin, -kDenormMin, 0.5f, -0.5f, 1.0f, -1.0f,
                      2.0f, -2.0f, -3.0f, kMax, -kMax, kInf, -kInf, kNan};
  const float ys[] = {0.0f, -0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 2.0f, -2.0f, 3.0f, -3.0f,
                      2.5f, -2.5f, 0x1p24f, 0x1.000002p24f, 0x1.fffffep23f, -0x1.fffffep23f,
                      kMax, -kMax, kInf, -kInf, kNan};

  // pow(x, +-0) = 1 for any x, even NaN.
  for (float x : xs) {
    CHECK(pow(x, 0.0f) == 1.0f);
    CHECK(pow(x, -0.0f) == 1.0f);
  }
  // pow(+1, y) = 1 for any y, even NaN.
  for (float y : ys) CHECK(pow(1.0f, y) == 1.0f);
  // pow(-1, +-inf) = 1.
  CHECK(pow(-1.0f, kInf) == 1.0f);
  CHECK(pow(-1.0f, -kInf) == 1.0f);
  // pow(+-0, y), y an odd integer < 0: +-inf.
  CHECK(pow(0.0f, -3.0f) == kInf);
  CHECK(pow(-0.0f, -3.0f) == -kInf);
  CHECK(pow(-0.0f, -1.0f) == -kInf);
  CHECK(pow(-0.0f, -0x1.fffffep23f) == -kInf);
  // pow(+-0, -inf) = +inf.
  CHECK(pow(0.0f, -kInf) == kInf);
  CHECK(pow(-0.0f, -kInf) == kInf);
  // pow(+-0, y), y < 0 and not an odd integer: +inf.
  CHECK(pow(0.0f, -2.0f) == kInf);
  CHECK(pow(-0.0f, -2.0f) == kInf);
  CHECK(pow(-0.0f, -2.5f) == kInf);
  CHECK(pow(-0.0f, -0x1p24f) == kInf);
  CHECK(pow(-0.0f, -kMax) == kInf);
  // pow(+-0, y), y an odd integer > 0: +-0.
  CHECK(is_pos_zero(pow(0.0f, 3.0f)));
  CHECK(is_neg_zero(pow(-0.0f, 3.0f)));
  CHECK(is_neg_zero(pow(-0.0f, 1.0f)));
  CHECK(is_neg_zero(pow(-0.0f, 0x1.fffffep23f)));
  // pow(+-0, y), y > 0 and not an odd integer: +0.
  CHECK(is_pos_zero(pow(0.0f, 2.0f)));
  CHECK(is_pos_zero(pow(-0.0f, 2.0f)));
  CHECK(is_pos_zero(pow(-0.0f, 0.5f)));
  CHECK(is_pos_zero(pow(-0.0f, 2.5f)));
  CHECK(is_pos_zero(pow(-0.0f, 0x1p24f)));
  CHECK(is_pos_zero(pow(-0.0f, kMax)));
  CHECK(is_pos_zero(pow(-0.0f, kInf)));
  // pow(x, -inf): +inf for |x| < 1, +0 for |x| > 1.
  CHECK(pow(0.5f, -kInf) == kInf);
  CHECK(pow(-0.5f, -kInf) == kInf);
  CHECK(pow(kDenormMin, -kInf) == kInf);
  CHECK(is_pos_zero(pow(2.0f, -kInf)));
  CHECK(is_pos_zero(pow(-2.0f, -kInf)));
  CHECK(is_pos_zero(pow(kInf, -kInf)));
  CHECK(is_pos_zero(pow(-kInf, -kInf)));
  // pow(x, +inf): +0 for |x| < 1, +inf for |x| > 1.
  CHECK(is_pos_zero(pow(0.5f, kInf)));
  CHECK(is_pos_zero(pow(-0.5f, kInf)));
  CHECK(pow(2.0f, kInf) == kInf);
  CHECK(pow(-2.0f, kInf) == kInf);
  CHECK(pow(kInf, kInf) == kInf);
  CHECK(pow(-kInf, kInf) == kInf);
  CHECK(pow(0x1.000002p0f, kInf) == kInf);
  CHECK(is_pos_zero(pow(0x1.fffffep-1f, kInf)));
  // pow(-inf, y): -0 (y odd integer < 0), +0 (y < 0 otherwise),
  // -inf (y odd integer > 0), +inf (y > 0 otherwise).
  CHECK(is_neg_zero(pow(-kInf, -3.0f)));
  CHECK(is_neg_zero(pow(-kInf, -1.0f)));
  CHECK(is_pos_zero(pow(-kInf, -2.0f)));
  CHECK(is_pos_zero(pow(-kInf, -2.5f)));
  CHECK(pow(-kInf, 3.0f) == -kInf);
  CHECK(pow(-kInf, 1.0f) == -kInf);
  CHECK(pow(-kInf, 2.0f) == kInf);
  CHECK(pow(-kInf, 2.5f) == kInf);
  CHECK(pow(-kInf, 0.5f) == kInf);
  // pow(+inf, y): +0 for y < 0, +inf for y > 0.
  CHECK(is_pos_zero(pow(kInf, -1.0f)));
  CHECK(is_pos_zero(pow(kInf, -0.5f)));
  CHECK(is_pos_zero(pow(kInf, -kDenormMin)));
  CHECK(pow(kInf, 1.0f) == kInf);
  CHECK(pow(kInf, kDenormMin) == kInf);
  // Negative finite x, finite non-integer y: NaN.
  CHECK(std::isnan(pow(-2.0f, 0.5f)));
  CHECK(std::isnan(pow(-2.0f, -2.5f)));
  CHECK(std::isnan(pow(-kMax, 0x1.fffffep22f)));
  CHECK(std::isnan(pow(-kDenormMin, 1.5f)));
  CHECK(std::isnan(pow(-1.0f, 0.5f)));
  // Negative x, integer y: the signed result.
  CHECK(pow(-2.0f, 3.0f) == -8.0f);
  CHECK(pow(-2.0f, 2.0f) == 4.0f);
  CHECK(pow(-2.0f, -1.0f) == -0.5f);
  CHECK(pow(-2.0f, -2.0f) == 0.25f);
  CHECK(pow(-1.0f, 0x1.fffffep23f) == -1.0f);  // 16777215, odd
  CHECK(pow(-1.0f, 0x1p24f) == 1.0f);
  CHECK(pow(-1.0f, kMax) == 1.0f);
  CHECK(pow(-2.0f, 127.0f) == -0x1p127f);
  CHECK(pow(-2.0f, 128.0f) == kInf);
  CHECK(pow(-2.0f, 129.0f) == -kInf);
  CHECK(pow(-2.0f, -149.0f) == -kDenormMin);
  CHECK(is_neg_zero(pow(-2.0f, -151.0f)));
  CHECK(is_pos_zero(pow(-2.0f, -150.0f)));
  // NaN otherwise.
  CHECK(std::isnan(pow(kNan, 1.0f)));
  CHECK(std::isnan(pow(kNan, kInf)));
  CHECK(std::isnan(pow(2.0f, kNan)));
  CHECK(std::isnan(pow(-1.0f, kNan)));
  CHECK(std::isnan(pow(0.0f, kNan)));
  CHECK(std::isnan(pow(kInf, kNan)));
  // Exact and small cases.
  CHECK(pow(2.0f, 10.0f) == 1024.0f);
  CHECK(pow(4.0f, 0.5f) == 2.0f);
  CHECK(pow(2.0f, -149.0f) == kDenormMin);
  CHECK(pow(3.0f, 2.0f) == 9.0f);
  CHECK(pow(0x1.002p0f, 2.0f) == 0x1.004004p0f);  // exact
  CHECK(pow(0x1.001p0f, 2.0f) == 0x1.002p0f);     // exact square is a tie: to even
  CHECK(pow(kMax, 1.0f) == kMax);
  CHECK(pow(kDenormMin, 1.0f) == kDenormMin);
  CHECK(pow(kMax, -1.0f) == static_cast<float>(1.0 / static_cast<double>(kMax)));
}

TEST_CASE("math: accuracy of exp, log, tanh, sigmoid", "[math]") {
  check(sweep(
      "exp", [](float x) { return nf::math::exp(x); }, [](double x) { return std::exp(x); },
      kStride, -104.0f, -87.0f, 7));
  check(sweep(
      "log", [](float x) { return nf::math::log(x); }, [](double x) { return std::log(x); },
      kStride, 0x1.e0p-1f, 0x1.1p0f, 1));
  check(sweep(
      "tanh", [](float x) { return nf::math::tanh(x); }, [](double x) { return std::tanh(x); },
      kStride, 0.0f, 1.0f, 127));
  check(sweep(
      "sigmoid", [](float x) { return nf::math::sigmoid(x); },
      [](double x) { return 1.0 / (1.0 + std::exp(-x)); }, kStride, -104.0f, -87.0f, 7));
}

TEST_CASE("math: accuracy of sin, cos", "[math]") {
  check(sweep(
      "sin", [](float x) { return nf::math::sin(x); }, [](double x) { return std::sin(x); },
      kStride, 0.0f, 8.0f, 127));
  check(sweep(
      "cos", [](float x) { return nf::math::cos(x); }, [](double x) { return std::cos(x); },
      kStride, 0.0f, 8.0f, 127));
}

TEST_CASE("math: accuracy of pow", "[math]") {
  Stats s;
  s.name = "pow";
  auto add = [&s](float x, float y) {
    s.add(nf::math::pow(x, y), std::pow(static_cast<double>(x), static_cast<double>(y)), x, y);
  };
  // 1. Grid over all bit patterns of x and of y (2039 x 2039 patterns).
  constexpr std::uint32_t kGrid = 2039;
  constexpr std::uint32_t kGridStride = 0xFFFFFFFFu / kGrid;
  for (std::uint32_t i = 0; i < kGrid; ++i)
    for (std::uint32_t j = 0; j < kGrid; ++j)
      add(from_bits(i * kGridStride + 12345u), from_bits(j * kGridStride + 777u));
  // 2. Results spread over the whole binary32 range: for positive x over the
  //    bit patterns, y = t / ln(x) for t over [-106, 90] (t = y ln x).
  for (std::uint32_t xb = 1; xb < 0x7F800000u; xb += 0x7F800000u / 4001u) {
    float x = from_bits(xb);
    if (x == 1.0f) continue;
    double lx = std::log(static_cast<double>(x));
    for (int k = 0; k <= 500; ++k) {
      double t = -106.0 + 196.0 * k / 500.0;
      add(x, static_cast<float>(t / lx));
      add(-x, std::nearbyint(static_cast<float>(t / lx)));
    }
  }
  // 3. x near 1 with large |y|.
  for (std::uint32_t k = 1; k <= 2000; k += 3) {
    for (float x : {from_bits(bits(1.0f) + k), from_bits(bits(1.0f) - k)}) {
      for (int j = -200; j <= 200; ++j) {
        add(x, static_cast<float>(j * 1.0e5 / static_cast<double>(k)));
      }
    }
  }
  // 4. Small integer and simple fractional exponents.
  for (std::uint32_t xb = 0; xb < 0x80000000u; xb += 0x80000000u / 2003u) {
    float x = from_bits(xb);
    for (int j = -40; j <= 40; ++j) {
      add(x, static_cast<float>(j));
      add(-x, static_cast<float>(j));
      add(x, static_cast<float>(j) * 0.5f);
      add(x, static_cast<float>(j) * 0.25f);
    }
  }
  // 5. Special pairs.
  const float sp[] = {0.0f, -0.0f, kDenormMin, -kDenormMin, kMin, -kMin, kMax, -kMax,
                      kInf, -kInf, kNan, 1.0f, -1.0f, 0.5f, -0.5f, 2.0f, -2.0f, 3.0f, -3.0f,
                      0x1p24f, -0x1p24f, 0x1.fffffep23f, -0x1.fffffep23f, 0x1.000002p0f,
                      0x1.fffffep-1f, 10.0f, 0.1f, 127.5f, -149.5f};
  for (float x : sp)
    for (float y : sp) add(x, y);
  check(s);
}
