#include "ir/diagnostic.h"

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
  if (!loc.known() || !loc.file) return "error: " + message;
  std::string out = loc.file->name + ":" + std::to_string(loc.line) + ":" +
                    std::to_string(loc.col) + ": error: " + message + "\n";
  std::string src = loc.file->line_text(loc.line);
  out += "  " + src + "\n  ";
  // Keep tabs so the caret lines up under tab-indented source.
  for (int i = 1; i < loc.col && size_t(i - 1) < src.size(); ++i)
    out += src[size_t(i - 1)] == '\t' ? '\t' : ' ';
  return out + "^";
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
