// The functions compiled code calls for transcendental math and random draws:
// extern "C" wrappers of nf::math and nf::random, so compiled code computes
// exactly what the interpreter computes. The JIT binds them by name.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

extern "C" {
float nf_rt_exp(float x);
float nf_rt_log(float x);
float nf_rt_tanh(float x);
float nf_rt_sigmoid(float x);
float nf_rt_sin(float x);
float nf_rt_cos(float x);
float nf_rt_pow(float x, float y);
float nf_rt_uniform(uint64_t seed, uint32_t stream, uint32_t counter, uint32_t index);
float nf_rt_normal(uint64_t seed, uint32_t stream, uint32_t counter, uint32_t index);
}

namespace nf::compiler {

// (symbol, address) of every helper.
std::vector<std::pair<std::string, void*>> runtime_helpers();

}  // namespace nf::compiler
