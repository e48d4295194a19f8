// Writing what a build makes: files replaced atomically, and shared
// libraries linked by the system C compiler.
#pragma once

#include <string>

namespace nf::compiler {

// Writes `bytes` to `path` through a temporary in the same directory and a
// rename, so `path` is either as it was or complete. Throws nf::Error.
void write_atomically(const std::string& path, const std::string& bytes);

// Links `object` (an ELF relocatable) into the shared library `path` with the
// system C compiler (`cc`, or $CC), atomically. Throws nf::Error.
void link_shared_library(const std::string& object, const std::string& path);

}  // namespace nf::compiler
