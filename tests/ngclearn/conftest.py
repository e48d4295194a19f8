"""Configures XLA before JAX is imported (tests/ngclearn/README.md).

By default the ngclearn reference runs with `--xla_cpu_max_isa=AVX`: XLA's CPU
backend otherwise lets LLVM contract a*b + c into one fused multiply-add on
any CPU with FMA (it always allows FP op fusion), which neurofuse's
semantics never do (docs/SEMANTICS.md: "No op is ever reassociated or
contracted"). Without FMA instructions XLA rounds every product and sum,
which is what ngclearn's Python code says. NF_DIFF_XLA=native keeps XLA's
own ISA choice (FMA where the CPU has it): the suite then reports the
differences that contraction adds and expects none of them to vanish.
"""
import os

MODE = os.environ.get("NF_DIFF_XLA", "nofma")
if MODE == "nofma" and "xla_cpu_max_isa" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_max_isa=AVX").strip()
os.environ.setdefault("JAX_PLATFORMS", "cpu")
