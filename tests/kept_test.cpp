// Compartments that compiled code keeps in another form (neurofuse/module.h,
// "Kept compartments"): low-rank values kept as factors (compiler/factor.h)
// and static matrices whose products skip silent rows (compiler/events.h).
// Through every host path (read, write, checkpoint, scan streams, pointers)
// they hold exactly the interpreter's values.
#include <catch2/catch.hpp>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "compiler/build.h"
#include "compiler/jit.h"
#include "frontend/frontend.h"
#include "ir/builder.h"
#include "ir/interpreter.h"
#include "ir_test_util.h"
#include "neurofuse/runtime.hpp"
#include "temp_dir.h"

using Catch::Contains;
using nf::ir::test::same_f32;
using nf::test::TempDir;

namespace {

// An MSTDP-ET layer large enough that its dWeights is kept as factors.
const char* kFactoredModel = R"(
model factored {
  seed = 2
  pre = BernoulliCell(n_units=24)
  post = BernoulliCell(n_units=16)
  tr_pre = VarTrace(n_units=24, tau_tr=20.0, a_delta=1.0)
  tr_post = VarTrace(n_units=16, tau_tr=20.0, a_delta=1.0)
  W = MSTDPETSynapse(shape=(24, 16), tau_elg=25.0, eta=0.01, A_plus=1.0, A_minus=0.5, weight_init=uniform(0.0, 1.0))
  pre.outputs >> W.inputs
  pre.outputs >> W.preSpike
  post.outputs >> W.postSpike
  pre.outputs >> tr_pre.inputs
  post.outputs >> tr_post.inputs
  tr_pre.trace >> W.preTrace
  tr_post.trace >> W.postTrace
  process step = pre.advance_state >> post.advance_state >> tr_pre.advance_state >> tr_post.advance_state >> W.advance_state >> W.evolve
  process reset = W.reset
}
)";

// Steps a compiled state and the interpreter's alike, with reward +1.
struct Twin {
  nf::ir::Program program = nf::frontend::compile_model_text(kFactoredModel, "factored.nf");
  nf::Module module{nf::compiler::jit_module(program, [] {
    nf::compiler::BuildOptions o;
    o.factor_min_elements = 0;  // a 24 x 16 matrix is below the default
    return o;
  }())};
  nf::ir::State interp = nf::ir::create_state(program, 2);
  nf::State compiled{module, 2};
  float t = 0.0f;

  Twin() {
    for (const char* p : {"pre.inputs", "post.inputs"}) set(p, 0.3f);
    set("W.modulator", 1.0f);
    compiled.step("reset", 0.0f, 1.0f);
    nf::ir::run_process(program, "reset", interp, 0.0f, 1.0f);
  }
  void set(const std::string& name, float v) {
    nf::ir::Tensor x(interp.get(name).type);
    for (uint32_t& w : x.words) w = std::bit_cast<uint32_t>(v);
    compiled.write_words(name, x.words);
    interp.set(name, x);
  }
  void step(int n) {
    for (int k = 0; k < n; ++k, t = t + 1.0f) {
      compiled.step("step", t, 1.0f);
      nf::ir::run_process(program, "step", interp, t, 1.0f);
    }
  }
  // Every compartment of the compiled state equals the interpreter's.
  bool same() {
    for (const nf::ir::Compartment& c : program.compartments)
      if (compiled.read_words(c.name) != interp.get(c.name).words) return false;
    return true;
  }
};

// The int32 a module keeps about `kept` (its form or facts word), found from
// the address of `plain`, a compartment that has storage to point at.
int32_t kept_word(nf::State& s, const nf::Module& m, const nf_compartment_info& kept, const char* plain) {
  const uint8_t* block = reinterpret_cast<const uint8_t*>(s.words(plain).data()) - m.compartment(plain).offset;
  int32_t word = -1;
  std::memcpy(&word, block + kept.form_offset, 4);
  return word;
}

}  // namespace

TEST_CASE("a factored compartment reads, writes, records and checkpoints as its value", "[runtime]") {
  Twin twin;
  const nf_compartment_info& dw = twin.module.compartment("W.dWeights");
  REQUIRE(dw.form_offset >= 0);  // kept as factors
  CHECK(twin.module.compartment("W.weights").form_offset == -1);
  CHECK(twin.module.compartment("W.eligibility").form_offset == -1);
  // The word saying where dWeights' value is: 0 storage, 1 factors, 2
  // shared with the host (compiler/kept.h).
  auto form = [&](nf::State& s) { return kept_word(s, twin.module, dw, "W.weights"); };
  CHECK(form(twin.compiled) == 0);  // reset wrote dWeights' storage
  twin.step(1);
  CHECK(form(twin.compiled) == 1);  // a step keeps it as factors
  CHECK(twin.same());
  twin.step(40);
  REQUIRE(twin.same());
  bool nonzero = false;
  for (uint32_t w : twin.compiled.read_words("W.dWeights")) nonzero = nonzero || (w & 0x7fffffffu);
  CHECK(nonzero);  // spikes made STDP events

  SECTION("a pointer to a factored matrix holds its value after every step; writes through it are seen") {
    void* data = nullptr;
    REQUIRE(nf_state_compartment(twin.compiled.get(), "W.dWeights", &data, nullptr, nullptr) == NF_OK);
    CHECK(form(twin.compiled) == 2);
    auto view = [&] {
      const uint32_t* w = static_cast<const uint32_t*>(data);
      return std::vector<uint32_t>(w, w + dw.bytes / 4);
    };
    CHECK(view() == twin.interp.get("W.dWeights").words);
    twin.step(5);
    CHECK(form(twin.compiled) == 2);
    CHECK(view() == twin.interp.get("W.dWeights").words);
    CHECK(twin.same());
    // A write through the pointer is what the next step reads.
    nf::ir::Tensor x(twin.interp.get("W.dWeights").type);
    for (size_t i = 0; i < x.words.size(); ++i) x.words[i] = std::bit_cast<uint32_t>(float(i % 5) * 0.25f - 0.5f);
    std::memcpy(data, x.words.data(), size_t(dw.bytes));
    twin.interp.set("W.dWeights", x);
    twin.step(1);
    CHECK(view() == twin.interp.get("W.dWeights").words);
    twin.step(20);
    CHECK(view() == twin.interp.get("W.dWeights").words);
    CHECK(twin.same());
    // Scans keep it current too, and a new state keeps it shared.
    std::vector<uint32_t> rec(size_t(dw.bytes / 4) * 3);
    twin.compiled.scan({"step"}, twin.t, 1.0f, 3, {}, {{"W.dWeights", rec.data()}});
    for (int k = 0; k < 3; ++k, twin.t = twin.t + 1.0f) nf::ir::run_process(twin.program, "step", twin.interp, twin.t, 1.0f);
    CHECK(view() == twin.interp.get("W.dWeights").words);
    CHECK(std::vector<uint32_t>(rec.end() - dw.bytes / 4, rec.end()) == view());
    twin.compiled.reinitialize(2);
    CHECK(form(twin.compiled) == 2);
  }
  SECTION("a host write replaces the factors until the next write") {
    std::vector<uint32_t> mine(size_t(dw.bytes / 4));
    for (size_t i = 0; i < mine.size(); ++i) mine[i] = std::bit_cast<uint32_t>(float(i % 7) * 0.125f - 0.25f);
    twin.compiled.write_words("W.dWeights", mine);
    CHECK(form(twin.compiled) == 0);
    nf::ir::Tensor x(twin.interp.get("W.dWeights").type);
    x.words = mine;
    twin.interp.set("W.dWeights", x);
    CHECK(twin.compiled.read_words("W.dWeights") == mine);
    twin.step(1);  // reads the written matrix into the eligibility
    CHECK(twin.same());
    twin.step(20);
    CHECK(twin.same());
  }
  SECTION("a checkpoint holds the value; a state that loads it continues with the same bits") {
    TempDir dir;
    twin.compiled.save(dir / "f.npz");
    nf::State other(twin.module, 7);
    for (int k = 0; k < 30; ++k) other.step("step", float(k), 1.0f);  // factors of its own
    CHECK(form(other) == 1);
    other.load(dir / "f.npz");
    CHECK(form(other) == 0);
    CHECK(other.read_words("W.dWeights") == twin.compiled.read_words("W.dWeights"));
    float t = twin.t;
    twin.step(25);
    for (int k = 0; k < 25; ++k, t = t + 1.0f) other.step("step", t, 1.0f);
    for (const nf::ir::Compartment& c : twin.program.compartments)
      CHECK(other.read_words(c.name) == twin.compiled.read_words(c.name));
    CHECK(twin.same());
  }
  SECTION("scan records the value every step and a drive replaces it") {
    nf::State stepped(twin.module, 3), scanned(twin.module, 3);
    const int steps = 30;
    const size_t n = size_t(dw.bytes / 4);
    std::vector<uint32_t> rec_stepped(steps * n), rec_scanned(steps * n), drive(steps * n);
    for (size_t i = 0; i < drive.size(); ++i) drive[i] = std::bit_cast<uint32_t>(float(i % 5) * 0.01f);
    for (nf::State* s : {&stepped, &scanned}) {
      s->step("reset", 0.0f, 1.0f);
      s->write_words("W.modulator", std::vector<uint32_t>{std::bit_cast<uint32_t>(1.0f)});
    }
    float t = 0.0f;
    for (int k = 0; k < steps; ++k, t = t + 1.0f) {
      stepped.step("step", t, 1.0f);
      std::vector<uint32_t> w = stepped.read_words("W.dWeights");
      std::copy(w.begin(), w.end(), rec_stepped.begin() + k * long(n));
    }
    scanned.scan({"step"}, 0.0f, 1.0f, steps, {}, {{"W.dWeights", rec_scanned.data()}});
    CHECK(rec_scanned == rec_stepped);
    // Driving dWeights every step: each step reads the driven matrix.
    for (int k = 0; k < steps; ++k, t = t + 1.0f) {
      stepped.write_words("W.dWeights", std::span<const uint32_t>(drive.data() + k * long(n), n));
      stepped.step("step", t, 1.0f);
    }
    scanned.scan({"step"}, float(steps), 1.0f, steps, {{"W.dWeights", drive.data()}}, {});
    for (const nf::ir::Compartment& c : twin.program.compartments)
      CHECK(scanned.read_words(c.name) == stepped.read_words(c.name));
  }
}

TEST_CASE("event-driven products equal the dense sum bit for bit, zeros' signs included", "[runtime]") {
  using namespace nf::ir;
  const int64_t K = 12, N = 9;
  ProgramBuilder pb;
  pb.compartment("s.x", {DType::F32, {1, K}}, Role::Input);
  pb.compartment("s.w", {DType::F32, {K, N}}, Role::State);
  pb.compartment("s.y", {DType::F32, {1, N}}, Role::Output);
  ProcessBuilder& p = pb.process("advance");
  p.write("s.y", p.matmul(p.read("s.x"), p.read("s.w")));
  Program program = pb.build();
  nf::compiler::BuildOptions small_matrices_too;
  small_matrices_too.event_min_elements = 0;
  nf::Module module(nf::compiler::jit_module(program, small_matrices_too));
  const nf_compartment_info& w_info = module.compartment("s.w");
  REQUIRE(w_info.kept == NF_KEPT_CHECKED);
  nf::State compiled(module, 1), threaded(module, 1);
  threaded.set_threads(2, 1);  // columns split over two threads
  State interp = create_state(program, 1);
  auto facts = [&](nf::State& s) { return kept_word(s, module, w_info, "s.x"); };
  CHECK(facts(compiled) == 0);

  const float inf = std::numeric_limits<float>::infinity();
  const float weights[] = {0.0f, -0.0f, 1.5f, -2.25f, 1e-30f, -1e-30f, 3.0f, -0.5f};
  const float inputs[] = {0.0f, 0.0f, 0.0f, 0.0f, -0.0f, 1.0f, 0.5f, -1.0f, 1e-30f};
  std::mt19937 rng(7);
  auto pick = [&](const auto& pool) { return pool[rng() % (sizeof pool / sizeof pool[0])]; };
  int64_t zero_results = 0, negative_zero_results = 0, dense_steps = 0;
  for (int trial = 0; trial < 300; ++trial) {
    if (trial % 10 == 0) {  // new weights: some columns all one kind of zero or all negative
      Tensor w(Type{DType::F32, {K, N}});
      for (int64_t k = 0; k < K; ++k)
        for (int64_t j = 0; j < N; ++j) {
          float v = pick(weights);
          if (j == 0) v = -0.0f;
          if (j == 1) v = 0.0f;
          if (j == 2) v = -std::fabs(v) - 1.0f;
          if (j == 3 && (trial / 10) % 3 == 1) v = (k == 5 ? inf : v);  // not finite: dense products
          if (j == 4 && (trial / 10) % 3 == 2) v = (k == 2 ? std::nanf("") : v);
          w.words[size_t(k * N + j)] = std::bit_cast<uint32_t>(v);
        }
      interp.set("s.w", w);
      compiled.write_words("s.w", w.words);
      threaded.write_words("s.w", w.words);
      CHECK(facts(compiled) == 0);  // a host write forgets the facts
    }
    Tensor x(Type{DType::F32, {1, K}});
    for (int64_t k = 0; k < K; ++k) x.words[size_t(k)] = std::bit_cast<uint32_t>(trial % 7 == 0 ? 0.0f : pick(inputs));
    interp.set("s.x", x);
    compiled.write_words("s.x", x.words);
    threaded.write_words("s.x", x.words);
    run_process(program, "advance", interp, 0.0f, 1.0f);
    compiled.step("advance", 0.0f, 1.0f);
    threaded.step("advance", 0.0f, 1.0f);
    const int32_t f = facts(compiled);
    CHECK(f == ((trial / 10) % 3 == 0 ? 1 : 2));
    dense_steps += f == 2;
    const std::vector<uint32_t>& want = interp.get("s.y").words;
    for (nf::State* s : {&compiled, &threaded}) {
      std::vector<uint32_t> got = s->read_words("s.y");
      for (size_t j = 0; j < got.size(); ++j) {
        INFO("trial " << trial << " column " << j << ": compiled 0x" << std::hex << got[j] << " interpreter 0x" << want[j]);
        CHECK(same_f32(std::bit_cast<float>(got[j]), std::bit_cast<float>(want[j])));
      }
    }
    for (uint32_t v : want) {
      zero_results += (v & 0x7fffffffu) == 0;
      negative_zero_results += v == 0x80000000u;
    }
  }
  CHECK(negative_zero_results > 50);  // the cases that need the sign argument happened
  CHECK(zero_results > negative_zero_results + 50);
  CHECK(dense_steps > 0);

  // Scan drives of the matrix are host writes too: each step's product sees
  // its driven matrix (signs and finiteness change from step to step).
  {
    const int steps = 40;
    std::vector<uint32_t> w_rows(size_t(steps * K * N)), x_rows(size_t(steps * K)), y_rows(size_t(steps * N));
    State reference = create_state(program, 1);
    std::vector<uint32_t> want;
    for (int k = 0; k < steps; ++k) {
      Tensor w(Type{DType::F32, {K, N}}), x(Type{DType::F32, {1, K}});
      for (size_t i = 0; i < w.words.size(); ++i) {
        float v = pick(weights);
        if (k % 4 == 1) v = -std::fabs(v);           // every column sign-set
        if (k % 4 == 2) v = std::fabs(v);            // every column sign-clear
        if (k % 4 == 3 && i == 7) v = inf;           // not finite
        w.words[i] = std::bit_cast<uint32_t>(v);
      }
      for (int64_t i = 0; i < K; ++i) x.words[size_t(i)] = std::bit_cast<uint32_t>(k % 5 == 0 ? 0.0f : pick(inputs));
      std::copy(w.words.begin(), w.words.end(), w_rows.begin() + k * K * N);
      std::copy(x.words.begin(), x.words.end(), x_rows.begin() + k * K);
      reference.set("s.w", w);
      reference.set("s.x", x);
      run_process(program, "advance", reference, 0.0f, 1.0f);
      want.insert(want.end(), reference.get("s.y").words.begin(), reference.get("s.y").words.end());
    }
    nf::State scanned(module, 1);
    scanned.scan({"advance"}, 0.0f, 1.0f, steps, {{"s.w", w_rows.data()}, {"s.x", x_rows.data()}},
                 {{"s.y", y_rows.data()}});
    for (size_t i = 0; i < want.size(); ++i) {
      INFO("scan step " << i / N << " column " << i % N);
      CHECK(same_f32(std::bit_cast<float>(y_rows[i]), std::bit_cast<float>(want[i])));
    }
  }

  // Asking only for the dtype and count hands out no pointer: no pin.
  int32_t dtype = -1;
  int64_t count = 0;
  REQUIRE(nf_state_compartment(compiled.get(), "s.w", nullptr, &dtype, &count) == NF_OK);
  CHECK(count == K * N);
  CHECK(facts(compiled) != 3);

  // A pointer to the matrix pins this state to dense products; a write
  // through it is then seen.
  std::span<float> w = compiled.f32("s.w");
  CHECK(facts(compiled) == 3);
  w[0] = std::nanf("");
  Tensor wt = interp.get("s.w");
  wt.words[0] = std::bit_cast<uint32_t>(std::nanf(""));
  interp.set("s.w", wt);
  compiled.step("advance", 0.0f, 1.0f);
  run_process(program, "advance", interp, 0.0f, 1.0f);
  CHECK(std::isnan(std::bit_cast<float>(compiled.read_words("s.y")[0])) ==
        std::isnan(std::bit_cast<float>(interp.get("s.y").words[0])));
  compiled.write_words("s.w", wt.words);
  CHECK(facts(compiled) == 3);  // still pinned
  compiled.reinitialize(1);
  CHECK(facts(compiled) == 3);
}


TEST_CASE("a stream of an empty compartment beside a factored one leaves the factored one alone", "[runtime]") {
  using namespace nf::ir;
  const int64_t n = 8, m = 6;
  ProgramBuilder pb;
  pb.compartment("s.a", {DType::F32, {n, 1}}, Role::State, 0.5f);
  pb.compartment("s.b", {DType::F32, {1, m}}, Role::State, 0.25f);
  pb.compartment("s.empty", {DType::F32, {0}}, Role::Input);  // same offset as s.x
  pb.compartment("s.x", {DType::F32, {n, m}}, Role::State);
  pb.compartment("s.y", {DType::F32, {n, m}}, Role::Output);
  ProcessBuilder& p = pb.process("step");
  p.write("s.y", p.add(p.read("s.x"), p.constant(1.0f)));  // reads x before writing it
  NodeRef a = p.add(p.read("s.a"), p.constant(1.0f));
  p.write("s.a", a);
  p.write("s.x", p.matmul(a, p.read("s.b")));  // an outer product: kept as factors
  Program program = pb.build();
  nf::compiler::BuildOptions o;
  o.factor_min_elements = 0;
  nf::Module module(nf::compiler::jit_module(program, o));
  REQUIRE(module.compartment("s.x").kept == NF_KEPT_FACTORED);
  REQUIRE(module.compartment("s.empty").offset == module.compartment("s.x").offset);
  nf::State s(module, 1);
  State interp = create_state(program, 1);
  const int steps = 5;
  float dummy = 0.0f;
  std::vector<float> y(size_t(steps * n * m));
  s.scan({"step"}, 0.0f, 1.0f, steps, {{"s.empty", &dummy}}, {{"s.y", y.data()}});
  for (int k = 0; k < steps; ++k) {
    run_process(program, "step", interp, 0.0f, 1.0f);
    const std::vector<uint32_t>& want = interp.get("s.y").words;
    CHECK(std::memcmp(want.data(), y.data() + k * n * m, want.size() * 4) == 0);
  }
}

TEST_CASE("parameter values follow every change of the parameters: set, checkpoint", "[runtime][derive]") {
  // 1 - alpha, 1 / ema_window_len and tau_elg > 0 are values of parameters
  // alone, which compiled code computes when parameters change.
  nf::ir::Program p = nf::frontend::compile_model_text(R"(
model m {
  r = RewardErrorCell(n_units=2, alpha=0.5)
  W = MSTDPETSynapse(shape=(2, 2), A_plus=0.7, A_minus=0.3, eta=0.1, tau_elg=20.0, weight_init=constant(0.5))
  process step = r.advance_state >> r.evolve >> W.evolve
}
)", "derive.nf");
  nf::Module module(nf::compiler::jit_module(p, nf::compiler::BuildOptions{}));
  nf::State compiled(module, 3);
  nf::ir::State interp = nf::ir::create_state(p, 3);
  const std::vector<const char*> inputs = {"r.reward", "W.preSpike", "W.postSpike", "W.preTrace", "W.postTrace",
                                           "W.modulator"};
  auto input = [](int k, size_t which) -> std::vector<float> {
    switch (which) {
      case 0: return {0.25f * float(k), -0.5f};
      case 1: case 3: return {float(k % 2), 1};
      case 2: case 4: return {1, float(k % 3 == 0)};
      default: return {0.3f * float(k) - 1.0f};
    }
  };
  auto feed = [&](nf::State& s, int k) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::vector<float> v = input(k, i);
      std::copy(v.begin(), v.end(), s.f32(inputs[i]).begin());
    }
    s.step("step", double(k), 1.0);
  };
  auto same = [](nf::State& a, const std::vector<float>& b, const char* c) {
    std::span<float> got = a.f32(c);
    return std::vector<float>(got.begin(), got.end()) == b;
  };
  auto step = [&](int k) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      nf::ir::Tensor t = interp.get(inputs[i]);
      std::vector<float> v = input(k, i);
      for (size_t e = 0; e < t.size(); ++e) t.words[e] = std::bit_cast<uint32_t>(v[e]);
      interp.set(inputs[i], t);
    }
    nf::ir::run_process(p, "step", interp, double(k), 1.0);
    feed(compiled, k);
    for (const char* c : {"r.mu", "r.rpe", "W.weights", "W.eligibility"}) {
      INFO("step " << k << ", " << c);
      CHECK(same(compiled, interp.get(c).to_f32(), c));
    }
  };
  for (int k = 0; k < 4; ++k) step(k);
  for (auto [name, v] : {std::pair{"r.alpha", 0.33}, {"W.tau_elg", 0.0}}) {
    compiled.set_param(name, v);
    interp.set_param(name, v);
  }
  for (int k = 4; k < 8; ++k) step(k);
  // A checkpoint's parameters reach a state made with the defaults.
  TempDir dir;
  compiled.save(dir / "c.npz");
  nf::State loaded(module, 3);
  loaded.load(dir / "c.npz");
  CHECK(loaded.param("r.alpha") == 0.33);
  for (int k = 8; k < 12; ++k) {
    step(k);
    feed(loaded, k);
    for (const char* c : {"r.mu", "r.rpe", "W.weights", "W.eligibility"}) {
      INFO("step " << k << ", loaded " << c);
      CHECK(same(loaded, interp.get(c).to_f32(), c));
    }
  }
}

TEST_CASE("mu switched at run time: dWeights kept as factors with mu = 0, as a matrix with mu > 0", "[runtime][derive]") {
  // With factoring forced on, MSTDP-ET's dWeights is a choice between the
  // low-rank update (mu = 0) and the full one (mu > 0, powers of the weights);
  // mu changes twice, and every step equals the interpreter's.
  nf::ir::Program p = nf::frontend::compile_model_text(R"(
model m {
  W = MSTDPETSynapse(shape=(6, 5), A_plus=0.7, A_minus=0.3, eta=0.1, tau_elg=20.0, weight_init=uniform(0.1, 0.9))
  process step = W.evolve
}
)", "mu.nf");
  nf::compiler::BuildOptions o;
  o.factor_min_elements = 0;
  o.event_min_elements = 0;
  nf::Module module(nf::compiler::jit_module(p, o));
  nf::State compiled(module, 4);
  nf::ir::State interp = nf::ir::create_state(p, 4);
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int k = 0; k < 30; ++k) {
    if (k == 10 || k == 20) {
      double mu = k == 10 ? 0.7 : 0.0;
      compiled.set_param("W.mu", mu);
      interp.set_param("W.mu", mu);
    }
    for (const char* name : {"W.preSpike", "W.postSpike", "W.preTrace", "W.postTrace", "W.modulator"}) {
      nf::ir::Tensor t = interp.get(name);
      for (size_t i = 0; i < t.size(); ++i) t.words[i] = std::bit_cast<uint32_t>(std::floor(u(rng) * 4.0f) / 3.0f);
      interp.set(name, t);
      compiled.write_words(name, t.words);
    }
    compiled.step("step", double(k), 1.0);
    nf::ir::run_process(p, "step", interp, double(k), 1.0);
    for (const char* c : {"W.weights", "W.eligibility", "W.dWeights"}) {
      INFO("step " << k << ", " << c);
      CHECK(compiled.read_words(c) == interp.get(c).words);
    }
  }
}

TEST_CASE("a bool compartment takes only the words 0 and 1; an unknown status has a name", "[runtime]") {
  nf::ir::Program p = nf::frontend::compile_model_text(R"(
component Flags {
  state on[1, 3]: bool = false
  def step() {
    on = not on
  }
}
model m {
  f = Flags()
  process step = f.step
}
)", "flags.nf");
  nf::Module module(nf::compiler::jit_module(p, nf::compiler::BuildOptions{}));
  nf::State s(module, 1);
  const uint32_t good[3] = {1, 0, 1}, bad[3] = {1, 2, 0};
  CHECK(nf_state_write(s.get(), "f.on", NF_BOOL, good, 3) == NF_OK);
  CHECK(nf_state_write(s.get(), "f.on", NF_BOOL, bad, 3) == NF_ERROR_INVALID_ARGUMENT);
  CHECK_THAT(nf_state_last_error(s.get()), Contains("element 1 of bool compartment 'f.on' is 2"));
  CHECK(s.read_words("f.on") == std::vector<uint32_t>{1, 0, 1});  // the refused write changed nothing
  s.step("step", 0.0, 1.0);
  CHECK(s.read_words("f.on") == std::vector<uint32_t>{0, 1, 0});
  CHECK(std::string(nf_status_name(static_cast<nf_status>(99))) == "NF_ERROR_UNKNOWN");
}

TEST_CASE("a mask shared by two static synapses: a host write reaches both products", "[runtime][events]") {
  nf::ir::Program p = nf::frontend::compile_model_text(R"(
model m {
  z = BernoulliCell(n_units=8)
  W1 = StaticSynapse(shape=(8, 5), weight_init=gaussian(0.0, 1.0))
  W2 = StaticSynapse(shape=(8, 5), weight_init=gaussian(0.0, 1.0))
  z.outputs >> W1.inputs
  z.outputs >> W2.inputs
  W1.mask >> W2.mask
  process step = z.advance_state >> W1.advance_state >> W2.advance_state
}
)", "shared_mask.nf");
  nf::compiler::BuildOptions o;
  o.factor_min_elements = 0;
  o.event_min_elements = 0;  // event-driven products for these small matrices too
  nf::Module module(nf::compiler::jit_module(p, o));
  nf::State compiled(module, 6);
  nf::ir::State interp = nf::ir::create_state(p, 6);
  const float masks[] = {1.0f, -2.0f, std::numeric_limits<float>::infinity(), 0.5f};
  for (int k = 0; k < 8; ++k) {
    nf::ir::Tensor z = interp.get("z.inputs");
    for (size_t i = 0; i < z.size(); ++i) z.words[i] = std::bit_cast<uint32_t>(float((i + size_t(k)) % 3) * 0.4f);
    interp.set("z.inputs", z);
    compiled.write_words("z.inputs", z.words);
    if (k % 2 == 1) {  // the host writes the shared mask between steps
      nf::ir::Tensor m = interp.get("W1.mask");
      m.words[0] = std::bit_cast<uint32_t>(masks[k / 2]);
      interp.set("W1.mask", m);
      compiled.write_words("W1.mask", m.words);
    }
    compiled.step("step", double(k), 1.0);
    nf::ir::run_process(p, "step", interp, double(k), 1.0);
    for (const char* c : {"W1.outputs", "W2.outputs"}) {
      INFO("step " << k << ", " << c);
      std::vector<uint32_t> got = compiled.read_words(c), want = interp.get(c).words;
      for (size_t i = 0; i < got.size(); ++i) CHECK(same_f32(std::bit_cast<float>(got[i]), std::bit_cast<float>(want[i])));
    }
  }
}
