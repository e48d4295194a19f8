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

#include "cli/record_spec.h"
#include "common/read_file.h"
#include "compiler/build.h"
#include "compiler/jit.h"
#include "frontend/frontend.h"
#include "frontend/stdlib_sources.h"
#include "ir/fold_params.h"
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
                                const std::string& target_cpu) {
  auto out = std::make_shared<Module>();
  out->program = program_of(source, is_file, model, out->model_name);
  if (specialize) out->program = nf::ir::fold_all_params(*out->program);
  out->build.opt_level = opt_level;
  out->build.target_cpu = target_cpu;
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
    } else {
      throw PyError{"StateError", "unknown backend '" + backend + "' (available: jit, aot)", "", 0, 0};
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

const nf_compartment_info& compartment_info(const State& s, const std::string& name) {
  const nf_compartment_info* c = nullptr;
  check(nf_module_find_compartment(s.module->module.get(), name.c_str(), &c));
  return *c;
}

std::vector<py::ssize_t> shape_of(const nf_compartment_info& c) {
  return std::vector<py::ssize_t>(c.shape, c.shape + c.rank);
}

// The compartment as a NumPy array: a writable view of the state's memory
// where there is one, else (a factored matrix, a wired name, a bool
// compartment, whose elements are 4-byte words) a read-only copy.
py::array get_item(const State& s, const std::string& name) {
  const nf_compartment_info& c = compartment_info(s, name);
  void* data = nullptr;
  int32_t dtype = 0;
  int64_t n = 0;
  const nf_status status = nf_state_compartment(s.get(), name.c_str(), &data, &dtype, &n);
  if (status == NF_OK && c.dtype != NF_BOOL) {
    // The capsule holds the state (and so its module) while the view lives.
    auto* keep = new std::shared_ptr<nf_state>(s.state);
    py::capsule owner(keep, [](void* p) { delete static_cast<std::shared_ptr<nf_state>*>(p); });
    if (c.dtype == NF_F32) return py::array_t<float>(shape_of(c), static_cast<float*>(data), owner);
    return py::array_t<int32_t>(shape_of(c), static_cast<int32_t*>(data), owner);
  }
  if (status != NF_OK && status != NF_ERROR_FACTORED && status != NF_ERROR_WIRED) check(status);
  std::vector<uint32_t> words(size_t(c.bytes / 4));
  check(nf_state_read(s.get(), name.c_str(), c.dtype, words.data(), int64_t(words.size())));
  py::array out;
  if (c.dtype == NF_BOOL) {
    py::array_t<bool> b(shape_of(c));
    bool* p = b.mutable_data();
    for (size_t i = 0; i < words.size(); ++i) p[i] = words[i] != 0;
    out = b;
  } else if (c.dtype == NF_F32) {
    py::array_t<float> f(shape_of(c));
    std::memcpy(f.mutable_data(), words.data(), words.size() * 4);
    out = f;
  } else {
    py::array_t<int32_t> i(shape_of(c));
    std::memcpy(i.mutable_data(), words.data(), words.size() * 4);
    out = i;
  }
  py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return out;
}

// Writes `words` (the compartment's 4-byte elements, already converted by
// the Python side) into it.
void set_item(const State& s, const std::string& name, py::buffer words) {
  const py::buffer_info b = words.request();
  const nf_compartment_info& c = compartment_info(s, name);
  check(nf_state_write(s.get(), name.c_str(), c.dtype, b.ptr, int64_t(b.size * b.itemsize / 4)));
}

// ---- runs

// A monitor for the length of one run.
struct RunMonitor {
  nf_monitor* monitor = nullptr;
  ~RunMonitor() { nf_monitor_destroy(monitor); }
};

// Runs steps [first, first + steps) in native code, the GIL released, in
// pieces of about `chunk_seconds`, calling `progress(done)` between pieces
// (with the GIL) and stopping at a step boundary on Ctrl-C. Returns the
// recordings as (name, array) pairs in the order of `records`.
py::list run(State& s, const std::vector<std::string>& processes, int64_t steps, double t0, double dt, int64_t first,
             const py::dict& drives, const std::vector<std::string>& records,
             const std::vector<std::tuple<std::string, int64_t, bool>>& schedule, const py::object& progress) {
  if (steps < 0) throw PyError{"StateError", "steps must not be negative", "", 0, 0};
  std::vector<const char*> names;
  for (const std::string& p : processes) names.push_back(p.c_str());
  std::vector<nf_scheduled> scheduled;
  for (const auto& [process, period, at_start] : schedule)
    scheduled.push_back({process.c_str(), period, at_start ? NF_AT_START : NF_AT_END});
  // Drives: C-contiguous arrays of [steps, ...shape] in the compartment's words (the Python side converts).
  std::vector<std::string> drive_names;
  std::vector<py::buffer_info> drive_buffers;
  for (const auto& [key, value] : drives) {
    drive_names.push_back(py::cast<std::string>(key));
    drive_buffers.push_back(py::cast<py::buffer>(value).request());
  }
  std::vector<nf_io> io;
  std::vector<int64_t> row_bytes;
  for (size_t i = 0; i < drive_names.size(); ++i) {
    const nf_compartment_info& c = compartment_info(s, drive_names[i]);
    if (drive_buffers[i].size * drive_buffers[i].itemsize != steps * c.bytes)
      throw PyError{"StateError",
                    "drive of '" + drive_names[i] + "': expected " + std::to_string(steps) + " rows of " +
                        std::to_string(c.bytes / 4) + " elements",
                    "", 0, 0};
    io.push_back({drive_names[i].c_str(), drive_buffers[i].ptr});
    row_bytes.push_back(c.bytes);
  }
  // Monitors, from the same specs as `neurofuse run --record`.
  std::vector<nf::cli::RecordSpec> specs;
  std::vector<RunMonitor> monitors(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    try {
      nf::cli::RecordSpec r = nf::cli::parse_record(records[i]);
      const nf_compartment_info& c = compartment_info(s, r.compartment);
      nf::cli::resolve_units(r, c.bytes / 4);
      for (size_t j = 0; j < specs.size(); ++j)
        if (specs[j].entry == r.entry)
          throw nf::Error("two recordings are named '" + r.entry + "'; name one with :as=NAME");
      specs.push_back(std::move(r));
    } catch (const nf::Error& e) {
      throw PyError{"StateError", e.what(), "", 0, 0};
    }
    const nf::cli::RecordSpec& r = specs.back();
    nf_monitor_spec spec{r.compartment.c_str(), int32_t(r.spec.kind), r.spec.every, r.spec.start,
                         r.spec.all_units ? nullptr : r.spec.units.data(), int64_t(r.spec.units.size()), nullptr};
    check(nf_monitor_create(s.get(), &spec, &monitors[i].monitor));
  }
  int64_t chunk = 1;
  for (int64_t done = 0; done < steps;) {
    const int64_t n = std::min(chunk, steps - done);
    std::vector<nf_io> piece = io;
    for (size_t i = 0; i < piece.size(); ++i) piece[i].data = static_cast<uint8_t*>(io[i].data) + done * row_bytes[i];
    nf_status status;
    const auto started = std::chrono::steady_clock::now();
    {
      py::gil_scoped_release unlocked;
      status = nf_state_scan_scheduled(s.get(), names.data(), int32_t(names.size()), scheduled.data(),
                                       int32_t(scheduled.size()), t0, dt, first + done, n, piece.data(),
                                       int32_t(piece.size()), nullptr, 0);
    }
    check(status);
    done += n;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    chunk = std::max<int64_t>(1, seconds > 0 ? int64_t(double(n) * 0.1 / seconds) : n * 2);
    if (!progress.is_none()) progress(done);
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C: stopped after step first + done - 1
  }
  py::list out;
  for (size_t i = 0; i < records.size(); ++i) {
    int64_t rows = 0, row_elements = 0;
    int32_t dtype = 0;
    check(nf_monitor_rows(monitors[i].monitor, &rows, &row_elements, &dtype));
    std::vector<uint32_t> words(size_t(rows * row_elements));
    check(nf_monitor_read(monitors[i].monitor, 0, rows, words.empty() ? nullptr : words.data()));
    const nf::cli::RecordSpec& r = specs[i];
    std::vector<py::ssize_t> shape = {rows};
    if (r.spec.kind == nf::monitor::Kind::Events) shape.push_back(2);
    if (r.spec.kind == nf::monitor::Kind::Values) {
      if (r.spec.all_units) {
        const nf_compartment_info& c = compartment_info(s, r.compartment);
        shape.insert(shape.end(), c.shape, c.shape + c.rank);
      } else {
        shape.push_back(py::ssize_t(r.spec.units.size()));
      }
    }
    py::array a;
    if (dtype == NF_BOOL) {
      py::array_t<bool> b(shape);
      for (size_t k = 0; k < words.size(); ++k) b.mutable_data()[k] = words[k] != 0;
      a = b;
    } else if (dtype == NF_F32) {
      py::array_t<float> f(shape);
      if (!words.empty()) std::memcpy(f.mutable_data(), words.data(), words.size() * 4);
      a = f;
    } else {
      py::array_t<int32_t> n(shape);
      if (!words.empty()) std::memcpy(n.mutable_data(), words.data(), words.size() * 4);
      a = n;
    }
    out.append(py::make_tuple(r.entry, a));
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
  m.def("compile", &compile, py::arg("source"), py::arg("is_file"), py::arg("model"), py::arg("backend"),
        py::arg("specialize"), py::arg("opt_level"), py::arg("target_cpu"));
  m.def("load", &load);

  py::class_<Module, std::shared_ptr<Module>>(m, "Module")
      .def_property_readonly("model_name", [](const Module& x) { return x.model_name; })
      .def_property_readonly("processes",
                             [](const Module& x) {
                               std::vector<std::string> out;
                               for (int32_t i = 0; i < x.info().n_processes; ++i) out.push_back(x.info().processes[i].name);
                               return out;
                             })
      .def_property_readonly("compartments",
                             [](const Module& x) {
                               py::list out;
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
                               for (int32_t i = 0; i < x.info().n_aliases; ++i) out.push_back(x.info().aliases[i].name);
                               return out;
                             })
      .def_property_readonly("parameters",
                             [](const Module& x) {
                               py::list out;
                               for (int32_t i = 0; i < x.info().n_params; ++i)
                                 out.append(py::make_tuple(x.info().params[i].name, x.info().params[i].default_value));
                               return out;
                             })
      .def_property_readonly("default_dt", [](const Module& x) { return x.info().default_dt; })
      .def_property_readonly("default_seed", [](const Module& x) { return x.info().default_seed; })
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
             if (!x.program) throw PyError{"StateError", "a module loaded from a file cannot be saved again", "", 0, 0};
             try {
               py::gil_scoped_release unlocked;
               nf::compiler::build_file(*x.program, path, nf::compiler::Emit::SharedLibrary, x.build);
             } catch (const nf::Error& e) {
               throw PyError{"IOError", e.what(), "", 0, 0};
             }
           })
      .def("state", [](std::shared_ptr<Module> x, uint64_t seed) { return std::make_shared<State>(std::move(x), seed); });

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
      .def("run", &run)
      .def("reinitialize", [](const State& s, uint64_t seed) { check(nf_state_reinitialize(s.get(), seed)); })
      .def("set_threads", [](const State& s, int32_t n) { check(nf_state_set_threads(s.get(), n, 0)); })
      .def("save", [](const State& s, const std::string& path) { check(nf_state_save(s.get(), path.c_str(), nullptr, 0)); })
      .def("load", [](const State& s, const std::string& path) { check(nf_state_load(s.get(), path.c_str())); });
}
