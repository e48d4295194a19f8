// A program: compartments, scalar parameters and processes.
//
// A compartment is a named tensor of the model's state ("component.compartment").
// A process is a straight-line sequence of nodes run once per step: reads see
// the compartment's value as of that point (so a read after a write in the same
// process sees the written value), writes take effect immediately.
#pragma once

#include <string>
#include <vector>

#include "ir/connectivity.h"
#include "ir/node.h"

namespace nf::ir {

// What a compartment is for. Roles inform embedding (what to drive, what to
// record) and the compiler; every role may be read and written by processes.
enum class Role : uint8_t { Input, State, Output };

const char* role_name(Role r);
std::optional<Role> role_from_name(const std::string& name);

// Compartments and processes the compiler adds to a program as it lowers it
// (compiler/pipeline.h). Each kind belongs to something public, `of`, and
// its name is made from that (hidden_name): "W.dWeights@factor0". No model
// name contains '@', so these names never clash with the model's own.
//  Factor: factor `index` of a low-rank compartment `of` (compiler/factor.h).
//  Form:   i32[]: how `of` is kept, a FormWord (compiler/kept.h).
//  Facts:  i32[]: what is known of matrix `of` (times `scale`, when given), a
//          FactsWord, for products that skip rows of +0 inputs (compiler/events.h).
//  Clear:  i32[1,N]: per column of matrix `of`, its elements with a clear sign bit.
//  Value:  parameter value `index` of the program, computed by the derive
//          process (compiler/derive.h); `of` is "parameters".
enum class Hidden : uint8_t { None, Factor, Form, Facts, Clear, Value };

struct Compartment {
  std::string name;
  Type type;
  Role role = Role::State;
  Literal init;  // every element starts at this value
  SourceLoc loc;
  Hidden hidden = Hidden::None;
  std::string of;     // hidden: the compartment (or "parameters") it belongs to
  int index = 0;      // Factor, Value: which one
  std::string scale;  // Facts: "" or the f32[1,1] compartment the matrix is multiplied by
};

// The name of a hidden compartment ("W.dWeights@form").
std::string hidden_name(Hidden kind, const std::string& of, int index = 0);
const char* hidden_kind_name(Hidden kind);  // "factor", "form", ...

// A named scalar that processes read, held in binary64 like the Python float
// it stands for; its value lives in the state, so a new value needs no new
// program. A `param` node reads it as f64, or as f32 (rounded once).
struct Parameter {
  std::string name;
  double default_value = 0.0;
  SourceLoc loc;
};

// A name for a compartment the model wires from others ("z1.j", wired from
// "W.outputs"): it has no storage; reading it reads its sources, combined by
// `terms` in postfix order: a compartment's name pushes its value, "+" and
// "*" pop two values and push their elementwise sum or product (the earlier
// on the left). A direct wire is one name. Every compartment read has the
// alias's type.
struct Alias {
  std::string name;
  std::vector<std::string> terms;
  SourceLoc loc;
};

// What a process is. Storage: the variant of public process `of` that
// reads the storage of the factored compartments it `needs` instead of their
// factors (compiler/factor.h). Materialize: computes factored compartment
// `of` from its factors. Derive: computes the parameter values.
enum class Variant : uint8_t { Public, Storage, Materialize, Derive };

struct Process {
  std::string name;
  std::vector<NodeRef> body;
  SourceLoc loc;
  Variant variant = Variant::Public;
  std::string of;                  // Storage: the public process; Materialize: the compartment
  std::vector<std::string> needs;  // Storage: the factored compartments read before written
};

// The name of a process that is not public ("step@storage").
std::string variant_name(Variant variant, const std::string& of);

struct Program {
  double default_dt = 1.0;     // the step size a run uses unless told otherwise
  uint64_t default_seed = 0;   // the seed a state gets unless told otherwise
  std::vector<Compartment> compartments;
  std::vector<Parameter> params;
  std::vector<Process> processes;
  std::vector<Alias> aliases;
  std::vector<Connectivity> connectivities;  // sparse structures, decided when the program was built

  const Compartment* find_compartment(const std::string& name) const;
  const Alias* find_alias(const std::string& name) const;
  const Parameter* find_param(const std::string& name) const;
  const Process* find_process(const std::string& name) const;
  const Connectivity* find_connectivity(const std::string& name) const;
};

}  // namespace nf::ir
