#include "ir/program.h"

namespace nf::ir {

const char* role_name(Role r) {
  switch (r) {
    case Role::Input: return "input";
    case Role::State: return "state";
    case Role::Output: return "output";
  }
  return "?";
}

std::optional<Role> role_from_name(const std::string& name) {
  if (name == "input") return Role::Input;
  if (name == "state") return Role::State;
  if (name == "output") return Role::Output;
  return std::nullopt;
}

const char* hidden_kind_name(Hidden kind) {
  switch (kind) {
    case Hidden::None: return "";
    case Hidden::Factor: return "factor";
    case Hidden::Form: return "form";
    case Hidden::Facts: return "facts";
    case Hidden::Clear: return "clear";
    case Hidden::Value: return "value";
  }
  return "?";
}

std::string hidden_name(Hidden kind, const std::string& of, int index) {
  if (kind == Hidden::None) return of;
  std::string name = of + "@" + hidden_kind_name(kind);
  if (kind == Hidden::Factor || kind == Hidden::Value) name += std::to_string(index);
  return name;
}

std::string variant_name(Variant variant, const std::string& of) {
  switch (variant) {
    case Variant::Public: return of;
    case Variant::Storage: return of + "@storage";
    case Variant::Materialize: return of + "@materialize";
    case Variant::Derive: return "parameters@derive";
  }
  return of;
}

const Compartment* Program::find_compartment(const std::string& name) const {
  for (const Compartment& c : compartments)
    if (c.name == name) return &c;
  return nullptr;
}

const Connectivity* Program::find_connectivity(const std::string& name) const {
  for (const Connectivity& c : connectivities)
    if (c.name == name) return &c;
  return nullptr;
}

const Alias* Program::find_alias(const std::string& name) const {
  for (const Alias& a : aliases)
    if (a.name == name) return &a;
  return nullptr;
}

const Parameter* Program::find_param(const std::string& name) const {
  for (const Parameter& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

const Process* Program::find_process(const std::string& name) const {
  for (const Process& p : processes)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace nf::ir
