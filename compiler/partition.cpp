// describe_splits (partition.h): the nf_split table of every hooked kernel.
#include "compiler/partition.h"

#include <algorithm>
#include <functional>
#include <set>

#include "ir/ops.h"

namespace nf::compiler {

namespace {

bool is_matrix(const ir::Shape& s) { return s.rank() == 2 && s[0] > 1 && s[1] > 1; }

// Rank 2 with more than one column: a matrix, or a population's [1,N].
bool has_columns(const ir::Shape& s) { return s.rank() == 2 && s[1] > 1; }

// The values a kernel computes in its loop.
std::set<const ir::Node*> computed_in(const Kernel& kernel) {
  std::set<const ir::Node*> computed(kernel.fused.begin(), kernel.fused.end());
  for (const KernelOutput& o : kernel.outputs) computed.insert(o.node);
  for (const ir::Node* n : kernel.swept) computed.insert(n);
  return computed;
}

// The compartment a value the kernel does not compute is loaded from: an
// earlier kernel of the process stored it there ("" for scratch or none).
std::string loaded_from(const ProcessPlan& pp, const ir::Node* n) {
  auto it = pp.materialized.find(n);
  return it == pp.materialized.end() || it->second.scratch ? "" : it->second.compartment;
}

// Every compartment a kernel loads: those it reads as they were at the
// start of the process, and those an earlier kernel of the process wrote.
std::set<std::string> loads_of(const ProcessPlan& pp, const Kernel& kernel) {
  std::set<std::string> loads(kernel.reads.begin(), kernel.reads.end());
  const std::set<const ir::Node*> computed = computed_in(kernel);
  for (const ir::Node* n : computed)
    for (const ir::NodeRef& op : n->operands)
      if (!computed.count(op.get()))
        if (std::string from = loaded_from(pp, op.get()); !from.empty()) loads.insert(from);
  return loads;
}

}  // namespace

bool splittable(const Kernel& k) {
  return (k.kind == KernelKind::Elementwise && k.domain.rank() >= 1) || k.kind == KernelKind::MatMul ||
         k.kind == KernelKind::RowSweep || (k.kind == KernelKind::Sparse && k.split_columns);
}

int64_t split_extent(const Kernel& k) {
  if (k.split_columns) return k.domain[k.domain.rank() - 1];
  if (k.kind == KernelKind::Sparse) return 1;
  return k.domain.rank() >= 1 ? k.domain[0] : 1;
}

int64_t work_of(const Kernel& k) {
  int64_t n = k.domain.num_elements();
  return k.kind == KernelKind::MatMul ? n * k.outputs[0].node->operands[0]->type.shape[1] : n;
}

void choose_split_axes(Plan& plan) {
  std::set<std::string> read_by_columns;  // matrices a column-split loop reads
  for (ProcessPlan& pp : plan.processes)
    for (Kernel& k : pp.kernels) {
      const ir::Shape& d = k.domain;
      switch (k.kind) {
        case KernelKind::RowSweep: k.split_columns = true; break;
        case KernelKind::MatMul: k.split_columns = d[0] == 1; break;
        // A sparse product scatters its rows' connections into its output
        // columns (a gather's output is indexed by connection: whole).
        case KernelKind::Sparse: k.split_columns = k.outputs[0].node->op == ir::Op::SparseMatMul && d.rank() == 2; break;
        case KernelKind::Elementwise: k.split_columns = d.rank() == 2 && d[0] == 1 && d[1] > 1; break;
        default: break;
      }
      if (k.split_columns && k.kind != KernelKind::Sparse)
        for (const std::string& name : loads_of(pp, k))
          if (is_matrix(plan.layout.compartment(name).type.shape)) read_by_columns.insert(name);
    }
  for (ProcessPlan& pp : plan.processes)
    for (Kernel& k : pp.kernels) {
      if (k.kind != KernelKind::Elementwise || k.domain.rank() != 2 || k.domain[0] == 1) continue;
      for (const std::string& name : loads_of(pp, k)) k.split_columns = k.split_columns || read_by_columns.count(name) > 0;
      for (const KernelOutput& o : k.outputs)
        k.split_columns = k.split_columns || (!o.dest.scratch && read_by_columns.count(o.dest.compartment) > 0);
    }
}

namespace {

bool hooked(const Kernel& k) { return splittable(k) && split_extent(k) > 1; }

// Whether an output's elements follow its kernel's split: whole rows of a
// row split, or one column of every row of a column split. A kernel with an
// output that does not is run whole on every rank.
bool follows_split(const Kernel& k, const KernelOutput& o) {
  const ir::Shape& s = o.node->type.shape;
  const int64_t rows = split_extent(k);
  return splits_by_columns(k) ? s.rank() == 2 && s[1] == rows : s.rank() >= 1 && s[0] == rows;
}

// Whether a hooked kernel computes only its own range on each rank.
bool split_over_ranks(const Kernel& k) {
  if (!hooked(k)) return false;
  for (const KernelOutput& o : k.outputs)
    if (!follows_split(k, o)) return false;
  return true;
}

// Whether `kernel` reads a value with `columns` columns only in the columns
// it computes. The value's leaves in the kernel are the nodes `is_source`
// accepts (a Read of a compartment, or a value an earlier kernel stored and
// this one loads). The kernel must be split by columns over a domain of
// that many columns, and every value it computes from the source must be
// element-wise (NumPy's broadcasting keeps the last axis last, so column j
// stays column j), or a vector-matrix or outer product with the source on
// the right. A sparse product reads its input by rows.
bool reads_own_columns(const Kernel& kernel, const std::function<bool(const ir::Node*)>& is_source, int64_t columns) {
  if (!split_over_ranks(kernel) || !splits_by_columns(kernel) || kernel.kind == KernelKind::Sparse) return false;
  if (kernel.domain[kernel.domain.rank() - 1] != columns) return false;
  const std::set<const ir::Node*> computed = computed_in(kernel);
  std::map<const ir::Node*, bool> memo;
  std::function<bool(const ir::Node*)> depends = [&](const ir::Node* n) {
    if (n->op == ir::Op::Read || !computed.count(n)) return is_source(n);
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
        if (!has_columns(n->type.shape) || n->type.shape[1] != columns) return false;
        break;
      case ir::OpClass::MatMul:
        // x @ W adds W[k, j] into output j; an outer product u @ v
        // ([M,1] @ [1,N]) multiplies v[j] into column j.
        if (!(is_vector_matrix(*n) || is_outer_product(*n)) || depends(n->operands[0].get())) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// The compartments with columns ([M,N], N > 1) a partitioned host may leave
// stale outside the columns each process owns: every kernel of every
// process that reads them reads only its own columns; no product skips rows
// by their facts (whose check reads the whole matrix); and a copy of one at
// the end of a process goes to another such compartment of its shape, which
// is then stale in the same columns (at most one copy of each).
std::set<std::string> kept_by_columns(const Plan& plan) {
  std::set<std::string> kept;
  for (const Slot& s : plan.layout.compartments)
    if (has_columns(s.type.shape)) kept.insert(s.name);
  for (const EventMatrix& e : plan.events) kept.erase(e.name);
  for (const ProcessPlan& pp : plan.processes)
    for (const Kernel& k : pp.kernels)
      for (const std::string& name : loads_of(pp, k)) {
        if (!kept.count(name)) continue;
        auto is_source = [&](const ir::Node* n) {
          return n->op == ir::Op::Read ? n->attrs.name == name : loaded_from(pp, n) == name;
        };
        if (!reads_own_columns(k, is_source, plan.layout.compartment(name).type.shape[1])) kept.erase(name);
      }
  // A copy's source and destination over all processes, the processes
  // that copy, and those that write the source by columns: every one of
  // those must copy too, so that the host learns that both are stale when
  // it learns that the source is.
  std::map<std::string, std::set<std::string>> copies, copied_in, written_in;
  for (const ProcessPlan& pp : plan.processes) {
    for (const Copy& c : pp.copies)
      if (!c.from.scratch) {
        copies[c.from.compartment].insert(c.to);
        copied_in[c.from.compartment].insert(pp.name);
      }
    for (const Kernel& k : pp.kernels)
      if (hooked(k) && splits_by_columns(k))
        for (const KernelOutput& o : k.outputs)
          if (!o.dest.scratch) written_in[o.dest.compartment].insert(pp.name);
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& [from, to] : copies) {
      if (!kept.count(from)) continue;
      const std::string& dest = *to.begin();
      const std::set<std::string>& writers = written_in[from];
      if (to.size() == 1 && kept.count(dest) &&
          plan.layout.compartment(dest).type.shape == plan.layout.compartment(from).type.shape &&
          std::includes(copied_in[from].begin(), copied_in[from].end(), writers.begin(), writers.end()))
        continue;
      kept.erase(from);
      changed = true;
    }
  }
  return kept;
}

// Whether the value `node` a kernel stored in scratch may stay with the
// ranks that own its columns: every later kernel of the process that loads
// it reads only its own columns, and no copy reads its buffer.
bool scratch_kept(const ProcessPlan& pp, const ir::Node* node) {
  if (!has_columns(node->type.shape)) return false;
  const Buffer& buffer = pp.materialized.at(node);
  for (const Copy& c : pp.copies)
    if (c.from.scratch && c.from.offset == buffer.offset) return false;
  for (const Kernel& k : pp.kernels) {
    const std::set<const ir::Node*> computed = computed_in(k);
    if (computed.count(node)) continue;
    bool loads = false;
    for (const ir::Node* n : computed)
      for (const ir::NodeRef& op : n->operands) loads = loads || op.get() == node;
    if (loads && !reads_own_columns(k, [&](const ir::Node* n) { return n == node; }, node->type.shape[1]))
      return false;
  }
  return true;
}

// Where output `o` of a kernel split into `rows` indices keeps index r's
// elements; nullopt when its shape does not follow the split.
std::optional<SplitOutput> place(const Plan& plan, const Kernel& k, const KernelOutput& o, int64_t rows) {
  if (!follows_split(k, o)) return std::nullopt;
  const ir::Shape& s = o.node->type.shape;
  SplitOutput out;
  out.offset = o.dest.scratch ? plan.layout.scratch_offset + o.dest.offset : plan.layout.compartment(o.dest.compartment).offset;
  if (splits_by_columns(k)) {
    out.blocks = s[0];
    out.stride = s[1] * 4;
    out.unit = 4;
  } else {
    out.blocks = 1;
    out.unit = s.num_elements() / rows * 4;
    out.stride = s.num_elements() * 4;
  }
  return out;
}

// Whether an element-wise loop over a vector ([1,N], [K,1]) whose outputs
// every rank needs whole is better run whole on every rank: its inputs are
// whole everywhere (it loads nothing kept by columns), and computing a
// vector costs less than a collective's latency. Products (whose loop shape
// is their output's), loops over matrices and loops over connections are
// still split and exchanged: their work grows with the synapses.
bool runs_whole(const ProcessPlan& pp, const Kernel& k, const KernelSplit& split, const std::set<std::string>& kept) {
  const ir::Shape& d = k.domain;
  if (k.kind != KernelKind::Elementwise || !(d.rank() == 2 && (d[0] == 1 || d[1] == 1))) return false;
  for (const SplitOutput& o : split.outputs)
    if (!o.exchange) return false;
  for (const std::string& name : loads_of(pp, k))
    if (kept.count(name)) return false;
  const std::set<const ir::Node*> computed = computed_in(k);
  for (const ir::Node* n : computed)
    for (const ir::NodeRef& op : n->operands)
      if (!computed.count(op.get()) && pp.materialized.count(op.get()) && pp.materialized.at(op.get()).scratch &&
          scratch_kept(pp, op.get()))
        return false;
  return true;
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
        if (!splits_by_columns(k)) {
          placed->exchange = true;
        } else if (o.dest.scratch) {
          placed->exchange = !scratch_kept(pp, o.node);
        } else {
          placed->exchange = !kept.count(o.dest.compartment);
          for (const Copy& c : pp.copies)
            if (!placed->exchange && !c.from.scratch && c.from.compartment == o.dest.compartment)
              placed->copied_to = plan.layout.compartment(c.to).offset;
        }
        split.outputs.push_back(*placed);
      }
      if (!split.whole && runs_whole(pp, k, split, kept)) split.whole = true;
      splits[&k] = std::move(split);
    }
  return splits;
}

}  // namespace nf::compiler
