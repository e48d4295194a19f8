#include "compiler/build.h"

#include <chrono>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "compiler/codegen.h"
#include "compiler/header.h"
#include "compiler/module_abi.h"
#include "compiler/output.h"
#include "compiler/target.h"
#include "ir/diagnostic.h"

namespace nf::compiler {

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The whole module: step functions, nf_scan and nf_module, optimized.
std::unique_ptr<llvm::Module> make_module(const ir::Program& program, const BuildOptions& options, Target& target,
                                          llvm::LLVMContext& context, BuildTimes* times) {
  auto start = Clock::now();
  Lowered lowered = lower(program, options);
  if (times) times->plan_ms += ms_since(start);
  start = Clock::now();
  // The first tier (jit.h) is one version of each kernel, quickly optimized.
  std::unique_ptr<llvm::Module> m = generate_module(lowered.plan, context, !options.tier_table);
  emit_module_abi(*m, lowered.kept, lowered.plan, options.model_name, target.description, target.features,
                  options.tier_table);
  m->setDataLayout(target.machine->createDataLayout());
  m->setTargetTriple(target.machine->getTargetTriple().str());
  if (times) times->codegen_ms += ms_since(start);
  start = Clock::now();
  if (options.tier_table) optimize_first_tier(*m, target);
  else optimize_module(*m, target, options.opt_level);
  if (times) times->optimize_ms += ms_since(start);
  return m;
}

}  // namespace

std::string build_object(const ir::Program& program, const BuildOptions& options, BuildTimes* times) {
  Target target = make_target(options);
  const bool use_cache = options.use_cache && !options.tier_table;  // a first tier is never kept
  const std::string key_text = use_cache ? cache_key_text(program, options, target) : "";
  if (use_cache) {
    if (std::string object = cached_object(key_text); !object.empty()) {
      if (times) times->cached = true;
      return object;
    }
  }
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> m = make_module(program, options, target, context, times);
  auto start = Clock::now();
  std::string object = emit_object(*m, target);
  if (times) times->object_ms += ms_since(start);
  if (use_cache) store_object(key_text, object);
  return object;
}

std::string cached_build(const ir::Program& program, const BuildOptions& options) {
  if (!options.use_cache || options.tier_table) return "";
  Target target = make_target(options);
  return cached_object(cache_key_text(program, options, target));
}

std::string build_text(const ir::Program& program, Emit emit, const BuildOptions& options) {
  Target target = make_target(options);
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> m = make_module(program, options, target, context, nullptr);
  if (emit == Emit::Assembly) return emit_assembly(*m, target);
  if (emit != Emit::LLVM) throw Error("build_text gives assembly or LLVM IR text only");
  std::string text;
  llvm::raw_string_ostream os(text);
  m->print(os, nullptr);
  return text;
}

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
  link_shared_library(object, path);
  if (times) times->link_ms += ms_since(start);
}

}  // namespace nf::compiler
