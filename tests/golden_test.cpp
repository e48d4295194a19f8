// Golden tests: compiled code computes exactly what the reference interpreter
// computes. Every model runs side by side in the interpreter and the JIT, with
// the same inputs, and every compartment must agree bit for bit after every
// step (NaN payloads aside).
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <cstring>

#include "compiler/build.h"
#include "compiler/jit.h"
#include "neurofuse/runtime.hpp"
#include "frontend/frontend.h"
#include "ir/equality.h"
#include "ir/interpreter.h"
#include "ir/precision.h"
#include "ir/parser.h"
#include "tests/every_op.h"
#include "tests/temp_dir.h"

using namespace nf;
using Catch::Contains;

namespace {

// A file of the repository, by its path from the root.
std::string source_file(const std::string& rel) { return std::string(NF_SOURCE_DIR) + "/" + rel; }

bool same_words(const ir::Tensor& a, const ir::Tensor& b, size_t& where) {
  if (a.type != b.type) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    uint32_t x = a.words[i], y = b.words[i];
    bool nan_x = a.type.dtype == ir::DType::F32 && std::isnan(a.f32(i));
    bool nan_y = b.type.dtype == ir::DType::F32 && std::isnan(b.f32(i));
    if (x != y && !(nan_x && nan_y)) {
      where = i;
      return false;
    }
  }
  return true;
}

struct GoldenRun {
  int64_t steps = 1000;
  std::vector<std::string> processes;   // run in order each step
  std::string reset;                    // run every reset_every steps, if set
  int64_t reset_every = 0;
  uint64_t seed = 1;
  double spike_p = 0.3;                 // probability of a 1 in driven inputs
  std::vector<std::string> driven;      // compartments given random 0/1 values each step
  std::map<std::string, float> fixed;   // compartments set to a constant before every step
  bool aot = true;                      // also run a shared library in a process without LLVM
  bool fast = true;                     // also run the program in fast precision (ir/precision.h)
  std::string label;                    // names the run in the precision report
};

// Low-rank factors and event-driven products for matrices of any size, so
// that the small models here take those paths too.
compiler::BuildOptions small_matrices_too() {
  compiler::BuildOptions o;
  o.factor_min_elements = 0;
  o.event_min_elements = 0;
  return o;
}

// The bytes of every compartment, in program order.
std::string snapshot(const ir::Program& program, const ir::State& s) {
  std::string out;
  for (const ir::Compartment& c : program.compartments) {
    const ir::Tensor& t = s.get(c.name);
    out.append(reinterpret_cast<const char*>(t.words.data()), t.words.size() * 4);
  }
  return out;
}

// Compiles `program` to a shared library, runs it with aot_probe (a C
// program linking only libc and libdl) on the recorded drives, and compares
// every compartment after every step with the interpreter's snapshots.
void check_aot(const ir::Program& program, const GoldenRun& run, const std::vector<std::string>& driven,
               const std::string& drive_bytes, const std::vector<std::string>& interp_steps) {
  nf::test::TempDir dir;
  std::string so = dir / "model.so", drives = dir / "drives.bin", records = dir / "records.bin";
  compiler::build_file(program, so, compiler::Emit::SharedLibrary, small_matrices_too());
  std::ofstream(drives, std::ios::binary).write(drive_bytes.data(), std::streamsize(drive_bytes.size()));
  std::string processes;
  for (const std::string& p : run.processes) processes += (processes.empty() ? "" : ",") + p;
  std::string reset = run.reset_every ? run.reset + ":" + std::to_string(run.reset_every) : "-";
  std::string cmd = std::string(NF_AOT_PROBE) + " '" + so + "' " + std::to_string(run.seed) + " " +
                    std::to_string(run.steps) + " " + processes + " " + reset + " '" + drives + "' '" + records + "'";
  for (const std::string& d : driven) cmd += " " + d;
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(records, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string all = bytes.str();
  size_t row = interp_steps.empty() ? 0 : interp_steps[0].size();
  REQUIRE(all.size() == row * interp_steps.size());
  for (size_t k = 0; k < interp_steps.size(); ++k)
    if (all.compare(k * row, row, interp_steps[k]) != 0) {
      // NaN payloads may differ; compare word by word before failing.
      for (size_t w = 0; w < row / 4; ++w) {
        uint32_t a, b;
        std::memcpy(&a, interp_steps[k].data() + w * 4, 4);
        std::memcpy(&b, all.data() + k * row + w * 4, 4);
        bool nan_a = (a & 0x7f800000u) == 0x7f800000u && (a & 0x7fffffu);
        bool nan_b = (b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu);
        if (a != b && !(nan_a && nan_b)) {
          INFO("AOT module differs from the interpreter at step " << k << ", word " << w);
          FAIL_CHECK("shared library differs");
          return;
        }
      }
    }
}

// Snapshots of the interpreter's state after some steps: (step, bytes).
using Snapshots = std::vector<std::pair<int64_t, std::string>>;

// Runs `run` on the interpreter and the JIT (and, with run.aot, a shared
// library) in one precision; returns how many 1.0 values the compartments
// named `count` held over the run (to show spikes happened), and keeps the
// interpreter's state every `keep_every` steps in `kept` when given.

std::map<std::string, int64_t> run_golden_mode(const ir::Program& program, const GoldenRun& run,
                                               const std::vector<std::string>& count, Snapshots* kept,
                                               int64_t keep_every) {
  nf::Module module(compiler::jit_module(program, small_matrices_too()));
  nf::State compiled(module, run.seed);
  // The same code with every splittable loop split over two threads.
  nf::State threaded(module, run.seed);
  threaded.set_threads(2, 1);
  threaded.reinitialize(run.seed);
  ir::State interp = ir::create_state(program, run.seed);
  double dt = program.default_dt;
  // The compiled state's compartments as the interpreter's tensors.
  auto get = [&](nf::State& s, const std::string& name) {
    ir::Tensor t(interp.get(name).type);
    std::vector<uint32_t> w = s.read_words(name);
    std::copy(w.begin(), w.end(), t.words.begin());
    return t;
  };
  auto set = [&](const std::string& name, const ir::Tensor& v) {
    for (nf::State* s : {&compiled, &threaded}) s->write_words(name, v.words);
  };
  std::vector<std::string> aot_driven;  // fixed, then random compartments: one drive row per step
  for (const auto& [name, v] : run.fixed) aot_driven.push_back(name);
  for (const std::string& d : run.driven) aot_driven.push_back(d);
  std::string drive_bytes;
  std::vector<std::string> interp_steps;
  std::mt19937_64 rng(run.seed * 7919 + 17);
  std::bernoulli_distribution spike(run.spike_p);
  std::map<std::string, int64_t> ones;
  auto compare = [&](int64_t step, const std::string& after) {
    for (const ir::Compartment& c : program.compartments) {
      size_t where = 0;
      ir::Tensor a = interp.get(c.name);
      for (nf::State* s : {&compiled, &threaded}) {
        ir::Tensor b = get(*s, c.name);
        if (!same_words(a, b, where)) {
          INFO("step " << step << ", after " << after << ": " << c.name << "[" << where << "] interpreter "
                       << a.f32(where) << " (0x" << std::hex << a.words[where] << ") compiled "
                       << (s == &threaded ? "on 2 threads " : "") << b.f32(where) << " (0x" << b.words[where]
                       << std::dec << ")");
          FAIL_CHECK("compiled code differs from the interpreter");
          return false;
        }
      }
    }
    return true;
  };
  for (int64_t step = 0; step < run.steps; ++step) {
    double t = ir::step_time(0.0, dt, step);
    if (run.reset_every && step > 0 && step % run.reset_every == 0) {
      ir::run_process(program, run.reset, interp, t, dt);
      compiled.step(run.reset, t, dt);
      threaded.step(run.reset, t, dt);
      if (!compare(step, run.reset)) return ones;
    }
    for (const auto& [name, v] : run.fixed) {
      ir::Tensor f(interp.get(name).type, std::bit_cast<uint32_t>(v));
      interp.set(name, f);
      set(name, f);
      drive_bytes.append(reinterpret_cast<const char*>(f.words.data()), f.words.size() * 4);
    }
    for (const std::string& d : run.driven) {
      ir::Tensor v = interp.get(d);
      for (size_t i = 0; i < v.size(); ++i) {
        bool on = spike(rng);
        if (v.type.dtype == ir::DType::F32) v.words[i] = std::bit_cast<uint32_t>(on ? 1.0f : 0.0f);
        else v.words[i] = on ? 1u : 0u;
      }
      interp.set(d, v);
      set(d, v);
      drive_bytes.append(reinterpret_cast<const char*>(v.words.data()), v.words.size() * 4);
    }
    for (const std::string& p : run.processes) {
      ir::run_process(program, p, interp, t, dt);
      compiled.step(p, t, dt);
      threaded.step(p, t, dt);
      if (!compare(step, p)) return ones;
    }
    if (run.aot || (kept && step % keep_every == 0)) {
      std::string bytes = snapshot(program, interp);
      if (kept && step % keep_every == 0) kept->emplace_back(step, bytes);
      if (run.aot) interp_steps.push_back(std::move(bytes));
    }
    for (const std::string& c : count) {
      const ir::Tensor& v = interp.get(c);
      for (size_t i = 0; i < v.size(); ++i) ones[c] += v.f32(i) == 1.0f;
    }
  }
  if (run.aot) check_aot(program, run, aot_driven, drive_bytes, interp_steps);
  return ones;
}

// Distance in binary32 ulps (through the ordered integers of the bit
// patterns); NaN against a number counts as the largest distance.
int64_t ulp_distance(uint32_t a, uint32_t b) {
  float fa = std::bit_cast<float>(a), fb = std::bit_cast<float>(b);
  if (std::isnan(fa) || std::isnan(fb)) return std::isnan(fa) && std::isnan(fb) ? 0 : INT64_MAX;
  auto ordered = [](uint32_t w) { return (w & 0x80000000u) ? -int64_t(w & 0x7fffffffu) : int64_t(w); };
  return std::llabs(ordered(a) - ordered(b));
}

// How far fast precision moves each f32 compartment from exact precision:
// the largest ulp distance over the kept steps, appended as
// "label<TAB>compartment<TAB>ulps" to the file $NF_PRECISION_REPORT when set.
void report_drift(const ir::Program& program, const std::string& label, const Snapshots& exact,
                  const Snapshots& fast) {
  const char* path = std::getenv("NF_PRECISION_REPORT");
  if (!path || exact.size() != fast.size()) return;
  std::ofstream out(path, std::ios::app);
  size_t offset = 0;
  for (const ir::Compartment& c : program.compartments) {
    size_t words = size_t(c.type.shape.num_elements());
    if (c.type.dtype == ir::DType::F32) {
      int64_t most = 0;
      for (size_t k = 0; k < exact.size(); ++k)
        for (size_t w = 0; w < words; ++w) {
          uint32_t a, b;
          std::memcpy(&a, exact[k].second.data() + (offset + w) * 4, 4);
          std::memcpy(&b, fast[k].second.data() + (offset + w) * 4, 4);
          most = std::max(most, ulp_distance(a, b));
        }
      out << (label.empty() ? "program" : label) << '\t' << c.name << '\t' << most << '\n';
    }
    offset += words;
  }
}

// Runs `run` on the interpreter and the JIT (and a shared library), in exact
// precision and, unless it changes nothing, in fast precision; returns how
// many 1.0 values the compartments named `count` held over the exact run.
std::map<std::string, int64_t> run_golden(const ir::Program& program, const GoldenRun& run,
                                          const std::vector<std::string>& count = {}) {
  ir::Program fast = ir::apply_precision(program, ir::Precision::Fast);
  bool both = run.fast && !ir::structurally_equal(fast, program);
  // Keep at most about 64 MB of snapshots for the precision report.
  int64_t row = 0;  // bytes of one snapshot
  for (const ir::Compartment& c : program.compartments) row += 4 * c.type.shape.num_elements();
  const int64_t keep_every = (row * run.steps) / (int64_t(64) << 20) + 1;
  Snapshots exact_kept, fast_kept;
  auto ones = run_golden_mode(program, run, count, both ? &exact_kept : nullptr, keep_every);
  if (both) {
    INFO("in fast precision");
    run_golden_mode(fast, run, {}, &fast_kept, keep_every);
    report_drift(program, run.label, exact_kept, fast_kept);
  }
  return ones;
}

}  // namespace

TEST_CASE("golden: the Poisson-LIF example", "[golden]") {
  frontend::Model m = frontend::load_model_file(source_file("examples/spiking/poisson_lif.nf"));
  GoldenRun run;
  run.label = "examples/spiking/poisson_lif.nf";
  run.processes = {"advance"};
  run.reset = "reset";
  run.reset_every = 400;
  run.fixed = {{"z0.inputs", 1.0f}};
  auto ones = run_golden(m.program, run, {"z1.s"});
  CHECK(ones["z1.s"] > 20);  // the LIF units did spike
}

namespace {

// A model with one instance `x` of `decl` and processes for its methods.
ir::Program single(const std::string& decl, const std::vector<std::string>& methods, double dt = 1.0) {
  std::string text = "model m {\n  seed = 3\n  dt = " + std::to_string(dt) + "\n  x = " + decl + "\n";
  for (const std::string& m : methods) text += "  process " + m + " = x." + m + "\n";
  return frontend::compile_model_text(text + "}\n", "golden.nf");
}

struct ComponentCase {
  std::string decl;
  std::vector<std::string> methods;   // run every step (reset every 300 steps if listed last as "reset")
  std::vector<std::string> driven;    // inputs set to random 0/1 every step
  std::map<std::string, float> fixed;
  std::string spikes;                 // a compartment that must hold 1.0 at some steps
  double dt = 1.0;
};

void check_component(const ComponentCase& c) {
  INFO(c.decl);
  std::vector<std::string> methods = c.methods;
  ir::Program p = single(c.decl, methods, c.dt);
  GoldenRun run;
  run.label = c.decl;
  for (const std::string& m : methods)
    if (m != "reset") run.processes.push_back(m);
  if (std::find(methods.begin(), methods.end(), "reset") != methods.end()) {
    run.reset = "reset";
    run.reset_every = 300;
  }
  run.driven.clear();
  for (const std::string& d : c.driven) run.driven.push_back("x." + d);
  for (const auto& [k, v] : c.fixed) run.fixed["x." + k] = v;
  auto ones = run_golden(p, run, c.spikes.empty() ? std::vector<std::string>{} : std::vector<std::string>{"x." + c.spikes});
  if (!c.spikes.empty()) CHECK(ones["x." + c.spikes] > 0);
}

}  // namespace

TEST_CASE("golden: DenseSynapse and StaticSynapse", "[golden]") {
  check_component({"DenseSynapse(shape=(20, 12), weight_init=gaussian(0.1, 0.5), bias_init=uniform(-0.1, 0.1), "
                   "mask_init=constant(1.0, hollow=true), g_conduct_factor=-2.0, p_conn=0.5)",
                   {"advance_state", "reset"}, {"inputs", "gate"}, {}, ""});
  check_component({"StaticSynapse(shape=(7, 5), weight_init=fan_in_uniform(), resist_scale=3.0)",
                   {"advance_state", "reset"}, {"inputs"}, {}, ""});
  // The default [1, 1] mask always applies and scales the event-driven
  // products: written by the host before every step (a negative value flips
  // the signs the facts count), or driven with random 0/1.
  check_component({"StaticSynapse(shape=(9, 6), weight_init=gaussian(0.0, 1.0))", {"advance_state", "reset"},
                   {"inputs"}, {{"mask", -0.5f}}, ""});
  check_component({"StaticSynapse(shape=(9, 6), weight_init=gaussian(0.0, 1.0))", {"advance_state", "reset"},
                   {"inputs", "mask"}, {}, ""});
}

TEST_CASE("golden: TraceSTDPSynapse", "[golden]") {
  const std::vector<std::string> in = {"inputs", "preSpike", "postSpike", "preTrace", "postTrace"};
  check_component({"TraceSTDPSynapse(shape=(16, 8), A_plus=1.0, A_minus=0.5, eta=0.05, weight_init=uniform(0.0, 1.0))",
                   {"advance_state", "evolve", "reset"}, in, {}, ""});
  check_component({"TraceSTDPSynapse(shape=(9, 4), A_plus=0.8, A_minus=0.3, eta=0.1, mu=0.5, tau_w=40.0, "
                   "pretrace_target=0.1, weight_init=uniform(0.0, 1.0), weight_mask=constant(1.0, hollow=true))",
                   {"advance_state", "evolve", "reset"}, in, {}, ""});
}

TEST_CASE("golden: MSTDPETSynapse", "[golden]") {
  const std::vector<std::string> in = {"inputs", "preSpike", "postSpike", "preTrace", "postTrace", "modulator"};
  check_component({"MSTDPETSynapse(shape=(16, 8), A_plus=1.0, A_minus=0.5, eta=0.05, weight_init=uniform(0.0, 1.0))",
                   {"advance_state", "evolve", "reset"}, in, {{"outmask", 1.0f}}, ""});
  check_component({"MSTDPETSynapse(shape=(12, 10), A_plus=1.0, A_minus=0.5, eta=0.01, tau_elg=25.0, elg_decay=0.9, "
                   "tau_w=100.0, weight_init=uniform(0.0, 1.0))",
                   {"advance_state", "evolve", "reset"}, in, {{"outmask", 1.0f}}, ""});
}

TEST_CASE("golden: REINFORCESynapse", "[golden]") {
  check_component({"REINFORCESynapse(shape=(6, 3), batch_size=4, eta=0.05, act_fx=\"tanh\", mu_act_fx=\"sigmoid\", "
                   "weight_init=uniform(0.0, 0.5))",
                   {"evolve", "reset"}, {"inputs", "rewards", "learning_mask"}, {}, ""});
  check_component({"REINFORCESynapse(shape=(5, 2), eta=0.1, scalar_stddev=0.5, act_fx=\"relu\", mu_act_fx=\"tanh\", "
                   "mu_out_min=-1.0, mu_out_max=1.0, weight_init=uniform(0.0, 0.5))",
                   {"evolve", "reset"}, {"inputs", "rewards", "learning_mask"}, {}, ""});
}

TEST_CASE("golden: VarTrace in every mode", "[golden]") {
  for (const char* mode : {"a_delta=1.0", "a_delta=0.1, decay_type=\"lin\"", "a_delta=0.1, decay_type=\"step\"",
                           "a_delta=0.0, P_scale=0.7", "a_delta=1.0, n_nearest_spikes=2", "a_delta=0.5, gamma_tr=0.9"})
    check_component({"VarTrace(n_units=10, tau_tr=20.0, " + std::string(mode) + ")", {"advance_state", "reset"},
                     {"inputs"}, {}, ""});
}

TEST_CASE("golden: LIFCell, with spikes", "[golden]") {
  check_component({"LIFCell(n_units=12, tau_m=5.0, resist_m=30.0)", {"advance_state", "reset"}, {"j"}, {}, "s"});
  check_component({"LIFCell(n_units=6, tau_m=8.0, resist_m=40.0, integration_type=\"midpoint\", tau_theta=100.0, "
                   "theta_plus=0.5, v_min=-70.0, refract_time=2.0)",
                   {"advance_state", "reset"}, {"j"}, {}, "s"});
  check_component({"LIFCell(n_units=8, tau_m=5.0, resist_m=30.0, one_spike=true)", {"advance_state", "reset"}, {"j"}, {}, "s"});
  check_component({"LIFCell(n_units=8, tau_m=5.0, resist_m=30.0, max_one_spike=true)", {"advance_state", "reset"}, {"j"},
                   {}, "s"});
}

// The cells with ODEs of their own, with every stepper their sources choose
// (integrate()): driven with 0/1 currents scaled by resist_m so that they spike.
TEST_CASE("golden: spiking cells with their own ODEs", "[golden]") {
  const std::vector<std::string> steps = {"advance_state", "reset"};
  for (const char* type : {"euler", "midpoint"}) {
    std::string it = std::string("integration_type=\"") + type + "\"";
    check_component({"IzhikevichCell(n_units=6, resist_m=14.0, " + it + ")", steps, {"j"}, {}, "s", 0.1});
    check_component({"AdExCell(n_units=6, resist_m=90.0, batch_size=2, " + it + ")", steps, {"j"}, {}, "s", 0.1});
    check_component({"FitzhughNagumoCell(n_units=6, resist_m=0.9, spike_reset=true, " + it + ")", steps, {"j"}, {}, "s", 0.1});
    check_component({"IFCell(n_units=6, tau_m=5.0, resist_m=30.0, refract_time=2.0, " + it + ")", steps, {"j"}, {}, "s"});
    check_component({"IFCell(n_units=6, tau_m=5.0, resist_m=30.0, lower_clamp_voltage=false, " + it + ")", steps, {"j"}, {},
                     "s"});
    check_component({"QuadLIFCell(n_units=6, tau_m=5.0, resist_m=30.0, tau_theta=100.0, " + it + ")", steps, {"j"}, {}, "s"});
  }
  for (const char* type : {"euler", "midpoint", "rk4"})
    check_component({"HodgkinHuxleyCell(n_units=5, tau_v=1.0, resist_m=12.0, integration_type=\"" + std::string(type) + "\")",
                     steps, {"j"}, {}, "s", 0.01});
  check_component({"HodgkinHuxleyCell(n_units=5, tau_v=1.0, resist_m=12.0, spike_reset=true, v_reset=0.5)", steps, {"j"}, {},
                   "s", 0.01});
  check_component({"QuadLIFCell(n_units=8, tau_m=5.0, resist_m=30.0, one_spike=true)", steps, {"j"}, {}, "s"});
  check_component({"SLIFCell(n_units=7, tau_m=5.0, resist_m=3.0, thr=0.4, resist_inh=0.3, thr_gain=0.01, thr_leak=0.001, "
                   "refract_time=2.0, sticky_spikes=true)", steps, {"j"}, {}, "s"});
  check_component({"SLIFCell(n_units=7, tau_m=5.0, resist_m=3.0, thr=0.4, rho_b=0.01, batch_size=1)", steps, {"j"}, {}, "s"});
  for (const char* type : {"euler", "midpoint"})
    check_component({"RAFCell(n_units=6, resist_v=20.0, batch_size=2, integration_type=\"" + std::string(type) + "\")", steps,
                     {"j"}, {}, "s", 0.1});
  check_component({"WTASCell(n_units=6, tau_m=1.0, resist_m=4.0, refract_time=2.0, batch_size=1)", steps, {"j"}, {}, "s"});
}

// Conductance and short-term-plasticity synapses, and the exponential
// Sparse connectivity: dense synapses kept as their connections (a Bernoulli
// structure decided when the model is built), and ngclearn's locally
// connected tensors in every geometry; inputs are 0/1 spikes, so the
// products skip most rows.
TEST_CASE("golden: sparse storage and sparse tensor synapses", "[golden]") {
  const std::vector<std::string> steps = {"advance_state", "reset"};
  check_component({"DenseSynapse(shape=(20, 12), storage=\"sparse\", p_conn=0.3, weight_init=gaussian(0.1, 0.5), "
                   "bias_init=uniform(-0.1, 0.1), mask_init=constant(1.0, hollow=true), g_conduct_factor=-2.0, "
                   "batch_size=2)",
                   steps, {"inputs", "gate"}, {}, ""});
  check_component({"StaticSynapse(shape=(60, 40), storage=\"sparse\", p_conn=0.05, weight_init=uniform(-1.0, 1.0))",
                   steps, {"inputs", "mask"}, {}, ""});
  check_component({"StaticSynapse(shape=(7, 5), storage=\"sparse\", weight_init=fan_in_uniform())", steps, {"inputs"},
                   {}, ""});
  check_component({"ExponentialSynapse(shape=(30, 8), storage=\"sparse\", p_conn=0.2, tau_decay=13.7, g_syn_bar=0.6, "
                   "syn_rest=-0.4, is_nonplastic=false, weight_init=uniform(0.0, 1.0))",
                   steps, {"inputs", "v"}, {}, "", 0.1});
  check_component({"SparseTensorSynapse(n_in_streams=6, K_local=3, O_local=2, P_l=3, normalize=true, p_conn=0.7, "
                   "bias_init=gaussian(0.0, 0.1), batch_size=2)",
                   steps, {"inputs"}, {}, ""});
  check_component({"StaticSparseTensorSynapse(n_in_streams=11, K_local=2, O_local=3, P_l=3, stride=2, dilation=2, "
                   "g_conduct_factor=0.5)",
                   steps, {"inputs"}, {}, ""});
  check_component({"SparseTensorSynapse(n_in_streams=10, K_local=2, O_local=2, P_l=4, convergent_factor=0.6)", steps,
                   {"inputs"}, {}, ""});
  check_component({"SparseTensorSynapse(n_in_streams=7, K_local=3, O_local=2, P_l=3, invert_conn=true)", steps,
                   {"inputs"}, {}, ""});
}

// kernel (whose window is int(nu / dt) + 1 steps long).
TEST_CASE("golden: dynamic synapses and ExpKernel", "[golden]") {
  const std::vector<std::string> steps = {"advance_state", "reset"};
  for (const char* cls : {"ExponentialSynapse", "AlphaSynapse"})
    for (const char* rest : {"syn_rest=-0.4", "syn_rest=none"})
      check_component({std::string(cls) + "(shape=(9, 5), tau_decay=13.7, g_syn_bar=0.6, " + rest +
                           ", is_nonplastic=false, weight_init=uniform(0.0, 1.0), batch_size=2)",
                       steps, {"inputs", "v"}, {}, "", 0.1});
  check_component({"DoubleExpSynapse(shape=(9, 5), tau_decay=13.7, tau_rise=3.1, g_syn_bar=0.6, syn_rest=-0.4)", steps,
                   {"inputs", "v"}, {}, "", 0.1});
  check_component({"STPDenseSynapse(shape=(6, 6), tau_f=73.0, tau_d=39.0, weight_init=uniform(0.0, 1.0))", steps,
                   {"inputs"}, {}, ""});
  check_component({"STPDenseSynapse(shape=(1, 4), tau_f=0.0, tau_d=9.0)", steps, {"inputs"}, {}, ""});
  check_component({"ExpKernel(n_units=7, dt=0.1, nu=1.3, tau_w=5.0, batch_size=2)", steps, {"inputs"}, {}, "", 0.1});
  check_component({"ExpKernel(n_units=3, dt=1.0, nu=0.9)", steps, {"inputs"}, {}, ""});
}

// Graded cells (every prior, threshold and stepper RateCell's source maps)
// and the latency, time-to-first-spike and phasor encoders.
TEST_CASE("golden: graded cells and encoders", "[golden]") {
  const std::vector<std::string> steps = {"advance_state", "reset"};
  for (const char* it : {"euler", "midpoint", "heun", "rk4"})
    check_component({"RateCell(n_units=6, tau_m=7.3, batch_size=2, act_fx=\"tanh\", prior=\"laplacian\", "
                     "prior_lambda=0.1, integration_type=\"" + std::string(it) + "\")",
                     steps, {"j", "j_td"}, {}, "", 0.1});
  check_component({"RateCell(n_units=6, tau_m=7.3, prior=\"cauchy\", prior_lambda=0.2, threshold=\"soft_threshold\", "
                   "threshold_lambda=0.05, act_fx=\"sigmoid\")", steps, {"j", "j_td"}, {}, ""});
  check_component({"RateCell(n_units=6, tau_m=0.0, act_fx=\"relu\")", steps, {"j", "j_td"}, {}, ""});
  check_component({"GaussianErrorCell(n_units=5, batch_size=2, sigma=1.3)", steps, {"mu", "target", "modulator", "mask"},
                   {}, ""});
  check_component({"LaplacianErrorCell(n_units=5, batch_size=2, scale=0.7)", steps,
                   {"shift", "target", "modulator", "mask"}, {}, ""});
  check_component({"BernoulliErrorCell(n_units=5, batch_size=2, input_logits=true)", steps,
                   {"p", "target", "modulator", "mask"}, {}, ""});
  check_component({"BernoulliErrorCell(n_units=5)", steps, {"target", "mask"}, {{"p", 0.3f}}, ""});
  check_component({"LeakyNoiseCell(n_units=6, tau_x=4.3, batch_size=2, act_fx=\"tanh\", integration_type=\"rk4\")", steps,
                   {"j_input", "j_recurrent"}, {}, "", 0.1});
  check_component({"LeakyNoiseCell(n_units=6, tau_x=4.3, sigma_pre=0.0, sigma_post=0.0)", steps, {"j_input"}, {}, ""});
  check_component({"LatencyCell(n_units=6, batch_size=2, tau=2.3, threshold=0.1, num_steps=20.0)",
                   {"calc_spike_times", "advance_state", "reset"}, {"inputs"}, {}, ""});
  check_component({"LatencyCell(n_units=6, tau=2.3, linearize=true, normalize=true, num_steps=20.0, clip_spikes=true)",
                   {"calc_spike_times", "advance_state", "reset"}, {"inputs"}, {}, ""});
  for (const char* mode : {"exponential", "logarithmic"})
    check_component({"TTFSCell(n_units=6, batch_size=2, num_steps=40, latency_mode=\"" + std::string(mode) + "\")", steps,
                     {"inputs"}, {}, ""});
  check_component({"PhasorCell(n_units=20, target_freq=200.0)", steps, {"inputs"}, {}, "outputs"});
}

// The Hebbian family: every optimizer and prior of HebbianSynapse, the
// spike-timing rules and BCM.
TEST_CASE("golden: the Hebbian family of synapses (STDP and BCM too)", "[golden]") {
  const std::vector<std::string> hebbian_in = {"inputs", "pre", "post"};
  for (const char* opt : {"sgd", "adam"})
    for (const char* prior : {"constant", "l2", "l1"})
      check_component({"HebbianSynapse(shape=(7, 5), batch_size=2, eta=0.03, sign_value=-1.0, w_bound=1.3, optim_type=\"" +
                           std::string(opt) + "\", prior_type=\"" + prior + "\", prior_lmbda=0.01, "
                           "weight_init=uniform(0.0, 0.5), bias_init=uniform(-0.1, 0.1))",
                       {"advance_state", "evolve", "reset"}, hebbian_in, {}, ""});
  check_component({"HebbianSynapse(shape=(6, 4), eta=0.05, is_nonnegative=true, w_bound=0.0, pre_wght=0.7, post_wght=1.3, "
                   "weight_init=uniform(0.0, 0.5))",
                   {"advance_state", "evolve", "reset"}, hebbian_in, {}, ""});
  check_component({"STDPSynapse(shape=(8, 5), A_plus=0.8, A_minus=0.4, tau_plus=13.7, tau_minus=17.3, eta=0.05, "
                   "weight_init=uniform(0.1, 0.9))",
                   {"advance_state", "evolve", "reset"}, {"inputs", "preSpike", "postSpike", "pre_tols", "post_tols"}, {}, ""});
  check_component({"ExpSTDPSynapse(shape=(8, 5), A_plus=0.8, A_minus=0.4, exp_beta=2.9, eta=0.05, w_bound=0.83, "
                   "weight_init=uniform(0.1, 0.8))",
                   {"advance_state", "evolve", "reset"}, {"inputs", "preSpike", "postSpike", "preTrace", "postTrace"}, {}, ""});
  check_component({"EventSTDPSynapse(shape=(8, 5), eta=0.05, lmbda=0.02, presyn_win_len=2.0, weight_init=uniform(0.1, 0.9))",
                   {"advance_state", "evolve", "reset"}, {"inputs", "pre_tols", "postSpike"}, {}, ""});
  check_component({"BCMSynapse(shape=(8, 5), batch_size=2, tau_w=40.0, tau_theta=20.0, theta0=-1.0, w_bound=0.9, w_decay=0.01, "
                   "weight_init=uniform(0.0, 0.5))",
                   {"advance_state", "evolve", "reset"}, {"inputs", "pre", "post"}, {}, ""});
}

TEST_CASE("golden: PoissonCell, BernoulliCell and RewardErrorCell", "[golden]") {
  check_component({"PoissonCell(n_units=30, target_freq=400.0)", {"advance_state", "reset"}, {"inputs"}, {}, "outputs"});
  check_component({"BernoulliCell(n_units=30)", {"advance_state", "reset"}, {"inputs"}, {}, "outputs"});
  check_component({"RewardErrorCell(n_units=2, alpha=0.1)", {"advance_state", "evolve", "reset"}, {"reward"}, {}, ""});
  check_component({"RewardErrorCell(n_units=2, alpha=0.2, use_online_predictor=false)", {"advance_state", "evolve", "reset"},
                   {"reward"}, {}, ""});
}

TEST_CASE("golden: a program using every op", "[golden]") {
  ir::Program p = ir::test::every_op_program();
  GoldenRun run;
  run.label = "the every-op program";
  run.steps = 50;
  run.processes = {"every"};
  run.driven = {"c.x", "c.mask"};
  run_golden(p, run);
}

TEST_CASE("golden: the example and test models", "[golden]") {
  {
    frontend::Model m = frontend::load_model_file(source_file("tests/cli/model_run.nf"));
    GoldenRun run;
    run.label = "tests/cli/model_run.nf";
    run.processes = {"advance"};
    run.driven = {"tr.inputs"};
    run_golden(m.program, run);
  }
  {
    frontend::Model m = frontend::load_model_file(source_file("tests/data/imports/model.nf"));
    GoldenRun run;
    run.label = "tests/data/imports/model.nf";
    run.steps = 100;  // the counter doubles every step; 100 steps reach inf
    run.processes = {"step"};
    run_golden(m.program, run);
  }
  {
    // 1000 steps with spikes from a Bernoulli source through traces and STDP.
    frontend::Model m = frontend::load_model_file(source_file("tests/cli/compile.nf"));
    GoldenRun run;
    run.label = "tests/cli/compile.nf";
    run.processes = {"advance", "learn"};
    run.driven = {"z.inputs"};
    auto ones = run_golden(m.program, run, {"z.outputs"});
    CHECK(ones["z.outputs"] > 100);
  }
  {
    // 300x200 MSTDP-ET weights and 200 LIF units: 100 steps keep the
    // interpreter's share and the per-step snapshots small. Transform and
    // update as two processes, then as one ("step"), where the transform's
    // product is accumulated inside the update's loop.
    frontend::Model m = frontend::load_model_file(source_file("tests/cli/kernels_fusion.nf"));
    for (std::vector<std::string> processes : {std::vector<std::string>{"advance", "evolve"}, {"step"}}) {
      INFO(processes[0]);
      GoldenRun run;
      run.label = "tests/cli/kernels_fusion.nf";
      run.steps = 100;
      run.processes = processes;
      run.driven = {"W.inputs", "W.preSpike", "W.postSpike", "W.preTrace", "W.postTrace", "W.modulator"};
      run.fixed = {{"W.outmask", 1.0f}};
      auto ones = run_golden(m.program, run, {"z1.s"});
      CHECK(ones["z1.s"] > 0);
    }
  }
  {
    // A static synapse's event-driven transform (rows of silent inputs
    // skipped) feeding a plastic one's dense transform.
    frontend::Model m = frontend::load_model_file(source_file("tests/cli/events.nf"));
    GoldenRun run;
    run.label = "tests/cli/events.nf";
    run.steps = 300;
    run.processes = {"advance", "learn"};
    run.driven = {"z0.inputs", "P.preSpike", "P.postSpike", "P.preTrace", "P.postTrace"};
    run.spike_p = 0.1;
    run_golden(m.program, run, {"z0.outputs"});
  }
  {
    frontend::Model m = frontend::load_model_file(source_file("examples/mod_stdp/mod_stdp.nf"));
    GoldenRun run;
    run.label = "examples/mod_stdp/mod_stdp.nf";
    run.processes = {"advance", "evolve"};
    run.reset = "reset";
    run.reset_every = 250;
    run.spike_p = 0.1;
    run.driven = {"tr0.inputs", "tr1.inputs", "r.reward"};
    run_golden(m.program, run);
  }
  {
    frontend::Model m = frontend::load_model_file(source_file("examples/embed_c/model.nf"));
    GoldenRun run;
    run.label = "examples/embed_c/model.nf";
    run.processes = {"advance"};
    run.driven = {"sensor.inputs"};
    run.spike_p = 0.7;
    auto ones = run_golden(m.program, run, {"motor.s"});
    CHECK(ones["motor.s"] > 0);
  }
  {
    frontend::Model m = frontend::load_model_file(source_file("examples/reinforce/reinforce.nf"));
    GoldenRun run;
    run.label = "examples/reinforce/reinforce.nf";
    run.processes = {"evolve_learned", "evolve_fixed"};
    run.driven = {"learned.inputs", "learned.rewards", "learned.learning_mask", "fixed.inputs", "fixed.rewards",
                  "fixed.learning_mask"};
    run_golden(m.program, run);
  }
  {
    // The T-maze network: three 100-step windows with random images,
    // modulator and input weights, W2 normalized every step.
    frontend::Model m = frontend::load_model_file(source_file("examples/tmaze/tmaze.nf"));
    GoldenRun run;
    run.label = "examples/tmaze/tmaze.nf";
    run.steps = 300;
    run.processes = {"forward", "norm"};
    run.reset = "reset";
    run.reset_every = 100;
    run.spike_p = 0.5;
    run.driven = {"z0.inputs", "W2.modulator", "W1.weights"};  // W1: random 0/1 weights (the driver sets its own)
    auto ones = run_golden(m.program, run, {"z1.s", "z2.s"});
    CHECK(ones["z1.s"] > 0);
  }
  for (const char* ir_file : {"examples/ir/spiking_trace.nfir", "tests/cli/run_record.nfir", "tests/cli/row_sweep.nfir"}) {
    INFO(ir_file);
    std::ifstream in(source_file(ir_file));
    std::stringstream text;
    text << in.rdbuf();
    ir::Program p = ir::parse_program(text.str(), ir_file);
    GoldenRun run;
    for (const ir::Process& proc : p.processes) run.processes.push_back(proc.name);
    const bool spiking = p.find_compartment("z1.s") != nullptr;
    auto ones = run_golden(p, run, spiking ? std::vector<std::string>{"z1.s"} : std::vector<std::string>{});
    if (spiking) CHECK(ones["z1.s"] > 0);
  }
}

// ngc-museum's exhibits (examples/dcsnn, examples/pcn): a model of an
// exhibit's file, run `steps` steps of `processes` on random 0/1 `driven`
// inputs.
namespace {
struct Exhibit {
  ir::Program program;
  GoldenRun run;
};
Exhibit exhibit(const std::string& file, const std::string& model, int steps, std::vector<std::string> processes,
                std::vector<std::string> driven) {
  Exhibit e{frontend::load_model_file(source_file(file), {model}).program, {}};
  e.run.label = model.empty() ? file : file + ":" + model;
  e.run.steps = steps;
  e.run.processes = std::move(processes);
  e.run.spike_p = 0.5;
  e.run.driven = std::move(driven);
  return e;
}
}  // namespace

TEST_CASE("golden: ngc-museum's Diehl and Cook network with 100 units", "[golden]") {
  // Diehl & Cook's network: three 30-step images with random 0/1 pixels,
  // learning and renormalizing W1 every step.
  Exhibit e = exhibit("examples/dcsnn/dcsnn.nf", "dcsnn_100", 90, {"advance", "evolve", "norm"}, {"z0.inputs"});
  e.run.reset = "reset";
  e.run.reset_every = 30;
  auto ones = run_golden(e.program, e.run, {"z0.outputs", "z1e.s", "z1i.s"});
  CHECK(ones["z0.outputs"] > 0);
  CHECK(ones["z1e.s"] > 0);
}

TEST_CASE("golden: ngc-museum's Diehl and Cook network with 400 units", "[golden]") {
  // The 400-unit network: fewer steps, no shared library (its per-step
  // snapshots would be large; the code is the same generator's).
  Exhibit e = exhibit("examples/dcsnn/dcsnn.nf", "dcsnn_400", 36, {"advance", "evolve"}, {"z0.inputs"});
  e.run.reset = "reset";
  e.run.reset_every = 18;
  e.run.aot = false;
  auto ones = run_golden(e.program, e.run, {"z1e.s"});
  CHECK(ones["z1e.s"] > 0);
}

TEST_CASE("golden: ngc-museum's predictive-coding network", "[golden]") {
  // The predictive-coding network with its mini-batch of 250: projection,
  // E-step and Adam's M-step on random 0/1 images and labels.
  Exhibit e = exhibit("examples/pcn/pcn.nf", "", 3, {"project", "advance", "evolve"}, {"z0.j", "q0.j", "z3.j", "eq3.target"});
  run_golden(e.program, e.run);
}

TEST_CASE("golden: NoisyLIFCell, with spikes and noise", "[golden]") {
  check_component({"NoisyLIFCell(n_units=10, tau_m=100.0, v_reset=-65.0, eps_scale=0.3, tau_theta=50.0, "
                   "refract_time=2.0)", {"advance_state", "reset"}, {"j"}, {}, "s"});
  check_component({"NoisyLIFCell(n_units=6, tau_m=50.0, eps_scale=0.0, enforce_wta=true, integration_type=\"midpoint\")",
                   {"advance_state", "reset"}, {"j"}, {}, "s"});
}

TEST_CASE("build options out of range are refused, not replaced", "[golden]") {
  ir::Program p = ir::test::every_op_program();
  compiler::BuildOptions bad;
  bad.opt_level = 7;
  CHECK_THROWS_WITH(compiler::build_object(p, bad), "error: optimization level must be 0, 1, 2 or 3, got 7");
  CHECK_THROWS_WITH(compiler::build_text(p, compiler::Emit::Object, {}),
                    "error: build_text gives assembly or LLVM IR text only");
}

TEST_CASE("a C header refuses names that become the same macro", "[golden]") {
  ir::ProgramBuilder pb;
  pb.compartment("a.b_c", {ir::DType::F32, {2}}, ir::Role::State);
  pb.compartment("a_b.c", {ir::DType::F32, {2}}, ir::Role::State);
  ir::ProcessBuilder& p = pb.process("step");
  p.write("a.b_c", p.read("a_b.c"));
  nf::test::TempDir dir;
  CHECK_THROWS_WITH(compiler::build_file(pb.build(), dir / "m.h", compiler::Emit::Header, {}),
                    Contains("'a.b_c' and 'a_b.c' both become NF_MODEL_A_B_C"));
}
