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
#include "reference_table.h"
#include "runtime/npz.h"

namespace {

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
      entries.push_back({c, nf::npz::f32_array(std::span(series[c]).first(size_t(steps)))});
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
    for (const mod_stdp::Row& row : mod_stdp::kTable) {
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
                std::size(mod_stdp::kTable) * 4);
    return bad ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mod_stdp_driver: %s\n", e.what());
    return 1;
  }
}
