#include "ir/printer.h"

#include <map>

namespace nf::ir {

namespace {

std::string ints(const std::vector<int64_t>& v) { return Shape(v).str(); }

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string attributes(const Node& n) {
  const Attrs& a = n.attrs;
  switch (op_class(n.op)) {
    case OpClass::Reduce:
      return " {axis = " + std::to_string(a.axis) + (a.keepdims ? ", keepdims = true}" : "}");
    case OpClass::Concat:
    case OpClass::Iota: return " {axis = " + std::to_string(a.axis) + "}";
    case OpClass::Transpose: return " {perm = " + ints(a.perm) + "}";
    case OpClass::Slice: return " {begin = " + ints(a.begin) + ", end = " + ints(a.end) + "}";
    case OpClass::Random: return " {stream = " + quoted(a.name) + "}";
    case OpClass::Sparse: return " {connectivity = " + quoted(a.name) + "}";
    default: return "";
  }
}

// "storage of step needs [W.dWeights]", or the public process's name.
std::string process_heading(const Process& process) {
  switch (process.variant) {
    case Variant::Public: return process.name;
    case Variant::Storage: {
      std::string needs;
      for (const std::string& n : process.needs) needs += (needs.empty() ? "" : ", ") + n;
      return "storage of " + process.of + " needs [" + needs + "]";
    }
    case Variant::Materialize: return "materialize of " + process.of;
    case Variant::Derive: return "derive of parameters";
  }
  return process.name;
}

// "hidden factor 0 of W.dWeights", or "compartment NAME".
std::string compartment_heading(const Compartment& c) {
  if (c.hidden == Hidden::None) return "compartment " + c.name;
  std::string out = std::string("hidden ") + hidden_kind_name(c.hidden);
  if (c.hidden == Hidden::Factor || c.hidden == Hidden::Value) out += " " + std::to_string(c.index);
  out += " of " + c.of;
  if (!c.scale.empty()) out += " scaled by " + c.scale;
  return out;
}

}  // namespace

std::string print(const Process& process) {
  std::string out = "process " + process_heading(process) + " {\n";
  std::map<const Node*, int> index;
  auto name = [&](const NodeRef& n) {
    auto it = index.find(n.get());
    return it == index.end() ? std::string("%<undefined>") : "%" + std::to_string(it->second);
  };
  for (const NodeRef& n : process.body) {
    out += "  ";
    if (n->op == Op::Write) {
      out += "write " + n->attrs.name + ", " + (n->operands.empty() ? "%<missing>" : name(n->operands[0])) + "\n";
      continue;
    }
    int id = int(index.size());
    out += "%" + std::to_string(id) + " = " + std::string(op_name(n->op));
    switch (op_class(n->op)) {
      case OpClass::Const: out += " " + n->attrs.literal.str(); break;
      case OpClass::Read:
      case OpClass::Param: out += " " + n->attrs.name; break;
      default: break;
    }
    for (size_t i = 0; i < n->operands.size(); ++i) out += (i ? ", " : " ") + name(n->operands[i]);
    out += attributes(*n) + " : " + n->type.str() + "\n";
    index[n.get()] = id;
  }
  return out + "}\n";
}

std::string print(const Program& program) {
  std::string out;
  if (std::bit_cast<uint64_t>(program.default_dt) != std::bit_cast<uint64_t>(1.0))
    out += "dt = " + Literal::f64(program.default_dt).str() + "\n";
  if (program.default_seed != 0) out += "seed = " + std::to_string(program.default_seed) + "\n";
  for (const Parameter& p : program.params)
    out += "param " + p.name + " = " + Literal::f64(p.default_value).str() + "\n";
  for (const Compartment& c : program.compartments)
    out += compartment_heading(c) + " : " + c.type.str() + (c.hidden == Hidden::None ? std::string(" ") + role_name(c.role) : "") +
           " = " + c.init.str() + "\n";
  for (const Alias& a : program.aliases) {
    std::vector<std::string> values;  // the postfix terms as nested calls
    for (const std::string& t : a.terms) {
      if (t != "+" && t != "*") {
        values.push_back(t);
      } else if (values.size() >= 2) {
        std::string right = values.back();
        values.pop_back();
        values.back() = std::string(t == "+" ? "add" : "mul") + "(" + values.back() + ", " + right + ")";
      }
    }
    out += "alias " + a.name + " = " + (values.size() == 1 ? values[0] : "<malformed>") + "\n";
  }
  for (const Connectivity& c : program.connectivities) {
    const ConnectivityTables& t = *c.tables;
    auto list = [&](const char* key, const std::vector<int32_t>& v) {
      out += std::string("  ") + key + " = [";
      for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += ", ";
        out += std::to_string(v[i]);
      }
      out += "]\n";
    };
    out += "connectivity " + c.name + " : [" + std::to_string(t.rows) + ", " + std::to_string(t.columns) +
           "] values " + std::to_string(t.values) + " {\n";
    list("row_start", t.row_start);
    list("column", t.column);
    if (!t.value.empty()) list("value", t.value);
    out += "}\n";
  }
  for (const Process& proc : program.processes) out += "\n" + print(proc);
  return out;
}

}  // namespace nf::ir
