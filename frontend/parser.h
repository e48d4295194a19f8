// The lexer and recursive-descent parser of the model language.
#pragma once

#include "frontend/ast.h"

namespace nf::frontend {

// Parses one file; throws nf::Error with a located diagnostic on the first
// syntax error (file:line:col, the line, a caret, what was expected).
FileAst parse_file(std::shared_ptr<const SourceFile> source);

}  // namespace nf::frontend
