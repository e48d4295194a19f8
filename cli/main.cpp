// neurofuse: the command-line front door.
//
//   neurofuse version
//   neurofuse ir FILE.nfir                 verify and print the canonical form
//   neurofuse run FILE.nfir --process P[,Q...] [--steps N] [--dt X] [--t0 X]
//                 [--seed S] [--set NAME=VALUE]... [--record COMPARTMENT]...
//                 [--backend interp]
//
// `run` executes the listed processes in order once per step, with t starting
// at t0 and advancing by dt, and prints the recorded compartments as CSV (one
// row per step, after the step) on stdout and a one-line summary on stderr.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/target_info.h"
#include "ir/interpreter.h"
#include "ir/parser.h"
#include "ir/printer.h"

namespace {

using nf::Error;

const char* kUsage =
    "usage: neurofuse version\n"
    "       neurofuse ir FILE.nfir\n"
    "       neurofuse run FILE.nfir --process P[,Q...] [--steps N] [--dt X] [--t0 X]\n"
    "                     [--seed S] [--set NAME=VALUE]... [--record COMPARTMENT]...\n"
    "                     [--backend interp]\n";

nf::ir::Program load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  return nf::ir::parse_program(std::make_shared<const nf::SourceFile>(nf::SourceFile{path, text.str()}));
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, sep);) parts.push_back(part);
  return parts;
}

template <class T>
T parse_number(const std::string& option, const std::string& text) {
  std::istringstream in(text);
  T v{};
  in >> v;
  if (!in || !in.eof()) throw Error("option " + option + " expects a number, got '" + text + "'");
  return v;
}

std::string format_element(const nf::ir::Tensor& t, size_t i) {
  char buf[32];
  switch (t.type.dtype) {
    case nf::ir::DType::F32: std::snprintf(buf, sizeof buf, "%.9g", double(t.f32(i))); return buf;
    case nf::ir::DType::I32: return std::to_string(t.i32(i));
    case nf::ir::DType::Bool: return t.boolean(i) ? "1" : "0";
  }
  return "";
}

int cmd_version() {
  nf::compiler::TargetInfo info = nf::compiler::host_target_info();
  std::printf("neurofuse 0.1.0 (LLVM %s, host %s, cpu %s)\n", info.llvm_version.c_str(),
              info.host_triple.c_str(), info.host_cpu.c_str());
  return 0;
}

int cmd_ir(const std::vector<std::string>& args) {
  if (args.size() != 1) throw Error("ir takes exactly one file");
  std::fputs(nf::ir::print(load(args[0])).c_str(), stdout);
  return 0;
}

int cmd_run(const std::vector<std::string>& args) {
  std::string file;
  std::vector<std::string> processes, records;
  std::vector<std::pair<std::string, float>> sets;
  int64_t steps = 1;
  float dt = 1.0f, t0 = 0.0f;
  uint64_t seed = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw Error("option " + a + " needs a value");
      return args[++i];
    };
    if (a == "--process") {
      for (const std::string& p : split(value(), ',')) processes.push_back(p);
    } else if (a == "--steps") {
      steps = parse_number<int64_t>(a, value());
      if (steps < 0) throw Error("--steps must not be negative");
    } else if (a == "--dt") {
      dt = parse_number<float>(a, value());
    } else if (a == "--t0") {
      t0 = parse_number<float>(a, value());
    } else if (a == "--seed") {
      seed = parse_number<uint64_t>(a, value());
    } else if (a == "--record") {
      records.push_back(value());
    } else if (a == "--set") {
      const std::string& kv = value();
      size_t eq = kv.find('=');
      if (eq == std::string::npos) throw Error("--set expects NAME=VALUE, got '" + kv + "'");
      sets.emplace_back(kv.substr(0, eq), parse_number<float>("--set", kv.substr(eq + 1)));
    } else if (a == "--backend") {
      if (value() != "interp") throw Error("unknown backend '" + args[i] + "' (available: interp)");
    } else if (!a.empty() && a[0] == '-') {
      throw Error("unknown option '" + a + "'");
    } else if (file.empty()) {
      file = a;
    } else {
      throw Error("run takes one model file, got '" + file + "' and '" + a + "'");
    }
  }
  if (file.empty()) throw Error("run needs a model file");
  if (processes.empty()) throw Error("run needs --process");

  nf::ir::Program program = load(file);
  for (const std::string& p : processes)
    if (!program.find_process(p)) throw Error("'" + file + "' has no process '" + p + "'");
  nf::ir::State state = nf::ir::State::initial(program, seed);
  for (const auto& [name, v] : sets) state.set_param(name, v);

  std::string header = "step,t";
  for (const std::string& r : records) {
    const nf::ir::Tensor& t = state.get(r);
    for (size_t k = 0; k < t.size(); ++k) header += "," + r + "[" + std::to_string(k) + "]";
  }
  if (!records.empty()) std::printf("%s\n", header.c_str());

  auto start = std::chrono::steady_clock::now();
  float t = t0;
  for (int64_t step = 0; step < steps; ++step) {
    for (const std::string& p : processes) nf::ir::run_process(program, p, state, t, dt);
    if (!records.empty()) {
      std::string row = std::to_string(step) + "," + format_element(nf::ir::Tensor::from_f32({}, {t}), 0);
      for (const std::string& r : records) {
        const nf::ir::Tensor& value = state.get(r);
        for (size_t k = 0; k < value.size(); ++k) row += "," + format_element(value, k);
      }
      std::printf("%s\n", row.c_str());
    }
    t = t + dt;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "ran %lld steps (interp) in %.3f s, %.0f steps/s\n", static_cast<long long>(steps),
               seconds, seconds > 0 ? double(steps) / seconds : 0.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (cmd == "version" || cmd == "--version") return cmd_version();
    if (cmd == "ir") return cmd_ir(args);
    if (cmd == "run") return cmd_run(args);
    std::fprintf(stderr, "neurofuse: unknown command '%s'\n%s", cmd.c_str(), kUsage);
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
