#include "cli/backend.h"

#include <dlfcn.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "compiler/jit.h"
#include "compiler/state_block.h"
#include "ir/diagnostic.h"
#include "ir/interpreter.h"

namespace nf::cli {

void Backend::run(const std::vector<std::string>& processes, float t0, float dt, int64_t steps,
                  const std::vector<Stream>& drives, const std::vector<Stream>& records) {
  float t = t0;
  for (int64_t k = 0; k < steps; ++k) {
    for (const Stream& d : drives) {
      ir::Tensor v = get(d.compartment);
      std::copy_n(d.words + size_t(k) * v.size(), v.size(), v.words.begin());
      set(d.compartment, v);
    }
    for (const std::string& p : processes) step(p, t, dt);
    for (const Stream& r : records) {
      ir::Tensor v = get(r.compartment);
      std::copy_n(v.words.begin(), v.size(), r.words + size_t(k) * v.size());
    }
    t = t + dt;
  }
}

namespace {

// The steps of a compiled module, in native code: nf_scan over its state block.
void scan(const nf_module_info& module, compiler::StateBlock& block, const std::vector<std::string>& processes,
          float t0, float dt, int64_t steps, const std::vector<Stream>& drives, const std::vector<Stream>& records) {
  std::vector<int32_t> indices;
  for (const std::string& p : processes) {
    int32_t found = -1;
    for (int32_t i = 0; i < module.n_processes; ++i)
      if (p == module.processes[i].name) found = i;
    if (found < 0) throw Error("no process '" + p + "'");
    indices.push_back(found);
  }
  auto streams = [&](const std::vector<Stream>& list) {
    std::vector<nf_stream> out;
    for (const Stream& s : list) {
      const compiler::Slot* slot = block.layout().find_compartment(s.compartment);
      if (!slot) throw Error("the state has no compartment '" + s.compartment + "'");
      out.push_back({slot->offset, slot->bytes, reinterpret_cast<uint8_t*>(s.words)});
    }
    return out;
  };
  std::vector<nf_stream> d = streams(drives), r = streams(records);
  module.scan(block.data(), indices.data(), int32_t(indices.size()), t0, dt, steps, d.data(), int32_t(d.size()),
              r.data(), int32_t(r.size()));
}

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

compiler::BuildOptions build_options(const BackendOptions& options) {
  compiler::BuildOptions b;
  b.opt_level = options.opt_level;
  return b;
}

class Jit : public Backend {
 public:
  Jit(const ir::Program& program, const BackendOptions& options)
      : jit_(compiler::JitProgram::compile(program, build_options(options))), block_(jit_->layout()) {
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
  void run(const std::vector<std::string>& processes, float t0, float dt, int64_t steps,
           const std::vector<Stream>& drives, const std::vector<Stream>& records) override {
    scan(jit_->module(), block_, processes, t0, dt, steps, drives, records);
  }

 private:
  std::unique_ptr<compiler::JitProgram> jit_;
  compiler::StateBlock block_;
};

// A shared library made by `neurofuse compile`, loaded with dlopen: the
// module needs no LLVM, only its nf_module descriptor.
class Aot : public Backend {
 public:
  Aot(const ir::Program& program, const BackendOptions& options) {
    char dir_template[] = "/tmp/neurofuse-aot-XXXXXX";
    if (!mkdtemp(dir_template)) throw Error("cannot create a temporary directory for the module");
    dir_ = dir_template;
    std::string so = dir_ + "/model.so";
    compiler::build_file(program, so, compiler::Emit::SharedLibrary, build_options(options));
    handle_ = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) throw Error(std::string("cannot load the compiled module: ") + dlerror());
    module_ = static_cast<const nf_module_info*>(dlsym(handle_, "nf_module"));
    if (!module_ || module_->abi_version != NF_MODULE_ABI_VERSION)
      throw Error("the compiled module has no nf_module of ABI version " + std::to_string(NF_MODULE_ABI_VERSION));
    block_ = std::make_unique<compiler::StateBlock>(compiler::layout_of(*module_));
    block_->initialize(*module_, options.seed);
    if (nf_step_fn init = find(ir::kInitializeProcess)) init(block_->data(), 0.0f, module_->default_dt);
  }
  ~Aot() override {
    block_.reset();
    if (handle_) dlclose(handle_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ir::Tensor get(const std::string& c) override { return block_->get(c); }
  void set(const std::string& c, const ir::Tensor& v) override { block_->set(c, v); }
  void set_param(const std::string& n, float v) override { block_->set_param(n, v); }
  void step(const std::string& p, float t, float dt) override {
    nf_step_fn f = find(p);
    if (!f) throw Error("no process '" + p + "'");
    f(block_->data(), t, dt);
  }
  void run(const std::vector<std::string>& processes, float t0, float dt, int64_t steps,
           const std::vector<Stream>& drives, const std::vector<Stream>& records) override {
    scan(*module_, *block_, processes, t0, dt, steps, drives, records);
  }

 private:
  nf_step_fn find(const std::string& name) const {
    for (int32_t i = 0; i < module_->n_processes; ++i)
      if (name == module_->processes[i].name) return module_->processes[i].step;
    return nullptr;
  }
  std::string dir_;
  void* handle_ = nullptr;
  const nf_module_info* module_ = nullptr;
  std::unique_ptr<compiler::StateBlock> block_;
};

}  // namespace

std::unique_ptr<Backend> make_backend(const ir::Program& program, const BackendOptions& options) {
  if (options.kind == "interp") return std::make_unique<Interpreter>(program, options.seed);
  if (options.kind == "jit") return std::make_unique<Jit>(program, options);
  if (options.kind == "aot") return std::make_unique<Aot>(program, options);
  throw Error("unknown backend '" + options.kind + "' (available: interp, jit, aot)");
}

}  // namespace nf::cli
