// neurofuse: the command-line front door. `neurofuse COMMAND --help` describes
// each command.
#include <charconv>
#include <map>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/core.h>

#include "cli/cli.h"
#include "common/read_file.h"
#include "compiler/build.h"
#include "compiler/plan.h"
#include "compiler/target_info.h"
#include "frontend/reference.h"
#include "ir/parser.h"
#include "ir/precision.h"
#include "ir/printer.h"

namespace nf::cli {

Loaded load(const std::string& path, const std::string& model) {
  Loaded out;
  if (path.size() > 5 && path.compare(path.size() - 5, 5, ".nfir") == 0) {
    if (!model.empty()) throw Error("--model applies to .nf files, not IR text");
    std::string text;
    try {
      text = read_regular_file<std::string>(path, kMaxTextFileBytes);
    } catch (const FileReadError& e) {
      throw Error("cannot read '" + path + "': " + std::string(e.what()).substr(path.size() + 2));
    }
    out.program = ir::parse_program(std::make_shared<const SourceFile>(SourceFile{path, std::move(text)}));
    return out;
  }
  frontend::Options options;
  options.model = model;
  frontend::Model m = frontend::load_model_file(path, options);
  out.program = std::move(m.program);
  out.model_name = m.name;
  out.instances = std::move(m.instances);
  return out;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, ',');)
    if (!part.empty()) parts.push_back(part);
  return parts;
}

namespace {

const char* kUsage =
    "usage: neurofuse COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  check MODEL.nf        parse, elaborate and verify; list components, compartments, processes\n"
    "  ir FILE               print the IR of a model (.nf) or IR text (.nfir)\n"
    "  run FILE              run processes step by step, drive inputs, record outputs\n"
    "  compile MODEL.nf      compile to a native module (shared library, object, ...)\n"
    "  ensemble FILE         run many seeds and parameter values of a model (over MPI ranks)\n"
    "  components [NAME]     the standard library: every component, or one with its equations,\n"
    "                        parameters, compartments and methods\n"
    "  version               print the version and the LLVM target\n"
    "\n"
    "`neurofuse COMMAND --help` describes a command.\n";

const char* kCheckHelp =
    "usage: neurofuse check MODEL.nf [--model NAME]\n"
    "\n"
    "Parses, elaborates and verifies the model, then prints its components, every\n"
    "compartment with its dtype, shape and role, the run-time parameters and the\n"
    "processes. Errors are printed with file:line:col, the line and a caret.\n";

const char* kIrHelp =
    "usage: neurofuse ir FILE [--process NAME] [--model NAME] [--stage NAME] [--precision fast[:PROCESS,...]]\n"
    "\n"
    "Prints the canonical IR text of a model (.nf) or of IR text (.nfir), whole or\n"
    "only one process, or what a stage of the compiler makes of it. Every stage but\n"
    "kernels is IR text that neurofuse reads back (check, ir, run, compile):\n";

const char* kComponentsHelp =
    "usage: neurofuse components [NAME] [--markdown]\n"
    "\n"
    "Without NAME, lists the standard library's components, one line each. With\n"
    "NAME, prints that component as its file states it: its equations in the order\n"
    "they are computed, its decisions on ngclearn's quirks, its parameters with\n"
    "their defaults, its compartments with their shapes and roles, and its\n"
    "methods. --markdown prints the whole reference as docs/COMPONENTS.md holds it.\n";

bool wants_help(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") return true;
  return false;
}

// Takes "--name VALUE" pairs listed in `options`; the first other argument is
// the file. Unknown options are errors.
struct Parsed {
  std::string file;
  std::map<std::string, std::string> options;
};

Parsed parse_simple(const std::vector<std::string>& args, std::initializer_list<const char*> options) {
  Parsed p;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool known = false;
    for (const char* o : options)
      if (a == o) {
        if (i + 1 >= args.size()) throw Error("option " + a + " needs a value");
        p.options[a] = args[++i];
        known = true;
      }
    if (known) continue;
    if (!a.empty() && a[0] == '-') throw Error("unknown option '" + a + "'");
    if (!p.file.empty()) throw Error("expected one file, got '" + p.file + "' and '" + a + "'");
    p.file = a;
  }
  if (p.file.empty()) throw Error("expected a file");
  return p;
}

int cmd_components(const std::vector<std::string>& args) {
  if (wants_help(args)) return fmt::print("{}", kComponentsHelp), 0;
  bool markdown = false;
  std::string name;
  for (const std::string& a : args) {
    if (a == "--markdown") markdown = true;
    else if (!a.empty() && a[0] == '-') throw Error("unknown option '" + a + "'");
    else if (!name.empty()) throw Error("expected one component name, got '" + name + "' and '" + a + "'");
    else name = a;
  }
  if (markdown && !name.empty()) throw Error("--markdown prints every component; leave out the name");
  if (markdown) fmt::print("{}", frontend::component_reference_markdown());
  else if (name.empty()) fmt::print("{}", frontend::component_index_text());
  else fmt::print("{}", frontend::component_reference_text(name));
  return 0;
}

int cmd_version() {
  compiler::TargetInfo info = compiler::host_target_info();
  fmt::print("neurofuse 0.1.0 (LLVM {}, host {}, cpu {})\n", info.llvm_version, info.host_triple, info.host_cpu);
  return 0;
}

int cmd_check(const std::vector<std::string>& args) {
  if (wants_help(args)) return fmt::print("{}", kCheckHelp), 0;
  Parsed p = parse_simple(args, {"--model"});
  Loaded m = load(p.file, p.options["--model"]);
  const ir::Program& prog = m.program;
  fmt::print("model {}: ok\n", m.model_name.empty() ? p.file : m.model_name);
  if (!m.instances.empty()) {
    fmt::print("\ncomponents:\n");
    for (const auto& [inst, comp] : m.instances) fmt::print("  {:<16} {}\n", inst, comp);
  }
  fmt::print("\ncompartments:\n");
  for (const ir::Compartment& c : prog.compartments)
    fmt::print("  {:<28} {:<16} {}\n", c.name, c.type.str(), ir::role_name(c.role));
  if (!prog.aliases.empty()) {
    // Wired names: read and recorded like compartments, their sources hold the value.
    fmt::print("\nwired (read and recorded like compartments):\n");
    for (const ir::Alias& a : prog.aliases) {
      std::vector<std::string> values;  // the postfix terms as infix text
      for (const std::string& t : a.terms) {
        if (t != "+" && t != "*") {
          values.push_back(t);
          continue;
        }
        std::string right = values.back();
        values.pop_back();
        values.back() = "(" + values.back() + " " + t + " " + right + ")";
      }
      std::string value = values.back();
      if (value.front() == '(') value = value.substr(1, value.size() - 2);
      fmt::print("  {:<28} <- {}\n", a.name, value);
    }
  }
  if (!prog.connectivities.empty()) {
    // Sparse structures, fixed when the model was built (neurofuse ir prints their tables).
    fmt::print("\nconnectivities:\n");
    for (const ir::Connectivity& c : prog.connectivities)
    {
      const double elements = double(c.tables->rows) * double(c.tables->columns);
      fmt::print("  {:<28} {} x {}, {} connections ({:.3g}%)\n", c.name, c.tables->rows, c.tables->columns,
                 c.tables->entries(), elements > 0 ? 100.0 * double(c.tables->entries()) / elements : 0.0);
    }
  }
  fmt::print("\nparameters:\n");
  if (prog.params.empty()) fmt::print("  (none)\n");
  for (const ir::Parameter& q : prog.params)
    fmt::print("  {:<28} = {}\n", q.name, ir::Literal::f64(q.default_value).str());
  fmt::print("\nprocesses:\n");
  for (const ir::Process& proc : prog.processes) fmt::print("  {:<16} {} operations\n", proc.name, proc.body.size());
  fmt::print("\ndt = {}, seed = {}\n", ir::Literal::f64(prog.default_dt).str(), prog.default_seed);
  return 0;
}

int cmd_ir(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    fmt::print("{}", kIrHelp);
    for (const compiler::StageInfo& s : compiler::stages()) fmt::print("  {:<9} {}\n", s.name, s.summary);
    return 0;
  }
  Parsed p = parse_simple(args, {"--process", "--model", "--stage", "--precision"});
  Loaded m = load(p.file, p.options["--model"]);
  if (p.options.count("--precision")) m.program = ir::apply_precision(m.program, ir::parse_precision(p.options["--precision"]));
  std::string stage = p.options.count("--stage") ? p.options["--stage"] : "ir";
  if (p.options.count("--process") && !m.program.find_process(p.options["--process"]))
    throw Error("'" + p.file + "' has no process '" + p.options["--process"] + "'");
  if (stage != "ir") {
    const std::string process = p.options.count("--process") ? p.options["--process"] : "";
    fmt::print("{}", compiler::stage_text(m.program, stage, process, compiler::BuildOptions{}));
    return 0;
  }
  if (p.options.count("--process")) {
    const ir::Process* proc = m.program.find_process(p.options["--process"]);
    if (!proc) throw Error("'" + p.file + "' has no process '" + p.options["--process"] + "'");
    fmt::print("{}", ir::print(*proc));
  } else {
    fmt::print("{}", ir::print(m.program));
  }
  return 0;
}

}  // namespace
}  // namespace nf::cli

int main(int argc, char** argv) {
  using namespace nf::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string cmd = args.empty() ? "" : args[0];
  // fmt::print throws std::system_error when it cannot write: output that
  // cannot be written fails the command like any other error.
  try {
    if (args.empty() || cmd == "-h" || cmd == "--help") {
      fmt::print(args.empty() ? stderr : stdout, "{}", kUsage);
      return args.empty() ? 2 : 0;
    }
    args.erase(args.begin());
    if (cmd == "version" || cmd == "--version") return cmd_version();
    if (cmd == "check") return cmd_check(args);
    if (cmd == "components") return cmd_components(args);
    if (cmd == "ir") return cmd_ir(args);
    if (cmd == "run") return run_command(args);
    if (cmd == "compile") return compile_command(args);
    if (cmd == "ensemble") return ensemble_command(args);
    print_stderr("neurofuse: unknown command '{}'\n{}", cmd, kUsage);
    return 2;
  } catch (const nf::Error& e) {
    print_stderr("{}\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    print_stderr("error: neurofuse {} ran out of memory (the model's state, its recordings or a file it read needs "
                 "more than this process can allocate)\n", cmd);
    return 1;
  } catch (const std::exception& e) {
    print_stderr("error: {}\n", e.what());
    return 1;
  }
}
