// Shared helpers of the standard library's scenario tests.
#pragma once

#include <limits>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <iomanip>
#include <string>
#include <vector>

#include "frontend/frontend.h"
#include "ir/equality.h"
#include "ir/interpreter.h"
#include "ir/math.h"
#include "ir/random.h"
#include "tests/ir_test_util.h"


namespace nf::ir::stdlib_test {

using namespace nf::ir;
using namespace nf::ir::test;


inline Program compile(const std::string& text) { return nf::frontend::compile_model_text(text, "stdlib_test.nf"); }

// A model with one instance `inst = decl` and one process per method, named
// after the method.
inline std::string single(const std::string& decl, const std::vector<std::string>& methods, const std::string& inst = "W") {
  std::string s = "model m {\n  " + inst + " = " + decl + "\n";
  for (const std::string& m : methods) s += "  process " + m + " = " + inst + "." + m + "\n";
  return s + "}\n";
}

inline void run(const Program& p, const std::string& process, State& s, float t = 0.0f, float dt = 1.0f) {
  run_process(p, process, s, t, dt);
}

// Sets compartment `name` to `values`, keeping its shape.
inline void put(State& s, const std::string& name, const std::vector<float>& values) {
  s.set(name, Tensor::from_f32(s.get(name).type.shape, values));
}
inline void put(State& s, const std::string& name, float value) {
  const Tensor& old = s.get(name);
  s.set(name, Tensor::from_f32(old.type.shape, std::vector<float>(old.size(), value)));
}
inline float at(const State& s, const std::string& name, size_t i = 0) { return s.get(name).f32(i); }

inline void check_near(double got, double want, double rel = 1e-6, double abs = 0.0) {
  INFO(std::setprecision(10) << "got " << got << ", expected " << want);
  CHECK(std::abs(got - want) <= rel * std::abs(want) + abs);
}

inline void check_bits(float got, float want) {
  INFO(std::setprecision(10) << "got " << got << ", expected " << want);
  CHECK(same_f32(got, want));
}

inline float clipf(float x, float lo, float hi) { return std::min(std::max(x, lo), hi); }

inline const double kPi = 3.14159265358979323846;

// The stream of the only draw of kind `op` in `process`.
inline std::string draw_stream(const Program& p, const std::string& process, Op op) {
  const Process* proc = p.find_process(process);
  REQUIRE(proc != nullptr);
  std::vector<std::string> found;
  for (const NodeRef& n : proc->body)
    if (n->op == op) found.push_back(n->attrs.name);
  REQUIRE(found.size() == 1);
  return found[0];
}

inline size_t count_ops(const Program& p, const std::string& process, Op op) {
  const Process* proc = p.find_process(process);
  if (!proc) return 0;
  return size_t(std::count_if(proc->body.begin(), proc->body.end(), [&](const NodeRef& n) { return n->op == op; }));
}

inline float param_default(const Program& p, const std::string& name) {
  const Parameter* q = p.find_param(name);
  INFO("run-time parameter " << name);
  REQUIRE(q != nullptr);
  return q->default_value;
}

// The TraceSTDP rule for one synapse in the order of TraceSTDPSynapse.nf (a
// 1x1 matrix product is the single product).
inline float stdp_dw(float W, float pre_spike, float pre_trace, float post_spike, float post_trace, float A_plus,
              float A_minus, float mu = 0.0f, float x_tar = 0.0f, float w_bound = 1.0f) {
  float ltd = 0.0f, ltp;
  if (mu > 0) {
    ltp = nf::math::pow(w_bound - W, mu) * ((pre_trace - x_tar) * post_spike) * A_plus;
    if (A_minus > 0) ltd = -(nf::math::pow(W, mu) * (pre_spike * post_trace)) * A_minus;
  } else {
    ltp = (pre_trace - x_tar) * (post_spike * A_plus);
    if (A_minus > 0) ltd = -(pre_spike * (post_trace * A_minus));
  }
  return ltp + ltd;
}

inline void clamp_stdp(State& s, const std::string& w, float pre_spike, float pre_trace, float post_spike, float post_trace) {
  put(s, w + ".preSpike", pre_spike);
  put(s, w + ".preTrace", pre_trace);
  put(s, w + ".postSpike", post_spike);
  put(s, w + ".postTrace", post_trace);
}

}  // namespace nf::ir::stdlib_test
