// Internal to the runtime: what nf_module and nf_state are, and how failures
// are recorded.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "neurofuse/runtime.h"
#include "runtime/monitor.h"
#include "threads.h"

struct nf_module {
  const nf_module_info* info = nullptr;
  void* library = nullptr;  // dlopen handle, when opened from a file
  void (*release)(void*) = nullptr;
  void* context = nullptr;
  // Lookups may fail on several threads at once: the message is guarded.
  mutable std::mutex error_mutex;
  std::string error;
};

namespace nf::runtime {

// What a name a user sees reads: a compartment, or an alias (module.h). A
// direct alias reads its compartment; a computed one (a sum or product of
// wires) is evaluated from its sources.
struct View {
  std::string name;
  const nf_compartment_info* compartment = nullptr;  // its storage, or a direct alias's target
  const nf_alias_info* computed = nullptr;            // a computed alias
  const nf_compartment_info* type = nullptr;         // the compartment whose dtype and shape the value has
  bool alias() const { return computed || name != compartment->name; }
};

}  // namespace nf::runtime

struct nf_state {
  nf_module* module = nullptr;
  uint8_t* block = nullptr;  // module->info->state_size bytes, aligned
  std::unique_ptr<nf::runtime::Pool> pool;  // installed as the block's nf_parallel hook
  nf_partition partition{};  // when run is set, installed instead of the pool (nf_state_set_partition)
  std::vector<const nf_compartment_info*> shared;  // kept compartments the host holds pointers to (module.h, share)
  std::vector<nf_monitor*> monitors;  // recording in every scan, in creation order
  std::string error;
};

struct nf_monitor {
  nf_state* state = nullptr;
  nf::runtime::View view;
  int32_t kind = NF_MONITOR_VALUES;
  std::unique_ptr<nf::monitor::Monitor> core;
};

namespace nf::runtime {

// Records `message` as the thread's and the object's last error; returns status.
nf_status fail(std::string* object_error, nf_status status, const std::string& message);

inline nf_status fail(nf_state* s, nf_status status, const std::string& m) { return fail(s ? &s->error : nullptr, status, m); }
inline nf_status fail(nf_module* mod, nf_status status, const std::string& m) {
  if (!mod) return fail(static_cast<std::string*>(nullptr), status, m);
  std::lock_guard<std::mutex> lock(mod->error_mutex);
  return fail(&mod->error, status, m);
}

// Runs `body` (returning nf_status) so that no C++ exception reaches a C
// caller: running out of memory is NF_ERROR_OUT_OF_MEMORY, anything else
// `otherwise`, each with a message.
template <typename Object, typename Body>
nf_status guarded(Object* o, const char* what, nf_status otherwise, Body body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(o, NF_ERROR_OUT_OF_MEMORY, std::string(what) + ": out of memory");
  } catch (const std::exception& e) {
    return fail(o, otherwise, std::string(what) + ": " + e.what());
  }
}

// Lookups by name; nullptr when absent.
const nf_compartment_info* find_compartment(const nf_module_info& m, const char* name);
const nf_param_info* find_param(const nf_module_info& m, const char* name);
int32_t find_process(const nf_module_info& m, const char* name);

// What `name` reads (a compartment or an alias); false when it is neither.
bool find_view(const nf_module_info& m, const char* name, View& out);
// The view of `name`, or UNKNOWN_NAME with a suggestion.
nf_status view_of(nf_state* s, const char* name, View& out);
// The view's elements as of now: a compartment's storage (a factored one
// computed first), or a computed alias evaluated into `scratch`.
const uint32_t* view_words(nf_state* s, const View& v, std::vector<uint32_t>& scratch);
// NF_ERROR_WIRED for a write to an alias: its sources hold its value.
nf_status refuse_alias_write(nf_state* s, const View& v, const char* what);

// Runs the module's scan for steps [k0, k0 + n) of a scan that started at
// `first`, recording `records` (dense rows into caller buffers, row 0 being
// step `first`'s) and the state's monitors after each step. Throws
// nf::runtime::ScanStopped when a monitor fails (the steps before stay run).
struct Record {
  View view;
  uint8_t* data;
};
struct ScanStopped {
  nf_status status;
  std::string message;
};
void scan_observed(nf_state* s, const int32_t* processes, int32_t n_processes, double t0, double dt, int64_t first,
                   int64_t k0, int64_t n, const std::vector<nf_stream>& drives, const std::vector<Record>& records);

// "; did you mean 'x'?" for the closest name of the module's kind `what`.
std::string suggestion(const nf_module_info& m, const std::string& name, const char* what);

// The storage of compartment `c` (of s's module) with its value: computed
// from the factors first when the module keeps it factored (module.h).
const uint8_t* current(nf_state* s, const nf_compartment_info& c);
// The storage of `c` for the caller to overwrite; the module then reads the
// storage, not the factors.
uint8_t* overwritten(nf_state* s, const nf_compartment_info& c);

// Element count of a compartment.
inline int64_t count(const nf_compartment_info& c) { return c.bytes / 4; }

const char* dtype_name(int32_t dtype);

}  // namespace nf::runtime
