// Compiled transcendental functions equal nf::math bit for bit: a program
// applies every function to a large compartment, the JIT compiles it (LLVM's
// loop vectorizer turns the emitted sequences into vector code), and every
// result is compared with nf::math over a dense sweep of the f32 range.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <regex>

#include "compiler/jit.h"
#include "neurofuse/runtime.hpp"
#include "ir/builder.h"
#include "ir/interpreter.h"
#include "ir/math.h"
#include "ir/tensor.h"
#include "ir_test_util.h"

using namespace nf;
using nf::ir::test::same_f32;

namespace {

constexpr int64_t kChunk = 1 << 18;

struct Fn {
  const char* name;
  ir::Op op;
  float (*ref)(float);
};

const Fn kUnary[] = {{"exp", ir::Op::Exp, math::exp},         {"log", ir::Op::Log, math::log},
                     {"tanh", ir::Op::Tanh, math::tanh},      {"sigmoid", ir::Op::Sigmoid, math::sigmoid},
                     {"sin", ir::Op::Sin, math::sin},         {"cos", ir::Op::Cos, math::cos}};

// m.x -> m.exp, m.log, ... and pow(m.x, m.y) -> m.pow, over kChunk elements.
ir::Program math_program() {
  ir::ProgramBuilder pb;
  ir::Type t{ir::DType::F32, {kChunk}};
  pb.compartment("m.x", t, ir::Role::Input);
  pb.compartment("m.y", t, ir::Role::Input);
  for (const Fn& f : kUnary) pb.compartment(std::string("m.") + f.name, t, ir::Role::Output);
  pb.compartment("m.pow", t, ir::Role::Output);
  ir::ProcessBuilder& p = pb.process("apply");
  ir::NodeRef x = p.read("m.x");
  for (const Fn& f : kUnary) p.write(std::string("m.") + f.name, p.unary(f.op, x));
  p.write("m.pow", p.binary(ir::Op::Pow, x, p.read("m.y")));
  return pb.build();
}

}  // namespace

TEST_CASE("compiled math: no fast-math, no fma, no calls, vector code", "[math_emitter]") {
  std::string ir_text = compiler::build_text(math_program(), compiler::Emit::LLVM, {});
  CHECK(ir_text.find(" fast ") == std::string::npos);
  CHECK(ir_text.find("contract") == std::string::npos);
  CHECK(ir_text.find("fmuladd") == std::string::npos);
  CHECK(ir_text.find("@llvm.fma") == std::string::npos);
  // No calls leave the module: only intrinsics, kernels and step functions.
  CHECK_FALSE(std::regex_search(ir_text, std::regex(R"(call [^@\n]*@(?!llvm\.|kernel_|nf_process_))")));
  // The loop vectorizer turned the element sequences into vector code.
  CHECK(std::regex_search(ir_text, std::regex(R"(<(4|8|16) x float>)")));
}

TEST_CASE("compiled math equals nf::math over a dense sweep of f32", "[math_emitter]") {
  ir::Program program = math_program();
  nf::Module module(compiler::jit_module(program));
  nf::State state(module, 0);
  // Every 251st bit pattern, then the special values, in chunks.
  std::vector<uint32_t> inputs;
  for (uint64_t bits = 0; bits < (1ull << 32); bits += 251) inputs.push_back(uint32_t(bits));
  const float inf = std::numeric_limits<float>::infinity();
  for (float v : {0.0f, -0.0f, 1.0f, -1.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN(), 1e-45f, -1e-45f,
                  88.72283f, 88.72284f, -103.97208f, -87.33654f, 0.78539819f, 3.4028235e38f, 1.5707964f, 1e30f})
    inputs.push_back(std::bit_cast<uint32_t>(v));
  size_t mismatches = 0, checked = 0;
  for (size_t start = 0; start < inputs.size(); start += size_t(kChunk)) {
    ir::Tensor x(ir::Type{ir::DType::F32, {kChunk}});
    ir::Tensor y(x.type);
    for (size_t i = 0; i < size_t(kChunk); ++i) {
      x.words[i] = inputs[(start + i) % inputs.size()];
      // Exponents: small integers, halves and assorted values, paired with every base.
      y.words[i] = std::bit_cast<uint32_t>(float(int((i * 7919) % 41) - 20) * (i % 3 == 0 ? 0.5f : 1.0f) +
                                           (i % 5 == 0 ? 0.37f : 0.0f));
    }
    std::copy(x.words.begin(), x.words.end(), state.words("m.x").begin());
    std::copy(y.words.begin(), y.words.end(), state.words("m.y").begin());
    state.step("apply", 0.0f, 1.0f);
    for (const Fn& f : kUnary) {
      std::span<float> r = state.f32(std::string("m.") + f.name);
      for (size_t i = 0; i < size_t(kChunk); ++i)
        if (!same_f32(r[i], f.ref(x.f32(i)))) {
          if (mismatches++ < 5) WARN(f.name << "(" << x.f32(i) << ") compiled " << r[i] << ", nf::math " << f.ref(x.f32(i)));
        }
      checked += size_t(kChunk);
    }
    std::span<float> p = state.f32("m.pow");
    for (size_t i = 0; i < size_t(kChunk); ++i)
      if (!same_f32(p[i], math::pow(x.f32(i), y.f32(i)))) {
        if (mismatches++ < 5) WARN("pow(" << x.f32(i) << ", " << y.f32(i) << ") compiled " << p[i]);
      }
    checked += size_t(kChunk);
  }
  INFO(checked << " results compared");
  CHECK(checked > 7 * 17000000ull);
  CHECK(mismatches == 0);
}

TEST_CASE("compiled clip equals the interpreter's for every kind of operand", "[math_emitter]") {
  // Lower bounds +0 and 0.5 take the compare-select form, -0 and -1 the
  // general one; the upper bound is a run-time parameter.
  const float lows[] = {0.0f, 0.5f, -0.0f, -1.0f};
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const float specials[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -0.5f, 0.25f, 2.0f, inf, -inf, nan, -nan,
                            1e-45f, -1e-45f, 1e-38f, -1e-38f, 3.4e38f, -3.4e38f, 0.75f, 1.5f};
  std::vector<float> xs;
  for (float v : specials) xs.push_back(v);
  for (uint32_t i = 0; i < 20000; ++i) xs.push_back(std::bit_cast<float>(i * 2654435761u));
  const int64_t n = int64_t(xs.size());
  ir::ProgramBuilder pb;
  ir::Type t{ir::DType::F32, {n}};
  pb.param("m.hi", 1.0f);
  pb.compartment("m.x", t, ir::Role::Input);
  for (size_t i = 0; i < std::size(lows); ++i) pb.compartment("m.clip" + std::to_string(i), t, ir::Role::Output);
  ir::ProcessBuilder& p = pb.process("apply");
  ir::NodeRef x = p.read("m.x");
  for (size_t i = 0; i < std::size(lows); ++i)
    p.write("m.clip" + std::to_string(i), p.clip(x, p.constant(lows[i]), p.param("m.hi")));
  ir::Program program = pb.build();
  nf::Module module(compiler::jit_module(program));
  nf::State state(module, 0);
  ir::State interp = ir::create_state(program, 0);
  ir::Tensor xt(t);
  for (int64_t i = 0; i < n; ++i) xt.words[size_t(i)] = std::bit_cast<uint32_t>(xs[size_t(i)]);
  interp.set("m.x", xt);
  state.write_words("m.x", xt.words);
  int64_t checked = 0;
  for (float hi : specials) {
    interp.set_param("m.hi", hi);
    state.set_param("m.hi", hi);
    ir::run_process(program, "apply", interp, 0.0f, 1.0f);
    state.step("apply", 0.0f, 1.0f);
    for (size_t i = 0; i < std::size(lows); ++i) {
      std::string name = "m.clip" + std::to_string(i);
      std::vector<uint32_t> got = state.read_words(name);
      const std::vector<uint32_t>& want = interp.get(name).words;
      for (size_t k = 0; k < got.size(); ++k) {
        INFO("clip(" << xs[k] << ", " << lows[i] << ", " << hi << ")");
        if (!same_f32(std::bit_cast<float>(got[k]), std::bit_cast<float>(want[k]))) FAIL_CHECK("differs");
        ++checked;
      }
    }
  }
  CHECK(checked == n * int64_t(std::size(lows)) * int64_t(std::size(specials)));
}
