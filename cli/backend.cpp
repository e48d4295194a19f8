#include "cli/backend.h"

#include <stdlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <fmt/core.h>

#include "compiler/build.h"
#include "compiler/jit.h"
#include "compiler/module_abi.h"
#include "ir/diagnostic.h"
#include "ir/interpreter.h"
#include "neurofuse/runtime.h"
#include "runtime/npz.h"

namespace nf::cli {

npz::DType npz_dtype(ir::DType d) {
  switch (d) {
    case ir::DType::F32: return npz::DType::F32;
    case ir::DType::I32: return npz::DType::I32;
    case ir::DType::Bool: return npz::DType::Bool;
    case ir::DType::F64: return npz::DType::F64;
  }
  return npz::DType::F32;
}

npz::Array array_of(const ir::Tensor& t) {
  npz::Array a{npz_dtype(t.type.dtype), t.type.shape.dims, {}};
  if (t.type.dtype == ir::DType::Bool) {
    for (uint32_t w : t.words) a.data.push_back(w ? 1 : 0);
  } else {
    a.data.resize(t.words.size() * 4);
    std::memcpy(a.data.data(), t.words.data(), a.data.size());
  }
  return a;
}

namespace {

// The interpreter's state in NumPy files, in the runtime's checkpoint format
// (runtime.h): one array per compartment (its dtype and shape), parameters
// as float64 scalars (float32 accepted), "seed" as uint64.

// The tensor an array holds for compartment `name` of type `type`, or an
// error saying why it does not fit.
ir::Tensor tensor_of(const npz::Array& a, const std::string& name, const ir::Type& type, const std::string& where) {
  if (a.dtype != npz_dtype(type.dtype) || a.shape != type.shape.dims)
    throw Error(fmt::format("{}holds {} {} but compartment '{}' is {} {}", where, npz::dtype_descr(a.dtype),
                            npz::shape_text(a.shape), name, npz::dtype_descr(npz_dtype(type.dtype)),
                            npz::shape_text(type.shape.dims)));
  ir::Tensor t(type);
  if (type.dtype == ir::DType::Bool) {
    for (size_t i = 0; i < t.size(); ++i) t.words[i] = a.data[i] ? 1u : 0u;
  } else {
    std::memcpy(t.words.data(), a.data.data(), t.size() * 4);
  }
  return t;
}

class Interpreter : public Backend {
 public:
  Interpreter(const ir::Program& program, uint64_t seed) : program_(program), state_(ir::create_state(program, seed)) {}
  ir::Tensor get(const std::string& c) override { return ir::read_value(program_, state_, c); }
  void run(const std::vector<std::string>& processes, const std::vector<Scheduled>& scheduled, double t0, double dt,
           int64_t first, int64_t steps, const std::vector<Stream>& drives) override {
    std::vector<schedule::Entry> entries;
    for (const Scheduled& e : scheduled) entries.push_back(e.when);
    schedule::walk(
        entries, first, steps,
        [&](size_t i, int64_t k) { step(scheduled[i].process, ir::step_time(t0, dt, k), dt); },
        [&](int64_t k0, int64_t n) {
          for (int64_t k = k0; k < k0 + n; ++k) {
            for (const Stream& d : drives) {
              ir::Tensor v = state_.get(d.compartment);
              std::copy_n(d.words + size_t(k - first) * v.size(), v.size(), v.words.begin());
              state_.set(d.compartment, v);
            }
            for (const std::string& p : processes) step(p, ir::step_time(t0, dt, k), dt);
            for (const auto& m : monitors_)
              if (m.core->records_at(k)) m.core->observe(k, ir::read_value(program_, state_, m.name).words.data());
          }
        });
  }
  void add_monitor(const std::string& name, const monitor::Spec& spec, const std::string& spool) override {
    const ir::Tensor value = ir::read_value(program_, state_, name);
    const auto element = value.type.dtype == ir::DType::F32   ? monitor::Element::F32
                         : value.type.dtype == ir::DType::I32 ? monitor::Element::I32
                                                              : monitor::Element::Bool;
    try {
      monitors_.push_back({name, std::make_unique<monitor::Monitor>(spec, element, value.type.shape.dims, spool)});
    } catch (const monitor::Error& e) {
      throw Error("monitor of '" + name + "': " + e.what());
    }
  }
  int64_t monitor_rows(size_t i) override { return monitors_.at(i).core->rows(); }
  void read_monitor(size_t i, int64_t first, int64_t n, uint32_t* out) override { monitors_.at(i).core->read(first, n, out); }
  void save_monitors(const std::string& path, const std::vector<std::string>& names) override {
    std::vector<npz::StreamedEntry> entries;
    for (size_t i = 0; i < monitors_.size(); ++i) entries.push_back(monitors_[i].core->entry(names.at(i)));
    npz::write_npz(path, entries);
  }
  void set(const std::string& c, const ir::Tensor& v) override { state_.set(c, v); }
  void set_param(const std::string& n, double v) override { state_.set_param(n, v); }
  double get_param(const std::string& n) override {
    auto it = state_.params.find(n);
    if (it == state_.params.end()) throw Error("no run-time parameter '" + n + "'");
    return it->second;
  }
  void remove_monitors() override { monitors_.clear(); }
  void step(const std::string& p, double t, double dt) override { ir::run_process(program_, p, state_, t, dt); }
  // Every entry is checked before anything changes, as nf_state_load does.
  void load_state(const std::string& path) override {
    ir::State next = state_;
    auto accept = [&](const std::string& name, uint64_t npy_bytes) {  // before inflating, as nf_state_load
      uint64_t data = 8;
      if (const ir::Compartment* c = program_.find_compartment(name))
        data = uint64_t(c->type.shape.num_elements()) * (c->type.dtype == ir::DType::Bool ? 1 : 4);
      else if (name != "seed" && !program_.find_param(name))
        throw Error(path + ": entry '" + name + "' is not a compartment or run-time parameter of this model");
      if (npy_bytes > data + npz::kMaxNpyHeaderBytes)
        throw Error(fmt::format("{}: entry '{}' declares {} bytes, more than its value can take ({} bytes of data)",
                                path, name, npy_bytes, data));
    };
    for (const auto& [name, a] : npz::read_npz(path, accept)) {
      std::string where = path + ": entry '" + name + "' ";
      if (name == "seed") {
        if (a.dtype != npz::DType::U64 || !a.shape.empty()) throw Error(where + "must be a uint64 scalar");
        std::memcpy(&next.seed, a.data.data(), 8);
      } else if (const ir::Compartment* c = program_.find_compartment(name)) {
        next.set(name, tensor_of(a, name, c->type, where));
      } else if (program_.find_param(name)) {
        if ((a.dtype != npz::DType::F64 && a.dtype != npz::DType::F32) || !a.shape.empty())
          throw Error(where + "must be a float64 (or float32) scalar (a run-time parameter)");
        double v;
        if (a.dtype == npz::DType::F64) {
          std::memcpy(&v, a.data.data(), 8);
        } else {
          float f;
          std::memcpy(&f, a.data.data(), 4);
          v = f;
        }
        next.set_param(name, v);
      } else {
        throw Error(where + "is not a compartment or run-time parameter of this model");
      }
    }
    state_ = std::move(next);
  }
  void save_state(const std::string& path) override {
    npz::Entries entries;
    for (const ir::Compartment& c : program_.compartments) entries.push_back({c.name, array_of(state_.get(c.name))});
    for (const ir::Parameter& p : program_.params) {
      npz::Array a{npz::DType::F64, {}, std::vector<uint8_t>(8)};
      std::memcpy(a.data.data(), &state_.params.at(p.name), 8);
      entries.push_back({p.name, std::move(a)});
    }
    npz::Array seed{npz::DType::U64, {}, std::vector<uint8_t>(8)};
    std::memcpy(seed.data.data(), &state_.seed, 8);
    entries.push_back({"seed", std::move(seed)});
    npz::write_npz(path, entries);
  }
  void load_compartment(const std::string& c, const std::string& path) override {
    const ir::Compartment* comp = program_.find_compartment(c);
    if (!comp) throw Error("no compartment '" + c + "'");
    state_.set(c, tensor_of(npz::read_npy(path), c, comp->type, path + " "));
  }

 private:
  struct Named {
    std::string name;
    std::unique_ptr<monitor::Monitor> core;
  };
  const ir::Program& program_;
  ir::State state_;
  std::vector<Named> monitors_;
};

void check(nf_status s) {
  if (s != NF_OK) throw Error(nf_last_error());
}

// A compiled module run through the runtime's C API: the JIT's in-process
// module, or a shared library built and opened like any embedding program would.
class Compiled : public Backend {
 public:
  Compiled(const ir::Program& program, const BackendOptions& options) {
    compiler::BuildOptions build;
    build.opt_level = options.opt_level;
    build.tiered = options.tiered;
    try {
      if (options.kind == "jit") {
        module_ = compiler::jit_module(program, build);
      } else {
        char dir_template[] = "/tmp/neurofuse-aot-XXXXXX";
        if (!mkdtemp(dir_template)) throw Error("cannot create a temporary directory for the module");
        dir_ = dir_template;
        std::string so = dir_ + "/model.so";
        compiler::build_file(program, so, compiler::Emit::SharedLibrary, build);
        check(nf_module_open(so.c_str(), &module_));
      }
      check(nf_state_create(module_, options.seed, &state_));
      if (options.partition) check(nf_state_set_partition(state_, options.partition));
    } catch (...) {
      release();  // no destructor runs for a half-built object
      throw;
    }
  }
  ~Compiled() override { release(); }
  void add_monitor(const std::string& name, const monitor::Spec& spec, const std::string& spool) override {
    nf_monitor_spec s{name.c_str(), int32_t(spec.kind), spec.every, spec.start,
                      spec.all_units ? nullptr : spec.units.data(), int64_t(spec.units.size()),
                      spool.empty() ? nullptr : spool.c_str()};
    nf_monitor* m = nullptr;
    check(nf_monitor_create(state_, &s, &m));
    monitors_.push_back(m);
  }
  int64_t monitor_rows(size_t i) override {
    int64_t rows = 0;
    check(nf_monitor_rows(monitors_.at(i), &rows, nullptr, nullptr));
    return rows;
  }
  void read_monitor(size_t i, int64_t first, int64_t n, uint32_t* out) override {
    check(nf_monitor_read(monitors_.at(i), first, n, out));
  }
  void save_monitors(const std::string& path, const std::vector<std::string>& names) override {
    std::vector<const char*> n;
    for (const std::string& s : names) n.push_back(s.c_str());
    check(nf_monitor_save(path.c_str(), monitors_.data(), n.data(), int32_t(monitors_.size())));
  }
  ir::Tensor get(const std::string& c) override {
    ir::Tensor t(type_of(c));
    check(nf_state_read(state_, c.c_str(), compiler::dtype_code(t.type.dtype), t.words.data(), int64_t(t.size())));
    return t;
  }
  void set(const std::string& c, const ir::Tensor& v) override {
    check(nf_state_write(state_, c.c_str(), compiler::dtype_code(v.type.dtype), v.words.data(), int64_t(v.size())));
  }
  void set_param(const std::string& n, double v) override { check(nf_state_set_param(state_, n.c_str(), v)); }
  double get_param(const std::string& n) override {
    double v = 0;
    check(nf_state_get_param(state_, n.c_str(), &v));
    return v;
  }
  void remove_monitors() override {
    for (nf_monitor* m : monitors_) nf_monitor_destroy(m);
    monitors_.clear();
  }
  void step(const std::string& p, double t, double dt) override { check(nf_state_step(state_, p.c_str(), t, dt)); }
  void run(const std::vector<std::string>& processes, const std::vector<Scheduled>& scheduled, double t0, double dt,
           int64_t first, int64_t steps, const std::vector<Stream>& drives) override {
    std::vector<const char*> names;
    for (const std::string& p : processes) names.push_back(p.c_str());
    std::vector<nf_scheduled> at;
    for (const Scheduled& e : scheduled)
      at.push_back({e.process.c_str(), e.when.period, e.when.at_start ? NF_AT_START : NF_AT_END});
    auto io = [](const std::vector<Stream>& list) {
      std::vector<nf_io> out;
      for (const Stream& s : list) out.push_back({s.compartment.c_str(), s.words});
      return out;
    };
    std::vector<nf_io> d = io(drives);
    check(nf_state_scan_scheduled(state_, names.data(), int32_t(names.size()), at.data(), int32_t(at.size()), t0, dt,
                                  first, steps, d.data(), int32_t(d.size()), nullptr, 0));
  }
  void load_state(const std::string& path) override { check(nf_state_load(state_, path.c_str())); }
  void save_state(const std::string& path) override { check(nf_state_save(state_, path.c_str(), nullptr, 0)); }
  void load_compartment(const std::string& c, const std::string& path) override {
    check(nf_state_load_npy(state_, c.c_str(), path.c_str()));
  }

 private:
  void release() {
    nf_state_destroy(state_);
    nf_module_close(module_);
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  ir::Type type_of(const std::string& c) {
    const nf_compartment_info* info = nullptr;
    check(nf_module_find_compartment(module_, c.c_str(), &info));
    return ir::Type{compiler::dtype_of_code(info->dtype), ir::Shape(std::vector<int64_t>(info->shape, info->shape + info->rank))};
  }

  nf_module* module_ = nullptr;
  nf_state* state_ = nullptr;
  std::vector<nf_monitor*> monitors_;  // owned by state_
  std::string dir_;
};

}  // namespace

std::unique_ptr<Backend> make_backend(const ir::Program& program, const BackendOptions& options) {
  if (options.kind == "interp") return std::make_unique<Interpreter>(program, options.seed);
  if (options.kind == "jit" || options.kind == "aot") return std::make_unique<Compiled>(program, options);
  throw Error("unknown backend '" + options.kind + "' (available: interp, jit, aot)");
}

}  // namespace nf::cli
