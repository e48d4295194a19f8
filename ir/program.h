// A program: compartments, scalar parameters and processes.
//
// A compartment is a named tensor of the model's state ("component.compartment").
// A process is a straight-line sequence of nodes run once per step: reads see
// the compartment's value as of that point (so a read after a write in the same
// process sees the written value), writes take effect immediately.
#pragma once

#include <string>
#include <vector>

#include "ir/node.h"

namespace nf::ir {

// What a compartment is for. Roles inform embedding (what to drive, what to
// record) and the compiler; every role may be read and written by processes.
enum class Role : uint8_t { Input, State, Output };

const char* role_name(Role r);
std::optional<Role> role_from_name(const std::string& name);

struct Compartment {
  std::string name;
  Type type;
  Role role = Role::State;
  Literal init;  // every element starts at this value
  SourceLoc loc;
};

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

struct Process {
  std::string name;
  std::vector<NodeRef> body;
  SourceLoc loc;
};

struct Program {
  double default_dt = 1.0;     // the step size a run uses unless told otherwise
  uint64_t default_seed = 0;   // the seed a state gets unless told otherwise
  std::vector<Compartment> compartments;
  std::vector<Parameter> params;
  std::vector<Process> processes;
  std::vector<Alias> aliases;

  const Compartment* find_compartment(const std::string& name) const;
  const Alias* find_alias(const std::string& name) const;
  const Parameter* find_param(const std::string& name) const;
  const Process* find_process(const std::string& name) const;
};

}  // namespace nf::ir
