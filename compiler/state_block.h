// A compiled program's state: one aligned block laid out by a Layout.
//
// Compiled step functions read and write it; this class gives the host side
// names, types and initial values. It holds no LLVM types.
#pragma once

#include <cstdint>
#include <memory>

#include "compiler/layout.h"
#include "ir/tensor.h"
#include "neurofuse/module.h"

namespace nf::compiler {

class StateBlock {
 public:
  // Zeroed memory of layout.size bytes, aligned to kAlignment.
  explicit StateBlock(const Layout& layout);

  // Every compartment at its initial value, every parameter at its default,
  // and the seed. (The initialize process, if any, is run by the caller.)
  void initialize(const ir::Program& program, uint64_t seed);
  // The same from a compiled module's descriptor (neurofuse/module.h).
  void initialize(const nf_module_info& module, uint64_t seed);

  uint8_t* data() { return memory_.get(); }
  const Layout& layout() const { return layout_; }

  // Throw nf::Error for an unknown name or a value of another type.
  ir::Tensor get(const std::string& compartment) const;
  void set(const std::string& compartment, const ir::Tensor& value);
  float param(const std::string& name) const;
  void set_param(const std::string& name, float value);
  uint64_t seed() const;

 private:
  struct Free {
    void operator()(uint8_t* p) const;
  };
  Layout layout_;
  std::unique_ptr<uint8_t, Free> memory_;
};

}  // namespace nf::compiler
