// The language's built-in functions, ngclearn's activation functions and the
// weight initializers, each lowered to IR (docs/LANGUAGE.md).
#include <cmath>

#include "frontend/elaborator.h"
#include "ir/elementwise.h"

namespace nf::frontend {

using ir::DType;
using ir::NodeRef;
using ir::Op;

namespace {

std::vector<std::string> builtin_names() {
  return {"exp", "log", "sqrt", "tanh", "sigmoid", "sin", "cos", "abs", "sign", "floor", "minimum", "maximum",
          "clip", "where", "sum", "mean", "max", "argmax", "transpose", "concat", "reshape", "one_hot", "zeros",
          "ones", "full", "float", "int", "uniform", "normal", "bernoulli", "wired", "reject", "static", "gaussian", "constant",
          "fan_in_uniform", "fan_in_gaussian", "integrate", "integrator_code", "bernoulli_connectivity",
          "local_connectivity", "sparse_matmul", "gather"};
}

}  // namespace

// int(x) and float(x) of a number known when the model is built: int
// truncates (Python's int()). float is Python's float() where the model's
// structure is decided (dimensions, initial values, static conditions), and
// in a method the number's binary32 value, as float(p) of a float parameter
// is there (a whole number below 2^24 is the same either way, so
// 1 / float(n) of an int parameter stays Python's quotient).
Value Elaborator::static_cast_number(const std::string& name, const Value& x, const SourceLoc& loc) const {
  if (name == "int") return integer(std::trunc(x.number), loc);
  if (!process_ || static_mode_) return Value::number_of(x.number, false);
  return Value::number_of(double(float(x.number)), false);
}

Value Elaborator::call_builtin(const std::string& name, const Expr& e, Scope& scope) {
  auto arg_count = [&](size_t lo, size_t hi) {
    if (e.items.size() < lo || e.items.size() > hi)
      fail(e.loc, name + "() takes " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) +
                      " positional argument(s), given " + std::to_string(e.items.size()));
  };
  auto kwarg = [&](const char* key) -> const Expr* {
    for (const auto& [k, v] : e.kwargs)
      if (k == key) return v.get();
    return nullptr;
  };
  auto check_kwargs = [&](const std::vector<const char*>& allowed) {
    for (const auto& [k, v] : e.kwargs) {
      bool ok = false;
      for (const char* a : allowed) ok = ok || k == a;
      if (!ok) fail(v->loc, name + "() has no argument '" + k + "'");
    }
  };
  auto tensor_arg = [&](size_t i) { return to_tensor(eval(*e.items[i], scope), e.items[i]->loc); };
  auto static_int = [&](const Expr& x, const char* what) {
    Value v = eval_static(x, scope, what);
    if (v.kind != Value::Kind::Number || !v.is_int) fail(x.loc, std::string(what) + " must be an integer, got " + v.describe());
    return int64_t(v.number);
  };
  auto static_shape = [&](const Expr& x) {
    Value v = eval_static(x, scope, "a shape");
    ir::Shape s;
    if (v.kind == Value::Kind::Number && v.is_int) v.items = {v}, v.kind = Value::Kind::Tuple;
    if (v.kind != Value::Kind::Tuple) fail(x.loc, "a shape must be a tuple of integers, got " + v.describe());
    for (const Value& d : v.items) {
      if (d.kind != Value::Kind::Number || !d.is_int || d.number < 0)
        fail(x.loc, "a shape must be a tuple of non-negative integers, got " + d.describe());
      s.dims.push_back(int64_t(d.number));
    }
    return s;
  };
  auto bool_kwarg = [&](const char* key) {
    const Expr* x = kwarg(key);
    if (!x) return false;
    Value v = eval_static(*x, scope, std::string("'") + key + "'");
    if (v.kind != Value::Kind::Bool) fail(x->loc, std::string("'") + key + "' must be true or false");
    return v.boolean;
  };
  auto axis_of = [&](const NodeRef& x, int64_t axis, const SourceLoc& loc) {
    int rank = x->type.shape.rank();
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) fail(loc, "axis out of range for " + x->type.str());
    return int(axis);
  };
  auto number_like = [&](NodeRef n) { return n->type.dtype == DType::Bool ? as_f32(n) : n; };

  // Only initializers (in static code), reductions and concat take keywords.
  const bool initializer = name == "uniform" || name == "gaussian" || name == "constant" || name == "fan_in_uniform" ||
                           name == "fan_in_gaussian";
  const bool takes_keywords = (static_mode_ && initializer) || name == "sum" || name == "mean" || name == "max" ||
                              name == "argmax" || name == "concat";
  if (std::optional<Value> v = call_connectivity_builtin(name, e, scope)) return *v;
  if (!takes_keywords) check_kwargs({});
  if (name == "static") {
    // static(COND): decided when the model is built, even on run-time
    // parameters (the branches differ in structure; changing the parameter
    // then needs a new build). Its parameters become constants.
    arg_count(1, 1);
    ++explicit_static_;
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{explicit_static_};
    return eval_static(*e.items[0], scope, "the argument of static()");
  }
  if (name == "reject") {
    // reject(PARAM, "why"): the model is refused, at the argument that gave
    // PARAM its value (or here, for a default), when this statement is lowered.
    arg_count(2, 2);
    const Expr& x = *e.items[0];
    Instance& inst = *scope.instance;
    std::string param = x.kind == Expr::Kind::Name && inst.aliases.count(x.text) ? inst.aliases.at(x.text) : x.text;
    auto slot = inst.params.find(param);
    if (x.kind != Expr::Kind::Name || slot == inst.params.end())
      fail(x.loc, "reject() takes one of the component's parameters first");
    Value why = eval_static(*e.items[1], scope, "the reason given to reject()");
    if (why.kind != Value::Kind::String) fail(e.items[1]->loc, "reject() takes a string reason second");
    std::string message = "parameter '" + param + "' of '" + inst.name + "' is " + slot->second.value.describe() +
                          ": " + why.text;
    fail(slot->second.given_at.known() ? slot->second.given_at : e.loc, message);
  }
  if (name == "integrator_code") {
    // ngclearn's get_integrator_code of a string: 0 Euler (also anything
    // unknown), 1 midpoint/rk2, 2 heun, 3 ralston, 4 rk4.
    arg_count(1, 1);
    Value v = eval_static(*e.items[0], scope, "the argument of integrator_code()");
    if (v.kind != Value::Kind::String) fail(e.items[0]->loc, "integrator_code() takes a string, got " + v.describe());
    return Value::number_of(ngclearn_integrator_code(v.text), true);
  }
  if (name == "wired") {
    arg_count(1, 1);
    const Expr& x = *e.items[0];
    if (x.kind != Expr::Kind::Name || !scope.instance->compartments.count(x.text))
      fail(x.loc, "wired() takes the name of one of the component's compartments");
    return Value::bool_of(scope.instance->compartments.at(x.text).wired.has_value());
  }

  // Initializer values, in parameter defaults and model arguments.
  if (static_mode_ && initializer) {
    Value v;
    v.kind = Value::Kind::Init;
    v.init.kind = name;
    std::vector<const char*> keys = name == "uniform"    ? std::vector<const char*>{"low", "high"}
                                   : name == "gaussian" ? std::vector<const char*>{"mean", "std"}
                                   : name == "constant" ? std::vector<const char*>{"value"}
                                                        : std::vector<const char*>{};
    std::vector<double> defaults = name == "uniform" ? std::vector<double>{0.0, 1.0}
                                   : name == "gaussian" ? std::vector<double>{0.0, 1.0}
                                                        : std::vector<double>{};
    if (e.items.size() > keys.size()) fail(e.loc, name + "() takes at most " + std::to_string(keys.size()) + " positional arguments");
    std::vector<const char*> allowed = keys;
    allowed.insert(allowed.end(), {"hollow", "eye", "amin", "amax"});
    check_kwargs(allowed);
    auto number = [&](const Expr& x) {
      Value n = eval_static(x, scope, "an initializer argument");
      if (n.kind != Value::Kind::Number) fail(x.loc, "an initializer argument must be a number, got " + n.describe());
      return n.number;
    };
    for (size_t k = 0; k < keys.size(); ++k) {
      if (k < e.items.size() && kwarg(keys[k]))
        fail(kwarg(keys[k])->loc, name + "() is given '" + keys[k] + "' twice, by position and by name");
      const Expr* x = k < e.items.size() ? e.items[k].get() : kwarg(keys[k]);
      if (!x && k >= defaults.size()) fail(e.loc, name + "() needs '" + keys[k] + "'");
      v.init.args.push_back(x ? number(*x) : defaults[k]);
    }
    v.init.hollow = bool_kwarg("hollow");
    v.init.eye = bool_kwarg("eye");
    if (const Expr* x = kwarg("amin")) v.init.amin = number(*x);
    if (const Expr* x = kwarg("amax")) v.init.amax = number(*x);
    return v;
  }

  if (name == "float" || name == "int") {
    // Of a number known when the model is built (also in a dimension such as
    // int(nu / dt) + 1, outside any method), else a cast of a tensor.
    arg_count(1, 1);
    Value x = eval(*e.items[0], scope);
    if (x.kind == Value::Kind::Number) return static_cast_number(name, x, e.loc);
    NodeRef n = to_tensor(x, e.items[0]->loc);
    DType to = name == "float" ? DType::F32 : DType::I32;
    return Value::tensor_of(n->type.dtype == to ? n : process_->cast(n, to));
  }
  if (!process_) fail(e.loc, name + "() is only available inside a method");
  static const std::map<std::string, Op> unary = {
      {"exp", Op::Exp}, {"log", Op::Log}, {"sqrt", Op::Sqrt}, {"tanh", Op::Tanh}, {"sigmoid", Op::Sigmoid},
      {"sin", Op::Sin}, {"cos", Op::Cos}, {"abs", Op::Abs},   {"sign", Op::Sign}, {"floor", Op::Floor}};
  if (auto u = unary.find(name); u != unary.end()) {
    arg_count(1, 1);
    Value x = eval(*e.items[0], scope);
    if (x.kind == Value::Kind::Number) {
      uint32_t w = std::bit_cast<uint32_t>(float(x.number));
      return Value::number_of(double(std::bit_cast<float>(ir::eval_element(u->second, DType::F32, DType::F32, std::span(&w, 1)))), false);
    }
    NodeRef n = to_tensor(x, e.items[0]->loc);
    if (n->type.dtype != DType::F32 && (u->second != Op::Abs && u->second != Op::Sign)) n = as_f32(n);
    return Value::tensor_of(process_->unary(u->second, number_like(n)));
  }
  if (name == "minimum" || name == "maximum") {
    arg_count(2, 2);
    NodeRef a = as_f32(tensor_arg(0)), b = as_f32(tensor_arg(1));
    return Value::tensor_of(process_->binary(name == "minimum" ? Op::Min : Op::Max, a, b));
  }
  if (name == "clip") {
    arg_count(3, 3);
    return Value::tensor_of(process_->clip(as_f32(tensor_arg(0)), as_f32(tensor_arg(1)), as_f32(tensor_arg(2))));
  }
  if (name == "where") {
    arg_count(3, 3);
    NodeRef c = tensor_arg(0);
    if (c->type.dtype != DType::Bool) fail(e.items[0]->loc, "where() needs a bool condition, got " + c->type.str());
    NodeRef a = as_f32(tensor_arg(1)), b = as_f32(tensor_arg(2));
    return Value::tensor_of(process_->select(c, a, b));
  }
  if (name == "sum" || name == "mean" || name == "max" || name == "argmax") {
    arg_count(1, 2);
    check_kwargs({"axis", "keepdims"});
    NodeRef x = number_like(tensor_arg(0));
    if (e.items.size() > 1 && kwarg("axis")) fail(kwarg("axis")->loc, name + "() is given 'axis' twice, by position and by name");
    const Expr* ax = e.items.size() > 1 ? e.items[1].get() : kwarg("axis");
    if (!ax) fail(e.loc, name + "() needs axis=");
    int axis = axis_of(x, static_int(*ax, "axis"), ax->loc);
    Op op = name == "sum" ? Op::Sum : name == "mean" ? Op::Mean : name == "max" ? Op::ReduceMax : Op::ArgMax;
    if (op == Op::Mean) x = as_f32(x);
    return Value::tensor_of(process_->reduce(op, x, axis, bool_kwarg("keepdims")));
  }
  if (name == "transpose") {
    arg_count(1, 1);
    NodeRef x = tensor_arg(0);
    if (x->type.shape.rank() != 2) fail(e.loc, "transpose() needs a matrix, got " + x->type.str());
    return Value::tensor_of(process_->transpose(x));
  }
  if (name == "concat") {
    arg_count(1, 2);
    check_kwargs({"axis"});
    Value parts = eval(*e.items[0], scope);
    if (parts.kind != Value::Kind::Tuple || parts.items.empty()) fail(e.items[0]->loc, "concat() takes a tuple of tensors");
    std::vector<NodeRef> xs;
    for (const Value& p : parts.items) xs.push_back(as_f32(to_tensor(p, e.items[0]->loc)));
    if (e.items.size() > 1 && kwarg("axis")) fail(kwarg("axis")->loc, name + "() is given 'axis' twice, by position and by name");
    const Expr* ax = e.items.size() > 1 ? e.items[1].get() : kwarg("axis");
    int axis = axis_of(xs[0], ax ? static_int(*ax, "axis") : 0, e.loc);
    return Value::tensor_of(process_->concat(xs, axis));
  }
  if (name == "reshape") {
    arg_count(2, 2);
    NodeRef x = tensor_arg(0);
    ir::Shape s = static_shape(*e.items[1]);
    if (s.num_elements() != x->type.shape.num_elements())
      fail(e.loc, "cannot reshape " + x->type.str() + " to " + s.str() + ": the number of elements differs");
    return Value::tensor_of(process_->reshape(x, s));
  }
  if (name == "one_hot") {
    arg_count(2, 2);
    NodeRef idx = tensor_arg(0);
    if (idx->type.dtype != DType::I32) idx = process_->cast(idx, DType::I32);
    return Value::tensor_of(process_->one_hot(idx, static_int(*e.items[1], "depth")));
  }
  if (name == "zeros" || name == "ones" || name == "full") {
    arg_count(name == "full" ? 2 : 1, name == "full" ? 2 : 1);
    ir::Shape s = static_shape(*e.items[0]);
    float v = name == "ones" ? 1.0f : 0.0f;
    if (name == "full") {
      Value f = eval(*e.items[1], scope);
      if (f.kind != Value::Kind::Number) {
        NodeRef n = as_f32(to_tensor(f, e.items[1]->loc));
        return Value::tensor_of(process_->broadcast(n, s));
      }
      v = float(f.number);
    }
    return Value::tensor_of(process_->constant(v, s));
  }
  if (name == "uniform" || name == "normal" || name == "bernoulli") {
    bool bern = name == "bernoulli";
    arg_count(bern ? 3 : 2, bern ? 3 : 2);
    NodeRef counter = to_tensor(eval(*e.items[0], scope), e.items[0]->loc, DType::I32);
    if (counter->type != ir::Type{DType::I32, {}})
      fail(e.items[0]->loc, name + "() needs an i32 scalar counter first (the component's key), got " + counter->type.str());
    ir::Shape s = static_shape(*e.items.back());
    std::string stream = next_stream(scope);
    if (bern) {
      NodeRef p = as_f32(tensor_arg(1));
      if (!ir::broadcasts_to(p->type.shape, s))
        fail(e.items[1]->loc, "the probability " + p->type.str() + " does not broadcast to " + s.str());
      return Value::tensor_of(process_->bernoulli(p, counter, s, stream));
    }
    return Value::tensor_of(name == "uniform" ? process_->uniform(counter, s, stream) : process_->normal(counter, s, stream));
  }
  fail(e.base->loc, "unknown function '" + name + "'" + did_you_mean(name, builtin_names()));
}

Value Elaborator::call_activation(const std::string& fx, bool derivative, const Expr& e, Scope& scope,
                                  const std::string& param) {
  if (e.items.size() != 1 || !e.kwargs.empty()) fail(e.loc, "an activation function takes one argument");
  NodeRef x = as_f32(to_tensor(eval(*e.items[0], scope), e.items[0]->loc));
  ir::ProcessBuilder& p = *process_;
  auto c = [&](float v) { return p.constant(v); };
  auto f32 = [&](NodeRef n) { return as_f32(n); };
  auto ge = [&](NodeRef a, float v) { return f32(p.binary(Op::Ge, a, c(v))); };
  auto sig_d = [&](NodeRef s) { return p.mul(s, p.sub(c(1.0f), s)); };  // s(1 - s)
  // ngclearn's sigmoid: 1. / (1. + jnp.exp(-x)), three roundings (not the
  // correctly rounded logistic of the IR's sigmoid op).
  auto sigmoid = [&](NodeRef z) { return p.div(c(1.0f), p.add(c(1.0f), p.unary(Op::Exp, p.unary(Op::Neg, z)))); };
  NodeRef r;
  if (fx == "identity") {  // x + 0 and x * 0 + 1, as ngclearn writes them (-0 becomes +0)
    r = derivative ? p.add(p.mul(x, c(0.0f)), c(1.0f)) : p.add(x, c(0.0f));
  } else if (fx == "tanh") {
    NodeRef t = p.unary(Op::Tanh, x);
    r = derivative ? p.sub(c(1.0f), p.mul(t, t)) : t;
  } else if (fx == "sigmoid") {
    NodeRef s = sigmoid(x);
    r = derivative ? sig_d(s) : s;
  } else if (fx == "relu") {
    r = derivative ? ge(x, 0.0f) : p.binary(Op::Max, x, c(0.0f));
  } else if (fx == "lrelu") {
    NodeRef pos = p.binary(Op::Ge, x, c(0.0f));
    r = derivative ? p.add(f32(pos), p.mul(c(0.01f), f32(p.unary(Op::Not, pos)))) : p.select(pos, x, p.mul(c(0.01f), x));
  } else if (fx == "relu6") {
    r = derivative ? f32(p.binary(Op::And, p.binary(Op::Ge, x, c(0.0f)), p.binary(Op::Le, x, c(6.0f))))
                   : p.binary(Op::Min, p.binary(Op::Max, x, c(0.0f)), c(6.0f));
  } else if (fx == "elu") {  // masks multiplied in, as ngclearn does (alpha = 1)
    NodeRef mask = f32(p.binary(Op::Ge, x, c(0.0f)));
    NodeRef ex = p.unary(Op::Exp, x);
    r = derivative ? p.add(mask, p.mul(p.sub(c(1.0f), mask), ex))
                   : p.add(p.mul(x, mask), p.mul(p.sub(ex, c(1.0f)), p.sub(c(1.0f), mask)));
  } else if (fx == "silu") {
    NodeRef s = sigmoid(x);
    r = derivative ? p.add(s, p.mul(x, sig_d(s))) : p.mul(x, s);
  } else if (fx == "gelu") {
    NodeRef z = p.mul(c(1.702f), x);
    NodeRef s = sigmoid(z);
    r = derivative ? p.add(s, p.mul(z, sig_d(s))) : p.mul(x, s);
  } else if (fx == "telu") {
    NodeRef ex = p.unary(Op::Exp, x);
    NodeRef t = p.unary(Op::Tanh, ex);
    r = derivative ? p.add(t, p.mul(p.mul(x, ex), p.sub(c(1.0f), p.mul(t, t)))) : p.mul(x, t);
  } else if (fx == "softplus") {
    r = derivative ? sigmoid(x) : p.unary(Op::Log, p.add(c(1.0f), p.unary(Op::Exp, x)));
  } else if (fx == "sine") {
    NodeRef z = p.mul(c(30.0f), x);
    r = derivative ? p.mul(c(30.0f), p.unary(Op::Cos, z)) : p.unary(Op::Sin, z);
  } else if (fx == "unit_threshold") {
    r = derivative ? p.broadcast(c(1.0f), x->type.shape) : ge(x, 1.0f);
  } else if (fx.find("heaviside") != std::string::npos) {
    r = derivative ? p.broadcast(c(1.0f), x->type.shape) : ge(x, 0.0f);
  } else if (fx == "softmax") {
    if (derivative) fail(e.loc, "softmax has no element-wise derivative (its Jacobian is a matrix per row)");
    int last = x->type.shape.rank() - 1;
    if (last < 0) fail(e.loc, "softmax needs at least one axis");
    NodeRef m = p.reduce(Op::ReduceMax, x, last, true);
    NodeRef ex = p.unary(Op::Exp, p.sub(x, m));
    r = p.div(ex, p.reduce(Op::Sum, ex, last, true));
  } else {
    std::vector<std::string> names = {"identity", "tanh", "sigmoid", "relu", "lrelu", "relu6", "elu", "silu",
                                      "gelu", "telu", "softplus", "sine", "unit_threshold", "heaviside", "softmax"};
    std::string why = "unknown activation function \"" + fx + "\"" + did_you_mean(fx, names);
    // Given by the model: the fix belongs there, not in the component's method.
    auto slot = scope.instance->params.find(param);
    if (slot != scope.instance->params.end() && slot->second.given_at.known())
      fail(slot->second.given_at, "parameter '" + param + "' of '" + scope.instance->name + "': " + why);
    fail(e.loc, why);
  }
  return Value::tensor_of(r);
}

Value Elaborator::draw_init(const InitSpec& init, const Expr& e, Scope& scope) {
  if (scope.method != "initialize")
    fail(e.loc, "initializers are drawn in initialize(), once per state; this is " + scope.method + "()");
  if (e.items.size() != 1 || !e.kwargs.empty()) fail(e.loc, "an initializer takes one argument, the shape");
  Value sv = eval_static(*e.items[0], scope, "a shape");
  ir::Shape s;
  for (const Value& d : sv.kind == Value::Kind::Tuple ? sv.items : std::vector<Value>{sv}) {
    if (d.kind != Value::Kind::Number || !d.is_int || d.number < 0) fail(e.items[0]->loc, "a shape must be a tuple of non-negative integers");
    s.dims.push_back(int64_t(d.number));
  }
  ir::ProcessBuilder& p = *process_;
  NodeRef counter = p.constant(ir::Literal::i32(0));
  auto c = [&](double v) { return p.constant(float(v)); };
  NodeRef x;
  if (init.kind == "uniform") {
    x = p.add(p.mul(p.uniform(counter, s, next_stream(scope)), p.sub(c(init.args[1]), c(init.args[0]))), c(init.args[0]));
  } else if (init.kind == "gaussian") {
    x = p.add(p.mul(p.normal(counter, s, next_stream(scope)), c(init.args[1])), c(init.args[0]));
  } else if (init.kind == "constant") {
    x = p.constant(float(init.args[0]), s);
  } else if (init.kind == "fan_in_uniform") {
    // ngclearn's limit uses shape[1] (its fan-out); the reference keeps that quirk.
    if (s.rank() < 2) fail(e.loc, "fan_in_uniform needs a matrix shape");
    NodeRef limit = p.unary(Op::Sqrt, p.div(c(1.0), c(double(s[1]))));
    NodeRef u = p.uniform(counter, s, next_stream(scope));
    x = p.sub(p.mul(u, p.mul(c(2.0), limit)), limit);
  } else {
    if (s.rank() < 1) fail(e.loc, "fan_in_gaussian needs a matrix shape");
    x = p.mul(p.normal(counter, s, next_stream(scope)), p.unary(Op::Sqrt, p.div(c(1.0), c(double(s[0])))));
  }
  if (x->type.shape != s) x = p.broadcast(x, s);
  if (init.amin) x = p.binary(Op::Max, x, c(*init.amin));
  if (init.amax) x = p.binary(Op::Min, x, c(*init.amax));
  if ((init.hollow || init.eye) && s.rank() == 2) {
    NodeRef diagonal = p.binary(Op::Eq, p.iota(s, 0), p.iota(s, 1));
    NodeRef identity = as_f32(diagonal);
    if (init.hollow) x = p.mul(x, p.sub(c(1.0), identity));
    if (init.eye) x = p.mul(x, identity);
  }
  return Value::tensor_of(x);
}

}  // namespace nf::frontend
