// neurofuse compile: a model to a self-contained native module.
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include <fmt/core.h>

#include "cli/cli.h"
#include "compiler/build.h"
#include "ir/fold_params.h"
#include "ir/precision.h"

namespace nf::cli {

namespace {

const char* kCompileHelp =
    "usage: neurofuse compile MODEL.nf -o OUTPUT [options]\n"
    "\n"
    "Compiles every process of a model into native code with the C interface of\n"
    "neurofuse/module.h. The shared library needs nothing but the C library to run.\n"
    "\n"
    "options:\n"
    "  -o OUTPUT             the file to write\n"
    "  --emit KIND           so (shared library, default), obj, llvm, asm or header\n"
    "  -O0 .. -O3            optimization level (default -O2)\n"
    "  --target-cpu CPU      host (default), generic, or an LLVM CPU name (x86-64-v2, ...)\n"
    "  --specialize          fold every run-time parameter into the code\n"
    "  --precision P         exact (default: as the model says), fast, or fast:PROCESS,...\n"
    "                        for some processes only (docs/SEMANTICS.md)\n"
    "  --no-cache            do not read or write the object cache\n"
    "  --time                print the time of each stage\n"
    "  --model NAME          which model of a file with several\n";

}  // namespace

int compile_command(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") return fmt::print("{}", kCompileHelp), 0;
  std::string file, out, model, emit = "so";
  compiler::BuildOptions options;
  bool specialize = false, time = false;
  ir::PrecisionChoice precision;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw Error("option " + a + " needs a value");
      return args[++i];
    };
    if (a == "-o") out = value();
    else if (a == "--emit") emit = value();
    else if (a == "--target-cpu") options.target_cpu = value();
    else if (a == "--model") model = value();
    else if (a == "--specialize") specialize = true;
    else if (a == "--precision") precision = ir::parse_precision(value());
    else if (a == "--no-cache") options.use_cache = false;
    else if (a == "--time") time = true;
    else if (a.size() == 3 && a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3') options.opt_level = a[2] - '0';
    else if (!a.empty() && a[0] == '-') throw Error("unknown option '" + a + "' (see neurofuse compile --help)");
    else if (file.empty()) file = a;
    else throw Error("compile takes one model file, got '" + file + "' and '" + a + "'");
  }
  if (file.empty()) throw Error("compile needs a model file (see neurofuse compile --help)");
  if (out.empty()) throw Error("compile needs -o OUTPUT");
  static const std::map<std::string, compiler::Emit> kinds = {
      {"so", compiler::Emit::SharedLibrary}, {"obj", compiler::Emit::Object}, {"llvm", compiler::Emit::LLVM},
      {"asm", compiler::Emit::Assembly}, {"header", compiler::Emit::Header}};
  auto kind = kinds.find(emit);
  if (kind == kinds.end()) throw Error("unknown --emit '" + emit + "' (available: so, obj, llvm, asm, header)");

  auto start = std::chrono::steady_clock::now();
  Loaded m = load(file, model);
  double front_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  m.program = ir::apply_precision(m.program, precision);
  if (specialize) m.program = ir::fold_all_params(m.program);
  options.model_name = m.model_name.empty() ? "model" : m.model_name;
  compiler::BuildTimes times;
  compiler::build_file(m.program, out, kind->second, options, &times);
  if (time) {
    // {:>8.2f}, not {:8.2f}: fmt left-aligns inf and nan by default, printf's %8.2f does not.
    print_stderr("parse + elaborate  {:>8.2f} ms\n", front_ms);
    print_stderr("plan               {:>8.2f} ms\n", times.plan_ms);
    print_stderr("generate LLVM IR   {:>8.2f} ms\n", times.codegen_ms);
    print_stderr("optimize           {:>8.2f} ms\n", times.optimize_ms);
    print_stderr("machine code       {:>8.2f} ms{}\n", times.object_ms, times.cached ? "  (object from the cache)" : "");
    print_stderr("link               {:>8.2f} ms\n", times.link_ms);
  }
  return 0;
}

}  // namespace nf::cli
