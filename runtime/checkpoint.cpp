// Checkpoints: a state's compartments, parameters and seed as NumPy files.
#include <sys/stat.h>

#include <cstring>
#include <set>

#include "internal.h"
#include "runtime/npz.h"

using namespace nf::runtime;

namespace {

nf::npz::DType npz_dtype(int32_t dtype) {
  switch (dtype) {
    case NF_I32: return nf::npz::DType::I32;
    case NF_BOOL: return nf::npz::DType::Bool;
    default: return nf::npz::DType::F32;
  }
}

std::vector<int64_t> shape_of(const nf_compartment_info& c) { return std::vector<int64_t>(c.shape, c.shape + c.rank); }

nf::npz::Array compartment_array(nf_state* s, const nf_compartment_info& c) {
  nf::npz::Array a;
  a.dtype = npz_dtype(c.dtype);
  a.shape = shape_of(c);
  const uint8_t* src = current(s, c);
  if (c.dtype == NF_BOOL) {
    for (int64_t i = 0; i < count(c); ++i) {
      uint32_t w;
      std::memcpy(&w, src + i * 4, 4);
      a.data.push_back(w ? 1 : 0);
    }
  } else {
    a.data.assign(src, src + c.bytes);
  }
  return a;
}

// Checks that an array fits a compartment; "" if it does, else why not.
std::string misfit(const nf::npz::Array& a, const nf_compartment_info& c) {
  if (a.dtype != npz_dtype(c.dtype) || a.shape != shape_of(c))
    return std::string("holds ") + std::string(nf::npz::dtype_descr(a.dtype)) + " " + nf::npz::shape_text(a.shape) +
           " but compartment '" + c.name + "' is " + std::string(nf::npz::dtype_descr(npz_dtype(c.dtype))) + " " +
           nf::npz::shape_text(shape_of(c));
  return "";
}

void store(nf_state* s, const nf_compartment_info& c, const nf::npz::Array& a) {
  uint8_t* dst = overwritten(s, c);
  if (c.dtype == NF_BOOL) {
    for (int64_t i = 0; i < count(c); ++i) {
      uint32_t w = a.data[size_t(i)] ? 1u : 0u;
      std::memcpy(dst + i * 4, &w, 4);
    }
  } else {
    std::memcpy(dst, a.data.data(), size_t(c.bytes));
  }
}


}  // namespace

extern "C" {

nf_status nf_state_save(nf_state* s, const char* path, const char* const* names, int32_t n_names) {
  return guarded(s, "nf_state_save", NF_ERROR_IO, [&]() -> nf_status {
    if (!s || !path || n_names < 0 || (n_names > 0 && !names))
      return fail(s, NF_ERROR_INVALID_ARGUMENT, "state, path or names is NULL, or n_names is negative");
    const nf_module_info& m = *s->module->info;
    nf::npz::Entries entries;
    auto add_param = [&](const nf_param_info& p) {
      nf::npz::Array a{nf::npz::DType::F64, {}, {}};
      a.data.assign(s->block + p.offset, s->block + p.offset + 8);
      entries.push_back({p.name, std::move(a)});
    };
    if (n_names == 0) {
      for (int32_t i = 0; i < m.n_compartments; ++i) entries.push_back({m.compartments[i].name, compartment_array(s, m.compartments[i])});
      for (int32_t i = 0; i < m.n_params; ++i) add_param(m.params[i]);
    } else {
      std::set<std::string> seen;
      for (int32_t i = 0; i < n_names; ++i) {
        if (!names[i]) return fail(s, NF_ERROR_INVALID_ARGUMENT, "a name is NULL");
        if (!seen.insert(names[i]).second) continue;
        if (const nf_compartment_info* c = find_compartment(m, names[i])) entries.push_back({c->name, compartment_array(s, *c)});
        else if (const nf_param_info* p = find_param(m, names[i])) add_param(*p);
        else
          return fail(s, NF_ERROR_UNKNOWN_NAME, std::string("no compartment or run-time parameter '") + names[i] + "'" +
                                                    suggestion(m, names[i], "entry"));
      }
    }
    nf::npz::Array seed{nf::npz::DType::U64, {}, {}};
    seed.data.assign(s->block + m.seed_offset, s->block + m.seed_offset + 8);
    entries.push_back({"seed", std::move(seed)});
    try {
      nf::npz::write_npz(path, entries);
    } catch (const std::exception& e) {
      return fail(s, NF_ERROR_IO, std::string("cannot save the state: ") + e.what());
    }
    return NF_OK;
  });
}

nf_status nf_state_load(nf_state* s, const char* path) {
  return guarded(s, "nf_state_load", NF_ERROR_BAD_FILE, [&]() -> nf_status {
    if (!s || !path) return fail(s, NF_ERROR_INVALID_ARGUMENT, "state or path is NULL");
    const nf_module_info& m = *s->module->info;
    // Entries are checked by name and declared size before they are inflated:
    // an archive cannot make a load inflate more than the state can hold.
    auto accept = [&](const std::string& name, uint64_t npy_bytes) {
      const std::string where = std::string(path) + ": entry '" + name + "' ";
      uint64_t data = 8;  // the seed, a parameter
      if (const nf_compartment_info* c = find_compartment(m, name.c_str()))
        data = uint64_t(count(*c)) * (c->dtype == NF_BOOL ? 1 : 4);
      else if (name != "seed" && !find_param(m, name.c_str()))
        throw nf::npz::Error(where + "is not a compartment or run-time parameter of this model" +
                             suggestion(m, name, "entry"));
      if (npy_bytes > data + nf::npz::kMaxNpyHeaderBytes)
        throw nf::npz::Error(where + "declares " + std::to_string(npy_bytes) + " bytes, more than its value can take (" +
                             std::to_string(data) + " bytes of data)");
    };
    nf::npz::Entries entries;
    try {
      entries = nf::npz::read_npz(path, accept);
    } catch (const nf::npz::IoError& e) {  // malformed contents: NF_ERROR_BAD_FILE through guarded
      return fail(s, NF_ERROR_IO, e.what());
    }
    // Check everything first: a bad file leaves the state as it was.
    for (const auto& [name, a] : entries) {
      std::string where = std::string(path) + ": entry '" + name + "' ";
      if (name == "seed") {
        if (a.dtype != nf::npz::DType::U64 || !a.shape.empty())
          return fail(s, NF_ERROR_BAD_FILE, where + "must be a uint64 scalar");
      } else if (const nf_compartment_info* c = find_compartment(m, name.c_str())) {
        if (std::string why = misfit(a, *c); !why.empty()) return fail(s, NF_ERROR_BAD_FILE, where + why);
      } else if (find_param(m, name.c_str())) {
        if ((a.dtype != nf::npz::DType::F64 && a.dtype != nf::npz::DType::F32) || !a.shape.empty())
          return fail(s, NF_ERROR_BAD_FILE, where + "must be a float64 (or float32) scalar (a run-time parameter)");
      } else {
        return fail(s, NF_ERROR_BAD_FILE,
                    where + "is not a compartment or run-time parameter of this model" + suggestion(m, name, "entry"));
      }
    }
    for (const auto& [name, a] : entries) {
      if (name == "seed") {
        std::memcpy(s->block + m.seed_offset, a.data.data(), 8);
      } else if (const nf_compartment_info* c = find_compartment(m, name.c_str())) {
        store(s, *c, a);
      } else {
        double v;  // a float32 parameter (older checkpoints) widens exactly
        if (a.dtype == nf::npz::DType::F64) {
          std::memcpy(&v, a.data.data(), 8);
        } else {
          float f;
          std::memcpy(&f, a.data.data(), 4);
          v = f;
        }
        std::memcpy(s->block + find_param(m, name.c_str())->offset, &v, 8);
      }
    }
    m.derive(s->block);  // the parameter values of the loaded parameters
    return NF_OK;
  });
}

nf_status nf_state_load_npy(nf_state* s, const char* compartment, const char* path) {
  return guarded(s, "nf_state_load_npy", NF_ERROR_BAD_FILE, [&]() -> nf_status {
    if (!s || !compartment || !path) return fail(s, NF_ERROR_INVALID_ARGUMENT, "state, compartment or path is NULL");
    View view;
    if (nf_status st = view_of(s, compartment, view); st != NF_OK) return st;
    if (view.alias()) return refuse_alias_write(s, view, "nf_state_load_npy");
    const nf_compartment_info* c = view.compartment;
    nf::npz::Array a;
    try {
      a = nf::npz::read_npy(path);
    } catch (const nf::npz::IoError& e) {  // malformed contents: NF_ERROR_BAD_FILE through guarded
      return fail(s, NF_ERROR_IO, e.what());
    }
    if (std::string why = misfit(a, *c); !why.empty()) return fail(s, NF_ERROR_BAD_FILE, std::string(path) + " " + why);
    store(s, *c, a);
    return NF_OK;
  });
}

}  // extern "C"
