#include "compiler/jit.h"

#include <map>
#include <mutex>

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "compiler/codegen.h"
#include "ir/diagnostic.h"

namespace nf::compiler {

namespace {

void initialize_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

[[noreturn]] void fail(const std::string& what, llvm::Error e) {
  throw Error("LLVM " + what + ": " + llvm::toString(std::move(e)));
}

template <class T>
T take(llvm::Expected<T> v, const std::string& what) {
  if (!v) fail(what, v.takeError());
  return std::move(*v);
}

llvm::OptimizationLevel level(int n) {
  switch (n) {
    case 0: return llvm::OptimizationLevel::O0;
    case 1: return llvm::OptimizationLevel::O1;
    case 3: return llvm::OptimizationLevel::O3;
    default: return llvm::OptimizationLevel::O2;
  }
}

// Runs LLVM's standard pipeline for the target: the loop vectorizer and SLP
// vectorizer included, no fast-math anywhere.
void optimize(llvm::Module& m, llvm::TargetMachine& tm, int opt_level) {
  m.setDataLayout(tm.createDataLayout());
  m.setTargetTriple(tm.getTargetTriple().str());
  if (opt_level == 0) return;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions pto;
  pto.LoopVectorization = true;
  pto.SLPVectorization = true;
  llvm::PassBuilder pb(&tm, pto);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.buildPerModuleDefaultPipeline(level(opt_level)).run(m, mam);
}

}  // namespace

struct JitProgram::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::map<std::string, StepFunction> steps;
};

JitProgram::~JitProgram() = default;

std::unique_ptr<JitProgram> JitProgram::compile(const ir::Program& program, const JitOptions& options) {
  initialize_llvm();
  std::unique_ptr<JitProgram> out(new JitProgram());
  out->plan_ = plan_program(program);
  out->impl_ = std::make_unique<Impl>();

  auto jtmb = take(llvm::orc::JITTargetMachineBuilder::detectHost(), "cannot describe the host");
  jtmb.setCodeGenOptLevel(options.opt_level == 0 ? llvm::CodeGenOptLevel::None : llvm::CodeGenOptLevel::Default);
  std::unique_ptr<llvm::TargetMachine> tm = take(jtmb.createTargetMachine(), "cannot create a target machine");

  auto context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module = generate_module(program, out->plan_, *context);
  optimize(*module, *tm, options.opt_level);

  out->impl_->jit = take(llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(jtmb)).create(),
                         "cannot create the JIT");
  llvm::orc::LLJIT& jit = *out->impl_->jit;
  if (llvm::Error e = jit.addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context))))
    fail("cannot add the module", std::move(e));
  for (const ir::Process& p : program.processes) {
    auto address = take(jit.lookup(process_symbol(p.name)), "cannot find the step function of '" + p.name + "'");
    out->impl_->steps[p.name] = address.toPtr<StepFunction>();
  }
  return out;
}

StepFunction JitProgram::process(const std::string& name) const {
  auto it = impl_->steps.find(name);
  return it == impl_->steps.end() ? nullptr : it->second;
}

std::string optimized_ir(const ir::Program& program, const JitOptions& options) {
  initialize_llvm();
  auto jtmb = take(llvm::orc::JITTargetMachineBuilder::detectHost(), "cannot describe the host");
  std::unique_ptr<llvm::TargetMachine> tm = take(jtmb.createTargetMachine(), "cannot create a target machine");
  llvm::LLVMContext context;
  Plan plan = plan_program(program);
  std::unique_ptr<llvm::Module> module = generate_module(program, plan, context);
  optimize(*module, *tm, options.opt_level);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, nullptr);
  return text;
}

}  // namespace nf::compiler
