#include "ir/diagnostic.h"

#include <algorithm>
#include <cctype>

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

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t up = row[j];
        bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_d = std::max<size_t>(2, name.size() / 3) + 1;
  for (const std::string& c : candidates) {
    size_t d = distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // A name that is the start of exactly one candidate (advance -> advance_state).
  if (best.empty() && name.size() >= 3) {
    for (const std::string& c : candidates)
      if (c.compare(0, name.size(), name) == 0) {
        if (!best.empty()) return "";
        best = c;
      }
  }
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

}  // namespace nf
