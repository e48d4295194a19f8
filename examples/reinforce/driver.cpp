// REINFORCE on a contextual bandit with a known optimum, through a compiled
// module and the runtime.
//
//   reinforce_driver MODULE.so OUT_DIR [STEPS]
//
// Four contexts with target actions 0.2, 0.5, 0.8 and 0.35; the reward of an
// action y in context c is -(y - target_c)^2, so the best policy puts its mean
// on the target and its spread as low as it can: its expected reward is
// -std^2. Each step, for both policies (learned log-std and fixed std 0.2):
//   1. draw 16 contexts; sample the actions (evolve with learning off);
//   2. score them; advantage = reward - baseline (a running mean, 0.99);
//   3. replay the same draw (the random counter is restored, so the sample is
//      the same) with the advantages and learning on, which updates the
//      weights with the gradient for exactly the rewarded actions.
// Writes OUT_DIR/reinforce.npz and .csv (per step: mean reward, baseline, and
// each context's policy mean and std for both policies), and prints how close
// the policies end to the optimum. Exit status 1 unless, for each policy, the
// average reward of the last 200 steps closes at least half of the gap
// between that of the first 200 steps and the optimum for its final spread.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "neurofuse/runtime.hpp"
#include "runtime/npz.h"

namespace {

constexpr int kBatch = 16, kContexts = 4, kInputs = 5;
constexpr float kTargets[kContexts] = {0.2f, 0.5f, 0.8f, 0.35f};
constexpr float kBias = -2.0f;  // the constant input

struct Policy {
  std::string name;     // instance in the model
  std::string process;  // its evolve process
  float fixed_std;      // > 0: the scalar_stddev mode
  float baseline = 0;
};

// The policy's mean and std in context c, from its weights (identity
// activations): mu = W_mu[c] + bias * W_mu[4], log-std likewise.
std::pair<float, float> policy_of(nf::State& s, const Policy& p, int c) {
  std::span<float> w = s.f32(p.name + ".weights");  // [5, 2]: columns mu, log-std
  float mu = w[size_t(c * 2)] + kBias * w[size_t(4 * 2)];
  float ls = w[size_t(c * 2 + 1)] + kBias * w[size_t(4 * 2 + 1)];
  float sd = p.fixed_std > 0 ? p.fixed_std : std::exp(std::min(std::max(ls, -10.0f), 2.0f));
  return {mu, sd};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODULE.so OUT_DIR [STEPS]\n", argv[0]);
    return 2;
  }
  const int steps = argc > 3 ? std::atoi(argv[3]) : 3000;
  try {
    nf::Module module = nf::Module::open(argv[1]);
    nf::State s(module, module.info().default_seed);
    std::vector<Policy> policies = {{"learned", "evolve_learned", -1.0f}, {"fixed", "evolve_fixed", 0.2f}};
    std::mt19937_64 rng(2024);
    std::uniform_int_distribution<int> context(0, kContexts - 1);
    std::map<std::string, std::vector<float>> series;
    for (int k = 0; k < steps; ++k) {
      for (Policy& p : policies) {
        int ctx[kBatch];
        std::span<float> in = s.f32(p.name + ".inputs");
        for (int b = 0; b < kBatch; ++b) {
          ctx[b] = context(rng);
          for (int i = 0; i < kInputs; ++i) in[size_t(b * kInputs + i)] = i == ctx[b] ? 1.0f : i == 4 ? kBias : 0.0f;
        }
        // 1. sample, learning off; remember the random counter
        int32_t counter = s.i32(p.name + ".key")[0];
        s.f32(p.name + ".learning_mask")[0] = 0.0f;
        s.step(p.process, float(k), 1.0f);
        // 2. score
        std::span<float> y = s.f32(p.name + ".outputs");
        float rewards[kBatch], mean_reward = 0;
        for (int b = 0; b < kBatch; ++b) {
          float d = y[size_t(b)] - kTargets[ctx[b]];
          rewards[b] = -d * d;
          mean_reward += rewards[b] / kBatch;
        }
        std::span<float> adv = s.f32(p.name + ".rewards");
        for (int b = 0; b < kBatch; ++b) adv[size_t(b)] = rewards[b] - p.baseline;
        // 3. replay the same draw with the advantages, learning on
        s.i32(p.name + ".key")[0] = counter;
        s.f32(p.name + ".learning_mask")[0] = 1.0f;
        s.step(p.process, float(k), 1.0f);
        p.baseline = 0.99f * p.baseline + 0.01f * mean_reward;
        series[p.name + "_reward"].push_back(mean_reward);
        series[p.name + "_baseline"].push_back(p.baseline);
        for (int c = 0; c < kContexts; ++c) {
          auto [mu, sd] = policy_of(s, p, c);
          series[p.name + "_mu" + std::to_string(c)].push_back(mu);
          series[p.name + "_sd" + std::to_string(c)].push_back(sd);
        }
      }
    }

    std::string dir = argv[2];
    nf::npz::Entries entries;
    std::ofstream csv(dir + "/reinforce.csv");
    csv << "step";
    for (const auto& [name, v] : series) {
      entries.push_back({name, nf::npz::f32_array(v)});
      csv << "," << name;
    }
    csv << "\n";
    for (int k = 0; k < steps; ++k) {
      csv << k;
      for (const auto& [name, v] : series) csv << "," << v[size_t(k)];
      csv << "\n";
    }
    nf::npz::Array targets{nf::npz::DType::F32, {kContexts}, {}};
    targets.data.assign(reinterpret_cast<const uint8_t*>(kTargets), reinterpret_cast<const uint8_t*>(kTargets + kContexts));
    entries.push_back({"targets", std::move(targets)});
    nf::npz::write_npz(dir + "/reinforce.npz", entries);

    int failures = 0;
    const int window = std::min(200, steps / 2);
    for (const Policy& p : policies) {
      const std::vector<float>& r = series[p.name + "_reward"];
      double first = 0, last = 0;
      for (int k = 0; k < window; ++k) first += r[size_t(k)] / window, last += r[size_t(steps - 1 - k)] / window;
      double worst_error = 0, optimum = 0;
      std::printf("%-8s policy after %d steps:\n", p.name.c_str(), steps);
      for (int c = 0; c < kContexts; ++c) {
        auto [mu, sd] = policy_of(s, p, c);
        worst_error = std::max(worst_error, std::fabs(double(mu) - kTargets[c]));
        optimum += -double(sd) * sd / kContexts;
        std::printf("  context %d: mean %.3f (target %.2f), std %.3f\n", c, double(mu), double(kTargets[c]), double(sd));
      }
      std::printf("  average reward: first %d steps %.4f, last %d steps %.4f; the best this spread allows %.4f;"
                  " largest distance of a mean from its target %.3f\n",
                  window, first, window, last, optimum, worst_error);
      // Learning: the reward rose, and closed at least half the gap to the
      // best the final spread allows (a spread that grew would lower that bar).
      if (!(last > first) || last < first + 0.5 * (optimum - first)) ++failures;
    }
    return failures ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reinforce_driver: %s\n", e.what());
    return 1;
  }
}
