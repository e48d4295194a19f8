// Internal to the front end: the state of elaborating one model into IR.
//
// Elaboration resolves components (with inheritance), binds each instance's
// parameters, gives compartments their types, resolves wires into aliases and
// operator reads, and turns every process into IR by inlining the listed
// methods' statements in order (lower.cpp).
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/suggest.h"
#include "frontend/ast.h"
#include "ir/builder.h"
#include "ir/precision.h"

namespace nf::frontend {

// The value of an initializer expression such as uniform(0.025, 0.8, hollow=true).
struct InitSpec {
  std::string kind;  // uniform, gaussian, constant, fan_in_uniform, fan_in_gaussian
  std::vector<double> args;  // low, high | mean, std | value
  bool hollow = false, eye = false;
  std::optional<double> amin, amax;
};

// A value during elaboration: known when the model is built (number, bool,
// string, tuple, init, none), a run-time parameter, or an IR tensor.
struct Value {
  enum class Kind { Number, Bool, String, Tuple, Init, None, Param, Tensor, Connectivity };
  Kind kind = Kind::None;
  double number = 0;
  bool is_int = false;
  bool boolean = false;
  std::string text;            // String; Param: the IR parameter name
  std::vector<Value> items;    // Tuple
  InitSpec init;               // Init
  std::string param_local;     // Param: the name in its component
  ir::NodeRef tensor;          // Tensor
  // Connectivity: its tables; `text` is its name in the program, `items` the
  // shape of its values tensor.
  std::shared_ptr<const ir::ConnectivityTables> connectivity;

  static Value number_of(double v, bool is_int) {
    Value x;
    x.kind = Kind::Number;
    x.number = v;
    x.is_int = is_int;
    return x;
  }
  static Value bool_of(bool b) {
    Value x;
    x.kind = Kind::Bool;
    x.boolean = b;
    return x;
  }
  static Value tensor_of(ir::NodeRef n) {
    Value x;
    x.kind = Kind::Tensor;
    x.tensor = std::move(n);
    return x;
  }
  bool is_static() const { return kind != Kind::Param && kind != Kind::Tensor; }
  std::string describe() const;  // "the number 3", "a tensor f32[1,3]", ...
};

struct ParamSlot {
  std::string type;  // float, int, bool, string, shape, init
  Value value;
  SourceLoc decl_loc;
  SourceLoc given_at;  // the model's argument that set it; unknown for a default
};

// Where reads of a compartment go: its own storage, another compartment, or a
// sum/product over compartments evaluated at read time.
struct WireSource {
  enum class Kind { Compartment, Sum, Product };
  Kind kind = Kind::Compartment;
  std::string instance, compartment;
  std::vector<WireSource> operands;
  SourceLoc loc;
};

struct CompartmentSlot {
  const CompartmentDecl* decl = nullptr;
  ir::Type type;
  ir::Literal init;
  std::optional<WireSource> wired;  // set when the model wires into it
};

struct Instance {
  std::string name;
  std::vector<const ComponentDecl*> chain;  // the component first, then its ancestors
  std::map<std::string, ParamSlot> params;
  std::map<std::string, std::string> aliases;
  std::map<std::string, CompartmentSlot> compartments;
  std::vector<std::string> compartment_order;
  SourceLoc loc;

  const ComponentDecl& component() const { return *chain.front(); }
  // The method `name` as seen from chain level `from` (0: the component itself).
  std::pair<const MethodDecl*, size_t> find_method(const std::string& name, size_t from = 0) const;
  // Whether the component or an ancestor declares a compartment `name`.
  bool declares_compartment(const std::string& name) const;
};

// Names visible while lowering one method call.
struct Scope {
  Instance* instance = nullptr;
  size_t level = 0;                 // chain level of the method (for super)
  std::string method;               // the method being lowered
  std::map<std::string, Value> locals;
  std::optional<Value> returned;
  int depth = 0;                    // helper-call nesting
};

class Elaborator {
 public:
  Elaborator(const ModelDecl& model, const std::map<std::string, const ComponentDecl*>& components);
  ir::Program run();

  // ---- used by lower.cpp ----
  [[noreturn]] void fail(const SourceLoc& loc, const std::string& message) const;
  Value eval(const Expr& e, Scope& scope);       // errors without a place get e's
  Value eval_expr(const Expr& e, Scope& scope);
  Value eval_static(const Expr& e, Scope& scope, const std::string& what);
  void lower_block(const Block& block, Scope& scope);
  // Branches `branch`.. of an if/elif/else chain (branches.cpp).
  void lower_if(const Stmt& s, size_t branch, Scope& scope);
  void lower_method(Instance& inst, const std::string& method, const SourceLoc& call_site);

 private:
  void bind_instance(const InstanceDecl& decl);
  void resolve_wire(const WireDecl& wire);
  std::vector<std::string> alias_terms(const WireSource& src) const;
  WireSource wire_source(const Expr& e);
  Value static_value(const Expr& e, Instance& inst, const std::string& what);

  // Expression helpers (lower.cpp)
  Value eval_name(const Expr& e, Scope& scope);
  Value eval_binary(const Expr& e, Scope& scope);
  Value eval_unary(const Expr& e, Scope& scope);
  Value eval_call(const Expr& e, Scope& scope);
  Value eval_index(const Expr& e, Scope& scope);
  Value call_method(const Expr& call, Instance& inst, const MethodDecl& m, size_t level, Scope& caller);
  // `time`, when given, is what a method that lists `t` reads as t (an ODE stage's time).
  Value invoke_method(const SourceLoc& loc, Instance& inst, const MethodDecl& m, size_t level, Scope& caller,
                      const std::vector<Value>& args, const Value* time = nullptr);
  // integrate(STEPPER, RHS, x, args...): one step of an ngclearn ODE stepper (integrate.cpp).
  Value integrate(const Expr& call, Scope& scope);
  Value call_builtin(const std::string& name, const Expr& call, Scope& scope);
  // Connectivities (connectivity.cpp): an instance's declaration by name (null
  // when it has none), its value (built once, registered with the program),
  // the builtins that make and use them, and their attributes.
  const ConnectivityDecl* find_connectivity(const Instance& inst, const std::string& name) const;
  Value connectivity_value(Instance& inst, const ConnectivityDecl& decl);
  std::optional<Value> call_connectivity_builtin(const std::string& name, const Expr& call, Scope& scope);
  Value connectivity_attribute(const Value& conn, const Expr& e);
  Value static_cast_number(const std::string& name, const Value& x, const SourceLoc& loc) const;
  // `param`: the parameter that named the function, so that a bad name is
  // reported at the model argument that gave it.
  // An instance / a compartment of it by name, or a located error with a suggestion.
  Instance& instance_at(const std::string& name, const SourceLoc& loc);
  CompartmentSlot& compartment_at(Instance& inst, const std::string& name, const SourceLoc& loc);
  // An integer value, refused at `loc` when a double cannot hold it exactly
  // (model-text integers are doubles; dimensions and indices become int64).
  // `written`: the literal's text, when it is one.
  Value integer(double v, const SourceLoc& loc, const std::string& written = "") const;
  Value call_activation(const std::string& fx, bool derivative, const Expr& call, Scope& scope,
                        const std::string& param);
  Value draw_init(const InitSpec& init, const Expr& call, Scope& scope);
  ir::NodeRef read_compartment(Instance& inst, const std::string& name, const SourceLoc& loc);
  ir::NodeRef read_wire(const WireSource& src, const SourceLoc& loc);
  void write_compartment(Instance& inst, const std::string& name, const Value& v, const SourceLoc& loc);
  ir::NodeRef to_tensor(const Value& v, const SourceLoc& loc, ir::DType hint = ir::DType::F32);
  // 'if' on run-time parameters (branches.cpp): the condition as a bool[]
  // node of parameters only, or null; both branches lowered and merged, or
  // false (nothing changed) when they cannot be.
  ir::NodeRef runtime_condition(const Expr& cond, Scope& scope);
  bool lower_both(const Stmt& s, size_t branch, const ir::NodeRef& cond, Scope& scope);
  // Lowers one branch of an 'if' (`which`: "then" or "else") with its own draw names.
  void in_branch(const char* which, const std::function<void()>& lower);
  Value merge(const ir::NodeRef& cond, const Value& a, const Value& b);
  // A compartment's value at this point (seeing writes held back by the
  // branches being lowered), and a write (held back inside such a branch).
  ir::NodeRef current(const std::string& compartment);
  void commit_write(const std::string& compartment, const ir::NodeRef& value);
  ir::NodeRef as_f32(ir::NodeRef n);
  // A number, parameter or f64 scalar as an f64 node (parameter arithmetic).
  ir::NodeRef to_scalar64(const Value& v);
  ir::NodeRef integer_power(ir::NodeRef x, int64_t n);
  std::string next_stream(Scope& scope);

  const ModelDecl& model_;
  const std::map<std::string, const ComponentDecl*>& components_;
  std::map<std::string, Instance> instances_;
  std::vector<std::string> instance_order_;
  ir::ProgramBuilder program_;
  ir::ProcessBuilder* process_ = nullptr;
  // The writes of the branches of run-time 'if's being lowered, innermost last.
  struct HeldWrites {
    std::map<std::string, ir::NodeRef> values;
    std::vector<std::string> order;
  };
  std::vector<HeldWrites> held_;
  int draw_sites_ = 0;             // draws so far in the method being lowered
  std::string branch_path_;        // "/if1.then", "/if0.else/if2.then": the branches being lowered
  std::string method_occurrence_;  // "", or "@k" for the k-th run of a method in one process
  bool static_mode_ = false;
  int explicit_static_ = 0;          // inside static(...): a name shared by a parameter is the parameter
  bool initial_value_mode_ = false;  // evaluating a compartment's initial value in initialize
  std::set<std::string> static_params_;  // IR parameters that decided structure
  // Initial values that read float parameters: recomputed by initialize.
  struct RuntimeInit {
    std::string instance, compartment;
    const Expr* initial;
  };
  std::vector<RuntimeInit> runtime_inits_;
  double dt_ = 1.0;
  uint64_t seed_ = 0;
  std::map<std::string, Value> connectivities_;  // by program name, once built
  std::string building_connectivity_;            // the one being evaluated, for its draws' stream
  std::optional<int64_t> batch_size_;
  ir::PrecisionChoice precision_;
  SourceLoc precision_loc_;  // where the model chose it
};

// ngclearn's get_integrator_code (ode_utils.py): 0 Euler, also for a string
// it does not know; 1 midpoint ("rk2"); 2 Heun; 3 Ralston; 4 RK4.
int ngclearn_integrator_code(const std::string& integration_type);

// " (declared at FILE:LINE)", or "" for an unknown place.
std::string where_declared(const SourceLoc& loc);

}  // namespace nf::frontend
