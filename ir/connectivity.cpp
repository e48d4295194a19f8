#include "ir/connectivity.h"

#include <algorithm>
#include <limits>

namespace nf::ir {

std::shared_ptr<const ConnectivityTables> make_connectivity(int64_t rows, int64_t columns, int64_t values,
                                                            std::vector<Connection> connections) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (rows < 0 || columns < 0 || values < 0 || rows > kMax || columns > kMax || values > kMax ||
      int64_t(connections.size()) > kMax)
    throw Error("a connectivity's sizes must fit in i32");
  for (const Connection& c : connections)
    if (c.row < 0 || c.row >= rows || c.column < 0 || c.column >= columns || c.value < 0 || c.value >= values)
      throw Error("connection (" + std::to_string(c.row) + ", " + std::to_string(c.column) + ") -> value " +
                  std::to_string(c.value) + " is outside a " + std::to_string(rows) + " x " + std::to_string(columns) +
                  " connectivity of " + std::to_string(values) + " values");
  // (A pair given twice is refused below, so the order of equal pairs, here
  // by value, never shows.)
  auto by_row_then_column = [](const Connection& a, const Connection& b) {
    return a.row != b.row ? a.row < b.row : a.column != b.column ? a.column < b.column : a.value < b.value;
  };
  if (!std::is_sorted(connections.begin(), connections.end(), by_row_then_column))  // a Bernoulli draw comes sorted
    std::sort(connections.begin(), connections.end(), by_row_then_column);
  auto t = std::make_shared<ConnectivityTables>();
  t->rows = rows;
  t->columns = columns;
  t->values = values;
  t->row_start.assign(size_t(rows) + 1, 0);
  t->column.reserve(connections.size());
  bool identity = true;
  for (size_t e = 0; e < connections.size(); ++e) {
    const Connection& c = connections[e];
    if (e > 0 && connections[e - 1].row == c.row && connections[e - 1].column == c.column)
      throw Error("connection (" + std::to_string(c.row) + ", " + std::to_string(c.column) + ") is given twice");
    ++t->row_start[size_t(c.row) + 1];
    t->column.push_back(c.column);
    identity = identity && c.value == int32_t(e);
  }
  for (size_t r = 0; r < size_t(rows); ++r) t->row_start[r + 1] += t->row_start[r];
  if (!identity || int64_t(connections.size()) != values) {
    t->value.reserve(connections.size());
    for (const Connection& c : connections) t->value.push_back(c.value);
  }
  return t;
}

std::string check_connectivity(const ConnectivityTables& t) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (t.rows < 0 || t.columns < 0 || t.values < 0 || t.rows > kMax || t.columns > kMax || t.values > kMax)
    return "its sizes must be between 0 and 2^31 - 1";
  if (int64_t(t.row_start.size()) != t.rows + 1)
    return "row_start has " + std::to_string(t.row_start.size()) + " entries; " + std::to_string(t.rows + 1) +
           " expected (rows + 1)";
  if (t.row_start[0] != 0) return "row_start must begin at 0";
  for (int64_t r = 0; r < t.rows; ++r)
    if (t.row_start[size_t(r) + 1] < t.row_start[size_t(r)])
      return "row_start decreases at row " + std::to_string(r);
  if (t.row_start.back() != t.entries())
    return "row_start ends at " + std::to_string(t.row_start.back()) + " but there are " +
           std::to_string(t.entries()) + " columns";
  for (int64_t r = 0; r < t.rows; ++r)
    for (int32_t e = t.row_start[size_t(r)]; e < t.row_start[size_t(r) + 1]; ++e) {
      const int32_t c = t.column[size_t(e)];
      if (c < 0 || c >= t.columns)
        return "entry " + std::to_string(e) + " has column " + std::to_string(c) + ", outside [0, " +
               std::to_string(t.columns) + ")";
      if (e > t.row_start[size_t(r)] && t.column[size_t(e) - 1] >= c)
        return "row " + std::to_string(r) + "'s columns are not strictly ascending at entry " + std::to_string(e);
    }
  if (!t.value.empty()) {
    if (t.value.size() != t.column.size())
      return "value has " + std::to_string(t.value.size()) + " entries; one per connection (" +
             std::to_string(t.entries()) + ") expected";
    for (size_t e = 0; e < t.value.size(); ++e)
      if (t.value[e] < 0 || t.value[e] >= t.values)
        return "entry " + std::to_string(e) + " has value " + std::to_string(t.value[e]) + ", outside [0, " +
               std::to_string(t.values) + ")";
  } else if (t.entries() != t.values) {
    return "without a value table there must be one value per connection (" + std::to_string(t.entries()) +
           "), not " + std::to_string(t.values);
  }
  return "";
}

}  // namespace nf::ir
