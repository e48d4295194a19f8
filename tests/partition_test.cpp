// The split tables partitioned hosts read (compiler/partition.h): where each
// split loop's outputs lie for a split index, and which of them the other
// ranks need after the loop.
#include <catch2/catch.hpp>

#include "compiler/partition.h"
#include "compiler/pipeline.h"
#include "frontend/frontend.h"

using namespace nf;

namespace {

compiler::Lowered lower_model(const std::string& relative, const std::string& model) {
  frontend::Options options;
  options.model = model;
  return compiler::lower(frontend::load_model_file(std::string(NF_SOURCE_DIR) + "/" + relative, options).program, {});
}

const compiler::ProcessPlan& process(const compiler::Plan& plan, const std::string& name) {
  for (const compiler::ProcessPlan& p : plan.processes)
    if (p.name == name) return p;
  FAIL("no process " << name);
  throw;
}

// The split output of `kernel` stored to `dest` (a compartment, or "" for scratch).
// The first kernel of a process with this kind and loop shape.
const compiler::Kernel& kernel(const compiler::ProcessPlan& p, compiler::KernelKind kind, const ir::Shape& domain) {
  for (const compiler::Kernel& k : p.kernels)
    if (k.kind == kind && k.domain == domain) return k;
  FAIL("no such kernel in " << p.name);
  throw;
}

using Splits = std::map<const compiler::Kernel*, compiler::KernelSplit>;

const compiler::SplitOutput& output(const Splits& splits, const compiler::Kernel& kernel, const std::string& dest) {
  const compiler::KernelSplit& split = splits.at(&kernel);
  REQUIRE(!split.whole);
  for (size_t i = 0; i < kernel.outputs.size(); ++i) {
    const compiler::Buffer& b = kernel.outputs[i].dest;
    if (dest.empty() ? b.scratch : !b.scratch && b.compartment == dest) return split.outputs.at(i);
  }
  FAIL("no output " << dest);
  throw;
}

}  // namespace

TEST_CASE("a synapse updated and read by one row sweep keeps its matrices by columns", "[partition]") {
  compiler::Lowered l = lower_model("bench/models/mstdpet_layer_100.nf", "");
  const auto splits = compiler::describe_splits(l.plan);
  const compiler::ProcessPlan& step = process(l.plan, "step");
  const compiler::Kernel* sweep = &kernel(step, compiler::KernelKind::RowSweep, ir::Shape{100, 100});
  CHECK(compiler::splits_by_columns(*sweep));
  for (const char* matrix : {"W.weights", "W.eligibility", "W.dWeights"}) {
    INFO(matrix);
    const compiler::SplitOutput& o = output(splits, *sweep, matrix);
    CHECK(!o.exchange);
    CHECK(o.offset == l.plan.layout.compartment(matrix).offset);
    CHECK(o.blocks == 100);  // every row of the matrix ...
    CHECK(o.stride == 400);  // ... 100 floats apart ...
    CHECK(o.unit == 4);      // ... one float of each for a column
  }
  // The product's [1,100] output, in scratch, is read by the next loop in
  // its own columns only.
  const compiler::SplitOutput& product = output(splits, *sweep, "");
  CHECK(!product.exchange);
  CHECK(product.blocks == 1);
  CHECK(product.unit == 4);
  // The presynaptic factors, [100,1] vectors every rank's columns need in
  // full, are computed whole on every rank rather than exchanged.
  bool factors = false;
  for (const compiler::Kernel& k : step.kernels)
    if (k.domain == ir::Shape{100, 1}) {
      CHECK(!compiler::splits_by_columns(k));
      CHECK(splits.at(&k).whole);
      factors = true;
    }
  CHECK(factors);
  // reset clears the matrices by columns too: nothing to exchange.
  int cleared = 0;
  for (const compiler::Kernel& k : process(l.plan, "reset").kernels)
    if (k.domain == ir::Shape{100, 100}) {
      CHECK(compiler::splits_by_columns(k));
      CHECK(!output(splits, k, "W.eligibility").exchange);
      ++cleared;
    }
  CHECK(cleared == 1);
}

TEST_CASE("a population's vectors stay by columns unless a loop reads them across the columns", "[partition]") {
  compiler::Lowered l = lower_model("bench/models/mstdpet_layer_100.nf", "");
  const auto splits = compiler::describe_splits(l.plan);
  const compiler::Kernel* cells = &kernel(process(l.plan, "step"), compiler::KernelKind::Elementwise, ir::Shape{1, 100});
  CHECK(compiler::splits_by_columns(*cells));
  // The presynaptic spikes feed the product's rows: every rank needs them.
  CHECK(output(splits, *cells, "pre.outputs").exchange);
  // The postsynaptic spikes meet column j of the matrix only.
  CHECK(!output(splits, *cells, "post.outputs").exchange);
  // The presynaptic trace feeds the rows too (through a transpose).
  CHECK(output(splits, *cells, "tr_pre.trace").exchange);
  // The postsynaptic trace is copied to the population's outputs at the
  // end of the step: both are stale outside the rank's columns.
  const compiler::SplitOutput& trace = output(splits, *cells, "tr_post.trace");
  CHECK(!trace.exchange);
  CHECK(trace.copied_to == l.plan.layout.compartment("tr_post.outputs").offset);
  CHECK(output(splits, *cells, "tr_pre.trace").copied_to == -1);
}

TEST_CASE("a matrix that a loop reads across the columns is exchanged after every write", "[partition]") {
  // DC-SNN: advance reads W1 through its product, by columns; evolve updates
  // it, by columns too; norm sums its columns in a reduction that runs whole.
  compiler::Lowered l = lower_model("examples/dcsnn/dcsnn.nf", "dcsnn_100");
  const auto splits = compiler::describe_splits(l.plan);
  int updates = 0;
  for (const char* name : {"evolve", "norm"})
    for (const compiler::Kernel& k : process(l.plan, name).kernels) {
      if (!(k.domain == ir::Shape{784, 100})) continue;
      REQUIRE(splits.count(&k));
      CHECK(compiler::splits_by_columns(k));
      const compiler::SplitOutput& o = output(splits, k, "W1.weights");
      CHECK(o.exchange);
      CHECK(o.blocks == 784);
      CHECK(o.stride == 100 * 4);
      CHECK(o.unit == 4);
      ++updates;
    }
  CHECK(updates == 2);
  // The excitatory cells' voltage is read by their own loop only.
  bool voltage = false;
  for (const compiler::Kernel& k : process(l.plan, "advance").kernels)
    for (const compiler::KernelOutput& o : k.outputs)
      if (!o.dest.scratch && o.dest.compartment == "z1e.v") {
        CHECK(!output(splits, k, "z1e.v").exchange);
        voltage = true;
      }
  CHECK(voltage);
}
