// Lowering method bodies to IR: statements, expressions, built-in functions,
// activation functions and initializers (docs/LANGUAGE.md).
#include <algorithm>
#include <cmath>

#include "frontend/elaborator.h"
#include "ir/elementwise.h"

namespace nf::frontend {

using ir::DType;
using ir::NodeRef;
using ir::Op;

namespace {

// Restores the static-evaluation flag when a static evaluation ends.
struct StaticMode {
  bool& flag;
  bool saved;
  explicit StaticMode(bool& f) : flag(f), saved(f) { flag = true; }
  ~StaticMode() { flag = saved; }
};

bool is_number(const Value& v) { return v.kind == Value::Kind::Number; }

// Parameter arithmetic on build-time numbers: binary64, as Python computes
// it (docs/SEMANTICS.md), with the IR's own definition of each op.
double fold_f64(Op op, double a, double b) {
  uint64_t words[2] = {std::bit_cast<uint64_t>(a), std::bit_cast<uint64_t>(b)};
  return std::bit_cast<double>(ir::eval_scalar64(op, DType::F64, std::span(words, 2)));
}

// A value that takes part in parameter arithmetic: a number, a parameter, or
// an f64 scalar (an expression of these).
bool is_scalar64(const Value& v) {
  return v.kind == Value::Kind::Number || v.kind == Value::Kind::Param ||
         (v.kind == Value::Kind::Tensor && v.tensor->type.dtype == DType::F64);
}

}  // namespace

Value Elaborator::eval_static(const Expr& e, Scope& scope, const std::string& what) {
  StaticMode guard(static_mode_);
  Value v = eval(e, scope);
  if (!v.is_static()) fail(e.loc, what + " must be known when the model is built, but it is " + v.describe());
  return v;
}

// A draw's stream is named by its instance, method and site (the how-many-th
// draw of that method, and the branches of the 'if's it is in), so it is the
// same draw in any process and whichever branch is taken; a method run twice
// in one process draws under "@2", "@3", ... the second time on.
std::string Elaborator::next_stream(Scope& scope) {
  return scope.instance->name + "." + scope.method + "#" + std::to_string(draw_sites_++) + branch_path_ +
         method_occurrence_;
}

NodeRef Elaborator::to_tensor(const Value& v, const SourceLoc& loc, DType hint) {
  if (!process_) fail(loc, "a tensor value is only available inside a method");
  switch (v.kind) {
    case Value::Kind::Tensor:  // parameter arithmetic meets a tensor: rounded once
      return v.tensor->type.dtype == DType::F64 ? process_->cast(v.tensor, DType::F32) : v.tensor;
    case Value::Kind::Param: return process_->param(v.text);
    case Value::Kind::Bool: return process_->constant(ir::Literal::boolean(v.boolean));
    case Value::Kind::Number:
      if (hint == DType::I32 && v.is_int) {
        if (v.number < -2147483648.0 || v.number > 2147483647.0) fail(loc, v.describe() + " is outside the i32 range");
        return process_->constant(ir::Literal::i32(int32_t(v.number)));
      }
      return process_->constant(float(v.number));
    default: fail(loc, "expected a number or a tensor, got " + v.describe());
  }
}

NodeRef Elaborator::as_f32(NodeRef n) { return n->type.dtype == DType::F32 ? n : process_->cast(n, DType::F32); }

NodeRef Elaborator::to_scalar64(const Value& v) {
  if (v.kind == Value::Kind::Param) return process_->param(v.text, DType::F64);
  if (v.kind == Value::Kind::Number) return process_->constant64(v.number);
  return v.tensor;
}

// x ** n for an integer literal n, as JAX's integer_pow computes it: binary
// powering by repeated multiplication (x**2 = x*x, x**3 = x*(x*x)), and for
// negative n, 1 / x**|n|.
NodeRef Elaborator::integer_power(NodeRef x, int64_t n) {
  bool reciprocal = n < 0;
  if (reciprocal) n = -n;
  if (n == 0) return process_->broadcast(process_->constant(1.0f), x->type.shape);
  NodeRef acc;
  while (n > 0) {
    if (n & 1) acc = acc ? process_->mul(acc, x) : x;
    n >>= 1;
    if (n > 0) x = process_->mul(x, x);
  }
  return reciprocal ? process_->div(process_->constant(1.0f), acc) : acc;
}

// ---- compartments ----

NodeRef Elaborator::read_compartment(Instance& inst, const std::string& name, const SourceLoc& loc) {
  const CompartmentSlot& slot = inst.compartments.at(name);
  if (slot.wired) return read_wire(*slot.wired, loc);
  return current(inst.name + "." + name);
}

NodeRef Elaborator::read_wire(const WireSource& src, const SourceLoc& loc) {
  NodeRef result;  // finite: resolve_wire refuses cycles
  if (src.kind == WireSource::Kind::Compartment) {
    result = read_compartment(instances_.at(src.instance), src.compartment, loc);
  } else {
    Op op = src.kind == WireSource::Kind::Sum ? Op::Add : Op::Mul;
    for (const WireSource& o : src.operands) {
      NodeRef x = read_wire(o, loc);
      result = result ? process_->binary(op, result, x) : x;
    }
  }
  return result;
}

void Elaborator::write_compartment(Instance& inst, const std::string& name, const Value& v, const SourceLoc& loc) {
  const CompartmentSlot& slot = inst.compartments.at(name);
  if (slot.wired)
    fail(loc, "cannot write to " + inst.name + "." + name + ": it is wired from another compartment and belongs to "
              "its source; guard the write with 'if not wired(" + name + ")'");
  NodeRef x = to_tensor(v, loc, slot.type.dtype);
  if (x->type.dtype != slot.type.dtype) {
    if (slot.type.dtype == DType::F32 || (slot.type.dtype == DType::I32 && x->type.dtype == DType::Bool))
      x = process_->cast(x, slot.type.dtype);
    else
      fail(loc, "cannot write " + x->type.str() + " to " + inst.name + "." + name + ", which is " + slot.type.str() +
                    " (convert with int(...) or float(...))");
  }
  if (x->type.shape != slot.type.shape) {
    if (!ir::broadcasts_to(x->type.shape, slot.type.shape))
      fail(loc, "cannot write a value of shape " + x->type.shape.str() + " to " + inst.name + "." + name +
                    ", which has shape " + slot.type.shape.str() + where_declared(slot.decl->loc));
    x = process_->broadcast(x, slot.type.shape);
  }
  commit_write(inst.name + "." + name, x);
}

// ---- statements ----

void Elaborator::lower_block(const Block& block, Scope& scope) {
  for (const StmtP& s : block) {
    if (scope.returned) fail(s->loc, "statement after 'return' is never run");
    switch (s->kind) {
      case Stmt::Kind::Assign: {
        Value v = eval(*s->value, scope);
        Instance& inst = *scope.instance;
        if (!scope.locals.count(s->target) && inst.compartments.count(s->target)) {
          write_compartment(inst, s->target, v, s->loc);
        } else if (!scope.locals.count(s->target) && (inst.params.count(s->target) || inst.aliases.count(s->target))) {
          fail(s->loc, "'" + s->target + "' is a parameter and cannot be assigned; use a local name");
        } else {
          scope.locals[s->target] = v;
        }
        break;
      }
      case Stmt::Kind::If:
        lower_if(*s, 0, scope);
        break;
      case Stmt::Kind::Return:
        scope.returned = eval(*s->value, scope);
        break;
      case Stmt::Kind::Expr:
        eval(*s->value, scope);
        break;
    }
  }
}

// ---- expressions ----

// An error the IR builder raises without a place (operands that do not
// broadcast, a type mismatch) is reported at the innermost expression.
Value Elaborator::eval(const Expr& e, Scope& scope) {
  try {
    return eval_expr(e, scope);
  } catch (const Error& err) {
    if (err.diagnostics().size() == 1 && err.diagnostics()[0].loc.known()) throw;
    fail(e.loc, err.diagnostics().empty() ? err.what() : err.diagnostics()[0].message);
  }
}

Value Elaborator::integer(double v, const SourceLoc& loc, const std::string& written) const {
  if (!(std::fabs(v) < 9007199254740992.0)) {
    std::string shown = written.empty() ? std::to_string(v) : written;
    fail(loc, "integer " + shown.substr(0, shown.find('.')) +
                  " is too large (integers in model text must be below 2^53 in magnitude)");
  }
  return Value::number_of(v, true);
}

Value Elaborator::eval_expr(const Expr& e, Scope& scope) {
  switch (e.kind) {
    case Expr::Kind::Number: return e.is_int ? integer(e.number, e.loc, e.text) : Value::number_of(e.number, false);
    case Expr::Kind::Bool: return Value::bool_of(e.boolean);
    case Expr::Kind::None: return Value{};
    case Expr::Kind::String: {
      Value v;
      v.kind = Value::Kind::String;
      v.text = e.text;
      return v;
    }
    case Expr::Kind::Name: return eval_name(e, scope);
    case Expr::Kind::Tuple: {
      Value v;
      v.kind = Value::Kind::Tuple;
      for (const ExprP& x : e.items) v.items.push_back(eval(*x, scope));
      return v;
    }
    case Expr::Kind::Unary: return eval_unary(e, scope);
    case Expr::Kind::Binary: return eval_binary(e, scope);
    case Expr::Kind::Call: return eval_call(e, scope);
    case Expr::Kind::Index: return eval_index(e, scope);
    case Expr::Kind::Attr: {
      if (e.text == "T") {
        Value x = eval(*e.base, scope);
        if (x.kind != Value::Kind::Tensor || x.tensor->type.shape.rank() != 2)
          fail(e.loc, ".T needs a matrix, got " + x.describe());
        return Value::tensor_of(process_->transpose(x.tensor));
      }
      if (e.base->kind == Expr::Kind::Name && find_connectivity(*scope.instance, e.base->text) &&
          !scope.locals.count(e.base->text))
        return connectivity_attribute(eval(*e.base, scope), e);
      fail(e.loc, "unknown attribute '." + e.text + "' (only .T is an attribute, and a connectivity's .rows, .columns, "
                  ".connections and .shape; .deriv and super. go with calls)");
    }
    case Expr::Kind::Slice: fail(e.loc, "a slice a:b is only allowed inside [ ]");
    case Expr::Kind::Choice: {
      Value c = eval_static(*e.items[1], scope, "the condition of 'A if CONDITION else B'");
      if (c.kind != Value::Kind::Bool)
        fail(e.items[1]->loc, "the condition of 'A if CONDITION else B' must be true or false, got " + c.describe());
      return eval(*e.items[c.boolean ? 0 : 2], scope);
    }
  }
  fail(e.loc, "unknown expression");
}

Value Elaborator::eval_name(const Expr& e, Scope& scope) {
  const std::string& name = e.text;
  auto local = scope.locals.find(name);
  if (local != scope.locals.end()) return local->second;
  Instance& inst = *scope.instance;
  std::string param = inst.aliases.count(name) ? inst.aliases.at(name) : name;
  auto p = inst.params.find(param);
  // A name that is a parameter and a compartment (ngclearn's `eta`, `thr`):
  // in a compartment's dimensions and initial value it is the parameter, a
  // constant; in a method it is the compartment, and a condition decided
  // when the model is built cannot read it unless static(...) says so.
  const bool shared = p != inst.params.end() && inst.declares_compartment(param);
  if (shared && (initial_value_mode_ || (static_mode_ && (!process_ || explicit_static_ > 0)))) {
    if (p->second.type == "float") return Value::number_of(p->second.value.number, false);
    return p->second.value;
  }
  if (shared && static_mode_)
    fail(e.loc, "'" + name + "' is a compartment in a method (the parameter of that name is only its initial value): "
                "its value is known while the model runs, so it cannot decide this when the model is built; for an "
                "element-wise choice use where(condition, a, b), or static(...) to decide on the parameter");
  if (inst.compartments.count(param) && (shared || param == name)) {
    if (static_mode_)
      fail(e.loc, "'" + name + "' is a compartment: its value is only known while the model runs, so it cannot decide "
                  "an 'if', a shape or a parameter; for an element-wise choice use where(condition, a, b)");
    return Value::tensor_of(read_compartment(inst, param, e.loc));
  }
  if (p != inst.params.end()) {
    if (p->second.type != "float") return p->second.value;
    std::string ir_name = inst.name + "." + param;
    if (static_mode_) {
      static_params_.insert(ir_name);
      return Value::number_of(p->second.value.number, false);
    }
    Value v;
    v.kind = Value::Kind::Param;
    v.text = ir_name;
    v.param_local = param;
    return v;
  }
  if (const ConnectivityDecl* c = find_connectivity(inst, name)) return connectivity_value(inst, *c);
  if (name == "t" || name == "dt") {
    if (static_mode_) fail(e.loc, "'" + name + "' is only known while the model runs");
    if (!process_) fail(e.loc, "'" + name + "' is only available inside a method");
    // f32, as in ngclearn's jitted processes, where t and dt arrive as
    // float32 scalars (t itself computed in binary64 and rounded once).
    return Value::tensor_of(name == "t" ? process_->t() : process_->dt());
  }
  std::vector<std::string> names;
  for (const auto& [n, v] : scope.locals) names.push_back(n);
  for (const std::string& c : inst.compartment_order) names.push_back(c);
  for (const auto& [n, s] : inst.params) names.push_back(n);
  std::string where = inst.chain.empty() ? "" : " in " + inst.component().name;
  fail(e.loc, "unknown name '" + name + "'" + where + did_you_mean(name, names));
}

Value Elaborator::eval_unary(const Expr& e, Scope& scope) {
  Value x = eval(*e.items[0], scope);
  if (e.text == "not") {
    if (x.kind == Value::Kind::Bool) return Value::bool_of(!x.boolean);
    if (x.kind == Value::Kind::Tensor && x.tensor->type.dtype == DType::Bool)
      return Value::tensor_of(process_->unary(Op::Not, x.tensor));
    fail(e.loc, "'not' needs a bool, got " + x.describe());
  }
  if (e.text == "+") return x;
  if (is_number(x)) return Value::number_of(-x.number, x.is_int);
  if (is_scalar64(x)) return Value::tensor_of(process_->unary(Op::Neg, to_scalar64(x)));
  NodeRef n = to_tensor(x, e.loc);
  if (n->type.dtype == DType::Bool) n = as_f32(n);
  return Value::tensor_of(process_->unary(Op::Neg, n));
}

Value Elaborator::eval_binary(const Expr& e, Scope& scope) {
  const std::string& op = e.text;
  Value a = eval(*e.items[0], scope);
  Value b = eval(*e.items[1], scope);
  if (op == "in") {  // Python's substring test, on strings known when the model is built
    if (a.kind != Value::Kind::String || b.kind != Value::Kind::String)
      fail(e.loc, "'in' tests whether a string contains another, got " + a.describe() + " and " + b.describe());
    return Value::bool_of(b.text.find(a.text) != std::string::npos);
  }
  static const std::map<std::string, Op> ops = {
      {"+", Op::Add}, {"-", Op::Sub}, {"*", Op::Mul}, {"/", Op::Div}, {"**", Op::Pow}, {"==", Op::Eq},
      {"!=", Op::Ne}, {"<", Op::Lt},  {"<=", Op::Le}, {">", Op::Gt},  {">=", Op::Ge}, {"and", Op::And},
      {"or", Op::Or}, {"@", Op::MatMul}};
  Op kind = ops.at(op);
  bool compare = kind == Op::Eq || kind == Op::Ne || kind == Op::Lt || kind == Op::Le || kind == Op::Gt || kind == Op::Ge;
  auto cannot = [&]() { fail(e.loc, "cannot apply '" + op + "' to " + a.describe() + " and " + b.describe()); };

  if (a.is_static() && b.is_static()) {
    if (kind == Op::And || kind == Op::Or) {
      if (a.kind != Value::Kind::Bool || b.kind != Value::Kind::Bool) cannot();
      return Value::bool_of(kind == Op::And ? a.boolean && b.boolean : a.boolean || b.boolean);
    }
    if ((a.kind == Value::Kind::String && b.kind == Value::Kind::String) ||
        (a.kind == Value::Kind::Bool && b.kind == Value::Kind::Bool) ||
        (a.kind == Value::Kind::None || b.kind == Value::Kind::None)) {
      if (kind != Op::Eq && kind != Op::Ne) cannot();
      bool same = a.kind == b.kind && a.text == b.text && a.boolean == b.boolean;
      return Value::bool_of(kind == Op::Eq ? same : !same);
    }
    if (!is_number(a) || !is_number(b) || kind == Op::MatMul) cannot();
    if (compare) {
      double x = a.number, y = b.number;
      bool r = kind == Op::Eq ? x == y : kind == Op::Ne ? x != y : kind == Op::Lt ? x < y
             : kind == Op::Le ? x <= y : kind == Op::Gt ? x > y : x >= y;
      return Value::bool_of(r);
    }
    if (a.is_int && b.is_int && kind != Op::Div && kind != Op::Pow) {
      double x = a.number, y = b.number;  // exact below 2^53, and checked
      return integer(kind == Op::Add ? x + y : kind == Op::Sub ? x - y : x * y, e.loc);
    }
    if (a.is_int && b.is_int && kind == Op::Pow && b.number >= 0) return integer(std::pow(a.number, b.number), e.loc);
    if (kind == Op::Pow) return Value::number_of(std::pow(a.number, b.number), false);  // Python's float **
    return Value::number_of(fold_f64(kind, a.number, b.number), false);
  }

  // Parameter arithmetic: numbers and parameters combine in binary64 and are
  // rounded once where they meet a tensor (t and dt are f32 tensors).
  bool arithmetic = kind == Op::Add || kind == Op::Sub || kind == Op::Mul || kind == Op::Div;
  if (is_scalar64(a) && is_scalar64(b) && (arithmetic || compare))
    return Value::tensor_of(process_->binary(kind, to_scalar64(a), to_scalar64(b)));

  if (a.kind == Value::Kind::Tuple || b.kind == Value::Kind::Tuple || a.kind == Value::Kind::String ||
      b.kind == Value::Kind::String || a.kind == Value::Kind::None || b.kind == Value::Kind::None ||
      a.kind == Value::Kind::Init || b.kind == Value::Kind::Init)
    cannot();
  if (kind == Op::And || kind == Op::Or) {
    NodeRef x = to_tensor(a, e.loc), y = to_tensor(b, e.loc);
    if (x->type.dtype != DType::Bool || y->type.dtype != DType::Bool) cannot();
    return Value::tensor_of(process_->binary(kind, x, y));
  }
  // The common dtype: bool only for ==/!= between bools, i32 when every tensor
  // is i32 and every number an integer, else f32.
  auto dtype_of = [&](const Value& v) -> std::optional<DType> {
    if (v.kind == Value::Kind::Tensor) return v.tensor->type.dtype;
    if (v.kind == Value::Kind::Param) return DType::F32;
    if (v.kind == Value::Kind::Bool) return DType::Bool;
    return std::nullopt;
  };
  auto da = dtype_of(a), db = dtype_of(b);
  DType target = DType::F32;
  bool all_bool = (!da || *da == DType::Bool) && (!db || *db == DType::Bool) && (da || db) &&
                  !(is_number(a) || is_number(b));
  bool int_ok = (!da || *da == DType::I32) && (!db || *db == DType::I32) && (!is_number(a) || a.is_int) &&
                (!is_number(b) || b.is_int);
  if (all_bool && (kind == Op::Eq || kind == Op::Ne)) target = DType::Bool;
  else if (int_ok && kind != Op::Pow && kind != Op::MatMul && (kind != Op::Div)) target = DType::I32;
  NodeRef x = to_tensor(a, e.loc, target), y = to_tensor(b, e.loc, target);
  if (x->type.dtype != target) x = process_->cast(x, target);
  if (y->type.dtype != target) y = process_->cast(y, target);
  if (kind == Op::MatMul) {
    if (x->type.shape.rank() != 2 || y->type.shape.rank() != 2 || x->type.shape[1] != y->type.shape[0])
      fail(e.loc, "'@' needs matrices (a, k) and (k, b), got " + x->type.str() + " and " + y->type.str());
    return Value::tensor_of(process_->matmul(x, y));
  }
  if (!ir::broadcast_shapes(x->type.shape, y->type.shape))
    fail(e.loc, "shapes do not broadcast in '" + op + "': " + x->type.shape.str() + " and " + y->type.shape.str());
  if (kind == Op::Pow && is_number(b) && b.is_int && std::fabs(b.number) <= 64 && x->type.dtype == DType::F32)
    return Value::tensor_of(integer_power(x, int64_t(b.number)));  // y is a scalar
  return Value::tensor_of(process_->binary(kind, x, y));
}

Value Elaborator::eval_index(const Expr& e, Scope& scope) {
  Value base = eval(*e.base, scope);
  if (base.kind == Value::Kind::Tuple) {
    if (e.items.size() != 1 || e.items[0]->kind == Expr::Kind::Slice) fail(e.loc, "a tuple takes one index");
    Value k = eval_static(*e.items[0], scope, "a tuple index");
    int64_t n = int64_t(base.items.size());
    int64_t i = k.kind == Value::Kind::Number && k.is_int ? int64_t(k.number) : -n - 1;
    if (i < 0) i += n;
    if (i < 0 || i >= n) fail(e.items[0]->loc, "index " + k.describe() + " is out of range for a tuple of " + std::to_string(n));
    return base.items[size_t(i)];
  }
  if (base.kind != Value::Kind::Tensor) fail(e.loc, "cannot index " + base.describe());
  const ir::Shape& shape = base.tensor->type.shape;
  if (int(e.items.size()) > shape.rank())
    fail(e.loc, "too many indices (" + std::to_string(e.items.size()) + ") for " + base.tensor->type.str());
  std::vector<int64_t> begin(size_t(shape.rank()), 0), end = shape.dims;
  for (size_t a = 0; a < e.items.size(); ++a) {
    const Expr& item = *e.items[a];
    int64_t dim = shape[int(a)];
    auto bound = [&](const ExprP& x, int64_t fallback) {
      if (!x) return fallback;
      Value v = eval_static(*x, scope, "an index");
      if (!is_number(v) || !v.is_int) fail(x->loc, "an index must be an integer, got " + v.describe());
      int64_t i = int64_t(v.number);
      if (i < 0) i += dim;
      return std::clamp<int64_t>(i, 0, dim);
    };
    if (item.kind == Expr::Kind::Slice) {
      begin[a] = bound(item.lo, 0);
      end[a] = std::max(begin[a], bound(item.hi, dim));
    } else {
      Value v = eval_static(item, scope, "an index");
      int64_t i = is_number(v) && v.is_int ? int64_t(v.number) : dim;
      if (i < 0) i += dim;
      if (i < 0 || i >= dim) fail(item.loc, "index " + v.describe() + " is out of range for axis " + std::to_string(a) + " of size " + std::to_string(dim));
      begin[a] = i;
      end[a] = i + 1;
    }
  }
  return Value::tensor_of(process_->slice(base.tensor, begin, end));
}

Value Elaborator::call_method(const Expr& call, Instance& inst, const MethodDecl& m, size_t level, Scope& caller) {
  if (!call.kwargs.empty()) fail(call.loc, "methods take positional arguments only");
  std::vector<Value> args;
  for (const ExprP& item : call.items) args.push_back(eval(*item, caller));
  return invoke_method(call.loc, inst, m, level, caller, args);
}

Value Elaborator::invoke_method(const SourceLoc& loc, Instance& inst, const MethodDecl& m, size_t level, Scope& caller,
                                const std::vector<Value>& args, const Value* time) {
  if (caller.depth > 32) fail(loc, "helper calls nest too deeply (is '" + m.name + "' recursive?)");
  Scope scope;
  scope.instance = &inst;
  scope.level = level;
  scope.method = caller.method;
  scope.depth = caller.depth + 1;
  std::vector<std::string> bound;
  for (const std::string& a : m.args)
    if (a != "t" && a != "dt") bound.push_back(a);
  if (bound.size() != args.size())
    fail(loc, "'" + m.name + "' takes " + std::to_string(bound.size()) + " argument(s), given " +
                  std::to_string(args.size()));
  for (size_t i = 0; i < bound.size(); ++i) scope.locals[bound[i]] = args[i];
  if (time && std::find(m.args.begin(), m.args.end(), "t") != m.args.end()) scope.locals["t"] = *time;
  lower_block(m.body, scope);
  return scope.returned ? *scope.returned : Value{};
}

Value Elaborator::eval_call(const Expr& e, Scope& scope) {
  Instance& inst = *scope.instance;
  const Expr& callee = *e.base;
  if (callee.kind == Expr::Kind::Attr && callee.base->kind == Expr::Kind::Name) {
    if (callee.base->text == "super") {
      auto [m, level] = inst.find_method(callee.text, scope.level + 1);
      if (!m) fail(callee.loc, "no parent of " + inst.chain[scope.level]->name + " has a method '" + callee.text + "'");
      return call_method(e, inst, *m, level, scope);
    }
    if (callee.text == "deriv") {
      Value fx = eval_name(*callee.base, scope);
      if (fx.kind != Value::Kind::String) fail(callee.loc, ".deriv needs a function parameter, got " + fx.describe());
      const std::string& base = callee.base->text;
      return call_activation(fx.text, true, e, scope, inst.aliases.count(base) ? inst.aliases.at(base) : base);
    }
  }
  if (callee.kind != Expr::Kind::Name) fail(e.loc, "this cannot be called");
  const std::string& name = callee.text;
  if (!scope.locals.count(name)) {
    if (auto [m, level] = inst.find_method(name); m) return call_method(e, inst, *m, level, scope);
    if (name == "integrate") return integrate(e, scope);
    std::string param = inst.aliases.count(name) ? inst.aliases.at(name) : name;
    auto p = inst.params.find(param);
    if (p != inst.params.end()) {
      if (p->second.type == "string") return call_activation(p->second.value.text, false, e, scope, param);
      if (p->second.type == "init") {
        if (p->second.value.kind == Value::Kind::None) fail(e.loc, "initializer parameter '" + name + "' is none");
        return draw_init(p->second.value.init, e, scope);
      }
      fail(e.loc, "parameter '" + name + "' is a " + p->second.type + ", not a function");
    }
  }
  return call_builtin(name, e, scope);
}

}  // namespace nf::frontend
