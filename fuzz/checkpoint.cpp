// libFuzzer harness: checkpoint loading into a compiled module. The model
// (tests/cli/checkpoint.nf) is compiled once with every compartment that can
// be kept as factors or checked for events kept so. Each input is written as
// a file and loaded into a state: a failed load must leave every compartment
// and parameter bit-identical; a successful one must leave a state that steps
// and saves. The state is then reset from a pristine checkpoint.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "compiler/jit.h"
#include "frontend/frontend.h"
#include "fuzz/common.h"

namespace {

nf_module* module = nullptr;
nf_state* state = nullptr;
std::string input_path, pristine_path, saved_path;

void check(nf_status status) {
  if (status != NF_OK) {
    std::fprintf(stderr, "unexpected failure: %s\n", nf_last_error());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nf::compiler::BuildOptions options;
  options.use_cache = false;
  options.factor_min_elements = 0;
  options.event_min_elements = 0;
  module = nf::compiler::jit_module(nf::frontend::load_model_file(NF_SOURCE_DIR "/tests/cli/checkpoint.nf").program,
                                    options);
  check(nf_state_create(module, 5, &state));
  const std::string dir = "/tmp/nf_fuzz_checkpoint." + std::to_string(::getpid());
  std::system(("mkdir -p " + dir).c_str());
  input_path = dir + "/input.npz";
  pristine_path = dir + "/pristine.npz";
  saved_path = dir + "/saved.npz";
  check(nf_state_save(state, pristine_path.c_str(), nullptr, 0));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nf_module_info& m = *nf_module_get_info(module);
  FILE* f = std::fopen(input_path.c_str(), "wb");
  if (!f || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0) std::abort();
  const std::vector<uint8_t> before = nf::fuzz::contents(state, m);
  if (nf_state_load(state, input_path.c_str()) != NF_OK) {
    if (nf::fuzz::contents(state, m) != before) {
      std::fprintf(stderr, "a failed load changed the state: %s\n", nf_last_error());
      std::abort();
    }
    return 0;
  }
  const char* processes[] = {"advance", "learn"};
  check(nf_state_scan(state, processes, 2, 0.0, 1.0, 0, 2, nullptr, 0, nullptr, 0));
  check(nf_state_save(state, saved_path.c_str(), nullptr, 0));
  check(nf_state_load(state, pristine_path.c_str()));
  return 0;
}
