"""Runs one small system in ngclearn 3.2.3 and in neurofuse and compares them.

A case (cases.py) describes the system once: its instances (each with a
neurofuse constructor and an ngclearn factory), its wires, its processes and
its phases. A phase runs a list of processes every step for some steps; it
may first set compartments (the same values on both sides) and drive
compartments with one row per step. `run_ngclearn` and `run_neurofuse` run the
phases in order and return, for every f32 compartment, an array
[recorded steps, ...shape] of its value after every recorded step. `compare`
turns two recordings into float32 ulp distances.

How the two sides are lined up (README.md says more):
  * ngclearn: `process.run(t=t_k, dt=dt)` with Python floats, as ngclearn's
    lessons do. ngclearn's MethodProcess jits the whole process
    (ngclearn/utils/JaxProcessesMixin.py), so t and dt arrive as weakly typed
    float32 scalars. t_k = t0 + k * dt in binary64 on both sides.
  * neurofuse: one `neurofuse run` per phase, the state handed from phase to
    phase with --save-state/--load-state; --set COMP=FILE.npy for the set
    compartments, --drive for the driven ones, --record every f32
    compartment, --out.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
NEUROFUSE = Path(os.environ.get("NEUROFUSE", ROOT / "build" / "bin" / "neurofuse"))

# Compartments that hold random-generator state: a JAX PRNG key in ngclearn, a
# draw counter in neurofuse. Never compared.
RNG_STATE = {"key", "seed"}


@dataclasses.dataclass
class Instance:
    name: str
    nf: str                        # neurofuse constructor: 'VarTrace(n_units=3, tau_tr=13.3, a_delta=0.7)'
    ngc: Callable[[str], object]   # ngclearn factory: instance name -> component


@dataclasses.dataclass
class Phase:
    step: list[str]                # processes run every step, in order
    steps: int = 1
    t0: float = 0.0
    dt: float | None = None        # None: the case's dt
    sets: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)    # 'inst.comp' -> value, before the phase
    drives: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)  # 'inst.comp' -> [steps, ...]
    record: bool = True


@dataclasses.dataclass
class Case:
    name: str                      # e.g. 'VarTrace exp dt=0.1'
    component: str                 # key into diff_test.BOUNDS
    instances: list[Instance]
    processes: dict[str, list[str]]  # process name -> ['inst.method', ...]
    phases: list[Phase]
    dt: float
    wires: list[tuple] = dataclasses.field(default_factory=list)  # ('a.x', 'b.y') or ('sum', ['a.x', ...], 'b.y')
    nf_params: dict[str, float] = dataclasses.field(default_factory=dict)  # 'inst.param' -> value (--set)
    nf_extra: str = ""             # .nf text before the model (components of the case)
    nf_model: Path | None = None   # use this model file instead of generating one
    ngc_hooks: dict[str, Callable] = dataclasses.field(default_factory=dict)  # process name -> f(comps) on the ngclearn side
    # 'inst.comp' -> f(comps) -> array, recorded on the ngclearn side after every
    # step: a neurofuse compartment that is a part of a structured ngclearn
    # compartment (HebbianSynapse's opt_params tuple for adam/nag)
    ngc_views: dict[str, Callable] = dataclasses.field(default_factory=dict)
    skip: set[str] = dataclasses.field(default_factory=set)  # 'inst.comp' never compared (cases.py says why)
    note: str = ""


# --------------------------------------------------------------------------
# ulp distance


def ordered(x: np.ndarray) -> np.ndarray:
    """float32 -> int64 on a line where adjacent floats are adjacent and +0 = -0."""
    i = np.ascontiguousarray(x, dtype=np.float32).view(np.int32).astype(np.int64)
    return np.where(i < 0, -(i & 0x7FFFFFFF), i)


NAN_MISMATCH = 1 << 32  # the distance reported when exactly one side is NaN


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float32)
    b = np.asarray(b, dtype=np.float32)
    d = np.abs(ordered(a) - ordered(b))
    na, nb = np.isnan(a), np.isnan(b)
    d = np.where(na & nb, 0, d)
    return np.where(na ^ nb, NAN_MISMATCH, d)


@dataclasses.dataclass
class Diff:
    compartment: str
    max_ulp: int
    n_diff: int        # elements (over all recorded steps) at a nonzero ulp distance
    n_zero_sign: int   # elements equal but for the sign of zero (+0 vs -0: 0 ulp)
    first_step: int    # first recorded step with a nonzero distance, -1 if none
    total: int


def compare(ref: dict[str, np.ndarray], got: dict[str, np.ndarray], skip=()) -> list[Diff]:
    out = []
    for name in sorted(set(ref) & set(got)):
        if name in skip:
            continue
        r, g = ref[name], got[name]
        if r.shape != g.shape:
            raise AssertionError(f"{name}: ngclearn shape {r.shape}, neurofuse shape {g.shape}")
        d = ulp_distance(r, g)
        bits_r = np.ascontiguousarray(r, np.float32).view(np.uint32)
        bits_g = np.ascontiguousarray(g, np.float32).view(np.uint32)
        zero_sign = (d == 0) & (bits_r != bits_g) & (r == 0)
        per_step = d.reshape(d.shape[0], -1).max(axis=1) if d.size else np.zeros(0)
        nz = np.nonzero(per_step)[0]
        out.append(Diff(name, int(d.max()) if d.size else 0, int((d != 0).sum()), int(zero_sign.sum()),
                        int(nz[0]) if nz.size else -1, int(d.size)))
    return out


def align_shapes(ref: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> dict[str, str]:
    """Broadcasts ngclearn recordings whose per-step shape differs from
    neurofuse's only by broadcasting (ngclearn's scalar `biases` and (1, 1)
    `mask`, stdlib/DenseSynapse.nf); returns what it did."""
    notes = {}
    for name in set(ref) & set(got):
        r, g = ref[name], got[name]
        if r.shape == g.shape:
            continue
        rs, gs = r.shape[1:], g.shape[1:]
        if len(rs) <= len(gs):
            try:
                padded = r.reshape((r.shape[0],) + (1,) * (len(gs) - len(rs)) + rs)
                ref[name] = np.broadcast_to(padded, (r.shape[0],) + gs).copy()
                notes[name] = f"ngclearn {rs} broadcast to {gs}"
            except ValueError:
                pass
    return notes


# --------------------------------------------------------------------------
# times


def step_times(t0: float, dt: float, steps: int) -> list[float]:
    """t of every step: t0 + k * dt in binary64, as ngclearn's lessons form it
    (`process.run(t=i * dt, dt=dt)`) and as the neurofuse CLI does
    (compiler/module_abi.cpp, "t0 + (first + k) * dt in binary64")."""
    return [t0 + k * dt for k in range(steps)]


# --------------------------------------------------------------------------
# neurofuse


def nf_model_text(case: Case) -> str:
    lines = [case.nf_extra, "model diff {", "  dt = 1.0", "  seed = 1"]
    for inst in case.instances:
        lines.append(f"  {inst.name} = {inst.nf}")
    for w in case.wires:
        if w[0] == "sum":
            lines.append(f"  sum({', '.join(w[1])}) >> {w[2]}")
        else:
            lines.append(f"  {w[0]} >> {w[1]}")
    for p, methods in case.processes.items():
        lines.append(f"  process {p} = {' >> '.join(methods)}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def nf_compartments(model: Path) -> dict[str, str]:
    """'inst.comp' -> dtype, from `neurofuse check` (wired compartments have no
    storage of their own and are not listed)."""
    out = subprocess.run([str(NEUROFUSE), "check", str(model)], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"neurofuse check failed:\n{out.stdout}{out.stderr}")
    comps, section = {}, None
    for line in out.stdout.splitlines():
        if line and not line.startswith(" "):
            section = line.rstrip(":")
            continue
        m = re.match(r"\s+(\S+)\s+(f32|i32|bool)\[", line)
        if section == "compartments" and m:
            comps[m.group(1)] = m.group(2)
    return comps


def _nf(args: list[str]) -> None:
    out = subprocess.run([str(NEUROFUSE), *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"neurofuse {' '.join(args)} failed:\n{out.stdout}{out.stderr}")


def run_neurofuse(case: Case, workdir: Path | None = None) -> dict[str, np.ndarray]:
    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="nf-diff-")
        workdir = Path(tmp.name)
    try:
        if case.nf_model is not None:
            model = case.nf_model
        else:
            model = workdir / "model.nf"
            model.write_text(nf_model_text(case))
        record = [c for c, dtype in nf_compartments(model).items() if dtype == "f32"]
        params = []
        for k, v in case.nf_params.items():
            params += ["--set", f"{k}={v!r}"]
        recorded: dict[str, list[np.ndarray]] = {c: [] for c in record}
        state = None
        for n, ph in enumerate(case.phases):
            args = ["run", str(model), "--process", ",".join(ph.step), "--steps", str(ph.steps),
                    "--t0", repr(ph.t0), "--dt", repr(ph.dt if ph.dt is not None else case.dt), *params]
            if state is not None:
                args += ["--load-state", str(state)]
            for i, (k, v) in enumerate(ph.sets.items()):
                f = workdir / f"p{n}_set{i}.npy"
                np.save(f, np.asarray(v, dtype=np.float32))
                args += ["--set", f"{k}={f}"]
            for i, (k, v) in enumerate(ph.drives.items()):
                f = workdir / f"p{n}_drive{i}.npy"
                np.save(f, np.asarray(v, dtype=np.float32))
                args += ["--drive", f"{k}={f}"]
            out = workdir / f"p{n}_out.npz"
            if ph.record:
                args += ["--record", ",".join(record), "--out", str(out)]
            state = workdir / f"p{n}_state.npz"
            args += ["--save-state", str(state)]
            _nf(args)
            if ph.record:
                with np.load(out) as z:
                    for c in record:
                        recorded[c].append(np.asarray(z[c]))
        return {c: np.concatenate(v) for c, v in recorded.items() if v}
    finally:
        if tmp is not None:
            tmp.cleanup()


# --------------------------------------------------------------------------
# ngclearn

_context_counter = 0


class _JnpProxy:
    """jax.numpy with some functions replaced."""

    def __init__(self, jnp, over):
        self._jnp, self._over = jnp, over

    def __getattr__(self, k):
        return self._over.get(k, getattr(self._jnp, k))


# The ngclearn modules whose update rules call jnp.exp, jnp.log or jnp.power,
# and the functions of ngclearn.utils.model_utils that call tanh.
_MATH_MODULES = [
    "ngclearn.components.other.varTrace",
    "ngclearn.components.neurons.spiking.LIFCell",
    "ngclearn.components.neurons.spiking.quadLIFCell",
    "ngclearn.components.neurons.spiking.adExCell",
    "ngclearn.components.neurons.spiking.hodgkinHuxleyCell",
    "ngclearn.components.neurons.spiking.fitzhughNagumoCell",
    "ngclearn.utils.surrogate_fx",
    "ngclearn.utils.model_utils",
    "ngclearn.components.synapses.hebbian.traceSTDPSynapse",
    "ngclearn.components.synapses.modulated.MSTDPETSynapse",
    "ngclearn.components.synapses.modulated.REINFORCESynapse",
    "ngclearn.components.synapses.hebbian.STDPSynapse",
    "ngclearn.components.synapses.hebbian.expSTDPSynapse",
    "ngclearn.utils.optim.adam",
    "ngclearn.components.other.expKernel",
    "ngclearn.components.neurons.graded.rateCell",
    "ngclearn.components.neurons.graded.bernoulliErrorCell",
    "ngclearn.components.input_encoders.latencyCell",
    "ngclearn.components.input_encoders.TTFSCell",
]


@contextlib.contextmanager
def correctly_rounded_math():
    """Within the block, ngclearn's components evaluate exp, log, power and
    tanh in binary64 and round once to float32 (a host callback), i.e. they
    are correctly rounded but for ties closer than 2^-29 ulp, as neurofuse's
    own functions are (docs/SEMANTICS.md, "Math functions"). Everything else
    stays XLA's. Must be active while the ngclearn context is built (ngcsimlib
    copies module globals into compiled processes) and while it runs."""
    import sys

    import jax
    import jax.numpy as jnp
    import ngclearn.components  # noqa: F401  (loads the modules)
    import ngclearn.utils.model_utils as mu

    def cr(fn64):
        def f(*xs):
            xs = [jnp.asarray(x, jnp.float32) for x in xs]
            shape = jnp.broadcast_shapes(*[x.shape for x in xs])
            return jax.pure_callback(
                lambda *a: np.asarray(fn64(*[np.asarray(v, np.float64) for v in a]), np.float32),
                jax.ShapeDtypeStruct(shape, jnp.float32), *xs, vmap_method="broadcast_all")
        return f

    exp, log, tanh = cr(np.exp), cr(np.log), cr(np.tanh)

    def power(x, y):
        # An integer exponent is JAX's integer_pow (repeated multiplication:
        # x * (x * x), (n * n) * (n * n)), which is exact arithmetic of its own,
        # not a math function; only other exponents are pow.
        return jnp.power(x, y) if isinstance(y, int) else cr(np.power)(x, y)
    proxy = _JnpProxy(jnp, {"exp": exp, "log": log, "power": power})
    jax.clear_caches()  # no trace made with XLA's math may be reused here
    saved = [(sys.modules[m], sys.modules[m].jnp) for m in _MATH_MODULES]
    saved_mu = (mu.tanh, mu.d_tanh)
    try:
        for mod, _ in saved:
            mod.jnp = proxy
        mu.tanh = tanh
        mu.d_tanh = lambda x: -(tanh(x) * tanh(x)) + 1.0  # model_utils.d_tanh's expression
        yield
    finally:
        for mod, j in saved:
            mod.jnp = j
        mu.tanh, mu.d_tanh = saved_mu


def run_ngclearn(case: Case, math: str = "xla") -> dict[str, np.ndarray]:
    """math: "xla" runs ngclearn as it is; "cr" with correctly_rounded_math().

    JAX's trace caches are cleared after every run: functions that ngclearn
    jits on their own (expKernel's _apply_kernel, model_utils' sigmoid,
    latencyCell's helpers, the ode_utils steppers) keep their traces across
    contexts, so a trace made with XLA's exp would be reused under
    correctly_rounded_math() and the other way round; and the compiled
    processes of hundreds of cases would otherwise stay in memory (tens of
    GB)."""
    import jax
    try:
        if math == "cr":
            with correctly_rounded_math():
                return _run_ngclearn(case)
        return _run_ngclearn(case)
    finally:
        jax.clear_caches()


def _run_ngclearn(case: Case) -> dict[str, np.ndarray]:
    import jax.numpy as jnp
    from ngclearn import Context, MethodProcess, Summation
    from ngcsimlib.compartment import Compartment

    global _context_counter
    _context_counter += 1
    comps = {}
    with Context(f"diff{_context_counter}"):
        for inst in case.instances:
            comps[inst.name] = inst.ngc(inst.name)

        def comp(ref: str):
            i, c = ref.split(".")
            return getattr(comps[i], c)

        for w in case.wires:
            if w[0] == "sum":
                Summation(*[comp(s) for s in w[1]]) >> comp(w[2])
            else:
                comp(w[0]) >> comp(w[1])
        procs = {}
        for p, methods in case.processes.items():
            if p in case.ngc_hooks:
                continue
            proc = MethodProcess(p)
            for m in methods:
                i, meth = m.split(".")
                proc = proc >> getattr(comps[i], meth)
            procs[p] = proc

    recorded = {}
    for i in case.instances:
        for name, c in comps[i.name].compartments:
            if name in RNG_STATE or not isinstance(c, Compartment) or c.targeted:
                continue  # a wired compartment is an alias of its source, recorded there
            if isinstance(c.get(), (tuple, list)):
                continue  # a structured value (an optimizer's state): see Case.ngc_views
            recorded[f"{i.name}.{name}"] = []
    for name in case.ngc_views:
        recorded[name] = []

    for ph in case.phases:
        dt = ph.dt if ph.dt is not None else case.dt
        for k, v in ph.sets.items():
            comp(k).set(jnp.asarray(np.asarray(v, dtype=np.float32)))
        times = step_times(ph.t0, dt, ph.steps)
        for s in range(ph.steps):
            for d, rows in ph.drives.items():
                comp(d).set(jnp.asarray(np.asarray(rows[s], dtype=np.float32)))
            for p in ph.step:
                if p in case.ngc_hooks:
                    case.ngc_hooks[p](comps)
                else:
                    procs[p].run(t=times[s], dt=dt)
            if ph.record:
                for name in recorded:
                    view = case.ngc_views.get(name)
                    recorded[name].append(np.asarray(view(comps) if view else comp(name).get()))
    out = {}
    for name, vals in recorded.items():
        if not vals:
            continue
        try:
            a = np.stack(vals)
        except ValueError:  # the shape changed during the run
            continue
        if a.dtype.kind == "f":
            # ngclearn's compartments are float32 (jnp.zeros' default; JAX's
            # x64 mode is off): anything else would be a reference surprise.
            if a.dtype != np.float32:
                raise AssertionError(f"ngclearn compartment {name} is {a.dtype}, not float32")
            out[name] = a
    return out
