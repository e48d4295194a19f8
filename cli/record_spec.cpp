// --record SPEC; see cli/record_spec.h.
#include "cli/record_spec.h"

#include <algorithm>

#include <fmt/core.h>

#include "cli/cli.h"
#include "ir/diagnostic.h"

namespace nf::cli {

std::vector<std::string> split_records(const std::string& value) {
  std::vector<std::string> out;
  std::string part;
  int depth = 0;
  for (char c : value) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == ',' && depth <= 0) {
      if (!part.empty()) out.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  if (!part.empty()) out.push_back(part);
  return out;
}

namespace {

std::optional<int64_t> optional_index(const std::string& option, const std::string& text) {
  if (text.empty()) return std::nullopt;
  return parse_number<int64_t>(option, text);
}

}  // namespace

RecordSpec parse_record(const std::string& text) {
  RecordSpec r;
  r.text = text;
  const std::string option = "--record " + text;
  auto bad = [&](const std::string& why) {
    return Error(option + ": " + why +
                 " (expected COMP[UNITS][:KIND][:every=N][:start=S][:as=NAME], KIND values, events, sum or mean; "
                 "see neurofuse run --help)");
  };
  size_t i = 0;
  while (i < text.size() && text[i] != '[' && text[i] != ':') ++i;
  r.compartment = text.substr(0, i);
  if (r.compartment.empty()) throw bad("no compartment");
  if (i < text.size() && text[i] == '[') {
    const size_t close = text.find(']', i);
    if (close == std::string::npos) throw bad("'[' is not closed");
    const std::string units = text.substr(i + 1, close - i - 1);
    i = close + 1;
    r.spec.all_units = false;
    if (units.find(':') != std::string::npos) {
      r.has_slice = true;
      std::vector<std::string> parts;
      size_t from = 0;
      for (size_t c; (c = units.find(':', from)) != std::string::npos; from = c + 1) parts.push_back(units.substr(from, c - from));
      parts.push_back(units.substr(from));
      if (parts.size() > 3) throw bad("a slice has at most three parts, A:B:STEP");
      r.slice_begin = optional_index(option, parts[0]);
      r.slice_end = optional_index(option, parts[1]);
      if (parts.size() == 3 && !parts[2].empty()) r.slice_step = parse_number<int64_t>(option, parts[2]);
      if (r.slice_step < 1) throw bad("a slice's step must be positive");
    } else {
      size_t from = 0;
      for (size_t comma; from <= units.size(); from = comma + 1) {
        comma = std::min(units.find(',', from), units.size());
        if (comma > from) r.spec.units.push_back(parse_number<int64_t>(option, units.substr(from, comma - from)));
      }
      if (r.spec.units.empty()) throw bad("no units between the brackets");
    }
  }
  while (i < text.size()) {
    if (text[i] != ':') throw bad("unexpected '" + text.substr(i) + "'");
    size_t next = text.find(':', i + 1);
    if (next == std::string::npos) next = text.size();
    const std::string part = text.substr(i + 1, next - i - 1);
    i = next;
    const size_t eq = part.find('=');
    const std::string key = part.substr(0, eq), value = eq == std::string::npos ? "" : part.substr(eq + 1);
    if (eq == std::string::npos) {
      if (part == "values") r.spec.kind = monitor::Kind::Values;
      else if (part == "events") r.spec.kind = monitor::Kind::Events;
      else if (part == "sum") r.spec.kind = monitor::Kind::Sum;
      else if (part == "mean") r.spec.kind = monitor::Kind::Mean;
      else throw bad("unknown kind '" + part + "'");
    } else if (key == "every") {
      r.spec.every = parse_number<int64_t>(option, value);
      if (r.spec.every < 1) throw bad("every must be at least 1");
    } else if (key == "start") {
      r.spec.start = parse_number<int64_t>(option, value);
      if (r.spec.start < 0) throw bad("start must not be negative");
    } else if (key == "as") {
      if (value.empty()) throw bad("as= needs a name");
      r.entry = value;
    } else {
      throw bad("unknown setting '" + key + "'");
    }
  }
  const bool plain = r.spec.kind == monitor::Kind::Values && r.spec.all_units && r.spec.every == 1 && r.spec.start == 0;
  if (r.entry.empty()) r.entry = plain ? r.compartment : text;
  return r;
}

void resolve_units(RecordSpec& r, int64_t elements) {
  if (r.spec.all_units) return;
  if (r.has_slice) {
    // Python's slice.indices for a positive step.
    auto clamp = [&](std::optional<int64_t> v, int64_t otherwise) {
      if (!v) return otherwise;
      int64_t x = *v < 0 ? *v + elements : *v;
      return std::clamp<int64_t>(x, 0, elements);
    };
    const int64_t begin = clamp(r.slice_begin, 0), end = clamp(r.slice_end, elements);
    r.spec.units.clear();
    for (int64_t u = begin; u < end; u += r.slice_step) {
      r.spec.units.push_back(u);
      if (r.slice_step > end - u) break;  // the next would pass the end (or overflow)
    }
    if (r.spec.units.empty())
      throw Error(fmt::format("--record {}: the slice selects none of the {} elements of '{}'", r.text, elements,
                              r.compartment));
    return;
  }
  for (int64_t& u : r.spec.units) {
    const int64_t given = u;
    if (u < 0) u += elements;
    if (u < 0 || u >= elements)
      throw Error(fmt::format("--record {}: unit {} is outside '{}', which has {} elements", r.text, given,
                              r.compartment, elements));
  }
}

std::vector<RecordSpec> parse_records(const std::vector<std::string>& texts,
                                      const std::function<int64_t(const RecordSpec&)>& elements) {
  std::vector<RecordSpec> out;
  for (const std::string& text : texts) {
    RecordSpec r = parse_record(text);
    resolve_units(r, elements(r));
    for (const RecordSpec& other : out)
      if (other.entry == r.entry)
        throw Error("--record: two recordings are named '" + r.entry + "'; name one with :as=NAME");
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace nf::cli
