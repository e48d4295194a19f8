// Recording: names that read (compartments and aliases), the observer the
// native scan loop calls after each step, and the monitors of
// neurofuse/runtime.h.
#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <set>

#include "internal.h"

namespace nf::runtime {

bool find_view(const nf_module_info& m, const char* name, View& out) {
  if (const nf_compartment_info* c = find_compartment(m, name)) {
    out = View{name, c, nullptr, c};
    return true;
  }
  for (int32_t i = 0; i < m.n_aliases; ++i) {
    const nf_alias_info& a = m.aliases[i];
    if (std::strcmp(a.name, name) != 0) continue;
    const nf_compartment_info* first = &m.compartments[a.terms[0]];  // check_info: a term >= 0 comes first
    out = View{name, a.n_terms == 1 ? first : nullptr, a.n_terms == 1 ? nullptr : &a, first};
    return true;
  }
  return false;
}

nf_status view_of(nf_state* s, const char* name, View& out) {
  if (!name) return fail(s, NF_ERROR_INVALID_ARGUMENT, "a compartment name is NULL");
  const nf_module_info& m = *s->module->info;
  if (!find_view(m, name, out))
    return fail(s, NF_ERROR_UNKNOWN_NAME, std::string("no compartment '") + name + "'" + suggestion(m, name, "compartment"));
  return NF_OK;
}

namespace {

// Where a view's sources are: their words as of now.
const uint32_t* compartment_words(nf_state* s, const nf_compartment_info& c) {
  return reinterpret_cast<const uint32_t*>(current(s, c));
}

}  // namespace

const uint32_t* view_words(nf_state* s, const View& v, std::vector<uint32_t>& scratch) {
  if (!v.computed) return compartment_words(s, *v.compartment);
  // Postfix evaluation (module.h): values are stacked in `scratch`, one
  // compartment's worth each.
  const nf_module_info& m = *s->module->info;
  const size_t n = size_t(count(*v.type));
  const bool f32 = v.type->dtype == NF_F32;
  scratch.resize(n * size_t(v.computed->n_terms));
  size_t depth = 0;
  for (int32_t i = 0; i < v.computed->n_terms; ++i) {
    const int32_t term = v.computed->terms[i];
    if (term >= 0) {
      std::memcpy(scratch.data() + depth * n, compartment_words(s, m.compartments[term]), n * 4);
      ++depth;
      continue;
    }
    uint32_t* left = scratch.data() + (depth - 2) * n;
    const uint32_t* right = left + n;
    for (size_t e = 0; e < n; ++e) {
      if (f32) {
        const float a = std::bit_cast<float>(left[e]), b = std::bit_cast<float>(right[e]);
        left[e] = std::bit_cast<uint32_t>(term == NF_WIRE_ADD ? a + b : a * b);
      } else {  // i32: two's complement, wrapping
        left[e] = term == NF_WIRE_ADD ? left[e] + right[e] : left[e] * right[e];
      }
    }
    --depth;
  }
  return scratch.data();
}

nf_status refuse_alias_write(nf_state* s, const View& v, const char* what) {
  std::string sources;
  const nf_module_info& m = *s->module->info;
  if (!v.computed) {
    sources = "'" + std::string(v.compartment->name) + "'";
  } else {
    for (int32_t i = 0; i < v.computed->n_terms; ++i)
      if (v.computed->terms[i] >= 0)
        sources += (sources.empty() ? "'" : ", '") + std::string(m.compartments[v.computed->terms[i]].name) + "'";
  }
  return fail(s, NF_ERROR_WIRED,
              std::string(what) + ": '" + v.name + "' is wired from " + sources +
                  ", which holds its value; it can be read, recorded and monitored, and its source written");
}

namespace {

// What the scan's observer sees: the records of this call and the state's
// monitors, and what went wrong, if anything.
struct Observation {
  nf_state* state;
  int64_t first;
  const std::vector<Record>* records;
  // The state's monitors, with the words of those that read plain storage
  // (found once per scan, not once per step).
  struct Active {
    nf_monitor* monitor;
    const uint32_t* words;  // nullptr: view_words each time
  };
  std::vector<Active> active;
  std::vector<uint32_t> scratch;
  // What stopped the scan: a status, the step, and why (set without
  // allocating more than the reason's copy, which may itself fail).
  nf_status status = NF_OK;
  int64_t stopped_at = -1;
  std::string reason;
};

// Called from compiled code that cannot unwind: nothing escapes.
int32_t after_step(void* context, uint8_t*, int64_t step) noexcept {
  auto* o = static_cast<Observation*>(context);
  nf_state* s = o->state;
  try {
    for (const Record& r : *o->records) {
      const size_t bytes = size_t(r.view.type->bytes);
      std::memcpy(r.data + size_t(step - o->first) * bytes, view_words(s, r.view, o->scratch), bytes);
    }
    for (const Observation::Active& a : o->active)
      if (a.monitor->core->records_at(step))
        a.monitor->core->observe(step, a.words ? a.words : view_words(s, a.monitor->view, o->scratch));
    return 0;
  } catch (const std::bad_alloc&) {
    o->status = NF_ERROR_OUT_OF_MEMORY;
  } catch (const monitor::Error& e) {
    o->status = e.io() ? NF_ERROR_IO : NF_ERROR_INVALID_ARGUMENT;
    try {
      o->reason = e.what();
    } catch (...) {
    }
  } catch (...) {
    o->status = NF_ERROR_IO;
  }
  o->stopped_at = step;
  return 1;
}

}  // namespace

void scan_observed(nf_state* s, const int32_t* processes, int32_t n_processes, double t0, double dt, int64_t first,
                   int64_t k0, int64_t n, const std::vector<nf_stream>& drives, const std::vector<Record>& records) {
  const nf_module_info& m = *s->module->info;
  // Row k0 - first of every drive is step k0's.
  std::vector<nf_stream> dk = drives;
  for (nf_stream& x : dk) x.data += (k0 - first) * x.bytes;
  Observation o{s, first, &records, {}, {}, NF_OK, -1, {}};
  for (nf_monitor* mon : s->monitors) {
    const View& v = mon->view;
    // A partitioned state gathers a compartment before each read (runtime.h).
    const bool plain = !v.computed && v.compartment->kept != NF_KEPT_FACTORED && !s->partition.gather;
    o.active.push_back({mon, plain ? reinterpret_cast<const uint32_t*>(s->block + v.compartment->offset) : nullptr});
  }
  nf_observer observer{&after_step, &o};
  const bool observed = !records.empty() || !s->monitors.empty();
  m.scan(s->block, processes, n_processes, t0, dt, k0, n, dk.data(), int32_t(dk.size()), observed ? &observer : nullptr);
  if (o.status != NF_OK)
    throw ScanStopped{o.status, "the scan stopped after step " + std::to_string(o.stopped_at) +
                                    ": a monitor cannot keep its row: " +
                                    (o.status == NF_ERROR_OUT_OF_MEMORY ? "out of memory"
                                     : o.reason.empty()                 ? "unknown failure"
                                                                        : o.reason)};
}

}  // namespace nf::runtime

using namespace nf::runtime;

extern "C" {

nf_status nf_monitor_create(nf_state* s, const nf_monitor_spec* spec, nf_monitor** out) {
  if (!s || !spec || !out) return fail(s, NF_ERROR_INVALID_ARGUMENT, "state, spec or out is NULL");
  *out = nullptr;
  return guarded(s, "nf_monitor_create", NF_ERROR_INVALID_ARGUMENT, [&]() -> nf_status {
    View view;
    if (nf_status st = view_of(s, spec->compartment, view); st != NF_OK) return st;
    if (spec->kind < NF_MONITOR_VALUES || spec->kind > NF_MONITOR_MEAN)
      return fail(s, NF_ERROR_INVALID_ARGUMENT, "monitor of '" + view.name + "': unknown kind " + std::to_string(spec->kind));
    if (spec->n_units < 0 || (spec->n_units > 0 && !spec->units))
      return fail(s, NF_ERROR_INVALID_ARGUMENT, "monitor of '" + view.name + "': units is NULL but n_units is not 0");
    if (spec->units && spec->n_units == 0)
      return fail(s, NF_ERROR_INVALID_ARGUMENT,
                  "monitor of '" + view.name + "': the unit list is empty (units NULL means every unit)");
    nf::monitor::Spec core;
    core.kind = nf::monitor::Kind(spec->kind);
    core.every = spec->every == 0 ? 1 : spec->every;
    core.start = spec->start;
    core.all_units = !spec->units;
    if (spec->units) core.units.assign(spec->units, spec->units + spec->n_units);
    const nf_compartment_info& c = *view.type;
    const auto element = c.dtype == NF_F32 ? nf::monitor::Element::F32
                         : c.dtype == NF_I32 ? nf::monitor::Element::I32 : nf::monitor::Element::Bool;
    auto monitor = std::make_unique<nf_monitor>();
    monitor->state = s;
    monitor->view = view;
    monitor->kind = spec->kind;
    try {
      monitor->core = std::make_unique<nf::monitor::Monitor>(core, element, std::vector<int64_t>(c.shape, c.shape + c.rank),
                                                             spec->spool_directory ? spec->spool_directory : "");
    } catch (const nf::monitor::Error& e) {
      return fail(s, e.io() ? NF_ERROR_IO : NF_ERROR_INVALID_ARGUMENT, "monitor of '" + view.name + "': " + e.what());
    }
    s->monitors.push_back(monitor.get());
    *out = monitor.release();
    return NF_OK;
  });
}

void nf_monitor_destroy(nf_monitor* monitor) {
  if (!monitor) return;
  auto& list = monitor->state->monitors;
  list.erase(std::remove(list.begin(), list.end(), monitor), list.end());
  delete monitor;
}

nf_status nf_monitor_rows(const nf_monitor* monitor, int64_t* rows, int64_t* row_elements, int32_t* dtype) {
  if (!monitor) return fail(static_cast<std::string*>(nullptr), NF_ERROR_INVALID_ARGUMENT, "monitor is NULL");
  if (rows) *rows = monitor->core->rows();
  if (row_elements) *row_elements = monitor->core->row_elements();
  if (dtype) {
    const nf::npz::DType d = monitor->core->dtype();
    *dtype = d == nf::npz::DType::F32 ? NF_F32 : d == nf::npz::DType::I32 ? NF_I32 : NF_BOOL;
  }
  return NF_OK;
}

nf_status nf_monitor_read(nf_monitor* monitor, int64_t first, int64_t rows, void* out) {
  if (!monitor || (!out && rows != 0))
    return fail(static_cast<std::string*>(nullptr), NF_ERROR_INVALID_ARGUMENT, "monitor or out is NULL");
  nf_state* s = monitor->state;
  if (first < 0 || rows < 0 || first > monitor->core->rows() || rows > monitor->core->rows() - first)
    return fail(s, NF_ERROR_INVALID_ARGUMENT,
                "monitor of '" + monitor->view.name + "': rows " + std::to_string(first) + " .. " +
                    std::to_string(first + rows - 1) + " are not all recorded (it has " +
                    std::to_string(monitor->core->rows()) + ")");
  return guarded(s, "nf_monitor_read", NF_ERROR_IO, [&]() -> nf_status {
    monitor->core->read(first, rows, static_cast<uint32_t*>(out));
    return NF_OK;
  });
}

nf_status nf_monitor_clear(nf_monitor* monitor) {
  if (!monitor) return fail(static_cast<std::string*>(nullptr), NF_ERROR_INVALID_ARGUMENT, "monitor is NULL");
  return guarded(monitor->state, "nf_monitor_clear", NF_ERROR_IO, [&]() -> nf_status {
    monitor->core->clear();
    return NF_OK;
  });
}

nf_status nf_monitor_save(const char* path, nf_monitor* const* monitors, const char* const* names, int32_t n) {
  std::string* no_object = nullptr;
  if (!path || n < 0 || (n > 0 && !monitors))
    return fail(no_object, NF_ERROR_INVALID_ARGUMENT, "path or monitors is NULL, or the count is negative");
  try {
    std::vector<nf::npz::StreamedEntry> entries;
    std::set<std::string> seen;
    for (int32_t i = 0; i < n; ++i) {
      const nf_monitor* mon = monitors[i];
      if (!mon) return fail(no_object, NF_ERROR_INVALID_ARGUMENT, "monitor " + std::to_string(i) + " is NULL");
      std::string name;
      if (names && names[i]) {
        name = names[i];
      } else {
        static const char* const suffix[] = {"", ":events", ":sum", ":mean"};
        name = mon->view.name + suffix[mon->kind];
      }
      if (name.empty()) return fail(no_object, NF_ERROR_INVALID_ARGUMENT, "monitor " + std::to_string(i) + " has an empty name");
      if (!seen.insert(name).second)
        return fail(no_object, NF_ERROR_INVALID_ARGUMENT,
                    std::string("two monitors are named '") + name + "': give each a name of its own");
      entries.push_back(mon->core->entry(name));
    }
    nf::npz::write_npz(path, entries);
    return NF_OK;
  } catch (const std::bad_alloc&) {
    return fail(no_object, NF_ERROR_OUT_OF_MEMORY, std::string("nf_monitor_save: out of memory"));
  } catch (const std::exception& e) {
    return fail(no_object, NF_ERROR_IO, e.what());
  }
}

}  // extern "C"
