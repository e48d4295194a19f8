// Baselines the benchmark measures the compiled code against, all in the
// same run: a STREAM-style memory probe (the roof), a hand-written fused loop
// of the mstdpet-layer step with exactly the compiled arithmetic, and a naive
// loop per IR operation (what array-at-a-time frameworks execute).
#pragma once

#include <cstdint>
#include <vector>

namespace nf::bench {

// Memory bandwidth in GB/s (1e9 bytes/s) of three access patterns over
// arrays of `floats` elements each, with `threads` threads:
//   copy  a = b                      (8 bytes per element)
//   triad a = b + s * c              (12 bytes per element)
//   rmw   a += 1, b += 1, c += 1     (24 bytes per element: the shape of a
//                                     plasticity step, three matrices read and written)
//   rmw2  a += 1, b += 1             (16 bytes per element: the factored MSTDP-ET
//                                     update, weights and eligibility)
//   rmw1  a += 1                     (8 bytes per element: one stream read and written)
struct Roof {
  double copy = 0, triad = 0, rmw = 0, rmw2 = 0, rmw1 = 0;
};
Roof measure_roof(int64_t floats, int threads, double seconds_each);

// The mstdpet-layer state the hand-written loops work on (n x n synapse).
struct Layer {
  int64_t n = 0;
  std::vector<float> w, e, dw;                     // weights, eligibility, dWeights
  std::vector<float> pre_in, post_in;              // spike probabilities
  std::vector<float> pre_s, post_s, pre_tr, post_tr, pre_tols, post_tols, out;
  int32_t pre_key = 0, post_key = 0;
  uint32_t pre_stream = 0, post_stream = 0;
  uint64_t seed = 1;
  float modulator = 1.0f;
  std::vector<std::vector<float>> temporaries;  // naive_step's, kept between steps
  // handwritten_factored_step's dWeights: the vectors of the step that formed
  // it (pre trace, pre spikes, post spikes, post trace), kept instead of dw.
  std::vector<float> dw_pre_tr, dw_pre_s, dw_post_s, dw_post_tr;
};

// One step, fused by hand: the spike sources and traces (O(n)), then one pass
// over W, E and dW that forms the synaptic transform and the MSTDP-ET update,
// with the compiled code's operation order and no contraction.
void handwritten_step(Layer& l, float t, float dt);

// The same step fused by hand as an expert without exactness constraints
// writes it: divisions by constants folded into multiplications by their
// reciprocal, constant factors folded, and multiply-adds contracted into
// std::fma. Its results are close to, not equal to, the compiled step's; it
// is the speed a hand-written loop reaches once it may round differently.
void handwritten_fast_step(Layer& l, float t, float dt);

// handwritten_fast_step with dWeights kept as its outer-product factors (the
// previous step's four vectors), recomputed where the eligibility reads it:
// 16 bytes a synapse instead of 24. It recomputes each element exactly as
// handwritten_fast_step computes the one it stores, so the two give the same
// bits. keep_factors(l) takes the factors from a layer whose dw was formed
// from its current vectors (a state after a step).
void keep_factors(Layer& l);
void handwritten_factored_step(Layer& l, float t, float dt);

// The same step as one loop per IR operation with a temporary array per
// result, the way an array library executes it (temporaries reused between
// steps, as a caching allocator does; the new W, E and dW written in place).
void naive_step(Layer& l, float t, float dt);

}  // namespace nf::bench
