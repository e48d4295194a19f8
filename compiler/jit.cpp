#include "compiler/jit.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/Support/MemoryBuffer.h>

#include "ir/diagnostic.h"

namespace nf::compiler {

namespace {

// An object linked into this process by its own LLJIT, and its descriptor.
struct Linked {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  const nf_module_info* info = nullptr;
};

Linked link(const std::string& object, const std::string& name) {
  auto created = llvm::orc::LLJITBuilder().create();
  if (!created) throw Error("LLVM cannot create the JIT: " + llvm::toString(created.takeError()));
  Linked l{std::move(*created), nullptr};
  if (llvm::Error e = l.jit->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(object, name)))
    throw Error("LLVM cannot load the compiled object: " + llvm::toString(std::move(e)));
  auto symbol = l.jit->lookup("nf_module");
  if (!symbol) throw Error("the compiled object has no nf_module: " + llvm::toString(symbol.takeError()));
  l.info = symbol->toPtr<const nf_module_info*>();
  return l;
}

nf_module* adopt(const nf_module_info* info, void (*release)(void*), void* context) {
  // The runtime checks the descriptor (ABI version, sizes) and owns the code from here.
  nf_module* m = nullptr;
  if (nf_module_adopt(info, release, context, &m) != NF_OK)
    throw Error(std::string("the runtime refused the compiled module: ") + nf_last_error());
  return m;
}

// Whether two descriptors describe the same state: the optimized build may
// replace the first tier's code only then (they come from one plan, so this
// is a check, not a choice).
bool same_state(const nf_module_info& a, const nf_module_info& b) {
  if (a.state_size != b.state_size || a.seed_offset != b.seed_offset || a.hooks_offset != b.hooks_offset ||
      a.n_compartments != b.n_compartments || a.n_params != b.n_params || a.n_processes != b.n_processes)
    return false;
  for (int32_t i = 0; i < a.n_compartments; ++i)
    if (std::strcmp(a.compartments[i].name, b.compartments[i].name) != 0 ||
        a.compartments[i].offset != b.compartments[i].offset || a.compartments[i].bytes != b.compartments[i].bytes ||
        a.compartments[i].form_offset != b.compartments[i].form_offset || a.compartments[i].kept != b.compartments[i].kept)
      return false;
  for (int32_t i = 0; i < a.n_params; ++i)
    if (std::strcmp(a.params[i].name, b.params[i].name) != 0 || a.params[i].offset != b.params[i].offset) return false;
  for (int32_t i = 0; i < a.n_processes; ++i)
    if (std::strcmp(a.processes[i].name, b.processes[i].name) != 0) return false;
  return true;
}

// A tiered module: the first tier's code (unoptimized, entry points jumping
// through its nf_tier_table), and the thread that builds the optimized
// object (through the object cache), links it and repoints the table.
struct Tiers {
  Linked first, optimized;
  std::unique_ptr<std::thread> builder;
  const pid_t owner = getpid();  // a forked child has these objects but not the thread
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;
  bool switched = false;
  std::string error;  // why the optimized build did not replace the first tier

  bool forked() const { return getpid() != owner; }
  bool on_builder() const { return builder && builder->get_id() == std::this_thread::get_id(); }

  void build(ir::Program program, BuildOptions options) {
    try {
      options.tier_table = false;
      Linked l = link(build_object(program, options), options.model_name);
      if (!same_state(*first.info, *l.info)) throw Error("the optimized build describes another state");
      auto symbol = first.jit->lookup("nf_tier_table");
      if (!symbol) throw Error("the first tier has no nf_tier_table: " + llvm::toString(symbol.takeError()));
      void** table = symbol->toPtr<void**>();
      const nf_module_info& o = *l.info;
      std::vector<void*> targets;
      for (int32_t i = 0; i < o.n_processes; ++i) targets.push_back(reinterpret_cast<void*>(o.processes[i].step));
      for (void* p : {reinterpret_cast<void*>(o.scan), reinterpret_cast<void*>(o.materialize),
                      reinterpret_cast<void*>(o.derive), reinterpret_cast<void*>(o.invalidate),
                      reinterpret_cast<void*>(o.share)})
        targets.push_back(p);
      // The acquire loads of the jumps (module_abi.h) pair with these stores.
      for (size_t i = 0; i < targets.size(); ++i)
        std::atomic_ref<void*>(table[i]).store(targets[i], std::memory_order_release);
      std::lock_guard<std::mutex> lock(mutex);
      optimized = std::move(l);
      switched = true;
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mutex);
      error = e.what();  // the first tier's code stays: the same bits, slower
    }
    std::lock_guard<std::mutex> lock(mutex);
    finished = true;
    finished_cv.notify_all();
  }

  // Whether the optimized code is in, once the build has ended; with
  // `why_not` its failure. In a forked child (no thread, the lock possibly
  // held forever) or on the builder itself (LLVM exiting from it), at once.
  bool wait(std::string* why_not) {
    if (forked() || on_builder()) {
      if (why_not) *why_not = finished ? error : "the optimized build did not finish in this process";
      return finished && switched;
    }
    std::unique_lock<std::mutex> lock(mutex);
    finished_cv.wait(lock, [&] { return finished; });
    if (why_not) *why_not = error;
    return switched;
  }

  ~Tiers() {
    // The optimized build may still run: its code must not outlive us.
    if (builder && builder->joinable() && !on_builder()) builder->join();
  }
};

// The tiered modules alive, so a host can wait for their optimized code.
// Never destroyed (a module closed by a static destructor still finds it);
// at exit, a handler waits for the builds of modules still open, so LLVM is
// not torn down under a running build.
struct Registry {
  std::mutex mutex;
  std::map<const nf_module*, Tiers*> modules;
};
Registry& registry() {
  static Registry& r = *new Registry;
  static const bool waits_at_exit = [] {
    std::atexit([] {
      Registry& r = registry();
      std::lock_guard<std::mutex> lock(r.mutex);
      for (auto& [module, tiers] : r.modules) tiers->wait(nullptr);
    });
    return true;
  }();
  (void)waits_at_exit;
  return r;
}

// Releases a tiered module's code. In a forked child the thread does not
// exist and LLVM's locks may be held: everything is left as it is.
void release_tiers(void* p) {
  Tiers* tiers = static_cast<Tiers*>(p);
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (auto it = r.modules.begin(); it != r.modules.end(); ++it)
      if (it->second == tiers) {
        r.modules.erase(it);
        break;
      }
  }
  if (tiers->forked()) return;
  delete tiers;
}

}  // namespace

nf_module* jit_module(const ir::Program& program, const BuildOptions& options, BuildTimes* times) {
  // build_object initializes LLVM's native target, which the JIT needs too.
  std::string object;
  if (options.tiered && options.opt_level > 0) object = cached_build(program, options);
  if (!options.tiered || options.opt_level == 0 || !object.empty()) {
    if (object.empty()) object = build_object(program, options, times);
    else if (times) times->cached = true;
    Linked l = link(object, options.model_name);
    nf_module* m = adopt(l.info, [](void* p) { delete static_cast<llvm::orc::LLJIT*>(p); }, l.jit.get());
    l.jit.release();
    return m;
  }
  // Tiered: the unoptimized build now, the optimized one on a thread.
  BuildOptions first = options;
  first.opt_level = 0;
  first.tier_table = true;
  auto tiers = std::make_unique<Tiers>();
  tiers->first = link(build_object(program, first, times), options.model_name);
  Tiers* t = tiers.get();
  Registry& r = registry();  // made before the thread: see Registry
  // Should adopting fail, destroying `tiers` waits for the thread.
  t->builder = std::make_unique<std::thread>([t, program, options] { t->build(program, options); });
  nf_module* m = adopt(t->first.info, release_tiers, t);
  tiers.release();  // the module owns it now
  std::lock_guard<std::mutex> lock(r.mutex);
  r.modules[m] = t;
  return m;
}

bool wait_for_optimized_code(const nf_module* module, std::string* why_not) {
  Tiers* t = nullptr;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.modules.find(module);
    if (it == r.modules.end()) {
      if (why_not) why_not->clear();
      return true;  // not tiered: its code is the optimized build
    }
    t = it->second;
  }
  return t->wait(why_not);
}

}  // namespace nf::compiler
