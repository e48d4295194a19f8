// Source locations and diagnostics shared by every text front end.
//
// A diagnostic renders as
//   file:line:col: error: message
//     <the source line>
//     <caret under the column>
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace nf {

// A named text buffer; locations point into it.
struct SourceFile {
  std::string name;
  std::string text;

  // The text of 1-based line `line`, without its newline ("" when out of range).
  std::string line_text(int line) const;
};

// 1-based line and column in a source file; line 0 means "no location".
struct SourceLoc {
  std::shared_ptr<const SourceFile> file;
  int line = 0;
  int col = 0;

  bool known() const { return line > 0; }
};

struct Diagnostic {
  SourceLoc loc;
  std::string message;

  // "file:line:col: error: message" plus the source line and a caret when the
  // location is known; just "error: message" otherwise.
  std::string render() const;
};

std::string render_all(const std::vector<Diagnostic>& diagnostics);

// Thrown by builder APIs on misuse and by entry points that turn a list of
// diagnostics into one failure; what() is the rendered list.
class Error : public std::runtime_error {
 public:
  explicit Error(std::vector<Diagnostic> diagnostics);
  explicit Error(const std::string& message);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace nf
