// neurofuse._core: the Python extension, a thin layer over the front end,
// the compiler and the runtime's C API (nothing here computes a step).
// python/neurofuse/__init__.py gives it its public shape.
//
// Errors cross as the exception classes of neurofuse/errors.py: ModelError
// (with .file, .line, .column) for model text, StateError for misuse of a
// state or module, IOError for files, each with the runtime's message.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/backend.h"
#include "cli/record_spec.h"
#include "common/suggest.h"
#include "ir/interpreter.h"
#include "common/read_file.h"
#include "compiler/build.h"
#include "compiler/jit.h"
#include "frontend/frontend.h"
#include "frontend/reference.h"
#include "frontend/stdlib_sources.h"
#include "ir/fold_params.h"
#include "ir/precision.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "neurofuse/runtime.h"

namespace py = pybind11;

namespace {

// ---- errors

// A Python exception of neurofuse.errors, raised by the translator below.
struct PyError {
  std::string kind;  // ModelError, StateError, IOError
  std::string message;
  std::string file;
  int line = 0, column = 0;
};

[[noreturn]] void raise_status(nf_status status, const std::string& message) {
  const bool io = status == NF_ERROR_IO || status == NF_ERROR_BAD_FILE || status == NF_ERROR_NOT_A_MODULE ||
                  status == NF_ERROR_ABI_VERSION || status == NF_ERROR_UNSUPPORTED_CPU;
  throw PyError{io ? "IOError" : "StateError", message, "", 0, 0};
}

void check(nf_status status) {
  if (status != NF_OK) raise_status(status, nf_last_error());
}

// A front-end or compiler error: the first diagnostic's place, all of them as text.
[[noreturn]] void raise_model_error(const nf::Error& e) {
  PyError out{"ModelError", e.what(), "", 0, 0};
  if (!e.diagnostics().empty()) {
    const nf::SourceLoc& loc = e.diagnostics().front().loc;
    if (loc.file) out.file = loc.file->name;
    out.line = loc.line;
    out.column = loc.col;
  }
  throw out;
}

// ---- modules

// A compiled module, and (when compiled here) the program it was compiled from.
struct Module {
  std::shared_ptr<nf_module> module;
  std::optional<nf::ir::Program> program;
  std::string model_name;
  nf::compiler::BuildOptions build;
  std::string temp_dir;  // of an AOT library made here, removed with the module

  ~Module() {
    module.reset();
    if (!temp_dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(temp_dir, ec);
    }
  }
  const nf_module_info& info() const { return *nf_module_get_info(module.get()); }
};

std::shared_ptr<nf_module> adopt(nf_module* m) {
  return std::shared_ptr<nf_module>(m, [](nf_module* x) { nf_module_close(x); });
}

const char* dtype_name(int32_t d) { return d == NF_F32 ? "float32" : d == NF_I32 ? "int32" : "bool"; }
const char* role_name(int32_t r) { return r == NF_INPUT ? "input" : r == NF_OUTPUT ? "output" : "state"; }

nf::ir::Program program_of(const std::string& source, bool is_file, const std::string& model, std::string& name) {
  try {
    const bool ir_text = is_file ? source.ends_with(".nfir") : false;
    if (ir_text) {
      std::string text = nf::read_regular_file<std::string>(source, nf::kMaxTextFileBytes);
      name = std::filesystem::path(source).stem().string();
      return nf::ir::parse_program(std::make_shared<const nf::SourceFile>(nf::SourceFile{source, std::move(text)}));
    }
    nf::frontend::Options options;
    options.model = model;
    nf::frontend::Model m =
        is_file ? nf::frontend::load_model_file(source, options)
                : nf::frontend::load_model(std::make_shared<const nf::SourceFile>(nf::SourceFile{"<string>", source}),
                                           options);
    name = m.name;
    return std::move(m.program);
  } catch (const nf::FileReadError& e) {
    throw PyError{"IOError", e.what(), "", 0, 0};
  } catch (const nf::Error& e) {
    raise_model_error(e);
  }
}

std::shared_ptr<Module> compile(const std::string& source, bool is_file, const std::string& model,
                                const std::string& backend, bool specialize, int opt_level,
                                const std::string& target_cpu, const std::string& precision, bool tiered) {
  auto out = std::make_shared<Module>();
  out->program = program_of(source, is_file, model, out->model_name);
  try {
    out->program = nf::ir::apply_precision(*out->program, nf::ir::parse_precision(precision));
  } catch (const nf::Error& e) {
    throw py::value_error(e.what());
  }
  if (specialize) out->program = nf::ir::fold_all_params(*out->program);
  out->build.opt_level = opt_level;
  out->build.target_cpu = target_cpu;
  out->build.tiered = tiered;
  out->build.model_name = out->model_name.empty() ? "model" : out->model_name;
  try {
    py::gil_scoped_release unlocked;  // LLVM runs without the interpreter
    if (backend == "jit") {
      out->module = adopt(nf::compiler::jit_module(*out->program, out->build));
    } else if (backend == "aot") {
      char dir[] = "/tmp/neurofuse-python-XXXXXX";
      if (!mkdtemp(dir)) throw nf::Error("cannot create a temporary directory for the module");
      out->temp_dir = dir;
      const std::string so = out->temp_dir + "/model.so";
      nf::compiler::build_file(*out->program, so, nf::compiler::Emit::SharedLibrary, out->build);
      nf_module* m = nullptr;
      check(nf_module_open(so.c_str(), &m));
      out->module = adopt(m);
    } else if (backend != "interp") {  // the interpreter needs no module: states run the program
      throw PyError{"StateError", "unknown backend '" + backend + "' (available: jit, aot, interp)", "", 0, 0};
    }
  } catch (const nf::Error& e) {
    raise_model_error(e);
  }
  return out;
}

std::shared_ptr<Module> load(const std::string& path) {
  auto out = std::make_shared<Module>();
  nf_module* m = nullptr;
  check(nf_module_open(path.c_str(), &m));
  out->module = adopt(m);
  out->model_name = out->info().model_name ? out->info().model_name : "";
  return out;
}

// ---- states

struct State {
  std::shared_ptr<Module> module;
  std::shared_ptr<nf_state> state;

  State(std::shared_ptr<Module> m, uint64_t seed) : module(std::move(m)) {
    nf_state* s = nullptr;
    check(nf_state_create(module->module.get(), seed, &s));
    // The state's deleter holds the module: views and monitors may outlive this object.
    state.reset(s, [keep = module](nf_state* x) { nf_state_destroy(x); });
  }
  nf_state* get() const { return state.get(); }
};

// A state of the reference interpreter (backend "interp"), through the same
// engine `neurofuse run --backend interp` uses. Its compartments are read as
// copies: the interpreter's tensors are not a fixed block of memory.
struct InterpState {
  std::shared_ptr<Module> module;
  uint64_t seed;
  std::unique_ptr<nf::cli::Backend> engine;

  InterpState(std::shared_ptr<Module> m, uint64_t s) : module(std::move(m)), seed(s) { reinitialize(s); }
  const nf::ir::Program& program() const { return *module->program; }
  void reinitialize(uint64_t s) {
    seed = s;
    engine = nf::cli::make_backend(program(), nf::cli::BackendOptions{"interp", s, 2});
  }
  // The type of compartment or alias `name`, or StateError with a suggestion.
  nf::ir::Type type(const std::string& name) const {
    if (const nf::ir::Compartment* c = program().find_compartment(name)) return c->type;
    if (const nf::ir::Alias* a = program().find_alias(name)) return program().find_compartment(a->terms[0])->type;
    std::vector<std::string> names;
    for (const nf::ir::Compartment& c : program().compartments) names.push_back(c.name);
    for (const nf::ir::Alias& a : program().aliases) names.push_back(a.name);
    throw PyError{"StateError", "no compartment '" + name + "'" + nf::did_you_mean(name, names), "", 0, 0};
  }
  void known_process(const std::string& process) const {
    std::vector<std::string> names;
    for (const nf::ir::Process& p : program().processes) names.push_back(p.name);
    if (!program().find_process(process))
      throw PyError{"StateError", "no process '" + process + "'" + nf::did_you_mean(process, names), "", 0, 0};
  }
};

// Runs `body`, an engine call, turning its errors into StateError (IOError for files).
template <typename Body>
auto engine_call(Body body, const char* kind = "StateError") {
  try {
    return body();
  } catch (const nf::Error& e) {
    throw PyError{kind, e.what(), "", 0, 0};
  } catch (const nf::npz::Error& e) {
    throw PyError{"IOError", e.what(), "", 0, 0};
  }
}

const char* dtype_of(nf::ir::DType d) { return d == nf::ir::DType::F32 ? "float32" : d == nf::ir::DType::I32 ? "int32" : "bool"; }

const nf_compartment_info& compartment_info(const State& s, const std::string& name) {
  const nf_compartment_info* c = nullptr;
  check(nf_module_find_compartment(s.module->module.get(), name.c_str(), &c));
  return *c;
}

std::vector<py::ssize_t> shape_of(const nf_compartment_info& c) {
  return std::vector<py::ssize_t>(c.shape, c.shape + c.rank);
}

// A new NumPy array of `dtype` ("float32", "int32" or "bool") and `shape`
// from 4-byte words (bool words 0/1 become NumPy's one-byte bools); read-only
// unless `writable`.
py::array array_of_words(const std::string& dtype, const std::vector<py::ssize_t>& shape,
                         const std::vector<uint32_t>& words, bool writable) {
  py::array out;
  if (dtype == "bool") {
    py::array_t<bool> b(shape);
    for (size_t i = 0; i < words.size(); ++i) b.mutable_data()[i] = words[i] != 0;
    out = b;
  } else {
    out = dtype == "float32" ? py::array(py::array_t<float>(shape)) : py::array(py::array_t<int32_t>(shape));
    if (!words.empty()) std::memcpy(out.mutable_data(), words.data(), words.size() * 4);
  }
  if (!writable) py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return out;
}

// The compartment as a NumPy array: a writable view of the state's memory,
// else (a factored matrix, which a view would make every step write in
// full; a wired name; a bool compartment, whose elements are 4-byte words) a
// read-only copy.
py::array get_item(const State& s, const std::string& name) {
  const nf_compartment_info& c = compartment_info(s, name);
  void* data = nullptr;
  int32_t dtype = 0;
  int64_t n = 0;
  const bool view = c.kept != NF_KEPT_FACTORED && c.dtype != NF_BOOL;
  const nf_status status = view ? nf_state_compartment(s.get(), name.c_str(), &data, &dtype, &n) : NF_OK;
  if (view && status == NF_OK) {
    // The capsule holds the state (and so its module) while the view lives.
    auto* keep = new std::shared_ptr<nf_state>(s.state);
    py::capsule owner(keep, [](void* p) { delete static_cast<std::shared_ptr<nf_state>*>(p); });
    if (c.dtype == NF_F32) return py::array_t<float>(shape_of(c), static_cast<float*>(data), owner);
    return py::array_t<int32_t>(shape_of(c), static_cast<int32_t*>(data), owner);
  }
  if (status != NF_OK && status != NF_ERROR_WIRED) check(status);
  std::vector<uint32_t> words(size_t(c.bytes / 4));
  check(nf_state_read(s.get(), name.c_str(), c.dtype, words.data(), int64_t(words.size())));
  return array_of_words(dtype_name(c.dtype), shape_of(c), words, false);
}

// Writes `words` (the compartment's 4-byte elements, already converted by
// the Python side) into it.
void set_item(const State& s, const std::string& name, py::buffer words) {
  const py::buffer_info b = words.request();
  const nf_compartment_info& c = compartment_info(s, name);
  check(nf_state_write(s.get(), name.c_str(), c.dtype, b.ptr, int64_t(b.size * b.itemsize / 4)));
}

// ---- runs

using Schedule = std::vector<std::tuple<std::string, int64_t, bool>>;

// What a run needs of a state, for a compiled module (the C API) or the
// interpreter (the CLI's engine). Monitors live as long as the target.
struct RunTarget {
  virtual ~RunTarget() = default;
  virtual std::vector<int64_t> shape(const std::string& name) = 0;
  virtual std::string dtype(const std::string& name) = 0;  // float32, int32 or bool
  virtual void add_monitor(const std::string& name, const nf::monitor::Spec& spec) = 0;
  // Steps [first, first + n); called without the GIL. Drives: (name, rows from `first`).
  virtual void scan(const std::vector<std::string>& processes, const Schedule& schedule, double t0, double dt,
                    int64_t first, int64_t n, const std::vector<std::pair<std::string, uint8_t*>>& drives) = 0;
  // Monitor i's rows so far, and their 4-byte words.
  virtual int64_t rows(size_t i) = 0;
  virtual void read(size_t i, int64_t rows, uint32_t* out) = 0;
};

struct CompiledTarget : RunTarget {
  State& s;
  std::vector<nf_monitor*> monitors;
  explicit CompiledTarget(State& state) : s(state) {}
  ~CompiledTarget() override {
    for (nf_monitor* m : monitors) nf_monitor_destroy(m);
  }
  std::vector<int64_t> shape(const std::string& name) override {
    const nf_compartment_info& c = compartment_info(s, name);
    return std::vector<int64_t>(c.shape, c.shape + c.rank);
  }
  std::string dtype(const std::string& name) override { return dtype_name(compartment_info(s, name).dtype); }
  void add_monitor(const std::string& name, const nf::monitor::Spec& spec) override {
    nf_monitor_spec c{name.c_str(), int32_t(spec.kind), spec.every, spec.start,
                      spec.all_units ? nullptr : spec.units.data(), int64_t(spec.units.size()), nullptr};
    nf_monitor* m = nullptr;
    check(nf_monitor_create(s.get(), &c, &m));
    monitors.push_back(m);
  }
  void scan(const std::vector<std::string>& processes, const Schedule& schedule, double t0, double dt, int64_t first,
            int64_t n, const std::vector<std::pair<std::string, uint8_t*>>& drives) override {
    std::vector<const char*> names;
    for (const std::string& p : processes) names.push_back(p.c_str());
    std::vector<nf_scheduled> at;
    for (const auto& [process, period, at_start] : schedule)
      at.push_back({process.c_str(), period, at_start ? NF_AT_START : NF_AT_END});
    std::vector<nf_io> io;
    for (const auto& [name, data] : drives) io.push_back({name.c_str(), data});
    const nf_status status = nf_state_scan_scheduled(s.get(), names.data(), int32_t(names.size()), at.data(),
                                                     int32_t(at.size()), t0, dt, first, n, io.data(),
                                                     int32_t(io.size()), nullptr, 0);
    if (status != NF_OK) {
      const std::string message = nf_last_error();
      raise_status(status, message);
    }
  }
  int64_t rows(size_t i) override {
    int64_t r = 0;
    check(nf_monitor_rows(monitors.at(i), &r, nullptr, nullptr));
    return r;
  }
  void read(size_t i, int64_t r, uint32_t* out) override { check(nf_monitor_read(monitors.at(i), 0, r, out)); }
};

struct InterpTarget : RunTarget {
  InterpState& s;
  explicit InterpTarget(InterpState& state) : s(state) {}
  ~InterpTarget() override { s.engine->remove_monitors(); }
  std::vector<int64_t> shape(const std::string& name) override { return s.type(name).shape.dims; }
  std::string dtype(const std::string& name) override { return dtype_of(s.type(name).dtype); }
  void add_monitor(const std::string& name, const nf::monitor::Spec& spec) override {
    engine_call([&] { s.engine->add_monitor(name, spec, ""); });
  }
  void scan(const std::vector<std::string>& processes, const Schedule& schedule, double t0, double dt, int64_t first,
            int64_t n, const std::vector<std::pair<std::string, uint8_t*>>& drives) override {
    for (const std::string& p : processes) s.known_process(p);
    std::vector<nf::cli::Scheduled> at;
    for (const auto& [process, period, at_start] : schedule) {
      s.known_process(process);
      at.push_back({process, {period, at_start}});
    }
    std::vector<nf::cli::Stream> io;
    for (const auto& [name, data] : drives) io.push_back({name, reinterpret_cast<uint32_t*>(data)});
    engine_call([&] { s.engine->run(processes, at, t0, dt, first, n, io); });
  }
  int64_t rows(size_t i) override { return engine_call([&] { return s.engine->monitor_rows(i); }); }
  void read(size_t i, int64_t r, uint32_t* out) override {
    engine_call([&] { s.engine->read_monitor(i, 0, r, out); });
  }
};

// Runs steps [first, first + steps) on `target`, the GIL released, in pieces
// of about a tenth of a second, calling `progress(done)` between pieces
// (with the GIL) and stopping at a step boundary on Ctrl-C. Returns the
// recordings as (name, array) pairs in the order of `records`.
py::list run_on(RunTarget& target, const std::vector<std::string>& processes, int64_t steps, double t0, double dt,
                int64_t first, const py::dict& drives, const std::vector<std::string>& records,
                const Schedule& schedule, const py::object& progress) {
  if (steps < 0) throw PyError{"StateError", "steps must not be negative", "", 0, 0};
  // Drives: C-contiguous arrays of [steps, ...shape] in the compartment's words (the Python side converts).
  std::vector<std::pair<std::string, uint8_t*>> io;
  std::vector<int64_t> row_bytes;
  std::vector<py::buffer_info> keep;
  for (const auto& [key, value] : drives) {
    const std::string name = py::cast<std::string>(key);
    keep.push_back(py::cast<py::buffer>(value).request());
    int64_t elements = 1;
    for (int64_t d : target.shape(name)) elements *= d;
    if (keep.back().size * keep.back().itemsize != steps * elements * 4)
      throw PyError{"StateError",
                    "drive of '" + name + "': expected " + std::to_string(steps) + " rows of " +
                        std::to_string(elements) + " elements",
                    "", 0, 0};
    io.push_back({name, static_cast<uint8_t*>(keep.back().ptr)});
    row_bytes.push_back(elements * 4);
  }
  // Monitors, from the same specs as `neurofuse run --record`.
  std::vector<nf::cli::RecordSpec> specs;
  try {
    specs = nf::cli::parse_records(records, [&](const nf::cli::RecordSpec& r) {
      int64_t elements = 1;
      for (int64_t d : target.shape(r.compartment)) elements *= d;
      return elements;
    });
  } catch (const nf::Error& e) {
    throw PyError{"StateError", e.what(), "", 0, 0};
  }
  for (const nf::cli::RecordSpec& r : specs) target.add_monitor(r.compartment, r.spec);
  int64_t chunk = 1;
  for (int64_t done = 0; done < steps;) {
    const int64_t n = std::min(chunk, steps - done);
    std::vector<std::pair<std::string, uint8_t*>> piece = io;
    for (size_t i = 0; i < piece.size(); ++i) piece[i].second += done * row_bytes[i];
    const auto started = std::chrono::steady_clock::now();
    {
      py::gil_scoped_release unlocked;
      target.scan(processes, schedule, t0, dt, first + done, n, piece);
    }
    done += n;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    chunk = std::max<int64_t>(1, seconds > 0 ? int64_t(double(n) * 0.1 / seconds) : n * 2);
    if (!progress.is_none()) progress(done);
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C: stopped after step first + done - 1
  }
  py::list out;
  for (size_t i = 0; i < specs.size(); ++i) {
    const nf::cli::RecordSpec& r = specs[i];
    const int64_t rows = target.rows(i);
    std::vector<py::ssize_t> shape = {rows};
    int64_t row_elements = 1;
    if (r.spec.kind == nf::monitor::Kind::Events) shape.push_back(2), row_elements = 2;
    if (r.spec.kind == nf::monitor::Kind::Values) {
      std::vector<int64_t> unit_shape = r.spec.all_units ? target.shape(r.compartment)
                                                          : std::vector<int64_t>{int64_t(r.spec.units.size())};
      for (int64_t d : unit_shape) shape.push_back(d), row_elements *= d;
    }
    std::vector<uint32_t> words(size_t(rows * row_elements));
    if (!words.empty()) target.read(i, rows, words.data());
    // The dtype: values keep the compartment's; events and sums of i32/bool are int32; means float32.
    std::string dtype = "int32";
    if (r.spec.kind == nf::monitor::Kind::Mean) {
      dtype = "float32";
    } else if (r.spec.kind != nf::monitor::Kind::Events) {
      const std::string element = target.dtype(r.compartment);
      dtype = r.spec.kind == nf::monitor::Kind::Values ? element : element == "float32" ? "float32" : "int32";
    }
    out.append(py::make_tuple(r.entry, array_of_words(dtype, shape, words, true)));
  }
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "neurofuse's compiled core; use the neurofuse package";
  py::module_::import("neurofuse.errors");  // fails the import early if it is missing
  py::register_exception_translator([](std::exception_ptr p) {
    // Imported on use (a cached lookup): a static object would outlive the interpreter.
    py::module_ errors = py::module_::import("neurofuse.errors");
    try {
      if (p) std::rethrow_exception(p);
    } catch (const PyError& e) {
      py::object cls = errors.attr(e.kind.c_str());
      py::object instance = e.kind == "ModelError" ? cls(e.message, e.file, e.line, e.column) : cls(e.message);
      PyErr_SetObject(cls.ptr(), instance.ptr());
    } catch (const nf::Error& e) {
      PyErr_SetObject(errors.attr("ModelError").ptr(), errors.attr("ModelError")(e.what(), "", 0, 0).ptr());
    }
  });

  m.def("abi_version", &nf_abi_version);
  m.def("component_sources", [] { return nf::frontend::stdlib_sources(); });
  m.def("component_reference", &nf::frontend::component_reference_text);
  m.def("compile", &compile, py::arg("source"), py::arg("is_file"), py::arg("model"), py::arg("backend"),
        py::arg("specialize"), py::arg("opt_level"), py::arg("target_cpu"), py::arg("precision"), py::arg("tiered"));
  m.def("load", &load);

  py::class_<Module, std::shared_ptr<Module>>(m, "Module")
      .def_property_readonly("model_name", [](const Module& x) { return x.model_name; })
      .def("wait_optimized",
           [](const Module& x) {
             if (!x.module) return true;  // the interpreter's
             py::gil_scoped_release unlocked;
             return nf::compiler::wait_for_optimized_code(x.module.get());
           })
      .def_property_readonly("processes",
                             [](const Module& x) {
                               std::vector<std::string> out;
                               if (!x.module) {  // the interpreter's: the program's
                                 for (const nf::ir::Process& p : x.program->processes) out.push_back(p.name);
                                 return out;
                               }
                               for (int32_t i = 0; i < x.info().n_processes; ++i) out.push_back(x.info().processes[i].name);
                               return out;
                             })
      .def_property_readonly("compartments",
                             [](const Module& x) {
                               py::list out;
                               if (!x.module) {
                                 for (const nf::ir::Compartment& c : x.program->compartments)
                                   out.append(py::make_tuple(c.name, py::tuple(py::cast(c.type.shape.dims)),
                                                             dtype_of(c.type.dtype), nf::ir::role_name(c.role), false));
                                 return out;
                               }
                               for (int32_t i = 0; i < x.info().n_compartments; ++i) {
                                 const nf_compartment_info& c = x.info().compartments[i];
                                 out.append(py::make_tuple(c.name, py::tuple(py::cast(shape_of(c))), dtype_name(c.dtype),
                                                           role_name(c.role), c.kept == NF_KEPT_FACTORED));
                               }
                               return out;
                             })
      .def_property_readonly("aliases",
                             [](const Module& x) {
                               std::vector<std::string> out;
                               if (!x.module) {
                                 for (const nf::ir::Alias& a : x.program->aliases) out.push_back(a.name);
                                 return out;
                               }
                               for (int32_t i = 0; i < x.info().n_aliases; ++i) out.push_back(x.info().aliases[i].name);
                               return out;
                             })
      .def_property_readonly("parameters",
                             [](const Module& x) {
                               py::list out;
                               if (!x.module) {
                                 for (const nf::ir::Parameter& q : x.program->params)
                                   out.append(py::make_tuple(q.name, q.default_value));
                                 return out;
                               }
                               for (int32_t i = 0; i < x.info().n_params; ++i)
                                 out.append(py::make_tuple(x.info().params[i].name, x.info().params[i].default_value));
                               return out;
                             })
      .def_property_readonly("default_dt",
                             [](const Module& x) { return x.module ? x.info().default_dt : x.program->default_dt; })
      .def_property_readonly("default_seed",
                             [](const Module& x) { return x.module ? x.info().default_seed : x.program->default_seed; })
      .def("connectivity",
           [](const Module& x, const std::string& name) {
             if (!x.program) throw PyError{"StateError", "a module loaded from a file has no IR", "", 0, 0};
             const nf::ir::Connectivity* c = x.program->find_connectivity(name);
             if (!c) {
               std::vector<std::string> names;
               for (const nf::ir::Connectivity& k : x.program->connectivities) names.push_back(k.name);
               throw PyError{"StateError", "no connectivity '" + name + "'" + nf::did_you_mean(name, names), "", 0, 0};
             }
             const nf::ir::ConnectivityTables& t = *c->tables;
             const py::ssize_t n = py::ssize_t(t.entries());
             py::array_t<int32_t> row(n), column(n), value(n);
             for (int64_t r = 0; r < t.rows; ++r)
               for (int32_t e = t.row_start[size_t(r)]; e < t.row_start[size_t(r) + 1]; ++e) {
                 row.mutable_at(e) = int32_t(r);
                 column.mutable_at(e) = t.column[size_t(e)];
                 value.mutable_at(e) = int32_t(t.value_of(e));
               }
             return py::make_tuple(t.rows, t.columns, t.values, row, column, value);
           })
      .def_property_readonly("connectivities",
                             [](const Module& x) {
                               std::vector<std::string> out;
                               if (x.program)
                                 for (const nf::ir::Connectivity& c : x.program->connectivities) out.push_back(c.name);
                               return out;
                             })
      .def("ir",
           [](const Module& x, const std::string& process) {
             if (!x.program) throw PyError{"StateError", "a module loaded from a file has no IR", "", 0, 0};
             if (process.empty()) return nf::ir::print(*x.program);
             const nf::ir::Process* p = x.program->find_process(process);
             if (!p) throw PyError{"StateError", "no process '" + process + "'", "", 0, 0};
             return nf::ir::print(*p);
           })
      .def("stage",
           [](const Module& x, const std::string& stage, const std::string& process) {
             if (!x.program) throw PyError{"StateError", "a module loaded from a file has no IR", "", 0, 0};
             if (!process.empty() && !x.program->find_process(process))
               throw PyError{"StateError", "no process '" + process + "'", "", 0, 0};
             try {
               return nf::compiler::stage_text(*x.program, stage, process, x.build);
             } catch (const nf::Error& e) {
               throw PyError{"StateError", e.what(), "", 0, 0};
             }
           })
      .def("save",
           [](const Module& x, const std::string& path) {
             if (!x.module) throw PyError{"StateError", "an interpreter model has no module to save: compile it with backend=\"aot\" or \"jit\"", "", 0, 0};
             if (!x.program) throw PyError{"StateError", "a module loaded from a file cannot be saved again", "", 0, 0};
             try {
               py::gil_scoped_release unlocked;
               nf::compiler::build_file(*x.program, path, nf::compiler::Emit::SharedLibrary, x.build);
             } catch (const nf::Error& e) {
               throw PyError{"IOError", e.what(), "", 0, 0};
             }
           })
      .def("state", [](std::shared_ptr<Module> x, uint64_t seed) -> py::object {
        if (!x->module) return py::cast(std::make_shared<InterpState>(std::move(x), seed));
        return py::cast(std::make_shared<State>(std::move(x), seed));
      });

  // The interpreter's states: the same methods as State's.
  py::class_<InterpState, std::shared_ptr<InterpState>>(m, "InterpState")
      .def_property_readonly("seed", [](const InterpState& s) { return s.seed; })
      .def("get",
           [](const InterpState& s, const std::string& name) {
             const nf::ir::Type type = s.type(name);
             const nf::ir::Tensor t = engine_call([&] { return s.engine->get(name); });
             return array_of_words(dtype_of(type.dtype),
                                   std::vector<py::ssize_t>(type.shape.dims.begin(), type.shape.dims.end()), t.words,
                                   false);
           })
      .def("set",
           [](const InterpState& s, const std::string& name, py::buffer words) {
             const nf::ir::Type type = s.type(name);
             if (const nf::ir::Alias* a = s.program().find_alias(name))
               throw PyError{"StateError", "'" + name + "' is wired from '" + a->terms[0] +
                                               "', which holds its value; it can be read and recorded, and its source written",
                             "", 0, 0};
             const py::buffer_info b = words.request();
             nf::ir::Tensor t(type);
             if (size_t(b.size * b.itemsize) != t.words.size() * 4)
               throw PyError{"StateError", "'" + name + "' has " + std::to_string(t.words.size()) + " elements", "", 0, 0};
             std::memcpy(t.words.data(), b.ptr, t.words.size() * 4);
             engine_call([&] { s.engine->set(name, t); });
           })
      .def("info",
           [](const InterpState& s, const std::string& name) {
             const nf::ir::Type type = s.type(name);
             return py::make_tuple(py::tuple(py::cast(type.shape.dims)), dtype_of(type.dtype));
           })
      .def("get_param", [](const InterpState& s, const std::string& name) {
        return engine_call([&] { return s.engine->get_param(name); });
      })
      .def("set_param",
           [](const InterpState& s, const std::string& name, double v) {
             if (!s.program().find_param(name))
               throw PyError{"StateError", "no run-time parameter '" + name + "'", "", 0, 0};
             engine_call([&] { s.engine->set_param(name, v); });
           })
      .def("step",
           [](const InterpState& s, const std::string& process, double t, double dt) {
             s.known_process(process);
             engine_call([&] { s.engine->step(process, t, dt); });
           })
      .def("run",
           [](InterpState& s, const std::vector<std::string>& processes, int64_t steps, double t0, double dt,
              int64_t first, const py::dict& drives, const std::vector<std::string>& records, const Schedule& schedule,
              const py::object& progress) {
             InterpTarget target(s);
             return run_on(target, processes, steps, t0, dt, first, drives, records, schedule, progress);
           })
      .def("reinitialize", [](InterpState& s, uint64_t seed) { s.reinitialize(seed); })
      .def("set_threads", [](const InterpState&, int32_t n) {
        if (n < 1) throw PyError{"StateError", "threads must be at least 1", "", 0, 0};  // the interpreter runs on one
      })
      .def("save", [](const InterpState& s, const std::string& path) {
        engine_call([&] { s.engine->save_state(path); }, "IOError");
      })
      .def("load", [](const InterpState& s, const std::string& path) {
        engine_call([&] { s.engine->load_state(path); }, "IOError");
      });

  py::class_<State, std::shared_ptr<State>>(m, "State")
      .def_property_readonly("seed", [](const State& s) { return nf_state_seed(s.get()); })
      .def("get", &get_item)
      .def("set", &set_item)
      .def("info",
           [](const State& s, const std::string& name) {
             const nf_compartment_info& c = compartment_info(s, name);
             return py::make_tuple(py::tuple(py::cast(shape_of(c))), dtype_name(c.dtype));
           })
      .def("get_param",
           [](const State& s, const std::string& name) {
             double v = 0;
             check(nf_state_get_param(s.get(), name.c_str(), &v));
             return v;
           })
      .def("set_param", [](const State& s, const std::string& name, double v) { check(nf_state_set_param(s.get(), name.c_str(), v)); })
      .def("step",
           [](const State& s, const std::string& process, double t, double dt) {
             check(nf_state_step(s.get(), process.c_str(), t, dt));
           })
      .def("run",
           [](State& s, const std::vector<std::string>& processes, int64_t steps, double t0, double dt, int64_t first,
              const py::dict& drives, const std::vector<std::string>& records, const Schedule& schedule,
              const py::object& progress) {
             CompiledTarget target(s);
             return run_on(target, processes, steps, t0, dt, first, drives, records, schedule, progress);
           })
      .def("reinitialize", [](const State& s, uint64_t seed) { check(nf_state_reinitialize(s.get(), seed)); })
      .def("set_threads", [](const State& s, int32_t n) { check(nf_state_set_threads(s.get(), n, 0)); })
      .def("save", [](const State& s, const std::string& path) { check(nf_state_save(s.get(), path.c_str(), nullptr, 0)); })
      .def("load", [](const State& s, const std::string& path) { check(nf_state_load(s.get(), path.c_str())); });
}
