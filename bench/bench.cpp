// neurofuse's benchmark suite: the compiled step functions of bench/models
// against the reference interpreter, a naive loop per operation, a
// hand-written fused loop and the machine's memory roof, all in one run.
//
//   bench [--quick] [--json FILE]
//
// Each workload runs in a child process, so its peak resident memory is its
// own. Prints a table; writes the numbers as JSON.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "baselines.h"
#include "compiler/jit.h"
#include "frontend/frontend.h"
#include "ir/interpreter.h"
#include "ir/precision.h"
#include "ir/random.h"
#include "neurofuse/runtime.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Median seconds per call of `fn`, over `repeats` timings of `batch` calls.
double median_seconds(const std::function<void()>& fn, int batch, int repeats) {
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    auto t = Clock::now();
    for (int k = 0; k < batch; ++k) fn();
    times.push_back(seconds_since(t) / batch);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Calls per timing so one timing lasts about `target` seconds.
int calibrate(const std::function<void()>& fn, double target) {
  auto t = Clock::now();
  fn();
  double one = std::max(seconds_since(t), 1e-9);
  return std::max(1, int(target / one));
}

struct Result {
  std::map<std::string, double> values;
  std::map<std::string, std::string> text;
  bool failed = false;  // the child reported an error or died
};

std::string source_dir() { return NF_SOURCE_DIR; }

struct Compiled {
  nf::ir::Program program;
  std::unique_ptr<nf::Module> module;
  double cold_ms = 0, cached_ms = 0;
  // Where the cold compile's time went: the front end (parse, elaborate),
  // the compiler's stages (compiler/build.h), and the rest (the target, the
  // cache key and files, the JIT's linking); and the
  // cached compile's front end.
  double front_ms = 0, cached_front_ms = 0, jit_link_ms = 0;
  nf::compiler::BuildTimes stages;
  // Tiered (compiler/jit.h), empty cache: parse to the first tier's loaded
  // code, and the background build's time to the optimized code after that.
  double tiered_ms = 0, tiered_optimized_after_ms = 0;
};

Result isolated(const std::function<Result()>& work);

// Compiles a model twice through a fresh cache, cold then cached, to time
// both; with `timed` false, once (the times stay 0).
Compiled compile(const std::string& model, const nf::compiler::BuildOptions& options = {}, bool timed = true) {
  Compiled c;
  if (!timed) {
    c.program = nf::frontend::load_model_file(source_dir() + "/" + model).program;
    c.module = std::make_unique<nf::Module>(nf::compiler::jit_module(c.program, options));
    return c;
  }
  std::string cache = "/tmp/nf_bench_cache_" + std::to_string(getpid());
  setenv("NEUROFUSE_CACHE_DIR", cache.c_str(), 1);
  {
    // In a child of its own, so both this and the cold compile below start
    // in a process that has not parsed the library or set LLVM up yet.
    Result tier = isolated([&] {
      Result r;
      nf::compiler::BuildOptions tiered = options;
      tiered.tiered = true;
      auto t = Clock::now();
      nf::ir::Program program = nf::frontend::load_model_file(source_dir() + "/" + model).program;
      nf_module* first = nf::compiler::jit_module(program, tiered);
      r.values["first"] = seconds_since(t) * 1e3;
      t = Clock::now();
      if (!nf::compiler::wait_for_optimized_code(first)) throw std::runtime_error("the optimized tier failed");
      r.values["after"] = seconds_since(t) * 1e3;
      nf_module_close(first);
      return r;
    });
    if (tier.failed) throw std::runtime_error("the tiered compile failed");
    c.tiered_ms = tier.values["first"];
    c.tiered_optimized_after_ms = tier.values["after"];
    std::filesystem::remove_all(cache);  // the cold compile below starts from an empty cache too
  }
  auto t = Clock::now();
  c.program = nf::frontend::load_model_file(source_dir() + "/" + model).program;
  c.front_ms = seconds_since(t) * 1e3;
  t = Clock::now();
  nf_module* cold = nf::compiler::jit_module(c.program, options, &c.stages);
  const double build_ms = seconds_since(t) * 1e3;
  c.cold_ms = c.front_ms + build_ms;
  const nf::compiler::BuildTimes& b = c.stages;
  c.jit_link_ms = build_ms - (b.plan_ms + b.codegen_ms + b.optimize_ms + b.object_ms);
  nf_module_close(cold);
  t = Clock::now();
  c.program = nf::frontend::load_model_file(source_dir() + "/" + model).program;
  c.cached_front_ms = seconds_since(t) * 1e3;
  c.module = std::make_unique<nf::Module>(nf::compiler::jit_module(c.program, options));
  c.cached_ms = seconds_since(t) * 1e3;
  std::filesystem::remove_all(cache);
  return c;
}

void add_compile_times(Result& r, const Compiled& c) {
  r.values["compile_cold_ms"] = c.cold_ms;
  r.values["compile_cached_ms"] = c.cached_ms;
  r.values["compile_front_ms"] = c.front_ms;
  r.values["compile_plan_ms"] = c.stages.plan_ms;
  r.values["compile_llvm_ir_ms"] = c.stages.codegen_ms;
  r.values["compile_optimize_ms"] = c.stages.optimize_ms;
  r.values["compile_machine_code_ms"] = c.stages.object_ms;
  r.values["compile_jit_link_ms"] = c.jit_link_ms;
  r.values["compile_cached_front_ms"] = c.cached_front_ms;
  r.values["compile_tiered_ms"] = c.tiered_ms;
  r.values["compile_tiered_optimized_after_ms"] = c.tiered_optimized_after_ms;
}

// The stream id of the only draw of `instance.method` in `process`.
uint32_t stream_of(const nf::ir::Program& p, const std::string& process, const std::string& instance) {
  for (const nf::ir::NodeRef& n : p.find_process(process)->body)
    if (n->op == nf::ir::Op::Bernoulli && n->attrs.name.starts_with(instance + "."))
      return nf::random::stream_id(n->attrs.name);
  return 0;
}

// The compiled mstdpet-layer step alone (its own process: its peak RSS is the
// state plus the JIT). With `baselines`, also the hand-written and naive
// loops and the interpreter, checked bit for bit against the compiled step.
Result mstdpet_layer(int64_t n, bool quick, double roof, bool baselines) {
  Result r;
  // The run beside the baselines keeps only ratios: it compiles once.
  Compiled c = compile("bench/models/mstdpet_layer_" + std::to_string(n) + ".nf", {}, !baselines);
  nf::State s(*c.module, 1);
  for (float& p : s.f32("pre.inputs")) p = 0.05f;
  for (float& p : s.f32("post.inputs")) p = 0.05f;
  s.step("reset", 0.0f, 1.0f);  // sets outmask to ones
  float t = 0.0f;
  int64_t steps_done = 0;
  auto compiled_step = [&] {
    s.f32("W.modulator")[0] = steps_done < 500 ? 1.0f : -1.0f;  // the reward flips halfway
    s.step("step", t, 1.0f);
    t = t + 1.0f;
    ++steps_done;
  };
  double target = quick ? 0.05 : 0.25;
  int batch = calibrate(compiled_step, target);
  double sec = median_seconds(compiled_step, batch, quick ? 3 : 7);
  // Bytes the compiled step moves: the update reads and writes W and E (the
  // transform reads W in the same pass; dW is kept as its four vectors); the
  // O(n) vectors are noise here. The hand-written loop moves 6 n^2 floats.
  double bytes = 4.0 * double(n) * double(n) * 4.0;
  r.values["steps_per_s"] = 1.0 / sec;
  r.values["synapse_updates_per_s"] = double(n) * double(n) / sec;
  r.values["bytes_per_step"] = bytes;
  r.values["gb_per_s"] = bytes / sec / 1e9;
  r.values["roof_percent"] = 100.0 * (bytes / sec / 1e9) / roof;
  r.values["ns_per_step"] = sec * 1e9;
  add_compile_times(r, c);
  r.values["state_bytes"] = double(c.module->info().state_size);
  if (!baselines) {
    // The same step with its large loops split over both cores.
    s.set_threads(2);
    double sec2 = median_seconds(compiled_step, batch, quick ? 3 : 7);
    r.values["speedup_2_threads"] = sec / sec2;
    return r;
  }

  // The hand-written loop on the same state, checked bit for bit first.
  nf::bench::Layer l;
  l.n = n;
  // By copy: dWeights is kept as factors and has no storage to view.
  auto values = [&](const char* name) {
    std::vector<uint32_t> w = s.read_words(name);
    std::vector<float> v(w.size());
    std::memcpy(v.data(), w.data(), w.size() * 4);
    return v;
  };
  l.w = values("W.weights");
  l.e = values("W.eligibility");
  l.dw = values("W.dWeights");
  l.pre_in = values("pre.inputs");
  l.post_in = values("post.inputs");
  l.pre_s = values("pre.outputs");
  l.post_s = values("post.outputs");
  l.pre_tr = values("tr_pre.trace");
  l.post_tr = values("tr_post.trace");
  l.pre_tols = values("pre.tols");
  l.post_tols = values("post.tols");
  l.out = values("W.outputs");
  l.pre_key = s.i32("pre.key")[0];
  l.post_key = s.i32("post.key")[0];
  l.pre_stream = stream_of(c.program, "step", "pre");
  l.post_stream = stream_of(c.program, "step", "post");
  l.seed = 1;
  l.modulator = s.f32("W.modulator")[0];
  // The naive loop's ~20 n^2 temporaries do not fit beside the rest at 8000^2.
  const bool naive_fits = n < 8000;
  {
    nf::bench::Layer check = l;
    nf::bench::handwritten_step(check, t, 1.0f);
    s.step("step", t, 1.0f);
    auto same = [&](const nf::bench::Layer& b) {
      auto equal = [&](const char* name, const std::vector<float>& v) {
        std::vector<float> x = values(name);
        return x.size() == v.size() && std::memcmp(x.data(), v.data(), v.size() * 4) == 0;
      };
      return equal("W.weights", b.w) && equal("W.eligibility", b.e) && equal("W.dWeights", b.dw) &&
             equal("W.outputs", b.out) && equal("tr_pre.trace", b.pre_tr);
    };
    // Both baselines compute the compiled step's bits, or the comparison is void.
    bool exact = same(check);
    if (naive_fits) {
      nf::bench::Layer naive_check = l;
      nf::bench::naive_step(naive_check, t, 1.0f);
      exact = exact && same(naive_check);
    }
    r.text["handwritten_bit_exact"] = exact ? "yes" : "NO";
  }
  {
    // The hand-written loop that keeps dWeights as factors computes the bits
    // of the fast one that stores it (two steps: the second reads the dW the
    // first formed).
    nf::bench::Layer stored = l, factored = l;
    nf::bench::keep_factors(factored);
    for (float step_t : {t, t + 1.0f}) {
      nf::bench::handwritten_fast_step(stored, step_t, 1.0f);
      nf::bench::handwritten_factored_step(factored, step_t, 1.0f);
    }
    auto equal = [](const std::vector<float>& a, const std::vector<float>& b) {
      return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * 4) == 0;
    };
    r.text["factored_same_as_fast"] =
        equal(stored.w, factored.w) && equal(stored.e, factored.e) && equal(stored.out, factored.out) ? "yes" : "NO";
  }
  float th = 0.0f;
  auto hand = [&] {
    nf::bench::handwritten_step(l, th, 1.0f);
    th = th + 1.0f;
  };
  double hand_sec = median_seconds(hand, calibrate(hand, target), quick ? 3 : 7);
  double naive_sec = 0;
  if (naive_fits && (n <= 2000 || !quick)) {
    nf::bench::Layer nl = l;
    auto naive = [&] { nf::bench::naive_step(nl, 0.0f, 1.0f); };
    naive_sec = median_seconds(naive, calibrate(naive, target), 3);
  }
  double interp_sec = 0;
  if (n <= 1000) {
    nf::ir::State is = nf::ir::create_state(c.program, 1);
    int k = 0;
    auto interp = [&] { nf::ir::run_process(c.program, "step", is, float(k++), 1.0f); };
    interp_sec = median_seconds(interp, 1, n <= 100 ? 5 : 1);
  }
  // The expert's loop without exactness constraints, and the compiled step
  // in fast precision (docs/SEMANTICS.md), on copies of the same state.
  nf::bench::Layer fl = l;
  auto hand_fast = [&] {
    nf::bench::handwritten_fast_step(fl, th, 1.0f);
    th = th + 1.0f;
  };
  double hand_fast_sec = median_seconds(hand_fast, calibrate(hand_fast, target), quick ? 3 : 7);
  fl = {};
  // The expert's strongest loop: also dWeights kept as its factors.
  nf::bench::Layer ffl = l;
  nf::bench::keep_factors(ffl);
  auto hand_factored = [&] {
    nf::bench::handwritten_factored_step(ffl, th, 1.0f);
    th = th + 1.0f;
  };
  double hand_factored_sec = median_seconds(hand_factored, calibrate(hand_factored, target), quick ? 3 : 7);
  ffl = {};
  const double best_hand_sec = std::min({hand_sec, hand_fast_sec, hand_factored_sec});
  nf::Module fast_module(nf::compiler::jit_module(nf::ir::apply_precision(c.program, nf::ir::Precision::Fast)));
  nf::State fs(fast_module, 1);
  for (float& p : fs.f32("pre.inputs")) p = 0.05f;
  for (float& p : fs.f32("post.inputs")) p = 0.05f;
  fs.step("reset", 0.0f, 1.0f);
  float tf = 0.0f;
  auto fast_step = [&] {
    fs.step("step", tf, 1.0f);
    tf = tf + 1.0f;
  };
  double fast_sec = median_seconds(fast_step, calibrate(fast_step, target), quick ? 3 : 7);
  // The exact step again, beside them, for the fast / exact ratio.
  double exact_sec = median_seconds(compiled_step, calibrate(compiled_step, target), quick ? 3 : 7);
  r.values["handwritten_ns_per_step"] = hand_sec * 1e9;
  r.values["speedup_vs_handwritten"] = hand_sec / sec;
  r.values["speedup_vs_handwritten_fast"] = hand_fast_sec / exact_sec;
  r.values["fast_speedup_vs_handwritten_fast"] = hand_fast_sec / fast_sec;
  r.values["fast_speedup_vs_exact"] = exact_sec / fast_sec;
  r.values["speedup_vs_handwritten_factored"] = hand_factored_sec / exact_sec;
  r.values["fast_speedup_vs_handwritten_factored"] = hand_factored_sec / fast_sec;
  r.values["fast_speedup_vs_best_handwritten"] = best_hand_sec / fast_sec;
  if (naive_sec > 0) r.values["speedup_vs_naive"] = naive_sec / sec;
  if (interp_sec > 0) r.values["speedup_vs_interpreter"] = interp_sec / sec;
  return r;
}

// Steps/s of a model's process with inputs set once.
// Seconds per step of `process` on a state whose `inputs` hold constants.
double step_seconds(const Compiled& c, const std::string& process, const std::vector<std::pair<std::string, float>>& inputs,
                    bool quick) {
  nf::State s(*c.module, 1);
  for (const auto& [name, v] : inputs) {
    std::vector<uint32_t> w = s.read_words(name);
    std::fill(w.begin(), w.end(), std::bit_cast<uint32_t>(v));
    s.write_words(name, w);
  }
  float t = 0.0f;
  auto step = [&] {
    s.step(process, t, 1.0f);
    t = t + 1.0f;
  };
  return median_seconds(step, calibrate(step, quick ? 0.05 : 0.25), quick ? 3 : 7);
}

// With `compare_dense`, also the same model with every vector-matrix product
// reading every row (no event-driven products), timed in the same process.
Result model_rate(const std::string& file, const std::string& process, int64_t synapses,
                  const std::vector<std::pair<std::string, float>>& inputs, bool quick, bool compare_dense = false) {
  Result r;
  Compiled c = compile(file);
  double sec = step_seconds(c, process, inputs, quick);
  if (compare_dense) {
    nf::compiler::BuildOptions dense;
    dense.event_min_elements = std::numeric_limits<int64_t>::max();
    Compiled d = compile(file, dense, false);
    r.values["speedup_vs_dense_products"] = step_seconds(d, process, inputs, quick) / sec;
  }
  nf::ir::State is = nf::ir::create_state(c.program, 1);
  for (const auto& [name, v] : inputs) {
    nf::ir::Tensor x = is.get(name);
    for (uint32_t& w : x.words) w = std::bit_cast<uint32_t>(v);
    is.set(name, x);
  }
  int k = 0;
  auto interp = [&] { nf::ir::run_process(c.program, process, is, float(k++), 1.0f); };
  double interp_sec = median_seconds(interp, 1, 1);
  r.values["steps_per_s"] = 1.0 / sec;
  r.values["ns_per_step"] = sec * 1e9;
  r.values["synapse_updates_per_s"] = double(synapses) / sec;
  r.values["speedup_vs_interpreter"] = interp_sec / sec;
  add_compile_times(r, c);
  r.values["state_bytes"] = double(c.module->info().state_size);
  return r;
}

// The 10,000-unit LIF network with 2% random recurrent connectivity kept as
// its connections (bench/models/lif_10000_sparse.nf): speed, spike rate, and
// the state's bytes against its connection count (the dense form would hold
// 10^8 weights). The structure itself is constant data of the module.
Result sparse_network(bool quick) {
  const std::string file = "bench/models/lif_10000_sparse.nf";
  const std::vector<std::pair<std::string, float>> drive = {{"ext.inputs", 1.0f}};
  // Compiled code only: the reference interpreter computes an initializer
  // whole (10^8 draws held at once) before gathering the connections, and
  // the peak RSS is of this process.
  Result r;
  Compiled c = compile(file);
  const double sec = step_seconds(c, "step", drive, quick);
  r.values["steps_per_s"] = 1.0 / sec;
  r.values["ns_per_step"] = sec * 1e9;
  add_compile_times(r, c);
  r.values["state_bytes"] = double(c.module->info().state_size);
  int64_t connections = 0, table_bytes = 0;
  for (const nf::ir::Connectivity& k : c.program.connectivities) {
    connections += k.tables->entries();
    table_bytes += 4 * int64_t(k.tables->row_start.size() + k.tables->column.size() + k.tables->value.size());
  }
  nf::State s(*c.module, 1);
  std::vector<uint32_t> ones(10000, std::bit_cast<uint32_t>(1.0f));
  s.write_words("ext.inputs", ones);
  const int warm = 200, counted = quick ? 300 : 1000;
  double spikes = 0;
  for (int k = 0; k < warm + counted; ++k) {
    s.step("step", float(k), 1.0f);
    if (k >= warm)
      for (float v : s.f32("z.s")) spikes += v;
  }
  const double per_step = spikes / counted;
  r.values["connections"] = double(connections);
  r.values["state_vs_connection_floats"] = r.values["state_bytes"] / (4.0 * double(connections));
  r.values["structure_bytes"] = double(table_bytes);
  r.values["dense_weight_bytes"] = 4.0 * 10000.0 * 10000.0;
  r.values["rate_hz"] = per_step / 10000.0 * 1000.0;
  // Synaptic events: each spike reaches its row's connections.
  r.values["synapse_updates_per_s"] = per_step * double(connections) / 10000.0 * r.values["steps_per_s"];
  return r;
}

// Wall time of the T-maze example's whole experiment (both agents, its four
// seeds, 200 episodes and an evaluation each) on its compiled module.
double tmaze_experiment_seconds() {
  char dir[] = "/tmp/nf_bench_tmaze_XXXXXX";
  if (!mkdtemp(dir)) throw std::runtime_error("cannot make a temporary directory");
  std::string command = std::string(NF_TMAZE_BINARY) + " " + NF_TMAZE_MODULE + " --out " + dir + " > /dev/null";
  auto t = Clock::now();
  int rc = std::system(command.c_str());
  double sec = seconds_since(t);
  std::filesystem::remove_all(dir);
  if (rc != 0) throw std::runtime_error("the T-maze experiment failed: " + command);
  return sec;
}

// The fixed cost of a step: a one-add model through nf_state_step (by name)
// and through nf_state_scan (the step loop in native code).
Result overhead(bool quick) {
  Result r;
  Compiled c = compile("bench/models/overhead.nf");
  nf::State s(*c.module, 1);
  auto one = [&] { s.step("step", 0.0f, 1.0f); };
  r.values["ns_per_step"] = median_seconds(one, calibrate(one, quick ? 0.05 : 0.25), 5) * 1e9;
  const int64_t n = 1000000;
  auto many = [&] { s.scan({"step"}, 0.0f, 1.0f, n); };
  r.values["scan_ns_per_step"] = median_seconds(many, 1, 3) * 1e9 / double(n);
  r.values["steps_per_s"] = 1e9 / r.values["ns_per_step"];
  add_compile_times(r, c);
  return r;
}

// What recording costs: `record` monitors on one state, none on a twin,
// stepped `steps` at a time in alternation (so both see the same machine),
// with the twin's inputs set by `prepare`. The ratio of the medians.
double recording_overhead(const nf::Module& module, const std::string& process, int64_t steps,
                          const std::function<void(nf::State&)>& prepare,
                          const std::vector<nf_monitor_spec>& record, bool quick, double* rows_per_step = nullptr) {
  nf::State plain(module, 1), recorded(module, 1);
  prepare(plain);
  prepare(recorded);
  std::vector<std::unique_ptr<nf::Monitor>> monitors;
  for (const nf_monitor_spec& spec : record) monitors.push_back(std::make_unique<nf::Monitor>(recorded, spec));
  int64_t done = 0;
  std::vector<double> without, with;
  for (int r = 0; r < (quick ? 5 : 15); ++r) {
    auto t = Clock::now();
    plain.scan({process}, 0.0, 1.0, steps, {}, {}, done);
    without.push_back(seconds_since(t));
    t = Clock::now();
    recorded.scan({process}, 0.0, 1.0, steps, {}, {}, done);
    with.push_back(seconds_since(t));
    done += steps;
  }
  if (rows_per_step) {
    *rows_per_step = 0;
    for (const auto& m : monitors) *rows_per_step += double(m->rows()) / double(done);
  }
  std::sort(without.begin(), without.end());
  std::sort(with.begin(), with.end());
  return with[with.size() / 2] / without[without.size() / 2];
}

// The T-maze network's inputs as the recording and window workloads set
// them (bench/python_bench.py sets the same from Python).
void tmaze_inputs(nf::State& s) {
  std::span<float> in = s.f32("z0.inputs");
  for (size_t i = 0; i < in.size(); ++i) in[i] = i % 9 < 3 ? 1.0f : 0.0f;
  std::vector<uint32_t> w = s.read_words("W1.weights");
  for (size_t i = 0; i < w.size(); ++i) w[i] = std::bit_cast<uint32_t>(i % 6 == 0 ? 1.0f : i % 6 == 1 ? -1.0f : 0.0f);
  s.write_words("W1.weights", w);
}

// The T-maze network's forward process in windows of 100 steps through
// nf_state_scan, as a host (or bench/python_bench.py) drives it.
Result tmaze_windows(bool quick) {
  Result r;
  Compiled tmaze = compile("examples/tmaze/tmaze.nf", {}, false);
  nf::State s(*tmaze.module, 1);
  tmaze_inputs(s);
  int64_t done = 0;
  auto window = [&] {
    s.scan({"forward"}, 0.0, 1.0, 100, {}, {}, done);
    done += 100;
  };
  r.values["steps_per_s"] = 100.0 / median_seconds(window, calibrate(window, quick ? 0.05 : 0.25), quick ? 3 : 7);
  return r;
}

Result recording_costs(bool quick) {
  Result r;
  // The T-maze network with all its spikes recorded as events.
  Compiled tmaze = compile("examples/tmaze/tmaze.nf", {}, false);
  // Spooled to disk as `neurofuse run --out` records, and kept in memory
  // (where the growing buffer's fresh pages are most of the cost).
  char spool[] = "/tmp/nf_bench_spool_XXXXXX";
  if (!mkdtemp(spool)) throw std::runtime_error("cannot make a temporary directory");
  std::vector<nf_monitor_spec> spikes, in_memory;
  for (const char* name : {"z0.outputs", "z1.s", "z2.s"}) {
    spikes.push_back({name, NF_MONITOR_EVENTS, 1, 0, nullptr, 0, spool});
    in_memory.push_back({name, NF_MONITOR_EVENTS, 1, 0, nullptr, 0, nullptr});
  }
  double events_per_step = 0;
  const int64_t tmaze_steps = quick ? 2000 : 10000;
  r.values["tmaze_events_overhead_percent"] =
      100.0 * (recording_overhead(*tmaze.module, "forward", tmaze_steps, tmaze_inputs, spikes, quick, &events_per_step) - 1.0);
  r.values["tmaze_events_in_memory_overhead_percent"] =
      100.0 * (recording_overhead(*tmaze.module, "forward", tmaze_steps, tmaze_inputs, in_memory, quick) - 1.0);
  r.values["tmaze_events_per_step"] = events_per_step;
  std::filesystem::remove_all(spool);
  // The 1000^2 mstdpet layer with its weights recorded every 1000 steps.
  Compiled layer = compile("bench/models/mstdpet_layer_1000.nf", {}, false);
  auto layer_inputs = [](nf::State& s) {
    for (float& p : s.f32("pre.inputs")) p = 0.05f;
    for (float& p : s.f32("post.inputs")) p = 0.05f;
    s.f32("W.modulator")[0] = 1.0f;
    s.step("reset", 0.0, 1.0);
  };
  std::vector<nf_monitor_spec> weights = {{"W.weights", NF_MONITOR_VALUES, 1000, 999, nullptr, 0, nullptr}};
  r.values["mstdpet_1000_weights_overhead_percent"] =
      100.0 * (recording_overhead(*layer.module, "step", 1000, layer_inputs, weights, quick) - 1.0);
  return r;
}

// A field of /proc/self/status in MB ("VmRSS", "VmHWM").
double status_mb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(field + ":")) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  return NAN;
}

// A million steps of 800 LIF units spiking at about 5% of steps, with (or
// without) their spikes recorded as events and one unit's voltage, spooled
// to disk and archived as a .npz. Memory: the peak resident size during the
// run and the save, less the resident size before it (the state, the JIT's
// code and the process; the peak is reset first, so the compiler's own peak
// does not hide the run's).
Result million_steps(bool record) {
  Result r;
  Compiled c = compile("bench/models/population_800.nf", {}, false);
  nf::State s(*c.module, 1);
  for (float& x : s.f32("z0.inputs")) x = 1.0f;
  char dir[] = "/tmp/nf_bench_record_XXXXXX";
  if (!mkdtemp(dir)) throw std::runtime_error("cannot make a temporary directory");
  const int64_t one[] = {0};
  std::vector<std::unique_ptr<nf::Monitor>> monitors;
  if (record) {
    monitors.push_back(std::make_unique<nf::Monitor>(s, nf_monitor_spec{"z1.s", NF_MONITOR_EVENTS, 1, 0, nullptr, 0, dir}));
    monitors.push_back(std::make_unique<nf::Monitor>(s, nf_monitor_spec{"z1.v", NF_MONITOR_VALUES, 1, 0, one, 1, dir}));
  }
  const int64_t steps = 1000000;
  std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to VmRSS
  const double before_mb = status_mb("VmRSS");
  auto t = Clock::now();
  for (int64_t k = 0; k < steps; k += 100000) s.scan({"step"}, 0.0, 1.0, 100000, {}, {}, k);
  r.values["run_s"] = seconds_since(t);
  if (record) {
    t = Clock::now();
    nf::Monitor::save(std::string(dir) + "/run.npz", {monitors[0].get(), monitors[1].get()}, {"spikes", "v0"});
    r.values["save_s"] = seconds_since(t);
    r.values["events"] = double(monitors[0]->rows());
    r.values["spike_rate"] = double(monitors[0]->rows()) / (800.0 * double(steps));
    r.values["npz_mb"] = double(std::filesystem::file_size(std::string(dir) + "/run.npz")) / 1e6;
  }
  r.values["run_growth_mb"] = status_mb("VmHWM") - before_mb;
  std::filesystem::remove_all(dir);
  r.values["state_mb"] = double(c.module->info().state_size) / 1e6;
  return r;
}

// The last-level cache's size in bytes (64 MB when the system does not say).
int64_t last_level_cache_bytes() {
  for (int name : {_SC_LEVEL3_CACHE_SIZE, _SC_LEVEL2_CACHE_SIZE}) {
    const long bytes = sysconf(name);
    if (bytes > 0) return bytes;
  }
  return int64_t(64) << 20;
}

// Runs `work` in a child process; adds its peak RSS (MB) to the result.
Result isolated(const std::function<Result()>& work) {
  int fds[2];
  if (pipe(fds) != 0) return work();
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Result r;
    try {
      r = work();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bench: %s\n", e.what());
      _exit(1);
    }
    std::string out;
    for (const auto& [k, v] : r.values) out += "v " + k + " " + std::to_string(v) + "\n";
    for (const auto& [k, v] : r.text) out += "t " + k + " " + v + "\n";
    if (write(fds[1], out.data(), out.size()) < 0) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, size_t(n));
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  Result r;
  std::istringstream in(text);
  for (std::string kind, key, value; in >> kind >> key >> value;) {
    if (kind == "v") r.values[key] = std::stod(value);
    else r.text[key] = value;
  }
  r.values["peak_rss_mb"] = double(usage.ru_maxrss) / 1024.0;
  r.failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  return r;
}

// The targets of the performance issue, each beside its measured ratio, from
// this run's results (Brian2's CUBA target is bench/brian2/cuba.py's).
void print_targets(const std::vector<std::pair<std::string, Result>>& results) {
  auto value = [](const Result& r, const char* k) { auto it = r.values.find(k); return it == r.values.end() ? NAN : it->second; };
  auto verdict = [](bool met) { return met ? "met" : "MISSED"; };
  std::printf("\ntargets, this run:\n");
  struct Ratio {
    const char* what;
    const char* key;
    double at_least;
    int64_t from_n;
  };
  const Ratio ratios[] = {
      {"exact >= 1.0x the hand-written loop with reciprocals and fma", "speedup_vs_handwritten_fast", 1.0, 1000},
      {"fast >= 1.1x the best hand-written loop (strict, fast, dW as factors)", "fast_speedup_vs_best_handwritten", 1.1, 1000},
      {"2 threads >= 1.7x one thread", "speedup_2_threads", 1.7, 2000},
  };
  for (const Ratio& target : ratios) {
    std::printf("  %s:", target.what);
    for (const auto& [name, r] : results) {
      if (!name.starts_with("mstdpet-layer ")) continue;
      const int64_t n = std::stoll(name.substr(14));
      const double x = value(r, target.key);
      if (n < target.from_n || !std::isfinite(x)) continue;
      std::printf(" %lld^2 %.2fx %s;", (long long)n, x, verdict(x >= target.at_least));
    }
    std::printf("\n");
  }
  for (const auto& [what, key, bound] :
       {std::tuple{"cold compile <= 100 ms, to the first tier's code (tiered)", "compile_tiered_ms", 100.0},
        std::tuple{"cold compile <= 100 ms, to optimized code", "compile_cold_ms", 100.0},
        std::tuple{"cached compile <= 5 ms", "compile_cached_ms", 5.0}}) {
    std::printf("  %s:", what);
    for (const auto& [name, r] : results) {
      const double ms = value(r, key);
      if (std::isfinite(ms) && name != "step overhead (1 add)")
        std::printf(" %s %.1f ms %s;", name.c_str(), ms, verdict(ms <= bound));
    }
    std::printf("\n");
  }
  for (const auto& [name, r] : results)
    if (r.values.count("scan_ns_per_step"))
      std::printf("  fixed cost of a step < 1 us: %.1f ns through nf_state_step %s\n", value(r, "ns_per_step"),
                  verdict(value(r, "ns_per_step") < 1000.0));
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string json_path = "bench.json", only;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") quick = true;
    else if (a == "--json" && i + 1 < argc) json_path = argv[++i];
    else if (a == "--only" && i + 1 < argc) only = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--quick] [--json FILE] [--only WORD]\n", argv[0]);
      return 2;
    }
  }
  // --only WORD: the workloads whose names contain WORD.
  auto wanted = [&](const std::string& name) { return only.empty() || name.find(only) != std::string::npos; };
  double probe_s = quick ? 0.1 : 0.5;
  nf::bench::Roof big1 = nf::bench::measure_roof(int64_t(1) << 25, 1, probe_s);
  nf::bench::Roof big2 = nf::bench::measure_roof(int64_t(1) << 25, 2, probe_s);
  nf::bench::Roof small1 = nf::bench::measure_roof(int64_t(1) << 13, 1, probe_s);
  // The DRAM roof: arrays of twice the last-level cache each, so no pass
  // finds its data in the cache (this machine's LLC may hold 128 MB arrays).
  const int64_t llc = last_level_cache_bytes();
  const int64_t dram_floats = std::max(int64_t(1) << 25, 2 * llc / 4);
  nf::bench::Roof dram1 = nf::bench::measure_roof(dram_floats, 1, probe_s);
  nf::bench::Roof dram2 = nf::bench::measure_roof(dram_floats, 2, probe_s);
  const std::string dram_label = "arrays of " + std::to_string(dram_floats * 4 >> 20) + " MB";
  std::printf("memory roof (GB/s)        copy    triad   rmw x3 arrays  rmw x2 arrays  rmw 1 array\n");
  for (const auto& [name, r] : {std::pair{"1 thread, 128 MB    ", big1}, {"2 threads, 128 MB   ", big2},
                                {"1 thread, DRAM      ", dram1}, {"2 threads, DRAM     ", dram2},
                                {"1 thread, 32 KB (L1)", small1}})
    std::printf("  %s   %6.1f  %6.1f  %13.1f  %13.1f  %11.1f\n", name, r.copy, r.triad, r.rmw, r.rmw2, r.rmw1);
  // The roof: the best one-thread read-modify-write of 128 MB arrays, or of
  // DRAM-sized ones for a step whose matrices exceed the last-level cache.
  const double roof = std::max({big1.rmw, big1.rmw2, big1.rmw1});
  const double dram_roof = std::max({dram1.rmw, dram1.rmw2, dram1.rmw1});
  std::printf("roof for roof%%: %.1f GB/s (the better one-thread read-modify-write, 128 MB); %.1f GB/s from DRAM "
              "(%s, last-level cache %lld MB), for steps whose matrices exceed the cache\n\n",
              roof, dram_roof, dram_label.c_str(), (long long)(llc >> 20));

  std::vector<std::pair<std::string, Result>> results;
  if (wanted("step overhead (1 add)"))
    results.push_back({"step overhead (1 add)", isolated([&] { return overhead(quick); })});
  std::vector<int64_t> sizes = {100, 1000, 2000, 4000, 8000};
  for (int64_t n : sizes) {
    std::string name = "mstdpet-layer " + std::to_string(n) + "^2";
    if (!wanted(name)) continue;
    std::fprintf(stderr, "running %s\n", name.c_str());
    // The matrices the step sweeps: weights and eligibility (dW is factors).
    const bool out_of_cache = 2 * 4 * n * n > llc;
    const double size_roof = out_of_cache ? dram_roof : roof;
    Result alone = isolated([&] { return mstdpet_layer(n, quick, size_roof, false); });
    Result with = isolated([&] { return mstdpet_layer(n, quick, size_roof, true); });
    // Speed and memory from the run alone; ratios from the run beside the baselines.
    for (const char* k : {"handwritten_ns_per_step", "speedup_vs_handwritten", "speedup_vs_naive", "speedup_vs_interpreter",
                          "speedup_vs_handwritten_fast", "fast_speedup_vs_handwritten_fast", "fast_speedup_vs_exact",
                          "speedup_vs_handwritten_factored", "fast_speedup_vs_handwritten_factored",
                          "fast_speedup_vs_best_handwritten"})
      if (with.values.count(k)) alone.values[k] = with.values[k];
    alone.text = with.text;
    alone.text["roof"] = out_of_cache ? "dram" : "128MB";
    // A baseline that computes other bits makes its ratios void: the run fails.
    alone.failed = alone.failed || with.failed || with.text["handwritten_bit_exact"] != "yes" ||
                   with.text["factored_same_as_fast"] != "yes";
    results.push_back({name, alone});
  }
  if (wanted("tmaze network (1 ms)"))
  results.push_back({"tmaze network (1 ms)", isolated([&] {
                       Result r = model_rate("examples/tmaze/tmaze.nf", "forward", 270 * 36 + 36 * 4 + 36 * 36 + 16,
                                             {{"z0.inputs", 0.5f}, {"W1.weights", 0.1f}}, quick);
                       r.values["experiment_wall_s"] = tmaze_experiment_seconds();
                       return r;
                     })});
  if (wanted("reinforce b64 256x16"))
  results.push_back({"reinforce b64 256x16", isolated([&] {
                       return model_rate("bench/models/reinforce_b64.nf", "step", 256 * 32,
                                         {{"W.inputs", 0.3f}, {"W.rewards", 0.1f}, {"W.learning_mask", 1.0f}}, quick);
                     })});
  if (wanted("lif 4000, dense 4000^2"))
  results.push_back({"lif 4000, dense 4000^2", isolated([&] {
                       return model_rate("bench/models/lif_4000.nf", "step", 4000 * 4000, {{"z0.inputs", 0.05f}}, quick, true);
                     })});

  if (wanted("lif 10000, sparse 2%"))
    results.push_back({"lif 10000, sparse 2%", isolated([&] { return sparse_network(quick); })});

  if (wanted("tmaze windows of 100"))
    results.push_back({"tmaze windows of 100", isolated([&] { return tmaze_windows(quick); })});
  if (wanted("recording overhead"))
    results.push_back({"recording overhead", isolated([&] { return recording_costs(quick); })});
  if (wanted("1M steps, 800 spiking")) {
    Result bare = isolated([] { return million_steps(false); });
    Result recorded = isolated([] { return million_steps(true); });
    recorded.values["unrecorded_run_growth_mb"] = bare.values["run_growth_mb"];
    recorded.failed = recorded.failed || bare.failed;
    results.push_back({"1M steps, 800 spiking", recorded});
  }

  std::printf("%-24s %11s %9s %8s %6s %9s %9s %9s %9s %8s %8s %7s %6s\n", "workload", "steps/s", "upd/s", "GB/s",
              "roof%", "vs hand", "vs naive", "vs interp", "compile", "cached", "RSS MB", "exact", "2 thr");
  for (const auto& [name, r] : results) {
    auto v = [&](const char* k) { auto it = r.values.find(k); return it == r.values.end() ? NAN : it->second; };
    auto t = [&](const char* k) { auto it = r.text.find(k); return it == r.text.end() ? std::string("-") : it->second; };
    std::printf("%-24s %11.1f %9.2e %8.2f %6.1f %9.2f %9.2f %9.1f %7.1fms %6.1fms %8.1f %7s %6.2f\n", name.c_str(),
                v("steps_per_s"), v("synapse_updates_per_s"), v("gb_per_s"), v("roof_percent"),
                v("speedup_vs_handwritten"), v("speedup_vs_naive"), v("speedup_vs_interpreter"), v("compile_cold_ms"),
                v("compile_cached_ms"), v("peak_rss_mb"), t("handwritten_bit_exact").c_str(), v("speedup_2_threads"));
  }
  auto value = [](const Result& r, const char* k) { auto it = r.values.find(k); return it == r.values.end() ? NAN : it->second; };
  std::printf("\n");
  // Against the hand-written loop that may round differently (reciprocals,
  // fma), and the compiled step in fast precision, side by side in one run.
  for (const auto& [name, r] : results)
    if (r.values.count("fast_speedup_vs_exact"))
      std::printf("%-24s exact vs hand (strict) %.2fx, exact vs hand (fast) %.2fx, exact vs hand (fast, dW as "
                  "factors) %.2fx, fast vs hand (fast) %.2fx, fast vs hand (fast, dW as factors) %.2fx, fast vs exact "
                  "%.2fx; the factored hand loop computes the fast one's bits: %s\n",
                  name.c_str(), value(r, "speedup_vs_handwritten"), value(r, "speedup_vs_handwritten_fast"),
                  value(r, "speedup_vs_handwritten_factored"), value(r, "fast_speedup_vs_handwritten_fast"),
                  value(r, "fast_speedup_vs_handwritten_factored"), value(r, "fast_speedup_vs_exact"),
                  r.text.count("factored_same_as_fast") ? r.text.at("factored_same_as_fast").c_str() : "-");
  // Where the compile time goes, model by model (cold: empty object cache).
  std::printf("\ncompile (ms)              front end  plan  LLVM IR  optimize  machine code  link,cache cold  | cached: "
              "front end  total | tiered: first code, optimized after\n");
  for (const auto& [name, r] : results)
    if (r.values.count("compile_front_ms"))
      std::printf("%-24s %10.1f %5.1f %8.1f %9.1f %13.1f %9.1f %6.1f   | %17.1f %6.1f | %19.1f %10.1f\n", name.c_str(),
                  value(r, "compile_front_ms"), value(r, "compile_plan_ms"), value(r, "compile_llvm_ir_ms"),
                  value(r, "compile_optimize_ms"), value(r, "compile_machine_code_ms"), value(r, "compile_jit_link_ms"),
                  value(r, "compile_cold_ms"), value(r, "compile_cached_front_ms"), value(r, "compile_cached_ms"),
                  value(r, "compile_tiered_ms"), value(r, "compile_tiered_optimized_after_ms"));
  for (const auto& [name, r] : results)
    if (r.text.count("roof") && r.text.at("roof") == "dram")
      std::printf("%s: its matrices exceed the last-level cache; its roof%% is of the DRAM roof\n", name.c_str());
  print_targets(results);
  std::printf("\n");
  for (const auto& [name, o] : results)
    if (o.values.count("scan_ns_per_step"))
      std::printf("fixed cost of a step: %.1f ns through nf_state_step, %.1f ns inside nf_state_scan\n",
                  value(o, "ns_per_step"), value(o, "scan_ns_per_step"));
  for (const auto& [name, r] : results)
    if (r.values.count("experiment_wall_s"))
      std::printf("T-maze experiment (both agents, 4 seeds x 200 episodes + evaluation): %.2f s wall\n",
                  value(r, "experiment_wall_s"));
  for (const auto& [name, r] : results) {
    if (r.values.count("tmaze_events_overhead_percent"))
      std::printf("recording: T-maze network, every spike as events (%.1f a step): %+.1f%% spooled (%+.1f%% in memory); "
                  "mstdpet-layer 1000^2, W.weights every 1000 steps: %+.1f%% (against the same run unrecorded)\n",
                  value(r, "tmaze_events_per_step"), value(r, "tmaze_events_overhead_percent"),
                  value(r, "tmaze_events_in_memory_overhead_percent"), value(r, "mstdpet_1000_weights_overhead_percent"));
    if (r.values.count("run_growth_mb"))
      std::printf("recording: 1,000,000 steps of 800 units (%.1f%% spiking, %.0f events) and one voltage, spooled and "
                  "archived (%.0f MB): the run and save grew the peak resident memory by %.1f MB beyond the state "
                  "(unrecorded: %.1f MB); peak RSS %.1f MB; run %.1f s, save %.1f s\n",
                  100.0 * value(r, "spike_rate"), value(r, "events"), value(r, "npz_mb"), value(r, "run_growth_mb"),
                  value(r, "unrecorded_run_growth_mb"), value(r, "peak_rss_mb"), value(r, "run_s"), value(r, "save_s"));
  }
  for (const auto& [name, r] : results)
    if (r.values.count("state_vs_connection_floats"))
      std::printf("sparse connectivity: %s: %.0f connections, %.1f Hz; the state holds %.1f MB, %.3fx one float per "
                  "connection (dense weights: %.0f MB); the structure is %.1f MB of constant module data; peak RSS "
                  "%.1f MB; %.2e synaptic events/s\n",
                  name.c_str(), value(r, "connections"), value(r, "rate_hz"), value(r, "state_bytes") / 1e6,
                  value(r, "state_vs_connection_floats"), value(r, "dense_weight_bytes") / 1e6,
                  value(r, "structure_bytes") / 1e6, value(r, "peak_rss_mb"), value(r, "synapse_updates_per_s"));
  for (const auto& [name, r] : results)
    if (r.values.count("speedup_vs_dense_products"))
      std::printf("event-driven products: %s runs %.2fx as fast as with every product reading every row\n",
                  name.c_str(), value(r, "speedup_vs_dense_products"));
  std::ofstream json(json_path);
  json << "{\n  \"roof_gb_per_s\": {\"copy_1t\": " << big1.copy << ", \"triad_1t\": " << big1.triad
       << ", \"rmw_1t\": " << big1.rmw << ", \"rmw2_1t\": " << big1.rmw2 << ", \"rmw1_1t\": " << big1.rmw1 << ", \"roof\": " << roof
       << ", \"copy_2t\": " << big2.copy << ", \"triad_2t\": " << big2.triad
       << ", \"rmw_2t\": " << big2.rmw << ", \"rmw2_2t\": " << big2.rmw2 << ", \"rmw1_2t\": " << big2.rmw1 << ", \"rmw_1t_l1\": " << small1.rmw
       << ", \"rmw1_1t_l1\": " << small1.rmw1 << ", \"dram_roof\": " << dram_roof << ", \"rmw_1t_dram\": " << dram1.rmw
       << ", \"rmw2_1t_dram\": " << dram1.rmw2 << ", \"rmw1_1t_dram\": " << dram1.rmw1 << ", \"rmw2_2t_dram\": " << dram2.rmw2
       << ", \"last_level_cache_mb\": " << (llc >> 20) << "},\n  \"workloads\": {\n";
  for (size_t i = 0; i < results.size(); ++i) {
    json << "    \"" << results[i].first << "\": {";
    bool first = true;
    for (const auto& [k, v] : results[i].second.values) {
      json << (first ? "" : ", ") << "\"" << k << "\": " << (std::isfinite(v) ? std::to_string(v) : "null");
      first = false;
    }
    for (const auto& [k, v] : results[i].second.text) json << (first ? "" : ", ") << "\"" << k << "\": \"" << v << "\"";
    json << "}" << (i + 1 < results.size() ? "," : "") << "\n";
  }
  json << "  }\n}\n";
  std::printf("\nwrote %s\n", json_path.c_str());
  int failed = 0;
  for (const auto& [name, r] : results)
    if (r.failed) std::fprintf(stderr, "%s failed (its row is incomplete)\n", name.c_str()), ++failed;
  return failed ? 1 : 0;
}
