// neurofuse run: steps a model, clamping driven compartments before each step
// and recording compartments after it.
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/core.h>

#include "cli/backend.h"
#include "cli/cli.h"
#include "cli/partition.h"
#include "cli/record_spec.h"
#include "common/suggest.h"
#include "ir/fold_params.h"
#include "ir/precision.h"
#include "ir/interpreter.h"
#include "runtime/npz.h"

namespace nf::cli {

namespace {

const char* kRunHelp =
    "usage: neurofuse run FILE --process P[,Q...] [options]\n"
    "\n"
    "Runs the listed processes in order once per step, for --steps steps, with t\n"
    "starting at --t0 and advancing by dt.\n"
    "\n"
    "options:\n"
    "  --process P[,Q...]    processes to run each step, in order (required)\n"
    "  --before P[,Q...]     processes to run once, before the first step (a reset)\n"
    "  --every-start N:P,... processes to run before steps 0, N, 2N, ... (episodes)\n"
    "  --every N:P[,Q...]    processes to run after steps N-1, 2N-1, ... (an evolve\n"
    "                        after each window; after that step's records)\n"
    "  --steps N             number of steps (default 1)\n"
    "  --dt X                step size (default: the model's dt)\n"
    "  --t0 X                time of the first step (default 0); step k runs at\n"
    "                        t0 + k * dt, computed in binary64\n"
    "  --seed S              seed of the state (default: the model's seed)\n"
    "  --set NAME=VALUE      set a run-time parameter (repeatable); initial values\n"
    "                        that read it see it (unless --load-state)\n"
    "  --set COMP=FILE.npy   set a compartment from a .npy of its dtype and shape\n"
    "  --load-state F.npz    start from a checkpoint (after initialization)\n"
    "  --save-state F.npz    write a checkpoint of the final state\n"
    "  --drive COMP=FILE.npy before step k, set COMP to row k of an array of shape\n"
    "                        [steps, ...COMP's shape] (repeatable)\n"
    "  --record SPEC[,SPEC]  record after steps (repeatable); SPEC is\n"
    "                        COMP[UNITS][:KIND][:every=N][:start=S][:as=NAME]:\n"
    "                          COMP   a compartment, or a wired name (z1.j)\n"
    "                          UNITS  elements by flat index: [3], [0,5,9], or a\n"
    "                                 slice [A:B] or [A:B:STEP] as in Python\n"
    "                          KIND   values (default): the elements, a row per\n"
    "                                 recorded step; events: (step, unit) int32\n"
    "                                 pairs of nonzero elements (spikes); sum or\n"
    "                                 mean over the units, a number per step\n"
    "                          every=N, start=S: after steps S, S+N, S+2N, ...\n"
    "                          as=NAME: its name in --out (default: SPEC, or\n"
    "                                 COMP for every value at every step)\n"
    "                        e.g. --record z1.v[0:10]:every=100 --record z1.s:events\n"
    "                        Recordings stream to disk beside --out as they grow,\n"
    "                        so a long run needs little memory.\n"
    "  --out FILE.npz        write the recordings, one array each: [rows, ...]\n"
    "                        (events: [events, 2]); without it, values recorded at\n"
    "                        the same steps are printed as CSV\n"
    "  --backend B           jit (default), interp (the reference interpreter), or aot\n"
    "                        (a shared library compiled and loaded with dlopen)\n"
    "  --specialize          fold every run-time parameter into the code\n"
    "  --precision P         exact (default: as the model says), fast, or fast:PROCESS,...\n"
    "                        for some processes only (docs/SEMANTICS.md)\n"
    "  -O0 .. -O3            LLVM optimization level (default -O2)\n"
    "  --no-tier             jit: wait for the optimized code instead of starting on\n"
    "                        unoptimized code while it is built (the same bits)\n"
    "  --model NAME          which model of a .nf file with several\n"
    "  --partition           under mpirun: split every loop of the network over the\n"
    "                        ranks, exchanging what each rank's loops write once a\n"
    "                        step; the single process's bits (docs/SCALING.md).\n"
    "                        Rank 0 writes --out and --save-state\n"
    "\n"
    "Every output is checked before the first step; nothing is written when the\n"
    "run fails. See docs/RECORDING.md.\n";


// Row k of a driving array, as a tensor of the compartment's type.
ir::Tensor row(const npz::Array& a, int64_t k, const ir::Type& type) {
  ir::Tensor t(type);
  size_t n = t.size();
  if (a.dtype == npz::DType::Bool) {
    for (size_t i = 0; i < n; ++i) t.words[i] = a.data[size_t(k) * n + i] ? 1u : 0u;
  } else if (a.dtype == npz::DType::F64) {
    for (size_t i = 0; i < n; ++i) {
      double v;
      std::memcpy(&v, a.data.data() + (size_t(k) * n + i) * 8, 8);
      t.words[i] = std::bit_cast<uint32_t>(float(v));
    }
  } else {
    std::memcpy(t.words.data(), a.data.data() + size_t(k) * n * 4, n * 4);
  }
  return t;
}


// Floats with 9 significant digits (printf's %.9g), enough to read back the same float.
std::string format_element(const ir::Tensor& t, size_t i) {
  switch (t.type.dtype) {
    case ir::DType::F32: return fmt::format("{:.9g}", double(t.f32(i)));
    case ir::DType::I32: return std::to_string(t.i32(i));
    case ir::DType::Bool: return t.boolean(i) ? "1" : "0";
    case ir::DType::F64: break;  // never a compartment's
  }
  return "";
}

// Runs all steps; on a terminal, in chunks of about a tenth of a second with
// a progress bar on stderr once the run has taken a second. The chunks see
// exactly the t values and stream rows one long run would.
// `drive_rows`: the words of one row of each drive.
void run_with_progress(Backend& backend, const std::vector<std::string>& processes,
                       const std::vector<Scheduled>& scheduled, double t0, double dt, int64_t steps,
                       std::vector<Stream> drives, const std::vector<size_t>& drive_rows) {
  if (!isatty(STDERR_FILENO)) return backend.run(processes, scheduled, t0, dt, 0, steps, drives);
  auto begin = std::chrono::steady_clock::now();
  bool shown = false;
  int64_t chunk = 1;
  for (int64_t done = 0; done < steps;) {
    int64_t n = std::min(chunk, steps - done);
    auto chunk_start = std::chrono::steady_clock::now();
    backend.run(processes, scheduled, t0, dt, done, n, drives);
    for (size_t i = 0; i < drives.size(); ++i) drives[i].words += size_t(n) * drive_rows[i];
    done += n;
    double chunk_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - chunk_start).count();
    chunk = std::max<int64_t>(1, chunk_s > 0 ? int64_t(double(n) * 0.1 / chunk_s) : n * 2);
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    if (elapsed > 1.0 || shown) {
      int width = 30, filled = int(double(width) * double(done) / double(steps));
      print_stderr("\r[{}{}] {}/{} steps", std::string(size_t(filled), '#'), std::string(size_t(width - filled), ' '),
                   done, steps);
      shown = true;
    }
  }
  if (shown) print_stderr("\n");
}

}  // namespace

int run_command(const std::vector<std::string>& args, bool report) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") return fmt::print("{}", kRunHelp), 0;
  std::string file, model, out_path;
  std::vector<std::string> processes;
  std::vector<std::string> record_texts;
  std::vector<Scheduled> scheduled;
  std::vector<std::pair<std::string, double>> sets;
  std::vector<std::pair<std::string, std::string>> compartment_files;
  std::string load_path, save_path;
  bool partitioned = false;
  std::vector<std::pair<std::string, std::string>> drive_files;
  int64_t steps = 1;
  std::optional<double> dt;
  std::optional<uint64_t> seed;
  double t0 = 0.0;
  BackendOptions backend_options;
  bool specialize = false;
  ir::PrecisionChoice precision;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw Error("option " + a + " needs a value");
      return args[++i];
    };
    auto key_value = [&](const std::string& kv) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) throw Error("option " + a + " expects NAME=VALUE, got '" + kv + "'");
      return std::pair(kv.substr(0, eq), kv.substr(eq + 1));
    };
    // N:P[,P...] of --every and --every-start.
    auto periodic = [&](bool at_start) {
      const std::string& v = value();
      size_t colon = v.find(':');
      if (colon == std::string::npos) throw Error("option " + a + " expects N:PROCESS[,PROCESS...], got '" + v + "'");
      int64_t period = parse_number<int64_t>(a, v.substr(0, colon));
      if (period <= 0) throw Error("option " + a + ": the period must be a positive number of steps, got '" + v + "'");
      for (const std::string& p : split_list(v.substr(colon + 1))) scheduled.push_back({p, {period, at_start}});
    };
    if (a == "--process") {
      for (const std::string& p : split_list(value())) processes.push_back(p);
    } else if (a == "--before") {
      for (const std::string& p : split_list(value())) scheduled.push_back({p, {0, true}});
    } else if (a == "--every") {
      periodic(false);
    } else if (a == "--every-start") {
      periodic(true);
    } else if (a == "--steps") {
      steps = parse_number<int64_t>(a, value());
      if (steps < 0) throw Error("--steps must not be negative");
    } else if (a == "--dt") {
      dt = parse_number<double>(a, value());
      if (!(*dt > 0) || !std::isfinite(*dt)) throw Error("--dt must be a positive finite number, got '" + args[i] + "'");
    } else if (a == "--t0") {
      t0 = parse_number<double>(a, value());
    } else if (a == "--seed") {
      if (value().starts_with('-')) throw Error("--seed must not be negative");
      seed = parse_number<uint64_t>(a, args[i]);
    } else if (a == "--record") {
      for (const std::string& r : split_records(value())) record_texts.push_back(r);
    } else if (a == "--set") {
      auto [k, v] = key_value(value());
      if (v.size() > 4 && v.compare(v.size() - 4, 4, ".npy") == 0) compartment_files.emplace_back(k, v);
      else sets.emplace_back(k, parse_number<double>("--set", v));
    } else if (a == "--load-state") {
      load_path = value();
    } else if (a == "--save-state") {
      save_path = value();
    } else if (a == "--drive") {
      drive_files.push_back(key_value(value()));
    } else if (a == "--out") {
      out_path = value();
    } else if (a == "--model") {
      model = value();
    } else if (a == "--backend") {
      backend_options.kind = value();
    } else if (a == "--specialize") {
      specialize = true;
    } else if (a == "--no-tier") {
      backend_options.tiered = false;
    } else if (a == "--partition") {
      partitioned = true;
    } else if (a == "--precision") {
      precision = ir::parse_precision(value());
    } else if (a.size() == 3 && a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3') {
      backend_options.opt_level = a[2] - '0';
    } else if (!a.empty() && a[0] == '-') {
      throw Error("unknown option '" + a + "' (see neurofuse run --help)");
    } else if (file.empty()) {
      file = a;
    } else {
      throw Error("run takes one model file, got '" + file + "' and '" + a + "'");
    }
  }
  if (file.empty()) throw Error("run needs a model file (see neurofuse run --help)");
  if (specialize && !load_path.empty())
    throw Error("--load-state cannot be combined with --specialize: the checkpoint holds run-time parameters, "
                "which --specialize folds into the code (give their values with --set instead)");
  if (processes.empty() && scheduled.empty()) throw Error("run needs --process");
  if (partitioned && backend_options.kind == "interp")
    throw Error("--partition splits compiled loops over MPI ranks; it runs with --backend jit or aot");

  Loaded m = load(file, model);
  m.program = ir::apply_precision(m.program, precision);
  std::vector<std::string> process_names;
  for (const ir::Process& q : m.program.processes) process_names.push_back(q.name);
  auto known = [&](const std::string& p) {
    if (!m.program.find_process(p))
      throw Error("'" + file + "' has no process '" + p + "'" + did_you_mean(p, process_names));
  };
  for (const std::string& p : processes) known(p);
  for (const Scheduled& e : scheduled) known(e.process);
  std::vector<std::string> param_names;
  for (const ir::Parameter& q : m.program.params) param_names.push_back(q.name);
  for (const auto& [name, v] : sets) {
    if (m.program.find_param(name)) continue;
    if (m.program.find_compartment(name))  // e.g. ngclearn's eta: an argument that is a compartment's initial value
      throw Error("'" + name + "' is a compartment, not a run-time parameter: set it from a .npy file of its shape, "
                  "--set " + name + "=FILE.npy");
    throw Error("the model has no run-time parameter '" + name + "'" + did_you_mean(name, param_names) +
                " (parameters that decide a shape or a static() 'if' are fixed when the model is built; see neurofuse check)");
  }
  if (specialize) {
    // Parameters given with --set are folded with their new values.
    for (const auto& [name, v] : sets)
      for (ir::Parameter& q : m.program.params)
        if (q.name == name) q.default_value = v;
    m.program = ir::fold_all_params(m.program);
    sets.clear();
  }
  const ir::Program& program = m.program;
  // Where the results go is checked before anything runs: a long run must not
  // be computed and then lost to a typo, and the two outputs must not be one
  // file (the checkpoint would replace the recordings).
  auto check_writable = [](const std::string& option, const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path dir = fs::path(path).parent_path();
    if (dir.empty()) dir = ".";
    if (!fs::is_directory(dir, ec))
      throw Error(option + ": cannot write '" + path + "': there is no directory '" + dir.string() + "'");
    if (access(dir.c_str(), W_OK) != 0)
      throw Error(option + ": cannot write '" + path + "': the directory '" + dir.string() + "' is not writable");
    if (fs::is_directory(path, ec)) throw Error(option + ": cannot write '" + path + "': it is a directory");
  };
  if (!out_path.empty()) check_writable("--out", out_path);
  if (!save_path.empty()) check_writable("--save-state", save_path);
  if (!out_path.empty() && !save_path.empty()) {
    std::error_code ec;
    namespace fs = std::filesystem;
    if (fs::weakly_canonical(out_path, ec) == fs::weakly_canonical(save_path, ec))
      throw Error("--out and --save-state name the same file '" + out_path + "': the checkpoint would replace the recordings");
  }
  // Every drive and record is checked against the program before anything
  // is compiled or run.
  std::vector<std::string> compartment_names;
  for (const ir::Compartment& c : program.compartments) compartment_names.push_back(c.name);
  for (const ir::Alias& a : program.aliases) compartment_names.push_back(a.name);
  auto type_of = [&](const std::string& option, const std::string& name) {
    if (const ir::Compartment* c = program.find_compartment(name)) return c->type;
    if (const ir::Alias* a = program.find_alias(name)) return program.find_compartment(a->terms[0])->type;
    throw Error(option + ": no compartment '" + name + "'" + did_you_mean(name, compartment_names));
  };
  auto refuse_alias = [&](const std::string& option, const std::string& name) {
    if (const ir::Alias* a = program.find_alias(name)) {
      std::string sources;
      for (const std::string& t : a->terms)
        if (t != "+" && t != "*") sources += (sources.empty() ? "'" : ", '") + t + "'";
      throw Error(option + ": '" + name + "' is wired from " + sources +
                  ", which holds its value; it can be recorded, and its source set");
    }
  };
  for (const auto& [name, path] : compartment_files) refuse_alias("--set", name);
  // Drives become rows of 4-byte words, the layout compiled code streams.
  std::vector<std::vector<uint32_t>> drive_words;
  std::vector<Stream> drive_streams;
  std::vector<size_t> drive_rows;
  for (const auto& [comp, path] : drive_files) {
    const ir::Type type = type_of("--drive", comp);
    refuse_alias("--drive", comp);
    const npz::Array a = npz::read_npy(path);
    std::vector<int64_t> want = {steps};
    want.insert(want.end(), type.shape.dims.begin(), type.shape.dims.end());
    bool dtype_ok = a.dtype == npz_dtype(type.dtype) || (type.dtype == ir::DType::F32 && a.dtype == npz::DType::F64);
    if (!dtype_ok || a.shape != want)
      throw Error(fmt::format("--drive {}: '{}' holds {} {}, expected {} {} (one row per step)", comp, path,
                              npz::dtype_descr(a.dtype), ir::Shape(a.shape).str(),
                              npz::dtype_descr(npz_dtype(type.dtype)), ir::Shape(want).str()));
    std::vector<uint32_t> words;
    for (int64_t k = 0; k < steps; ++k) {
      ir::Tensor r = row(a, k, type);
      words.insert(words.end(), r.words.begin(), r.words.end());
    }
    drive_words.push_back(std::move(words));
    drive_rows.push_back(size_t(type.shape.num_elements()));
  }
  for (size_t i = 0; i < drive_files.size(); ++i) drive_streams.push_back({drive_files[i].first, drive_words[i].data()});

  // Recordings: checked, their names unique, and (printed as CSV) recorded at
  // the same steps. With --out they spool beside it: the disk must hold what
  // a run of known size will record, twice (the spool and the archive).
  std::vector<RecordSpec> records = parse_records(record_texts, [&](const RecordSpec& r) {
    return type_of("--record " + r.text, r.compartment).shape.num_elements();
  });
  std::vector<ir::Type> record_types;
  double known_bytes = 0;  // what the recordings of known size take
  for (RecordSpec& r : records) {
    record_types.push_back(type_of("--record " + r.text, r.compartment));
    if (r.spec.kind == monitor::Kind::Events) {
      if (monitor::last_recorded_step(r.spec, steps - 1) > monitor::Monitor::kMaxEventStep)
        throw Error(fmt::format("--record {}: events name steps as int32, and this run reaches step {}; run fewer "
                                "steps per command (--save-state and --load-state continue a run)",
                                r.text, steps - 1));
      continue;
    }
    const int64_t rows = steps > r.spec.start ? (steps - r.spec.start - 1) / r.spec.every + 1 : 0;
    const uint64_t units = r.spec.all_units ? uint64_t(record_types.back().shape.num_elements()) : r.spec.units.size();
    const uint64_t per_row = r.spec.kind == monitor::Kind::Values
                                 ? units * (record_types.back().dtype == ir::DType::Bool ? 1 : 4)
                                 : 4;
    known_bytes += double(rows) * double(per_row);
  }
  // Recordings spool beside --out, or (printed) in the temporary directory.
  std::string spool;
  if (!records.empty() && out_path.empty()) {
    for (const RecordSpec& r : records)
      if (r.spec.kind != monitor::Kind::Values || r.spec.every != records[0].spec.every ||
          r.spec.start != records[0].spec.start)
        throw Error("--record " + r.text + ": only values recorded at the same steps print as CSV; "
                    "write the recordings with --out FILE.npz");
    if (known_bytes > double(int64_t(1) << 40))
      throw Error(fmt::format("--record: the recordings of {} steps take {:.3g} bytes, too many to print; write "
                              "them with --out FILE.npz", steps, known_bytes));
    const char* tmp = std::getenv("TMPDIR");
    spool = tmp && *tmp ? tmp : "/tmp";
  } else if (!records.empty()) {
    std::filesystem::path dir = std::filesystem::path(out_path).parent_path();
    spool = dir.empty() ? "." : dir.string();
    known_bytes *= 2;  // the spool, then the archive
  }
  struct statvfs fs{};
  if (!spool.empty() && statvfs(spool.c_str(), &fs) == 0) {
    const double free_bytes = double(fs.f_bavail) * double(fs.f_frsize);
    if (known_bytes > free_bytes)
      throw Error(fmt::format("--record: the recordings of {} steps need {:.3g} bytes of disk{}, and '{}' has {:.3g} "
                              "free; record less, or fewer steps per command (--save-state and --load-state "
                              "continue a run)",
                              steps, known_bytes, out_path.empty() ? "" : " (spooled, then archived)", spool,
                              free_bytes));
  }

  // MPI starts once everything has been checked (the same on every rank).
  // From here an error on one rank must stop them all: the others would
  // wait for its next exchange, or for it in MPI_Finalize, forever.
  std::unique_ptr<Partition> partition = partitioned ? Partition::start() : nullptr;
  const bool root = !partition || partition->rank() == 0;
  report = report && root;
  try {
    // Every rank computes and records as one process would; rank 0 writes
    // the outputs, the others write theirs to temporary files they remove.
    std::vector<std::string> rank_files;
    if (!root) {
      const char* tmp = std::getenv("TMPDIR");
      const std::string dir = tmp && *tmp ? tmp : "/tmp";
      for (std::string* path : {&out_path, &save_path})
        if (!path->empty()) {
          *path = fmt::format("{}/neurofuse-rank{}-{}-{}.npz", dir, partition->rank(), getpid(), rank_files.size());
          rank_files.push_back(*path);
        }
      if (!spool.empty()) spool = dir;  // not rank 0's disk, which may be shared
    }
    struct RemoveRankFiles {
      std::vector<std::string>& files;
      ~RemoveRankFiles() {
        for (const std::string& f : files) std::remove(f.c_str());
      }
    } remove_rank_files{rank_files};
    nf_partition hooks{};
    if (partition) {
      hooks = partition->hooks();
      backend_options.partition = &hooks;
    }
    backend_options.seed = seed.value_or(program.default_seed);
    std::unique_ptr<Backend> state = make_backend(program, backend_options);
    if (!load_path.empty()) state->load_state(load_path);
    for (const auto& [name, v] : sets) state->set_param(name, v);
    // A new state sees the parameters given: initial values and initializers
    // that read them are computed again (the same draws: same seed, counter 0).
    if (!sets.empty() && load_path.empty() && program.find_process(ir::kInitializeProcess))
      state->step(ir::kInitializeProcess, 0.0, program.default_dt);
    for (const auto& [name, path] : compartment_files) state->load_compartment(name, path);
    double step_dt = dt.value_or(program.default_dt);
    for (const RecordSpec& r : records) state->add_monitor(r.compartment, r.spec, spool);

    auto start = std::chrono::steady_clock::now();
    if (report) run_with_progress(*state, processes, scheduled, t0, step_dt, steps, drive_streams, drive_rows);
    else state->run(processes, scheduled, t0, step_dt, 0, steps, drive_streams);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // Both files or neither: the checkpoint is written beside its name first,
    // then the records, then the checkpoint takes its name.
    std::string save_temp;
    if (!save_path.empty()) {
      save_temp = fmt::format("{}.tmp.{}", save_path, getpid());
      state->save_state(save_temp);
    }
    try {
      if (!out_path.empty()) {
        std::vector<std::string> names;
        for (const RecordSpec& r : records) names.push_back(r.entry);
        state->save_monitors(out_path, names);
      } else if (!records.empty() && root) {
        // Values recorded at the same steps (checked above): a line per step.
        std::string header = "step,t";
        std::vector<std::vector<int64_t>> units;
        for (size_t r = 0; r < records.size(); ++r) {
          units.push_back(records[r].spec.units);
          if (records[r].spec.all_units)
            for (int64_t k = 0; k < record_types[r].shape.num_elements(); ++k) units.back().push_back(k);
          for (int64_t u : units.back()) header += fmt::format(",{}[{}]", records[r].compartment, u);
        }
        fmt::print("{}\n", header);
        const int64_t rows = state->monitor_rows(0);
        for (int64_t row = 0; row < rows; ++row) {
          const int64_t step = records[0].spec.start + row * records[0].spec.every;
          std::string line = fmt::format("{},{:.9g}", step, double(float(ir::step_time(t0, step_dt, step))));
          for (size_t r = 0; r < records.size(); ++r) {
            ir::Tensor value(ir::Type{record_types[r].dtype, ir::Shape({int64_t(units[r].size())})});
            state->read_monitor(r, row, 1, value.words.data());
            for (size_t k = 0; k < value.size(); ++k) line += "," + format_element(value, k);
          }
          fmt::print("{}\n", line);
        }
      }
    } catch (...) {
      if (!save_temp.empty()) std::remove(save_temp.c_str());
      throw;
    }
    if (!save_temp.empty() && std::rename(save_temp.c_str(), save_path.c_str()) != 0) {
      std::remove(save_temp.c_str());
      throw Error("cannot write '" + save_path + "': " + std::strerror(errno));
    }
    if (partition) {
      // What the ranks exchanged, per step: the most any rank sent and received.
      const int64_t sent = partition->max_over_ranks(partition->bytes_sent());
      const int64_t received = partition->max_over_ranks(partition->bytes_received());
      const int64_t calls = partition->max_over_ranks(partition->exchanges());
      if (report && steps > 0)
        print_stderr("partitioned over {} ranks: per step and rank, at most {:.0f} bytes sent, {:.0f} received, "
                     "in {:.3g} exchanges\n",
                     partition->ranks(), double(sent) / double(steps), double(received) / double(steps),
                     double(calls) / double(steps));
    }
    if (report)
      print_stderr("ran {} steps ({}) in {:.3f} s, {:.0f} steps/s\n", steps, backend_options.kind, seconds,
                   seconds > 0 ? double(steps) / seconds : 0.0);
    return 0;
  } catch (const std::exception& e) {
    if (partition && partition->ranks() > 1) {
      print_stderr("rank {}: {}\n", partition->rank(), e.what());
      partition->abort_all(1);
    }
    throw;
  }
}

}  // namespace nf::cli
