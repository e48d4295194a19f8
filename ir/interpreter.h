// The reference interpreter: the executable definition of what a program means.
//
// It evaluates a process node by node on plain buffers, in statement order, one
// element at a time, exactly as docs/SEMANTICS.md says. It is small and obvious
// and slow on purpose; compiled code must reproduce its results bit for bit.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ir/program.h"
#include "ir/tensor.h"

namespace nf::ir {

// Everything a program's processes read and write, plus the seed of its draws.
struct State {
  std::map<std::string, Tensor> compartments;
  std::map<std::string, double> params;
  uint64_t seed = 0;

  // Compartments at their initial values, parameters at their defaults.
  static State initial(const Program& program, uint64_t seed);

  // Throw nf::Error for an unknown name or a value of the wrong type.
  const Tensor& get(const std::string& compartment) const;
  void set(const std::string& compartment, Tensor value);
  void set_param(const std::string& name, double value);
};

// The name of the process that computes initial values (weight initializers)
// once, when a state is created.
inline constexpr const char* kInitializeProcess = "initialize";

// A new state: State::initial, then the program's initialize process (if it
// has one) run once with t = 0 and dt = the program's default dt.
State create_state(const Program& program, uint64_t seed);

// The value of compartment or alias `name` in `state`: an alias is computed
// from its sources by the elementwise rules of add and mul. Throws nf::Error
// for an unknown name.
Tensor read_value(const Program& program, const State& state, const std::string& name);

// Runs process `process` once: step time t, step size dt (binary64, as the
// Python floats ngclearn passes). Throws nf::Error if the process does not
// exist or the state does not fit the program.
void run_process(const Program& program, const std::string& process, State& state, double t, double dt);

// Time of step k of a run that starts at t0: t0 + k * dt in binary64, one
// rounding each (docs/SEMANTICS.md, "Time"). Every loop over steps uses it.
inline double step_time(double t0, double dt, int64_t k) { return t0 + double(k) * dt; }

}  // namespace nf::ir
