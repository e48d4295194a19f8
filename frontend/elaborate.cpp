// Model-level elaboration: instances, parameters, compartments, wires and the
// IR processes. Method bodies are lowered in lower.cpp.
#include <algorithm>
#include <cmath>
#include <set>

#include "frontend/elaborator.h"
#include "ir/fold_params.h"
#include "ir/interpreter.h"

namespace nf::frontend {

std::string Value::describe() const {
  switch (kind) {
    case Kind::Number: return "the number " + (is_int ? std::to_string(int64_t(number)) : ir::Literal::f32(float(number)).str());
    case Kind::Bool: return boolean ? "true" : "false";
    case Kind::String: return "the string \"" + text + "\"";
    case Kind::Tuple: return "a tuple of " + std::to_string(items.size());
    case Kind::Init: return "the initializer " + init.kind + "(...)";
    case Kind::None: return "none";
    case Kind::Param: return "parameter " + param_local;
    case Kind::Tensor: return "a tensor " + tensor->type.str();
    case Kind::Connectivity: return "connectivity " + text;
  }
  return "?";
}

std::pair<const MethodDecl*, size_t> Instance::find_method(const std::string& name, size_t from) const {
  for (size_t level = from; level < chain.size(); ++level)
    for (const MethodDecl& m : chain[level]->methods)
      if (m.name == name) return {&m, level};
  return {nullptr, 0};
}

bool Instance::declares_compartment(const std::string& name) const {
  for (const ComponentDecl* c : chain)
    for (const CompartmentDecl& x : c->compartments)
      if (x.name == name) return true;
  return false;
}

Elaborator::Elaborator(const ModelDecl& model, const std::map<std::string, const ComponentDecl*>& components)
    : model_(model), components_(components) {}

void Elaborator::fail(const SourceLoc& loc, const std::string& message) const {
  throw Error(std::vector<Diagnostic>{{loc, message}});
}

namespace {

// The type a parameter's value has, for messages and checks.
std::string type_of(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Number: return v.is_int ? "int" : "float";
    case Value::Kind::Bool: return "bool";
    case Value::Kind::String: return "string";
    case Value::Kind::Tuple: return "shape";
    case Value::Kind::Init: return "init";
    case Value::Kind::None: return "none";
    default: return "tensor";
  }
}

bool fits(const std::string& type, const Value& v) {
  std::string t = type_of(v);
  if (type == t) return true;
  if (type == "float" && t == "int") return true;
  if (type == "init" && t == "none") return true;
  return false;
}

}  // namespace

// A constant expression in a model or a declaration (parameter defaults,
// arguments, shapes, initial values), evaluated with the instance's
// parameters in scope.
Value Elaborator::static_value(const Expr& e, Instance& inst, const std::string& what) {
  Scope scope;
  scope.instance = &inst;
  return eval_static(e, scope, what);
}

void Elaborator::bind_instance(const InstanceDecl& decl) {
  auto found = components_.find(decl.component);
  if (found == components_.end()) {
    std::vector<std::string> names;
    for (const auto& [n, c] : components_) names.push_back(n);
    fail(decl.loc, "unknown component '" + decl.component + "'" + did_you_mean(decl.component, names));
  }
  if (instances_.count(decl.name)) fail(decl.loc, "instance '" + decl.name + "' is defined twice");
  Instance& inst = instances_[decl.name];
  instance_order_.push_back(decl.name);
  inst.name = decl.name;
  inst.loc = decl.loc;
  for (const ComponentDecl* c = found->second; c;) {
    if (std::find(inst.chain.begin(), inst.chain.end(), c) != inst.chain.end())
      fail(c->loc, "component '" + c->name + "' extends itself");
    inst.chain.push_back(c);
    if (c->parent.empty()) break;
    auto parent = components_.find(c->parent);
    if (parent == components_.end()) fail(c->loc, "component '" + c->name + "' extends unknown component '" + c->parent + "'");
    c = parent->second;
  }

  // Parameters: declarations from the root ancestor down, so a subclass
  // re-declaration replaces the parent's default.
  std::map<std::string, const ParamDecl*> decls;
  std::vector<std::string> order;
  for (auto it = inst.chain.rbegin(); it != inst.chain.rend(); ++it) {
    for (const ParamDecl& p : (*it)->params) {
      if (!decls.count(p.name)) order.push_back(p.name);
      decls[p.name] = &p;
    }
    for (const AliasDecl& a : (*it)->aliases) inst.aliases[a.name] = a.target;
  }
  for (const ComponentDecl* c : inst.chain)
    for (const AliasDecl& a : c->aliases)
      if (!decls.count(a.target))
        fail(a.loc, "alias '" + a.name + "' of " + c->name + " names '" + a.target + "', which is not a parameter");
  std::map<std::string, std::pair<const Expr*, SourceLoc>> given;
  for (size_t k = 0; k < decl.args.size(); ++k) {
    std::string name = decl.args[k].first;
    const SourceLoc& loc = decl.arg_locs[k];
    if (inst.aliases.count(name)) name = inst.aliases[name];
    if (!decls.count(name)) {
      std::vector<std::string> names = order;
      for (const auto& [a, t] : inst.aliases) names.push_back(a);
      fail(loc, decl.component + " has no parameter '" + decl.args[k].first + "'" + did_you_mean(decl.args[k].first, names));
    }
    if (given.count(name))
      fail(loc, "parameter '" + name + "' of '" + decl.name + "' is given twice (directly or through an alias)");
    given[name] = {decl.args[k].second.get(), loc};
  }
  if (batch_size_ && decls.count("batch_size") && !given.count("batch_size")) {
    ParamSlot slot{"int", Value::number_of(double(*batch_size_), true), decls["batch_size"]->loc, {}};
    inst.params["batch_size"] = slot;
  }
  // Defaults may refer to earlier parameters, so bind in declaration order.
  for (const std::string& name : order) {
    if (inst.params.count(name)) continue;
    const ParamDecl& p = *decls[name];
    Value v;
    SourceLoc where = p.loc;
    if (given.count(name)) {
      Scope model_scope;  // arguments see no parameters of the instance
      Instance none;
      model_scope.instance = &none;
      where = given[name].second;
      v = eval_static(*given[name].first, model_scope, "a parameter value");
    } else if (p.default_value) {
      v = static_value(*p.default_value, inst, "a parameter default");
    } else {
      fail(decl.loc, "instance '" + decl.name + "' of " + decl.component + " needs parameter '" + name +
                         "' (it has no default)");
    }
    std::string type = p.type.empty() ? type_of(v) : p.type;
    if (type == "none") type = "init";
    if (!fits(type, v))
      fail(where, "parameter '" + name + "' of " + decl.component + " is " + (type == "int" || type == "init" ? "an " : "a ") + type + ", given " + v.describe());
    if (type == "float" && v.kind == Value::Kind::Number) v.is_int = false;
    inst.params[name] = {type, v, p.loc, given.count(name) ? where : SourceLoc{}};
  }

  // Compartments: the component's own after its ancestors'.
  for (auto it = inst.chain.rbegin(); it != inst.chain.rend(); ++it)
    for (const CompartmentDecl& c : (*it)->compartments) {
      if (!inst.compartments.count(c.name)) inst.compartment_order.push_back(c.name);
      CompartmentSlot slot;
      slot.decl = &c;
      slot.type.dtype = c.dtype;
      for (const ExprP& d : c.dims) {
        // A tuple gives several dimensions: a shape chosen as a whole
        // (`(n, m) if storage == "dense" else conn.shape`).
        Value v = static_value(*d, inst, "a dimension");
        std::vector<Value> dims = v.kind == Value::Kind::Tuple ? v.items : std::vector<Value>{v};
        for (const Value& x : dims) {
          if (x.kind != Value::Kind::Number || !x.is_int || x.number < 0)
            fail(d->loc, "a dimension of compartment '" + c.name + "' must be a non-negative integer, got " + x.describe());
          slot.type.shape.dims.push_back(int64_t(x.number));
        }
      }
      // The initial value at the model's parameter values; float parameters
      // it reads stay run-time values, and initialize recomputes it from them.
      std::set<std::string> before = std::move(static_params_);
      static_params_.clear();
      Value init = static_value(*c.initial, inst, "an initial value");
      // A subclass's declaration replaces its parent's, run-time part included.
      std::erase_if(runtime_inits_, [&](const RuntimeInit& r) { return r.instance == inst.name && r.compartment == c.name; });
      if (!static_params_.empty() && c.dtype == ir::DType::F32) {
        runtime_inits_.push_back({inst.name, c.name, c.initial.get()});
        static_params_ = std::move(before);
      } else {
        static_params_.insert(before.begin(), before.end());
      }
      switch (c.dtype) {
        case ir::DType::F32:
          if (init.kind == Value::Kind::Bool) init = Value::number_of(init.boolean ? 1 : 0, false);
          if (init.kind != Value::Kind::Number)
            fail(c.initial->loc, "the initial value of '" + c.name + "' must be a number, got " + init.describe() +
                                     " (compute tensors in initialize())");
          slot.init = ir::Literal::f32(float(init.number));
          break;
        case ir::DType::I32:
          if (init.kind != Value::Kind::Number || !init.is_int)
            fail(c.initial->loc, "the initial value of i32 compartment '" + c.name + "' must be an integer, got " + init.describe());
          if (init.number < -2147483648.0 || init.number > 2147483647.0)
            fail(c.initial->loc, "the initial value of i32 compartment '" + c.name + "' is outside the i32 range");
          slot.init = ir::Literal::i32(int32_t(init.number));
          break;
        case ir::DType::Bool:
          if (init.kind != Value::Kind::Bool)
            fail(c.initial->loc, "the initial value of bool compartment '" + c.name + "' must be true or false");
          slot.init = ir::Literal::boolean(init.boolean);
          break;
        case ir::DType::F64:
          fail(c.loc, "compartments are f32, i32 or bool");
      }
      inst.compartments[c.name] = slot;
    }
}

WireSource Elaborator::wire_source(const Expr& e) {
  WireSource w;
  w.loc = e.loc;
  if (e.kind == Expr::Kind::Attr && e.base && e.base->kind == Expr::Kind::Name) {
    w.instance = e.base->text;
    w.compartment = e.text;
    compartment_at(instance_at(w.instance, e.base->loc), w.compartment, e.loc);
    return w;
  }
  if (e.kind == Expr::Kind::Call && e.base && e.base->kind == Expr::Kind::Name &&
      (e.base->text == "sum" || e.base->text == "product")) {
    w.kind = e.base->text == "sum" ? WireSource::Kind::Sum : WireSource::Kind::Product;
    if (e.items.empty() || !e.kwargs.empty()) fail(e.loc, e.base->text + "(...) takes one or more compartments");
    for (const ExprP& x : e.items) w.operands.push_back(wire_source(*x));
    return w;
  }
  fail(e.loc, "a wire starts at instance.compartment, sum(...) or product(...)");
}

namespace {
std::string wire_text(const WireSource& w) {
  if (w.kind == WireSource::Kind::Compartment) return w.instance + "." + w.compartment;
  std::string s = w.kind == WireSource::Kind::Sum ? "sum(" : "product(";
  for (size_t i = 0; i < w.operands.size(); ++i) s += (i ? ", " : "") + wire_text(w.operands[i]);
  return s + ")";
}
}  // namespace

std::string where_declared(const SourceLoc& loc) {
  if (!loc.known() || !loc.file) return "";
  return " (declared at " + loc.file->name + ":" + std::to_string(loc.line) + ")";
}

Instance& Elaborator::instance_at(const std::string& name, const SourceLoc& loc) {
  auto it = instances_.find(name);
  if (it == instances_.end()) fail(loc, "unknown instance '" + name + "'" + did_you_mean(name, instance_order_));
  return it->second;
}

CompartmentSlot& Elaborator::compartment_at(Instance& inst, const std::string& name, const SourceLoc& loc) {
  auto it = inst.compartments.find(name);
  if (it == inst.compartments.end())
    fail(loc, "'" + inst.name + "' (" + inst.component().name + ") has no compartment '" + name + "'" +
                  did_you_mean(name, inst.compartment_order));
  return it->second;
}

// A wire's value as alias terms (ir/program.h), in the order read_wire reads
// it: a wired source is followed to the compartments it reads.
std::vector<std::string> Elaborator::alias_terms(const WireSource& src) const {
  std::vector<std::string> terms;
  std::vector<std::pair<const WireSource*, size_t>> stack{{&src, 0}};  // (wire, next operand)
  while (!stack.empty()) {
    auto& [w, next] = stack.back();
    if (w->kind == WireSource::Kind::Compartment) {
      const CompartmentSlot& slot = instances_.at(w->instance).compartments.at(w->compartment);
      if (!slot.wired) {
        terms.push_back(w->instance + "." + w->compartment);
        stack.pop_back();
      } else if (next++ == 0) {
        stack.push_back({&*slot.wired, 0});
      } else {
        stack.pop_back();
      }
      continue;
    }
    if (next > 1) terms.push_back(w->kind == WireSource::Kind::Sum ? "+" : "*");  // after each operand but the first
    if (next == w->operands.size()) {
      stack.pop_back();
      continue;
    }
    const WireSource* operand = &w->operands[next++];
    stack.push_back({operand, 0});
  }
  return terms;
}

void Elaborator::resolve_wire(const WireDecl& wire) {
  WireSource src = wire_source(*wire.source);
  Instance& dst = instance_at(wire.dst_instance, wire.dst_loc);
  CompartmentSlot& slot = compartment_at(dst, wire.dst_compartment, wire.dst_loc);
  if (slot.wired)
    fail(wire.loc, dst.name + "." + wire.dst_compartment + " is already wired from " + wire_text(*slot.wired) +
                       "; a compartment has one source");
  // Operands of an operator must agree with each other and with the target.
  std::vector<const WireSource*> leaves;
  std::vector<const WireSource*> stack{&src};
  while (!stack.empty()) {
    const WireSource* w = stack.back();
    stack.pop_back();
    if (w->kind == WireSource::Kind::Compartment) leaves.push_back(w);
    for (const WireSource& o : w->operands) stack.push_back(&o);
  }
  for (const WireSource* leaf : leaves) {
    if (leaf->instance == dst.name && leaf->compartment == wire.dst_compartment)
      fail(wire.loc, "wire into " + dst.name + "." + wire.dst_compartment + " reads itself");
    // Following the leaf's own wires back must not reach the target.
    std::vector<const WireSource*> chain{leaf};
    std::set<std::pair<std::string, std::string>> visited;
    while (!chain.empty()) {
      const WireSource* w = chain.back();
      chain.pop_back();
      for (const WireSource& o : w->operands) chain.push_back(&o);
      if (w->kind != WireSource::Kind::Compartment || !visited.insert({w->instance, w->compartment}).second) continue;
      if (w != leaf && w->instance == dst.name && w->compartment == wire.dst_compartment)
        fail(wire.loc, "wire " + wire_text(*leaf) + " >> " + dst.name + "." + wire.dst_compartment +
                           " closes a cycle: " + wire_text(*leaf) + " is wired, directly or through other wires, from " +
                           dst.name + "." + wire.dst_compartment);
      const CompartmentSlot& slot = instances_.at(w->instance).compartments.at(w->compartment);
      if (slot.wired) chain.push_back(&*slot.wired);
    }
    const CompartmentSlot& s = instances_.at(leaf->instance).compartments.at(leaf->compartment);
    if (s.type != slot.type)
      fail(wire.loc, "wire " + wire_text(*leaf) + " >> " + dst.name + "." + wire.dst_compartment +
                         ": shapes differ: " + wire_text(*leaf) + " is " + s.type.str() + where_declared(s.decl->loc) +
                         ", " + dst.name + "." + wire.dst_compartment + " is " + slot.type.str() +
                         where_declared(slot.decl->loc));
  }
  slot.wired = src;
}

void Elaborator::lower_method(Instance& inst, const std::string& method, const SourceLoc& call_site) {
  auto [m, level] = inst.find_method(method);
  if (!m) {
    std::vector<std::string> names;
    for (const ComponentDecl* c : inst.chain)
      for (const MethodDecl& d : c->methods) names.push_back(d.name);
    fail(call_site, "'" + inst.name + "' (" + inst.component().name + ") has no method '" + method + "'" +
                        did_you_mean(method, names));
  }
  Scope scope;
  scope.instance = &inst;
  scope.level = level;
  scope.method = method;
  draw_sites_ = 0;
  lower_block(m->body, scope);
}

ir::Program Elaborator::run() {
  std::set<std::string> defaults_seen;
  for (const auto& [name, expr] : model_.defaults) {
    if (!defaults_seen.insert(name).second) fail(expr->loc, name + " is set twice");
    Scope scope;
    Instance none;
    scope.instance = &none;
    Value v = eval_static(*expr, scope, "a model default");
    bool is_int = v.kind == Value::Kind::Number && v.is_int && v.number >= 0;
    if (name == "dt") {
      if (v.kind != Value::Kind::Number || !(v.number > 0) || !std::isfinite(float(v.number)))
        fail(expr->loc, "dt must be a positive finite number, got " + v.describe());
      dt_ = v.number;
    } else if (name == "seed") {
      if (!is_int) fail(expr->loc, "seed must be a non-negative integer, got " + v.describe());
      seed_ = uint64_t(v.number);
    } else if (name == "precision") {
      if (v.kind != Value::Kind::String)
        fail(expr->loc, "precision must be \"exact\", \"fast\" or \"fast:PROCESS,...\", got " + v.describe());
      try {
        precision_ = ir::parse_precision(v.text);
      } catch (const Error& e) {
        fail(expr->loc, e.diagnostics().empty() ? e.what() : e.diagnostics()[0].message);
      }
      precision_loc_ = expr->loc;
    } else {
      if (!is_int || v.number < 1) fail(expr->loc, "batch_size must be a positive integer, got " + v.describe());
      batch_size_ = int64_t(v.number);
    }
  }
  program_.defaults(dt_, seed_);
  for (const InstanceDecl& decl : model_.instances) bind_instance(decl);
  for (const WireDecl& w : model_.wires) resolve_wire(w);

  for (const std::string& name : instance_order_) {
    const Instance& inst = instances_.at(name);
    for (const std::string& c : inst.compartment_order) {
      const CompartmentSlot& slot = inst.compartments.at(c);
      if (!slot.wired) program_.compartment(name + "." + c, slot.type, slot.decl->role, slot.init);
    }
    // A parameter that names a compartment too is that compartment's
    // initial value, known when the model is built: the compartment is
    // what runs (and what a host sets).
    for (const auto& [p, slot] : inst.params)
      if (slot.type == "float" && !inst.declares_compartment(p)) program_.param(name + "." + p, slot.value.number);
  }
  // Wired compartments keep their names, as aliases of what they read.
  for (const std::string& name : instance_order_) {
    const Instance& inst = instances_.at(name);
    for (const std::string& c : inst.compartment_order)
      if (const CompartmentSlot& slot = inst.compartments.at(c); slot.wired)
        program_.alias(name + "." + c, alias_terms(*slot.wired));
  }

  std::set<std::string> process_names;
  for (const ProcessDecl& proc : model_.processes) {
    if (proc.name == ir::kInitializeProcess)
      fail(proc.loc, "'initialize' is the name of the process made from the components' initialize methods; choose another name");
    if (!process_names.insert(proc.name).second) fail(proc.loc, "process '" + proc.name + "' is defined twice");
    process_ = &program_.process(proc.name);
    std::map<std::string, int> runs;  // of each instance.method in this process
    for (const ProcessStep& step : proc.steps) {
      int k = ++runs[step.instance + "." + step.method];
      method_occurrence_ = k == 1 ? "" : "@" + std::to_string(k);
      lower_method(instance_at(step.instance, step.loc), step.method, step.loc);
    }
    method_occurrence_.clear();
  }
  std::vector<Instance*> initialized;
  for (const std::string& name : instance_order_)
    if (instances_.at(name).find_method("initialize").first) initialized.push_back(&instances_.at(name));
  if (!initialized.empty() || !runtime_inits_.empty()) {
    process_ = &program_.process(ir::kInitializeProcess);
    // Initial values of run-time parameters, from the state's values, first.
    for (const RuntimeInit& r : runtime_inits_) {
      Instance& inst = instances_.at(r.instance);
      if (inst.compartments.at(r.compartment).wired) continue;
      Scope scope;
      scope.instance = &inst;
      scope.method = ir::kInitializeProcess;
      initial_value_mode_ = true;
      Value init = eval(*r.initial, scope);
      initial_value_mode_ = false;
      write_compartment(inst, r.compartment, init, r.initial->loc);
    }
    for (Instance* inst : initialized) lower_method(*inst, "initialize", model_.loc);
  }
  process_ = nullptr;
  ir::Program program = program_.build();
  program = ir::drop_unused_params(ir::fold_params(program, static_params_));
  try {
    return ir::apply_precision(program, precision_);
  } catch (const Error& e) {  // a process the model does not have
    fail(precision_loc_, e.diagnostics().empty() ? e.what() : e.diagnostics()[0].message);
  }
}

}  // namespace nf::frontend
