#include "cli/backend.h"

#include "compiler/jit.h"
#include "compiler/state_block.h"
#include "ir/diagnostic.h"
#include "ir/interpreter.h"

namespace nf::cli {

namespace {

class Interpreter : public Backend {
 public:
  Interpreter(const ir::Program& program, uint64_t seed) : program_(program), state_(ir::create_state(program, seed)) {}
  ir::Tensor get(const std::string& c) override { return state_.get(c); }
  void set(const std::string& c, const ir::Tensor& v) override { state_.set(c, v); }
  void set_param(const std::string& n, float v) override { state_.set_param(n, v); }
  void step(const std::string& p, float t, float dt) override { ir::run_process(program_, p, state_, t, dt); }

 private:
  const ir::Program& program_;
  ir::State state_;
};

class Jit : public Backend {
 public:
  Jit(const ir::Program& program, const BackendOptions& options)
      : jit_(compiler::JitProgram::compile(program, {options.opt_level})), block_(jit_->layout()) {
    block_.initialize(program, options.seed);
    if (auto init = jit_->process(ir::kInitializeProcess)) init(block_.data(), 0.0f, program.default_dt);
  }
  ir::Tensor get(const std::string& c) override { return block_.get(c); }
  void set(const std::string& c, const ir::Tensor& v) override { block_.set(c, v); }
  void set_param(const std::string& n, float v) override { block_.set_param(n, v); }
  void step(const std::string& p, float t, float dt) override {
    compiler::StepFunction f = jit_->process(p);
    if (!f) throw Error("no process '" + p + "'");
    f(block_.data(), t, dt);
  }

 private:
  std::unique_ptr<compiler::JitProgram> jit_;
  compiler::StateBlock block_;
};

}  // namespace

std::unique_ptr<Backend> make_backend(const ir::Program& program, const BackendOptions& options) {
  if (options.kind == "interp") return std::make_unique<Interpreter>(program, options.seed);
  if (options.kind == "jit") return std::make_unique<Jit>(program, options);
  throw Error("unknown backend '" + options.kind + "' (available: interp, jit)");
}

}  // namespace nf::cli
