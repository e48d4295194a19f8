// Scenario tests of the standard component library (stdlib/*.nf): synapses.
//
// Each test compiles a small model, runs it through the reference interpreter
// and checks the worked cases of ngclearn's semantics. Where a case has a
// published decimal value, the result is checked twice: bit for bit against
// the same formula evaluated here in binary32 in the component's order of
// operations (with nf::math's functions and nf::random's draws), and against
// the published decimal to a relative 1e-6 (the decimals are rounded, and
// ngclearn's own float32 order of operations may differ in the last ulp).
// Values the reference says are exact (0.875, 0.75, 1.25, ...) are checked
// for exact equality.
#include "tests/stdlib_test_util.h"

using namespace nf::ir::stdlib_test;

TEST_CASE("DenseSynapse: outputs = (x @ (W*mask)) * gate * g + b (7.2)", "[stdlib][dense]") {
  Program p = compile(single("DenseSynapse(shape=(3, 2), weight_init=constant(0.0), g_conduct_factor=2.0)",
                             {"advance_state", "reset"}));
  State s = create_state(p, 1);
  put(s, "W.weights", {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f});
  put(s, "W.inputs", {1, 0, 2});
  put(s, "W.gate", {1, 0.5f});
  put(s, "W.biases", {0.01f, -0.01f});
  run(p, "advance_state", s);
  // x @ W summed in ascending k, then * gate, * g, + b.
  float xw0 = (1.0f * 0.1f + 0.0f * 0.3f) + 2.0f * 0.5f;
  float xw1 = (1.0f * 0.2f + 0.0f * 0.4f) + 2.0f * 0.6f;
  check_f32(s.get("W.outputs"), {1, 2}, {xw0 * 1.0f * 2.0f + 0.01f, xw1 * 0.5f * 2.0f + -0.01f});
  check_near(at(s, "W.outputs", 0), 2.21);
  check_near(at(s, "W.outputs", 1), 1.39);
  CHECK(param_default(p, "W.g_conduct_factor") == 2.0f);

  // g_conduct_factor is a run-time parameter.
  s.set_param("W.g_conduct_factor", 1.0f);
  run(p, "advance_state", s);
  check_f32(s.get("W.outputs"), {1, 2}, {xw0 * 1.0f * 1.0f + 0.01f, xw1 * 0.5f * 1.0f + -0.01f});

  // reset: inputs 0, gate 1, outputs 0; weights and biases kept.
  run(p, "reset", s);
  check_f32(s.get("W.inputs"), {1, 3}, {0, 0, 0});
  check_f32(s.get("W.gate"), {1, 2}, {1, 1});
  check_f32(s.get("W.outputs"), {1, 2}, {0, 0});
  check_f32(s.get("W.weights"), {3, 2}, {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f});
  check_f32(s.get("W.biases"), {1, 2}, {0.01f, -0.01f});
}

TEST_CASE("DenseSynapse: resist_scale is another name for g_conduct_factor", "[stdlib][dense]") {
  Program a = compile(single("DenseSynapse(shape=(2, 2), resist_scale=-4.0)", {"advance_state"}));
  Program b = compile(single("DenseSynapse(shape=(2, 2), g_conduct_factor=-4.0)", {"advance_state"}));
  CHECK(structurally_equal(a, b));
  CHECK(param_default(a, "W.g_conduct_factor") == -4.0f);
  CHECK_THROWS_AS(compile(single("DenseSynapse(shape=(2, 2), resist_scale=2.0, g_conduct_factor=2.0)",
                                 {"advance_state"})),
                  nf::Error);
}

TEST_CASE("DenseSynapse: lateral inhibition with hollow weights and g = -4 (7.2)", "[stdlib][dense]") {
  Program p = compile(single("DenseSynapse(shape=(3, 3), weight_init=constant(1.0, hollow=true), g_conduct_factor=-4.0)",
                             {"advance_state"}));
  State s = create_state(p, 1);
  check_f32(s.get("W.weights"), {3, 3}, {0, 1, 1, 1, 0, 1, 1, 1, 0});
  put(s, "W.inputs", {1, 0, 1});
  run(p, "advance_state", s);
  check_f32(s.get("W.outputs"), {1, 3}, {-4, -8, -4});
}

TEST_CASE("DenseSynapse: mask_init masks the transform, not the stored weights; bias_init draws biases",
          "[stdlib][dense]") {
  Program p = compile(single("DenseSynapse(shape=(3, 3), weight_init=constant(1.0), "
                             "mask_init=constant(1.0, hollow=true), bias_init=constant(0.5))",
                             {"advance_state"}));
  State s = create_state(p, 1);
  check_f32(s.get("W.weights"), {3, 3}, {1, 1, 1, 1, 1, 1, 1, 1, 1});
  check_f32(s.get("W.mask"), {3, 3}, {0, 1, 1, 1, 0, 1, 1, 1, 0});
  check_f32(s.get("W.biases"), {1, 3}, {0.5f, 0.5f, 0.5f});
  put(s, "W.inputs", {1, 0, 1});
  run(p, "advance_state", s);
  check_f32(s.get("W.outputs"), {1, 3}, {1.5f, 2.5f, 1.5f});
  check_f32(s.get("W.weights"), {3, 3}, {1, 1, 1, 1, 1, 1, 1, 1, 1});

  // Without initializers: mask ones, biases zeros.
  Program q = compile(single("DenseSynapse(shape=(2, 3), weight_init=constant(2.0))", {"advance_state"}));
  State t = create_state(q, 1);
  check_f32(t.get("W.mask"), {2, 3}, {1, 1, 1, 1, 1, 1});
  check_f32(t.get("W.biases"), {1, 3}, {0, 0, 0});
  check_f32(t.get("W.gate"), {1, 3}, {1, 1, 1});
}

TEST_CASE("DenseSynapse family: p_conn masks the initial weights once with a Bernoulli draw at counter 0",
          "[stdlib][dense]") {
  struct Case {
    std::string decl;
    Shape shape;
  };
  std::vector<Case> cases = {
      {"DenseSynapse(shape=(8, 16), weight_init=constant(1.0), p_conn=0.3)", {8, 16}},
      {"StaticSynapse(shape=(8, 16), weight_init=constant(1.0), p_conn=0.3)", {8, 16}},
      {"TraceSTDPSynapse(shape=(8, 16), A_plus=1.0, A_minus=1.0, weight_init=constant(1.0), p_conn=0.3)", {8, 16}},
      {"MSTDPETSynapse(shape=(8, 16), A_plus=1.0, A_minus=1.0, weight_init=constant(1.0), p_conn=0.3)", {8, 16}},
      {"REINFORCESynapse(shape=(8, 8), weight_init=constant(1.0), p_conn=0.3)", {8, 16}},
  };
  for (const Case& c : cases) {
    INFO(c.decl);
    Program p = compile(single(c.decl, {}));
    const uint64_t seed = 1234;
    State s = create_state(p, seed);
    const uint32_t sid = nf::random::stream_id(draw_stream(p, kInitializeProcess, Op::Bernoulli));
    const Tensor& w = s.get("W.weights");
    REQUIRE(w.type.shape == c.shape);
    size_t kept = 0;
    for (uint32_t i = 0; i < w.size(); ++i) {
      bool keep = nf::random::bernoulli(0.3f, seed, sid, 0, i);
      CHECK(w.f32(i) == (keep ? 1.0f : 0.0f));
      kept += keep;
    }
    CHECK(kept > 16);  // 128 draws at p = 0.3: about 38 kept
    CHECK(kept < 64);
  }
  // p_conn = 1 (the default) and p_conn = 0 draw nothing and keep every
  // weight (initialize's choices are the model's, made when it is built).
  for (const char* pc : {"1.0", "0.0"}) {
    Program p = compile(single(std::string("DenseSynapse(shape=(2, 2), weight_init=constant(1.0), p_conn=") + pc + ")", {}));
    CHECK(count_ops(p, kInitializeProcess, Op::Bernoulli) == 0);
    State s = create_state(p, 5);
    check_f32(s.get("W.weights"), {2, 2}, {1, 1, 1, 1});
  }
}

TEST_CASE("DenseSynapse: a wired input belongs to its source and is not reset", "[stdlib][dense]") {
  Program p = compile(R"(
model m {
  A = DenseSynapse(shape=(2, 2), weight_init=constant(1.0))
  B = DenseSynapse(shape=(2, 2), weight_init=constant(0.5))
  A.outputs >> B.inputs
  process advance = A.advance_state >> B.advance_state
  process reset = B.reset
}
)");
  CHECK(p.find_compartment("B.inputs") == nullptr);
  State s = create_state(p, 1);
  put(s, "A.inputs", {1, 2});
  run(p, "advance", s);
  check_f32(s.get("A.outputs"), {1, 2}, {3, 3});
  check_f32(s.get("B.outputs"), {1, 2}, {3, 3});
  run(p, "reset", s);
  check_f32(s.get("A.outputs"), {1, 2}, {3, 3});
  check_f32(s.get("B.outputs"), {1, 2}, {0, 0});
}

TEST_CASE("StaticSynapse is DenseSynapse", "[stdlib][dense]") {
  Program a = compile(single("StaticSynapse(shape=(3, 4), resist_scale=4.0)", {"advance_state", "reset"}));
  Program b = compile(single("DenseSynapse(shape=(3, 4), resist_scale=4.0)", {"advance_state", "reset"}));
  CHECK(structurally_equal(a, b));
}

// ---------------------------------------------------------------------------
// TraceSTDPSynapse (reference 2.3, 7.3)


TEST_CASE("TraceSTDPSynapse: ngclearn's unit test (7.3)", "[stdlib][stdp]") {
  Program p = compile(single("TraceSTDPSynapse(shape=(1, 1), A_plus=1.0, A_minus=1.0, eta=0.0, "
                             "weight_init=constant(0.1))",
                             {"advance_state", "evolve", "reset"}));
  State s = create_state(p, 1);
  check_f32(s.get("W.weights"), {1, 1}, {0.1f});

  run(p, "reset", s);
  clamp_stdp(s, "W", 0.0f, 1.25f, 1.0f, 0.65f);
  run(p, "advance_state", s);
  run(p, "evolve", s);
  check_f32(s.get("W.dWeights"), {1, 1}, {1.25f});
  check_f32(s.get("W.weights"), {1, 1}, {0.1f});

  run(p, "reset", s);
  for (const char* c : {"W.preSpike", "W.preTrace", "W.postSpike", "W.postTrace", "W.dWeights", "W.outputs"})
    CHECK(at(s, c) == 0.0f);
  clamp_stdp(s, "W", 1.0f, 1.25f, 0.0f, 0.65f);
  run(p, "advance_state", s);
  run(p, "evolve", s);
  check_f32(s.get("W.dWeights"), {1, 1}, {-0.65f});
  check_f32(s.get("W.weights"), {1, 1}, {0.1f});
}

TEST_CASE("TraceSTDPSynapse: mu, tau_w, pretrace_target, A_minus <= 0 (7.3)", "[stdlib][stdp]") {
  struct Case {
    std::string extra;
    float mu, tau_w, x_tar, A_minus;
    double dW, W;  // published values
  };
  std::vector<Case> cases = {
      {"", 0, 0, 0, 1, 0.6, 1.0},
      {", mu=1.0", 1, 0, 0, 1, 0.3, 0.8},
      {", mu=1.0, tau_w=10.0", 1, 10, 0, 1, 0.3, 0.75},
      {", mu=1.0, pretrace_target=0.25", 1, 0, 0.25f, 1, 0.175, 0.675},
      {", A_minus=-1.0", 0, 0, 0, -1, 1.25, 1.0},
  };
  for (const Case& c : cases) {
    INFO("case" << c.extra);
    std::string decl = "TraceSTDPSynapse(shape=(1, 1), A_plus=1.0, eta=1.0, w_bound=1.0, weight_init=constant(0.5)" +
                       std::string(c.A_minus > 0 ? ", A_minus=1.0" : "") + c.extra + ")";
    Program p = compile(single(decl, {"advance_state", "evolve", "reset"}));
    State s = create_state(p, 1);
    run(p, "reset", s);
    clamp_stdp(s, "W", 1.0f, 1.25f, 1.0f, 0.65f);
    run(p, "advance_state", s);
    run(p, "evolve", s);
    const float W = 0.5f;
    float dW = stdp_dw(W, 1.0f, 1.25f, 1.0f, 0.65f, 1.0f, c.A_minus, c.mu, c.x_tar, 1.0f);
    float Wn = W + dW * 1.0f;
    if (c.tau_w > 0) Wn = Wn - W / c.tau_w;
    Wn = clipf(Wn, 0.0f, 1.0f);
    check_bits(at(s, "W.dWeights"), dW);
    check_bits(at(s, "W.weights"), Wn);
    check_near(at(s, "W.dWeights"), c.dW);
    check_near(at(s, "W.weights"), c.W);
  }
  // A_minus <= 0 switches LTD off exactly: dW = 1.25.
  Program p = compile(single("TraceSTDPSynapse(shape=(1, 1), A_plus=1.0, A_minus=0.0, weight_init=constant(0.5))",
                             {"evolve"}));
  State s = create_state(p, 1);
  clamp_stdp(s, "W", 1.0f, 1.25f, 1.0f, 0.65f);
  run(p, "evolve", s);
  CHECK(at(s, "W.dWeights") == 1.25f);
  CHECK(at(s, "W.weights") == 1.0f);
}

TEST_CASE("TraceSTDPSynapse: weight_mask zeroes the initial weights and every update (7.3)", "[stdlib][stdp]") {
  Program p = compile(single("TraceSTDPSynapse(shape=(1, 1), A_plus=1.0, A_minus=1.0, weight_init=constant(0.5), "
                             "weight_mask=constant(0.0))",
                             {"evolve"}));
  State s = create_state(p, 1);
  check_f32(s.get("W.weights"), {1, 1}, {0.0f});
  clamp_stdp(s, "W", 0.0f, 1.25f, 1.0f, 0.65f);
  for (int k = 0; k < 3; ++k) {
    run(p, "evolve", s);
    check_f32(s.get("W.weights"), {1, 1}, {0.0f});
    check_f32(s.get("W.dWeights"), {1, 1}, {1.25f});
  }

  // A partial mask keeps the unmasked entries learning (2 x 2, hollow).
  Program q = compile(single("TraceSTDPSynapse(shape=(2, 2), A_plus=1.0, A_minus=1.0, eta=0.5, "
                             "weight_init=constant(0.25), weight_mask=constant(1.0, hollow=true))",
                             {"evolve"}));
  State t = create_state(q, 1);
  check_f32(t.get("W.weights"), {2, 2}, {0, 0.25f, 0.25f, 0});
  put(t, "W.preTrace", {1.0f, 0.5f});
  put(t, "W.postSpike", {1.0f, 1.0f});
  run(q, "evolve", t);
  // dW[i][k] = preTrace[i] * postSpike[k]; W' = 0.25 + 0.5 * dW off the diagonal.
  check_f32(t.get("W.dWeights"), {2, 2}, {1.0f, 1.0f, 0.5f, 0.5f});
  check_f32(t.get("W.weights"), {2, 2}, {0, 0.75f, 0.5f, 0});
}

TEST_CASE("TraceSTDPSynapse: matrix products sum over the batch", "[stdlib][stdp]") {
  Program p = compile(single("TraceSTDPSynapse(shape=(2, 1), A_plus=2.0, A_minus=0.5, eta=0.0, batch_size=2, "
                             "weight_init=constant(0.5))",
                             {"evolve"}));
  State s = create_state(p, 1);
  put(s, "W.preTrace", {1.0f, 0.5f, 0.25f, 2.0f});  // [B=2, n_in=2]
  put(s, "W.postSpike", {1.0f, 1.0f});              // [B=2, n_out=1]
  put(s, "W.preSpike", {1.0f, 0.0f, 1.0f, 1.0f});
  put(s, "W.postTrace", {0.5f, 0.25f});
  run(p, "evolve", s);
  // ltp[i] = sum_b preTrace[b,i] * (postSpike[b] * 2); ltd[i] = -sum_b preSpike[b,i] * (postTrace[b] * 0.5)
  float ltp0 = 1.0f * 2.0f + 0.25f * 2.0f, ltp1 = 0.5f * 2.0f + 2.0f * 2.0f;
  float ltd0 = -(1.0f * 0.25f + 1.0f * 0.125f), ltd1 = -(0.0f * 0.25f + 1.0f * 0.125f);
  check_f32(s.get("W.dWeights"), {2, 1}, {ltp0 + ltd0, ltp1 + ltd1});
}

// ---------------------------------------------------------------------------
// MSTDPETSynapse (reference 2.4, 7.4)

TEST_CASE("MSTDPETSynapse: MSTDP, ngclearn's unit test: 0.75 -> 0.875 -> 0.75 (7.4)", "[stdlib][mstdpet]") {
  Program p = compile(single("MSTDPETSynapse(shape=(1, 1), A_plus=1.0, A_minus=1.0, eta=0.1, "
                             "weight_init=constant(0.75))",
                             {"advance_state", "evolve", "reset"}));
  State s = create_state(p, 1);
  CHECK(at(s, "W.outmask") == 0.0f);  // 0 until the first reset
  run(p, "reset", s);
  CHECK(at(s, "W.dWeights") == 0.0f);
  CHECK(at(s, "W.eligibility") == 0.0f);
  CHECK(at(s, "W.outmask") == 1.0f);

  clamp_stdp(s, "W", 0.0f, 1.25f, 1.0f, 0.65f);
  put(s, "W.modulator", 1.0f);
  run(p, "advance_state", s);
  CHECK(at(s, "W.outputs") == 0.0f);
  run(p, "evolve", s);
  CHECK(at(s, "W.weights") == 0.75f);  // E = previous dW = 0
  CHECK(at(s, "W.dWeights") == 1.25f);
  run(p, "evolve", s);
  CHECK(at(s, "W.weights") == 0.875f);  // 0.75 + 1.25 * 1 * 0.1
  CHECK(at(s, "W.eligibility") == 1.25f);

  run(p, "reset", s);
  CHECK(at(s, "W.weights") == 0.875f);
  CHECK(at(s, "W.dWeights") == 0.0f);
  CHECK(at(s, "W.eligibility") == 0.0f);
  CHECK(at(s, "W.preTrace") == 0.0f);
  clamp_stdp(s, "W", 0.0f, 1.25f, 1.0f, 0.65f);
  put(s, "W.modulator", -1.0f);
  run(p, "advance_state", s);
  run(p, "evolve", s);
  CHECK(at(s, "W.weights") == 0.875f);
  run(p, "evolve", s);
  CHECK(at(s, "W.weights") == 0.75f);
}

TEST_CASE("MSTDPETSynapse: MSTDP-ET, 0.75 -> 0.755 -> 0.7648039 (7.4)", "[stdlib][mstdpet]") {
  Program p = compile(single("MSTDPETSynapse(shape=(1, 1), A_plus=1.0, A_minus=1.0, eta=0.1, tau_elg=25.0, "
                             "elg_decay=1.0, weight_init=constant(0.75))",
                             {"advance_state", "evolve", "reset"}));
  State s = create_state(p, 1);
  run(p, "reset", s);
  clamp_stdp(s, "W", 0.0f, 1.25f, 1.0f, 0.65f);
  put(s, "W.modulator", 1.0f);
  run(p, "advance_state", s);

  const float decay = nf::math::exp(-1.0f / 25.0f);
  float E = 0.0f, W = 0.75f, dW_prev = 0.0f;
  const double published[] = {0.75, 0.755, 0.7648039};
  const double published_E[] = {0.0, 0.05, 0.0980395};
  for (int k = 0; k < 3; ++k) {
    run(p, "evolve", s);
    E = E * decay * 1.0f + dW_prev / 25.0f;
    W = clipf(W + (E * 1.0f * 0.1f) * 1.0f, 0.0f, 1.0f);
    dW_prev = stdp_dw(W, 0.0f, 1.25f, 1.0f, 0.65f, 1.0f, 1.0f);
    check_bits(at(s, "W.eligibility"), E);
    check_bits(at(s, "W.weights"), W);
    check_near(at(s, "W.weights"), published[k]);
    check_near(at(s, "W.eligibility"), published_E[k]);
  }
  CHECK(at(s, "W.weights") == W);
}

TEST_CASE("MSTDPETSynapse: nothing is learned before the first reset (outmask = 0)", "[stdlib][mstdpet]") {
  for (const char* variant : {"", ", tau_elg=25.0"}) {
    INFO("variant" << variant);
    Program p = compile(single(std::string("MSTDPETSynapse(shape=(1, 1), A_plus=1.0, A_minus=1.0, eta=0.1, "
                                           "weight_init=constant(0.75)") +
                                   variant + ")",
                               {"advance_state", "evolve"}));
    State s = create_state(p, 1);
    clamp_stdp(s, "W", 0.0f, 1.25f, 1.0f, 0.65f);
    put(s, "W.modulator", 1.0f);
    run(p, "advance_state", s);
    for (int k = 0; k < 3; ++k) {
      run(p, "evolve", s);
      CHECK(at(s, "W.weights") == 0.75f);
    }
  }
}

TEST_CASE("MSTDPETSynapse: weight decay W * (1 / tau_w) ignores outmask; weight_mask only masks the start",
          "[stdlib][mstdpet]") {
  Program p = compile(single("MSTDPETSynapse(shape=(1, 2), A_plus=1.0, A_minus=1.0, eta=0.1, tau_w=10.0, "
                             "weight_init=constant(0.75), weight_mask=constant(1.0, eye=true))",
                             {"evolve", "reset"}));
  State s = create_state(p, 1);
  check_f32(s.get("W.weights"), {1, 2}, {0.75f, 0.0f});
  run(p, "reset", s);
  put(s, "W.outmask", {1.0f, 0.0f});
  put(s, "W.preTrace", 1.0f);
  put(s, "W.postSpike", {1.0f, 1.0f});
  put(s, "W.modulator", 1.0f);
  run(p, "evolve", s);  // E = 0: only the decay acts
  float W0 = 0.75f + (0.0f * 1.0f * 0.1f) * 1.0f - 0.75f * (1.0f / 10.0f);
  check_f32(s.get("W.weights"), {1, 2}, {W0, 0.0f});
  run(p, "evolve", s);  // E = dW = 1: column 0 learns, column 1 is gated by outmask but not masked
  float W1 = W0 + (1.0f * 1.0f * 0.1f) * 1.0f - W0 * (1.0f / 10.0f);
  check_f32(s.get("W.weights"), {1, 2}, {W1, 0.0f});
  put(s, "W.outmask", {1.0f, 1.0f});
  run(p, "evolve", s);
  float W2 = W1 + (1.0f * 1.0f * 0.1f) * 1.0f - W1 * (1.0f / 10.0f);
  check_f32(s.get("W.weights"), {1, 2}, {W2, 0.1f});  // weight_mask is not applied by MSTDPET's evolve
}

// ---------------------------------------------------------------------------
// REINFORCESynapse (reference 2.5, 7.5)

namespace {

struct ReinforceStep {
  float y, objective, dW_mu, dW_ls, W_mu, W_ls, step_count, acc_mu, acc_ls;
};

// One evolve of a REINFORCESynapse with shape (1, 1), batch 1 and
// act_fx = mu_act_fx = "tanh", in the order of REINFORCESynapse.nf.
ReinforceStep reinforce_step(float W_mu, float W_ls, float x, float r, float eps, float scalar_stddev, float eta,
                             float learning_mask, float step_count, float acc_mu, float acc_ls) {
  using nf::math::tanh;
  const float w_bound = 1.0f, decay = 0.99f;
  const float m = scalar_stddev > 0 ? 0.0f : 1.0f;
  float h = tanh(x);
  float a = h * W_mu;
  float mu = tanh(a);
  float ls = h * W_ls;
  float sd = nf::math::exp(clipf(ls, -10.0f, 2.0f));
  sd = m * sd + (1.0f - m) * scalar_stddev;
  float y = clipf(eps * sd + mu, -FLT_MAX, FLT_MAX);
  float sd2 = sd * sd, d = y - mu;
  float logp = -0.5f * (nf::math::log(float(6.283185307179586) * sd2) + d * d / sd2);
  ReinforceStep out;
  out.y = y;
  out.objective = (-logp * r) / 1.0f * 0.01f;
  float g = -r * 0.01f / 1.0f;
  float t = tanh(a);
  // REINFORCESynapse.py: dL_dlogp * ((sample - mean) / std ** 2) * dmu, and
  // std ** 3 as JAX's integer_pow computes it, std * (std * std).
  float dL_da = g * (d / sd2) * (1.0f - t * t);
  float dL_dsd = g * (-1.0f / sd + d * d / (sd * (sd * sd)));
  float dclip = (ls < -10.0f || ls > 2.0f) ? 0.0f : 1.0f;
  float dL_dls = dclip * dL_dsd * sd;
  out.dW_mu = -(h * dL_da);
  out.dW_ls = -((h * dL_dls) * m);
  out.W_mu = clipf((W_mu + out.dW_mu * eta) * learning_mask + W_mu * (1.0f - learning_mask), 0.0f, w_bound);
  out.W_ls = clipf((W_ls + out.dW_ls * eta) * learning_mask + W_ls * (1.0f - learning_mask), 0.0f, w_bound);
  float n = step_count + 1.0f;
  out.acc_mu = ((n - 1.0f) / n) * acc_mu * decay + (1.0f / n) * out.dW_mu;
  out.acc_ls = ((n - 1.0f) / n) * acc_ls * decay + (1.0f / n) * out.dW_ls;
  out.step_count = n * (1.0f - learning_mask);
  return out;
}

const char* kReinforce11 = "REINFORCESynapse(shape=(1, 1), act_fx=\"tanh\", mu_act_fx=\"tanh\", weight_init=constant(0.0)";

}  // namespace

TEST_CASE("REINFORCESynapse: one evolve with the interpreter's normal draw (7.5a)", "[stdlib][reinforce]") {
  // eta = 0.5 makes the weight update visible far beyond the tolerances.
  for (float eta : {1e-4f, 0.5f})
  for (float learning_mask : {0.0f, 1.0f}) {
    INFO("eta " << eta << ", learning_mask " << learning_mask);
    Program p = compile(single(std::string(kReinforce11) + ", eta=" + std::to_string(eta) + ")", {"evolve", "reset"}));
    const uint64_t seed = 2025;  // a seed whose draw moves the weights visibly (not a near-zero eps)
    State s = create_state(p, seed);
    run(p, "reset", s);
    REQUIRE(s.get("W.key").i32(0) == 42);
    put(s, "W.weights", {0.13f, 0.04f});
    put(s, "W.inputs", -0.1f);
    put(s, "W.rewards", -0.1f);
    put(s, "W.learning_mask", learning_mask);
    const uint32_t sid = nf::random::stream_id(draw_stream(p, "evolve", Op::Normal));
    const float eps = nf::random::normal(seed, sid, 42, 0);
    run(p, "evolve", s);
    CHECK(s.get("W.key").i32(0) == 43);

    ReinforceStep r = reinforce_step(0.13f, 0.04f, -0.1f, -0.1f, eps, -1.0f, float(std::stod(std::to_string(eta))),
                                     learning_mask, 0, 0, 0);
    check_bits(at(s, "W.outputs"), r.y);
    check_bits(at(s, "W.objective"), r.objective);
    check_f32(s.get("W.dWeights"), {1, 2}, {r.dW_mu, r.dW_ls});
    check_f32(s.get("W.weights"), {1, 2}, {r.W_mu, r.W_ls});
    check_f32(s.get("W.accumulated_gradients"), {1, 2}, {r.dW_mu, r.dW_ls});  // first call: the average is dW
    CHECK(at(s, "W.step_count") == (learning_mask == 0 ? 1.0f : 0.0f));

    // The closed forms of 7.5(a), evaluated in double with the same eps.
    const double h = std::tanh(-0.1), mu = std::tanh(h * 0.13), ls = h * 0.04, sd = std::exp(ls);
    const double y = eps * sd + mu;
    const double logp = -0.5 * (std::log(2 * kPi) + 2 * ls + double(eps) * eps);
    const double g = 0.1 * 0.01;
    check_near(at(s, "W.outputs"), y);
    check_near(at(s, "W.objective"), -logp * -0.1 * 0.01);
    // y - mu and eps^2 - 1 cancel in binary32: absolute slack at the scale of h * g.
    check_near(at(s, "W.dWeights", 0), -h * g * eps / sd * (1 - mu * mu), 1e-5, 1e-10);
    check_near(at(s, "W.dWeights", 1), -h * g * (double(eps) * eps - 1), 1e-5, 1e-10);
    if (learning_mask == 1.0f) {
      check_near(at(s, "W.weights", 0), 0.13 + double(eta) * at(s, "W.dWeights", 0));
      check_near(at(s, "W.weights", 1), 0.04 + double(eta) * at(s, "W.dWeights", 1));
      if (eta == 0.5f) {
        CHECK(std::abs(at(s, "W.weights", 0) - 0.13f) > 1e-6f);
        CHECK(std::abs(at(s, "W.weights", 1) - 0.04f) > 1e-6f);
      }
    } else {
      check_f32(s.get("W.weights"), {1, 2}, {0.13f, 0.04f});
    }
  }
}

TEST_CASE("REINFORCESynapse: the published 7.5(a) values with eps = 0.5", "[stdlib][reinforce]") {
  // The formulas of REINFORCESynapse.nf with the reference's injected draw.
  ReinforceStep r = reinforce_step(0.13f, 0.04f, -0.1f, -0.1f, 0.5f, -1.0f, 1e-4f, 1.0f, 0, 0, 0);
  check_near(r.y, 0.4850544940);
  check_near(r.objective, -0.0010399518, 1e-6);
  check_near(r.dW_mu, 5.00246695e-05, 1e-5);
  check_near(r.dW_ls, -7.47509960e-05, 1e-5);
  check_near(r.W_mu, 0.130000005);
  check_near(r.W_ls, 0.039999993);
  ReinforceStep f = reinforce_step(0.13f, 0.04f, -0.1f, -0.1f, 0.5f, 2.0f, 1e-4f, 0.0f, 0, 0, 0);
  check_near(f.y, 0.9870438857);
  check_near(f.objective, -0.0017370857, 1e-6);
  check_near(f.dW_mu, 2.49128161e-05, 1e-5);
  CHECK(f.dW_ls == 0.0f);
}

TEST_CASE("REINFORCESynapse: a fixed std (scalar_stddev = 2) learns only the mean", "[stdlib][reinforce]") {
  Program p = compile(single(std::string(kReinforce11) + ", scalar_stddev=2.0)", {"evolve", "reset"}));
  const uint64_t seed = 77;
  State s = create_state(p, seed);
  run(p, "reset", s);
  put(s, "W.weights", {0.13f, 0.04f});
  put(s, "W.inputs", -0.1f);
  put(s, "W.rewards", -0.1f);
  const uint32_t sid = nf::random::stream_id(draw_stream(p, "evolve", Op::Normal));
  const float eps = nf::random::normal(seed, sid, 42, 0);
  run(p, "evolve", s);
  ReinforceStep r = reinforce_step(0.13f, 0.04f, -0.1f, -0.1f, eps, 2.0f, 1e-4f, 0.0f, 0, 0, 0);
  check_bits(at(s, "W.outputs"), r.y);
  check_bits(at(s, "W.objective"), r.objective);
  check_bits(at(s, "W.dWeights", 0), r.dW_mu);
  CHECK(at(s, "W.dWeights", 1) == 0.0f);
  check_near(at(s, "W.outputs"), eps * 2.0 + std::tanh(std::tanh(-0.1) * 0.13));
}

TEST_CASE("REINFORCESynapse: both halves are clipped to [0, w_bound] even with learning_mask = 0",
          "[stdlib][reinforce]") {
  Program p = compile(single(std::string(kReinforce11) + ", w_bound=1.0)", {"evolve"}));
  State s = create_state(p, 3);
  put(s, "W.weights", {1.5f, -0.5f});
  put(s, "W.inputs", -0.1f);
  put(s, "W.rewards", -0.1f);
  run(p, "evolve", s);
  check_f32(s.get("W.weights"), {1, 2}, {1.0f, 0.0f});
  CHECK(at(s, "W.learning_mask") == 0.0f);
}

TEST_CASE("REINFORCESynapse: ten evolves, the gradient average and the restarted counter (7.5b)",
          "[stdlib][reinforce]") {
  for (float scalar_stddev : {-1.0f, 2.0f}) {
    INFO("scalar_stddev " << scalar_stddev);
    Program p = compile(single(std::string(kReinforce11) + ", decay=0.99, seed=42, scalar_stddev=" +
                                   (scalar_stddev > 0 ? "2.0" : "-1.0") + ")",
                               {"evolve", "reset"}));
    const uint64_t seed = 42;
    State s = create_state(p, seed);
    run(p, "reset", s);
    const uint32_t sid = nf::random::stream_id(draw_stream(p, "evolve", Op::Normal));
    float step = 0, acc_mu = 0, acc_ls = 0;
    std::vector<double> dW_mu, dW_ls;
    for (int k = 0; k < 10; ++k) {
      put(s, "W.weights", {0.13f, 0.04f});
      put(s, "W.inputs", -0.1f);
      put(s, "W.rewards", -0.1f);
      const int32_t counter = s.get("W.key").i32(0);
      CHECK(counter == 42 + k);
      const float eps = nf::random::normal(seed, sid, uint32_t(counter), 0);
      run(p, "evolve", s);
      ReinforceStep r = reinforce_step(0.13f, 0.04f, -0.1f, -0.1f, eps, scalar_stddev, 1e-4f, 0.0f, step, acc_mu, acc_ls);
      step = r.step_count;
      acc_mu = r.acc_mu;
      acc_ls = r.acc_ls;
      check_bits(at(s, "W.objective"), r.objective);
      check_f32(s.get("W.dWeights"), {1, 2}, {r.dW_mu, r.dW_ls});
      check_f32(s.get("W.accumulated_gradients"), {1, 2}, {acc_mu, acc_ls});
      CHECK(at(s, "W.step_count") == float(k + 1));
      dW_mu.push_back(r.dW_mu);
      dW_ls.push_back(r.dW_ls);
    }
    // accumulated_gradients = (1/10) sum_k 0.99^(10-k) dW_k
    double want_mu = 0, want_ls = 0;
    for (int k = 1; k <= 10; ++k) {
      want_mu += std::pow(0.99, 10 - k) * dW_mu[size_t(k - 1)] / 10;
      want_ls += std::pow(0.99, 10 - k) * dW_ls[size_t(k - 1)] / 10;
    }
    check_near(at(s, "W.accumulated_gradients", 0), want_mu, 1e-5);
    check_near(at(s, "W.accumulated_gradients", 1), want_ls, 1e-5, 1e-12);

    // reset restarts the draws at the seed.
    CHECK(s.get("W.key").i32(0) == 52);
    run(p, "reset", s);
    CHECK(s.get("W.key").i32(0) == 42);
    CHECK(at(s, "W.step_count") == 0.0f);
    CHECK(at(s, "W.objective") == 0.0f);
    check_f32(s.get("W.accumulated_gradients"), {1, 2}, {0, 0});
    check_f32(s.get("W.dWeights"), {1, 2}, {0, 0});
    check_f32(s.get("W.rewards"), {1}, {0});
    check_f32(s.get("W.inputs"), {1, 1}, {0});
    check_f32(s.get("W.weights"), {1, 2}, {0.13f, 0.04f});
  }
  // The seed parameter sets where the counter starts and restarts.
  Program p = compile(single(std::string(kReinforce11) + ", seed=7)", {"evolve", "reset"}));
  State s = create_state(p, 1);
  CHECK(s.get("W.key").i32(0) == 7);
  run(p, "evolve", s);
  run(p, "evolve", s);
  CHECK(s.get("W.key").i32(0) == 9);
  run(p, "reset", s);
  CHECK(s.get("W.key").i32(0) == 7);
}

namespace {

// The policy's pre-activations for batch row b, output k, in double: the mean
// half (a) and the log-std half (ls) of W = [mu | log-std], from tanh(x).
template <typename Weights>
std::pair<double, double> preactivation(const Weights& W, const std::vector<float>& x, int b, int k, int n_in,
                                        int n_out) {
  double a = 0, ls = 0;
  for (int i = 0; i < n_in; ++i) {
    double h = std::tanh(double(x[size_t(b * n_in + i)]));
    a += h * double(W[size_t(i * 2 * n_out + k)]);
    ls += h * double(W[size_t(i * 2 * n_out + n_out + k)]);
  }
  return {a, ls};
}

// The objective of REINFORCESynapse with tanh/tanh in double, the sample y
// held constant: mean_b(-logp_b * r_b) * 0.01.
double reinforce_objective(const std::vector<double>& W, const std::vector<float>& x, const std::vector<float>& r,
                           const std::vector<float>& y, int B, int n_in, int n_out) {
  double total = 0;
  for (int b = 0; b < B; ++b) {
    double logp = 0;
    for (int k = 0; k < n_out; ++k) {
      auto [a, ls] = preactivation(W, x, b, k, n_in, n_out);
      double mu = std::tanh(a), sd = std::exp(std::clamp(ls, -10.0, 2.0));
      double d = y[size_t(b * n_out + k)] - mu;
      logp += -0.5 * (std::log(2 * kPi * sd * sd) + d * d / (sd * sd));
    }
    total += -logp * r[size_t(b)];
  }
  return total / B * 0.01;
}

}  // namespace

TEST_CASE("REINFORCESynapse: dWeights is minus the gradient of the objective (finite differences)",
          "[stdlib][reinforce]") {
  const int B = 2, n_in = 3, n_out = 2;
  Program p = compile(single("REINFORCESynapse(shape=(3, 2), batch_size=2, act_fx=\"tanh\", mu_act_fx=\"tanh\", "
                             "weight_init=uniform(low=0.05, high=0.5))",
                             {"evolve", "reset"}));
  const uint64_t seed = 9;
  State s = create_state(p, seed);
  run(p, "reset", s);
  const std::vector<float> x = {0.3f, -0.2f, 0.5f, -0.4f, 0.1f, 0.25f};
  const std::vector<float> r = {0.7f, -0.3f};
  put(s, "W.inputs", x);
  put(s, "W.rewards", r);
  const std::vector<float> W0 = s.get("W.weights").to_f32();
  REQUIRE(W0.size() == size_t(n_in * 2 * n_out));
  const uint32_t sid = nf::random::stream_id(draw_stream(p, "evolve", Op::Normal));
  run(p, "evolve", s);
  const std::vector<float> y = s.get("W.outputs").to_f32();
  REQUIRE(y.size() == size_t(B * n_out));

  // outputs = eps * sd + mu with the interpreter's draw.
  for (int b = 0; b < B; ++b)
    for (int k = 0; k < n_out; ++k) {
      auto [a, ls] = preactivation(W0, x, b, k, n_in, n_out);
      float eps = nf::random::normal(seed, sid, 42, uint32_t(b * n_out + k));
      check_near(y[size_t(b * n_out + k)], eps * std::exp(ls) + std::tanh(a), 1e-5, 1e-6);
    }

  std::vector<double> W(W0.begin(), W0.end());
  check_near(at(s, "W.objective"), reinforce_objective(W, x, r, y, B, n_in, n_out), 1e-5, 1e-9);
  const std::vector<float> dW = s.get("W.dWeights").to_f32();
  for (size_t i = 0; i < W.size(); ++i) {
    INFO("weight " << i);
    const double h = 1e-4;
    std::vector<double> plus = W, minus = W;
    plus[i] += h;
    minus[i] -= h;
    double fd = -(reinforce_objective(plus, x, r, y, B, n_in, n_out) - reinforce_objective(minus, x, r, y, B, n_in, n_out)) /
                (2 * h);
    check_near(dW[i], fd, 1e-4, 1e-8);
  }
}
