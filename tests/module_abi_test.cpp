// The module ABI's LLVM mirror (compiler/module_abi.h, abi_types) against the
// C compiler's layout of neurofuse/module.h: every field's offset and every
// struct's size, on this target.
#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "compiler/module_abi.h"
#include "neurofuse/module.h"

namespace {

using Fields = std::vector<std::pair<const char*, size_t>>;

// The layout LLVM gives the mirror of `name` against offsetof/sizeof.
void check_layout(const std::vector<nf::compiler::AbiLayout>& mirrors, const std::string& name, size_t size,
                  const Fields& fields) {
  INFO(name);
  const nf::compiler::AbiLayout* mirror = nullptr;
  for (const nf::compiler::AbiLayout& m : mirrors)
    if (m.name == name) mirror = &m;
  REQUIRE(mirror);
  REQUIRE(mirror->offsets.size() == fields.size());
  CHECK(mirror->size == size);
  for (size_t i = 0; i < fields.size(); ++i) {
    INFO("field " << fields[i].first);
    CHECK(mirror->offsets[i] == fields[i].second);
  }
}

}  // namespace

#define NF_FIELD(type, field) std::pair<const char*, size_t>(#field, offsetof(type, field))

TEST_CASE("the LLVM mirror of every module ABI struct has the C layout, field by field", "[abi]") {
  const std::vector<nf::compiler::AbiLayout> t = nf::compiler::abi_layouts();
  CHECK(t.size() == 10);  // every struct of neurofuse/module.h
  check_layout(t, "nf_compartment_info", sizeof(nf_compartment_info),
               {NF_FIELD(nf_compartment_info, name), NF_FIELD(nf_compartment_info, shape),
                NF_FIELD(nf_compartment_info, offset), NF_FIELD(nf_compartment_info, bytes),
                NF_FIELD(nf_compartment_info, form_offset), NF_FIELD(nf_compartment_info, dtype),
                NF_FIELD(nf_compartment_info, role), NF_FIELD(nf_compartment_info, rank),
                NF_FIELD(nf_compartment_info, init_bits), NF_FIELD(nf_compartment_info, kept)});
  check_layout(t, "nf_param_info", sizeof(nf_param_info),
               {NF_FIELD(nf_param_info, name), NF_FIELD(nf_param_info, offset), NF_FIELD(nf_param_info, default_value)});
  check_layout(t, "nf_process_info", sizeof(nf_process_info),
               {NF_FIELD(nf_process_info, name), NF_FIELD(nf_process_info, step)});
  check_layout(t, "nf_stream", sizeof(nf_stream),
               {NF_FIELD(nf_stream, offset), NF_FIELD(nf_stream, bytes), NF_FIELD(nf_stream, data)});
  check_layout(t, "nf_observer", sizeof(nf_observer),
               {NF_FIELD(nf_observer, after_step), NF_FIELD(nf_observer, context)});
  check_layout(t, "nf_alias_info", sizeof(nf_alias_info),
               {NF_FIELD(nf_alias_info, name), NF_FIELD(nf_alias_info, terms), NF_FIELD(nf_alias_info, n_terms)});
  check_layout(t, "nf_split_output", sizeof(nf_split_output),
               {NF_FIELD(nf_split_output, offset), NF_FIELD(nf_split_output, blocks), NF_FIELD(nf_split_output, stride),
                NF_FIELD(nf_split_output, unit), NF_FIELD(nf_split_output, copied_to),
                NF_FIELD(nf_split_output, exchange),
                NF_FIELD(nf_split_output, reserved)});
  check_layout(t, "nf_split", sizeof(nf_split),
               {NF_FIELD(nf_split, whole), NF_FIELD(nf_split, n_outputs), NF_FIELD(nf_split, outputs)});
  check_layout(t, "nf_parallel", sizeof(nf_parallel),
               {NF_FIELD(nf_parallel, run), NF_FIELD(nf_parallel, context)});
  check_layout(t, "nf_module_info", sizeof(nf_module_info),
               {NF_FIELD(nf_module_info, abi_version),    NF_FIELD(nf_module_info, struct_size),
                NF_FIELD(nf_module_info, model_name),     NF_FIELD(nf_module_info, target),
                NF_FIELD(nf_module_info, features),       NF_FIELD(nf_module_info, state_size),
                NF_FIELD(nf_module_info, alignment),      NF_FIELD(nf_module_info, seed_offset),
                NF_FIELD(nf_module_info, hooks_offset),   NF_FIELD(nf_module_info, default_seed),
                NF_FIELD(nf_module_info, default_dt),     NF_FIELD(nf_module_info, n_compartments),
                NF_FIELD(nf_module_info, n_params),       NF_FIELD(nf_module_info, n_processes),
                NF_FIELD(nf_module_info, compartments),   NF_FIELD(nf_module_info, params),
                NF_FIELD(nf_module_info, processes),      NF_FIELD(nf_module_info, scan),
                NF_FIELD(nf_module_info, materialize),    NF_FIELD(nf_module_info, derive),
                NF_FIELD(nf_module_info, n_aliases),      NF_FIELD(nf_module_info, aliases),
                NF_FIELD(nf_module_info, invalidate),     NF_FIELD(nf_module_info, share)});
}
