// Non-element-wise ops and process semantics through the reference interpreter.
#include <fstream>
#include <limits>
#include <sstream>

#include "ir/math.h"
#include "ir/parser.h"
#include "ir/random.h"
#include "tests/ir_test_util.h"

using namespace nf::ir;
using namespace nf::ir::test;

namespace {
const float kNaN = std::numeric_limits<float>::quiet_NaN();
}

TEST_CASE("matmul accumulates in ascending k, rounding after every add", "[interpreter]") {
  // (1e8 + 1) rounds to 1e8, so ascending order gives 0; any other order gives 1.
  Tensor a = F({1, 3}, {1e8f, 1.0f, -1e8f});
  Tensor b = F({3, 1}, {1.0f, 1.0f, 1.0f});
  auto mm = [](ProcessBuilder& p, const std::vector<NodeRef>& x) { return p.matmul(x[0], x[1]); };
  check_f32(run_op({a, b}, mm), {1, 1}, {0.0f});
  check_f32(run_op({F({2, 2}, {1, 2, 3, 4}), F({2, 3}, {1, 0, 2, 0, 1, 3})}, mm), {2, 3}, {1, 2, 8, 3, 4, 18});
  // Outer product over a batch axis of 1: (n_in,1) @ (1,n_out).
  check_f32(run_op({F({2, 1}, {2, 3}), F({1, 2}, {5, -0.0f})}, mm), {2, 2}, {10, -0.0f, 15, -0.0f});
  // K = 0 gives +0 everywhere.
  check_f32(run_op({F({2, 0}, {}), F({0, 1}, {})}, mm), {2, 1}, {0.0f, 0.0f});
  // Products of -0 sum to -0: the sum starts at the first product.
  check_f32(run_op({F({1, 2}, {-0.0f, 1.0f}), F({2, 1}, {1.0f, -0.0f})}, mm), {1, 1}, {-0.0f});
}

TEST_CASE("transpose permutes axes", "[interpreter]") {
  Tensor x = F({2, 3}, {1, 2, 3, 4, 5, 6});
  check_f32(run_op({x}, [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.transpose(a[0]); }),
            {3, 2}, {1, 4, 2, 5, 3, 6});
  Tensor c = F({2, 1, 3}, {1, 2, 3, 4, 5, 6});
  check_f32(run_op({c}, [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.transpose(a[0], {2, 0, 1}); }),
            {3, 2, 1}, {1, 4, 2, 5, 3, 6});
}

TEST_CASE("sum, mean, reduce_max and argmax over an axis", "[interpreter]") {
  Tensor x = F({2, 3}, {1e8f, 1.0f, -1e8f, 1.0f, 2.0f, 4.0f});
  auto red = [&](Op op, int axis, bool keep) {
    return run_op({x}, [=](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.reduce(op, a[0], axis, keep); });
  };
  check_f32(red(Op::Sum, 1, false), {2}, {0.0f, 7.0f});
  check_f32(red(Op::Sum, 0, true), {1, 3}, {100000000.0f, 3.0f, -100000000.0f});
  check_f32(red(Op::Mean, 1, true), {2, 1}, {0.0f, 7.0f / 3.0f});
  check_f32(red(Op::ReduceMax, 1, false), {2}, {1e8f, 4.0f});
  check_i32(red(Op::ArgMax, 1, false), {2}, {0, 2});
  check_i32(red(Op::ArgMax, 0, false), {3}, {0, 1, 1});
  // Ties pick the first index; a NaN counts as the maximum and the first NaN wins.
  Tensor y = F({2, 4}, {3, 7, 7, 1, 2, kNaN, 9, kNaN});
  auto arg = [&](const Tensor& t) {
    return run_op({t}, [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.reduce(Op::ArgMax, a[0], 1); });
  };
  check_i32(arg(y), {2}, {1, 1});
  Tensor mx = run_op({y}, [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.reduce(Op::ReduceMax, a[0], 1); });
  check_f32(mx, {2}, {7.0f, kNaN});
  // Sum over an empty axis is +0, mean is 0/0.
  Tensor e = F({2, 0}, {});
  check_f32(run_op({e}, [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.reduce(Op::Sum, a[0], 1); }),
            {2}, {0.0f, 0.0f});
  check_f32(run_op({e}, [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.reduce(Op::Mean, a[0], 1); }),
            {2}, {kNaN, kNaN});
  check_i32(run_op({I({3}, {4, -2, 9})},
                   [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.reduce(Op::Sum, a[0], 0); }),
            {}, {11});
}

TEST_CASE("reshape, broadcast, slice and concat move elements in row-major order", "[interpreter]") {
  Tensor x = F({2, 3}, {1, 2, 3, 4, 5, 6});
  check_f32(run_op({x}, [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.reshape(a[0], {3, 1, 2}); }),
            {3, 1, 2}, {1, 2, 3, 4, 5, 6});
  check_f32(run_op({F({3}, {1, 2, 3})},
                   [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.broadcast(a[0], {2, 3}); }),
            {2, 3}, {1, 2, 3, 1, 2, 3});
  check_f32(run_op({F({2, 1}, {1, 2})},
                   [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.broadcast(a[0], {2, 2}); }),
            {2, 2}, {1, 1, 2, 2});
  check_f32(run_op({x}, [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.slice(a[0], {0, 1}, {2, 3}); }),
            {2, 2}, {2, 3, 5, 6});
  check_f32(run_op({x}, [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.slice(a[0], {1, 0}, {1, 3}); }),
            {0, 3}, {});
  Tensor y = F({2, 1}, {7, 8});
  check_f32(run_op({x, y}, [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.concat({a[0], a[1]}, 1); }),
            {2, 4}, {1, 2, 3, 7, 4, 5, 6, 8});
  check_f32(run_op({x, F({1, 3}, {9, 9, 9})},
                   [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.concat({a[1], a[0], a[1]}, 0); }),
            {4, 3}, {9, 9, 9, 1, 2, 3, 4, 5, 6, 9, 9, 9});
}

TEST_CASE("iota gives each element its index along an axis", "[interpreter]") {
  check_i32(run_op({}, [](ProcessBuilder& p, const std::vector<NodeRef>&) { return p.iota({2, 3}, 1); }), {2, 3},
            {0, 1, 2, 0, 1, 2});
  check_i32(run_op({}, [](ProcessBuilder& p, const std::vector<NodeRef>&) { return p.iota({2, 3}, 0); }), {2, 3},
            {0, 0, 0, 1, 1, 1});
}

TEST_CASE("one_hot gives a 1 at each index and zeros for indices out of range", "[interpreter]") {
  Tensor idx = I({1, 4}, {2, 0, -1, 3});
  check_f32(run_op({idx}, [](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.one_hot(a[0], 3); }),
            {1, 4, 3}, {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0});
}

TEST_CASE("random draws are pure functions of seed, stream, counter and element index", "[interpreter][random]") {
  auto draw = [](Op op, int32_t counter, uint64_t seed, const char* stream) {
    return run_op({I(counter), F({2, 3}, {0, 0.5f, 1, 0.25f, 2, -1})},
                  [=](ProcessBuilder& p, const std::vector<NodeRef>& a) {
                    if (op == Op::Uniform) return p.uniform(a[0], {2, 3}, stream);
                    if (op == Op::Normal) return p.normal(a[0], {2, 3}, stream);
                    return p.bernoulli(a[1], a[0], {2, 3}, stream);
                  },
                  seed);
  };
  uint32_t sid = nf::random::stream_id("z0.noise");
  Tensor u = draw(Op::Uniform, 5, 42, "z0.noise");
  Tensor n = draw(Op::Normal, 5, 42, "z0.noise");
  for (uint32_t i = 0; i < 6; ++i) {
    CHECK(same_f32(u.f32(i), nf::random::uniform(42, sid, 5, i)));
    CHECK(same_f32(n.f32(i), nf::random::normal(42, sid, 5, i)));
  }
  CHECK(draw(Op::Uniform, 5, 42, "z0.noise") == u);  // same inputs, same bits
  CHECK_FALSE(draw(Op::Uniform, 6, 42, "z0.noise") == u);
  CHECK_FALSE(draw(Op::Uniform, 5, 43, "z0.noise") == u);
  CHECK_FALSE(draw(Op::Uniform, 5, 42, "z1.noise") == u);
  // Bernoulli with p = 0 never fires, p >= 1 always does; others compare the uniform.
  Tensor b = draw(Op::Bernoulli, 5, 42, "z0.noise");
  CHECK(!b.boolean(0));
  CHECK(b.boolean(2));
  CHECK(b.boolean(4));
  CHECK(!b.boolean(5));
  CHECK(b.boolean(1) == (u.f32(1) < 0.5f));
  CHECK(b.boolean(3) == (u.f32(3) < 0.25f));
}

TEST_CASE("a read after a write in the same process sees the written value", "[interpreter]") {
  Program prog = parse_program(R"(
compartment a.x : f32[2] state = 1
compartment b.y : f32[2] state = 0
compartment b.z : f32[2] state = 0
process step {
  %before = read a.x : f32[2]
  %two = const 2 : f32[]
  %x2 = mul %before, %two : f32[2]
  write a.x, %x2
  %after = read a.x : f32[2]
  write b.y, %after
  write b.z, %before
}
)");
  State s = State::initial(prog, 0);
  run_process(prog, "step", s, 0.0f, 1.0f);
  check_f32(s.get("a.x"), {2}, {2, 2});
  check_f32(s.get("b.y"), {2}, {2, 2});
  check_f32(s.get("b.z"), {2}, {1, 1});
  run_process(prog, "step", s, 1.0f, 1.0f);
  check_f32(s.get("a.x"), {2}, {4, 4});
  check_f32(s.get("b.z"), {2}, {2, 2});
}

TEST_CASE("t, dt and parameters come from the step and the state", "[interpreter]") {
  Program prog = parse_program(R"(
param c.k = 0.5
compartment c.out : f32[] output = 0
process step {
  %t = t : f32[]
  %dt = dt : f32[]
  %k = param c.k : f32[]
  %a = mul %dt, %k : f32[]
  %b = add %t, %a : f32[]
  write c.out, %b
}
)");
  State s = State::initial(prog, 0);
  run_process(prog, "step", s, 3.0f, 0.25f);
  check_f32(s.get("c.out"), {}, {3.125f});
  s.set_param("c.k", 4.0f);
  run_process(prog, "step", s, 3.0f, 0.25f);
  check_f32(s.get("c.out"), {}, {4.0f});
  CHECK_THROWS_WITH(s.set_param("c.q", 1.0f), Catch::Contains("no parameter 'c.q'"));
  CHECK_THROWS_WITH(run_process(prog, "nope", s, 0, 1), Catch::Contains("no process 'nope'"));
  CHECK_THROWS_WITH(s.set("c.out", F({2}, {1, 2})), Catch::Contains("is f32[], given f32[2]"));
}

TEST_CASE("the spiking example: the trace integrates the recorded spikes", "[interpreter][example]") {
  std::ifstream in(std::string(NF_SOURCE_DIR) + "/examples/ir/spiking_trace.nfir");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  Program prog = parse_program(text.str(), "spiking_trace.nfir");
  State s = State::initial(prog, 1);
  const float decay = nf::math::exp(-(1.0f / 20.0f));
  std::vector<float> trace(3, 0.0f);
  int input_spikes = 0, output_spikes = 0;
  for (int step = 0; step < 200; ++step) {
    std::vector<float> v_before = s.get("z1.v").to_f32();
    run_process(prog, "advance", s, float(step), 1.0f);
    const Tensor& spikes_in = s.get("z0.outputs");
    const Tensor& spikes = s.get("z1.s");
    for (size_t i = 0; i < 4; ++i) input_spikes += spikes_in.f32(i) == 1.0f;
    for (size_t i = 0; i < 3; ++i) {
      output_spikes += spikes.f32(i) == 1.0f;
      trace[i] = trace[i] * decay + spikes.f32(i);
      // A spike resets the voltage to v_reset.
      if (spikes.f32(i) == 1.0f) CHECK(s.get("z1.v").f32(i) == -60.0f);
    }
    for (size_t i = 0; i < 3; ++i) REQUIRE(same_f32(s.get("tr.trace").f32(i), trace[i]));
  }
  CHECK(s.get("z0.rng").i32(0) == 200);
  // 200 steps x 4 units at p = 0.35: 280 expected; the draws are fixed by the seed.
  CHECK(input_spikes > 200);
  CHECK(input_spikes < 360);
  CHECK(output_spikes > 0);
}
