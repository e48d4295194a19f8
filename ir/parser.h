// Reads the canonical text form (ir/printer.h) back into a program.
//
// Accepts any value names (%x, %acc_1), '#' comments and free layout. Syntax
// errors and verifier problems are reported as diagnostics with file:line:col,
// the source line and a caret, thrown as one nf::Error.
#pragma once

#include <memory>
#include <string>

#include "ir/program.h"

namespace nf::ir {

// Parses and verifies; throws nf::Error on any problem.
Program parse_program(std::shared_ptr<const SourceFile> source);
Program parse_program(const std::string& text, const std::string& filename = "<input>");

}  // namespace nf::ir
