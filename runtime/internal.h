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

struct nf_state {
  nf_module* module = nullptr;
  uint8_t* block = nullptr;  // module->info->state_size bytes, aligned
  std::unique_ptr<nf::runtime::Pool> pool;  // installed as the block's nf_parallel hook
  std::vector<const nf_compartment_info*> pinned;  // checked matrices the host holds pointers to
  std::string error;
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
