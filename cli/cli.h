// Shared pieces of the neurofuse command-line tool.
#pragma once

#include <string>
#include <vector>

#include "frontend/frontend.h"
#include "ir/diagnostic.h"

namespace nf::cli {

// A model or IR file loaded for a command: .nfir files are IR text, anything
// else is a .nf model compiled by the front end.
struct Loaded {
  ir::Program program;
  std::string model_name;  // empty for .nfir
  std::vector<std::pair<std::string, std::string>> instances;
};

Loaded load(const std::string& path, const std::string& model);

// Splits "a,b,c" on commas, skipping empty parts.
std::vector<std::string> split_list(const std::string& s);

// Parses a whole string as a number; throws nf::Error naming the option.
double parse_double(const std::string& option, const std::string& text);
int64_t parse_int(const std::string& option, const std::string& text);

int run_command(const std::vector<std::string>& args);
int compile_command(const std::vector<std::string>& args);

}  // namespace nf::cli
