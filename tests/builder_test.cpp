// The builder infers types and refuses misuse with a message naming the values.
#include <catch2/catch.hpp>

#include "ir/builder.h"
#include "ir/printer.h"

using namespace nf::ir;
using Catch::Contains;

TEST_CASE("the builder infers result types", "[builder]") {
  ProgramBuilder pb;
  pb.compartment("a.x", {DType::F32, {2, 3}}, Role::Input);
  pb.compartment("a.w", {DType::F32, {3, 4}}, Role::State, 0.5f);
  ProcessBuilder& p = pb.process("p");
  NodeRef x = p.read("a.x");
  CHECK(p.matmul(x, p.read("a.w"))->type == Type{DType::F32, {2, 4}});
  CHECK(p.binary(Op::Lt, x, p.constant(0.0f))->type == Type{DType::Bool, {2, 3}});
  CHECK(p.reduce(Op::ArgMax, x, 1)->type == Type{DType::I32, {2}});
  CHECK(p.reduce(Op::Sum, x, 0, true)->type == Type{DType::F32, {1, 3}});
  CHECK(p.transpose(x)->type == Type{DType::F32, {3, 2}});
  CHECK(p.one_hot(p.reduce(Op::ArgMax, x, 1), 5)->type == Type{DType::F32, {2, 5}});
  CHECK(p.concat({x, x}, 0)->type == Type{DType::F32, {4, 3}});
  CHECK(p.t()->type == Type{DType::F32, {}});
}

TEST_CASE("the builder refuses misuse", "[builder]") {
  ProgramBuilder pb;
  pb.compartment("a.x", {DType::F32, {2, 3}}, Role::Input);
  pb.compartment("a.y", {DType::F32, {4}}, Role::Input);
  ProcessBuilder& p = pb.process("p");
  NodeRef x = p.read("a.x");
  NodeRef y = p.read("a.y");
  CHECK_THROWS_WITH(p.add(x, y), Contains("process 'p', %2 = add: operands %0 (f32[2,3]) and %1 (f32[4]) do not broadcast"));
  CHECK_THROWS_WITH(p.read("a.nope"), Contains("unknown compartment 'a.nope'"));
  CHECK_THROWS_WITH(p.param("a.k"), Contains("unknown parameter 'a.k'"));
  CHECK_THROWS_WITH(p.write("a.x", y), Contains("write a.x: value %1 is f32[4] but the compartment is f32[2,3]"));
  CHECK_THROWS_WITH(p.add(x, nullptr), Contains("null operand"));

  ProcessBuilder& q = pb.process("q");
  CHECK_THROWS_WITH(q.unary(Op::Neg, x), Contains("uses a value that was not built in this process"));
}
