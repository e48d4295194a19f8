// describe_splits (partition.h): the nf_split table of every hooked kernel.
#include "compiler/partition.h"

#include <functional>
#include <set>

#include "ir/ops.h"

namespace nf::compiler {

bool splittable(const Kernel& k) {
  return (k.kind == KernelKind::Elementwise && k.domain.rank() >= 1) || k.kind == KernelKind::MatMul ||
         k.kind == KernelKind::RowSweep;
}

// A sparse kernel runs whole on one thread: the connections of a row scatter
// into any column.
int64_t split_extent(const Kernel& k) {
  if (k.kind == KernelKind::Sparse) return 1;
  if (k.kind == KernelKind::MatMul) return k.domain[0] > 1 ? k.domain[0] : k.domain[1];
  if (k.kind == KernelKind::RowSweep) return k.domain[1];
  return k.domain.rank() >= 1 ? k.domain[0] : 1;
}

int64_t work_of(const Kernel& k) {
  int64_t n = k.domain.num_elements();
  return k.kind == KernelKind::MatMul ? n * k.outputs[0].node->operands[0]->type.shape[1] : n;
}

bool splits_by_columns(const Kernel& k) {
  return k.kind == KernelKind::RowSweep || (k.kind == KernelKind::MatMul && k.domain[0] == 1);
}

namespace {

bool hooked(const Kernel& k) { return splittable(k) && split_extent(k) > 1; }

bool is_matrix(const ir::Shape& s) { return s.rank() == 2 && s[0] > 1; }

// Whether `kernel` reads compartment `name` (a matrix) only in the columns
// it computes: it is split by columns, and every value it computes from the
// matrix is element-wise at the matrix's own shape, or a vector-matrix
// product with the matrix on the right (which adds row k of column j into
// output j).
bool reads_own_columns(const Kernel& kernel, const std::string& name, const ir::Shape& shape) {
  if (!hooked(kernel) || !splits_by_columns(kernel)) return false;
  if (kernel.kind == KernelKind::RowSweep && !(kernel.domain == shape)) return false;
  std::set<const ir::Node*> computed(kernel.fused.begin(), kernel.fused.end());
  for (const KernelOutput& o : kernel.outputs) computed.insert(o.node);
  for (const ir::Node* n : kernel.swept) computed.insert(n);
  std::map<const ir::Node*, bool> memo;
  std::function<bool(const ir::Node*)> depends = [&](const ir::Node* n) {
    if (n->op == ir::Op::Read) return n->attrs.name == name;
    if (!computed.count(n)) return false;  // loaded from the buffer another kernel stored
    auto [it, fresh] = memo.emplace(n, false);
    if (!fresh) return it->second;
    bool d = false;
    for (const ir::NodeRef& op : n->operands) d = depends(op.get()) || d;
    return memo[n] = d;
  };
  for (const ir::Node* n : computed) {
    if (n->op == ir::Op::Read || !depends(n)) continue;
    switch (ir::op_class(n->op)) {
      case ir::OpClass::Unary:
      case ir::OpClass::Binary:
      case ir::OpClass::Compare:
      case ir::OpClass::Ternary:
      case ir::OpClass::Cast:
      case ir::OpClass::Broadcast:
        if (!(n->type.shape == shape)) return false;
        break;
      case ir::OpClass::MatMul:
        if (!is_vector_matrix(*n) || depends(n->operands[0].get()) || !(n->operands[1]->type.shape == shape))
          return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// The matrices a partitioned host may leave stale outside the columns each
// process owns: every kernel of every process that reads them reads only
// its own columns, no copy reads them, and no product skips rows by their
// facts (whose check reads the whole matrix).
std::set<std::string> kept_by_columns(const Plan& plan) {
  std::set<std::string> kept;
  for (const Slot& s : plan.layout.compartments)
    if (is_matrix(s.type.shape)) kept.insert(s.name);
  for (const EventMatrix& e : plan.events) kept.erase(e.name);
  for (const ProcessPlan& pp : plan.processes) {
    for (const Copy& c : pp.copies)
      if (!c.from.scratch) kept.erase(c.from.compartment);
    for (const Kernel& k : pp.kernels)
      for (const std::string& name : k.reads)
        if (kept.count(name) && !reads_own_columns(k, name, plan.layout.compartment(name).type.shape))
          kept.erase(name);
  }
  return kept;
}

// Where output `o` of a kernel split into `rows` indices keeps index r's
// elements; nullopt when its shape does not follow the split.
std::optional<SplitOutput> place(const Plan& plan, const Kernel& k, const KernelOutput& o, int64_t rows) {
  const ir::Shape& s = o.node->type.shape;
  SplitOutput out;
  out.offset = o.dest.scratch ? plan.layout.scratch_offset + o.dest.offset : plan.layout.compartment(o.dest.compartment).offset;
  if (splits_by_columns(k)) {
    if (s.rank() != 2 || s[1] != rows) return std::nullopt;
    out.blocks = s[0];
    out.stride = s[1] * 4;
    out.unit = 4;
  } else {
    if (s.rank() < 1 || s[0] != rows) return std::nullopt;
    out.blocks = 1;
    out.unit = s.num_elements() / rows * 4;
    out.stride = s.num_elements() * 4;
  }
  return out;
}

}  // namespace

std::map<const Kernel*, KernelSplit> describe_splits(const Plan& plan) {
  const std::set<std::string> kept = kept_by_columns(plan);
  std::map<const Kernel*, KernelSplit> splits;
  for (const ProcessPlan& pp : plan.processes)
    for (const Kernel& k : pp.kernels) {
      if (!hooked(k)) continue;
      KernelSplit split;
      const int64_t rows = split_extent(k);
      for (const KernelOutput& o : k.outputs) {
        std::optional<SplitOutput> placed = place(plan, k, o, rows);
        if (!placed) {
          split = KernelSplit{true, {}};
          break;
        }
        placed->exchange = !(splits_by_columns(k) && !o.dest.scratch && kept.count(o.dest.compartment));
        split.outputs.push_back(*placed);
      }
      splits[&k] = std::move(split);
    }
  return splits;
}

}  // namespace nf::compiler
