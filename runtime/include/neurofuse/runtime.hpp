// neurofuse runtime, C++: a header-only RAII wrapper over neurofuse/runtime.h.
//
//   nf::Module module = nf::Module::open("model.so");
//   nf::State state(module, /*seed=*/1);
//   std::span<float> w = state.f32("W1.weights");     // a view into the state
//   state.step("advance", t, dt);
//   state.save("run.npz");
//   nf::Monitor spikes(state, nf_monitor_spec{"z1.s", NF_MONITOR_EVENTS, 1, 0, nullptr, 0, nullptr});
//   state.scan({"advance"}, 0.0, 1.0, 1000);
//   nf::Monitor::save("spikes.npz", {&spikes});
//
// Failures throw nf::RuntimeError, carrying the nf_status and the runtime's
// message. Module, State and Monitor are movable, not copyable; a state keeps
// its module loaded and a monitor its state, so they may be destroyed in any
// order. Thread safety is that of the C API.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "neurofuse/runtime.h"

namespace nf {

class RuntimeError : public std::runtime_error {
 public:
  RuntimeError(nf_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  nf_status status() const { return status_; }

 private:
  nf_status status_;
};

inline void check(nf_status status) {
  if (status != NF_OK) throw RuntimeError(status, nf_last_error());
}

namespace detail {
struct CloseModule {
  void operator()(nf_module* m) const { nf_module_close(m); }
};
struct DestroyState {
  void operator()(nf_state* s) const { nf_state_destroy(s); }
};
}  // namespace detail

class Module {
 public:
  // Loads a shared library made by `neurofuse compile`.
  static Module open(const std::string& path) {
    nf_module* m = nullptr;
    check(nf_module_open(path.c_str(), &m));
    return Module(m);
  }
  // Takes ownership of a module handle (for example from the JIT).
  explicit Module(nf_module* m) : m_(m, detail::CloseModule{}) {}

  nf_module* get() const { return m_.get(); }
  const nf_module_info& info() const {
    if (!m_) throw RuntimeError(NF_ERROR_INVALID_ARGUMENT, "this nf::Module was moved from");
    return *nf_module_get_info(m_.get());
  }
  const nf_compartment_info& compartment(const std::string& name) const {
    const nf_compartment_info* c = nullptr;
    check(nf_module_find_compartment(m_.get(), name.c_str(), &c));
    return *c;
  }

 private:
  friend class State;
  // Shared with the states made from it, which keep the module loaded.
  std::shared_ptr<nf_module> m_;
};

class State {
 public:
  // The state keeps its module loaded: it may outlive the Module object.
  State(const Module& module, uint64_t seed) : module_(module.m_) {
    nf_state* s = nullptr;
    check(nf_state_create(module.get(), seed, &s));
    // The module stays loaded while anything (a monitor too) holds the state.
    s_.reset(s, [m = module_](nf_state* x) { nf_state_destroy(x); });
  }
  State(State&&) = default;
  State& operator=(State&&) = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  nf_state* get() const { return s_.get(); }
  uint64_t seed() const { return nf_state_seed(s_.get()); }
  void reinitialize(uint64_t seed) { check(nf_state_reinitialize(s_.get(), seed)); }
  void set_threads(int32_t threads, int64_t min_elements = 0) {
    check(nf_state_set_threads(s_.get(), threads, min_elements));
  }

  // Views of a compartment's elements inside the state; the dtype must match.
  // A view of a compartment the module keeps in another form slows this
  // state's steps (nf_state_compartment); read_words / write_words do not.
  std::span<float> f32(const std::string& name) { return view<float>(name, NF_F32); }
  std::span<int32_t> i32(const std::string& name) { return view<int32_t>(name, NF_I32); }
  std::span<uint32_t> boolean(const std::string& name) { return view<uint32_t>(name, NF_BOOL); }
  // The raw 4-byte elements of any compartment.
  std::span<uint32_t> words(const std::string& name) {
    void* data = nullptr;
    int64_t n = 0;
    check(nf_state_compartment(s_.get(), name.c_str(), &data, nullptr, &n));
    return {static_cast<uint32_t*>(data), size_t(n)};
  }

  // A copy of any compartment's raw 4-byte elements, and its replacement.
  std::vector<uint32_t> read_words(const std::string& name) {
    const nf_compartment_info& c = info(name);
    std::vector<uint32_t> out(size_t(c.bytes / 4));
    check(nf_state_read(s_.get(), name.c_str(), c.dtype, out.data(), int64_t(out.size())));
    return out;
  }
  void write_words(const std::string& name, std::span<const uint32_t> words) {
    check(nf_state_write(s_.get(), name.c_str(), info(name).dtype, words.data(), int64_t(words.size())));
  }

  void set_param(const std::string& name, double v) { check(nf_state_set_param(s_.get(), name.c_str(), v)); }
  double param(const std::string& name) {
    double v = 0;
    check(nf_state_get_param(s_.get(), name.c_str(), &v));
    return v;
  }
  void step(const std::string& process, double t, double dt) { check(nf_state_step(s_.get(), process.c_str(), t, dt)); }
  // The same with scheduled processes (nf_state_scan_scheduled).
  void scan(const std::vector<std::string>& processes, const std::vector<nf_scheduled>& scheduled, double t0, double dt,
            int64_t steps, const std::vector<nf_io>& drives = {}, const std::vector<nf_io>& records = {},
            int64_t first = 0) {
    std::vector<const char*> names;
    for (const std::string& p : processes) names.push_back(p.c_str());
    check(nf_state_scan_scheduled(s_.get(), names.data(), int32_t(names.size()), scheduled.data(),
                                  int32_t(scheduled.size()), t0, dt, first, steps, drives.data(), int32_t(drives.size()),
                                  records.data(), int32_t(records.size())));
  }
  // Steps first .. first + steps - 1 of a run that starts at t0 (nf_state_scan).
  void scan(const std::vector<std::string>& processes, double t0, double dt, int64_t steps,
            const std::vector<nf_io>& drives = {}, const std::vector<nf_io>& records = {}, int64_t first = 0) {
    std::vector<const char*> names;
    for (const std::string& p : processes) names.push_back(p.c_str());
    check(nf_state_scan(s_.get(), names.data(), int32_t(names.size()), t0, dt, first, steps, drives.data(),
                        int32_t(drives.size()), records.data(), int32_t(records.size())));
  }
  void save(const std::string& path, const std::vector<std::string>& names = {}) {
    std::vector<const char*> n;
    for (const std::string& s : names) n.push_back(s.c_str());
    check(nf_state_save(s_.get(), path.c_str(), n.data(), int32_t(n.size())));
  }
  void load(const std::string& path) { check(nf_state_load(s_.get(), path.c_str())); }
  void load_npy(const std::string& compartment, const std::string& path) {
    check(nf_state_load_npy(s_.get(), compartment.c_str(), path.c_str()));
  }

 private:
  const nf_compartment_info& info(const std::string& name) const {
    const nf_compartment_info* c = nullptr;
    check(nf_module_find_compartment(nf_state_module(s_.get()), name.c_str(), &c));
    return *c;
  }
  template <class T>
  std::span<T> view(const std::string& name, int32_t want) {
    void* data = nullptr;
    int32_t dtype = 0;
    int64_t n = 0;
    check(nf_state_compartment(s_.get(), name.c_str(), &data, &dtype, &n));
    if (dtype != want) throw RuntimeError(NF_ERROR_DTYPE, "compartment '" + name + "' has another dtype");
    return {static_cast<T*>(data), size_t(n)};
  }
  friend class Monitor;
  std::shared_ptr<nf_module> module_;
  std::shared_ptr<nf_state> s_;  // shared with the state's monitors; its deleter holds the module
};

// A monitor of a state (nf_monitor_create): it records in every scan of the
// state from now on, and keeps the state alive.
class Monitor {
 public:
  Monitor(const State& state, const nf_monitor_spec& spec) : state_(state.s_) {
    nf_monitor* m = nullptr;
    check(nf_monitor_create(state_.get(), &spec, &m));
    m_.reset(m, [](nf_monitor* x) { nf_monitor_destroy(x); });
  }

  nf_monitor* get() const { return m_.get(); }
  int64_t rows() const { return info().rows; }
  int64_t row_elements() const { return info().row_elements; }
  int32_t dtype() const { return info().dtype; }
  // Rows first .. first + n - 1 as 4-byte words (float, int32 or 0/1 bits).
  std::vector<uint32_t> read(int64_t first, int64_t n) const {
    std::vector<uint32_t> out(size_t(n * row_elements()));
    check(nf_monitor_read(m_.get(), first, n, out.data()));
    return out;
  }
  // Every row so far.
  std::vector<uint32_t> read() const { return read(0, rows()); }
  void clear() { check(nf_monitor_clear(m_.get())); }
  // Writes monitors to one .npz (nf_monitor_save); names empty: the defaults.
  static void save(const std::string& path, const std::vector<const Monitor*>& monitors,
                   const std::vector<std::string>& names = {}) {
    std::vector<nf_monitor*> ms;
    for (const Monitor* m : monitors) ms.push_back(m->get());
    std::vector<const char*> n;
    for (const std::string& s : names) n.push_back(s.c_str());
    check(nf_monitor_save(path.c_str(), ms.data(), names.empty() ? nullptr : n.data(), int32_t(ms.size())));
  }

 private:
  struct Info {
    int64_t rows = 0, row_elements = 0;
    int32_t dtype = 0;
  };
  Info info() const {
    Info i;
    check(nf_monitor_rows(m_.get(), &i.rows, &i.row_elements, &i.dtype));
    return i;
  }
  std::shared_ptr<nf_state> state_;  // declared first: outlives the monitor
  std::shared_ptr<nf_monitor> m_;
};

}  // namespace nf
