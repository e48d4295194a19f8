// The engines `neurofuse run` can step a model with: the reference
// interpreter, the JIT, or an AOT module loaded with dlopen. All three start
// from the same state (initial values, the initialize process, the seed) and
// take the same inputs.
#pragma once

#include <memory>
#include <string>

#include "ir/program.h"
#include "ir/tensor.h"

namespace nf::cli {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual ir::Tensor get(const std::string& compartment) = 0;
  virtual void set(const std::string& compartment, const ir::Tensor& value) = 0;
  virtual void set_param(const std::string& name, float value) = 0;
  virtual void step(const std::string& process, float t, float dt) = 0;
};

struct BackendOptions {
  std::string kind = "jit";  // interp, jit or aot
  uint64_t seed = 0;
  int opt_level = 2;
};

// Throws nf::Error for an unknown kind or a failed compilation.
std::unique_ptr<Backend> make_backend(const ir::Program& program, const BackendOptions& options);

}  // namespace nf::cli
