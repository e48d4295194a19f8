// One test per verifier rejection, asserting the message: the offending value
// and the types involved are named.
#include <catch2/catch.hpp>

#include "ir/parser.h"
#include "ir/verifier.h"

using namespace nf::ir;
using Catch::Contains;

namespace {

const char* kDecls =
    "param c.k = 1\n"
    "compartment c.x : f32[2,3] state = 0\n"
    "compartment c.v : f32[4] state = 0\n"
    "compartment c.n : i32[] state = 0\n"
    "compartment c.b : bool[2,3] state = false\n";

// Parses declarations plus one process body; returns all diagnostics rendered.
std::string problems(const std::string& body, const std::string& decls = kDecls) {
  try {
    parse_program(decls + std::string("process p {\n") + body + "\n}\n", "v.nfir");
  } catch (const nf::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a well-formed body has no problems", "[verifier]") {
  CHECK(problems("%0 = read c.x : f32[2,3]\n%1 = param c.k : f32[]\n%2 = mul %0, %1 : f32[2,3]\nwrite c.x, %2") == "");
}

TEST_CASE("verifier: operands that do not broadcast", "[verifier]") {
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = read c.v : f32[4]\n%2 = add %0, %1 : f32[2,3]"),
             Contains("v.nfir:9:6: error: process 'p', %2 = add: operands %0 (f32[2,3]) and %1 (f32[4]) do not broadcast"));
}

TEST_CASE("verifier: operands of different dtypes", "[verifier]") {
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = read c.n : i32[]\n%2 = add %0, %1 : f32[2,3]"),
             Contains("%2 = add: operands %0 (f32[2,3]) and %1 (i32[]) have different dtypes"));
}

TEST_CASE("verifier: an op given a dtype it does not accept", "[verifier]") {
  CHECK_THAT(problems("%0 = read c.n : i32[]\n%1 = exp %0 : i32[]"), Contains("%1 = exp: exp needs f32 operands, got %0 (i32[])"));
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = not %0 : f32[2,3]"), Contains("not needs bool operands, got %0 (f32[2,3])"));
  CHECK_THAT(problems("%0 = read c.b : bool[2,3]\n%1 = add %0, %0 : bool[2,3]"),
             Contains("add needs f32 or i32 operands, got %0 (bool[2,3])"));
}

TEST_CASE("verifier: a declared type that differs from the inferred one", "[verifier]") {
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = neg %0 : f32[3,2]"),
             Contains("%1 = neg: declared type f32[3,2] but neg gives f32[2,3]"));
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = lt %0, %0 : f32[2,3]"),
             Contains("declared type f32[2,3] but lt gives bool[2,3]"));
}

TEST_CASE("verifier: reads and writes of unknown compartments or with the wrong type", "[verifier]") {
  CHECK_THAT(problems("%0 = read c.y : f32[2,3]"), Contains("%0 = read: unknown compartment 'c.y'"));
  CHECK_THAT(problems("%0 = read c.x : f32[3,2]"), Contains("%0 = read: read as f32[3,2] but compartment c.x is f32[2,3]"));
  CHECK_THAT(problems("%0 = read c.v : f32[4]\nwrite c.x, %0"),
             Contains("write c.x: value %0 is f32[4] but compartment c.x is f32[2,3]"));
  CHECK_THAT(problems("%0 = read c.v : f32[4]\nwrite c.zz, %0"), Contains("write c.zz: unknown compartment 'c.zz'"));
}

TEST_CASE("verifier: unknown parameter", "[verifier]") {
  CHECK_THAT(problems("%0 = param c.q : f32[]"), Contains("%0 = param: unknown parameter 'c.q'"));
}

TEST_CASE("verifier: select needs a bool condition", "[verifier]") {
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = select %0, %0, %0 : f32[2,3]"),
             Contains("select needs a bool condition, got %0 (f32[2,3])"));
}

TEST_CASE("verifier: matmul shapes", "[verifier]") {
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = matmul %0, %0 : f32[2,3]"),
             Contains("%1 = matmul: matmul inner dimensions differ: %0 (f32[2,3]) and %0 (f32[2,3])"));
  CHECK_THAT(problems("%0 = read c.v : f32[4]\n%1 = matmul %0, %0 : f32[]"),
             Contains("matmul needs rank-2 operands, got %0 (f32[4])"));
}

TEST_CASE("verifier: reduction axes", "[verifier]") {
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = sum %0 {axis = 2} : f32[2]"),
             Contains("%1 = sum: sum axis 2 is out of range for %0 (f32[2,3])"));
  CHECK_THAT(problems("%0 = const 0 : f32[2,0]\n%1 = argmax %0 {axis = 1} : i32[2]"),
             Contains("argmax over an empty axis 1 of %0 (f32[2,0])"));
}

TEST_CASE("verifier: shape ops", "[verifier]") {
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = reshape %0 : f32[5]"),
             Contains("%1 = reshape: reshape of %0 (f32[2,3]) to f32[5] changes the dtype or the number of elements"));
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = broadcast %0 : f32[4,3]"),
             Contains("%1 = broadcast: %0 (f32[2,3]) does not broadcast to f32[4,3]"));
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = slice %0 {begin = [0,2], end = [2,4]} : f32[2,2]"),
             Contains("slice 2:4 of axis 1 is out of range for %0 (f32[2,3])"));
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = slice %0 {begin = [0], end = [2]} : f32[2]"),
             Contains("slice bounds [0]..[2] do not match the rank of %0 (f32[2,3])"));
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = read c.v : f32[4]\n%2 = concat %0, %1 {axis = 0} : f32[3,3]"),
             Contains("concat along axis 0 of %0 (f32[2,3]) and %1 (f32[4]): other axes or dtype differ"));
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = transpose %0 {perm = [0,0]} : f32[2,2]"),
             Contains("transpose perm [0,0] is not a permutation of the 2 axes of %0 (f32[2,3])"));
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = cast %0 : i32[3,2]"),
             Contains("cast keeps the shape: operand %0 (f32[2,3]), result i32[3,2]"));
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = one_hot %0 : f32[2,3,4]"),
             Contains("one_hot needs i32 indices, got %0 (f32[2,3])"));
  CHECK_THAT(problems("%0 = read c.n : i32[]\n%1 = one_hot %0 : f32[2,4]"),
             Contains("one_hot of %0 (i32[]) must be f32 with the indices' shape plus a depth axis, got f32[2,4]"));
}

TEST_CASE("verifier: literals", "[verifier]") {
  CHECK_THAT(problems("", "compartment c.x : f32[2] state = 0\ncompartment c.y : f32[-1] state = 0\n"),
             Contains("compartment 'c.y' has a negative dimension in f32[-1]"));
  CHECK_THAT(problems("", "compartment c.x : f32[1,1,1,1,1] state = 0\n"),
             Contains("compartment 'c.x' has rank 5; at most 4 is supported"));
}

TEST_CASE("verifier: random draws need an i32[] counter and their own stream", "[verifier]") {
  CHECK_THAT(problems("%0 = read c.x : f32[2,3]\n%1 = uniform %0 {stream = \"s\"} : f32[2,3]"),
             Contains("uniform needs an i32[] counter, got %0 (f32[2,3])"));
  CHECK_THAT(problems("%0 = read c.n : i32[]\n%1 = uniform %0 {stream = \"s\"} : f32[2]\n"
                      "%2 = normal %0 {stream = \"s\"} : f32[2]"),
             Contains("%2 = normal: stream \"s\" is already used by another draw; each draw needs its own stream"));
  CHECK_THAT(problems("%0 = read c.n : i32[]\n%1 = read c.v : f32[4]\n%2 = bernoulli %1, %0 {stream = \"s\"} : bool[2]"),
             Contains("bernoulli probability %1 (f32[4]) must be f32 and broadcast to bool[2]"));
  CHECK_THAT(problems("%0 = read c.n : i32[]\n%1 = normal %0 {stream = \"s\"} : bool[2]"),
             Contains("normal produces f32, declared bool[2]"));
}

TEST_CASE("verifier: stream names whose ids collide", "[verifier]") {
  // "costarring" and "liquid" have the same 32-bit FNV-1a hash.
  CHECK_THAT(problems("%0 = read c.n : i32[]\n%1 = uniform %0 {stream = \"costarring\"} : f32[2]\n"
                      "%2 = uniform %0 {stream = \"liquid\"} : f32[2]"),
             Contains("stream \"liquid\" has the same stream id as \"costarring\"; rename one of them"));
}

TEST_CASE("verifier: declarations", "[verifier]") {
  CHECK_THAT(problems("", "compartment weights : f32[2] state = 0\n"),
             Contains("compartment name 'weights' must have the form component.compartment"));
  CHECK_THAT(problems("", "compartment c.x : f32[2] state = 0\ncompartment c.x : f32[2] state = 0\n"),
             Contains("v.nfir:2:1: error: compartment 'c.x' is declared twice"));
  CHECK_THAT(problems("", "compartment c.x : f32[2] state = 0\nparam c.x = 1\n"),
             Contains("parameter 'c.x' clashes with another parameter or compartment"));
  CHECK_THAT(problems("}\nprocess p {", kDecls), Contains("process 'p' is defined twice"));
}

TEST_CASE("verifier: an operand from another process", "[verifier]") {
  Program prog = parse_program("compartment c.x : f32[] state = 0\nprocess a { %0 = read c.x : f32[] }\n");
  Process b{"b", {Node::make(Op::Neg, {DType::F32, {}}, {prog.processes[0].body[0]})}, {}, Variant::Public, "", {}};
  prog.processes.push_back(b);
  std::vector<nf::Diagnostic> d = verify(prog);
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "process 'b', %0 = neg: operand is not a value defined earlier in this process");
}

TEST_CASE("verifier: a const whose literal has another dtype", "[verifier]") {
  Program prog;
  Attrs a;
  a.literal = Literal::i32(3);
  prog.processes.push_back({"p", {Node::make(Op::Const, {DType::F32, {}}, {}, a)}, {}, Variant::Public, "", {}});
  std::vector<nf::Diagnostic> d = verify(prog);
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "process 'p', %0 = const: literal 3 is i32 but the result type is f32[]");
}
