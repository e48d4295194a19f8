// "Did you mean ...?": the closest name to a misspelt one. Header-only, so
// that the IR, the front end and the runtime (which links neither) share it.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace nf {

// "; did you mean 'x'?" for the candidate closest to `name` by edit distance
// (case-insensitive, at most a third of the name's length plus one), or the
// only candidate that starts with `name`; "" when none is close.
inline std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
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
