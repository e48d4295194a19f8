// The standard component library's sources, built into the front end from
// stdlib/*.nf at build time (name -> text).
#pragma once

#include <map>
#include <string>

#include "frontend/ast.h"

namespace nf::frontend {

const std::map<std::string, std::string>& stdlib_sources();

// The same files' syntax trees (name -> tree), parsed once per process on
// first use and never changed: every model load shares them instead of
// parsing 160 kB of library text again.
const std::map<std::string, FileAst>& stdlib_files();

}  // namespace nf::frontend
