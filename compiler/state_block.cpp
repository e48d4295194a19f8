#include "compiler/state_block.h"

#include <cstdlib>
#include <cstring>

#include "ir/diagnostic.h"

namespace nf::compiler {

void StateBlock::Free::operator()(uint8_t* p) const { std::free(p); }

StateBlock::StateBlock(const Layout& layout) : layout_(layout) {
  size_t bytes = size_t(std::max<int64_t>(layout.size, kAlignment));
  memory_.reset(static_cast<uint8_t*>(std::aligned_alloc(size_t(kAlignment), bytes)));
  if (!memory_) throw Error("cannot allocate a state block of " + std::to_string(bytes) + " bytes");
  std::memset(memory_.get(), 0, bytes);
}

void StateBlock::initialize(const ir::Program& program, uint64_t seed) {
  for (const ir::Compartment& c : program.compartments) set(c.name, ir::Tensor::filled(c.type, c.init));
  for (const ir::Parameter& p : program.params) set_param(p.name, p.default_value);
  std::memcpy(memory_.get() + layout_.seed_offset, &seed, sizeof seed);
}

void StateBlock::initialize(const nf_module_info& module, uint64_t seed) {
  for (int32_t i = 0; i < module.n_compartments; ++i) {
    const nf_compartment_info& c = module.compartments[i];
    for (int64_t b = 0; b < c.bytes; b += 4) std::memcpy(memory_.get() + c.offset + b, &c.init_bits, 4);
  }
  for (int32_t i = 0; i < module.n_params; ++i)
    std::memcpy(memory_.get() + module.params[i].offset, &module.params[i].default_value, 4);
  std::memcpy(memory_.get() + module.seed_offset, &seed, sizeof seed);
}

ir::Tensor StateBlock::get(const std::string& compartment) const {
  const Slot* s = layout_.find_compartment(compartment);
  if (!s) throw Error("the state has no compartment '" + compartment + "'");
  ir::Tensor t(s->type);
  std::memcpy(t.words.data(), memory_.get() + s->offset, t.words.size() * 4);
  return t;
}

void StateBlock::set(const std::string& compartment, const ir::Tensor& value) {
  const Slot* s = layout_.find_compartment(compartment);
  if (!s) throw Error("the state has no compartment '" + compartment + "'");
  if (s->type != value.type)
    throw Error("compartment '" + compartment + "' is " + s->type.str() + ", given " + value.type.str());
  std::memcpy(memory_.get() + s->offset, value.words.data(), value.words.size() * 4);
}

float StateBlock::param(const std::string& name) const {
  const Slot* s = layout_.find_param(name);
  if (!s) throw Error("the state has no parameter '" + name + "'");
  float v;
  std::memcpy(&v, memory_.get() + s->offset, 4);
  return v;
}

void StateBlock::set_param(const std::string& name, float value) {
  const Slot* s = layout_.find_param(name);
  if (!s) throw Error("the state has no parameter '" + name + "'");
  std::memcpy(memory_.get() + s->offset, &value, 4);
}

uint64_t StateBlock::seed() const {
  uint64_t v;
  std::memcpy(&v, memory_.get() + layout_.seed_offset, 8);
  return v;
}

}  // namespace nf::compiler
