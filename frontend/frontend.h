// The model-language front end: .nf text in, one verified IR program out.
//
// The standard component library (stdlib/*.nf) is built into the front end and
// visible to every model; `import "file.nf"` adds user components, with paths
// relative to the importing file. Every error is an nf::Error whose
// diagnostics carry file:line:col, the source line and a caret.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ir/program.h"

namespace nf::frontend {

struct Options {
  std::string model;  // which model of the file; empty: the file must hold exactly one
};

struct Model {
  std::string name;
  ir::Program program;
  std::vector<std::pair<std::string, std::string>> instances;  // (instance, component) in declaration order
};

Model load_model(std::shared_ptr<const SourceFile> source, const Options& options = {});
Model load_model_file(const std::string& path, const Options& options = {});

// The program of the only model in `text` (tests and quick experiments).
ir::Program compile_model_text(const std::string& text, const std::string& name = "<model>");

// Names of the standard library's components.
std::vector<std::string> stdlib_components();

}  // namespace nf::frontend
