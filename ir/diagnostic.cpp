#include "ir/diagnostic.h"

#include <fmt/core.h>

namespace nf {

std::string SourceFile::line_text(int line) const {
  if (line < 1) return "";
  size_t start = 0;
  for (int l = 1; l < line; ++l) {
    start = text.find('\n', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  size_t end = text.find('\n', start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string Diagnostic::render() const {
  if (!loc.known() || !loc.file) return fmt::format("error: {}", message);
  std::string src = loc.file->line_text(loc.line);
  // Keep tabs so the caret lines up under tab-indented source.
  std::string indent;
  for (int i = 1; i < loc.col && size_t(i - 1) < src.size(); ++i)
    indent += src[size_t(i - 1)] == '\t' ? '\t' : ' ';
  return fmt::format("{}:{}:{}: error: {}\n  {}\n  {}^", loc.file->name, loc.line, loc.col, message, src, indent);
}

std::string render_all(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    if (!out.empty()) out += "\n";
    out += d.render();
  }
  return out;
}

Error::Error(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(render_all(diagnostics)), diagnostics_(std::move(diagnostics)) {}

Error::Error(const std::string& message) : Error(std::vector<Diagnostic>{{SourceLoc{}, message}}) {}

}  // namespace nf
