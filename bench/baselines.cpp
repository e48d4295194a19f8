// Compiled with -O3 -march=native (see bench/CMakeLists.txt) and, like the
// whole project, -ffp-contract=off: no contraction, divisions kept.
#include "baselines.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
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

// clip(x, 0, 1) as an expert writes it without exactness constraints: one
// maxps and one minps (x86 max/min return their second operand when either
// is NaN, which the exact clip above does not).
inline float clip01(float x) { return std::min(std::max(x, 0.0f), 1.0f); }

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
void rmw2_loop(float* __restrict a, float* __restrict b, int64_t lo, int64_t hi) {
  for (int64_t i = lo; i < hi; ++i) {
    a[i] = a[i] + 1.0f;
    b[i] = b[i] + 1.0f;
  }
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
  r.rmw2 = bandwidth(floats, threads, seconds, 16, [=](int64_t lo, int64_t hi) { rmw2_loop(a, b, lo, hi); });
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

// handwritten_row with the expert's liberties: the 1/25 and the constant
// factors folded, every multiply-add one fma.
template <bool First>
void handwritten_fast_row(int64_t n, float a, float c, float decay, float rate, const float* __restrict post_s,
                          const float* __restrict post_tr, float* __restrict out, float* __restrict wm,
                          float* __restrict e, float* __restrict dw) {
  const float inv_tau = 1.0f / 25.0f, half_c = c * 0.5f;
  for (int64_t j = 0; j < n; ++j) {
    if constexpr (First) out[j] = c * wm[j];
    else out[j] = std::fma(c, wm[j], out[j]);
    const float E = std::fma(e[j], decay, dw[j] * inv_tau);
    const float Wn = std::fma(E, rate, wm[j]);
    dw[j] = std::fma(a, post_s[j], -(half_c * post_tr[j]));
    wm[j] = clip01(Wn);
    e[j] = E;
  }
}

// The expert's step: sources and traces, then `row(i, at, c, decay, rate)`
// for each row i of the matrices (at = i * n, c = row i's pre spike).
template <typename Row>
void expert_step(Layer& l, float t, float dt, Row row) {
  sources(l, t, dt);
  const float decay = math::exp(-dt / 25.0f);
  const float rate = l.modulator * 0.01f;
  for (int64_t i = 0; i < l.n; ++i) row(i, i * l.n, l.pre_s[size_t(i)], decay, rate);
}

void handwritten_fast_step(Layer& l, float t, float dt) {
  float* __restrict out = l.out.data();
  expert_step(l, t, dt, [&](int64_t i, int64_t at, float c, float decay, float rate) {
    const float a = l.pre_tr[size_t(i)];
    if (i == 0) handwritten_fast_row<true>(l.n, a, c, decay, rate, l.post_s.data(), l.post_tr.data(), out, l.w.data() + at, l.e.data() + at, l.dw.data() + at);
    else handwritten_fast_row<false>(l.n, a, c, decay, rate, l.post_s.data(), l.post_tr.data(), out, l.w.data() + at, l.e.data() + at, l.dw.data() + at);
  });
}

// handwritten_fast_row reading dWeights from its factors: row i's old dw is
// fma(a_old, post_s_old[j], -(half_c_old * post_tr_old[j])), the value
// handwritten_fast_row stored.
template <bool First>
void handwritten_factored_row(int64_t n, float c, float a_old, float half_c_old, float decay, float rate,
                              const float* __restrict post_s_old, const float* __restrict post_tr_old,
                              float* __restrict out, float* __restrict wm, float* __restrict e) {
  const float inv_tau = 1.0f / 25.0f;
  for (int64_t j = 0; j < n; ++j) {
    if constexpr (First) out[j] = c * wm[j];
    else out[j] = std::fma(c, wm[j], out[j]);
    const float dw = std::fma(a_old, post_s_old[j], -(half_c_old * post_tr_old[j]));
    const float E = std::fma(e[j], decay, dw * inv_tau);
    const float Wn = std::fma(E, rate, wm[j]);
    wm[j] = clip01(Wn);
    e[j] = E;
  }
}

// This step's dWeights: the vectors that formed it (O(n) copies).
static void remember_factors(Layer& l) {
  l.dw_pre_tr = l.pre_tr;
  l.dw_pre_s = l.pre_s;
  l.dw_post_s = l.post_s;
  l.dw_post_tr = l.post_tr;
}

void keep_factors(Layer& l) {
  remember_factors(l);
  l.dw.clear();
  l.dw.shrink_to_fit();
}

void handwritten_factored_step(Layer& l, float t, float dt) {
  float* __restrict out = l.out.data();
  expert_step(l, t, dt, [&](int64_t i, int64_t at, float c, float decay, float rate) {
    const float a_old = l.dw_pre_tr[size_t(i)], half_c_old = l.dw_pre_s[size_t(i)] * 0.5f;
    if (i == 0)
      handwritten_factored_row<true>(l.n, c, a_old, half_c_old, decay, rate, l.dw_post_s.data(), l.dw_post_tr.data(),
                                     out, l.w.data() + at, l.e.data() + at);
    else
      handwritten_factored_row<false>(l.n, c, a_old, half_c_old, decay, rate, l.dw_post_s.data(), l.dw_post_tr.data(),
                                      out, l.w.data() + at, l.e.data() + at);
  });
  remember_factors(l);
}

// The naive step's kernels: one vectorizable loop per operation, as NumPy's
// ufunc inner loops are.
template <typename F>
void map1(float* __restrict out, const float* __restrict x, size_t n, F f) {
  for (size_t k = 0; k < n; ++k) out[k] = f(x[k]);
}
template <typename F>
void map2(float* __restrict out, const float* __restrict x, const float* __restrict y, size_t n, F f) {
  for (size_t k = 0; k < n; ++k) out[k] = f(x[k], y[k]);
}
void accumulate(float* __restrict acc, const float* __restrict row, float x, size_t n) {
  for (size_t j = 0; j < n; ++j) acc[j] = acc[j] + x * row[j];
}
void outer(float* __restrict out, const float* __restrict a, const float* __restrict b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) out[i * n + j] = a[i] * b[j];
}

void naive_step(Layer& l, float t, float dt) {
  const size_t nn = size_t(l.n * l.n), nv = size_t(l.n);
  sources(l, t, dt);
  // Temporaries come from a cache that keeps them between steps, as the
  // allocators of JAX or PyTorch do: the timing is the passes, not page faults.
  if (l.temporaries.empty())
    for (size_t size : {nv, nn, nn, nn, nn, nn, nn, nn, nn, nn, nn, nv, nv, nv}) l.temporaries.emplace_back(size);
  auto array = [&, next = size_t(0)](size_t) mutable { return l.temporaries[next++].data(); };
  float *mm = array(nv), *t1 = array(nn), *t2 = array(nn), *t3 = array(nn), *t4 = array(nn), *t5 = array(nn),
        *t6 = array(nn), *Wn = array(nn), *ltp = array(nn), *ltd = array(nn), *nltd = array(nn), *a = array(nv),
        *b = array(nv), *d = array(nv);
  float *E = l.e.data(), *dW = l.dw.data(), *W = l.w.data();  // results go to the layer (out=)
  const float mod = l.modulator, decay = math::exp(-dt / 25.0f);
  // outputs = pre_s @ W, k ascending from the k = 0 product
  map1(mm, W, nv, [&](float w) { return l.pre_s[0] * w; });
  for (size_t k = 1; k < nv; ++k) accumulate(mm, W + k * nv, l.pre_s[k], nv);
  map1(l.out.data(), mm, nv, [](float m) { return m * 1.0f * 1.0f + 0.0f; });
  map1(t1, E, nn, [decay](float e) { return e * decay; });
  map1(t2, t1, nn, [](float x) { return x * 1.0f; });
  map1(t3, dW, nn, [](float x) { return x / 25.0f; });
  map2(E, t2, t3, nn, [](float x, float y) { return x + y; });
  map1(t4, E, nn, [mod](float x) { return x * mod; });
  map1(t5, t4, nn, [](float x) { return x * 0.01f; });
  map1(t6, t5, nn, [](float x) { return x * 1.0f; });
  map2(Wn, W, t6, nn, [](float w, float x) { return w + x; });
  map1(a, l.pre_tr.data(), nv, [](float x) { return x - 0.0f; });
  map1(b, l.post_s.data(), nv, [](float x) { return x * 1.0f; });
  map1(d, l.post_tr.data(), nv, [](float x) { return x * 0.5f; });
  outer(ltp, a, b, nv);
  outer(ltd, l.pre_s.data(), d, nv);
  map1(nltd, ltd, nn, [](float x) { return -x; });
  map2(dW, ltp, nltd, nn, [](float x, float y) { return x + y; });
  map1(W, Wn, nn, [](float x) { return min1(max0(x)); });
}

}  // namespace nf::bench
