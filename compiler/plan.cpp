#include "compiler/plan.h"

#include "compiler/partition.h"

#include "compiler/events.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace nf::compiler {

namespace {

// Values recomputed wherever they are used, never stored: leaves, and f64
// parameter arithmetic (a few scalar operations that LLVM hoists out of loops).
bool is_leaf(const ir::Node& n) {
  if (n.type.dtype == ir::DType::F64) return true;
  switch (ir::op_class(n.op)) {
    case ir::OpClass::Const: case ir::OpClass::Read: case ir::OpClass::Param:
    case ir::OpClass::StepArg: case ir::OpClass::Iota: return true;
    default: return false;
  }
}

// Whether a node can be computed element by element inside a loop.
bool is_fusable(const ir::Node& n) {
  switch (ir::op_class(n.op)) {
    case ir::OpClass::Reduce: case ir::OpClass::Concat: case ir::OpClass::Sparse: return false;
    case ir::OpClass::MatMul: return is_outer_product(n);
    default: return true;
  }
}

// Whether a consumer reads operand `o` at exactly its own element index.
bool is_identity_edge(const ir::Node& c, const ir::Node& o) {
  switch (ir::op_class(c.op)) {
    case ir::OpClass::Unary: case ir::OpClass::Binary: case ir::OpClass::Compare:
    case ir::OpClass::Ternary: case ir::OpClass::Cast: case ir::OpClass::Broadcast:
    case ir::OpClass::Write:
      return o.type.shape == c.type.shape;
    default:
      return false;
  }
}

KernelKind kind_of(const ir::Node& n) {
  if (is_fusable(n)) return KernelKind::Elementwise;
  switch (ir::op_class(n.op)) {
    case ir::OpClass::MatMul: return KernelKind::MatMul;
    case ir::OpClass::Concat: return KernelKind::Concat;
    case ir::OpClass::Sparse: return KernelKind::Sparse;
    default: return KernelKind::Reduce;
  }
}

class ProcessPlanner {
 public:
  explicit ProcessPlanner(const ir::Process& process) : process_(process) {}

  ProcessPlan run() {
    plan_.name = process_.name;
    find_final_writes();
    find_live();
    std::set<const ir::Node*> materialize = initial_materialization();
    // Values fused into several kernels would be computed once per kernel:
    // store them instead, until no value is shared.
    for (int round = 0; round < 8; ++round) {
      form_kernels(materialize);
      std::map<const ir::Node*, int> kernels_using;
      for (const Kernel& k : plan_.kernels)
        for (const ir::Node* n : k.fused) ++kernels_using[n];
      bool changed = false;
      for (const auto& [n, count] : kernels_using)
        if (count > 1 && !is_leaf(*n) && materialize.insert(n).second) changed = true;
      if (!changed) break;
    }
    place_writes();
    return std::move(plan_);
  }

 private:
  std::vector<const ir::Node*> operands(const ir::Node* n) const {
    std::vector<const ir::Node*> out;
    for (const ir::NodeRef& o : n->operands) out.push_back(o.get());
    return out;
  }

  // The last write of each compartment, in the order of those writes. (The
  // forwarded stage, forward.h, has made every read a start value.)
  void find_final_writes() {
    for (const ir::NodeRef& n : process_.body) {
      if (n->op == ir::Op::Read)
        for (const auto& w : final_writes_)
          if (w.first == n->attrs.name)
            throw Error("internal error: process '" + process_.name + "' reads " + w.first +
                        " after writing it; plans are made of the forwarded stage");
      if (n->op == ir::Op::Write) {
        const ir::Node* v = n->operands[0].get();
        final_writes_.erase(std::remove_if(final_writes_.begin(), final_writes_.end(),
                                           [&](const auto& w) { return w.first == n->attrs.name; }),
                            final_writes_.end());
        final_writes_.push_back({n->attrs.name, v});
      }
    }
    // Writing back a compartment's own start value changes nothing.
    final_writes_.erase(std::remove_if(final_writes_.begin(), final_writes_.end(),
                                       [](const auto& w) { return w.second->op == ir::Op::Read && w.second->attrs.name == w.first; }),
                        final_writes_.end());
  }

  void find_live() {
    std::set<const ir::Node*> live;
    std::vector<const ir::Node*> pending;  // a worklist: chains can be 100,000s of nodes long
    for (const auto& [name, v] : final_writes_)
      if (live.insert(v).second) pending.push_back(v);
    while (!pending.empty()) {
      const ir::Node* n = pending.back();
      pending.pop_back();
      for (const ir::Node* o : operands(n))
        if (live.insert(o).second) pending.push_back(o);
    }
    for (const ir::NodeRef& n : process_.body)
      if (live.count(n.get())) order_.push_back(n.get());
    for (const ir::Node* n : order_)
      for (const ir::Node* o : operands(n)) consumers_[o].push_back(n);
  }

  std::set<const ir::Node*> initial_materialization() {
    std::set<const ir::Node*> m;
    for (const auto& [name, v] : final_writes_) m.insert(v);
    for (const ir::Node* n : order_) {
      if (!is_fusable(*n)) m.insert(n);
      if (is_leaf(*n)) continue;
      for (const ir::Node* c : consumers_[n]) {
        // A smaller value broadcast into a larger loop would be recomputed
        // for every element it is broadcast to.
        if (n->type.shape.num_elements() < c->type.shape.num_elements()) m.insert(n);
        // Matrix products reuse each operand element across a whole row or
        // column of the result.
        if (c->op == ir::Op::MatMul && !is_fusable(*c)) {
          bool left = operands(c)[0] == n;
          int64_t reuse = left ? c->type.shape[1] : c->type.shape[0];
          if (reuse > 1) m.insert(n);
        }
      }
    }
    bound_fused_depth(m);
    return m;
  }

  // Fused values are at most kMaxFusedDepth operations deep: a longer chain (a
  // method of 30,000 statements updating one value) is stored every
  // kMaxFusedDepth operations. This bounds the recursion of kernel formation
  // and code generation, and changes no bits (a stored value reads back
  // exactly). f64 parameter arithmetic is never stored; a chain of it deeper
  // than kMaxScalarDepth is refused.
  static constexpr int kMaxFusedDepth = 256;
  static constexpr int kMaxScalarDepth = 2000;
  void bound_fused_depth(std::set<const ir::Node*>& m) {
    std::map<const ir::Node*, int> depth;
    for (const ir::Node* n : order_) {
      int d = 0;
      const bool scalar = n->type.dtype == ir::DType::F64;
      if (scalar || !is_leaf(*n))
        for (const ir::Node* o : operands(n))
          if (!m.count(o)) d = std::max(d, depth[o] + 1);
      if (scalar && d > kMaxScalarDepth)
        throw Error("a value computed from parameters alone is more than " + std::to_string(kMaxScalarDepth) +
                    " operations deep (compiled code keeps such values in registers); the interpreter runs it");
      if (!scalar && d > kMaxFusedDepth) {
        m.insert(n);
        d = 0;
      }
      depth[n] = d;
    }
  }

  // One unit of work per stored value, before merging.
  struct Unit {
    Kernel kernel;
    std::map<std::string, bool> reads;        // compartment -> read only at the loop's own index
    std::map<const ir::Node*, bool> deps;     // stored value -> read only at the loop's own index
    bool alive = true;
  };

  // Adds operand `o` of a value computed in u's loop: a dependency when it is
  // stored, else computed in the loop along with its own operands. `identity`:
  // whether the loop needs o only at the loop's own index.
  void add_operand(Unit& u, const ir::Node* o, bool identity, std::set<std::pair<const ir::Node*, bool>>& seen) {
    if (materialize_->count(o)) {
      auto [it, fresh] = u.deps.emplace(o, identity);
      if (!fresh) it->second = it->second && identity;
      return;
    }
    if (std::find(u.kernel.fused.begin(), u.kernel.fused.end(), o) == u.kernel.fused.end()) u.kernel.fused.push_back(o);
    if (o->op == ir::Op::Read) {
      auto [it, fresh] = u.reads.emplace(o->attrs.name, identity);
      if (!fresh) it->second = it->second && identity;
    }
    if (!seen.insert({o, identity}).second) return;
    for (const ir::Node* p : operands(o)) add_operand(u, p, identity && is_identity_edge(*o, *p), seen);
  }

  Unit make_unit(const ir::Node* root) {
    Unit u;
    u.kernel.kind = kind_of(*root);
    u.kernel.domain = root->type.shape;
    u.kernel.outputs.push_back({root, {}});
    std::set<std::pair<const ir::Node*, bool>> seen;
    const bool identity = u.kernel.kind == KernelKind::Elementwise;
    for (const ir::Node* o : operands(root)) add_operand(u, o, identity && is_identity_edge(*root, *o), seen);
    if (root->op == ir::Op::Read) u.reads.emplace(root->attrs.name, true);
    return u;
  }

  // A [1,K] @ [K,N] product with K > 1: its matrix can be read in the order
  // of a loop over [K,N].
  bool is_vector_matrix(const Unit& u) const {
    if (u.kernel.kind != KernelKind::MatMul) return false;
    return nf::compiler::is_vector_matrix(*u.kernel.outputs[0].node);
  }

  // The product of unit `product` computed inside loop `loop` over its
  // matrix's shape: the matrix is read at the loop's own index, the vector
  // is broadcast along it.
  Unit make_sweep(const Unit& product, const Unit& loop) {
    Unit u = loop;
    const ir::Node* mm = product.kernel.outputs[0].node;
    u.kernel.kind = KernelKind::RowSweep;
    u.kernel.outputs.insert(u.kernel.outputs.begin(), {mm, {}});
    u.kernel.swept.push_back(mm);
    std::set<std::pair<const ir::Node*, bool>> seen;
    add_operand(u, operands(mm)[0], false, seen);
    add_operand(u, operands(mm)[1], true, seen);
    return u;
  }

  // Each vector-matrix product joins a later element-wise loop over its
  // matrix's shape that does not need it: the last one that reads what the
  // matrix reads (the synapse's own update), else the last one. The loops in
  // between that need the product move to after that loop; the loops before
  // it may still join it when element-wise loops merge.
  void sweep_products(std::vector<Unit>& units) {
    for (size_t m = 0; m < units.size(); ++m) {
      if (!units[m].alive || !is_vector_matrix(units[m])) continue;
      const ir::Node* mm = units[m].kernel.outputs[0].node;
      const ir::Shape& matrix = operands(mm)[1]->type.shape;
      const Unit alone = make_unit(operands(mm)[1]);
      std::set<const ir::Node*> needs_product = {mm};
      std::vector<size_t> needing;  // units after m that need the product
      size_t target = 0, target_needing = 0;
      bool target_shares = false;
      for (size_t e = m + 1; e < units.size(); ++e) {
        const Unit& u = units[e];
        if (!u.alive) continue;
        bool needs = false;
        for (const auto& [d, id] : u.deps) needs = needs || needs_product.count(d);
        if (needs) {
          for (const KernelOutput& o : u.kernel.outputs) needs_product.insert(o.node);
          needing.push_back(e);
          continue;
        }
        if (!is_loop(u) || u.kernel.domain != matrix) continue;
        bool shares = false;
        for (const auto& [c, id] : alone.reads) shares = shares || u.reads.count(c);
        if (shares || !target_shares) {
          target = e;
          target_needing = needing.size();
          target_shares = shares;
        }
      }
      if (target == 0) continue;
      needing.resize(target_needing);
      std::vector<Unit> order;
      for (size_t i = 0; i < units.size(); ++i) {
        if (i == m || std::find(needing.begin(), needing.end(), i) != needing.end()) continue;
        if (i == target) {
          order.push_back(make_sweep(units[m], units[i]));
          for (size_t k : needing) order.push_back(std::move(units[k]));
        } else {
          order.push_back(std::move(units[i]));
        }
      }
      units = std::move(order);
      --m;  // the unit now at m was after the product
    }
  }

  static bool is_sweep(const Unit& u) { return u.kernel.kind == KernelKind::RowSweep; }
  // Loops over their domain's elements, which may share one pass.
  static bool is_loop(const Unit& u) { return u.kernel.kind == KernelKind::Elementwise || is_sweep(u); }

  static bool produces(const Unit& u, const ir::Node* n) {
    for (const KernelOutput& o : u.kernel.outputs)
      if (o.node == n) return true;
    return false;
  }

  // Joins two units into one loop computing the earlier unit's outputs, then
  // the later one's. The joined loop takes the place of `keep` (the earlier
  // unit's place when the later one moves back, the later one's when the
  // earlier one moves forward); the other unit dies.
  static void join(Unit& earlier, Unit& later, Unit& keep) {
    Unit joined;
    std::set<const ir::Node*> fused;  // joined.kernel.fused as a set: loops can fuse 100,000s of values
    joined.kernel.kind = is_sweep(earlier) || is_sweep(later) ? KernelKind::RowSweep : KernelKind::Elementwise;
    joined.kernel.domain = earlier.kernel.domain;
    for (Unit* u : {&earlier, &later}) {
      for (const KernelOutput& o : u->kernel.outputs) joined.kernel.outputs.push_back(o);
      for (const ir::Node* p : u->kernel.swept) joined.kernel.swept.push_back(p);
      for (const ir::Node* f : u->kernel.fused)
        if (fused.insert(f).second) joined.kernel.fused.push_back(f);
      for (const auto& [c, id] : u->reads) {
        auto [it, fresh] = joined.reads.emplace(c, id);
        if (!fresh) it->second = it->second && id;
      }
      for (const auto& [d, id] : u->deps) {
        auto [it, fresh] = joined.deps.emplace(d, id);
        if (!fresh) it->second = it->second && id;
      }
    }
    for (const KernelOutput& o : joined.kernel.outputs) joined.deps.erase(o.node);
    Unit& gone = &keep == &earlier ? later : earlier;
    keep = std::move(joined);
    gone.alive = false;
  }

  void form_kernels(const std::set<const ir::Node*>& materialize) {
    materialize_ = &materialize;
    std::vector<Unit> units;
    for (const ir::Node* root : order_)
      if (materialize.count(root)) units.push_back(make_unit(root));
    sweep_products(units);
    // Element-wise loops over the same shape share one pass when the earlier
    // one can move forward: nothing in between needs its values, and the
    // later one needs them only at its own index.
    for (size_t j = 0; j < units.size(); ++j) {
      if (!is_loop(units[j])) continue;
      for (size_t i = j; i-- > 0;) {
        Unit& a = units[i];
        if (!a.alive || !is_loop(a) || a.kernel.domain != units[j].kernel.domain) continue;
        bool movable = true;
        for (size_t k = i + 1; k < j && movable; ++k)
          if (units[k].alive)
            for (const auto& [d, id] : units[k].deps)
              if (produces(a, d)) movable = false;
        for (const auto& [d, id] : units[j].deps)
          if (produces(a, d) && !id) movable = false;
        if (movable) {
          join(a, units[j], units[j]);
          continue;
        }
        // Or the later loop moves back: everything it needs exists by then.
        bool hoistable = true;
        for (const auto& [d, id] : units[j].deps) {
          for (size_t k = i + 1; k < j && hoistable; ++k)
            if (units[k].alive && produces(units[k], d)) hoistable = false;
          if (produces(a, d) && !id) hoistable = false;
        }
        if (hoistable) {
          join(a, units[j], a);
          break;
        }
      }
    }
    plan_.kernels.clear();
    read_access_.clear();
    for (Unit& u : units) {
      if (!u.alive) continue;
      for (const auto& [c, id] : u.reads) u.kernel.reads.push_back(c);
      plan_.kernels.push_back(u.kernel);
      read_access_.push_back(u.reads);
    }
  }

  Buffer scratch(const ir::Type& type) {
    Buffer b{true, "", plan_.scratch_bytes};
    plan_.scratch_bytes = align_up(plan_.scratch_bytes + type.shape.num_elements() * 4);
    return b;
  }

  void place_writes() {
    std::map<const ir::Node*, size_t> kernel_of;
    for (size_t i = 0; i < plan_.kernels.size(); ++i)
      for (const KernelOutput& o : plan_.kernels[i].outputs) kernel_of[o.node] = i;
    std::map<const ir::Node*, Buffer> dest;
    for (const auto& [comp, v] : final_writes_) {
      if (dest.count(v)) {  // the same value written to a second compartment
        plan_.copies.push_back({dest[v], comp});
        continue;
      }
      size_t kw = kernel_of.at(v);
      bool hazard = false;
      for (size_t j = 0; j < plan_.kernels.size(); ++j) {
        auto it = read_access_[j].find(comp);
        if (it == read_access_[j].end()) continue;
        const Kernel& k = plan_.kernels[j];
        // In its own loop, an element-wise output may replace what it reads at
        // its own index; a row-swept product is complete only after the loop.
        bool own_index = k.kind == KernelKind::Elementwise ||
                         (k.kind == KernelKind::RowSweep && std::find(k.swept.begin(), k.swept.end(), v) == k.swept.end());
        if (j > kw || (j == kw && (!it->second || !own_index))) hazard = true;
      }
      Buffer b{false, comp, 0};
      if (hazard) {
        b = scratch(v->type);
        plan_.copies.push_back({b, comp});
      }
      dest[v] = b;
    }
    for (Kernel& k : plan_.kernels)
      for (KernelOutput& o : k.outputs) {
        if (!dest.count(o.node)) dest[o.node] = scratch(o.node->type);
        o.dest = dest[o.node];
        plan_.materialized[o.node] = o.dest;
      }
  }

  const ir::Process& process_;
  ProcessPlan plan_;
  std::vector<std::pair<std::string, const ir::Node*>> final_writes_;
  std::vector<const ir::Node*> order_;
  std::map<const ir::Node*, std::vector<const ir::Node*>> consumers_;
  std::vector<std::map<std::string, bool>> read_access_;
  const std::set<const ir::Node*>* materialize_ = nullptr;
};

const char* kind_name(KernelKind k) {
  switch (k) {
    case KernelKind::Elementwise: return "elementwise";
    case KernelKind::MatMul: return "matmul";
    case KernelKind::Sparse: return "sparse";
    case KernelKind::Reduce: return "reduce";
    case KernelKind::Concat: return "concat";
    case KernelKind::RowSweep: return "row-sweep";
  }
  return "?";
}

}  // namespace

bool is_outer_product(const ir::Node& mm) { return mm.operands[0]->type.shape[1] <= 1; }
bool is_vector_matrix(const ir::Node& mm) { return mm.type.shape[0] == 1 && !is_outer_product(mm); }

Plan plan_program(const ir::Program& program, const std::vector<EventMatrix>& events) {
  Plan plan;
  plan.events = events;
  int64_t scratch = 0;
  for (const ir::Process& p : program.processes) {
    plan.processes.push_back(ProcessPlanner(p).run());
    scratch = std::max(scratch, plan.processes.back().scratch_bytes);
  }
  // Vector-matrix products that read an event matrix's value at the start of
  // the process skip the rows of +0 inputs.
  for (ProcessPlan& pp : plan.processes)
    for (Kernel& k : pp.kernels) {
      if (k.kind != KernelKind::MatMul || !is_vector_matrix(*k.outputs[0].node)) continue;
      const ir::Node* mm = k.outputs[0].node;
      const ir::Node* matrix = mm->operands[1].get();
      auto operand = event_matrix_of(*matrix);
      if (!operand) continue;
      for (const EventMatrix& e : plan.events)
        if (e.name == operand->first && e.scale == operand->second) k.events = e;
    }
  for (const ir::Connectivity& c : program.connectivities) plan.connectivities[c.name] = c.tables;
  plan.layout = make_layout(program, scratch);
  return plan;
}

std::string print_plan(const ir::Program& program, const Plan& plan) {
  std::string out;
  const std::map<const Kernel*, KernelSplit> splits = describe_splits(plan);
  for (const ProcessPlan& pp : plan.processes) {
    const ir::Process& proc = *program.find_process(pp.name);
    std::map<const ir::Node*, int> id;
    for (const ir::NodeRef& n : proc.body)
      if (n->defines_value()) id[n.get()] = int(id.size());
    auto label = [&](const ir::Node* n) { return "%" + std::to_string(id[n]); };
    auto where = [](const Buffer& b) { return b.scratch ? "scratch+" + std::to_string(b.offset) : b.compartment; };
    out += "process " + pp.name + ": " + std::to_string(pp.kernels.size()) + " kernel" +
           (pp.kernels.size() == 1 ? "" : "s") + "\n";
    for (size_t i = 0; i < pp.kernels.size(); ++i) {
      const Kernel& k = pp.kernels[i];
      out += "  kernel " + std::to_string(i) + ": " + kind_name(k.kind) + " over " + k.domain.str() +
             (k.events ? ", skipping the rows of +0 inputs of " + k.events->name : "") + "\n";
      std::vector<const ir::Node*> ops = k.fused;
      for (const KernelOutput& o : k.outputs) ops.push_back(o.node);
      std::sort(ops.begin(), ops.end(), [&](const ir::Node* a, const ir::Node* b) { return id[a] < id[b]; });
      out += "    ops:";
      for (const ir::Node* n : ops) out += " " + label(n) + "=" + std::string(ir::op_name(n->op));
      out += "\n    reads:";
      for (const std::string& r : k.reads) out += " " + r;
      out += "\n    writes:";
      for (const KernelOutput& o : k.outputs) out += " " + label(o.node) + "->" + where(o.dest);
      out += "\n";
      // How a loop that may split splits, and what a partitioned run hands
      // the other ranks after it (partition.h).
      if (auto s = splits.find(&k); s != splits.end()) {
        out += std::string("    split by ") + (splits_by_columns(k) ? "columns" : "rows");
        if (s->second.whole) {
          out += ", whole on every rank\n";
          continue;
        }
        std::string exchanged;
        for (size_t o = 0; o < k.outputs.size(); ++o)
          if (s->second.outputs[o].exchange) exchanged += " " + label(k.outputs[o].node);
        out += exchanged.empty() ? ", nothing exchanged\n" : "; exchanged:" + exchanged + "\n";
      }
    }
    for (const Copy& c : pp.copies) out += "  copy " + where(c.from) + " -> " + c.to + "\n";
  }
  return out;
}

}  // namespace nf::compiler
