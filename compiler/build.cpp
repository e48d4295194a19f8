#include "compiler/build.h"

#include "compiler/derive.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/SubtargetFeature.h>

#include "common/read_file.h"
#include "compiler/codegen.h"
#include "compiler/events.h"
#include "compiler/fingerprint.h"
#include "compiler/module_abi.h"
#include "runtime/npz.h"
#include "ir/equality.h"
#include "neurofuse/module.h"
#include "compiler/plan.h"
#include "ir/diagnostic.h"
#include "ir/printer.h"

extern char** environ;

namespace nf::compiler {

namespace {

// The compiler that made an object: release, module ABI, LLVM, and the
// fingerprint of the sources that decide the code.
#define NF_STRINGIFY_(x) #x
#define NF_STRINGIFY(x) NF_STRINGIFY_(x)
constexpr const char* kCompilerVersion = "neurofuse-0.1.0/abi-" NF_STRINGIFY(NF_MODULE_ABI_VERSION) "/llvm-" LLVM_VERSION_STRING
                                         "/" NF_COMPILER_FINGERPRINT;

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void initialize_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

struct Target {
  std::unique_ptr<llvm::TargetMachine> machine;
  std::string description;  // "triple cpu"
  std::string features;     // "+avx2,+fma,...": every feature the code may use (nf_module_info.features)
};

// The target machine: the host triple; the host CPU and its features, or the
// named CPU with its own baseline features. Floating-point contraction is off.
Target make_target(const BuildOptions& options) {
  if (options.opt_level < 0 || options.opt_level > 3)
    throw Error("optimization level must be 0, 1, 2 or 3, got " + std::to_string(options.opt_level));
  initialize_llvm();
  std::string triple = llvm::sys::getProcessTriple();
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) throw Error("LLVM has no target for '" + triple + "': " + error);
  std::string cpu = options.target_cpu == "host" ? llvm::sys::getHostCPUName().str() : options.target_cpu;
  if (cpu == "generic" && llvm::StringRef(triple).starts_with("x86_64")) cpu = "x86-64";
  llvm::SubtargetFeatures features;
  if (options.target_cpu == "host")
    for (const auto& f : llvm::sys::getHostCPUFeatures()) features.AddFeature(f.getKey(), f.getValue());
  llvm::TargetOptions to;
  to.AllowFPOpFusion = llvm::FPOpFusion::Strict;
  auto level = options.opt_level == 0 ? llvm::CodeGenOptLevel::None
             : options.opt_level == 3 ? llvm::CodeGenOptLevel::Aggressive
                                      : llvm::CodeGenOptLevel::Default;
  Target t;
  t.machine.reset(target->createTargetMachine(triple, cpu, features.getString(), to, llvm::Reloc::PIC_, std::nullopt, level));
  if (!t.machine) throw Error("LLVM cannot create a target machine for CPU '" + cpu + "'");
  if (!t.machine->getMCSubtargetInfo()->isCPUStringValid(cpu))
    throw Error("unknown target CPU '" + options.target_cpu + "' (try host, generic or x86-64-v2)");
  t.description = triple + " " + cpu;
  // The CPU's features with those it implies, as the subtarget resolved them.
  const llvm::MCSubtargetInfo& sti = *t.machine->getMCSubtargetInfo();
  for (const llvm::SubtargetFeatureKV& kv : sti.getAllProcessorFeatures())
    if (sti.getFeatureBits().test(kv.Value)) t.features += (t.features.empty() ? "+" : ",+") + std::string(kv.Key);
  return t;
}

llvm::OptimizationLevel level(int n) {
  switch (n) {
    case 0: return llvm::OptimizationLevel::O0;
    case 1: return llvm::OptimizationLevel::O1;
    case 2: return llvm::OptimizationLevel::O2;
    default: return llvm::OptimizationLevel::O3;  // make_target admits 0..3 only
  }
}

// The whole module: step functions, nf_scan and nf_module, optimized by
// LLVM's standard pipeline for the target (vectorizers on, no fast-math).
std::unique_ptr<llvm::Module> make_module(const ir::Program& program, const BuildOptions& options, Target& target,
                                          llvm::LLVMContext& context, BuildTimes* times) {
  auto start = Clock::now();
  Factored factored = rewrite_program(program, options);
  Plan plan = plan_program(factored.program, factored.events);
  if (times) times->plan_ms += ms_since(start);
  start = Clock::now();
  std::unique_ptr<llvm::Module> m = generate_module(plan, context);
  emit_module_abi(*m, factored, plan, options.model_name, target.description, target.features);
  m->setDataLayout(target.machine->createDataLayout());
  m->setTargetTriple(target.machine->getTargetTriple().str());
  if (times) times->codegen_ms += ms_since(start);
  start = Clock::now();
  if (options.opt_level > 0) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PipelineTuningOptions pto;
    pto.LoopVectorization = true;
    pto.SLPVectorization = true;
    llvm::PassBuilder pb(target.machine.get(), pto);
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    pb.buildPerModuleDefaultPipeline(level(options.opt_level)).run(*m, mam);
  }
  if (times) times->optimize_ms += ms_since(start);
  return m;
}

std::string emit_machine_code(llvm::Module& m, Target& target, llvm::CodeGenFileType kind) {
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (target.machine->addPassesToEmitFile(pm, os, nullptr, kind))
    throw Error("LLVM cannot emit code for " + target.description);
  pm.run(m);
  return std::string(buffer.begin(), buffer.end());
}

// The project's atomic file writer (npz::write_file), failing as nf::Error.
void write_atomically(const std::string& path, const std::string& bytes) {
  try {
    npz::write_file(path, std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  } catch (const std::exception& e) {
    throw Error(std::string("cannot write ") + e.what());
  }
}

// A cached file, or "" when there is none (or it cannot be read).
std::string read_cached(const std::string& path) {
  try {
    return read_regular_file<std::string>(path, uint64_t(1) << 30);
  } catch (const FileReadError&) {
    return "";
  }
}

std::string identifier(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? char(std::toupper(static_cast<unsigned char>(c))) : '_';
  return out;
}

}  // namespace

std::string cache_directory() {
  if (const char* d = std::getenv("NEUROFUSE_CACHE_DIR"); d && *d) return d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/neurofuse";
  if (const char* d = std::getenv("HOME"); d && *d) return std::string(d) + "/.cache/neurofuse";
  return "";
}

Factored rewrite_program(const ir::Program& program, const BuildOptions& options) {
  Factored f = factor_low_rank(program, options.factor_min_elements);
  add_event_checks(f, options.event_min_elements);
  hoist_parameter_values(f);
  return f;
}

std::string stage_text(const ir::Program& program, const std::string& stage, const std::string& process,
                       const BuildOptions& options) {
  if (stage != "factored" && stage != "kernels")
    throw Error("unknown stage '" + stage + "' (available: ir, factored, kernels)");
  Factored factored = rewrite_program(program, options);
  if (!process.empty()) {  // the process and its variant reading storage
    std::vector<ir::Process> kept;
    for (const ir::Process& proc : factored.program.processes)
      if (proc.name == process || proc.name == process + "#storage") kept.push_back(proc);
    factored.program.processes = kept;
  }
  if (stage == "factored") return ir::print(factored.program);
  return print_plan(factored.program, plan_program(factored.program, factored.events));
}

std::string build_object(const ir::Program& program, const BuildOptions& options, BuildTimes* times) {
  Target target = make_target(options);
  std::string key_text = std::string(kCompilerVersion) + "\n" + target.description + "\n" +
                         target.machine->getTargetFeatureString().str() + "\nO" + std::to_string(options.opt_level) +
                         "\nfactors>=" + std::to_string(options.factor_min_elements) +
                         "\nevents>=" + std::to_string(options.event_min_elements) + "\n" + options.model_name +
                         "\n" + ir::print(program);
  char key[17];
  std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(ir::fnv1a64(key_text)));
  std::string dir = options.use_cache ? cache_directory() : "";
  std::string cached_path = dir.empty() ? "" : dir + "/" + key + ".o";
  if (!cached_path.empty()) {
    // The key text is stored beside the object so a hash collision is detected.
    std::string object = read_cached(cached_path);
    if (!object.empty() && read_cached(cached_path + ".key") == key_text) {
      if (times) times->cached = true;
      return object;
    }
  }
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> m = make_module(program, options, target, context, times);
  auto start = Clock::now();
  std::string object = emit_machine_code(*m, target, llvm::CodeGenFileType::ObjectFile);
  if (times) times->object_ms += ms_since(start);
  if (!cached_path.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    try {
      write_atomically(cached_path + ".key", key_text);
      write_atomically(cached_path, object);
    } catch (const Error&) {
      // A cache that cannot be written only costs the next run a compilation.
    }
  }
  return object;
}

std::string build_text(const ir::Program& program, Emit emit, const BuildOptions& options) {
  Target target = make_target(options);
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> m = make_module(program, options, target, context, nullptr);
  if (emit == Emit::Assembly) return emit_machine_code(*m, target, llvm::CodeGenFileType::AssemblyFile);
  if (emit != Emit::LLVM) throw Error("build_text gives assembly or LLVM IR text only");
  std::string text;
  llvm::raw_string_ostream os(text);
  m->print(os, nullptr);
  return text;
}

namespace {

std::string header_text(const ir::Program& program, const BuildOptions& options) {
  Factored factored = rewrite_program(program, options);
  Plan plan = plan_program(factored.program, factored.events);
  std::string model = identifier(options.model_name);
  std::string h = "/* " + options.model_name + ": generated by neurofuse. Offsets are bytes into the state block;\n"
                  " * see neurofuse/module.h for how to create and step a state. */\n"
                  "#ifndef NF_MODEL_" + model + "_H\n#define NF_MODEL_" + model + "_H\n\n#include <neurofuse/module.h>\n\n";
  h += "#define NF_" + model + "_STATE_SIZE " + std::to_string(plan.layout.size) + "\n";
  h += "#define NF_" + model + "_SEED_OFFSET " + std::to_string(plan.layout.seed_offset) + "\n\n";
  std::map<std::string, std::string> ids;  // macro id -> the name it stands for
  auto unique_id = [&](const std::string& id, const std::string& name) {
    auto [it, fresh] = ids.emplace(id, name);
    if (!fresh)
      throw Error("cannot write a C header: '" + it->second + "' and '" + name + "' both become " + id);
    return id;
  };
  for (size_t i = 0; i < factored.public_compartments; ++i) {
    const Slot& s = plan.layout.compartments[i];
    std::string id = unique_id("NF_" + model + "_" + identifier(s.name), s.name);
    h += "/* " + s.name + " : " + s.type.str() + " */\n";
    h += "#define " + id + "_OFFSET " + std::to_string(s.offset) + "\n";
    h += "#define " + id + "_COUNT " + std::to_string(s.type.shape.num_elements()) + "\n";
    if (const Kept kept = kept_of(factored, plan.layout, s.name); kept.kind != NF_KEPT_PLAIN) {
      h += "#define " + id + "_KEPT " + (kept.kind == NF_KEPT_FACTORED ? "NF_KEPT_FACTORED" : "NF_KEPT_CHECKED") + "\n";
      h += "#define " + id + "_FORM_OFFSET " + std::to_string(kept.form_offset) + "\n";
    }
  }
  h += "\n/* Run-time parameters: doubles; after writing one, call nf_module.derive(state). */\n";
  for (const Slot& s : plan.layout.params)
    h += "#define " + unique_id("NF_" + model + "_PARAM_" + identifier(s.name), s.name) + "_OFFSET " +
         std::to_string(s.offset) + "\n";
  h += "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\nextern const nf_module_info nf_module;\n";
  for (const ir::Process& p : program.processes)
    h += "void " + process_symbol(p.name) + "(uint8_t* state, double t, double dt);\n";
  h += "\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  return h;
}

// Runs argv without a shell and waits; throws with `what` on failure.
void run_tool(const std::vector<std::string>& argv, const std::string& what) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0)
    throw Error(what + ": cannot run '" + argv[0] + "' (is a C compiler installed? set CC to choose one)");
  int status = 0;
  pid_t waited;
  do waited = waitpid(pid, &status, 0);
  while (waited == -1 && errno == EINTR);
  if (waited != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error(what + ": '" + argv[0] + "' failed");
}

}  // namespace

void build_file(const ir::Program& program, const std::string& path, Emit emit, const BuildOptions& options,
                BuildTimes* times) {
  switch (emit) {
    case Emit::Object: write_atomically(path, build_object(program, options, times)); return;
    case Emit::Assembly:
    case Emit::LLVM: write_atomically(path, build_text(program, emit, options)); return;
    case Emit::Header: write_atomically(path, header_text(program, options)); return;
    case Emit::SharedLibrary: break;
  }
  std::string object = build_object(program, options, times);
  auto start = Clock::now();
  // Unique per call: two threads linking the same path must not share files.
  static std::atomic<unsigned> counter{0};
  std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter++);
  std::string obj_path = tmp + ".o";
  write_atomically(obj_path, object);
  const char* cc = std::getenv("CC");
  try {
    run_tool({cc && *cc ? cc : "cc", "-shared", "-o", tmp, obj_path, "-Wl,-z,noexecstack"}, "linking '" + path + "'");
  } catch (...) {
    std::remove(obj_path.c_str());
    std::remove(tmp.c_str());
    throw;
  }
  std::remove(obj_path.c_str());
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error("cannot write '" + path + "'");
  }
  if (times) times->link_ms += ms_since(start);
}

}  // namespace nf::compiler
