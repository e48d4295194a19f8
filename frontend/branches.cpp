// 'if' statements: a condition known when the model is built picks a branch
// then; a condition on run-time parameters (`if tau_elg > 0`) is decided when
// the step runs (except in `initialize`, which runs once with the model's
// values, and inside static(...)). Both branches of such an 'if' are lowered, their writes held
// back, and every local and compartment either branch sets becomes
// select(condition, then-value, else-value): in the IR the choice is a select
// (exact whichever branch is taken: the other branch's values are dropped),
// and compiled code decides it once per step, outside its loops, and computes
// only the taken branch (compiler/codegen.cpp). A branch that cannot merge
// (it returns, defines values of other shapes or kinds, or fails) makes the
// condition one that must be known when the model is built, as before.
#include "frontend/elaborator.h"

namespace nf::frontend {

using ir::DType;
using ir::NodeRef;
using ir::Op;

namespace {

// Thrown inside a trial lowering of both branches when they cannot merge.
struct CannotMerge {};

// Whether two values are the same: one node, one parameter, or equal
// build-time values.
bool same_value(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::Tensor: return a.tensor == b.tensor;
    case Value::Kind::Param: return a.text == b.text;
    case Value::Kind::Tuple:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i)
        if (!same_value(a.items[i], b.items[i])) return false;
      return true;
    case Value::Kind::Number: return a.number == b.number && a.is_int == b.is_int;
    case Value::Kind::Bool: return a.boolean == b.boolean;
    case Value::Kind::String: return a.text == b.text;
    case Value::Kind::None: return true;
    default: return false;  // tuples and initializers: not merged
  }
}

}  // namespace

// An 'if' is one draw site: the draws inside a branch are numbered from 0
// under the 'if's site and the branch's name ("#0/if2.then"), and the draws
// after the 'if' go on from the next site. So a draw's stream depends on
// where it is written, not on which branch runs or on whether the choice is
// made at build or at run time.
void Elaborator::in_branch(const char* which, const std::function<void()>& lower) {
  const int site = draw_sites_;
  const std::string path = branch_path_;
  branch_path_ += "/if" + std::to_string(site) + "." + which;
  draw_sites_ = 0;
  lower();
  branch_path_ = path;
  draw_sites_ = site + 1;
}

void Elaborator::lower_if(const Stmt& s, size_t branch, Scope& scope) {
  if (branch == s.branches.size()) {
    lower_block(s.else_body, scope);
    return;
  }
  const auto& [cond, body] = s.branches[branch];
  if (NodeRef c = runtime_condition(*cond, scope); c && lower_both(s, branch, c, scope)) return;
  Value c = eval_static(*cond, scope, "the condition of 'if'");
  if (c.kind != Value::Kind::Bool) fail(cond->loc, "the condition of 'if' must be true or false, got " + c.describe());
  if (c.boolean) in_branch("then", [&] { lower_block(body, scope); });
  else in_branch("else", [&] { lower_if(s, branch + 1, scope); });
}

NodeRef Elaborator::runtime_condition(const Expr& cond, Scope& scope) {
  // initialize runs once, when a state is made from the model's values: its
  // choices are the model's.
  if (!process_ || static_mode_ || scope.method == "initialize") return nullptr;
  if (cond.kind == Expr::Kind::Call && cond.base->kind == Expr::Kind::Name && cond.base->text == "static")
    return nullptr;  // static(COND): decided when the model is built
  const size_t mark = process_->mark();
  const int sites = draw_sites_;
  try {
    Value c = eval(cond, scope);
    if (c.kind == Value::Kind::Tensor && c.tensor->type == ir::Type{DType::Bool, {}} && ir::is_parameter_expression(*c.tensor))
      return c.tensor;
  } catch (const Error&) {
    // eval_static reports it, or decides the condition.
  }
  process_->truncate(mark);
  draw_sites_ = sites;
  return nullptr;
}

bool Elaborator::lower_both(const Stmt& s, size_t branch, const NodeRef& cond, Scope& scope) {
  const size_t mark = process_->mark();
  const int sites = draw_sites_;
  const std::set<std::string> static_params = static_params_;
  const size_t depth = held_.size();
  try {
    Scope then_scope = scope, else_scope = scope;
    held_.emplace_back();
    in_branch("then", [&] { lower_block(s.branches[branch].second, then_scope); });
    HeldWrites then_writes = std::move(held_.back());
    held_.back() = {};
    draw_sites_ = sites;  // both branches are the same 'if' site
    in_branch("else", [&] { lower_if(s, branch + 1, else_scope); });
    HeldWrites else_writes = std::move(held_.back());
    held_.pop_back();
    if (then_scope.returned || else_scope.returned) throw CannotMerge{};
    // Locals either branch set; one defined in a single branch is gone after
    // the 'if'. They replace the scope's only once every merge has succeeded.
    std::map<std::string, Value> locals;
    for (const auto& [name, a] : then_scope.locals) {
      auto b = else_scope.locals.find(name);
      if (b == else_scope.locals.end()) continue;
      locals[name] = same_value(a, b->second) ? a : merge(cond, a, b->second);
    }
    // Compartments either branch wrote, in the order of their first writes.
    std::vector<std::string> order = then_writes.order;
    for (const std::string& c : else_writes.order)
      if (!then_writes.values.count(c)) order.push_back(c);
    for (const std::string& c : order) {
      auto value = [&](HeldWrites& w) {
        auto it = w.values.find(c);
        return it != w.values.end() ? it->second : current(c);
      };
      NodeRef then_value = value(then_writes), else_value = value(else_writes);
      commit_write(c, then_value == else_value ? then_value : process_->select(cond, then_value, else_value));
    }
    scope.locals = std::move(locals);
    return true;
  } catch (const CannotMerge&) {
  } catch (const Error&) {
  }
  held_.resize(depth);
  process_->truncate(mark);
  draw_sites_ = sites;
  static_params_ = static_params;
  return false;
}

Value Elaborator::merge(const NodeRef& cond, const Value& a, const Value& b) {
  // Python floats on both sides (numbers, parameters, their arithmetic) stay
  // binary64 parameter arithmetic; an integer, a bool or a string is a
  // build-time value that a select cannot carry (it may be an index, a count,
  // an exponent), so such an 'if' is decided when the model is built.
  auto float64 = [](const Value& v) {
    return (v.kind == Value::Kind::Number && !v.is_int) || v.kind == Value::Kind::Param ||
           (v.kind == Value::Kind::Tensor && v.tensor->type.dtype == DType::F64);
  };
  for (const Value* v : {&a, &b})
    if ((v->kind == Value::Kind::Number && v->is_int) || v->kind == Value::Kind::Bool ||
        v->kind == Value::Kind::String)
      throw CannotMerge{};
  if (float64(a) && float64(b))
    return Value::tensor_of(process_->select(cond, to_scalar64(a), to_scalar64(b)));
  // Otherwise tensors: a number or parameter on one side is rounded to f32.
  auto tensor = [&](const Value& v) -> NodeRef {
    switch (v.kind) {
      case Value::Kind::Tensor: case Value::Kind::Param: case Value::Kind::Number:
        return v.kind == Value::Kind::Tensor && v.tensor->type.dtype == DType::F64 ? v.tensor
                                                                                  : to_tensor(v, SourceLoc{});
      default: throw CannotMerge{};
    }
  };
  NodeRef x = tensor(a), y = tensor(b);
  // Parameter arithmetic on both sides stays binary64; otherwise the common
  // dtype of the two, f32 when they differ.
  if (x->type.dtype != y->type.dtype) {
    if (x->type.dtype == DType::F64) x = process_->cast(x, DType::F32);
    if (y->type.dtype == DType::F64) y = process_->cast(y, DType::F32);
    if (x->type.dtype != y->type.dtype) {
      if (x->type.dtype == DType::I32 && y->type.dtype == DType::I32) throw CannotMerge{};
      x = as_f32(x);
      y = as_f32(y);
    }
  }
  auto shape = ir::broadcast_shapes(x->type.shape, y->type.shape);
  if (!shape) throw CannotMerge{};
  if (x->type.shape != *shape) x = process_->broadcast(x, *shape);
  if (y->type.shape != *shape) y = process_->broadcast(y, *shape);
  return Value::tensor_of(process_->select(cond, x, y));
}

NodeRef Elaborator::current(const std::string& compartment) {
  for (auto frame = held_.rbegin(); frame != held_.rend(); ++frame)
    if (auto it = frame->values.find(compartment); it != frame->values.end()) return it->second;
  return process_->read(compartment);
}

void Elaborator::commit_write(const std::string& compartment, const NodeRef& value) {
  if (held_.empty()) {
    process_->write(compartment, value);
    return;
  }
  HeldWrites& w = held_.back();
  if (!w.values.count(compartment)) w.order.push_back(compartment);
  w.values[compartment] = value;
}

}  // namespace nf::frontend
