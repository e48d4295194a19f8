#include "ir/verifier.h"

#include <optional>
#include <map>
#include <cmath>
#include <set>

#include "ir/infer.h"
#include "ir/random.h"

namespace nf::ir {

bool is_dotted_name(const std::string& s, int min_parts) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    if (i >= s.size() || !(std::isalpha(static_cast<unsigned char>(s[i])) || s[i] == '_')) return false;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    ++parts;
    if (i == s.size()) return parts >= min_parts;
    if (s[i] != '.') return false;
    ++i;
  }
}

namespace {

class Verifier {
 public:
  explicit Verifier(const Program& p) : program_(p) {}

  std::vector<Diagnostic> run() {
    check_declarations();
    std::set<std::string> process_names;
    for (const Process& proc : program_.processes) {
      check_value_writes(proc);
      if (proc.variant != Variant::Public)
        check_variant(proc);
      else if (!is_dotted_name(proc.name, 1) || proc.name.find('.') != std::string::npos)
        report(proc.loc, "process name '" + proc.name + "' is not an identifier");
      if (!process_names.insert(proc.name).second)
        report(proc.loc, "process '" + proc.name + "' is defined twice");
      check_process(proc);
    }
    return std::move(problems_);
  }

 private:
  void report(const SourceLoc& loc, std::string message) { problems_.push_back({loc, std::move(message)}); }

  void check_declarations() {
    if (!(program_.default_dt > 0.0) || std::isinf(program_.default_dt))
      report({}, "the default step dt must be a positive finite number, got " + Literal::f64(program_.default_dt).str());
    std::set<std::string> names;
    bool seen_hidden = false;
    for (const Compartment& c : program_.compartments) {
      if (c.hidden != Hidden::None) {
        seen_hidden = true;
        check_hidden(c);
      } else if (seen_hidden) {
        report(c.loc, "compartment '" + c.name + "' follows hidden compartments; the model's own come first");
      }
      if (c.hidden == Hidden::None && !is_dotted_name(c.name, 2))
        report(c.loc, "compartment name '" + c.name + "' must have the form component.compartment");
      if (!names.insert(c.name).second) report(c.loc, "compartment '" + c.name + "' is declared twice");
      if (c.type.shape.rank() > kMaxRank)
        report(c.loc, "compartment '" + c.name + "' has rank " + std::to_string(c.type.shape.rank()) +
                          "; at most " + std::to_string(kMaxRank) + " is supported");
      for (int64_t d : c.type.shape.dims)
        if (d < 0) report(c.loc, "compartment '" + c.name + "' has a negative dimension in " + c.type.str());
      if (c.type.shape.num_elements() > kMaxElements)
        report(c.loc, "compartment '" + c.name + "' " + c.type.str() + " has more than 2^40 elements");
      if (c.type.dtype == DType::F64)
        report(c.loc, "compartment '" + c.name + "' is " + c.type.str() + "; f64 is only for parameter arithmetic");
      else if (c.init.dtype != c.type.dtype)
        report(c.loc, "compartment '" + c.name + "' is " + c.type.str() + " but its initial value " +
                          c.init.str() + " is " + dtype_name(c.init.dtype));
    }
    for (const Parameter& p : program_.params) {
      if (!is_dotted_name(p.name, 1)) report(p.loc, "parameter name '" + p.name + "' is not a dotted name");
      if (!names.insert(p.name).second)
        report(p.loc, "parameter '" + p.name + "' clashes with another parameter or compartment");
    }
    for (const Alias& a : program_.aliases) check_alias(a, names);
    std::set<std::string> connectivity_names;
    for (const Connectivity& c : program_.connectivities) {
      const std::string what = "connectivity '" + c.name + "'";
      if (!is_dotted_name(c.name, 2)) report(c.loc, what + ": the name must have the form component.name");
      if (!connectivity_names.insert(c.name).second) report(c.loc, what + " is defined twice");
      if (!c.tables) {
        report(c.loc, what + " has no tables");
      } else if (std::string e = check_connectivity(*c.tables); !e.empty()) {
        report(c.loc, what + ": " + e);
      }
    }
  }

  const Compartment* public_compartment(const std::string& name) const {
    const Compartment* c = program_.find_compartment(name);
    return c && c->hidden == Hidden::None ? c : nullptr;
  }
  const Compartment* hidden_of(Hidden kind, const std::string& of) const {
    for (const Compartment& c : program_.compartments)
      if (c.hidden == kind && c.of == of) return &c;
    return nullptr;
  }

  // A hidden compartment (ir/program.h): its name is made from its kind, it
  // belongs to a public compartment, and it comes with its partners.
  void check_hidden(const Compartment& c) {
    const std::string what = std::string("hidden ") + hidden_kind_name(c.hidden) + " of '" + c.of + "': ";
    if (c.name != hidden_name(c.hidden, c.of, c.index))
      report(c.loc, what + "its name must be '" + hidden_name(c.hidden, c.of, c.index) + "', not '" + c.name + "'");
    if (c.role != Role::State) report(c.loc, what + "a hidden compartment has the role state");
    if (!c.scale.empty() && c.hidden != Hidden::Facts) report(c.loc, what + "only facts have a scale");
    if (c.hidden == Hidden::Value) {
      if (c.of != "parameters") report(c.loc, what + "a value belongs to 'parameters'");
      if (c.type.shape.rank() != 0) report(c.loc, what + "a parameter value is a scalar");
      return;
    }
    const Compartment* of = public_compartment(c.of);
    if (!of) return report(c.loc, what + "'" + c.of + "' is not a compartment of the model");
    const Type word{DType::I32, {}};
    switch (c.hidden) {
      case Hidden::Factor:
        if (!hidden_of(Hidden::Form, c.of)) report(c.loc, what + "a factor needs the form of its compartment");
        if (c.type.shape.num_elements() >= of->type.shape.num_elements())
          report(c.loc, what + "a factor is smaller than its compartment");
        break;
      case Hidden::Form:
        if (c.type != word) report(c.loc, what + "a form is i32[]");
        if (!hidden_of(Hidden::Factor, c.of)) report(c.loc, what + "a form needs factors");
        if (!program_.find_process(variant_name(Variant::Materialize, c.of)))
          report(c.loc, what + "a factored compartment needs its process 'materialize of " + c.of + "'");
        break;
      case Hidden::Facts:
        if (c.type != word) report(c.loc, what + "facts are i32[]");
        if (of->type.dtype != DType::F32 || of->type.shape.rank() != 2)
          report(c.loc, what + "facts are kept of an f32 matrix");
        if (!hidden_of(Hidden::Clear, c.of)) report(c.loc, what + "facts need the matrix's clear counts");
        if (!c.scale.empty()) {
          const Compartment* scale = public_compartment(c.scale);
          if (!scale || scale->type != Type{DType::F32, Shape{1, 1}})
            report(c.loc, what + "the scale '" + c.scale + "' is not an f32[1,1] compartment");
        }
        break;
      case Hidden::Clear:
        if (of->type.shape.rank() != 2 || c.type != Type{DType::I32, Shape{1, of->type.shape[1]}})
          report(c.loc, what + "clear counts are i32[1,N] for an [K,N] matrix");
        if (!hidden_of(Hidden::Facts, c.of)) report(c.loc, what + "clear counts need the matrix's facts");
        break;
      case Hidden::None:
      case Hidden::Value:
        break;
    }
  }

  // A process the compiler adds (ir/program.h): named after what it belongs to.
  void check_variant(const Process& proc) {
    const std::string what = "process '" + proc.name + "': ";
    if (proc.name != variant_name(proc.variant, proc.of))
      report(proc.loc, what + "its name must be '" + variant_name(proc.variant, proc.of) + "'");
    switch (proc.variant) {
      case Variant::Storage: {
        const Process* of = program_.find_process(proc.of);
        if (!of || of->variant != Variant::Public) report(proc.loc, what + "'" + proc.of + "' is not a process of the model");
        if (proc.needs.empty()) report(proc.loc, what + "a storage variant needs factored compartments");
        for (const std::string& n : proc.needs)
          if (!hidden_of(Hidden::Form, n)) report(proc.loc, what + "'" + n + "' is not a factored compartment");
        break;
      }
      case Variant::Materialize:
        if (!hidden_of(Hidden::Form, proc.of)) report(proc.loc, what + "'" + proc.of + "' is not a factored compartment");
        break;
      case Variant::Derive:
        if (proc.of != "parameters") report(proc.loc, what + "derive belongs to 'parameters'");
        break;
      case Variant::Public:
        break;
    }
    if (proc.variant != Variant::Storage && !proc.needs.empty())
      report(proc.loc, what + "only a storage variant needs compartments");
    check_variant_writes(proc, what);
  }

  // Compiled code relies on who writes what: parameter values change only
  // when parameters do (kernels load them like parameters), the derive
  // process writes nothing else, and a materializer writes its compartment.
  void check_variant_writes(const Process& proc, const std::string& what) {
    for (const NodeRef& n : proc.body) {
      if (n->op != Op::Write) continue;
      const Compartment* c = program_.find_compartment(n->attrs.name);
      const bool value = c && c->hidden == Hidden::Value;
      if (proc.variant == Variant::Derive && !value)
        report(n->loc, what + "derive writes parameter values only, not '" + n->attrs.name + "'");
      if (proc.variant == Variant::Materialize && n->attrs.name != proc.of)
        report(n->loc, what + "a materializer writes its compartment only, not '" + n->attrs.name + "'");
    }
  }

  // Parameter values are written by the derive process only.
  void check_value_writes(const Process& proc) {
    if (proc.variant == Variant::Derive) return;
    for (const NodeRef& n : proc.body) {
      if (n->op != Op::Write) continue;
      const Compartment* c = program_.find_compartment(n->attrs.name);
      if (c && c->hidden == Hidden::Value)
        report(n->loc, "process '" + proc.name + "' writes parameter value '" + n->attrs.name +
                           "', which only 'derive of parameters' may write");
    }
  }

  // An alias's name is new, its terms are a well-formed postfix value of
  // compartments (not aliases) of one type, and sums and products are numeric.
  void check_alias(const Alias& a, std::set<std::string>& names) {
    const std::string what = "alias '" + a.name + "'";
    if (!is_dotted_name(a.name, 2)) report(a.loc, what + ": the name must have the form component.compartment");
    if (!names.insert(a.name).second) report(a.loc, what + " clashes with a compartment, parameter or alias");
    int depth = 0;
    std::optional<Type> type;
    bool combined = false;
    for (const std::string& t : a.terms) {
      if (t == "+" || t == "*") {
        if (depth < 2) return report(a.loc, what + ": '" + t + "' needs two values before it");
        --depth;
        combined = true;
        continue;
      }
      ++depth;
      const Compartment* c = program_.find_compartment(t);
      if (!c) return report(a.loc, what + " reads '" + t + "', which is not a compartment");
      if (type && *type != c->type)
        return report(a.loc, what + " reads compartments of different types: " + type->str() + " and " + c->type.str());
      type = c->type;
    }
    if (depth != 1) return report(a.loc, what + ": its terms do not make one value");
    if (combined && type->dtype == DType::Bool) report(a.loc, what + " adds or multiplies bool compartments");
  }

  void check_process(const Process& proc) {
    process_streams_.clear();
    std::map<const Node*, int> index;  // values defined so far in this process
    auto label = [&](const NodeRef& n) {
      auto it = index.find(n.get());
      return it == index.end() ? std::string("<undefined>") : "%" + std::to_string(it->second);
    };
    for (const NodeRef& n : proc.body) {
      std::string what = n->op == Op::Write ? "write " + n->attrs.name
                                            : "%" + std::to_string(index.size()) + " = " +
                                                  std::string(op_name(n->op));
      std::string where = "process '" + proc.name + "', " + what + ": ";
      bool operands_ok = true;
      std::vector<OperandInfo> infos;
      for (const NodeRef& o : n->operands) {
        if (!o || !index.count(o.get()) || !o->defines_value()) {
          report(n->loc, where + "operand is not a value defined earlier in this process");
          operands_ok = false;
          continue;
        }
        infos.push_back({o->type, label(o)});
      }
      if (operands_ok) check_node(*n, infos, where);
      if (n->defines_value()) index[n.get()] = int(index.size());
    }
  }

  void check_node(const Node& n, const std::vector<OperandInfo>& ops, const std::string& where) {
    if (n.type.shape.rank() > kMaxRank)
      report(n.loc, where + "result " + n.type.str() + " has rank above " + std::to_string(kMaxRank));
    for (int64_t d : n.type.shape.dims)
      if (d < 0) report(n.loc, where + "negative dimension in " + n.type.str());
    if (n.type.shape.num_elements() > kMaxElements)
      report(n.loc, where + "result " + n.type.str() + " has more than 2^40 elements");
    Inferred r = infer_type(n.op, ops, n.attrs, n.type);
    if (!r.type) {
      report(n.loc, where + r.error);
      return;
    }
    switch (n.op) {
      case Op::Read:
      case Op::Write: {
        const Compartment* c = program_.find_compartment(n.attrs.name);
        if (!c) {
          report(n.loc, where + "unknown compartment '" + n.attrs.name + "'");
        } else if (c->type != n.type) {
          std::string subject = n.op == Op::Read ? "read as " + n.type.str()
                                                 : "value " + ops[0].label + " is " + n.type.str();
          report(n.loc, where + subject + " but compartment " + c->name + " is " + c->type.str());
        }
        break;
      }
      case Op::Param:
        if (!program_.find_param(n.attrs.name)) report(n.loc, where + "unknown parameter '" + n.attrs.name + "'");
        break;
      case Op::Uniform:
      case Op::Normal:
      case Op::Bernoulli:
        check_stream(n, where);
        break;
      case Op::SparseMatMul:
      case Op::Gather:
        check_sparse(n, ops, where);
        break;
      default:
        break;
    }
  }

  // A sparse operation's shapes are its connectivity's: sparse_matmul takes
  // [B, rows] inputs and one value per connection's value slot and gives
  // [B, columns]; gather takes [rows, columns] and gives [connections].
  void check_sparse(const Node& n, const std::vector<OperandInfo>& ops, const std::string& where) {
    const Connectivity* c = program_.find_connectivity(n.attrs.name);
    if (!c || !c->tables) return report(n.loc, where + "unknown connectivity '" + n.attrs.name + "'");
    const ConnectivityTables& t = *c->tables;
    const std::string sizes = std::to_string(t.rows) + " x " + std::to_string(t.columns);
    if (n.op == Op::SparseMatMul) {
      if (ops[0].type.shape[1] != t.rows)
        report(n.loc, where + "inputs " + ops[0].label + " (" + ops[0].type.str() + ") do not match the " + sizes +
                          " connectivity " + c->name);
      if (ops[1].type.shape.num_elements() != t.values)
        report(n.loc, where + "values " + ops[1].label + " (" + ops[1].type.str() + ") must have " +
                          std::to_string(t.values) + " elements for connectivity " + c->name);
      if (n.type.shape[1] != t.columns)
        report(n.loc, where + "result " + n.type.str() + " does not match the " + sizes + " connectivity " + c->name);
    } else {
      if (ops[0].type.shape[0] != t.rows || ops[0].type.shape[1] != t.columns)
        report(n.loc, where + "matrix " + ops[0].label + " (" + ops[0].type.str() + ") does not match the " + sizes +
                          " connectivity " + c->name);
      if (n.type.shape[0] != t.entries())
        report(n.loc, where + "result " + n.type.str() + " must have one element per connection of " + c->name +
                          " (" + std::to_string(t.entries()) + ")");
    }
  }

  // Each draw of a process has its own stream, and distinct names must hash
  // to distinct stream ids, or two draws would see the same random bits. One
  // draw site (one method of one instance) may appear in several processes
  // under the same stream: it is the same draw wherever it runs.
  void check_stream(const Node& n, const std::string& where) {
    const std::string& name = n.attrs.name;
    if (!process_streams_.insert(name).second) {
      report(n.loc, where + "stream \"" + name + "\" is already used by another draw; each draw needs its own stream");
      return;
    }
    auto [it, fresh] = stream_ids_.emplace(random::stream_id(name), name);
    if (!fresh && it->second != name)
      report(n.loc, where + "stream \"" + name + "\" has the same stream id as \"" + it->second +
                        "\"; rename one of them");
  }

  const Program& program_;
  std::vector<Diagnostic> problems_;
  std::map<uint32_t, std::string> stream_ids_;
  std::set<std::string> process_streams_;
};

}  // namespace

std::vector<Diagnostic> verify(const Program& program) { return Verifier(program).run(); }

}  // namespace nf::ir
