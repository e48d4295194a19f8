#include "compiler/factor.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <map>
#include <set>

#include "compiler/plan.h"
#include "ir/rewrite.h"

namespace nf::compiler {

namespace {

using ir::Node;
using ir::NodeRef;

// Operations whose every element is computed from operand elements alone, so
// a kernel can recompute them where it needs them.
bool recomputable(const Node& n) {
  switch (ir::op_class(n.op)) {
    case ir::OpClass::Unary: case ir::OpClass::Binary: case ir::OpClass::Compare:
    case ir::OpClass::Ternary: case ir::OpClass::Cast: case ir::OpClass::Broadcast:
    case ir::OpClass::Transpose:
      return true;
    case ir::OpClass::MatMul: return is_outer_product(n);
    default: return false;
  }
}

// The small operands (fewer than `elements` elements) that `v` is computed
// from through recomputable operations, in first-use order; false when it
// needs some other full-size value. Literals stay in the expression.
bool find_factors(const Node* v, int64_t elements, std::vector<const Node*>& factors) {
  if (v->op == ir::Op::Const) return true;
  if (v->type.shape.num_elements() < elements) {
    if (std::find(factors.begin(), factors.end(), v) == factors.end()) factors.push_back(v);
    return true;
  }
  if (!recomputable(*v)) return false;
  for (const NodeRef& o : v->operands)
    if (!find_factors(o.get(), elements, factors)) return false;
  return true;
}

// `v` with each factor replaced by the node `leaf(k)` for factor k; new nodes
// go to `out` in dependency order.
NodeRef rebuild(const Node* v, const std::vector<const Node*>& factors, const std::function<NodeRef(size_t)>& leaf,
                ir::Body& out, std::map<const Node*, NodeRef>& done) {
  if (auto it = done.find(v); it != done.end()) return it->second;
  NodeRef r;
  if (auto f = std::find(factors.begin(), factors.end(), v); f != factors.end()) {
    r = leaf(size_t(f - factors.begin()));
  } else {
    std::vector<NodeRef> ops;
    for (const NodeRef& o : v->operands) ops.push_back(rebuild(o.get(), factors, leaf, out, done));
    r = out.make(v->op, std::move(ops), v->attrs, v->type, v->loc);
  }
  done[v] = r;
  return r;
}

bool same_tree(const Node* a, const Node* b) {
  if (a == b) return true;
  if (a->op != b->op || a->type != b->type || !(a->attrs == b->attrs) || a->operands.size() != b->operands.size())
    return false;
  for (size_t i = 0; i < a->operands.size(); ++i)
    if (!same_tree(a->operands[i].get(), b->operands[i].get())) return false;
  return true;
}

// The low-rank form of one compartment: the expression over reads of its
// factor compartments.
struct Form {
  FactoredCompartment names;
  std::vector<ir::Type> factor_types;
  NodeRef expression;  // over reads of names.factors[k]
};

// The expression of a write's value over placeholder reads of `base`'s
// factor compartments, and the value's factors; null when not low rank.
NodeRef template_of(const std::string& base, const Node* value, int64_t elements, std::vector<const Node*>& factors) {
  factors.clear();
  if (!find_factors(value, elements, factors)) return nullptr;
  ir::Body scratch;
  std::map<const Node*, NodeRef> done;
  return rebuild(value, factors,
                 [&](size_t k) {
                   return scratch.read(ir::hidden_name(ir::Hidden::Factor, base, int(k)), factors[k]->type);
                 },
                 scratch, done);
}

// A fresh copy of a form's expression appended to `body`: its reads of the
// factor compartments first, then its operations.
NodeRef instantiate(const NodeRef& expression, ir::Body& body) {
  std::map<const Node*, NodeRef> done;
  std::function<void(const Node*)> reads = [&](const Node* n) {
    if (n->op == ir::Op::Read && !done.count(n)) done[n] = body.read(n->attrs.name, n->type);
    for (const NodeRef& o : n->operands) reads(o.get());
  };
  reads(expression.get());
  return rebuild(expression.get(), {}, nullptr, body, done);
}

// A value chosen by an 'if' on run-time parameters between a low-rank side
// and a full one (TraceSTDP's mu > 0): the condition, whether it picks the
// low-rank side when true, and the two sides; nothing when `value` is not
// such a select (`expression`: the form the low-rank side must have).
struct Choice {
  NodeRef condition;
  bool low_rank_when_true;
  NodeRef low_rank, full;
};
std::optional<Choice> choice_of(const Node* value, const std::string& base, int64_t elements,
                                const NodeRef* expression) {
  if (value->op != ir::Op::Select || value->operands[0]->type.shape.rank() != 0 ||
      !ir::is_parameter_expression(*value->operands[0]))
    return std::nullopt;
  for (size_t side : {size_t(1), size_t(2)}) {
    std::vector<const Node*> factors;
    NodeRef t = template_of(base, value->operands[side].get(), elements, factors);
    if (!t || factors.empty() || (expression && !same_tree(t.get(), expression->get()))) continue;
    return Choice{value->operands[0], side == 1, value->operands[side], value->operands[3 - side]};
  }
  return std::nullopt;
}

enum class Last { None, Form, Storage, Either };

// Rewrites one process for the factored compartments. With `read_factors`,
// a read of a factored compartment that the process has not written yet
// reads the factors, else the storage.
class Rewriter : public ir::Mutator {
 public:
  Rewriter(const std::map<std::string, Form>& forms, bool read_factors) : forms_(forms), read_factors_(read_factors) {}

  std::vector<std::string> needs() const { return {needs_.begin(), needs_.end()}; }

 private:
  NodeRef visit(const NodeRef& n, const std::vector<NodeRef>&) override {
    auto form = n->op == ir::Op::Read || n->op == ir::Op::Write ? forms_.find(n->attrs.name) : forms_.end();
    if (form == forms_.end()) return nullptr;
    if (n->op == ir::Op::Write) {
      write(n, form->second);
      return ir::kHandled;
    }
    Last& last = last_[form->first];
    if (last == Last::None) needs_.insert(form->first);
    if (last == Last::Form || (last == Last::None && read_factors_)) return instantiate(form->second.expression, out);
    if (last != Last::Either) return nullptr;  // the storage
    // After a choice: the factors, or the full side's storage.
    const Choice& c = choices_.at(form->first);
    NodeRef storage = out.add(n);
    NodeRef factors = instantiate(form->second.expression, out);
    return out.make(ir::Op::Select, {current(c.condition.get()), c.low_rank_when_true ? factors : storage,
                                     c.low_rank_when_true ? storage : factors});
  }

  void write(const NodeRef& w, const Form& f) {
    const Node* value = w->operands[0].get();
    std::vector<const Node*> factors;
    if (auto c = choice_of(value, f.names.name, w->type.shape.num_elements(), &f.expression)) {
      write_choice(w, f, *c);
      return;
    }
    NodeRef t = template_of(f.names.name, value, w->type.shape.num_elements(), factors);
    bool low_rank = t && same_tree(t.get(), f.expression.get());
    if (low_rank) {
      for (size_t k = 0; k < factors.size(); ++k) out.write(f.names.factors[k], current(factors[k]));
    } else {
      out.write(f.names.name, current(value));
    }
    out.write(f.names.form, out.constant(word(low_rank ? FormWord::Factors : FormWord::Storage)));
    last_[f.names.name] = low_rank ? Last::Form : Last::Storage;
  }

  // A write of a choice: the low-rank side's factors always; the storage
  // the full side when the condition picks it, else itself (compiled code
  // decides the condition once per call and then skips that store,
  // codegen.cpp); the form Factors or Storage accordingly.
  void write_choice(const NodeRef& w, const Form& f, const Choice& c) {
    std::vector<const Node*> factors;
    template_of(f.names.name, c.low_rank.get(), w->type.shape.num_elements(), factors);
    for (size_t k = 0; k < factors.size(); ++k) out.write(f.names.factors[k], current(factors[k]));
    NodeRef cond = current(c.condition.get());
    NodeRef old = out.read(f.names.name, w->type);
    NodeRef full = current(c.full.get());
    NodeRef kept = out.make(ir::Op::Select, {cond, c.low_rank_when_true ? old : full, c.low_rank_when_true ? full : old});
    out.write(f.names.name, kept);
    NodeRef factored = out.constant(word(FormWord::Factors)), stored = out.constant(word(FormWord::Storage));
    NodeRef code = out.make(ir::Op::Select, {cond, c.low_rank_when_true ? factored : stored,
                                             c.low_rank_when_true ? stored : factored});
    out.write(f.names.form, code);
    last_[f.names.name] = Last::Either;
    choices_[f.names.name] = c;
  }

  const std::map<std::string, Form>& forms_;
  bool read_factors_;
  std::map<std::string, Choice> choices_;  // the last write of each compartment that was a choice
  std::map<std::string, Last> last_;
  std::set<std::string> needs_;
};

// The first write of each compartment whose value is low rank with factors
// worth keeping: at most half the compartment's elements, and at least one
// (a literal fill is a cheap write already).
std::map<std::string, Form> find_forms(const ir::Program& program, int64_t min_elements) {
  std::map<std::string, Form> forms;
  for (const ir::Process& p : program.processes)
    for (const NodeRef& n : p.body) {
      if (n->op != ir::Op::Write || forms.count(n->attrs.name)) continue;
      const std::string& name = n->attrs.name;
      int64_t elements = n->type.shape.num_elements();
      if (elements < min_elements) continue;
      std::vector<const Node*> factors;
      const Node* value = n->operands[0].get();
      if (auto c = choice_of(value, name, elements, nullptr)) value = c->low_rank.get();
      NodeRef t = template_of(name, value, elements, factors);
      if (!t || factors.empty()) continue;
      int64_t small = 0;
      for (const Node* f : factors) small += f->type.shape.num_elements();
      if (2 * small > elements) continue;
      Form f;
      f.names.name = name;
      f.names.form = ir::hidden_name(ir::Hidden::Form, name);
      f.names.materialize = ir::variant_name(ir::Variant::Materialize, name);
      for (size_t k = 0; k < factors.size(); ++k) {
        f.names.factors.push_back(ir::hidden_name(ir::Hidden::Factor, name, int(k)));
        f.factor_types.push_back(factors[k]->type);
      }
      f.expression = t;
      forms.emplace(name, std::move(f));
    }
  return forms;
}

}  // namespace

ir::Program factor_low_rank(const ir::Program& program, int64_t min_elements) {
  for (const ir::Compartment& c : program.compartments)
    if (c.hidden == ir::Hidden::Form) return program;  // factored already
  std::map<std::string, Form> forms = find_forms(program, min_elements);
  if (forms.empty()) return program;
  ir::Program out = program;
  for (const ir::Compartment& c : program.compartments) {
    auto it = forms.find(c.name);
    if (it == forms.end()) continue;
    const Form& f = it->second;
    for (size_t k = 0; k < f.names.factors.size(); ++k) {
      ir::Compartment h;
      h.name = f.names.factors[k];
      h.type = f.factor_types[k];
      h.init = ir::Literal{h.type.dtype, 0};
      h.hidden = ir::Hidden::Factor;
      h.of = c.name;
      h.index = int(k);
      out.compartments.push_back(h);
    }
    ir::Compartment form;
    form.name = f.names.form;
    form.type = ir::Type{ir::DType::I32, {}};
    form.init = word(FormWord::Storage);
    form.hidden = ir::Hidden::Form;
    form.of = c.name;
    out.compartments.push_back(form);
  }
  out.processes.clear();
  std::vector<ir::Process> dense;
  for (const ir::Process& p : program.processes) {
    Rewriter fast(forms, true);
    out.processes.push_back(fast.run(p));
    if (std::vector<std::string> needs = fast.needs(); !needs.empty()) {
      ir::Process d = Rewriter(forms, false).run(p);
      d.variant = ir::Variant::Storage;
      d.of = p.name;
      d.name = ir::variant_name(d.variant, d.of);
      d.needs = std::move(needs);
      dense.push_back(std::move(d));
    }
  }
  for (ir::Process& p : dense) out.processes.push_back(std::move(p));
  for (const ir::Compartment& c : program.compartments) {
    // materialize of C: C = the expression over the factors.
    auto it = forms.find(c.name);
    if (it == forms.end()) continue;
    const std::string& name = c.name;
    const Form& form = it->second;
    ir::Process m;
    m.variant = ir::Variant::Materialize;
    m.of = name;
    m.name = form.names.materialize;
    ir::Body body;
    body.write(name, instantiate(form.expression, body));
    m.body = body.take();
    out.processes.push_back(std::move(m));
  }
  return out;
}

}  // namespace nf::compiler
