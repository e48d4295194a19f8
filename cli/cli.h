// Shared pieces of the neurofuse command-line tool.
#pragma once

#include <charconv>
#include <cstdio>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/core.h>

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

// Parses a whole string as a number of type T (rounded once for floats, range
// checked for integers); throws nf::Error naming the option.
template <typename T>
T parse_number(const std::string& option, const std::string& text) {
  T v{};
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec == std::errc::result_out_of_range)
    throw Error("option " + option + " got '" + text + "', which is out of range");
  if (r.ec != std::errc() || r.ptr != text.data() + text.size())
    throw Error("option " + option + " expects " + (std::is_integral_v<T> ? "an integer" : "a number") + ", got '" +
                text + "'");
  return v;
}

// Progress, timings and error messages on stderr. fmt::print throws
// std::system_error when it cannot write; a stderr that cannot be written
// loses the text but never changes how the command ends.
template <typename... T>
void print_stderr(fmt::format_string<T...> format, T&&... args) {
  try {
    fmt::print(stderr, format, std::forward<T>(args)...);
  } catch (const std::system_error&) {
  }
}

// `neurofuse run`; with report false, no progress bar and no closing line
// on stderr (an ensemble runs it once per member).
int run_command(const std::vector<std::string>& args, bool report = true);
// `neurofuse ensemble` (ensemble.cpp): many members of one model, each run as
// `neurofuse run` runs it, spread over MPI ranks when built with MPI.
int ensemble_command(const std::vector<std::string>& args);
int compile_command(const std::vector<std::string>& args);

}  // namespace nf::cli
