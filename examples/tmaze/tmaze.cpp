// The T-maze experiment of ngc-museum's RL-SNN exhibit, run through a
// compiled module and the runtime: a spiking agent (tmaze.nf) learns by
// reward-modulated STDP to walk to the food, against a random agent.
//
//   tmaze MODULE.so [--seed S[,S...]] [--seeds N] [--episodes N] [--agent snn|random|both] [--out DIR]
//         [--expect-learning]
//
// The defaults are the exhibit's: seeds 59, 1234, 44, 816, 200 episodes, both
// agents. --expect-learning makes the exit status 1 unless the spiking agent's
// trailing-100 completion rate at the last training episode, averaged over
// seeds, beats the random agent's by 0.2 (the agents learn on most seeds but
// not all: about one network in five stays stuck, so test with several).
// Each seed runs in its own thread with its own state. For every agent and
// seed it writes OUT/{snn,random}_{seed}.csv and .npz (per-episode return,
// completion and length; the last episode is the evaluation episode), then
// prints the trailing-100 completion rate and return at the last training
// episode, averaged over seeds, and the wall time.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#ifdef NF_HAVE_MPI
#include "common/mpi_session.h"
#endif
#include <vector>

#include "maze.h"
#include "neurofuse/runtime.hpp"
#include "runtime/npz.h"

namespace {

constexpr int kStepsPerEpisode = 30;  // actions per episode
constexpr int kWindow = 100;          // ms of network dynamics per action
constexpr float kEpsilon = 0.02f;     // exploration: p_rand = p_min = 0.02

struct History {
  std::vector<float> returns, completes, lengths;
};

// The spiking agent: one state of the compiled module.
class SnnAgent {
 public:
  SnnAgent(const nf::Module& module, uint64_t seed, std::mt19937_64& rng) : state_(module, seed) {
    // W1: for every input row, a random permutation of the 36 hidden columns;
    // the first six get +1, the next three -1, the rest 0.
    std::span<float> w1 = state_.f32("W1.weights");
    std::vector<int> cols(36);
    for (int i = 0; i < 270; ++i) {
      for (int c = 0; c < 36; ++c) cols[size_t(c)] = c;
      std::shuffle(cols.begin(), cols.end(), rng);
      for (int k = 0; k < 36; ++k) w1[size_t(i * 36 + cols[size_t(k)])] = k < 6 ? 1.0f : k < 9 ? -1.0f : 0.0f;
    }
    state_.step("norm", 0.0f, 1.0f);  // W2's columns to L1 norm 18
  }

  // Voltages to rest, spikes, traces and eligibility to zero; weights stay.
  void rest() { state_.step("reset", 0.0f, 1.0f); }

  // 100 ms with the maze image clamped; the action is the output unit that
  // spiked most (the first on a tie; no spikes at all gives 0). In training
  // the window also builds W2's eligibility (forward); in evaluation it only
  // advances the network.
  int act(const std::vector<float>& image, bool eval) {
    std::copy(image.begin(), image.end(), state_.f32("z0.inputs").begin());
    state_.f32("W2.modulator")[0] = 0.0f;
    std::vector<float> spikes(kWindow * 4);
    state_.scan({eval ? "advance" : "forward"}, 0.0f, 1.0f, kWindow, {}, {{"z2.s", spikes.data()}});
    float freq[4] = {0, 0, 0, 0};
    for (int t = 0; t < kWindow; ++t)
      for (int a = 0; a < 4; ++a) freq[a] += spikes[size_t(t * 4 + a)];
    return int(std::max_element(freq, freq + 4) - freq);
  }

  // The reward modulates one more evolve (all four columns), then W2's
  // columns are normalized again.
  void adapt(float reward) {
    state_.f32("W2.modulator")[0] = reward;
    state_.step("evolve", 101.0f, 1.0f);
    state_.step("norm", 0.0f, 1.0f);
  }

 private:
  nf::State state_;
};

History run_seed(const nf::Module& module, bool snn, uint64_t seed, int episodes) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::uniform_int_distribution<int> any_action(0, 3);
  std::unique_ptr<SnnAgent> agent;
  if (snn) agent = std::make_unique<SnnAgent>(module, seed, rng);
  tmaze::Maze maze;
  History h;
  for (int e = 0; e <= episodes; ++e) {
    const bool eval = e == episodes;  // the last episode evaluates, without learning
    tmaze::Pos obs = maze.reset();
    float ret = 0, length = 0, complete = 0;
    for (int i = 0; i < kStepsPerEpisode; ++i) {
      int a;
      if (!agent) {
        a = any_action(rng);
      } else {
        agent->rest();
        a = agent->act(tmaze::encode(obs), eval);
        if (unit(rng) <= kEpsilon) a = any_action(rng);
      }
      tmaze::Maze::Step s = maze.step(a);
      obs = s.pos;
      length += 1;
      if (!s.done) ret -= 1;
      if (agent && !eval) agent->adapt(s.reward);
      if (s.done) {
        complete = 1;
        break;
      }
    }
    h.returns.push_back(ret);
    h.completes.push_back(complete);
    h.lengths.push_back(length);
  }
  return h;
}

void save(const std::string& dir, const std::string& tag, uint64_t seed, const History& h) {
  std::string base = dir + "/" + tag + "_" + std::to_string(seed);
  std::ofstream csv(base + ".csv");
  csv << "episode,return,complete,length\n";
  for (size_t e = 0; e < h.returns.size(); ++e)
    csv << e << "," << h.returns[e] << "," << h.completes[e] << "," << h.lengths[e] << "\n";
  nf::npz::Entries entries;
  for (auto [name, v] : {std::pair{"returns", &h.returns}, {"completes", &h.completes}, {"lengths", &h.lengths}})
    entries.push_back({name, nf::npz::f32_array(*v)});
  nf::npz::write_npz(base + ".npz", entries);
}

// Mean of the last (at most) 100 training episodes ending at `last`.
float trailing(const std::vector<float>& v, size_t last) {
  constexpr size_t kEpisodes = 100;  // the exhibit's trailing window (not kWindow, the ms per action)
  size_t first = last + 1 >= kEpisodes ? last + 1 - kEpisodes : 0;
  float sum = 0;
  for (size_t e = first; e <= last; ++e) sum += v[e];
  return sum / float(last + 1 - first);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') {
    std::fprintf(stderr,
                 "usage: %s MODULE.so [--seed S[,S...]] [--seeds N] [--episodes N] [--agent snn|random|both] [--out DIR]\n",
                 argv[0]);
    return 2;
  }
  std::string module_path = argv[1], out = ".", agent = "both";
  std::vector<uint64_t> seeds = {59, 1234, 44, 816};
  int n_seeds = 0, episodes = 200;
  bool expect_learning = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--expect-learning") {
      expect_learning = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "option %s needs a value\n", a.c_str());
      return 2;
    }
    std::string v = argv[++i];
    // A whole decimal number in [least, most], or a message (and exit status 2).
    auto number = [&](const std::string& text, unsigned long long least, unsigned long long most,
                      unsigned long long& out) {
      auto r = std::from_chars(text.data(), text.data() + text.size(), out);
      if (r.ec != std::errc() || r.ptr != text.data() + text.size() || out < least || out > most) {
        std::fprintf(stderr, "option %s expects a whole number from %llu to %llu, got '%s'\n", a.c_str(), least, most,
                     text.c_str());
        return false;
      }
      return true;
    };
    unsigned long long n = 0;
    if (a == "--seed") {
      seeds.clear();
      std::stringstream ss(v);
      for (std::string s; std::getline(ss, s, ',');) {
        if (!number(s, 0, ~0ull, n)) return 2;
        seeds.push_back(n);
      }
      if (seeds.empty()) return std::fprintf(stderr, "--seed needs at least one seed\n"), 2;
    } else if (a == "--seeds") {
      if (!number(v, 1, 1024, n)) return 2;
      n_seeds = int(n);
    } else if (a == "--episodes") {
      if (!number(v, 1, 1000000, n)) return 2;
      episodes = int(n);
    } else if (a == "--agent") {
      agent = v;
    } else if (a == "--out") {
      out = v;
    } else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  for (int k = int(seeds.size()); k < n_seeds; ++k) seeds.push_back(seeds.back() + 1);
  if (agent != "snn" && agent != "random" && agent != "both") {
    std::fprintf(stderr, "--agent must be snn, random or both\n");
    return 2;
  }
  if (expect_learning && agent != "both") {  // the comparison needs both agents
    std::fprintf(stderr, "--expect-learning needs --agent both\n");
    return 2;
  }
  // Under mpirun (built with MPI), seed k runs on rank k % ranks and each
  // rank writes its seeds' files; the summary gathers every seed's numbers.
  int rank = 0, ranks = 1;
#ifdef NF_HAVE_MPI
  // MPI only under a launcher (mpirun, srun): started alone, the driver runs
  // every seed itself without MPI's start-up.
  const nf::MpiSession mpi;
  rank = mpi.rank();
  ranks = mpi.ranks();
#endif
  try {
    nf::Module module = nf::Module::open(module_path);
    std::filesystem::create_directories(out);  // --out DIR creates DIR
    auto start = std::chrono::steady_clock::now();
    std::map<bool, float> overall;  // completion rate over every episode, per agent
    std::map<bool, float> final;    // trailing-100 completion at the last training episode, per agent
    int failed = 0;                 // runs (seed and agent) that failed
    for (bool snn : {true, false}) {
      if ((snn && agent == "random") || (!snn && agent == "snn")) continue;
      std::string tag = snn ? "snn" : "random";
      std::vector<History> histories(seeds.size());
      std::vector<std::thread> threads;
      std::vector<std::exception_ptr> failures(seeds.size());
      for (size_t k = size_t(rank); k < seeds.size(); k += size_t(ranks))  // this rank's seeds
        threads.emplace_back([&, k] {
          try {
            histories[k] = run_seed(module, snn, seeds[k], episodes);
          } catch (...) {
            failures[k] = std::current_exception();  // rethrown on the main thread
          }
        });
      for (std::thread& t : threads) t.join();
      // A seed that failed is reported with its error; the others' results
      // are kept (and every rank reaches the gathering below).
      for (size_t k = size_t(rank); k < seeds.size(); k += size_t(ranks)) {
        if (!failures[k]) continue;
        try {
          std::rethrow_exception(failures[k]);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "tmaze: seed %llu (%s agent) failed: %s\n", (unsigned long long)seeds[k], tag.c_str(),
                       e.what());
        }
        ++failed;
      }
      // Per seed: the whole run's completion rate, the trailing-100
      // completion and return at the last training episode, and the
      // evaluation episode's completion; each rank fills its own seeds'.
      std::vector<float> per_seed(4 * seeds.size(), 0.0f);
      for (size_t k = size_t(rank); k < seeds.size(); k += size_t(ranks)) {
        if (failures[k]) continue;
        save(out, tag, seeds[k], histories[k]);
        size_t last = size_t(episodes) - 1;  // the last training episode
        float whole = 0;
        for (float c : histories[k].completes) whole += c / float(histories[k].completes.size());
        per_seed[4 * k] = whole;
        per_seed[4 * k + 1] = trailing(histories[k].completes, last);
        per_seed[4 * k + 2] = trailing(histories[k].returns, last);
        per_seed[4 * k + 3] = histories[k].completes.back();
      }
#ifdef NF_HAVE_MPI
      // Each seed was filled by one rank only: the sum is every seed's value.
      if (mpi.active()) MPI_Allreduce(MPI_IN_PLACE, per_seed.data(), int(per_seed.size()), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
#endif
      float completion = 0, ret = 0, eval_complete = 0;
      for (size_t k = 0; k < seeds.size(); ++k) {  // in seed order, as one process adds them
        overall[snn] += per_seed[4 * k] / float(seeds.size());
        completion += per_seed[4 * k + 1] / float(seeds.size());
        ret += per_seed[4 * k + 2] / float(seeds.size());
        eval_complete += per_seed[4 * k + 3] / float(seeds.size());
      }
      final[snn] = completion;
      if (rank == 0)
        std::printf("%-6s over %zu seed%s, episode %d: trailing-100 completion %.3f, return %.2f; evaluation episode completed %.2f\n",
                  tag.c_str(), seeds.size(), seeds.size() == 1 ? "" : "s", episodes, double(completion), double(ret),
                  double(eval_complete));
    }
#ifdef NF_HAVE_MPI
    if (mpi.active()) MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
#endif
    if (failed) {
      if (rank == 0) std::fprintf(stderr, "tmaze: %d run%s failed; the others' files are written\n", failed, failed == 1 ? "" : "s");
      return 1;
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (rank == 0) std::printf("wall time %.2f s (%d rank%s)\n", seconds, ranks, ranks == 1 ? "" : "s");
    if (expect_learning) {
      if (rank == 0) std::printf("completion over the whole run: spiking %.3f, random %.3f\n", double(overall[true]), double(overall[false]));
      if (!(final[true] >= final[false] + 0.2f)) {
        std::printf("the spiking agent did not beat the random agent by 0.2 in trailing-100 completion\n");
        return 1;
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tmaze: %s\n", e.what());
    return 1;
  }
  return 0;
}
