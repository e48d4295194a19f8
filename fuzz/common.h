// Shared by the libFuzzer harnesses: running a small program briefly in the
// reference interpreter, and copying a compiled state's visible contents.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ir/interpreter.h"
#include "ir/program.h"
#include "neurofuse/runtime.h"

namespace nf::fuzz {

// Runs initialize and two steps of every process when the program is small
// (at most 2^16 elements in all): the interpreter must raise nf::Error or
// finish, never crash.
inline void run_briefly(const ir::Program& program) {
  int64_t elements = 0;
  for (const ir::Compartment& c : program.compartments) {
    const int64_t n = c.type.shape.num_elements();
    if (n > (int64_t(1) << 16) || (elements += n) > (int64_t(1) << 16)) return;
  }
  ir::State state = ir::create_state(program, 7);
  for (int step = 0; step < 2; ++step)
    for (const ir::Process& p : program.processes) ir::run_process(program, p.name, state, double(step), 1.0);
}

// Every compartment's value and every parameter of a compiled state, as
// bytes: what a failed load must leave unchanged.
inline std::vector<uint8_t> contents(nf_state* s, const nf_module_info& m) {
  std::vector<uint8_t> out;
  for (int32_t i = 0; i < m.n_compartments; ++i) {
    const nf_compartment_info& c = m.compartments[i];
    std::vector<uint8_t> words(size_t(c.bytes));
    if (nf_state_read(s, c.name, c.dtype, words.data(), c.bytes / 4) != NF_OK) std::abort();
    out.insert(out.end(), words.begin(), words.end());
  }
  for (int32_t i = 0; i < m.n_params; ++i) {
    double v = 0;
    if (nf_state_get_param(s, m.params[i].name, &v) != NF_OK) std::abort();
    const auto* b = reinterpret_cast<const uint8_t*>(&v);
    out.insert(out.end(), b, b + 8);
  }
  return out;
}

}  // namespace nf::fuzz
