// libFuzzer harness: the IR text (.nfir). Any text either parses and
// verifies or raises nf::Error; a parsed program prints to text that reads
// back to the same text, and the interpreter runs it (small programs).
#include <cstdlib>

#include "fuzz/common.h"
#include "ir/parser.h"
#include "ir/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nf::ir::Program program;
  try {
    program = nf::ir::parse_program(std::string(reinterpret_cast<const char*>(data), size), "fuzz.nfir");
  } catch (const nf::Error&) {
    return 0;
  }
  const std::string printed = nf::ir::print(program);
  if (nf::ir::print(nf::ir::parse_program(printed, "printed.nfir")) != printed) std::abort();
  try {
    nf::fuzz::run_briefly(program);
  } catch (const nf::Error&) {
  }
  return 0;
}
