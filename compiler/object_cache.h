// The content-addressed cache of compiled objects: an object is stored under
// the hash of its key text, beside that text, so a collision is detected.
#pragma once

#include <string>

#include "compiler/options.h"
#include "compiler/target.h"
#include "ir/program.h"

namespace nf::compiler {

// The cache directory: $NEUROFUSE_CACHE_DIR, else $XDG_CACHE_HOME/neurofuse,
// else $HOME/.cache/neurofuse ("" when none can be determined).
std::string cache_directory();

// Everything that decides an object's bytes, as text, and the one place that
// says so: the compiler (release, module ABI version, LLVM version, and the
// fingerprint of the sources that decide the code), the target and its
// features, the options, the model's name and the program's canonical text.
std::string cache_key_text(const ir::Program& program, const BuildOptions& options, const Target& target);

// The object cached under `key_text`, or "" (none, unreadable, or no cache).
std::string cached_object(const std::string& key_text);

// Stores `object` under `key_text`; a cache that cannot be written only costs
// the next build a compilation.
void store_object(const std::string& key_text, const std::string& object);

}  // namespace nf::compiler
