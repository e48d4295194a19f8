// A C++ program built against an installed neurofuse::compiler and
// neurofuse::frontend (tests/install_test.sh): it compiles MODEL.nf in process
// (front end, then the JIT) and runs it beside MODULE.so, the same model
// compiled by the installed `neurofuse compile`, on the same inputs. Exit
// status 0: every compartment of the two states holds the same bits after
// every step.
//
// usage: compile_in_process MODEL.nf MODULE.so
#include <cstdint>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

#include "compiler/jit.h"
#include "frontend/frontend.h"
#include "neurofuse/runtime.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL.nf MODULE.so\n", argv[0]);
    return 2;
  }
  try {
    nf::frontend::Model model = nf::frontend::load_model_file(argv[1]);
    nf::Module jit(nf::compiler::jit_module(model.program));
    nf::Module shipped = nf::Module::open(argv[2]);
    const nf_module_info& info = jit.info();
    nf::State a(jit, info.default_seed), b(shipped, info.default_seed);
    for (int k = 0; k < 100; ++k) {
      float inputs[8];
      for (int i = 0; i < 8; ++i) inputs[i] = float((k * 7 + i * 3) % 11) / 10.0f;
      for (nf::State* s : {&a, &b}) {
        if (nf_state_write(s->get(), "sensor.inputs", NF_F32, inputs, 8) != NF_OK) throw std::runtime_error(nf_last_error());
        s->step("advance", double(k), 1.0);
      }
      for (int32_t c = 0; c < info.n_compartments; ++c) {
        const std::string name = info.compartments[c].name;
        if (a.read_words(name) != b.read_words(name)) {
          std::fprintf(stderr, "step %d: %s differs between the JIT and %s\n", k, name.c_str(), argv[2]);
          return 1;
        }
      }
    }
    std::printf("model %s: %d compartments equal over 100 steps, JIT and shipped module\n", model.name.c_str(),
                info.n_compartments);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
