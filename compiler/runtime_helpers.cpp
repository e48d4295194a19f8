#include "compiler/runtime_helpers.h"

#include "ir/math.h"
#include "ir/random.h"

extern "C" {
float nf_rt_exp(float x) { return nf::math::exp(x); }
float nf_rt_log(float x) { return nf::math::log(x); }
float nf_rt_tanh(float x) { return nf::math::tanh(x); }
float nf_rt_sigmoid(float x) { return nf::math::sigmoid(x); }
float nf_rt_sin(float x) { return nf::math::sin(x); }
float nf_rt_cos(float x) { return nf::math::cos(x); }
float nf_rt_pow(float x, float y) { return nf::math::pow(x, y); }
float nf_rt_uniform(uint64_t seed, uint32_t stream, uint32_t counter, uint32_t index) {
  return nf::random::uniform(seed, stream, counter, index);
}
float nf_rt_normal(uint64_t seed, uint32_t stream, uint32_t counter, uint32_t index) {
  return nf::random::normal(seed, stream, counter, index);
}
}

namespace nf::compiler {

std::vector<std::pair<std::string, void*>> runtime_helpers() {
  return {{"nf_rt_exp", reinterpret_cast<void*>(&nf_rt_exp)},
          {"nf_rt_log", reinterpret_cast<void*>(&nf_rt_log)},
          {"nf_rt_tanh", reinterpret_cast<void*>(&nf_rt_tanh)},
          {"nf_rt_sigmoid", reinterpret_cast<void*>(&nf_rt_sigmoid)},
          {"nf_rt_sin", reinterpret_cast<void*>(&nf_rt_sin)},
          {"nf_rt_cos", reinterpret_cast<void*>(&nf_rt_cos)},
          {"nf_rt_pow", reinterpret_cast<void*>(&nf_rt_pow)},
          {"nf_rt_uniform", reinterpret_cast<void*>(&nf_rt_uniform)},
          {"nf_rt_normal", reinterpret_cast<void*>(&nf_rt_normal)}};
}

}  // namespace nf::compiler
