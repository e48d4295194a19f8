// Sparse connectivity: which elements of a rows x columns matrix exist.
//
// A connectivity is decided when a program is built (from the model's seed
// or from a geometry) and never changes: it belongs to the program, not to a
// state, so every state of a program shares it and a compiled module keeps
// it as constant tables. The values of the connections are an ordinary f32
// compartment, one element per connection; `sparse_matmul` and `gather`
// (docs/SEMANTICS.md) name the connectivity that gives them meaning.
//
// Entries are kept by row (CSR): row r's entries are e with
// row_start[r] <= e < row_start[r + 1], in ascending column order, no
// (row, column) pair twice. Entry e's weight is element value_of(e) of the
// values tensor: e itself when `value` is empty, else value[e].
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/diagnostic.h"

namespace nf::ir {

struct ConnectivityTables {
  int64_t rows = 0, columns = 0;
  int64_t values = 0;              // elements of the values tensor
  std::vector<int32_t> row_start;  // rows + 1 entries
  std::vector<int32_t> column;     // one per entry
  std::vector<int32_t> value;      // one per entry, or empty: entry e is value e

  int64_t entries() const { return int64_t(column.size()); }
  int64_t value_of(int64_t e) const { return value.empty() ? e : value[size_t(e)]; }
  bool operator==(const ConnectivityTables&) const = default;
};

struct Connectivity {
  std::string name;  // "W.connectivity"
  std::shared_ptr<const ConnectivityTables> tables;  // shared: programs are copied by every pass
  SourceLoc loc;
};

// One connection: (row, column) and the element of the values tensor that
// holds its weight.
struct Connection {
  int32_t row = 0, column = 0, value = 0;
};

// The tables of `connections`, sorted by row then column; `identity_values`
// drops the value table when entry e's value is e after sorting. Throws
// nf::Error when a connection is out of range or given twice.
std::shared_ptr<const ConnectivityTables> make_connectivity(int64_t rows, int64_t columns, int64_t values,
                                                            std::vector<Connection> connections);

// What is wrong with `t`, or "" when it is well formed.
std::string check_connectivity(const ConnectivityTables& t);

}  // namespace nf::ir
