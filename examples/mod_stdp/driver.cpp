// Runs the mod_stdp lesson through a compiled module and the runtime, writes
// the trajectories, and checks them against the reference's table.
//
//   mod_stdp_driver MODULE.so OUT_DIR
//
// Writes OUT_DIR/trajectories.npz and OUT_DIR/trajectories.csv (one row per
// millisecond: reward, pre and post spikes, both traces, the three weights,
// the STDP update dW and the MSTDP-ET eligibility), prints the reference's
// table beside ours, and exits with 1 if any listed value differs.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "neurofuse/runtime.hpp"
#include "runtime/npz.h"

namespace {

// The reference's table (ngclearn semantics 8.1): weights after evolve at
// step i, and the MSTDP-ET eligibility.
struct Row {
  int i;
  double stdp, rstdp, mstdpet, eligibility;
};
const Row kTable[] = {
    {0, 0.2, 0.2, 0.2, 0},
    {9, 0.2, 0.2, 0.2, 0},
    {10, 0.3557602, 0.2, 0.2, 0},
    {11, 0.3557602, 0.3557602, 0.2002492, 0.0311520},
    {50, 0.3557602, 0.3557602, 0.2050727, 0.0065462},
    {70, 0.3635150, 0.3557602, 0.2057793, 0.0029414},
    {71, 0.3635150, 0.3635150, 0.2058143, 0.0043770},
    {80, 0.2361694, 0.3635150, 0.2060737, 0.0030537},
    {81, 0.2361694, 0.2361694, 0.2058934, -0.0225351},
    {99, 0.2361694, 0.2361694, 0.2036261, -0.0109690},
    {100, 0.2361694, 0.2361694, 0.2037105, -0.0105389},
    {110, 0.2818449, 0.2361694, 0.2043915, -0.0070645},
    {111, 0.2818449, 0.1904939, 0.2043727, 0.0023476},
    {115, 0.1039555, 0.1904939, 0.2043047, 0.0020005},
    {116, 0.1039555, 0.3683834, 0.2045740, -0.0336558},
    {135, 0.0385136, 0.3683834, 0.2080860, -0.0157397},
    {136, 0.0385136, 0.4338253, 0.2083117, -0.0282109},
    {140, 0.2617663, 0.4338253, 0.2091293, -0.0240398},
    {141, 0.2617663, 0.2105726, 0.2089569, 0.0215534},
    {199, 0.2617663, 0.2105726, 0.2051471, 0.0021181},
};

const char* kColumns[] = {"reward", "pre", "post", "pre_trace", "post_trace", "w_stdp",
                          "w_mstdp", "w_mstdpet", "dw_stdp", "eligibility"};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODULE.so OUT_DIR\n", argv[0]);
    return 2;
  }
  try {
    nf::Module module = nf::Module::open(argv[1]);
    nf::State s(module, module.info().default_seed);
    s.step("reset", 0.0f, 1.0f);
    const int steps = 200;
    const std::vector<int> pre_times = {5, 80, 115, 135}, post_times = {10, 70, 110, 140};
    std::map<std::string, std::vector<float>> series;
    for (int i = 0; i < steps; ++i) {
      float pre = 0, post = 0;
      for (int p : pre_times) pre += p == i;
      for (int p : post_times) post += p == i;
      float reward = i < 100 ? 1.0f : -1.0f;
      s.f32("tr0.inputs")[0] = pre;
      s.f32("tr1.inputs")[0] = post;
      s.f32("r.reward")[0] = reward;
      s.step("advance", float(i), 1.0f);
      s.step("evolve", float(i), 1.0f);
      float values[] = {reward, pre, post, s.f32("tr0.trace")[0], s.f32("tr1.trace")[0],
                        s.f32("W1_stdp.weights")[0], s.f32("W1_rstdp.weights")[0], s.f32("W_mstdpet.weights")[0],
                        s.f32("W1_stdp.dWeights")[0], s.f32("W_mstdpet.eligibility")[0]};
      for (size_t c = 0; c < std::size(kColumns); ++c) series[kColumns[c]].push_back(values[c]);
    }

    std::string dir = argv[2];
    nf::npz::Entries entries;
    std::ofstream csv(dir + "/trajectories.csv");
    csv << "t";
    for (const char* c : kColumns) {
      nf::npz::Array a{nf::npz::DType::F32, {steps}, {}};
      const std::vector<float>& v = series[c];
      a.data.assign(reinterpret_cast<const uint8_t*>(v.data()), reinterpret_cast<const uint8_t*>(v.data() + steps));
      entries.push_back({c, std::move(a)});
      csv << "," << c;
    }
    csv << "\n";
    for (int i = 0; i < steps; ++i) {
      csv << i;
      for (const char* c : kColumns) csv << "," << series[c][size_t(i)];
      csv << "\n";
    }
    nf::npz::write_npz(dir + "/trajectories.npz", entries);

    // Seven decimals round by at most 5e-8; the STDP and MSTDP weights are
    // sums of binary32 terms and may differ from the exact sums the table
    // lists by a few 1e-7 (see docs in examples/mod_stdp/README.md).
    int bad = 0;
    std::printf("  step |  W STDP (ours / ref)    |  W MSTDP (ours / ref)   |  W MSTDP-ET (ours / ref) |  E MSTDP-ET (ours / ref)\n");
    for (const Row& row : kTable) {
      float got[] = {series["w_stdp"][size_t(row.i)], series["w_mstdp"][size_t(row.i)],
                     series["w_mstdpet"][size_t(row.i)], series["eligibility"][size_t(row.i)]};
      double want[] = {row.stdp, row.rstdp, row.mstdpet, row.eligibility};
      double tol[] = {3e-7, 3e-7, 1e-7, 1e-7};
      std::printf("  %4d", row.i);
      for (int k = 0; k < 4; ++k) {
        bool ok = std::fabs(double(got[k]) - want[k]) <= tol[k] + 1e-6 * std::fabs(want[k]);
        bad += !ok;
        std::printf(" | %10.7f %10.7f%s", double(got[k]), want[k], ok ? " " : "!");
      }
      std::printf("\n");
    }
    std::printf("%s: %d of %zu table values differ\n", bad ? "MISMATCH" : "all listed steps match", bad,
                std::size(kTable) * 4);
    return bad ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mod_stdp_driver: %s\n", e.what());
    return 1;
  }
}
