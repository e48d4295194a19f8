// Modules, states, names, stepping: the C API of neurofuse/runtime.h.
#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <set>
#include <vector>

#include "common/suggest.h"
#include "common/schedule.h"
#include "internal.h"
#include "runtime/cpu_features.h"

namespace nf::runtime {

namespace {
thread_local std::string last_error;
}

nf_status fail(std::string* object_error, nf_status status, const std::string& message) {
  last_error = message;
  if (object_error) *object_error = message;
  return status;
}

const nf_compartment_info* find_compartment(const nf_module_info& m, const char* name) {
  for (int32_t i = 0; i < m.n_compartments; ++i)
    if (std::strcmp(m.compartments[i].name, name) == 0) return &m.compartments[i];
  return nullptr;
}

const nf_param_info* find_param(const nf_module_info& m, const char* name) {
  for (int32_t i = 0; i < m.n_params; ++i)
    if (std::strcmp(m.params[i].name, name) == 0) return &m.params[i];
  return nullptr;
}

int32_t find_process(const nf_module_info& m, const char* name) {
  for (int32_t i = 0; i < m.n_processes; ++i)
    if (std::strcmp(m.processes[i].name, name) == 0) return i;
  return -1;
}

std::string suggestion(const nf_module_info& m, const std::string& name, const char* what) {
  std::vector<std::string> names;
  std::string kind = what;
  if (kind == "compartment" || kind == "entry")
    for (int32_t i = 0; i < m.n_compartments; ++i) names.push_back(m.compartments[i].name);
  if (kind == "compartment")
    for (int32_t i = 0; i < m.n_aliases; ++i) names.push_back(m.aliases[i].name);
  if (kind == "parameter" || kind == "entry")
    for (int32_t i = 0; i < m.n_params; ++i) names.push_back(m.params[i].name);
  if (kind == "process")
    for (int32_t i = 0; i < m.n_processes; ++i) names.push_back(m.processes[i].name);
  return did_you_mean(name, names);
}

const char* dtype_name(int32_t dtype) {
  switch (dtype) {
    case NF_F32: return "f32";
    case NF_I32: return "i32";
    case NF_BOOL: return "bool";
    default: return "an unknown dtype";
  }
}

const uint8_t* current(nf_state* s, const nf_compartment_info& c) {
  const nf_module_info& m = *s->module->info;
  if (c.kept == NF_KEPT_FACTORED) m.materialize(s->block, int32_t(&c - m.compartments));
  if (s->partition.gather) s->partition.gather(s->partition.context, s->block, c.offset, c.bytes);
  return s->block + c.offset;
}

uint8_t* overwritten(nf_state* s, const nf_compartment_info& c) {
  const nf_module_info& m = *s->module->info;
  if (c.kept != NF_KEPT_PLAIN) m.invalidate(s->block, int32_t(&c - m.compartments));
  return s->block + c.offset;
}

namespace {

// The largest state block alignment a module may ask for: a page.
constexpr int64_t kMaxAlignment = 4096;

nf_status check_info(const nf_module_info* info, std::string* error) {
  if (info->abi_version != NF_MODULE_ABI_VERSION || info->struct_size != sizeof(nf_module_info))
    return fail(error, NF_ERROR_ABI_VERSION,
                "the module was built for ABI version " + std::to_string(info->abi_version) +
                    "; this runtime accepts version " + std::to_string(NF_MODULE_ABI_VERSION));
  // Every region the descriptor names lies inside the state block, so a
  // malformed module cannot make the runtime read or write outside it.
  auto malformed = [&](const std::string& why) { return fail(error, NF_ERROR_NOT_A_MODULE, "malformed module: " + why); };
  const int64_t size = info->state_size;
  auto inside = [&](int64_t offset, int64_t bytes) { return offset >= 0 && bytes >= 0 && offset <= size - bytes; };
  if (size < 0 || info->alignment <= 0 || info->alignment > kMaxAlignment ||
      (info->alignment & (info->alignment - 1)) != 0)
    return malformed("bad state size or alignment (a power of two up to " + std::to_string(kMaxAlignment) + ")");
  if (info->n_compartments < 0 || info->n_params < 0 || info->n_processes < 0 ||
      (info->n_compartments && !info->compartments) || (info->n_params && !info->params) ||
      (info->n_processes && !info->processes) || !info->scan || !info->derive)
    return malformed("missing tables");
  if (!inside(info->seed_offset, 8) || !inside(info->hooks_offset, int64_t(sizeof(nf_parallel))))
    return malformed("the seed or the thread hook lies outside the state block");
  // Elements are read as aligned words (the step functions and the
  // monitors): every region starts at a multiple of its element's size.
  if (info->seed_offset % 8 || info->hooks_offset % 8) return malformed("the seed or the thread hook is misaligned");
  for (int32_t i = 0; i < info->n_compartments; ++i) {
    const nf_compartment_info& c = info->compartments[i];
    if (!c.name) return malformed("a compartment has no name");
    const std::string what = std::string("compartment '") + c.name + "' ";
    int64_t elements = 1;
    if (c.rank < 0 || (c.rank > 0 && !c.shape)) return malformed(what + "has no shape");
    for (int32_t d = 0; d < c.rank; ++d) {
      if (c.shape[d] < 0 || (c.shape[d] > 0 && elements > (int64_t(1) << 40) / c.shape[d]))
        return malformed(what + "has a bad shape");
      elements *= c.shape[d];
    }
    if (c.bytes != 4 * elements || !inside(c.offset, c.bytes)) return malformed(what + "lies outside the state block");
    if (c.offset % 4) return malformed(what + "is misaligned");
    if (c.dtype < NF_F32 || c.dtype > NF_BOOL || c.kept < NF_KEPT_PLAIN || c.kept > NF_KEPT_CHECKED)
      return malformed(what + "has an unknown dtype or kind");
    if (c.kept != NF_KEPT_PLAIN && (!inside(c.form_offset, 4) || c.form_offset % 4))
      return malformed(what + "has its word outside the state block, or misaligned");
    if (c.kept != NF_KEPT_PLAIN && (!info->materialize || !info->invalidate || !info->share))
      return malformed(what + "is kept in another form but the module lacks materialize, invalidate or share");
  }
  for (int32_t i = 0; i < info->n_params; ++i)
    if (!info->params[i].name || !inside(info->params[i].offset, 8) || info->params[i].offset % 8)
      return malformed("a run-time parameter lies outside the state block, or is misaligned");
  for (int32_t i = 0; i < info->n_processes; ++i)
    if (!info->processes[i].name || !info->processes[i].step) return malformed("a process has no name or step function");
  // Aliases read compartments of one dtype and size, in well-formed postfix.
  if (info->n_aliases < 0 || (info->n_aliases && !info->aliases)) return malformed("missing tables");
  for (int32_t i = 0; i < info->n_aliases; ++i) {
    const nf_alias_info& a = info->aliases[i];
    if (!a.name || a.n_terms < 1 || !a.terms) return malformed("an alias has no name or terms");
    const std::string what = std::string("alias '") + a.name + "' ";
    int32_t depth = 0;
    const nf_compartment_info* type = nullptr;
    for (int32_t k = 0; k < a.n_terms; ++k) {
      const int32_t t = a.terms[k];
      if (t == NF_WIRE_ADD || t == NF_WIRE_MUL) {
        if (depth < 2 || !type || type->dtype == NF_BOOL) return malformed(what + "combines values it does not have");
        --depth;
        continue;
      }
      if (t < 0 || t >= info->n_compartments) return malformed(what + "reads no compartment");
      const nf_compartment_info& c = info->compartments[t];
      if (k == 0) type = &c;
      if (!type || c.dtype != type->dtype || c.bytes != type->bytes) return malformed(what + "reads values of different types");
      ++depth;
    }
    if (depth != 1) return malformed(what + "does not make one value");
    // One name, one meaning: an alias named like a compartment or another
    // alias would be shadowed.
    if (find_compartment(*info, a.name)) return malformed(what + "has a compartment's name");
    for (int32_t j = 0; j < i; ++j)
      if (std::strcmp(info->aliases[j].name, a.name) == 0) return malformed(what + "is listed twice");
  }
  // No two regions share a byte: a checkpoint or host write of one must not
  // change another (or the thread hook, a pointer the code calls through).
  std::vector<std::pair<std::pair<int64_t, int64_t>, std::string>> regions;  // ((offset, bytes), what)
  regions.push_back({{info->seed_offset, 8}, "the seed"});
  regions.push_back({{info->hooks_offset, int64_t(sizeof(nf_parallel))}, "the thread hook"});
  std::set<int64_t> words;  // a matrix and its scale share one word (module.h)
  for (int32_t i = 0; i < info->n_compartments; ++i) {
    const nf_compartment_info& c = info->compartments[i];
    regions.push_back({{c.offset, c.bytes}, std::string("compartment '") + c.name + "'"});
    if (c.kept != NF_KEPT_PLAIN && words.insert(c.form_offset).second)
      regions.push_back({{c.form_offset, 4}, std::string("the word of '") + c.name + "'"});
  }
  for (int32_t i = 0; i < info->n_params; ++i)
    regions.push_back({{info->params[i].offset, 8}, std::string("parameter '") + info->params[i].name + "'"});
  std::sort(regions.begin(), regions.end());
  for (size_t i = 1; i < regions.size(); ++i) {
    const auto& [before, before_name] = regions[i - 1];
    const auto& [after, after_name] = regions[i];
    if (before.second > 0 && after.second > 0 && after.first < before.first + before.second)
      return malformed(before_name + " and " + after_name + " overlap");
  }
  if (std::vector<std::string> missing = missing_cpu_features(info->features); !missing.empty()) {
    std::string list;
    for (const std::string& f : missing) list += (list.empty() ? "" : ", ") + f;
    return fail(error, NF_ERROR_UNSUPPORTED_CPU,
                "the module was compiled for " + std::string(info->target ? info->target : "another CPU") +
                    " and uses CPU features this machine lacks (" + list +
                    "); compile it for this machine (--target-cpu host) or a baseline such as x86-64-v2");
  }
  return NF_OK;
}

// Writes the state's partition, or its thread pool, or none into the block's
// hook.
void install_hook(nf_state* s) {
  nf_parallel hook{s->pool ? &Pool::run : nullptr, s->pool.get()};
  if (s->partition.run) hook = {s->partition.run, s->partition.context};
  std::memcpy(s->block + s->module->info->hooks_offset, &hook, sizeof hook);
}

// What nf_state_create gives: initial values, defaults, the seed, initialize.
void initialize(nf_state* s, uint64_t seed) {
  const nf_module_info& m = *s->module->info;
  std::memset(s->block, 0, size_t(m.state_size));
  install_hook(s);
  for (int32_t i = 0; i < m.n_compartments; ++i) {
    const nf_compartment_info& c = m.compartments[i];
    for (int64_t b = 0; b < c.bytes; b += 4) std::memcpy(s->block + c.offset + b, &c.init_bits, 4);
  }
  for (int32_t i = 0; i < m.n_params; ++i) std::memcpy(s->block + m.params[i].offset, &m.params[i].default_value, 8);
  std::memcpy(s->block + m.seed_offset, &seed, 8);
  m.derive(s->block);
  int32_t init = find_process(m, "initialize");
  if (init >= 0) m.processes[init].step(s->block, 0.0f, m.default_dt);
  // Pointers handed out before stay valid: their compartments stay shared.
  for (const nf_compartment_info* c : s->shared) m.share(s->block, int32_t(c - m.compartments));
}

nf_status invalid(nf_state* s, const char* what) {
  return fail(s, NF_ERROR_INVALID_ARGUMENT, std::string(what) + " is NULL");
}

}  // namespace

}  // namespace nf::runtime

using namespace nf::runtime;

extern "C" {

int nf_abi_version(void) { return NF_MODULE_ABI_VERSION; }

const char* nf_status_name(nf_status status) {
  static_assert(sizeof(nf_status) == sizeof(int));
  int code;  // C may pass any int: read it as one, not as an enumerator
  std::memcpy(&code, &status, sizeof code);
  switch (code) {
    case NF_OK: return "NF_OK";
    case NF_ERROR_INVALID_ARGUMENT: return "NF_ERROR_INVALID_ARGUMENT";
    case NF_ERROR_IO: return "NF_ERROR_IO";
    case NF_ERROR_NOT_A_MODULE: return "NF_ERROR_NOT_A_MODULE";
    case NF_ERROR_ABI_VERSION: return "NF_ERROR_ABI_VERSION";
    case NF_ERROR_UNKNOWN_NAME: return "NF_ERROR_UNKNOWN_NAME";
    case NF_ERROR_SHAPE: return "NF_ERROR_SHAPE";
    case NF_ERROR_DTYPE: return "NF_ERROR_DTYPE";
    case NF_ERROR_BAD_FILE: return "NF_ERROR_BAD_FILE";
    case NF_ERROR_OUT_OF_MEMORY: return "NF_ERROR_OUT_OF_MEMORY";
    case NF_ERROR_FACTORED: return "NF_ERROR_FACTORED";
    case NF_ERROR_UNSUPPORTED_CPU: return "NF_ERROR_UNSUPPORTED_CPU";
  }
  return "NF_ERROR_UNKNOWN";
}

const char* nf_last_error(void) { return nf::runtime::last_error.c_str(); }

nf_status nf_module_open(const char* path, nf_module** out) {
  if (!path || !out) return fail(static_cast<std::string*>(nullptr), NF_ERROR_INVALID_ARGUMENT, "path or out is NULL");
  *out = nullptr;
  struct stat st;
  if (stat(path, &st) != 0) return fail(static_cast<std::string*>(nullptr), NF_ERROR_IO, std::string("cannot open '") + path + "'");
  // dlopen needs a path with a slash to skip the library search.
  std::string where = std::strchr(path, '/') ? path : std::string("./") + path;
  void* library = dlopen(where.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = dlerror();
    return fail(static_cast<std::string*>(nullptr), NF_ERROR_NOT_A_MODULE,
                std::string("'") + path + "' is not a loadable module: " + (why ? why : "dlopen failed"));
  }
  auto* info = static_cast<const nf_module_info*>(dlsym(library, "nf_module"));
  if (!info) {
    dlclose(library);
    return fail(static_cast<std::string*>(nullptr), NF_ERROR_NOT_A_MODULE,
                std::string("'") + path + "' has no nf_module: it is not a neurofuse module");
  }
  if (nf_status s = check_info(info, nullptr); s != NF_OK) {
    dlclose(library);
    return fail(static_cast<std::string*>(nullptr), s, std::string("'") + path + "': " + nf_last_error());
  }
  auto* m = new (std::nothrow) nf_module;
  if (!m) {
    dlclose(library);
    return fail(static_cast<std::string*>(nullptr), NF_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  m->info = info;
  m->library = library;
  *out = m;
  return NF_OK;
}

nf_status nf_module_adopt(const nf_module_info* info, void (*release)(void*), void* context, nf_module** out) {
  if (!info || !out) return fail(static_cast<std::string*>(nullptr), NF_ERROR_INVALID_ARGUMENT, "info or out is NULL");
  *out = nullptr;
  if (nf_status s = check_info(info, nullptr); s != NF_OK) return s;
  auto* m = new (std::nothrow) nf_module;
  if (!m) return fail(static_cast<std::string*>(nullptr), NF_ERROR_OUT_OF_MEMORY, "out of memory");
  m->info = info;
  m->release = release;
  m->context = context;
  *out = m;
  return NF_OK;
}

void nf_module_close(nf_module* m) {
  if (!m) return;
  if (m->release) m->release(m->context);
  if (m->library) dlclose(m->library);
  delete m;
}

const nf_module_info* nf_module_get_info(const nf_module* m) { return m ? m->info : nullptr; }

const char* nf_module_last_error(const nf_module* m) {
  if (!m) return "";
  // A copy per thread: another thread's failure may replace the module's.
  thread_local std::string copy;
  std::lock_guard<std::mutex> lock(m->error_mutex);
  copy = m->error;
  return copy.c_str();
}

nf_status nf_module_find_compartment(nf_module* m, const char* name, const nf_compartment_info** out) {
  if (!m || !name || !out) return fail(m, NF_ERROR_INVALID_ARGUMENT, "module, name or out is NULL");
  View view;
  *out = find_view(*m->info, name, view) ? view.type : nullptr;
  if (!*out)
    return fail(m, NF_ERROR_UNKNOWN_NAME, std::string("no compartment '") + name + "'" + suggestion(*m->info, name, "compartment"));
  return NF_OK;
}

nf_status nf_module_find_param(nf_module* m, const char* name, const nf_param_info** out) {
  if (!m || !name || !out) return fail(m, NF_ERROR_INVALID_ARGUMENT, "module, name or out is NULL");
  *out = find_param(*m->info, name);
  if (!*out)
    return fail(m, NF_ERROR_UNKNOWN_NAME, std::string("no run-time parameter '") + name + "'" + suggestion(*m->info, name, "parameter"));
  return NF_OK;
}

nf_status nf_module_find_process(nf_module* m, const char* name, int32_t* index) {
  if (!m || !name || !index) return fail(m, NF_ERROR_INVALID_ARGUMENT, "module, name or index is NULL");
  *index = find_process(*m->info, name);
  if (*index < 0)
    return fail(m, NF_ERROR_UNKNOWN_NAME, std::string("no process '") + name + "'" + suggestion(*m->info, name, "process"));
  return NF_OK;
}

nf_status nf_state_create(nf_module* m, uint64_t seed, nf_state** out) {
  if (!m || !out) return fail(m, NF_ERROR_INVALID_ARGUMENT, "module or out is NULL");
  *out = nullptr;
  auto* s = new (std::nothrow) nf_state;
  if (!s) return fail(m, NF_ERROR_OUT_OF_MEMORY, "out of memory");
  const nf_module_info& info = *m->info;
  size_t align = size_t(std::max<int64_t>(info.alignment, 16));
  size_t bytes = (size_t(std::max<int64_t>(info.state_size, 1)) + align - 1) / align * align;
  s->block = static_cast<uint8_t*>(std::aligned_alloc(align, bytes));
  if (!s->block) {
    delete s;
    return fail(m, NF_ERROR_OUT_OF_MEMORY, "out of memory for a state of " + std::to_string(bytes) + " bytes");
  }
  s->module = m;
  // Room for every pin now, so nf_state_compartment never allocates.
  try {
    s->shared.reserve(size_t(info.n_compartments));
  } catch (const std::bad_alloc&) {
    std::free(s->block);
    delete s;
    return fail(m, NF_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  initialize(s, seed);
  *out = s;
  return NF_OK;
}

void nf_state_destroy(nf_state* s) {
  if (!s) return;
  if (s->pool && s->pool->forked()) (void)s->pool.release();  // its threads are the parent's (threads.h)
  for (nf_monitor* m : s->monitors) delete m;
  std::free(s->block);
  delete s;
}

nf_status nf_state_set_partition(nf_state* s, const nf_partition* partition) {
  if (!s) return invalid(s, "state");
  // What the partition left with other ranks comes back before it goes.
  if (s->partition.gather) s->partition.gather(s->partition.context, s->block, 0, s->module->info->state_size);
  s->partition = partition && partition->run ? *partition : nf_partition{};
  install_hook(s);
  return NF_OK;
}

nf_status nf_state_set_threads(nf_state* s, int32_t threads, int64_t min_elements) {
  if (!s) return invalid(s, "state");
  if (threads < 1 || min_elements < 0)
    return fail(s, NF_ERROR_INVALID_ARGUMENT, "threads must be at least 1 and min_elements not negative");
  // The new pool starts before the old one stops, so a failure changes nothing.
  std::unique_ptr<Pool> pool;
  if (threads > 1) {
    try {
      pool = std::make_unique<Pool>(threads, min_elements == 0 ? int64_t(1) << 21 : min_elements);
    } catch (const std::exception& e) {
      return fail(s, NF_ERROR_OUT_OF_MEMORY, std::string("cannot start threads: ") + e.what());
    }
  }
  if (s->pool && s->pool->forked()) (void)s->pool.release();  // its threads are the parent's (threads.h)
  s->pool = std::move(pool);
  install_hook(s);
  return NF_OK;
}

nf_status nf_state_reinitialize(nf_state* s, uint64_t seed) {
  if (!s) return invalid(s, "state");
  initialize(s, seed);
  return NF_OK;
}

const char* nf_state_last_error(const nf_state* s) { return s ? s->error.c_str() : ""; }
uint64_t nf_state_seed(const nf_state* s) {
  uint64_t seed = 0;
  if (s) std::memcpy(&seed, s->block + s->module->info->seed_offset, 8);  // the block holds it, for the step functions
  return seed;
}
nf_module* nf_state_module(const nf_state* s) { return s ? s->module : nullptr; }

nf_status nf_state_compartment(nf_state* s, const char* name, void** data, int32_t* dtype, int64_t* n) {
  if (!s || !name) return fail(s, NF_ERROR_INVALID_ARGUMENT, "state or name is NULL");
  View view;
  if (nf_status st = view_of(s, name, view); st != NF_OK) return st;
  if (view.alias()) return refuse_alias_write(s, view, "nf_state_compartment");
  const nf_compartment_info* c = view.compartment;
  if (c->kept != NF_KEPT_PLAIN && data) {  // the host may read and write through the pointer from now on
    const nf_module_info& m = *s->module->info;
    m.share(s->block, int32_t(c - m.compartments));
    if (std::find(s->shared.begin(), s->shared.end(), c) == s->shared.end()) s->shared.push_back(c);
  }
  // A partitioned state's compartment is current as of this call.
  if (data && s->partition.gather) s->partition.gather(s->partition.context, s->block, c->offset, c->bytes);
  if (data) *data = s->block + c->offset;
  if (dtype) *dtype = c->dtype;
  if (n) *n = count(*c);
  return NF_OK;
}

namespace {
// `writing`: an alias is refused (WIRED) before its dtype and count are looked at.
nf_status checked_compartment(nf_state* s, const char* name, int32_t dtype, const void* data, int64_t n, View& view,
                              bool writing) {
  if (!s || !name || !data) return fail(s, NF_ERROR_INVALID_ARGUMENT, "state, name or data is NULL");
  if (nf_status st = view_of(s, name, view); st != NF_OK) return st;
  if (writing && view.alias()) return refuse_alias_write(s, view, "nf_state_write");
  const nf_compartment_info* c = view.type;
  if (c->dtype != dtype)
    return fail(s, NF_ERROR_DTYPE, std::string("compartment '") + name + "' is " + dtype_name(c->dtype) + ", given " +
                                       dtype_name(dtype));
  if (count(*c) != n)
    return fail(s, NF_ERROR_SHAPE, std::string("compartment '") + name + "' has " + std::to_string(count(*c)) +
                                       " elements, given " + std::to_string(n));
  return NF_OK;
}
}  // namespace

nf_status nf_state_write(nf_state* s, const char* name, int32_t dtype, const void* data, int64_t n) {
  View view;
  if (nf_status st = checked_compartment(s, name, dtype, data, n, view, true); st != NF_OK) return st;
  const nf_compartment_info* c = view.compartment;
  if (c->dtype == NF_BOOL)  // a bool element is the word 0 or 1; anything else would compare unequal to both
    for (int64_t i = 0; i < n; ++i) {
      uint32_t w;
      std::memcpy(&w, static_cast<const uint8_t*>(data) + i * 4, 4);
      if (w > 1)
        return fail(s, NF_ERROR_INVALID_ARGUMENT, std::string("element ") + std::to_string(i) + " of bool compartment '" +
                                                      name + "' is " + std::to_string(w) + ", not 0 or 1");
    }
  std::memcpy(overwritten(s, *c), data, size_t(c->bytes));
  return NF_OK;
}

nf_status nf_state_read(nf_state* s, const char* name, int32_t dtype, void* out, int64_t n) {
  View view;
  if (nf_status st = checked_compartment(s, name, dtype, out, n, view, false); st != NF_OK) return st;
  return guarded(s, "nf_state_read", NF_ERROR_INVALID_ARGUMENT, [&]() -> nf_status {
    std::vector<uint32_t> scratch;
    std::memcpy(out, view_words(s, view, scratch), size_t(view.type->bytes));
    return NF_OK;
  });
}

nf_status nf_state_set_param(nf_state* s, const char* name, double value) {
  if (!s || !name) return fail(s, NF_ERROR_INVALID_ARGUMENT, "state or name is NULL");
  const nf_param_info* p = find_param(*s->module->info, name);
  if (!p)
    return fail(s, NF_ERROR_UNKNOWN_NAME,
                std::string("no run-time parameter '") + name + "'" + suggestion(*s->module->info, name, "parameter"));
  std::memcpy(s->block + p->offset, &value, 8);
  s->module->info->derive(s->block);
  return NF_OK;
}

nf_status nf_state_get_param(nf_state* s, const char* name, double* value) {
  if (!s || !name || !value) return fail(s, NF_ERROR_INVALID_ARGUMENT, "state, name or value is NULL");
  const nf_param_info* p = find_param(*s->module->info, name);
  if (!p)
    return fail(s, NF_ERROR_UNKNOWN_NAME,
                std::string("no run-time parameter '") + name + "'" + suggestion(*s->module->info, name, "parameter"));
  std::memcpy(value, s->block + p->offset, 8);
  return NF_OK;
}

nf_status nf_state_step(nf_state* s, const char* process, double t, double dt) {
  if (!s || !process) return fail(s, NF_ERROR_INVALID_ARGUMENT, "state or process is NULL");
  int32_t i = find_process(*s->module->info, process);
  if (i < 0)
    return fail(s, NF_ERROR_UNKNOWN_NAME,
                std::string("no process '") + process + "'" + suggestion(*s->module->info, process, "process"));
  s->module->info->processes[i].step(s->block, t, dt);
  return NF_OK;
}

nf_status nf_state_scan(nf_state* s, const char* const* processes, int32_t n_processes, double t0, double dt,
                        int64_t first, int64_t steps, const nf_io* drives, int32_t n_drives, const nf_io* records,
                        int32_t n_records) {
  return nf_state_scan_scheduled(s, processes, n_processes, nullptr, 0, t0, dt, first, steps, drives, n_drives,
                                 records, n_records);
}

nf_status nf_state_scan_scheduled(nf_state* s, const char* const* processes, int32_t n_processes,
                                  const nf_scheduled* scheduled, int32_t n_scheduled, double t0, double dt,
                                  int64_t first, int64_t steps, const nf_io* drives, int32_t n_drives,
                                  const nf_io* records, int32_t n_records) {
  return guarded(s, "nf_state_scan", NF_ERROR_INVALID_ARGUMENT, [&]() -> nf_status {
    if (!s) return invalid(s, "state");
    if (n_processes < 0 || n_scheduled < 0 || n_drives < 0 || n_records < 0 || steps < 0 || first < 0)
      return fail(s, NF_ERROR_INVALID_ARGUMENT, "a count is negative");
    if ((n_processes && !processes) || (n_scheduled && !scheduled) || (n_drives && !drives) || (n_records && !records))
      return fail(s, NF_ERROR_INVALID_ARGUMENT, "a list is NULL but its count is not 0");
    const nf_module_info& m = *s->module->info;
    auto process_index = [&](const char* name, int32_t& out) -> nf_status {
      if (!name) return fail(s, NF_ERROR_INVALID_ARGUMENT, "a process name is NULL");
      out = find_process(m, name);
      if (out < 0)
        return fail(s, NF_ERROR_UNKNOWN_NAME, std::string("no process '") + name + "'" + suggestion(m, name, "process"));
      return NF_OK;
    };
    std::vector<int32_t> indices(static_cast<size_t>(n_processes)), at(static_cast<size_t>(n_scheduled));
    for (int32_t i = 0; i < n_processes; ++i)
      if (nf_status st = process_index(processes[i], indices[size_t(i)]); st != NF_OK) return st;
    std::vector<nf::schedule::Entry> entries;
    for (int32_t i = 0; i < n_scheduled; ++i) {
      const nf_scheduled& e = scheduled[i];
      if (nf_status st = process_index(e.process, at[size_t(i)]); st != NF_OK) return st;
      if (e.period < 0 || (e.at != NF_AT_START && e.at != NF_AT_END) || (e.period == 0 && e.at != NF_AT_START))
        return fail(s, NF_ERROR_INVALID_ARGUMENT,
                    std::string("scheduled process '") + e.process +
                        "': the period must be positive, or 0 (once, before step 0) with NF_AT_START");
      entries.push_back({e.period, e.at == NF_AT_START});
    }
    std::vector<nf_stream> d;
    std::vector<Record> r;
    for (int32_t i = 0; i < n_drives + n_records; ++i) {
      const bool drive = i < n_drives;
      const nf_io& io = drive ? drives[i] : records[i - n_drives];
      if (!io.compartment || !io.data) return fail(s, NF_ERROR_INVALID_ARGUMENT, "a stream has a NULL name or buffer");
      View view;
      if (nf_status st = view_of(s, io.compartment, view); st != NF_OK) return st;
      if (drive && view.alias()) return refuse_alias_write(s, view, "nf_state_scan: a drive");
      if (drive) d.push_back({view.compartment->offset, view.compartment->bytes, static_cast<uint8_t*>(io.data)});
      else r.push_back({view, static_cast<uint8_t*>(io.data)});
    }
    for (const nf_monitor* mon : s->monitors) {
      const int64_t last = first + steps - 1;
      if (mon->kind == NF_MONITOR_EVENTS && steps > 0 &&
          nf::monitor::last_recorded_step(mon->core->spec(), last) > nf::monitor::Monitor::kMaxEventStep)
        return fail(s, NF_ERROR_INVALID_ARGUMENT,
                    "the events monitor of '" + mon->view.name + "' names steps as int32, and this scan reaches step " +
                        std::to_string(last));
    }
    try {
      nf::schedule::walk(
          entries, first, steps,
          [&](size_t i, int64_t k) { m.processes[at[i]].step(s->block, t0 + double(k) * dt, dt); },
          [&](int64_t k0, int64_t n) {
            scan_observed(s, indices.data(), int32_t(indices.size()), t0, dt, first, k0, n, d, r);
          });
    } catch (const ScanStopped& stopped) {
      return fail(s, stopped.status, stopped.message);
    }
    return NF_OK;
  });
}

}  // extern "C"
