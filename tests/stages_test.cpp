// The compiler's stages as IR (compiler/pipeline.h): every stage's program
// is verified, prints, parses back to the same text, and lowers to what the
// original lowers to; rewrites build checked nodes and keep unchanged ones.
#include <catch2/catch.hpp>

#include "common/read_file.h"
#include "compiler/pipeline.h"
#include "frontend/frontend.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/rewrite.h"
#include "ir/verifier.h"
#include "tests/every_op.h"

using Catch::Contains;
using namespace nf;

namespace {

ir::Program model_file(const std::string& relative) {
  const std::string path = std::string(NF_SOURCE_DIR) + "/" + relative;
  return frontend::compile_model_text(read_regular_file<std::string>(path), path);
}

// Lowers `program`, then checks every stage's text against the parser and
// the verifier, and that lowering the parsed text of any stage gives the
// same final program and plan. Returns the stages' texts.
std::vector<std::pair<std::string, std::string>> check_stages(const ir::Program& program,
                                                               const compiler::BuildOptions& options) {
  std::vector<std::pair<std::string, std::string>> texts;
  compiler::Lowered lowered = compiler::lower(program, options, [&](const std::string& stage, const ir::Program& p) {
    texts.push_back({stage, ir::print(p)});
  });
  const std::string final_text = ir::print(lowered.kept.program);
  const std::string final_plan = compiler::print_plan(lowered.kept.program, lowered.plan);
  REQUIRE(texts.size() == compiler::stages().size() - 1);  // every program stage, in order
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto& [stage, text] = texts[i];
    INFO("stage " << stage);
    CHECK(stage == compiler::stages()[i].name);
    ir::Program back = ir::parse_program(text, stage + ".nfir");  // parses and verifies
    CHECK(ir::print(back) == text);
    compiler::Lowered again = compiler::lower(back, options);
    CHECK(ir::print(again.kept.program) == final_text);
    CHECK(compiler::print_plan(again.kept.program, again.plan) == final_plan);
  }
  return texts;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("every stage of a factored MSTDP-ET layer prints, parses back and lowers alike", "[stages]") {
  auto texts = check_stages(model_file("tests/cli/kernels_fusion.nf"), {});
  CHECK(contains(texts[1].second, "hidden form of W.dWeights : i32[] = 0"));
  CHECK(contains(texts[1].second, "process storage of evolve needs [W.dWeights] {"));
  CHECK(contains(texts[1].second, "process materialize of W.dWeights {"));
  CHECK(contains(texts[3].second, "process derive of parameters {"));
  CHECK(contains(texts[3].second, "hidden value 0 of parameters"));
}

TEST_CASE("every stage of event-driven products prints, parses back and lowers alike", "[stages]") {
  auto texts = check_stages(model_file("tests/cli/events.nf"), {});
  CHECK(contains(texts[2].second, "hidden facts of S.weights scaled by S.mask : i32[] = 0"));
  CHECK(!contains(texts[1].second, "hidden facts"));
}

TEST_CASE("every stage of a program using every op prints, parses back and lowers alike", "[stages]") {
  compiler::BuildOptions everything;
  everything.factor_min_elements = 0;
  everything.event_min_elements = 0;
  check_stages(ir::test::every_op_program(), everything);
}

TEST_CASE("the verifier knows hidden compartments and process variants", "[stages]") {
  auto rejection = [](const std::string& text) -> std::string {
    try {
      ir::parse_program(text, "hidden.nfir");
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  const std::string base = "compartment a.x : f32[4,4] state = 0\ncompartment a.y : f32[4,1] state = 0\n";
  CHECK_THAT(rejection(base + "hidden factor 0 of a.x : f32[4,1] = 0\n"), Contains("a factor needs the form"));
  CHECK_THAT(rejection(base + "hidden form of a.nope : i32[] = 0\n"), Contains("'a.nope' is not a compartment"));
  CHECK_THAT(rejection(base + "hidden factor 0 of a.x : f32[4,1] = 0\nhidden form of a.x : i32[] = 0\n"),
             Contains("needs its process 'materialize of a.x'"));
  CHECK_THAT(rejection(base + "hidden facts of a.x : i32[] = 0\n"), Contains("facts need the matrix's clear counts"));
  CHECK_THAT(rejection(base + "hidden clear of a.x : i32[1,3] = 0\nhidden facts of a.x : i32[] = 0\n"),
             Contains("clear counts are i32[1,N]"));
  CHECK_THAT(rejection(base + "hidden value 0 of a.x : f32[] = 0\n"), Contains("a value belongs to 'parameters'"));
  CHECK_THAT(rejection("hidden value 0 of parameters : f32[] = 0\n" + base), Contains("follows hidden compartments"));
  CHECK_THAT(rejection(base + "process step {\n}\nprocess storage of step needs [a.x] {\n}\n"),
             Contains("'a.x' is not a factored compartment"));
  CHECK_THAT(rejection(base + "process storage of nothing needs [] {\n}\n"), Contains("is not a process of the model"));
  // Who writes hidden compartments.
  const std::string value = "hidden value 0 of parameters : f32[] = 0\n";
  CHECK_THAT(rejection(base + value + "process step {\n  %0 = const 1 : f32[]\n  write parameters@value0, %0\n}\n"),
             Contains("which only 'derive of parameters' may write"));
  CHECK_THAT(rejection(base + "process derive of parameters {\n  %0 = read a.x : f32[4,4]\n  write a.x, %0\n}\n"),
             Contains("derive writes parameter values only"));
  // A model's own names cannot take a hidden name's form.
  CHECK_THAT(rejection("compartment a.x@form : i32[] state = 0\n"), Contains("must have the form component.compartment"));
  CHECK_THAT(rejection("process p@storage {\n}\n"), Contains("is not an identifier"));
  // The kinds and their partners together are accepted.
  CHECK(rejection(base +
                  "hidden factor 0 of a.x : f32[4,1] = 0\nhidden form of a.x : i32[] = 0\n"
                  "hidden facts of a.x : i32[] = 0\nhidden clear of a.x : i32[1,4] = 0\n"
                  "hidden value 0 of parameters : f32[] = 0\n"
                  "process materialize of a.x {\n  %0 = read a.x@factor0 : f32[4,1]\n"
                  "  %1 = broadcast %0 : f32[4,4]\n  write a.x, %1\n}\n") == "");
}

TEST_CASE("rewrites keep unchanged nodes and check the types of new ones", "[stages]") {
  ir::Program p = ir::test::every_op_program();
  const ir::Process& every = p.processes[0];
  ir::Process same = ir::rewrite_process(every, [](const ir::NodeRef&, const std::vector<ir::NodeRef>&, ir::Body&) {
    return ir::NodeRef();
  });
  REQUIRE(same.body.size() == every.body.size());
  for (size_t i = 0; i < every.body.size(); ++i) CHECK(same.body[i] == every.body[i]);
  // Replacing t by a constant rebuilds what uses it, and only that.
  ir::Process folded = ir::rewrite_process(every, [](const ir::NodeRef& n, const std::vector<ir::NodeRef>&, ir::Body& out) {
    return n->op == ir::Op::Time ? out.constant(ir::Literal::f32(2.0f)) : ir::NodeRef();
  });
  size_t kept = 0;
  for (size_t i = 0; i < every.body.size(); ++i) kept += folded.body[i] == every.body[i];
  CHECK(kept > 0);
  CHECK(kept < every.body.size());
  p.processes[0] = folded;
  CHECK(ir::verify(p).empty());
  // An ill-typed node is refused where it is made.
  ir::Body body;
  ir::NodeRef a = body.read("c.x", ir::Type{ir::DType::F32, ir::Shape{2, 3}});
  ir::NodeRef b = body.read("c.w", ir::Type{ir::DType::F32, ir::Shape{3, 2}});
  CHECK_THROWS_WITH(body.make(ir::Op::Add, {a, b}), Contains("internal error: a rewrite made an ill-typed add"));
}
