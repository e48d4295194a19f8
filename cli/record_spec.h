// What `neurofuse run --record SPEC` asks for: a monitor (runtime/monitor.h)
// of a compartment, written as
//
//   COMP[UNITS][:KIND][:every=N][:start=S][:as=NAME]
//
//   COMP   a compartment or a wired name ("z1.j")
//   UNITS  which elements (flat, row-major indices): "[3]", "[0,5,9]", or a
//          slice "[A:B]", "[A:B:STEP]" with Python's meaning (A, B and STEP
//          optional; negative A and B count from the end; STEP > 0)
//   KIND   values (the default), events, sum or mean
//   every, start: record after steps start, start + every, ...
//   as     the entry's name in the --out archive (default: SPEC as written,
//          or COMP for the values of every unit at every step)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/monitor.h"

namespace nf::cli {

struct RecordSpec {
  std::string text;         // as written
  std::string compartment;
  std::string entry;        // the name in the archive
  monitor::Spec spec;       // units not yet resolved when `slice` is set
  bool has_slice = false;
  std::optional<int64_t> slice_begin, slice_end;
  int64_t slice_step = 1;
};

// Splits an option's value on commas outside brackets: "a[0,1],b" -> "a[0,1]", "b".
std::vector<std::string> split_records(const std::string& value);

// Parses one SPEC; throws nf::Error saying what is wrong with it.
RecordSpec parse_record(const std::string& text);

// The units of `r` for a compartment of `elements` elements (a slice
// expanded; indices checked); throws nf::Error naming the spec.
void resolve_units(RecordSpec& r, int64_t elements);

// Parses SPECs for one run: each resolved against its compartment's element
// count (`elements(compartment)`, which throws for an unknown name), and
// their archive names unique; throws nf::Error saying which is wrong.
std::vector<RecordSpec> parse_records(const std::vector<std::string>& texts,
                                      const std::function<int64_t(const RecordSpec&)>& elements);

}  // namespace nf::cli
