// The model language: elaboration semantics and diagnostics.
#include <catch2/catch.hpp>

#include "frontend/frontend.h"
#include "ir/interpreter.h"

using namespace nf;
using Catch::Contains;

TEST_CASE("placeholder until the language tests are written", "[frontend]") {
  ir::Program p = frontend::compile_model_text("model m {\n  tr = VarTrace(n_units=1, tau_tr=20.0, a_delta=1.0)\n  process advance = tr.advance_state\n}\n");
  CHECK(p.find_process("advance"));
}
