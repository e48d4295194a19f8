// Compiled with -O3 -march=native (see bench/CMakeLists.txt) and, like the
// whole project, -ffp-contract=off: no contraction, divisions kept.
#include "baselines.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <type_traits>

#include "ir/math.h"
#include "ir/random.h"

namespace nf::bench {

namespace {

// IEEE 754-2019 maximum(x, 0) and minimum(x, 1), as the IR's clip computes
// them (NaN stays NaN, -0 becomes +0), without a call.
inline float max0(float x) { return x > 0.0f ? x : (x <= 0.0f ? 0.0f : x); }
inline float min1(float x) { return x < 1.0f ? x : (x >= 1.0f ? 1.0f : x); }

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// GB/s of `body` over [0, floats) split among `threads` threads, each
// thread repeating its share until `seconds` have passed (threads are
// started once, so small, cache-resident arrays measure the cache).
template <class Body>
double bandwidth(int64_t floats, int threads, double seconds, double bytes_per_element, Body body) {
  std::vector<int64_t> passes(size_t(threads), 0);
  std::vector<double> elapsed(size_t(threads), 0);
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k)
    pool.emplace_back([&, k] {
      int64_t lo = floats * k / threads, hi = floats * (k + 1) / threads;
      body(lo, hi);  // warm up
      double start = now();
      do {
        body(lo, hi);
        ++passes[size_t(k)];
      } while (now() - start < seconds);
      elapsed[size_t(k)] = now() - start;
    });
  for (std::thread& th : pool) th.join();
  double rate = 0;
  for (int k = 0; k < threads; ++k)
    rate += double(passes[size_t(k)]) * double(floats / threads) * bytes_per_element / elapsed[size_t(k)];
  return rate / 1e9;
}

// The spike sources and traces: identical to BernoulliCell and VarTrace.
void sources(Layer& l, float t, float dt) {
  const int64_t n = l.n;
  const float f = math::exp(-dt / 20.0f);
  for (int64_t i = 0; i < n; ++i) {
    float s = random::bernoulli(l.pre_in[size_t(i)], l.seed, l.pre_stream, uint32_t(l.pre_key), uint32_t(i)) ? 1.0f : 0.0f;
    l.pre_s[size_t(i)] = s;
    l.pre_tols[size_t(i)] = (1.0f - s) * l.pre_tols[size_t(i)] + s * t;
  }
  for (int64_t i = 0; i < n; ++i) {
    float s = random::bernoulli(l.post_in[size_t(i)], l.seed, l.post_stream, uint32_t(l.post_key), uint32_t(i)) ? 1.0f : 0.0f;
    l.post_s[size_t(i)] = s;
    l.post_tols[size_t(i)] = (1.0f - s) * l.post_tols[size_t(i)] + s * t;
  }
  ++l.pre_key;
  ++l.post_key;
  for (int64_t i = 0; i < n; ++i) l.pre_tr[size_t(i)] = 1.0f * l.pre_tr[size_t(i)] * f + l.pre_s[size_t(i)] * 1.0f;
  for (int64_t i = 0; i < n; ++i) l.post_tr[size_t(i)] = 1.0f * l.post_tr[size_t(i)] * f + l.post_s[size_t(i)] * 1.0f;
}

}  // namespace

namespace {
// The probe's loops, on restrict pointers so the compiler vectorizes them
// exactly as a hand-written STREAM would.
void copy_loop(float* __restrict a, const float* __restrict b, int64_t lo, int64_t hi) {
  for (int64_t i = lo; i < hi; ++i) a[i] = b[i];
}
void triad_loop(float* __restrict a, const float* __restrict b, const float* __restrict c, int64_t lo, int64_t hi) {
  for (int64_t i = lo; i < hi; ++i) a[i] = b[i] + 0.5f * c[i];
}
void rmw1_loop(float* __restrict a, int64_t lo, int64_t hi) {
  for (int64_t i = lo; i < hi; ++i) a[i] = a[i] + 1.0f;
}
void rmw_loop(float* __restrict a, float* __restrict b, float* __restrict c, int64_t lo, int64_t hi) {
  for (int64_t i = lo; i < hi; ++i) {
    a[i] = a[i] + 1.0f;
    b[i] = b[i] + 1.0f;
    c[i] = c[i] + 1.0f;
  }
}
}  // namespace

Roof measure_roof(int64_t floats, int threads, double seconds) {
  // One buffer; the arrays start 4 KB + 64 B apart modulo the page, so they
  // do not collide in the cache sets or the load/store alias checks.
  const int64_t stride = floats + 1040;
  std::vector<float> buffer(size_t(3 * stride), 1.0f);
  float* a = buffer.data();
  float* b = a + stride;
  float* c = b + stride;
  Roof r;
  r.copy = bandwidth(floats, threads, seconds, 8, [=](int64_t lo, int64_t hi) { copy_loop(a, b, lo, hi); });
  r.triad = bandwidth(floats, threads, seconds, 12, [=](int64_t lo, int64_t hi) { triad_loop(a, b, c, lo, hi); });
  r.rmw = bandwidth(floats, threads, seconds, 24, [=](int64_t lo, int64_t hi) { rmw_loop(a, b, c, lo, hi); });
  r.rmw1 = bandwidth(floats, threads, seconds, 8, [=](int64_t lo, int64_t hi) { rmw1_loop(a, lo, hi); });
  return r;
}

// One row of the hand-written MSTDP-ET pass: the row's transform term with
// its old weights, then its update.
template <bool First>
void handwritten_row(int64_t n, float a, float c, float decay, float mod_eta, const float* __restrict post_s,
                     const float* __restrict post_tr, float* __restrict out, float* __restrict wm, float* __restrict e,
                     float* __restrict dw) {
  for (int64_t j = 0; j < n; ++j) {
    const float term = c * wm[j];
    if constexpr (First) out[j] = term;
    else out[j] = out[j] + term;
    const float E = e[j] * decay * 1.0f + dw[j] / 25.0f;
    const float Wn = wm[j] + E * mod_eta * 0.01f * 1.0f;
    const float ltp = a * (post_s[j] * 1.0f);
    const float ltd = c * (post_tr[j] * 0.5f);
    dw[j] = ltp + -ltd;
    wm[j] = min1(max0(Wn));
    e[j] = E;
  }
}

void handwritten_step(Layer& l, float t, float dt) {
  const int64_t n = l.n;
  sources(l, t, dt);
  // One pass over W, E and dW. Row i first adds its term of the transform
  // outputs = (pre_s @ W) * gate * g + biases (i ascending, the sum starting
  // at row 0) with the row's old weights, then updates the row.
  float* __restrict out = l.out.data();
  const float decay = math::exp(-dt / 25.0f);
  const float mod_eta = l.modulator;
  float* __restrict e = l.e.data();
  float* __restrict dw = l.dw.data();
  float* __restrict wm = l.w.data();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t at = i * n;
    const float a = l.pre_tr[size_t(i)] - 0.0f;  // pre trace - pretrace_target
    const float c = l.pre_s[size_t(i)];
    if (i == 0) handwritten_row<true>(n, a, c, decay, mod_eta, l.post_s.data(), l.post_tr.data(), out, wm + at, e + at, dw + at);
    else handwritten_row<false>(n, a, c, decay, mod_eta, l.post_s.data(), l.post_tr.data(), out, wm + at, e + at, dw + at);
  }
  for (int64_t j = 0; j < n; ++j) out[j] = out[j] * 1.0f * 1.0f + 0.0f;
}

void naive_step(Layer& l, float t, float dt) {
  const int64_t n = l.n;
  const size_t nn = size_t(n * n), nv = size_t(n);
  sources(l, t, dt);
  // One temporary and one loop per operation, as an array library would.
  std::vector<float> mm(nv), t1(nn), t2(nn), t3(nn), E(nn), t4(nn), t5(nn), t6(nn), Wn(nn), ltp(nn), ltd(nn), nltd(nn),
      dW(nn), Wc(nn), a(nv), b(nv), d(nv);
  for (size_t j = 0; j < nv; ++j) mm[j] = l.pre_s[0] * l.w[j];
  for (size_t k = 1; k < nv; ++k)
    for (size_t j = 0; j < nv; ++j) mm[j] = mm[j] + l.pre_s[k] * l.w[k * nv + j];
  for (size_t j = 0; j < nv; ++j) l.out[j] = mm[j] * 1.0f * 1.0f + 0.0f;
  const float decay = math::exp(-dt / 25.0f);
  for (size_t k = 0; k < nn; ++k) t1[k] = l.e[k] * decay;
  for (size_t k = 0; k < nn; ++k) t2[k] = t1[k] * 1.0f;
  for (size_t k = 0; k < nn; ++k) t3[k] = l.dw[k] / 25.0f;
  for (size_t k = 0; k < nn; ++k) E[k] = t2[k] + t3[k];
  for (size_t k = 0; k < nn; ++k) t4[k] = E[k] * l.modulator;
  for (size_t k = 0; k < nn; ++k) t5[k] = t4[k] * 0.01f;
  for (size_t k = 0; k < nn; ++k) t6[k] = t5[k] * 1.0f;
  for (size_t k = 0; k < nn; ++k) Wn[k] = l.w[k] + t6[k];
  for (size_t i = 0; i < nv; ++i) a[i] = l.pre_tr[i] - 0.0f;
  for (size_t j = 0; j < nv; ++j) b[j] = l.post_s[j] * 1.0f;
  for (size_t j = 0; j < nv; ++j) d[j] = l.post_tr[j] * 0.5f;
  for (size_t i = 0; i < nv; ++i)
    for (size_t j = 0; j < nv; ++j) ltp[i * nv + j] = a[i] * b[j];
  for (size_t i = 0; i < nv; ++i)
    for (size_t j = 0; j < nv; ++j) ltd[i * nv + j] = l.pre_s[i] * d[j];
  for (size_t k = 0; k < nn; ++k) nltd[k] = -ltd[k];
  for (size_t k = 0; k < nn; ++k) dW[k] = ltp[k] + nltd[k];
  for (size_t k = 0; k < nn; ++k) Wc[k] = min1(max0(Wn[k]));
  l.w.swap(Wc);
  l.dw.swap(dW);
  l.e.swap(E);
}

}  // namespace nf::bench
