#include "compiler/target.h"

#include <mutex>

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/SubtargetFeature.h>

#include "ir/diagnostic.h"

namespace nf::compiler {

Target::Target() = default;
Target::Target(Target&&) noexcept = default;
Target::~Target() = default;

namespace {

void initialize_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

llvm::OptimizationLevel level(int n) {
  switch (n) {
    case 0: return llvm::OptimizationLevel::O0;
    case 1: return llvm::OptimizationLevel::O1;
    case 2: return llvm::OptimizationLevel::O2;
    default: return llvm::OptimizationLevel::O3;  // make_target admits 0..3 only
  }
}

std::string emit_machine_code(llvm::Module& m, const Target& target, llvm::CodeGenFileType kind) {
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (target.machine->addPassesToEmitFile(pm, os, nullptr, kind))
    throw Error("LLVM cannot emit code for " + target.description);
  pm.run(m);
  return std::string(buffer.begin(), buffer.end());
}

}  // namespace

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

void optimize_module(llvm::Module& m, const Target& target, int opt_level) {
  if (opt_level <= 0) return;
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
  pb.buildPerModuleDefaultPipeline(level(opt_level)).run(m, mam);
}

void optimize_first_tier(llvm::Module& m, const Target& target) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(target.machine.get());
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::FunctionPassManager fpm;
  fpm.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
  fpm.addPass(llvm::EarlyCSEPass());
  fpm.addPass(llvm::InstCombinePass());
  fpm.addPass(llvm::SimplifyCFGPass());
  llvm::ModulePassManager mpm;
  mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
  mpm.run(m, mam);
}

std::string emit_object(llvm::Module& m, const Target& target) {
  return emit_machine_code(m, target, llvm::CodeGenFileType::ObjectFile);
}

std::string emit_assembly(llvm::Module& m, const Target& target) {
  return emit_machine_code(m, target, llvm::CodeGenFileType::AssemblyFile);
}

}  // namespace nf::compiler
