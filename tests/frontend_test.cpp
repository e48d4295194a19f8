// The model language: what elaboration means (run through the interpreter) and
// every diagnostic, with its message and position.
#include <bit>
#include <map>
#include <set>
#include <sstream>
#include <catch2/catch.hpp>

#include "frontend/frontend.h"
#include "frontend/reference.h"
#include "ir/equality.h"
#include "ir/interpreter.h"

using namespace nf;
using Catch::Contains;

namespace {

// The first diagnostic of a model that must be rejected, rendered.
std::string rejection(const std::string& text) {
  try {
    frontend::compile_model_text(text, "m.nf");
  } catch (const Error& e) {
    REQUIRE(!e.diagnostics().empty());
    return e.diagnostics()[0].render();
  }
  FAIL("the model was accepted");
  return "";
}

float scalar(const ir::State& s, const std::string& name) { return s.get(name).f32(0); }

const char* kChain = R"(
component Producer {
  state out = 0
  state out2 = 0
  def advance(t) {
    out = 10 * t
    out2 = out + 1
  }
}
component Consumer {
  input inp = 0
  state seen = 0
  def step() {
    seen = inp
  }
  def poke() {
    inp = 123
  }
}
model chain {
  a = Producer()
  b = Consumer()
  c = Consumer()
  d = Consumer()
  a.out >> b.inp
  sum(a.out, a.out2) >> c.inp
  product(a.out, sum(a.out2, a.out2)) >> d.inp
  process p = a.advance >> b.step >> c.step >> d.step
  process q = b.step >> a.advance
}
)";

}  // namespace

TEST_CASE("processes see earlier writes; wires are aliases; operators are read when read", "[frontend]") {
  // The reference's worked case 7.1.
  ir::Program prog = frontend::compile_model_text(kChain);
  CHECK(prog.find_compartment("b.inp") == nullptr);  // a wired compartment has no storage
  ir::State s = ir::create_state(prog, 0);
  ir::run_process(prog, "p", s, 2.0f, 1.0f);
  CHECK(scalar(s, "a.out") == 20.0f);
  CHECK(scalar(s, "a.out2") == 21.0f);
  CHECK(scalar(s, "b.seen") == 20.0f);
  CHECK(scalar(s, "c.seen") == 41.0f);
  CHECK(scalar(s, "d.seen") == 840.0f);
  ir::run_process(prog, "q", s, 3.0f, 1.0f);
  CHECK(scalar(s, "b.seen") == 20.0f);  // b ran before a in q: the previous value
  CHECK(scalar(s, "a.out") == 30.0f);
}

TEST_CASE("static if, inheritance, super, helpers with arguments, run-time parameters", "[frontend]") {
  ir::Program prog = frontend::compile_model_text(R"(
component Base {
  param gain = 2.0
  param mode = "double"
  state x[1, 3] = 1
  def twice(v) {
    return v * 2
  }
  def advance_state() {
    if mode == "double" {
      x = twice(x)
    } else {
      x = x + 1
    }
  }
}
component Child extends Base {
  param gain = 3.0
  state y[1, 3] = 0
  def advance_state() {
    super.advance_state()
    y = x * gain
  }
}
model m {
  a = Child()
  b = Child(mode="add", gain=0.5)
  process step = a.advance_state >> b.advance_state
}
)");
  ir::State s = ir::create_state(prog, 0);
  ir::run_process(prog, "step", s, 0.0f, 1.0f);
  CHECK(s.get("a.x").to_f32() == std::vector<float>{2, 2, 2});
  CHECK(s.get("a.y").to_f32() == std::vector<float>{6, 6, 6});
  CHECK(s.get("b.x").to_f32() == std::vector<float>{2, 2, 2});
  CHECK(s.get("b.y").to_f32() == std::vector<float>{1, 1, 1});
  // gain decides nothing structural, so it stays a run-time parameter.
  REQUIRE(prog.find_param("a.gain"));
  s.set_param("a.gain", 10.0f);
  ir::run_process(prog, "step", s, 0.0f, 1.0f);
  CHECK(s.get("a.y").to_f32() == std::vector<float>{40, 40, 40});
}

TEST_CASE("an if on a run-time parameter is decided when the step runs, an if on static() when the model is built", "[frontend]") {
  const char* text = R"(
component C {
  param tau = 0.0
  state x = 1
  state y = 0
  state key: i32 = 0
  def step(dt) {
    y = 10
    if tau > 0 {
      x = x - x / tau
      k = 2.0
    } elif tau < -1 {
      x = x * 3
      k = 5.0
    } else {
      k = 7.0
      key = key + 1
    }
    y = y + k
    if static(tau > 0) {
      y = y + 100
    }
  }
}
model m {
  c = C(tau=4.0)
  process step = c.step
}
)";
  ir::Program prog = frontend::compile_model_text(text);
  // tau decides a static() if, so it is a constant of the program...
  CHECK(prog.find_param("c.tau") == nullptr);
  // ...and without that if it stays a run-time parameter, whichever branch it picks.
  std::string runtime = text;
  runtime.erase(runtime.find("    if static(tau > 0) {"), std::string("    if static(tau > 0) {\n      y = y + 100\n    }\n").size());
  ir::Program p = frontend::compile_model_text(runtime);
  REQUIRE(p.find_param("c.tau"));
  struct Case { double tau; float x, y; int32_t key; };
  for (Case c : {Case{4.0, 0.75f, 12, 0}, Case{-2.0, 3.0f, 15, 0}, Case{0.0, 1.0f, 17, 1}, Case{-0.5, 1.0f, 17, 1}}) {
    INFO("tau " << c.tau);
    ir::State s = ir::create_state(p, 0);
    s.set_param("c.tau", c.tau);
    ir::run_process(p, "step", s, 0.0, 1.0);
    CHECK(scalar(s, "c.x") == c.x);
    CHECK(scalar(s, "c.y") == c.y);
    CHECK(s.get("c.key").i32(0) == c.key);
  }
  // The static one folds its parameter: the model's tau = 4 takes it.
  ir::State s = ir::create_state(prog, 0);
  ir::run_process(prog, "step", s, 0.0, 1.0);
  CHECK(scalar(s, "c.y") == 112.0f);
}

TEST_CASE("initializers are drawn once in the initialize process, from the seed", "[frontend]") {
  const char* text = R"(
model m {
  seed = 5
  W = StaticSynapse(shape=(3, 3), weight_init=constant(1.0, hollow=true))
  V = StaticSynapse(shape=(4, 2), weight_init=uniform(-1.0, 1.0))
  process advance = W.advance_state
}
)";
  ir::Program prog = frontend::compile_model_text(text);
  REQUIRE(prog.find_process("initialize"));
  CHECK(prog.default_seed == 5);
  ir::State s = ir::create_state(prog, prog.default_seed);
  CHECK(s.get("W.weights").to_f32() == std::vector<float>{0, 1, 1, 1, 0, 1, 1, 1, 0});
  std::vector<float> v = s.get("V.weights").to_f32();
  for (float x : v) {
    CHECK(x >= -1.0f);
    CHECK(x < 1.0f);
  }
  CHECK(ir::create_state(prog, 5).get("V.weights") == s.get("V.weights"));
  CHECK_FALSE(ir::create_state(prog, 6).get("V.weights") == s.get("V.weights"));
}

TEST_CASE("a trailing comma is allowed in every list", "[frontend]") {
  const std::string with =
      "component C {\n  param k = 1.0\n  state x[1, 3,] = 0\n  def g(a, b,) {\n    return a * b\n  }\n"
      "  def f() {\n    x = g(x, (k,)[0],)\n    x = x[0:1, 0:3,]\n  }\n}\nmodel m {\n  c = C(k=2.0,)\n  process p = c.f\n}\n";
  const std::string without =
      "component C {\n  param k = 1.0\n  state x[1, 3] = 0\n  def g(a, b) {\n    return a * b\n  }\n"
      "  def f() {\n    x = g(x, (k,)[0])\n    x = x[0:1, 0:3]\n  }\n}\nmodel m {\n  c = C(k=2.0)\n  process p = c.f\n}\n";
  CHECK(ir::structurally_equal(frontend::compile_model_text(with, "m.nf"), frontend::compile_model_text(without, "m.nf")));
}

TEST_CASE("diagnostics: unknown names come with a suggestion and a caret", "[frontend][diagnostics]") {
  CHECK(rejection("model m {\n  W = MSTDPETSynapes(shape=(1, 1), A_plus=1.0, A_minus=1.0)\n}\n") ==
        "m.nf:2:3: error: unknown component 'MSTDPETSynapes'; did you mean 'MSTDPETSynapse'?\n"
        "    W = MSTDPETSynapes(shape=(1, 1), A_plus=1.0, A_minus=1.0)\n"
        "    ^");
  CHECK(rejection("model m {\n  tr = VarTrace(n_unit=1, tau_tr=20.0, a_delta=1.0)\n}\n") ==
        "m.nf:2:17: error: VarTrace has no parameter 'n_unit'; did you mean 'n_units'?\n"
        "    tr = VarTrace(n_unit=1, tau_tr=20.0, a_delta=1.0)\n"
        "                  ^");
  CHECK_THAT(rejection("model m {\n  tr = VarTrace(n_units=1, tau_tr=20.0, a_delta=1.0)\n"
                       "  W = StaticSynapse(shape=(1, 1))\n  tr.outptus >> W.inputs\n}\n"),
             Contains("m.nf:4:6: error: 'tr' (VarTrace) has no compartment 'outptus'; did you mean 'outputs'?"));
  CHECK_THAT(rejection("model m {\n  tr = VarTrace(n_units=1, tau_tr=20.0, a_delta=1.0)\n  process p = tr.advance\n}\n"),
             Contains("m.nf:3:15: error: 'tr' (VarTrace) has no method 'advance'; did you mean 'advance_state'?"));
  CHECK_THAT(rejection("model m {\n  tr = VarTrace(n_units=1, tau_tr=20.0, a_delta=1.0)\n  process p = rt.advance_state\n}\n"),
             Contains("m.nf:3:15: error: unknown instance 'rt'; did you mean 'tr'?"));
  CHECK_THAT(rejection("component C {\n  state x = 0\n  def step() {\n    x = y + 1\n  }\n}\n"
                       "model m {\n  c = C()\n  process p = c.step\n}\n"),
             Contains("m.nf:4:9: error: unknown name 'y' in C; did you mean 'x'?"));
}

TEST_CASE("diagnostics: parameters", "[frontend][diagnostics]") {
  CHECK_THAT(rejection("model m {\n  tr = VarTrace(n_units=1, a_delta=1.0)\n}\n"),
             Contains("m.nf:2:3: error: instance 'tr' of VarTrace needs parameter 'tau_tr' (it has no default)"));
  CHECK_THAT(rejection("model m {\n  tr = VarTrace(n_units=1.5, tau_tr=20.0, a_delta=1.0)\n}\n"),
             Contains("m.nf:2:17: error: parameter 'n_units' of VarTrace is an int, given the number 1.5"));
  CHECK_THAT(rejection("model m {\n  W = StaticSynapse(shape=(1, 1), resist_scale=2.0, g_conduct_factor=1.0)\n}\n"),
             Contains("parameter 'g_conduct_factor' of 'W' is given twice (directly or through an alias)"));
}

TEST_CASE("diagnostics: a bad function name given by the model points at the argument", "[frontend][diagnostics]") {
  const std::string component =
      "component C {\n  param f = \"tanh\"\n  state x[1, 2] = 0\n  def step() {\n    x = f(x)\n  }\n"
      "  def back() {\n    x = f.deriv(x)\n  }\n}\n";
  CHECK_THAT(rejection(component + "model m {\n  c = C(f=\"tnah\")\n  process p = c.step\n}\n"),
             Contains("m.nf:12:9: error: parameter 'f' of 'c': unknown activation function \"tnah\"; did you mean 'tanh'?"));
  CHECK_THAT(rejection(component + "model m {\n  c = C(f=\"tnah\")\n  process p = c.back\n}\n"),
             Contains("m.nf:12:9: error: parameter 'f' of 'c'"));
  // The component's own default is the component's error.
  CHECK_THAT(rejection("component C {\n  param f = \"tnah\"\n  state x[1, 2] = 0\n  def step() {\n    x = f(x)\n  }\n}\n"
                       "model m {\n  c = C()\n  process p = c.step\n}\n"),
             Contains("m.nf:5:9: error: unknown activation function \"tnah\""));
  CHECK_THAT(rejection("model m {\n  W = REINFORCESynapse(shape=(4, 2), act_fx=\"relux\")\n  process p = W.evolve\n}\n"),
             Contains("m.nf:2:38: error: parameter 'act_fx' of 'W': unknown activation function \"relux\"; did you mean 'relu'?"));
}

TEST_CASE("diagnostics: wires", "[frontend][diagnostics]") {
  const char* decls =
      "model m {\n  a = VarTrace(n_units=2, tau_tr=20.0, a_delta=1.0)\n  b = VarTrace(n_units=3, tau_tr=20.0, a_delta=1.0)\n"
      "  c = VarTrace(n_units=2, tau_tr=20.0, a_delta=1.0)\n";
  std::string mismatch = rejection(std::string(decls) + "  a.outputs >> b.inputs\n}\n");
  CHECK_THAT(mismatch, Contains("m.nf:5:3: error: wire a.outputs >> b.inputs: shapes differ: a.outputs is f32[1,2] "
                                "(declared at stdlib/VarTrace.nf:"));
  CHECK_THAT(mismatch, Contains("b.inputs is f32[1,3] (declared at stdlib/VarTrace.nf:"));
  CHECK_THAT(rejection(std::string(decls) + "  a.outputs >> c.inputs\n  a.trace >> c.inputs\n}\n"),
             Contains("m.nf:6:3: error: c.inputs is already wired from a.outputs; a compartment has one source"));
  CHECK_THAT(rejection(std::string(decls) + "  sum(a.outputs, c.trace) >> a.outputs\n}\n"),
             Contains("wire into a.outputs reads itself"));
  // A cycle is an error at the wire that closes it, whether or not a process
  // reads it, and leaves later models on the same thread unaffected.
  const std::string cycle = std::string(decls) + "  a.outputs >> c.inputs\n  c.inputs >> a.outputs\n}\n";
  CHECK(rejection(cycle) ==
        "m.nf:6:3: error: wire c.inputs >> a.outputs closes a cycle: c.inputs is wired, directly or through other "
        "wires, from a.outputs\n"
        "    c.inputs >> a.outputs\n"
        "    ^");
  CHECK_NOTHROW(frontend::compile_model_text(std::string(decls) + "  a.outputs >> c.inputs\n  process p = c.advance_state\n}\n", "m.nf"));
}

TEST_CASE("diagnostics: a built-in's shape error points at the call", "[frontend][diagnostics]") {
  CHECK_THAT(rejection("component C {\n  state s[1, 3] = 0\n  state u[1, 2] = 0\n  def f() {\n    s = minimum(s, u)\n"
                       "  }\n}\nmodel m {\n  c = C()\n  process p = c.f\n}\n"),
             Contains("m.nf:5:9: error: process 'p', %2 = min: operands %0 (f32[1,3]) and %1 (f32[1,2]) do not broadcast\n"
                      "      s = minimum(s, u)\n"
                      "          ^"));
}

TEST_CASE("diagnostics: a statement must do something; built-ins take only their own keywords", "[frontend][diagnostics]") {
  auto with_method = [](const std::string& body) {
    return "component C {\n  state s[1, 3] = 0\n  def f() {\n    " + body + "\n  }\n}\nmodel m {\n  c = C()\n  process p = c.f\n}\n";
  };
  CHECK_THAT(rejection(with_method("s == s + 1")), Contains("m.nf:4:5: error: this expression has no effect"));
  CHECK_THAT(rejection(with_method("s = clip(s, 0.0, 1.0, hi=2.0)")), Contains("m.nf:4:30: error: clip() has no argument 'hi'"));
  CHECK_THAT(rejection(with_method("s = exp(s, base=2.0)")), Contains("exp() has no argument 'base'"));
  CHECK_THAT(rejection(with_method("s = s + sum(s, 1, axis=0, keepdims=true)")),
             Contains("m.nf:4:28: error: sum() is given 'axis' twice, by position and by name"));
}

TEST_CASE("diagnostics: a component declares each member once", "[frontend][diagnostics]") {
  CHECK_THAT(rejection("component C {\n  param k = 1.0\n  state x[1, 2] = 0\n  param k = 2.0\n}\nmodel m {\n}\n"),
             Contains("m.nf:4:9: error: 'k' is already declared in component 'C' at line 2"));
  CHECK_THAT(rejection("component C {\n  state x[1, 2] = 0\n  def x() {\n  }\n}\nmodel m {\n}\n"),
             Contains("'x' is already declared in component 'C' at line 2"));
  CHECK_THAT(rejection("component C {\n  param k = 1.0\n  alias q = kk\n}\nmodel m {\n  c = C()\n}\n"),
             Contains("m.nf:3:9: error: alias 'q' of C names 'kk', which is not a parameter"));
}

TEST_CASE("diagnostics: an initializer takes only its own arguments", "[frontend][diagnostics]") {
  CHECK_THAT(rejection("model m {\n  W = DenseSynapse(shape=(1, 1), weight_init=uniform(mean=0.5))\n}\n"),
             Contains("uniform() has no argument 'mean'"));
  CHECK_THAT(rejection("model m {\n  W = DenseSynapse(shape=(1, 1), weight_init=gaussian(low=0.5))\n}\n"),
             Contains("gaussian() has no argument 'low'"));
  CHECK_THAT(rejection("model m {\n  W = DenseSynapse(shape=(1, 1), weight_init=uniform(0.1, low=0.2))\n}\n"),
             Contains("uniform() is given 'low' twice, by position and by name"));
}

TEST_CASE("diagnostics: integers outside the i32 range", "[frontend][diagnostics]") {
  CHECK_THAT(rejection("component C {\n  state k: i32 = 3000000000\n}\nmodel m {\n  c = C()\n}\n"),
             Contains("m.nf:2:18: error: the initial value of i32 compartment 'k' is outside the i32 range"));
  CHECK_THAT(rejection("component C {\n  state k: i32 = 3\n  def f() {\n    k = k + 4000000000\n  }\n}\n"
                       "model m {\n  c = C()\n  process p = c.f\n}\n"),
             Contains("the number 4000000000 is outside the i32 range"));
  // Integers are exact doubles: at 2^53 and beyond model text is refused.
  CHECK_THAT(rejection("component C {\n  state x[99999999999999999999] = 0\n}\nmodel m {\n  c = C()\n}\n"),
             Contains("m.nf:2:11: error: integer 99999999999999999999 is too large"));
  CHECK_THAT(rejection("component C {\n  state x[2 ** 60] = 0\n}\nmodel m {\n  c = C()\n}\n"),
             Contains("m.nf:2:13: error: integer 1152921504606846976 is too large"));
}

TEST_CASE("diagnostics: comparisons do not chain", "[frontend][diagnostics]") {
  CHECK_THAT(rejection("component C {\n  state s = 0\n  def f(t) {\n    s = 0 < t < 1\n  }\n}\n"),
             Contains("m.nf:4:15: error: comparisons do not chain; write (a < b) and (b < c)"));
}

TEST_CASE("diagnostics: a write to a wired compartment", "[frontend][diagnostics]") {
  std::string text = kChain;
  text.replace(text.find("process q"), 0, "process r = b.poke\n  ");
  CHECK_THAT(rejection(text), Contains("m.nf:17:5: error: cannot write to b.inp: it is wired from another compartment "
                                       "and belongs to its source; guard the write with 'if not wired(inp)'"));
}

TEST_CASE("diagnostics: a data-dependent if points to where", "[frontend][diagnostics]") {
  CHECK(rejection("component C {\n  state v = 0\n  def step() {\n    if v > 1 {\n      v = 0\n    }\n  }\n}\n"
                  "model m {\n  c = C()\n  process p = c.step\n}\n") ==
        "m.nf:4:8: error: 'v' is a compartment: its value is only known while the model runs, so it cannot decide an "
        "'if', a shape or a parameter; for an element-wise choice use where(condition, a, b)\n"
        "      if v > 1 {\n"
        "         ^");
}

TEST_CASE("diagnostics: shapes in methods", "[frontend][diagnostics]") {
  const char* head = "component C {\n  state a[2, 3] = 0\n  state b[4] = 0\n  def step() {\n";
  const char* tail = "  }\n}\nmodel m {\n  c = C()\n  process p = c.step\n}\n";
  CHECK_THAT(rejection(std::string(head) + "    a = a + b\n" + tail),
             Contains("m.nf:5:11: error: shapes do not broadcast in '+': [2,3] and [4]"));
  CHECK_THAT(rejection(std::string(head) + "    a = a @ a\n" + tail),
             Contains("m.nf:5:11: error: '@' needs matrices (a, k) and (k, b), got f32[2,3] and f32[2,3]"));
  CHECK_THAT(rejection(std::string(head) + "    b = sum(a, axis=0)\n" + tail),
             Contains("m.nf:5:5: error: cannot write a value of shape [3] to c.b, which has shape [4] (declared at m.nf:3)"));
}

TEST_CASE("diagnostics: syntax", "[frontend][diagnostics]") {
  CHECK(rejection("model m {\n  process p = tr.advance_state >>\n}\n") ==
        "m.nf:2:34: error: expected instance.method, found newline\n"
        "    process p = tr.advance_state >>\n"
        "                                   ^");
  CHECK_THAT(rejection("component C {\n  state x = (1 + \n}\n"), Contains("m.nf:3:1: error: expected an expression, found '}'"));
  CHECK_THAT(rejection("component C {\n  wire x\n}\n"),
             Contains("m.nf:2:3: error: expected 'param', 'alias', 'input', 'state', 'output', 'connectivity' or 'def' in component 'C', found 'wire'"));
  CHECK_THAT(rejection("component C {\n  param p: complex\n}\n"), Contains("unknown parameter type 'complex'"));
  CHECK_THAT(rejection("model m {\n  x = \"unterminated\n}\n"), Contains("m.nf:2:7: error: unterminated string"));
  CHECK_THAT(rejection("model m {\n  x = 1 $ 2\n}\n"), Contains("m.nf:2:9: error: unexpected character '$'"));
}

TEST_CASE("diagnostics: the model itself", "[frontend][diagnostics]") {
  CHECK_THAT(rejection("component C {\n  state x = 0\n}\n"), Contains("the file defines no model"));
  CHECK_THAT(rejection("model a {\n}\nmodel b {\n}\n"), Contains("m.nf:3:1: error: the file defines more than one model"));
  CHECK_THAT(rejection("model m {\n  dt = -1\n}\n"), Contains("m.nf:2:8: error: dt must be a positive finite number"));
  CHECK_THAT(rejection("model m {\n  dt = 1e300\n}\n"), Contains("m.nf:2:8: error: dt must be a positive finite number"));
  CHECK_THAT(rejection("model m {\n  seed = 3\n  dt = 0.5\n  seed = 4\n}\n"), Contains("m.nf:4:10: error: seed is set twice"));
  CHECK_THAT(rejection("model m {\n  seed = 9007199254740993\n}\n"),
             Contains("m.nf:2:10: error: integer 9007199254740993 is too large"));
  CHECK(frontend::compile_model_text("model m {\n  seed = 9007199254740991\n}\n", "m.nf").default_seed ==
        9007199254740991ull);
  CHECK_THAT(rejection("model m {\n  tr = VarTrace(n_units=1, tau_tr=20.0, a_delta=1.0)\n  process p = tr.reset\n  process p = tr.reset\n}\n"),
             Contains("m.nf:4:11: error: process 'p' is defined twice"));
  CHECK_THAT(rejection("component C {\n  state x = 0\n}\ncomponent C {\n  state y = 0\n}\nmodel m {\n}\n"),
             Contains("m.nf:4:1: error: component 'C' is already defined at m.nf:1"));
}

TEST_CASE("imports are relative to the importing file and may extend standard components", "[frontend]") {
  frontend::Model m = frontend::load_model_file(std::string(NF_SOURCE_DIR) + "/tests/data/imports/model.nf");
  CHECK(m.name == "imported");
  ir::State s = ir::create_state(m.program, 0);
  ir::run_process(m.program, "step", s, 0.0f, 1.0f);
  CHECK(s.get("c.x").to_f32() == std::vector<float>{2, 2});
  // outputs = (x @ W) * gate * g + biases, then halved: (2*0.5 + 2*0.5) * 0.5
  CHECK(s.get("d.outputs").to_f32() == std::vector<float>{1, 1});
  CHECK_THROWS_WITH(frontend::load_model_file("/nonexistent/model.nf"), Contains("cannot read '/nonexistent/model.nf': cannot open: No such file or directory"));
}

// A component whose text has IF where a condition goes, built twice with
// C(k=k): with the if on the run-time parameter k, and decided at build
// (static); the two programs, run-time first.
static std::pair<ir::Program, ir::Program> runtime_and_static(const std::string& component, double k) {
  std::string runtime = component, fixed = component;
  runtime.replace(runtime.find("IF"), 2, "k > 0");
  fixed.replace(fixed.find("IF"), 2, "static(k > 0)");
  std::ostringstream model;
  model << "model m {\n  c = C(k=" << k << ")\n  process advance = c.advance_state\n}\n";
  return {frontend::compile_model_text(runtime + model.str()), frontend::compile_model_text(fixed + model.str())};
}

TEST_CASE("locals merged by a run-time if compute what the taken branch computes", "[frontend]") {
  // Each component twice: the if on a run-time parameter, and the same if
  // decided at build (static), for k on either side of its test. A float
  // local merges (binary64, as the taken branch computes it) and k stays a
  // run-time parameter; an integer local (an exponent) makes the if a
  // build-time one; an unchanged tuple local does not get in the way.
  struct Body { const char* text; bool runtime; };
  const Body bodies[] = {{R"(
  def advance_state(dt) {
    a = 0.1
    sh = (1, 3)
    if IF {
      a = 0.7 * k
    }
    x = x + a * k + zeros(sh)
  }
)", true}, {R"(
  def advance_state(dt) {
    n = 2
    if IF {
      n = 3
    }
    x = (x + 1.1) ** n * 0.5
  }
)", false}};
  for (const Body& b : bodies)
    for (double k : {0.3, 2.1, -0.5}) {
      INFO(b.text << "k " << k);
      auto [p, q] = runtime_and_static(std::string("component C {\n  param k: float\n  state x[1, 3] = 0\n") +
                                           b.text + "}\n", k);
      CHECK((p.find_param("c.k") != nullptr) == b.runtime);
      ir::State s = ir::create_state(p, 0), t = ir::create_state(q, 0);
      for (int step = 0; step < 5; ++step) {
        ir::run_process(p, "advance", s, 0.0, 1.0);
        ir::run_process(q, "advance", t, 0.0, 1.0);
        CHECK(s.get("c.x").words == t.get("c.x").words);
      }
    }
}

TEST_CASE("a draw's stream is where it is written, not which branch ran or when the if was decided", "[frontend]") {
  const char* text = R"(
component C {
  param k: float
  state y[1, 4] = 0
  state z[1, 4] = 0
  state key: i32 = 0
  def advance_state() {
    if IF {
      y = uniform(key, (1, 4))
    } else {
      y = normal(key, (1, 4))
    }
    z = uniform(key, (1, 4))
    key = key + 1
  }
}
)";
  for (double k : {1.0, -1.0}) {
    INFO("k " << k);
    auto [p, q] = runtime_and_static(text, k);
    REQUIRE(p.find_param("c.k"));
    ir::State s = ir::create_state(p, 3), t = ir::create_state(q, 3);
    for (int step = 0; step < 3; ++step) {
      ir::run_process(p, "advance", s, 0.0, 1.0);
      ir::run_process(q, "advance", t, 0.0, 1.0);
      CHECK(s.get("c.y").words == t.get("c.y").words);
      CHECK(s.get("c.z").words == t.get("c.z").words);
    }
  }
}

// integrate() against a transcription of ngclearn's ode_utils steppers
// (_step_forward, _sum_combine, step_euler/_rk2/_heun/_ralston/_rk4), in
// binary32, on a right-hand side whose stages all differ.
TEST_CASE("integrate(): each stepper computes what ngclearn's ode_utils computes", "[frontend]") {
  auto model = [](const std::string& stepper) {
    return frontend::compile_model_text(R"(
component Ode {
  param stepper = "euler"
  param k = 0.7
  state x[1, 2] = 0.3
  input c[1, 2] = 1.9
  def advance_state(dt) {
    x = integrate(stepper, dfx, x, c)
  }
  def dfx(x, c) {
    return (c - x * x) * k
  }
}
model m {
  o = Ode(stepper=")" + stepper + R"(")
  process step = o.advance_state
}
)");
  };
  const float k = 0.7f, dt = 0.37f;
  auto f = [&](float x, float c) { return (c - x * x) * k; };
  auto forward = [](float x, float d, float h) { return x + d * h; };
  auto want = [&](const std::string& stepper, float x, float c) {
    if (stepper == "euler") return forward(x, f(x, c), dt);
    if (stepper == "rk2") return forward(x, f(forward(x, f(x, c), dt * 0.5f), c), dt);
    if (stepper == "heun") {
      float k1 = f(x, c), k2 = f(forward(x, k1, dt), c);
      return forward(x, (0.0f + k1) + k2, dt * 0.5f);
    }
    if (stepper == "ralston") {
      float k1 = f(x, c), k2 = f(forward(x, k1, dt * 0.75f), c);
      return forward(x, (0.0f + float(1. / 3.) * k1) + float(2. / 3.) * k2, dt);
    }
    float k1 = f(x, c), k2 = f(forward(x, k1, dt * 0.5f), c), k3 = f(forward(x, k2, dt * 0.5f), c),
          k4 = f(forward(x, k3, dt), c);
    return forward(x, ((((0.0f + k1) + 2.0f * k2) + 2.0f * k3) + k4) / 6.0f, dt);
  };
  std::map<std::string, float> after;
  for (const std::string stepper : {"euler", "rk2", "heun", "ralston", "rk4"}) {
    INFO(stepper);
    ir::Program prog = model(stepper);
    ir::State s = ir::create_state(prog, 0);
    s.set("o.c", ir::Tensor::from_f32(ir::Shape{{1, 2}}, {1.9f, -0.45f}));
    float x[2] = {0.3f, 0.3f};
    const float c[2] = {1.9f, -0.45f};
    for (int step = 0; step < 4; ++step) {
      ir::run_process(prog, "step", s, 0.0f, dt);
      for (int i = 0; i < 2; ++i) {
        x[i] = want(stepper, x[i], c[i]);
        CHECK(std::bit_cast<uint32_t>(s.get("o.x").f32(i)) == std::bit_cast<uint32_t>(x[i]));
      }
    }
    after[stepper] = x[0];
  }
  // The five steppers are five different methods here.
  CHECK(std::set<float>{after["euler"], after["rk2"], after["heun"], after["ralston"], after["rk4"]}.size() == 5);
}

TEST_CASE("integrate() and integrator_code() explain their misuse", "[frontend]") {
  auto with = [](const std::string& body, const std::string& extra = "") {
    return "component C {\n  param it = \"rk4\"\n  state x[1, 2] = 0\n  def f(x) {\n    return x * 2\n  }\n"
           "  def nothing(x) {\n    x = 1\n  }\n" + extra + "  def advance_state() {\n    " + body +
           "\n  }\n}\nmodel m {\n  c = C()\n  process p = c.advance_state\n}\n";
  };
  CHECK_THAT(rejection(with("x = integrate(\"rk3\", f, x)")), Contains("m.nf:11:19: error: integrate() takes one of the "
                                                                      "steppers \"euler\", \"rk2\", \"heun\", \"ralston\", \"rk4\", "
                                                                      "got the string \"rk3\""));
  CHECK_THAT(rejection(with("x = integrate(\"euler\", g, x)")), Contains("'g' is not a method of C"));
  CHECK_THAT(rejection(with("x = integrate(\"euler\", ff, x)")), Contains("did you mean 'f'"));
  CHECK_THAT(rejection(with("x = integrate(\"euler\", nothing, x)")), Contains("'nothing' returns no value"));
  CHECK_THAT(rejection(with("x = integrate(\"euler\", f)")), Contains("integrate() takes a stepper, the name of a helper"));
  CHECK_THAT(rejection(with("x = integrate(\"euler\", f, x, x)")), Contains("'f' takes 1 argument(s), given 2"));
  CHECK_NOTHROW(frontend::compile_model_text(with("x = integrate(it, f, x)"), "m.nf"));  // a string parameter
  // ngclearn's get_integrator_code: unknown strings are Euler.
  for (auto [text, code] : std::vector<std::pair<std::string, int>>{
           {"euler", 0}, {"rk1", 0}, {"midpoint", 1}, {"rk2", 1}, {"heun", 2}, {"rk2_heun", 2}, {"ralston", 3},
           {"rk2_ralston", 3}, {"rk4", 4}, {"Euler", 0}, {"rk5", 0}}) {
    INFO(text);
    ir::Program prog = frontend::compile_model_text(with("x = integrator_code(\"" + text + "\")"), "m.nf");
    ir::State s = ir::create_state(prog, 0);
    ir::run_process(prog, "p", s, 0.0f, 1.0f);
    CHECK(s.get("c.x").f32(0) == float(code));
  }
}

// ngclearn's constructor arguments that are compartments too (eta, thr): the
// argument is the compartment's initial value, the method reads the
// compartment, and no run-time parameter of that name is made.
TEST_CASE("a parameter and a compartment may share a name: the argument is the initial value", "[frontend]") {
  ir::Program prog = frontend::compile_model_text(R"(
component Learner {
  param eta = 0.5
  param n = 2
  state eta[1, n] = eta
  state w[1, n] = 0
  def evolve() {
    w = w + eta
    eta = eta * 0.5
  }
}
model m {
  a = Learner(eta=0.25)
  b = Learner(n=3)
  process p = a.evolve >> b.evolve
}
)", "m.nf");
  CHECK(!prog.find_param("a.eta"));
  CHECK(!prog.find_param("b.eta"));
  ir::State s = ir::create_state(prog, 0);
  CHECK(s.get("a.eta").to_f32() == std::vector<float>{0.25f, 0.25f});
  CHECK(s.get("b.eta").to_f32() == std::vector<float>{0.5f, 0.5f, 0.5f});
  ir::run_process(prog, "p", s, 0.0f, 1.0f);
  ir::run_process(prog, "p", s, 0.0f, 1.0f);
  CHECK(s.get("a.w").to_f32() == std::vector<float>{0.375f, 0.375f});
  CHECK(s.get("a.eta").to_f32() == std::vector<float>{0.0625f, 0.0625f});
  CHECK(s.get("b.w").to_f32() == std::vector<float>{0.75f, 0.75f, 0.75f});
  // Two parameters, or two compartments, of one name are still refused.
  CHECK_THAT(rejection("component C {\n  param a = 1.0\n  param a = 2.0\n}\nmodel m {\n  c = C()\n}\n"),
             Contains("m.nf:3:9: error: 'a' is already declared in component 'C' at line 2"));
  CHECK_THAT(rejection("component C {\n  state a = 1\n  state a = 2\n}\nmodel m {\n  c = C()\n}\n"),
             Contains("'a' is already declared in component 'C' at line 2"));
}

// The reference (`neurofuse components`, docs/COMPONENTS.md) is the
// components' own opening comments and declarations: every component opens
// with a comment that names each of its parameters and compartments.
TEST_CASE("every standard component documents its parameters and compartments", "[frontend]") {
  std::vector<frontend::ComponentReference> all = frontend::stdlib_reference();
  REQUIRE(all.size() == frontend::stdlib_components().size());
  auto declared_name = [](const std::string& line) {
    // "param NAME ...", "alias NAME = ...", "input NAME[...] = ..."
    size_t a = line.find(' ') + 1;
    size_t b = line.find_first_of(" :=[", a);
    return line.substr(a, b - a);
  };
  for (const frontend::ComponentReference& r : all) {
    INFO(r.name);
    CHECK(!r.summary.empty());
    std::string comment;
    for (const std::string& line : r.comment) comment += " " + line + " ";
    auto mentioned = [&](const std::string& word) {
      for (size_t at = comment.find(word); at != std::string::npos; at = comment.find(word, at + 1)) {
        auto boundary = [](char c) { return !(std::isalnum(static_cast<unsigned char>(c)) || c == '_'); };
        if (boundary(comment[at - 1]) && boundary(comment[at + word.size()])) return true;
      }
      return false;
    };
    for (const std::string& line : r.params) {
      INFO(line);
      CHECK(mentioned(declared_name(line)));
    }
    for (const std::string& line : r.compartments) {
      INFO(line);
      CHECK(mentioned(declared_name(line)));
    }
  }
  std::string text = frontend::component_reference_text("VarTrace");
  CHECK_THAT(text, Contains("VarTrace  (stdlib/VarTrace.nf)"));
  CHECK_THAT(text, Contains("param decay_type = \"exp\""));
  CHECK_THAT(text, Contains("state trace[batch_size, n_units] = 0"));
  CHECK_THAT(frontend::component_reference_text("StaticSynapse"), Contains("(from DenseSynapse)"));
  CHECK_THROWS_WITH(frontend::component_reference_text("VarTrce"), Contains("did you mean 'VarTrace'"));
}

// A right-hand side that reads t sees each stage's time, t0 + h, as ngclearn's
// steppers pass it (the integration lesson's dy/dt = -2 t^3 + 12 t^2 - 20 t + 8.5),
// and t= / dt= give the stepper its start time and step.
TEST_CASE("integrate(): stage times and the t= and dt= keywords", "[frontend]") {
  auto model = [](const std::string& stepper, const std::string& keywords) {
    return frontend::compile_model_text(R"(
component Poly {
  param stepper = "euler"
  state y[1, 1] = 1
  def advance_state(t, dt) {
    y = integrate(stepper, dfy, y)" + keywords + R"()
  }
  def dfy(y, t) {
    return -2 * t ** 3 + 12 * t ** 2 - 20 * t + 8.5
  }
}
model m {
  o = Poly(stepper=")" + stepper + R"(")
  process step = o.advance_state
}
)");
  };
  auto g = [](float t) { return ((-2.0f * (t * (t * t)) + 12.0f * (t * t)) - 20.0f * t) + 8.5f; };
  auto want = [&](const std::string& stepper, float t, float y, float h) {
    if (stepper == "euler") return y + g(t) * h;
    if (stepper == "rk2") return y + g(t + h * 0.5f) * h;
    if (stepper == "heun") return y + ((0.0f + g(t)) + g(t + h)) * (h * 0.5f);
    if (stepper == "ralston") return y + ((0.0f + float(1. / 3.) * g(t)) + float(2. / 3.) * g(t + h * 0.75f)) * h;
    float k1 = g(t), k2 = g(t + h * 0.5f), k3 = g(t + h * 0.5f), k4 = g(t + h);
    return y + ((((0.0f + k1) + 2.0f * k2) + 2.0f * k3) + k4) / 6.0f * h;
  };
  for (const std::string stepper : {"euler", "rk2", "heun", "ralston", "rk4"}) {
    INFO(stepper);
    {
      ir::Program prog = model(stepper, "");
      ir::State s = ir::create_state(prog, 0);
      float y = 1.0f;
      for (int k = 0; k < 8; ++k) {
        ir::run_process(prog, "step", s, 0.5f * float(k), 0.5f);
        y = want(stepper, 0.5f * float(k), y, 0.5f);
        CHECK(std::bit_cast<uint32_t>(s.get("o.y").f32(0)) == std::bit_cast<uint32_t>(y));
      }
    }
    {  // as ngclearn's cells call their steppers: from t = 0, here with a step of 0.37
      ir::Program prog = model(stepper, ", t=0.0, dt=0.37");
      ir::State s = ir::create_state(prog, 0);
      float y = 1.0f;
      for (int k = 0; k < 3; ++k) {
        ir::run_process(prog, "step", s, 5.0f, 1.0f);
        y = want(stepper, 0.0f, y, 0.37f);
        CHECK(std::bit_cast<uint32_t>(s.get("o.y").f32(0)) == std::bit_cast<uint32_t>(y));
      }
    }
  }
  CHECK_THAT(rejection(R"(
component C {
  state y = 1
  def advance_state() {
    y = integrate("euler", f, y, h=0.1)
  }
  def f(y) {
    return y
  }
}
model m {
  c = C()
  process p = c.advance_state
}
)"), Contains("integrate() has no argument 'h'"));
}

// float() of a number known when the model is built is its binary32 value,
// as float(p) of a float parameter is; int() truncates; both work in a
// compartment's dimensions.
TEST_CASE("float() and int() of numbers known when the model is built", "[frontend]") {
  ir::Program prog = frontend::compile_model_text(R"(
component C {
  param p = 0.9
  param n = 7
  param nu = 0.3
  param step = 0.1
  state a = 0
  state b = 0
  state c = 0
  state window[int(nu / step) + 1, 2] = 0
  def advance_state() {
    a = 1 - float(0.9)
    b = 1 - float(p)
    c = 1 / float(n)
  }
}
model m {
  x = C()
  process p = x.advance_state
}
)", "m.nf");
  ir::State s = ir::create_state(prog, 0);
  ir::run_process(prog, "p", s, 0.0f, 1.0f);
  CHECK(scalar(s, "x.a") == 1.0f - 0.9f);             // f32(1 - f32(0.9)), not f32(1 - 0.9)
  CHECK(scalar(s, "x.a") != float(1.0 - 0.9));
  CHECK(scalar(s, "x.b") == scalar(s, "x.a"));
  CHECK(scalar(s, "x.c") == float(1.0 / 7.0));        // Python's quotient, rounded once
  // 0.3 / 0.1 is 2.9999999999999996 in binary64: int() truncates it to 2.
  CHECK(s.get("x.window").type.shape == ir::Shape{{3, 2}});
}

// The reference reads each component's own comment and whole declarations:
// two components in one file, a declaration over several lines, two on one line.
TEST_CASE("the component reference reads comments and declarations as written", "[frontend]") {
  auto refs = frontend::component_reference(std::make_shared<const SourceFile>(SourceFile{"two.nf", R"(# First: the first component.
# Its equations.
component First {
  param a = 1.0; param b = 2.0   # two on a line
  param w: init = uniform(low=0.1,
                          high=1.0)
  state x[1, 2] = 0
}

# Second: the second one. More text.
component Second extends DenseSynapse {
  param c = 3.0
}
)"}));
  REQUIRE(refs.size() == 2);
  CHECK(refs[0].summary == "the first component.");
  CHECK(refs[0].comment == std::vector<std::string>{"First: the first component.", "Its equations."});
  CHECK(refs[0].params == std::vector<std::string>{"param a = 1.0", "param b = 2.0   # two on a line",
                                                   "param w: init = uniform(low=0.1, high=1.0)"});
  CHECK(refs[0].compartments == std::vector<std::string>{"state x[1, 2] = 0"});
  CHECK(refs[1].summary == "the second one.");
  CHECK(refs[1].parent == "DenseSynapse");
  CHECK(!refs[1].inherited_params.empty());
}

// Where a name shared by a parameter and a compartment means which.
TEST_CASE("a shared name: initial values, aliases, conditions, duplicates, subclasses", "[frontend]") {
  ir::Program prog = frontend::compile_model_text(R"(
component C {
  param eta = 0.5
  param tau = 2.0
  alias lr = eta
  state eta = eta * 0.5
  state k = eta * tau
  state y = 0
  def advance_state() {
    y = y + lr
    if static(eta > 0) {
      y = y + 10
    }
  }
}
component P {
  param tau = 3.0
  state x = tau * 2
}
component Q extends P {
  state x = 0
}
model m {
  c = C()
  q = Q()
  process advance = c.advance_state
}
)", "m.nf");
  ir::State s = ir::create_state(prog, 0);
  CHECK(scalar(s, "c.eta") == 0.25f);  // the parameter 0.5, halved once
  CHECK(scalar(s, "c.k") == 1.0f);     // the parameter eta times tau
  CHECK(scalar(s, "q.x") == 0.0f);     // the subclass's initial value, not the parent's recomputed
  ir::run_process(prog, "advance", s, 0.0f, 1.0f);
  CHECK(scalar(s, "c.y") == 10.25f);   // the alias reads the compartment; static() the parameter
  auto component = [](const std::string& body) {
    return "component C {\n  param eta = -1.0\n  state eta = eta\n" + body + "}\nmodel m {\n  c = C()\n  process p = c.f\n}\n";
  };
  CHECK_THAT(rejection(component("  state y = 0\n  def f() {\n    if eta > 0 {\n      y = 1\n    }\n  }\n")),
             Contains("m.nf:6:8: error: 'eta' is a compartment in a method"));
  CHECK_THAT(rejection(component("  state eta[1, 3] = 2.0\n  def f() {\n  }\n")),
             Contains("m.nf:4:9: error: 'eta' is already declared in component 'C' at line 3"));
  // float() where the structure is decided is Python's: 1.0 / 0.1 is 10.0.
  ir::Program sized = frontend::compile_model_text(
      "component C {\n  param h = 0.1\n  state y[1, int(1.0 / float(h))] = 0\n}\nmodel m {\n  c = C()\n}\n", "m.nf");
  CHECK(sized.compartments[0].type.shape == ir::Shape{{1, 10}});
}
