// Sparse connectivities in the model language: `connectivity NAME = EXPR`
// declarations, the builtins that decide a structure when the model is built
// (bernoulli_connectivity, local_connectivity), their attributes, and the
// operations over them in methods (sparse_matmul, gather). The structure
// goes into the program (ir/connectivity.h); only the values are state.
#include <cmath>
#include <limits>

#include "frontend/elaborator.h"
#include "ir/random.h"

namespace nf::frontend {

namespace {

using ir::Connection;

// Python's round() of a float: half to even.
int64_t round_half_even(double x) { return int64_t(std::nearbyint(x)); }

// ngclearn's locally connected geometry (sparseTensorSynapse.py,
// initialize_layer_geometry with auto_pad=False, then _make_connectivity_map
// and, for invert_conn, _make_backwards_connectivity_map), as connections of
// the [n_in_streams * K, S * O] matrix to the elements of the (P, S, K, O)
// weight tensor. Map slots that are -1 or outside the input streams read
// ngclearn's dead-zone zeros: they make no connection.
struct LocalGeometry {
  int64_t n_in_streams, K, O, P, stride, dilation;
  double convergent_factor;
  bool invert;
};

struct LocalConnectivity {
  std::shared_ptr<const ir::ConnectivityTables> tables;
  std::vector<int64_t> weight_shape;
};

std::vector<std::vector<int64_t>> forward_map(const LocalGeometry& g, int64_t& S, std::string& error) {
  if (g.stride < 1) return error = "stride must be at least 1 (ngclearn: 'stride_l must be greater than or equal to 1')", std::vector<std::vector<int64_t>>{};
  if (g.dilation < 1) return error = "dilation must be at least 1 (a smaller one repeats an input in a window)", std::vector<std::vector<int64_t>>{};
  if (g.P < 1 || g.K < 1 || g.O < 1 || g.n_in_streams < 1)
    return error = "n_in_streams, K_local, O_local and P_l must be at least 1", std::vector<std::vector<int64_t>>{};
  const int64_t span = (g.P - 1) * g.dilation + 1;
  if (span > g.n_in_streams)
    return error = "the receptive field spans " + std::to_string(span) + " inputs, more than the " +
                   std::to_string(g.n_in_streams) + " incoming streams (ngclearn's geometry error)",
           std::vector<std::vector<int64_t>>{};
  // How many output streams fit: the geometry's sweep, with its own estimate
  // of the center (int() truncation) for convergent windows.
  int64_t s = 0;
  for (;; ++s) {
    int64_t local_P = g.P;
    if (g.convergent_factor > 0.0) {
      const double center = double(std::max<int64_t>(1, g.n_in_streams / g.stride)) / 2.0;
      const double distance = std::abs(double(s) - center) / center;
      local_P = std::max<int64_t>(1, int64_t(double(g.P) * (1.0 - g.convergent_factor * distance)));
    }
    if (s * g.stride + (local_P - 1) * g.dilation >= g.n_in_streams) break;
    if (s > (int64_t(1) << 31)) return error = "too many output streams", std::vector<std::vector<int64_t>>{};
  }
  S = std::max<int64_t>(1, s);
  // The map: -1 where a convergent window (round(), center S / 2) is shorter.
  std::vector<std::vector<int64_t>> map(size_t(S), std::vector<int64_t>(size_t(g.P), -1));
  for (int64_t t = 0; t < S; ++t) {
    int64_t local_P = g.P;
    if (g.convergent_factor > 0.0) {
      const double center = double(S) / 2.0;
      const double distance = std::abs(double(t) - center) / center;
      local_P = std::max<int64_t>(1, round_half_even(double(g.P) * (1.0 - g.convergent_factor * distance)));
    }
    for (int64_t p = 0; p < local_P && p < g.P; ++p) map[size_t(t)][size_t(p)] = t * g.stride + p * g.dilation;
  }
  return map;
}

LocalConnectivity local_connectivity(const LocalGeometry& g, std::string& error) {
  int64_t S = 0;
  std::vector<std::vector<int64_t>> map = forward_map(g, S, error);
  if (!error.empty()) return {};
  // The tensor's own geometry: (P, streams out, K, O) over streams in.
  int64_t P = g.P, out_streams = S, in_streams = g.n_in_streams, K = g.K, O = g.O;
  if (g.invert) {
    // Each input stream lists the output streams that read it, in order.
    std::vector<std::vector<int64_t>> links(size_t(g.n_in_streams));
    for (int64_t s = 0; s < S; ++s)
      for (int64_t p = 0; p < g.P; ++p) {
        const int64_t i = map[size_t(s)][size_t(p)];
        if (i >= 0 && i < g.n_in_streams) links[size_t(i)].push_back(s);
      }
    P = 1;
    for (const auto& l : links) P = std::max<int64_t>(P, int64_t(l.size()));
    map.assign(size_t(g.n_in_streams), std::vector<int64_t>(size_t(P), -1));
    for (size_t i = 0; i < links.size(); ++i)
      for (size_t k = 0; k < links[i].size(); ++k) map[i][k] = links[i][k];
    out_streams = g.n_in_streams;
    in_streams = S;
    K = g.O;
    O = g.K;
  }
  const int64_t rows = in_streams * K, columns = out_streams * O, values = P * out_streams * K * O;
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (rows > kMax || columns > kMax || values > kMax) {
    error = "the synaptic tensor has more than 2^31 - 1 elements";
    return {};
  }
  std::vector<Connection> connections;
  for (int64_t s = 0; s < out_streams; ++s)
    for (int64_t p = 0; p < P; ++p) {
      const int64_t i = map[size_t(s)][size_t(p)];
      if (i < 0 || i >= in_streams) continue;
      for (int64_t k = 0; k < K; ++k)
        for (int64_t o = 0; o < O; ++o)
          connections.push_back({int32_t(i * K + k), int32_t(s * O + o), int32_t(((p * out_streams + s) * K + k) * O + o)});
    }
  return {ir::make_connectivity(rows, columns, values, std::move(connections)), {P, out_streams, K, O}};
}

}  // namespace

const ConnectivityDecl* Elaborator::find_connectivity(const Instance& inst, const std::string& name) const {
  for (const ComponentDecl* c : inst.chain)  // the component first: its declaration replaces a parent's
    for (const ConnectivityDecl& d : c->connectivities)
      if (d.name == name) return &d;
  return nullptr;
}

// Decided once per instance, the first time something names it (a
// dimension, a method), and only then: a dense synapse never draws the
// structure it does not use.
Value Elaborator::connectivity_value(Instance& inst, const ConnectivityDecl& decl) {
  const std::string name = inst.name + "." + decl.name;
  if (auto it = connectivities_.find(name); it != connectivities_.end()) return it->second;
  if (!building_connectivity_.empty())
    fail(decl.loc, "connectivity " + name + " is named while " + building_connectivity_ + " is being decided");
  building_connectivity_ = name;
  const bool saved_static = static_mode_;
  Value v;
  try {
    v = static_value(*decl.value, inst, "a connectivity");
  } catch (const Error& err) {
    // Said first at the model's instance, whose arguments decided it.
    static_mode_ = saved_static;
    building_connectivity_.clear();
    fail(inst.loc, "instance '" + inst.name + "' of " + inst.component().name + ": its connectivity '" + decl.name +
                       "'" + where_declared(decl.loc) + " cannot be made: " +
                       (err.diagnostics().empty() ? std::string(err.what()) : err.diagnostics().front().message));
  }
  static_mode_ = saved_static;
  building_connectivity_.clear();
  if (v.kind != Value::Kind::Connectivity)
    fail(decl.value->loc, "connectivity '" + decl.name +
                              "' must be made by bernoulli_connectivity(...) or local_connectivity(...), got " +
                              v.describe());
  v.text = name;
  program_.connectivity({name, v.connectivity, decl.loc});
  connectivities_[name] = v;
  return v;
}

Value Elaborator::connectivity_attribute(const Value& conn, const Expr& e) {
  const ir::ConnectivityTables& t = *conn.connectivity;
  auto integer = [](int64_t n) { return Value::number_of(double(n), true); };
  if (e.text == "rows") return integer(t.rows);
  if (e.text == "columns") return integer(t.columns);
  if (e.text == "connections") return integer(t.entries());
  if (e.text == "shape") {
    Value shape;
    shape.kind = Value::Kind::Tuple;
    for (const Value& d : conn.items) shape.items.push_back(d);
    return shape;
  }
  fail(e.loc, "a connectivity has .rows, .columns, .connections and .shape (of its values), not ." + e.text +
                  did_you_mean(e.text, {"rows", "columns", "connections", "shape"}));
}

std::optional<Value> Elaborator::call_connectivity_builtin(const std::string& name, const Expr& e, Scope& scope) {
  const bool makes = name == "bernoulli_connectivity" || name == "local_connectivity";
  if (!makes && name != "sparse_matmul" && name != "gather") return std::nullopt;
  if (makes && building_connectivity_.empty())
    fail(e.loc, name + "() decides a structure when the model is built: write it in a declaration, "
                       "connectivity NAME = " + name + "(...)");
  auto number = [&](const Expr& x, const char* what, bool integer) {
    Value v = eval_static(x, scope, what);
    if (v.kind == Value::Kind::Bool && !integer) return v.boolean ? 1.0 : 0.0;
    if (v.kind != Value::Kind::Number || (integer && !v.is_int))
      fail(x.loc, std::string(what) + " must be " + (integer ? "an integer" : "a number") + ", got " + v.describe());
    return v.number;
  };
  auto connectivity_arg = [&](const Expr& x) {
    Value v = eval(x, scope);
    if (v.kind != Value::Kind::Connectivity)
      fail(x.loc, name + "() needs a connectivity (declared with 'connectivity NAME = ...'), got " + v.describe());
    return v;
  };
  auto made = [&](std::shared_ptr<const ir::ConnectivityTables> tables, std::vector<int64_t> shape) {
    Value v;
    v.kind = Value::Kind::Connectivity;
    v.connectivity = std::move(tables);
    for (int64_t d : shape) v.items.push_back(Value::number_of(double(d), true));
    return v;
  };

  if (name == "bernoulli_connectivity") {
    // Each (row, column) connects with probability p: element row * columns +
    // column of a uniform draw from the model's seed, stream the
    // connectivity's name, counter 0, below binary32 p (as bernoulli()).
    if (e.items.size() != 2 || !e.kwargs.empty())
      fail(e.loc, "bernoulli_connectivity(p, (rows, columns)) takes two arguments");
    const double p = number(*e.items[0], "the connection probability", false);
    Value shape = eval_static(*e.items[1], scope, "a shape");
    if (shape.kind != Value::Kind::Tuple || shape.items.size() != 2)
      fail(e.items[1]->loc, "bernoulli_connectivity needs the shape (rows, columns), got " + shape.describe());
    int64_t dims[2];
    for (int a = 0; a < 2; ++a) {
      const Value& d = shape.items[size_t(a)];
      if (d.kind != Value::Kind::Number || !d.is_int || d.number < 0)
        fail(e.items[1]->loc, "a shape must be a tuple of non-negative integers, got " + d.describe());
      dims[a] = int64_t(d.number);
    }
    if (dims[0] * dims[1] > (int64_t(1) << 32) || dims[0] > std::numeric_limits<int32_t>::max() ||
        dims[1] > std::numeric_limits<int32_t>::max())
      fail(e.loc, "bernoulli_connectivity draws one number per element: at most 2^32 elements");
    const float p32 = float(p);
    const uint32_t stream = random::stream_id(building_connectivity_);
    const int64_t total = dims[0] * dims[1];
    // Refused before drawing when the connections could not be indexed by
    // i32: the expected count, six standard deviations up, past 2^31 - 1.
    const double q = std::clamp(double(p32), 0.0, 1.0);
    const double expected = double(total) * q;
    if (expected + 6.0 * std::sqrt(expected * (1.0 - q)) > double(std::numeric_limits<int32_t>::max()))
      fail(e.loc, "bernoulli_connectivity would make about " + std::to_string(int64_t(expected)) +
                      " connections; at most 2^31 - 1 can be indexed");
    // The tables are built as the draws come, already by row and column.
    auto t = std::make_shared<ir::ConnectivityTables>();
    t->rows = dims[0];
    t->columns = dims[1];
    t->row_start.assign(size_t(dims[0]) + 1, 0);
    t->column.reserve(size_t(expected * 1.01) + 16);
    constexpr int64_t kChunk = 4096;  // blocks drawn at a time
    std::vector<float> u(size_t(4 * kChunk));
    const int64_t blocks = (total + 3) / 4;
    for (int64_t first = 0; first < blocks; first += kChunk) {
      const int64_t count = std::min(kChunk, blocks - first);
      random::uniform_blocks(seed_, stream, 0, uint32_t(first), uint32_t(count), u.data());
      const int64_t end = std::min(total, 4 * (first + count));
      for (int64_t i = 4 * first; i < end; ++i) {
        if (u[size_t(i - 4 * first)] < p32) {
          if (t->column.size() >= size_t(std::numeric_limits<int32_t>::max()))
            fail(e.loc, "bernoulli_connectivity makes more than 2^31 - 1 connections");
          ++t->row_start[size_t(i / dims[1]) + 1];
          t->column.push_back(int32_t(i % dims[1]));
        }
      }
    }
    for (size_t r = 0; r < size_t(dims[0]); ++r) t->row_start[r + 1] += t->row_start[r];
    t->values = t->entries();
    const int64_t count = t->entries();
    return made(std::move(t), {count});
  }

  if (name == "local_connectivity") {
    static const std::vector<std::string> keys = {"n_in_streams", "K_local",  "O_local",           "P_l",
                                                  "stride",       "dilation", "convergent_factor", "invert_conn"};
    std::vector<const Expr*> args(keys.size(), nullptr);
    if (e.items.size() > keys.size()) fail(e.loc, "local_connectivity() takes at most 8 arguments");
    for (size_t i = 0; i < e.items.size(); ++i) args[i] = e.items[i].get();
    for (const auto& [k, v] : e.kwargs) {
      auto it = std::find(keys.begin(), keys.end(), k);
      if (it == keys.end()) fail(v->loc, "local_connectivity() has no argument '" + k + "'" + did_you_mean(k, keys));
      if (args[size_t(it - keys.begin())]) fail(v->loc, "local_connectivity() is given '" + k + "' twice");
      args[size_t(it - keys.begin())] = v.get();
    }
    for (size_t i = 0; i < 3; ++i)
      if (!args[i]) fail(e.loc, "local_connectivity() needs " + keys[i]);
    auto integer_arg = [&](size_t i, int64_t fallback) {
      return args[i] ? int64_t(number(*args[i], keys[i].c_str(), true)) : fallback;
    };
    LocalGeometry g{integer_arg(0, 0), integer_arg(1, 0), integer_arg(2, 0), integer_arg(3, 1), integer_arg(4, 1),
                    integer_arg(5, 1), args[6] ? number(*args[6], "convergent_factor", false) : 0.0,
                    args[7] ? number(*args[7], "invert_conn", false) != 0.0 : false};
    std::string error;
    LocalConnectivity c = local_connectivity(g, error);
    if (!error.empty()) fail(e.loc, "local_connectivity: " + error);
    return made(c.tables, c.weight_shape);
  }

  if (!process_) fail(e.loc, name + "() computes a tensor: it is only available inside a method");
  if (name == "sparse_matmul") {
    // sparse_matmul(x, values, conn): x [B, rows] through the connections.
    if (e.items.size() != 3 || !e.kwargs.empty()) fail(e.loc, "sparse_matmul(x, values, connectivity) takes three arguments");
    Value conn = connectivity_arg(*e.items[2]);
    ir::NodeRef x = as_f32(to_tensor(eval(*e.items[0], scope), e.items[0]->loc));
    ir::NodeRef values = as_f32(to_tensor(eval(*e.items[1], scope), e.items[1]->loc));
    if (x->type.shape.rank() == 1) x = process_->reshape(x, ir::Shape{1, x->type.shape[0]});
    if (x->type.shape.rank() != 2 || x->type.shape[1] != conn.connectivity->rows)
      fail(e.items[0]->loc, "sparse_matmul needs inputs [B, " + std::to_string(conn.connectivity->rows) + "] for " +
                                conn.text + ", got " + x->type.str());
    if (values->type.shape.num_elements() != conn.connectivity->values)
      fail(e.items[1]->loc, "sparse_matmul needs " + std::to_string(conn.connectivity->values) + " values for " +
                                conn.text + ", got " + values->type.str());
    return Value::tensor_of(process_->sparse_matmul(x, values, conn.text));
  }
  // gather(matrix, conn): the matrix's elements at the connections.
  if (e.items.size() != 2 || !e.kwargs.empty()) fail(e.loc, "gather(matrix, connectivity) takes two arguments");
  Value conn = connectivity_arg(*e.items[1]);
  ir::NodeRef x = to_tensor(eval(*e.items[0], scope), e.items[0]->loc);
  const ir::Shape want{conn.connectivity->rows, conn.connectivity->columns};
  if (x->type.shape != want) {
    if (x->type.shape.rank() > 2 || !ir::broadcasts_to(x->type.shape, want))
      fail(e.items[0]->loc, "gather needs a " + want.str() + " matrix for " + conn.text + ", got " + x->type.str());
    x = process_->broadcast(x, want);
  }
  return Value::tensor_of(process_->gather(x, conn.text));
}

}  // namespace nf::frontend
