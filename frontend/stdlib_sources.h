// The standard component library's sources, built into the front end from
// stdlib/*.nf at build time (name -> text).
#pragma once

#include <map>
#include <string>

namespace nf::frontend {

const std::map<std::string, std::string>& stdlib_sources();

}  // namespace nf::frontend
