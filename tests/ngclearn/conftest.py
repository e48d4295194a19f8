"""Configures XLA before JAX is imported (tests/ngclearn/README.md).

By default the ngclearn reference runs with XLA computing what ngclearn's
Python source says, one rounding per operation in the source's order:

  --xla_cpu_max_isa=AVX            XLA's CPU backend otherwise lets LLVM
                                   contract a*b + c into one fused
                                   multiply-add on any CPU with FMA, which
                                   neurofuse's semantics never do
                                   (docs/SEMANTICS.md);
  --xla_disable_hlo_passes=algsimp XLA's algebraic simplifier otherwise
                                   rewrites a division by a constant into a
                                   multiplication by its float32 reciprocal
                                   (x / 30.7 runs as x * 0.0325732902) and
                                   (a / b) / c into a / (b * c).

NF_DIFF_XLA=native keeps XLA's own choices: the suite then reports the
differences that contraction and the rewrites add (README.md has the table).
"""
import os

MODE = os.environ.get("NF_DIFF_XLA", "source")
if MODE == "source" and "xla_cpu_max_isa" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               " --xla_cpu_max_isa=AVX --xla_disable_hlo_passes=algsimp").strip()
os.environ.setdefault("JAX_PLATFORMS", "cpu")
