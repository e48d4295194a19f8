// "Did you mean ...?": the closest name to a misspelt one. Header-only, so
// that the IR, the front end and the runtime (which links neither) share it.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace nf {

// "; did you mean 'x'?" for the candidate closest to `name` by edit distance
// (case-insensitive, at most max(2, a third of the name's length)), or the
// only candidate that starts with `name` (case-insensitive); "" when none is
// close.
inline std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  auto same = [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  };
  auto distance = [&](const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_d = std::max<size_t>(2, name.size() / 3) + 1;
  for (const std::string& c : candidates) {
    if (c == name) continue;  // the name itself is no suggestion (a name of another kind)
    size_t d = distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  if (best.empty() && name.size() >= 3) {
    for (const std::string& c : candidates)
      if (c.size() >= name.size() && std::equal(name.begin(), name.end(), c.begin(), same)) {
        if (!best.empty()) return "";
        best = c;
      }
  }
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

}  // namespace nf
