// Helpers for tests that run small programs through the reference interpreter.
#pragma once

#include <bit>
#include <cmath>
#include <functional>

#include <catch2/catch.hpp>

#include "ir/builder.h"
#include "ir/interpreter.h"

namespace nf::ir::test {

inline Tensor F(Shape shape, std::vector<float> v) { return Tensor::from_f32(std::move(shape), v); }
inline Tensor I(Shape shape, std::vector<int32_t> v) { return Tensor::from_i32(std::move(shape), v); }
inline Tensor B(Shape shape, std::vector<int> v) {
  Tensor t(Type{DType::Bool, std::move(shape)});
  REQUIRE(v.size() == t.size());
  for (size_t i = 0; i < v.size(); ++i) t.words[i] = v[i] ? 1u : 0u;
  return t;
}
inline Tensor F(float v) { return F({}, {v}); }
inline Tensor I(int32_t v) { return I({}, {v}); }

using OpMaker = std::function<NodeRef(ProcessBuilder&, const std::vector<NodeRef>&)>;

// Builds a program whose process "p" reads each input from compartment
// in.xK, applies `make`, writes the result to out.y, runs it once and returns
// out.y.
inline Tensor run_op(const std::vector<Tensor>& inputs, const OpMaker& make, uint64_t seed = 7,
                     float t = 0.0f, float dt = 1.0f) {
  ProgramBuilder pb;
  for (size_t k = 0; k < inputs.size(); ++k)
    pb.compartment("in.x" + std::to_string(k), inputs[k].type, Role::Input, Literal{inputs[k].type.dtype, 0});
  ProcessBuilder& p = pb.process("p");
  std::vector<NodeRef> args;
  for (size_t k = 0; k < inputs.size(); ++k) args.push_back(p.read("in.x" + std::to_string(k)));
  NodeRef result = make(p, args);
  pb.compartment("out.y", result->type, Role::Output, Literal{result->type.dtype, 0});
  p.write("out.y", result);
  Program program = pb.build();
  State state = State::initial(program, seed);
  for (size_t k = 0; k < inputs.size(); ++k) state.set("in.x" + std::to_string(k), inputs[k]);
  run_process(program, "p", state, t, dt);
  return state.get("out.y");
}

inline Tensor run_unary(Op op, const Tensor& x) {
  return run_op({x}, [op](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.unary(op, a[0]); });
}
inline Tensor run_binary(Op op, const Tensor& x, const Tensor& y) {
  return run_op({x, y}, [op](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.binary(op, a[0], a[1]); });
}
inline Tensor run_ternary(Op op, const Tensor& x, const Tensor& y, const Tensor& z) {
  return run_op({x, y, z},
                [op](ProcessBuilder& p, const std::vector<NodeRef>& a) { return p.ternary(op, a[0], a[1], a[2]); });
}

// Bit-exact equality of f32 values, except that any NaN equals any NaN (NaN
// payloads are unspecified, see docs/SEMANTICS.md).
inline bool same_f32(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b);
}

// Checks shape and every element of an f32 result against expected values.
inline void check_f32(const Tensor& got, const Shape& shape, const std::vector<float>& expected) {
  REQUIRE(got.type == Type{DType::F32, shape});
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("element " << i << ": got " << got.f32(i) << " expected " << expected[i]);
    CHECK(same_f32(got.f32(i), expected[i]));
  }
}

inline void check_i32(const Tensor& got, const Shape& shape, const std::vector<int32_t>& expected) {
  REQUIRE(got.type == Type{DType::I32, shape});
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("element " << i);
    CHECK(got.i32(i) == expected[i]);
  }
}

inline void check_bool(const Tensor& got, const Shape& shape, const std::vector<int>& expected) {
  REQUIRE(got.type == Type{DType::Bool, shape});
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("element " << i);
    CHECK(got.boolean(i) == bool(expected[i]));
  }
}

}  // namespace nf::ir::test
