#include "ir/interpreter.h"

#include <array>
#include <cmath>
#include <unordered_map>

#include "ir/elementwise.h"
#include "ir/random.h"

namespace nf::ir {

State State::initial(const Program& program, uint64_t seed) {
  State s;
  s.seed = seed;
  for (const Compartment& c : program.compartments) s.compartments[c.name] = Tensor::filled(c.type, c.init);
  for (const Parameter& p : program.params) s.params[p.name] = p.default_value;
  return s;
}

const Tensor& State::get(const std::string& compartment) const {
  auto it = compartments.find(compartment);
  if (it == compartments.end()) throw Error("state has no compartment '" + compartment + "'");
  return it->second;
}

void State::set(const std::string& compartment, Tensor value) {
  auto it = compartments.find(compartment);
  if (it == compartments.end()) throw Error("state has no compartment '" + compartment + "'");
  if (it->second.type != value.type)
    throw Error("compartment '" + compartment + "' is " + it->second.type.str() + ", given " + value.type.str());
  it->second = std::move(value);
}

void State::set_param(const std::string& name, double value) {
  auto it = params.find(name);
  if (it == params.end()) throw Error("state has no parameter '" + name + "'");
  it->second = value;
}

Tensor read_value(const Program& program, const State& state, const std::string& name) {
  const Alias* alias = program.find_alias(name);
  if (!alias) return state.get(name);
  std::vector<Tensor> values;
  for (const std::string& t : alias->terms) {
    if (t != "+" && t != "*") {
      values.push_back(state.get(t));
      continue;
    }
    if (values.size() < 2) throw Error("alias '" + name + "' is malformed");
    Tensor right = std::move(values.back());
    values.pop_back();
    Tensor& left = values.back();
    const Op op = t == "+" ? Op::Add : Op::Mul;
    for (size_t i = 0; i < left.size(); ++i)
      left.words[i] = eval_element(op, left.type.dtype, left.type.dtype, std::array{left.words[i], right.words[i]});
  }
  if (values.size() != 1) throw Error("alias '" + name + "' is malformed");
  return std::move(values[0]);
}

State create_state(const Program& program, uint64_t seed) {
  // A compiler stage's program (ir/program.h: hidden compartments, process
  // variants) means what the compiled module does with it, which dispatches
  // variants and derives parameter values; run as it stands it would not.
  for (const Compartment& c : program.compartments)
    if (c.hidden != Hidden::None)
      throw Error("the interpreter runs a model's own program; this one is a compiler stage (it has '" + c.name +
                  "'): run the model, or compile the stage");
  for (const Process& p : program.processes)
    if (p.variant != Variant::Public)
      throw Error("the interpreter runs a model's own program; this one is a compiler stage (it has process '" +
                  p.name + "'): run the model, or compile the stage");
  State s = State::initial(program, seed);
  if (program.find_process(kInitializeProcess))
    run_process(program, kInitializeProcess, s, 0.0, program.default_dt);
  return s;
}

namespace {

// The reduction and draw switches below list their ops and end in
// NF_CASES_EXCEPT_REDUCE / NF_CASES_EXCEPT_RANDOM (ir/ops.h) instead of
// `default:`, so -Wswitch names an op of theirs that they forgot.

[[noreturn]] void wrong_class(const Node& n, const char* evaluator) {
  throw Error("internal error: op '" + std::string(op_name(n.op)) + "' reaches the " + evaluator + " evaluator");
}

using Index = std::vector<int64_t>;

Index unravel(int64_t flat, const Shape& shape) {
  Index idx(size_t(shape.rank()));
  for (int a = shape.rank() - 1; a >= 0; --a) {
    idx[size_t(a)] = flat % shape[a];
    flat /= shape[a];
  }
  return idx;
}

// Flat index into `operand` of the element that NumPy broadcasting pairs with
// output element `out` (aligned at the last axis; size-1 axes repeat).
int64_t broadcast_source(const Index& out, const Shape& operand) {
  int64_t flat = 0;
  int offset = int(out.size()) - operand.rank();
  for (int a = 0; a < operand.rank(); ++a) {
    int64_t i = operand[a] == 1 ? 0 : out[size_t(a + offset)];
    flat = flat * operand[a] + i;
  }
  return flat;
}

Tensor elementwise(const Node& n, const std::vector<const Tensor*>& in) {
  Tensor out(n.type);
  DType operand_dtype = in[n.op == Op::Select ? 1 : 0]->type.dtype;
  uint32_t args[3];
  for (int64_t k = 0; k < int64_t(out.size()); ++k) {
    Index idx = unravel(k, out.type.shape);
    for (size_t j = 0; j < in.size(); ++j) args[j] = in[j]->words[size_t(broadcast_source(idx, in[j]->type.shape))];
    out.words[size_t(k)] = eval_element(n.op, operand_dtype, n.type.dtype, std::span(args, in.size()));
  }
  return out;
}

// out[i,j] = sum over k ascending of a[i,k]*b[k,j]; each product rounded, then
// added to the running sum, which starts at the k = 0 product (+0 when K = 0).
Tensor matmul(const Node& n, const Tensor& a, const Tensor& b) {
  Tensor out(n.type, std::bit_cast<uint32_t>(0.0f));
  int64_t M = a.type.shape[0], K = a.type.shape[1], N = b.type.shape[1];
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      if (K == 0) continue;
      float acc = a.f32(size_t(i * K)) * b.f32(size_t(j));
      for (int64_t k = 1; k < K; ++k) acc = acc + a.f32(size_t(i * K + k)) * b.f32(size_t(k * N + j));
      out.words[size_t(i * N + j)] = std::bit_cast<uint32_t>(acc);
    }
  return out;
}

// out[b, j] = +0, plus x[b, r] * values[value(e)] for every connection e =
// (r, j) in ascending r whose input x[b, r] is not a zero: each product
// rounded, then added. A sum that starts at +0 never becomes -0, so the
// skipped zero inputs would have changed nothing (unless their weight is
// infinite or NaN): a step reads only the rows of the inputs that spiked.
Tensor sparse_matmul(const Node& n, const Tensor& x, const Tensor& values, const ConnectivityTables& t) {
  Tensor out(n.type, std::bit_cast<uint32_t>(0.0f));
  const int64_t B = x.type.shape[0], N = n.type.shape[1];
  for (int64_t b = 0; b < B; ++b)
    for (int64_t r = 0; r < t.rows; ++r) {
      const float xr = x.f32(size_t(b * t.rows + r));
      if (xr == 0.0f) continue;
      for (int32_t e = t.row_start[size_t(r)]; e < t.row_start[size_t(r) + 1]; ++e) {
        uint32_t& acc = out.words[size_t(b * N + t.column[size_t(e)])];
        acc = std::bit_cast<uint32_t>(std::bit_cast<float>(acc) + xr * values.f32(size_t(t.value_of(e))));
      }
    }
  return out;
}

// out[e] = x[row(e), column(e)] for every connection e, in entry order.
Tensor gather(const Node& n, const Tensor& x, const ConnectivityTables& t) {
  Tensor out(n.type);
  for (int64_t r = 0; r < t.rows; ++r)
    for (int32_t e = t.row_start[size_t(r)]; e < t.row_start[size_t(r) + 1]; ++e)
      out.words[size_t(e)] = x.words[size_t(r * t.columns + t.column[size_t(e)])];
  return out;
}

Tensor transpose(const Node& n, const Tensor& x) {
  Tensor out(n.type);
  const std::vector<int64_t> in_strides = x.type.shape.strides();
  for (int64_t k = 0; k < int64_t(out.size()); ++k) {
    Index idx = unravel(k, out.type.shape);
    int64_t src = 0;
    for (size_t j = 0; j < idx.size(); ++j) src += idx[j] * in_strides[size_t(n.attrs.perm[j])];
    out.words[size_t(k)] = x.words[size_t(src)];
  }
  return out;
}

// Reductions visit the reduced axis in ascending order; the accumulator starts
// at the first element.
Tensor reduce(const Node& n, const Tensor& x) {
  Tensor out(n.type);
  const Shape& in = x.type.shape;
  int axis = n.attrs.axis;
  int64_t len = in[axis];
  int64_t stride = in.strides()[size_t(axis)];
  int64_t outer = 1, inner = stride;
  for (int a = 0; a < axis; ++a) outer *= in[a];
  bool is_f32 = x.type.dtype == DType::F32;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t r = 0; r < inner; ++r) {
      size_t base = size_t(o * len * stride + r);
      auto at = [&](int64_t k) { return x.words[base + size_t(k * stride)]; };
      uint32_t result = 0;
      switch (n.op) {
        case Op::Sum:
        case Op::Mean: {
          Op add = Op::Add;
          uint32_t acc = len == 0 ? 0u : at(0);  // 0u is +0.0f and i32 0
          for (int64_t k = 1; k < len; ++k) {
            uint32_t pair[2] = {acc, at(k)};
            acc = eval_element(add, x.type.dtype, x.type.dtype, pair);
          }
          if (n.op == Op::Mean) acc = std::bit_cast<uint32_t>(std::bit_cast<float>(acc) / static_cast<float>(len));
          result = acc;
          break;
        }
        case Op::ReduceMax: {
          uint32_t acc = at(0);
          for (int64_t k = 1; k < len; ++k) {
            uint32_t pair[2] = {acc, at(k)};
            acc = eval_element(Op::Max, x.type.dtype, x.type.dtype, pair);
          }
          result = acc;
          break;
        }
        case Op::ArgMax: {
          // First index of the maximum; a NaN counts as larger than everything.
          int64_t best = 0;
          for (int64_t k = 1; k < len; ++k) {
            if (is_f32) {
              float cur = std::bit_cast<float>(at(best)), v = std::bit_cast<float>(at(k));
              if (std::isnan(cur)) break;
              if (std::isnan(v) || v > cur) best = k;
            } else if (std::bit_cast<int32_t>(at(k)) > std::bit_cast<int32_t>(at(best))) {
              best = k;
            }
          }
          result = std::bit_cast<uint32_t>(int32_t(best));
          break;
        }
        NF_CASES_EXCEPT_REDUCE
          wrong_class(n, "reduction");
      }
      out.words[size_t(o * inner + r)] = result;
    }
  return out;
}

Tensor broadcast(const Node& n, const Tensor& x) {
  Tensor out(n.type);
  for (int64_t k = 0; k < int64_t(out.size()); ++k)
    out.words[size_t(k)] = x.words[size_t(broadcast_source(unravel(k, out.type.shape), x.type.shape))];
  return out;
}

Tensor slice(const Node& n, const Tensor& x) {
  Tensor out(n.type);
  const std::vector<int64_t> strides = x.type.shape.strides();
  for (int64_t k = 0; k < int64_t(out.size()); ++k) {
    Index idx = unravel(k, out.type.shape);
    int64_t src = 0;
    for (size_t a = 0; a < idx.size(); ++a) src += (idx[a] + n.attrs.begin[a]) * strides[a];
    out.words[size_t(k)] = x.words[size_t(src)];
  }
  return out;
}

Tensor concat(const Node& n, const std::vector<const Tensor*>& in) {
  Tensor out(n.type);
  int axis = n.attrs.axis;
  for (int64_t k = 0; k < int64_t(out.size()); ++k) {
    Index idx = unravel(k, out.type.shape);
    size_t part = 0;
    while (idx[size_t(axis)] >= in[part]->type.shape[axis]) idx[size_t(axis)] -= in[part++]->type.shape[axis];
    const std::vector<int64_t> strides = in[part]->type.shape.strides();
    int64_t src = 0;
    for (size_t a = 0; a < idx.size(); ++a) src += idx[a] * strides[a];
    out.words[size_t(k)] = in[part]->words[size_t(src)];
  }
  return out;
}

// Row of `depth` with 1.0 at the index; an index outside [0, depth) gives zeros.
Tensor one_hot(const Node& n, const Tensor& indices) {
  Tensor out(n.type, std::bit_cast<uint32_t>(0.0f));
  int64_t depth = n.type.shape[n.type.shape.rank() - 1];
  for (size_t k = 0; k < indices.size(); ++k) {
    int32_t i = indices.i32(k);
    if (i >= 0 && i < depth) out.words[k * size_t(depth) + size_t(i)] = std::bit_cast<uint32_t>(1.0f);
  }
  return out;
}

Tensor draw(const Node& n, const std::vector<const Tensor*>& in, uint64_t seed) {
  Tensor out(n.type);
  uint32_t stream = random::stream_id(n.attrs.name);
  uint32_t counter = in.back()->words[0];
  for (int64_t k = 0; k < int64_t(out.size()); ++k) {
    uint32_t index = uint32_t(k);
    switch (n.op) {
      case Op::Uniform:
        out.words[size_t(k)] = std::bit_cast<uint32_t>(random::uniform(seed, stream, counter, index));
        break;
      case Op::Normal:
        out.words[size_t(k)] = std::bit_cast<uint32_t>(random::normal(seed, stream, counter, index));
        break;
      case Op::Bernoulli: {
        float p = in[0]->f32(size_t(broadcast_source(unravel(k, out.type.shape), in[0]->type.shape)));
        out.words[size_t(k)] = random::bernoulli(p, seed, stream, counter, index) ? 1u : 0u;
        break;
      }
      NF_CASES_EXCEPT_RANDOM
        wrong_class(n, "random draw");
    }
  }
  return out;
}


}  // namespace

namespace {

bool touches_f64(const Node& n) {
  if (n.type.dtype == DType::F64) return true;
  for (const NodeRef& o : n.operands)
    if (o->type.dtype == DType::F64) return true;
  return false;
}

}  // namespace

void run_process(const Program& program, const std::string& name, State& state, double t, double dt) {
  const Process* process = program.find_process(name);
  if (!process) throw Error("program has no process '" + name + "'");
  std::unordered_map<const Node*, Tensor> values;
  // Parameter arithmetic: f64 scalars as bit patterns (docs/SEMANTICS.md).
  std::unordered_map<const Node*, uint64_t> scalars;
  auto leaf64 = [&](const Node& n) -> double {
    if (op_class(n.op) == OpClass::StepArg) return n.op == Op::Time ? t : dt;
    auto it = state.params.find(n.attrs.name);
    if (it == state.params.end()) throw Error("state has no parameter '" + n.attrs.name + "'");
    return it->second;
  };
  for (const NodeRef& node : process->body) {
    const Node& n = *node;
    OpClass cls = op_class(n.op);
    bool leaf = cls == OpClass::Param || cls == OpClass::StepArg;
    if (touches_f64(n) || leaf) {
      uint64_t r;
      if (cls == OpClass::Const) {
        r = n.attrs.literal.bits;
      } else if (leaf) {
        r = std::bit_cast<uint64_t>(leaf64(n));
        if (n.type.dtype == DType::F32) r = eval_scalar64(Op::Cast, DType::F32, std::span(&r, 1));
      } else {
        std::vector<uint64_t> args;
        for (const NodeRef& o : n.operands)
          args.push_back(o->type.dtype == DType::F64 ? scalars.at(o.get()) : values.at(o.get()).words.at(0));
        r = eval_scalar64(n.op, n.type.dtype, args);
      }
      if (n.type.dtype == DType::F64) scalars[&n] = r;
      else values[&n] = Tensor(n.type, uint32_t(r));
      continue;
    }
    std::vector<const Tensor*> in;
    for (const NodeRef& o : n.operands) in.push_back(&values.at(o.get()));
    Tensor result;
    switch (cls) {
      case OpClass::Const: result = Tensor::filled(n.type, n.attrs.literal); break;
      case OpClass::Read: result = state.get(n.attrs.name); break;
      case OpClass::Write: state.set(n.attrs.name, *in[0]); continue;
      case OpClass::Param:
      case OpClass::StepArg: break;  // above
      case OpClass::Unary:
      case OpClass::Binary:
      case OpClass::Compare:
      case OpClass::Ternary:
      case OpClass::Cast: result = elementwise(n, in); break;
      case OpClass::MatMul: result = matmul(n, *in[0], *in[1]); break;
      case OpClass::Transpose: result = transpose(n, *in[0]); break;
      case OpClass::Reduce: result = reduce(n, *in[0]); break;
      case OpClass::Reshape: result = Tensor(n.type); result.words = in[0]->words; break;
      case OpClass::Broadcast: result = broadcast(n, *in[0]); break;
      case OpClass::Slice: result = slice(n, *in[0]); break;
      case OpClass::Concat: result = concat(n, in); break;
      case OpClass::OneHot: result = one_hot(n, *in[0]); break;
      case OpClass::Iota: {
        result = Tensor(n.type);
        for (int64_t k = 0; k < int64_t(result.size()); ++k)
          result.words[size_t(k)] = uint32_t(unravel(k, n.type.shape)[size_t(n.attrs.axis)]);
        break;
      }
      case OpClass::Random: result = draw(n, in, state.seed); break;
      case OpClass::Sparse: {
        const Connectivity* c = program.find_connectivity(n.attrs.name);
        if (!c) throw Error("program has no connectivity '" + n.attrs.name + "'");
        result = n.op == Op::SparseMatMul ? sparse_matmul(n, *in[0], *in[1], *c->tables) : gather(n, *in[0], *c->tables);
        break;
      }
    }
    values[&n] = std::move(result);
  }
}

}  // namespace nf::ir
