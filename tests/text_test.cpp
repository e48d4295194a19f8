// The canonical text form: printer/parser round trips and parse diagnostics.
#include <catch2/catch.hpp>
#include <limits>
#include <set>

#include "ir/builder.h"
#include "ir/equality.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "tests/every_op.h"

using namespace nf::ir;
using nf::ir::test::every_op_program;
using Catch::Contains;


TEST_CASE("print and parse round-trip a program using every op", "[text]") {
  Program prog = every_op_program();
  std::set<Op> used;
  for (const NodeRef& n : prog.processes[0].body) used.insert(n->op);
#define NF_EXPECT_USED(e, name, cls) CHECK(used.count(Op::e));
  NF_OPS(NF_EXPECT_USED)
#undef NF_EXPECT_USED
  std::string text = print(prog);
  Program back = parse_program(text, "roundtrip.nfir");
  CHECK(structurally_equal(prog, back));
  CHECK(print(back) == text);
  CHECK(structural_hash(prog) == structural_hash(back));
}

TEST_CASE("the canonical form of a small program", "[text]") {
  ProgramBuilder pb;
  pb.param("W.eta", 0.01);
  pb.compartment("W.weights", {DType::F32, {2, 3}}, Role::State, 0.5f);
  ProcessBuilder& p = pb.process("evolve");
  NodeRef w = p.read("W.weights");
  p.write("W.weights", p.mul(w, p.param("W.eta")));
  CHECK(print(pb.build()) ==
        "param W.eta = 0.01\n"
        "compartment W.weights : f32[2,3] state = 0.5\n"
        "\n"
        "process evolve {\n"
        "  %0 = read W.weights : f32[2,3]\n"
        "  %1 = param W.eta : f32[]\n"
        "  %2 = mul %0, %1 : f32[2,3]\n"
        "  write W.weights, %2\n"
        "}\n");
}

TEST_CASE("literals round-trip bit for bit", "[text]") {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<Literal> lits = {
      Literal::f32(-0.0f), Literal::f32(0.1f), Literal::f32(1e-45f), Literal::f32(3.4028235e38f),
      Literal::f32(inf), Literal::f32(-inf), Literal{DType::F32, 0x7fc00000u}, Literal{DType::F32, 0x7fc00001u},
      Literal{DType::F32, 0xffc00000u}, Literal::f32(16777217.0f), Literal::f32(1.17549435e-38f),
      Literal::i32(std::numeric_limits<int32_t>::min()), Literal::i32(2147483647), Literal::boolean(false)};
  ProgramBuilder pb;
  for (size_t i = 0; i < lits.size(); ++i)
    pb.compartment("c.v" + std::to_string(i), {lits[i].dtype, {}}, Role::State, lits[i]);
  ProcessBuilder& p = pb.process("p");
  for (size_t i = 0; i < lits.size(); ++i) p.write("c.v" + std::to_string(i), p.constant(lits[i]));
  Program prog = pb.build();
  std::string text = print(prog);
  CHECK_THAT(text, Contains("= -0\n") && Contains("= 1e-45\n") && Contains("= nan(0x7fc00001)\n") &&
                       Contains("= -nan\n") && Contains("const -2147483648 : i32[]"));
  Program back = parse_program(text);
  REQUIRE(structurally_equal(prog, back));
  for (size_t i = 0; i < lits.size(); ++i) {
    CHECK(back.compartments[i].init == lits[i]);
    CHECK(back.processes[0].body[2 * i]->attrs.literal == lits[i]);
  }
}

TEST_CASE("the parser accepts free layout, comments and any value names", "[text]") {
  Program prog = parse_program(
      "# leading comment\ncompartment a.x : f32[] state = 2   # trailing\n"
      "process p { %in = read a.x : f32[]   %sq_1 = mul %in, %in : f32[] write a.x, %sq_1 }\n");
  CHECK(print(prog) ==
        "compartment a.x : f32[] state = 2\n\nprocess p {\n  %0 = read a.x : f32[]\n"
        "  %1 = mul %0, %0 : f32[]\n  write a.x, %1\n}\n");
}

namespace {
// The first diagnostic of a text that must be rejected, rendered.
std::string rejection(const std::string& text) {
  try {
    parse_program(text, "bad.nfir");
  } catch (const nf::Error& e) {
    REQUIRE(!e.diagnostics().empty());
    return e.diagnostics()[0].render();
  }
  FAIL("the text was accepted");
  return "";
}
}  // namespace

TEST_CASE("syntax errors point at the offending token with a caret", "[text]") {
  CHECK(rejection("compartment a.x : f32[] state = 0\nprocess p {\n  %0 = frobnicate %0 : f32[]\n}\n") ==
        "bad.nfir:3:8: error: unknown operation 'frobnicate'\n"
        "    %0 = frobnicate %0 : f32[]\n"
        "         ^");
  CHECK(rejection("process p {\n  %1 = neg %0 : f32[]\n}") ==
        "bad.nfir:2:12: error: value %0 is not defined earlier in this process\n"
        "    %1 = neg %0 : f32[]\n"
        "             ^");
  CHECK_THAT(rejection("compartment a.x : f16[2] state = 0"), Contains("1:19: error: unknown dtype 'f16'"));
  CHECK_THAT(rejection("compartment a.x : f64[2] state = 0"),
             Contains("compartment 'a.x' is f64[2]; f64 is only for parameter arithmetic"));
  CHECK_THAT(rejection("compartment a.x : f32[2] hidden = 0"), Contains("unknown role 'hidden'"));
  CHECK_THAT(rejection("compartment a.x : i32[] state = 1.5"), Contains("expected an integer for an i32, found '1.5'"));
  CHECK_THAT(rejection("compartment a.x : i32[] state = 3000000000"), Contains("does not fit in i32"));
  CHECK_THAT(rejection("compartment a.x : bool[] state = 1"), Contains("expected true or false"));
  CHECK_THAT(rejection("compartment a.x : f32[] state = nan(0x3f800000)"), Contains("not the bit pattern of a NaN"));
  CHECK_THAT(rejection("compartment a.x : f32[] state = 1e99"), Contains("'1e99' is outside the range of f32"));
  CHECK_THAT(rejection("compartment a.x : f32[] state = true"), Contains("expected a number for an f32, found 'true'"));
  CHECK_THAT(rejection("process p {\n  %0 = t : f32[]\n  %0 = dt : f32[]\n}"), Contains("3:3: error: value %0 is defined twice"));
  CHECK_THAT(rejection("process p {\n  %0 = t : f32[]\n"), Contains("expected '}' to close process 'p'"));
  CHECK_THAT(rejection("process p { %0 = t : f32[] %1 = sum %0 : f32[] }"), Contains("expected '{axis = N}'"));
  CHECK_THAT(rejection("process p { %0 = t : f32[] %1 = neg %0 {axis = 0} : f32[] }"),
             Contains("attribute 'axis' does not apply to this operation"));
  CHECK_THAT(rejection("process p { %0 = t : f32[] %1 = transpose %0 {axis = 0} : f32[] }"),
             Contains("attribute 'axis' does not apply"));
  CHECK_THAT(rejection("process p { %0 = t : f32[] %1 = slice %0 {begin = []} : f32[] }"),
             Contains("missing attribute 'end'"));
  CHECK_THAT(rejection("process p { %c = const 0 : i32[] %0 = uniform %c {stream = \"s} : f32[] }"),
             Contains("unterminated string"));
  CHECK_THAT(rejection("param a.k = 1\n@"), Contains("2:1: error: unexpected character '@'"));
  CHECK_THAT(rejection("dt = 1\ndt = 2\n"), Contains("2:1: error: dt is set twice"));
  CHECK_THAT(rejection("seed = 1\nseed = 2\n"), Contains("2:1: error: seed is set twice"));
  CHECK_THAT(rejection("dt = -1\n"), Contains("error: the default step dt must be a positive finite number, got -1"));
  CHECK_THAT(rejection("dt = inf\n"), Contains("must be a positive finite number, got inf"));
  CHECK_THAT(rejection("compartment a.x : f32[2] state = 0\nprocess p { %0 = read a.x : f32[2] %1 = sum %0 {axis = 4294967296} : f32[] }"),
             Contains("axis 4294967296 is out of range"));
  CHECK_THAT(rejection("widget a.x"), Contains("expected 'dt', 'seed', 'param', 'compartment', 'hidden', 'alias', 'connectivity' or 'process', found 'widget'"));
}
