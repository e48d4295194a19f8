// libFuzzer harness: the model language. Any text either loads (parsed,
// elaborated, verified) or raises nf::Error with located diagnostics; a
// loaded model's IR prints to text that reads back to the same IR, and the
// interpreter runs it (small models) without crashing.
#include <cstdlib>
#include <memory>

#include "frontend/frontend.h"
#include "fuzz/common.h"
#include "ir/parser.h"
#include "ir/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto source = std::make_shared<const nf::SourceFile>(
      nf::SourceFile{"fuzz.nf", std::string(reinterpret_cast<const char*>(data), size)});
  nf::frontend::Model model;
  try {
    model = nf::frontend::load_model(source);
  } catch (const nf::Error&) {
    return 0;
  }
  const std::string printed = nf::ir::print(model.program);
  if (nf::ir::print(nf::ir::parse_program(printed, "printed.nfir")) != printed) std::abort();
  try {
    nf::fuzz::run_briefly(model.program);
  } catch (const nf::Error&) {
  }
  return 0;
}
