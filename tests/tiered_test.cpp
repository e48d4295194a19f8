// Tiered compilation (compiler/jit.h): a module that starts on its first
// tier's code and switches to the optimized build, even in the middle of a
// scan, computes the bits of the optimized build alone.
#include <bit>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "compiler/build.h"
#include "compiler/jit.h"
#include "frontend/frontend.h"
#include "neurofuse/runtime.hpp"
#include "temp_dir.h"

namespace {

// Every compartment's words (a factored one materialized by the module).
std::vector<std::vector<uint32_t>> everything(nf::State& s, const nf::Module& m) {
  std::vector<std::vector<uint32_t>> out;
  for (int32_t i = 0; i < m.info().n_compartments; ++i) out.push_back(s.read_words(m.info().compartments[i].name));
  return out;
}

void prepare(nf::State& s) {
  for (float& p : s.f32("pre.inputs")) p = 0.5f;
  for (float& p : s.f32("post.inputs")) p = 0.2f;
  s.f32("W.modulator")[0] = 1.0f;
}

}  // namespace

TEST_CASE("tiered: the first tier's code then the optimized code give the optimized build's bits") {
  nf::test::TempDir cache;
  const char* saved = std::getenv("NEUROFUSE_CACHE_DIR");
  const std::string saved_value = saved ? saved : "";
  setenv("NEUROFUSE_CACHE_DIR", cache.path.c_str(), 1);

  // An MSTDP-ET layer into LIF units (tests/cli/tiered.nf), large enough
  // that the first tier's scan of 600 steps outlasts the optimized build,
  // so the switch falls inside it.
  nf::ir::Program program = nf::frontend::load_model_file(std::string(NF_SOURCE_DIR) + "/tests/cli/tiered.nf").program;
  nf::compiler::BuildOptions options;
  options.factor_min_elements = 0;  // dWeights kept as factors: materialize goes through the table too
  nf::compiler::BuildOptions alone = options;
  alone.use_cache = false;
  nf::Module optimized(nf::compiler::jit_module(program, alone));
  REQUIRE(nf::compiler::cached_build(program, options).empty());  // nothing cached: the tiered build starts low

  options.tiered = true;
  nf::Module tiered(nf::compiler::jit_module(program, options));
  nf::State a(tiered, 3), b(optimized, 3);
  prepare(a);
  prepare(b);
  // One scan that starts on the first tier and ends on the optimized code.
  a.scan({"step"}, 0.0, 1.0, 600);
  b.scan({"step"}, 0.0, 1.0, 600);
  CHECK(everything(a, tiered) == everything(b, optimized));
  std::string why;
  CHECK(nf::compiler::wait_for_optimized_code(tiered.get(), &why));
  CHECK(why.empty());
  a.scan({"step"}, 0.0, 1.0, 50, {}, {}, 600);
  b.scan({"step"}, 0.0, 1.0, 50, {}, {}, 600);
  CHECK(everything(a, tiered) == everything(b, optimized));
  // The background build stored the optimized object: the next compile is a cache hit.
  options.tiered = false;
  CHECK_FALSE(nf::compiler::cached_build(program, options).empty());
  CHECK(nf::compiler::wait_for_optimized_code(optimized.get()));  // not tiered: at once

  if (saved) setenv("NEUROFUSE_CACHE_DIR", saved_value.c_str(), 1);
  else unsetenv("NEUROFUSE_CACHE_DIR");
}
