// Compiled math (compiler/math_emitter.h) against the interpreter's nf::math
// (ir/math.h), bit for bit.
//
// One module holds, per function, a scalar version `float(float)` and an
// <8 x float> version reading and writing memory. It is checked as emitted
// (verifier, no fast-math flags, no calls but llvm.sqrt and the gather of the
// 2/pi table), run through LLVM's default O2 pipeline for the host, checked
// again (no fma crept in), and JIT-compiled for the host CPU. Results must have
// the same bits as nf::math's; NaN results only have to be NaN (their payload
// is unspecified, docs/SEMANTICS.md).
#include "compiler/math_emitter.h"
#include "ir/math.h"

#include <catch2/catch.hpp>

#include <llvm/ADT/StringRef.h>
#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/BasicBlock.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Operator.h>
#include <llvm/IR/PassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/OptimizationLevel.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using nf::compiler::MathFn;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

using ScalarFn = float (*)(float);
using VectorFn = void (*)(const float* in, float* out);
using PowScalarFn = float (*)(float, float);
using PowVectorFn = void (*)(const float* x, const float* y, float* out);

// Elements per call of the vector functions.
constexpr unsigned kLanes = 8;

// The one-argument functions and their reference.
struct UnaryCase {
  MathFn fn;
  const char* name;
  float (*reference)(float);
};
const UnaryCase kUnaryCases[] = {
    {MathFn::Exp, "exp", nf::math::exp},         {MathFn::Log, "log", nf::math::log},
    {MathFn::Tanh, "tanh", nf::math::tanh},      {MathFn::Sigmoid, "sigmoid", nf::math::sigmoid},
    {MathFn::Sin, "sin", nf::math::sin},         {MathFn::Cos, "cos", nf::math::cos},
};
constexpr std::size_t kNumUnary = std::size(kUnaryCases);

u32 bits(float f) { return std::bit_cast<u32>(f); }
float from_bits(u32 b) { return std::bit_cast<float>(b); }

bool same_bits_or_both_nan(float a, float b) { return (a != a && b != b) || bits(a) == bits(b); }

std::string hex(float f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "0x%08x (%a)", bits(f), static_cast<double>(f));
  return buf;
}

std::string error_text(llvm::Error e) { return llvm::toString(std::move(e)); }

// Why the emitted code of `f` may not be what emit_math promises ("" if it
// is): verifier failures, fast-math flags, fpmath metadata, and calls: as
// emitted, only llvm.sqrt and llvm.masked.gather; after optimization, any
// intrinsic LLVM forms from exact code (llvm.fabs, llvm.is.fpclass, ...) but
// no fma or fmuladd and no call out of the module.
std::string problems_of(llvm::Function& f, bool optimized) {
  std::string out;
  llvm::raw_string_ostream os(out);
  if (llvm::verifyFunction(f, &os)) os << f.getName() << ": verifier failed\n";
  for (llvm::Instruction& inst : llvm::instructions(f)) {
    if (auto* fp = llvm::dyn_cast<llvm::FPMathOperator>(&inst); fp != nullptr && fp->getFastMathFlags().any()) {
      os << f.getName() << ": fast-math flags on " << inst << "\n";
    }
    if (inst.getMetadata(llvm::LLVMContext::MD_fpmath) != nullptr) {
      os << f.getName() << ": fpmath metadata on " << inst << "\n";
    }
    auto* call = llvm::dyn_cast<llvm::CallInst>(&inst);
    if (call == nullptr) continue;
    llvm::Intrinsic::ID id = call->getIntrinsicID();
    bool allowed = optimized ? id != llvm::Intrinsic::not_intrinsic && id != llvm::Intrinsic::fma &&
                                   id != llvm::Intrinsic::fmuladd
                             : id == llvm::Intrinsic::sqrt || id == llvm::Intrinsic::masked_gather;
    if (!allowed) os << f.getName() << ": call " << inst << "\n";
  }
  return out;
}

// The module of compiled functions, optimized and JIT-compiled once for all
// test cases. `error` says why not, if it could not be built.
struct CompiledMath {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  ScalarFn scalar[kNumUnary] = {};
  VectorFn vector[kNumUnary] = {};
  PowScalarFn pow_scalar = nullptr;
  PowVectorFn pow_vector = nullptr;
  std::string problems_emitted;
  std::string problems_optimized;
  std::string error;
};

// Adds `name` to m: `float name(float[, float])` for vector_type == nullptr,
// else `void name(ptr in[, ptr y], ptr out)` on one vector of that type.
llvm::Function* add_function(llvm::Module& m, const std::string& name, MathFn fn,
                             llvm::VectorType* vector_type) {
  llvm::LLVMContext& ctx = m.getContext();
  llvm::Type* f32 = llvm::Type::getFloatTy(ctx);
  llvm::Type* ptr = llvm::PointerType::get(ctx, 0);
  unsigned args = fn == MathFn::Pow ? 2 : 1;
  llvm::FunctionType* type =
      vector_type == nullptr
          ? llvm::FunctionType::get(f32, std::vector<llvm::Type*>(args, f32), false)
          : llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), std::vector<llvm::Type*>(args + 1, ptr), false);
  llvm::Function* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, m);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", f));
  if (vector_type == nullptr) {
    llvm::Value* y = args == 2 ? f->getArg(1) : nullptr;
    b.CreateRet(nf::compiler::emit_math(b, m, fn, f->getArg(0), y));
    return f;
  }
  llvm::Value* x = b.CreateAlignedLoad(vector_type, f->getArg(0), llvm::Align(4));
  llvm::Value* y = args == 2 ? b.CreateAlignedLoad(vector_type, f->getArg(1), llvm::Align(4)) : nullptr;
  b.CreateAlignedStore(nf::compiler::emit_math(b, m, fn, x, y), f->getArg(args), llvm::Align(4));
  b.CreateRetVoid();
  return f;
}

std::unique_ptr<CompiledMath> build() {
  auto c = std::make_unique<CompiledMath>();
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  auto ctx = std::make_unique<llvm::LLVMContext>();
  auto m = std::make_unique<llvm::Module>("nf_math_emitter_test", *ctx);
  auto* v8 = llvm::FixedVectorType::get(llvm::Type::getFloatTy(*ctx), kLanes);
  std::vector<llvm::Function*> functions;
  for (const UnaryCase& u : kUnaryCases) {
    functions.push_back(add_function(*m, std::string("nf_") + u.name, u.fn, nullptr));
    functions.push_back(add_function(*m, std::string("nf_") + u.name + "_v8", u.fn, v8));
  }
  functions.push_back(add_function(*m, "nf_pow", MathFn::Pow, nullptr));
  functions.push_back(add_function(*m, "nf_pow_v8", MathFn::Pow, v8));
  for (llvm::Function* f : functions) c->problems_emitted += problems_of(*f, false);

  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) return c->error = "detectHost: " + error_text(jtmb.takeError()), std::move(c);
  auto tm = jtmb->createTargetMachine();
  if (!tm) return c->error = "createTargetMachine: " + error_text(tm.takeError()), std::move(c);
  m->setDataLayout((*tm)->createDataLayout());
  m->setTargetTriple((*tm)->getTargetTriple().str());

  // LLVM's default O2 pipeline, with the host's cost model.
  {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(tm->get());
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2);
    mpm.run(*m, mam);
  }
  for (llvm::Function& f : *m) {
    if (!f.isDeclaration()) c->problems_optimized += problems_of(f, true);
  }

  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*jtmb)).create();
  if (!jit) return c->error = "LLJIT: " + error_text(jit.takeError()), std::move(c);
  c->jit = std::move(*jit);
  if (llvm::Error e = c->jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(m), std::move(ctx)))) {
    return c->error = "addIRModule: " + error_text(std::move(e)), std::move(c);
  }
  auto lookup = [&](const std::string& name, auto& fn_ptr) {
    auto addr = c->jit->lookup(name);
    if (!addr) {
      c->error += "lookup " + name + ": " + error_text(addr.takeError()) + "\n";
      return;
    }
    fn_ptr = addr->toPtr<std::remove_reference_t<decltype(fn_ptr)>>();
  };
  for (std::size_t i = 0; i < kNumUnary; ++i) {
    lookup(std::string("nf_") + kUnaryCases[i].name, c->scalar[i]);
    lookup(std::string("nf_") + kUnaryCases[i].name + "_v8", c->vector[i]);
  }
  lookup("nf_pow", c->pow_scalar);
  lookup("nf_pow_v8", c->pow_vector);
  return c;
}

const CompiledMath& compiled() {
  static const std::unique_ptr<CompiledMath> c = build();
  return *c;
}

// Mismatches of one function over some inputs: how many, and the first few.
struct Tally {
  u64 inputs = 0;
  u64 mismatches = 0;
  std::string examples;

  void record(const char* version, const std::string& args, float want, float got) {
    if (++mismatches <= 5) {
      examples += std::string(version) + " at " + args + ": want " + hex(want) + ", got " + hex(got) + "\n";
    }
  }
  void merge(const Tally& t) {
    inputs += t.inputs;
    mismatches += t.mismatches;
    if (examples.size() < 2000) examples += t.examples;
  }
};

// Checks function i of kUnaryCases at every element of `in`, scalar and
// vector versions.
void check_unary(const CompiledMath& c, std::size_t i, const std::vector<float>& in, Tally& t) {
  std::vector<float> padded = in;
  padded.resize((in.size() + kLanes - 1) / kLanes * kLanes, 1.0f);
  std::vector<float> vector_out(padded.size());
  for (std::size_t j = 0; j < padded.size(); j += kLanes) c.vector[i](&padded[j], &vector_out[j]);
  for (std::size_t j = 0; j < in.size(); ++j) {
    float want = kUnaryCases[i].reference(in[j]);
    float got = c.scalar[i](in[j]);
    if (!same_bits_or_both_nan(want, got)) t.record("scalar", hex(in[j]), want, got);
    if (!same_bits_or_both_nan(want, vector_out[j])) t.record("vector", hex(in[j]), want, vector_out[j]);
  }
  t.inputs += in.size();
}

// Checks pow at every pair (x[j], y[j]), scalar and vector versions.
void check_pow(const CompiledMath& c, const std::vector<float>& x, const std::vector<float>& y, Tally& t) {
  std::size_t n = (x.size() + kLanes - 1) / kLanes * kLanes;
  std::vector<float> px = x, py = y, vector_out(n);
  px.resize(n, 1.0f);
  py.resize(n, 1.0f);
  for (std::size_t j = 0; j < n; j += kLanes) c.pow_vector(&px[j], &py[j], &vector_out[j]);
  for (std::size_t j = 0; j < x.size(); ++j) {
    float want = nf::math::pow(x[j], y[j]);
    float got = c.pow_scalar(x[j], y[j]);
    std::string args = "x = " + hex(x[j]) + ", y = " + hex(y[j]);
    if (!same_bits_or_both_nan(want, got)) t.record("scalar", args, want, got);
    if (!same_bits_or_both_nan(want, vector_out[j])) t.record("vector", args, want, vector_out[j]);
  }
  t.inputs += x.size();
}

// Both signs of each value.
void add_both_signs(std::vector<float>& v, std::initializer_list<float> values) {
  for (float f : values) {
    v.push_back(f);
    v.push_back(-f);
  }
}

// Arguments where something changes: zeros, subnormals, infinities, NaNs with
// several payloads, the thresholds of docs/SEMANTICS.md, the pi/4 boundary and
// the exponents where reduce_pio2 moves to the next chunk of 2/pi, each with
// its 16 neighbours on either side.
std::vector<float> special_values() {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  std::vector<float> v;
  add_both_signs(v, {0.0f, kInf, std::numeric_limits<float>::denorm_min(), from_bits(0x007FFFFF),
                     std::numeric_limits<float>::min(), std::numeric_limits<float>::max(), 1.0f, 0.5f,
                     2.0f, 20.0f, 160.0f, 0x1p24f, 1e-30f, 1e30f});
  for (u32 nan : {0x7FC00000u, 0x7F800001u, 0x7FBFFFFFu, 0x7FFFFFFFu, 0x7FC12345u}) {
    v.push_back(from_bits(nan));
    v.push_back(from_bits(nan | 0x80000000u));
  }
  std::vector<float> centers;
  add_both_signs(centers, {0x1.62e42ep+6f, 0x1.62e43p+6f, 0x1.9fe368p+6f, 0x1.9fe36ap+6f, 87.33f,
                           from_bits(0x3F490FDAu), 0x1.921fb6p+0f, 0x1.921fb6p+1f, 0x1.2d97c8p+2f,
                           0x1p25f, 0x1p49f, 0x1p73f, 0x1p97f, 0x1p121f, 1.0f, 0x1.6a09e6p+0f,
                           0x1.6a09e6p-1f, 20.0f, 9.0f, 0x1p-12f, 0x1p-126f});
  for (float c : centers) {
    for (int d = -16; d <= 16; ++d) v.push_back(from_bits(bits(c) + static_cast<u32>(d)));
  }
  return v;
}

}  // namespace

TEST_CASE("emitted math code is exact IEEE code and survives O2", "[math_emitter]") {
  const CompiledMath& c = compiled();
  REQUIRE(c.error.empty());
  INFO(c.problems_emitted);
  CHECK(c.problems_emitted.empty());
  INFO(c.problems_optimized);
  CHECK(c.problems_optimized.empty());
}

TEST_CASE("emit_math rejects operands of other types", "[math_emitter]") {
  llvm::LLVMContext ctx;
  llvm::Module m("rejects", ctx);
  auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx),
                                       {llvm::Type::getDoubleTy(ctx), llvm::Type::getFloatTy(ctx),
                                        llvm::FixedVectorType::get(llvm::Type::getFloatTy(ctx), 4)},
                                       false);
  llvm::Function* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage, "f", m);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", f));
  CHECK_THROWS_AS(nf::compiler::emit_math(b, m, MathFn::Exp, f->getArg(0)), std::invalid_argument);
  CHECK_THROWS_AS(nf::compiler::emit_math(b, m, MathFn::Pow, f->getArg(1)), std::invalid_argument);
  CHECK_THROWS_AS(nf::compiler::emit_math(b, m, MathFn::Pow, f->getArg(1), f->getArg(2)),
                  std::invalid_argument);
}

TEST_CASE("emit_math gives valid exact code for any float vector type", "[math_emitter]") {
  llvm::LLVMContext ctx;
  llvm::Module m("widths", ctx);
  llvm::Type* f32 = llvm::Type::getFloatTy(ctx);
  std::vector<llvm::Type*> types = {
      llvm::FixedVectorType::get(f32, 1), llvm::FixedVectorType::get(f32, 3),
      llvm::FixedVectorType::get(f32, 16), llvm::ScalableVectorType::get(f32, 4)};
  const MathFn fns[] = {MathFn::Exp, MathFn::Log,  MathFn::Tanh, MathFn::Sigmoid,
                        MathFn::Sin, MathFn::Cos, MathFn::Pow};
  for (std::size_t t = 0; t < types.size(); ++t) {
    for (MathFn fn : fns) {
      auto* type = llvm::FunctionType::get(types[t], {types[t], types[t]}, false);
      auto* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage,
                                       "f" + std::to_string(t) + "_" + std::to_string(static_cast<int>(fn)), m);
      llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", f));
      // The caller's fast-math flags do not reach the emitted code, and come back.
      b.setFastMathFlags(llvm::FastMathFlags::getFast());
      b.CreateRet(nf::compiler::emit_math(b, m, fn, f->getArg(0), f->getArg(1)));
      CHECK(b.getFastMathFlags().isFast());
      std::string problems = problems_of(*f, false);
      INFO(problems);
      CHECK(problems.empty());
    }
  }
  // One copy of the 2/pi table per module, however many functions use it.
  std::size_t globals = 0;
  for (llvm::GlobalVariable& g : m.globals()) globals += g.getName().starts_with("nf.math.") ? 1 : 0;
  CHECK(globals == 1);
}

TEST_CASE("compiled math equals nf::math at special values", "[math_emitter]") {
  const CompiledMath& c = compiled();
  REQUIRE(c.error.empty());
  std::vector<float> in = special_values();
  for (std::size_t i = 0; i < kNumUnary; ++i) {
    Tally t;
    check_unary(c, i, in, t);
    INFO(kUnaryCases[i].name << ": " << t.mismatches << " of " << t.inputs << " differ\n" << t.examples);
    CHECK(t.mismatches == 0);
  }
}

TEST_CASE("compiled math equals nf::math at every 97th f32", "[math_emitter]") {
  const CompiledMath& c = compiled();
  REQUIRE(c.error.empty());
  constexpr u64 kStride = 97;
  constexpr u64 kCount = ((u64{1} << 32) - 1) / kStride + 1;  // patterns 0, 97, ..., < 2^32
  constexpr u64 kChunk = 1 << 14;
  // The sweep is split by input range over the available cores; each thread
  // checks every function on its range.
  unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 16u);
  std::vector<std::vector<Tally>> tallies(threads, std::vector<Tally>(kNumUnary));
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      u64 begin = kCount * w / threads, end = kCount * (w + 1) / threads;
      std::vector<float> in;
      for (u64 start = begin; start < end; start += kChunk) {
        in.clear();
        for (u64 k = start; k < std::min(end, start + kChunk); ++k) in.push_back(from_bits(static_cast<u32>(k * kStride)));
        for (std::size_t i = 0; i < kNumUnary; ++i) check_unary(c, i, in, tallies[w][i]);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  for (std::size_t i = 0; i < kNumUnary; ++i) {
    Tally t;
    for (unsigned w = 0; w < threads; ++w) t.merge(tallies[w][i]);
    INFO(kUnaryCases[i].name << ": " << t.mismatches << " of " << t.inputs << " differ\n" << t.examples);
    CHECK(t.inputs == kCount);
    CHECK(t.mismatches == 0);
  }
}

TEST_CASE("compiled pow equals nf::math::pow on a grid", "[math_emitter]") {
  const CompiledMath& c = compiled();
  REQUIRE(c.error.empty());
  // Bases: special values, a sweep of all magnitudes and a dense one near 1.
  std::vector<float> xs = special_values();
  for (u32 k = 0; k < 400; ++k) xs.push_back(from_bits(k * 10737419u + 12345u));
  for (u32 k = 0; k < 200; ++k) xs.push_back(from_bits(0x3F000000u + k * 41943u));  // [0.5, 2)
  // Exponents: special values, integers (odd and even, around the overflow and
  // underflow thresholds of 2^y), halves, and a sweep of magnitudes 2^-8..2^9.
  std::vector<float> ys = special_values();
  add_both_signs(ys, {3.0f, 0x1p23f + 1.0f, 0x1p24f + 2.0f, 0x1p24f - 1.0f, 1.0f / 3.0f, 126.0f, 127.0f,
                      128.0f, 149.0f, 150.0f, 148.5f, 0x1.fffffep+6f});
  for (int k = -40; k <= 40; ++k) {
    ys.push_back(static_cast<float>(k));
    ys.push_back(static_cast<float>(k) + 0.5f);
  }
  for (u32 k = 0; k < 300; ++k) ys.push_back(from_bits((k & 1u) << 31 | (0x3B800000u + k * 0xA3D70u)));
  // Pairs in a scrambled order, so that the lanes of one vector hold different
  // bases and exponents.
  std::vector<float> x, y;
  u64 n = xs.size() * ys.size();
  constexpr u64 kStep = 2654435761u;  // odd and prime: a permutation of [0, n)
  REQUIRE(n % kStep != 0);
  for (u64 p = 0; p < n; ++p) {
    u64 q = (p * kStep) % n;
    x.push_back(xs[q / ys.size()]);
    y.push_back(ys[q % ys.size()]);
  }
  Tally t;
  check_pow(c, x, y, t);
  INFO("pow: " << t.mismatches << " of " << t.inputs << " differ\n" << t.examples);
  CHECK(t.mismatches == 0);
}
