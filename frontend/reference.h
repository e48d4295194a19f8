// The standard library's reference: what `neurofuse components` prints and
// docs/COMPONENTS.md holds, read from the component files themselves (their
// opening comment, which states the equations and decisions, and their
// declarations as written).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/diagnostic.h"

namespace nf::frontend {

struct ComponentReference {
  std::string name;
  std::string parent;                     // "" when it extends nothing
  std::string summary;                    // the first sentence of the opening comment
  std::vector<std::string> comment;       // the opening comment, '#' removed, line by line
  std::vector<std::string> params;        // declarations as written, own first
  std::vector<std::string> compartments;  // (role, shape, dtype, initial value)
  std::vector<std::string> methods;       // "advance_state(t, dt)"
  std::vector<std::string> inherited_params, inherited_compartments, inherited_methods;  // from ancestors
};

// Every component of the standard library, by name.
std::vector<ComponentReference> stdlib_reference();

// The components of one .nf source, in order (parents looked up in the
// standard library).
std::vector<ComponentReference> component_reference(std::shared_ptr<const SourceFile> source);

// One component as `neurofuse components NAME` prints it; throws nf::Error
// (with a suggestion) for a name the library does not have.
std::string component_reference_text(const std::string& name);

// One line per component: name, parent, summary.
std::string component_index_text();

// docs/COMPONENTS.md.
std::string component_reference_markdown();

}  // namespace nf::frontend
