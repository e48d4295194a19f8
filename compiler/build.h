// Building compiled code: a program lowered (pipeline.h) to an LLVM module,
// optimized for a target (target.h); emitted as an object (through the
// object cache, object_cache.h), as assembly or LLVM IR text, as a shared
// library (output.h), or described by a C header (header.h). The JIT and
// `neurofuse compile` share this path, so in-process and shipped code are
// the same code.
#pragma once

#include <string>

#include "compiler/object_cache.h"
#include "compiler/options.h"
#include "compiler/pipeline.h"
#include "ir/program.h"

namespace nf::compiler {

// Milliseconds spent in each stage of one build.
struct BuildTimes {
  double plan_ms = 0, codegen_ms = 0, optimize_ms = 0, object_ms = 0, link_ms = 0;
  bool cached = false;  // the object came from the cache: no LLVM code generation ran
};

enum class Emit { SharedLibrary, Object, Assembly, LLVM, Header };

// The relocatable object (ELF) of `program`, with the module interface of
// neurofuse/module.h. Looked up in the cache first (keyed by the program's
// canonical text, the target, the options and the compiler version), and
// stored there after a build. Throws nf::Error when LLVM fails.
std::string build_object(const ir::Program& program, const BuildOptions& options, BuildTimes* times = nullptr);

// The object the cache holds for `program` and `options`, or "" (none, or
// options that are never cached).
std::string cached_build(const ir::Program& program, const BuildOptions& options);

// Writes `program` to `path` in the form `emit` asks for. A shared library is
// linked by the system C compiler (`cc`, or $CC) from the object; the file is
// written atomically (a temporary in the same directory, then renamed).
void build_file(const ir::Program& program, const std::string& path, Emit emit, const BuildOptions& options,
                BuildTimes* times = nullptr);

// The module as optimized LLVM IR or assembly text.
std::string build_text(const ir::Program& program, Emit emit, const BuildOptions& options);

}  // namespace nf::compiler
