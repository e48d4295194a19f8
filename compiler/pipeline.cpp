#include "compiler/pipeline.h"

#include <algorithm>

#include "compiler/derive.h"
#include "compiler/events.h"
#include "compiler/factor.h"
#include "compiler/forward.h"
#include "compiler/partition.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace nf::compiler {

namespace {

struct ProgramStage {
  const char* name;
  const char* summary;
  ir::Program (*run)(const ir::Program& program, const BuildOptions& options);
};

// The program stages after "ir", in order (pipeline.h).
const ProgramStage kProgramStages[] = {
    {"factored", "low-rank compartments kept as factors, with storage variants and materializers",
     [](const ir::Program& p, const BuildOptions& o) { return factor_low_rank(p, o.factor_min_elements); }},
    {"events", "static matrices whose products skip the rows of +0 inputs, with their facts",
     [](const ir::Program& p, const BuildOptions& o) { return add_event_checks(p, o.event_min_elements); }},
    {"derived", "values of run-time parameters computed once per change, by the derive process",
     [](const ir::Program& p, const BuildOptions&) { return hoist_parameter_values(p); }},
    {"forwarded", "reads after a write of their compartment replaced by the written value",
     [](const ir::Program& p, const BuildOptions&) { return forward_writes(p); }},
};

void verify_stage(const std::string& stage, const ir::Program& program) {
  std::vector<Diagnostic> problems = ir::verify(program);
  if (problems.empty()) return;
  std::string message = "internal error: the compiler's stage '" + stage + "' made a program the verifier rejects:";
  for (const Diagnostic& d : problems) message += "\n  " + d.message;
  throw Error(message);
}

}  // namespace

std::vector<StageInfo> stages() {
  std::vector<StageInfo> all{{"ir", "the program as the front end elaborated it"}};
  for (const ProgramStage& s : kProgramStages) all.push_back({s.name, s.summary});
  all.push_back({"kernels", "the kernel plan: which operations fuse into which loops"});
  return all;
}

Lowered lower(const ir::Program& program, const BuildOptions& options, const StageObserver& after) {
  // `program` is verified where it was made (front end, parser, builder).
  if (after) after("ir", program);
  ir::Program p = program;
  for (const ProgramStage& stage : kProgramStages) {
    p = stage.run(p, options);
    verify_stage(stage.name, p);
    if (after) after(stage.name, p);
  }
  Lowered l{describe_kept(std::move(p)), {}};
  l.plan = plan_program(l.kept.program, l.kept.events);
  choose_split_axes(l.plan);
  return l;
}

std::string stage_text(const ir::Program& program, const std::string& stage, const std::string& process,
                       const BuildOptions& options) {
  std::string list;
  bool known = false;
  for (const StageInfo& s : stages()) {
    list += (list.empty() ? "" : ", ") + s.name;
    known = known || s.name == stage;
  }
  if (!known) throw Error("unknown stage '" + stage + "' (available: " + list + ")");
  ir::Program chosen;
  Lowered lowered = lower(program, options, [&](const std::string& name, const ir::Program& p) {
    if (name == stage) chosen = p;
  });
  ir::Program& shown = stage == "kernels" ? lowered.kept.program : chosen;
  Plan plan = std::move(lowered.plan);
  if (!process.empty()) {  // the process and its storage variant
    std::vector<ir::Process> kept;
    std::vector<ProcessPlan> plans;
    for (size_t i = 0; i < shown.processes.size(); ++i) {
      const ir::Process& proc = shown.processes[i];
      if (proc.name != process && !(proc.variant == ir::Variant::Storage && proc.of == process)) continue;
      kept.push_back(proc);
      if (stage == "kernels") plans.push_back(plan.processes[i]);
    }
    shown.processes = std::move(kept);
    plan.processes = std::move(plans);
  }
  if (stage == "kernels") return print_plan(shown, plan);
  return ir::print(shown);
}

}  // namespace nf::compiler
