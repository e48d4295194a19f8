"""neurofuse from Python: compile an ngclearn-style model, create states, run
them in native code and record what they do.

    import neurofuse
    m = neurofuse.compile("examples/spiking/poisson_lif.nf")
    s = m.state(seed=1)
    s["z0.inputs"] = 0.5                      # any array castable to the compartment
    out = s.run("advance", steps=1000, record=["z1.s:events", "z1.v[0]"])
    spikes = out["z1.s:events"]               # int32 (step, unit) pairs

This package is a thin layer over the same front end, compiler and runtime
as the `neurofuse` command (docs/PYTHON.md): the same bits, the same errors.
"""
import sys as _sys

import numpy as _np

from . import errors
from .errors import IOError, ModelError, NeurofuseError, StateError  # noqa: A004
from . import _core

__all__ = ["compile", "load", "components", "Model", "State", "Compartment",
           "NeurofuseError", "ModelError", "StateError", "IOError"]

_DTYPES = {"float32": _np.float32, "int32": _np.int32, "bool": _np.bool_}


class Compartment(tuple):
    """A compartment of a model: (name, shape, dtype, role, factored)."""

    __slots__ = ()
    _fields = ("name", "shape", "dtype", "role", "factored")

    def __new__(cls, name, shape, dtype, role, factored):
        return tuple.__new__(cls, (name, tuple(shape), dtype, role, bool(factored)))

    name = property(lambda self: self[0])
    shape = property(lambda self: self[1])
    dtype = property(lambda self: self[2])
    role = property(lambda self: self[3])
    factored = property(lambda self: self[4], doc="kept as the factors of a low-rank value (read as a copy)")

    def __repr__(self):
        return "Compartment(name=%r, shape=%r, dtype=%r, role=%r, factored=%r)" % self


def _looks_like_path(source):
    return "\n" not in source and "{" not in source and (source.endswith(".nf") or source.endswith(".nfir"))


def compile(source, model=None, backend="jit", specialize=False, opt_level=2, target_cpu="host", precision="exact",
            tiered=True):
    """Compiles a model: `source` is a path to a .nf or .nfir file, or model text.

    backend: "jit" (in process), "aot" (a shared library, loaded as an
    embedding program would) or "interp" (the reference interpreter: the
    same bits, slowly; compartments read as copies). specialize folds every run-time parameter into
    the code. precision: "exact" (as the model says), "fast", or "fast:P1,P2" for
    processes P1 and P2 only ("fast": divisions by broadcast values
    become multiplications by their reciprocal, single-use multiply-adds become fma; defined
    in docs/SEMANTICS.md, the same bits on every backend). tiered (jit, when the optimized code
    is not cached yet): return at once with quickly compiled code and switch to the optimized
    code when a background build finishes (the same bits; Model.wait_optimized() waits for
    it). Raises ModelError for text that does not compile."""
    import os
    source = os.fspath(source)
    is_file = _looks_like_path(source)
    if is_file and not os.path.exists(source):
        raise IOError("cannot read '%s': no such file" % source)
    core = _core.compile(source, is_file, model or "", backend, bool(specialize), int(opt_level), target_cpu,
                         str(precision), bool(tiered))
    return Model(core)


def load(path):
    """Loads a module saved with Model.save (or `neurofuse compile`); needs no LLVM."""
    import os
    return Model(_core.load(os.fspath(path)))


class Component:
    """A component of the standard library. Its documentation (help(c), c.doc)
    is what `neurofuse components NAME` prints: the comment that opens its
    source (equations, parameters and their defaults, compartments, and where
    it follows ngclearn's source), then its declarations as written."""

    def __init__(self, name, source):
        self.name = name
        self.source = source
        self.doc = _core.component_reference(name)
        self.__doc__ = self.doc

    def __repr__(self):
        return "<neurofuse component %s>" % self.name


def components():
    """The standard library: {name: Component}, each with its documentation."""
    return {name: Component(name, source) for name, source in sorted(_core.component_sources().items())}


class Connectivity:
    """Which elements of a rows x columns matrix connect: connection e joins
    row[e] and column[e] (by row, columns ascending), and its weight is
    element value[e] of the values compartment (read flat)."""

    def __init__(self, name, rows, columns, values, row, column, value):
        self.name, self.shape, self.values = name, (rows, columns), values
        self.row, self.column, self.value = row, column, value

    def __len__(self):
        return len(self.row)

    def dense(self, values, fill=0.0):
        """The [rows, columns] matrix of `values` (a compartment such as
        W.weights), `fill` where nothing connects."""
        import numpy as np
        flat = np.asarray(values).reshape(-1)
        if flat.size != self.values:
            raise ValueError("%s has %d values, given %d" % (self.name, self.values, flat.size))
        out = np.full(self.shape, fill, dtype=flat.dtype)
        out[self.row, self.column] = flat[self.value]
        return out

    def __repr__(self):
        return "<neurofuse.Connectivity %s: %d connections of %d x %d>" % (self.name, len(self), *self.shape)


class Model:
    """A compiled model: its processes, compartments and parameters, and states of it."""

    def __init__(self, core):
        self._core = core

    name = property(lambda self: self._core.model_name)
    processes = property(lambda self: list(self._core.processes))
    aliases = property(lambda self: list(self._core.aliases), doc="wired names, read and recorded like compartments")
    dt = property(lambda self: self._core.default_dt)
    seed = property(lambda self: self._core.default_seed)

    @property
    def compartments(self):
        return [Compartment(*c) for c in self._core.compartments]

    @property
    def parameters(self):
        """Run-time parameters and their defaults."""
        return dict(self._core.parameters)

    @property
    def connectivities(self):
        """Names of the model's sparse structures (``W.connections``)."""
        return list(self._core.connectivities)

    def connectivity(self, name):
        """A sparse structure of the model, decided when it was built (docs/LANGUAGE.md)."""
        return Connectivity(name, *self._core.connectivity(name))

    def wait_optimized(self):
        """Waits until a tiered model runs its optimized code (compile's tiered); True when it
        does, False if the optimized build failed and the model keeps its first code."""
        return self._core.wait_optimized()

    def ir(self, process=None):
        """The program (or one process) as IR text."""
        return self._core.ir(process or "")

    def kernels(self, process=None):
        """The compiler's kernel plan (which operations fuse into which loops),
        of every process or of one: what `neurofuse ir --stage kernels` prints."""
        return self._core.stage("kernels", process or "")

    def factored(self, process=None):
        """The program after the compiler's factored stage (`neurofuse ir --stage factored`)."""
        return self._core.stage("factored", process or "")

    def save(self, path):
        """Writes the model as a shared library that neurofuse.load (or any C program) opens."""
        import os
        self._core.save(os.fspath(path))

    def state(self, seed=None):
        """A new state: initial values, default parameters, the seed (default: the model's)."""
        return State(self, self._core.state(self.seed if seed is None else int(seed)))

    def __repr__(self):
        return "<neurofuse.Model %r: %d compartments, processes %s>" % (
            self.name, len(self._core.compartments), ", ".join(self.processes))


class _Params:
    """A state's run-time parameters, by name (binary64, as Python floats)."""

    def __init__(self, state):
        self._state = state

    def __getitem__(self, name):
        return self._state._core.get_param(name)

    def __setitem__(self, name, value):
        self._state._core.set_param(name, float(value))

    def keys(self):
        return self._state.model.parameters.keys()

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def __iter__(self):
        return iter(self.keys())

    def __repr__(self):
        return repr(dict(self.items()))


def _words(state, name, value, rows=None):
    """`value` as the compartment's 4-byte elements, C-contiguous; castable by
    NumPy's same_kind rule and of the compartment's shape (with `rows`, of
    [rows, *shape]), else StateError naming both."""
    shape, dtype = state._core.info(name)
    target = _DTYPES[dtype]
    want = tuple(shape) if rows is None else (rows,) + tuple(shape)
    a = _np.asarray(value)
    if not _np.can_cast(a.dtype, target, casting="same_kind"):
        raise StateError("cannot assign %s %s to '%s', which is %s %s (NumPy's same_kind casting)"
                         % (a.dtype, a.shape, name, _np.dtype(target), want))
    try:
        a = _np.broadcast_to(a, want) if rows is None else a
    except ValueError:
        pass
    if a.shape != want:
        raise StateError("cannot assign %s %s to '%s', which is %s %s"
                         % (a.dtype, a.shape, name, _np.dtype(target), want))
    if target is _np.bool_:
        return _np.ascontiguousarray(a, dtype=_np.uint32)
    return _np.ascontiguousarray(a, dtype=target)


class State:
    """One instance of a model's compartments, parameters and seed."""

    def __init__(self, model, core):
        self.model = model
        self._core = core
        self.params = _Params(self)
        self._threads = 1

    seed = property(lambda self: self._core.seed)

    def __getitem__(self, name):
        """The compartment as a NumPy array that views the state's memory (writes
        are seen by the next step); a factored matrix, a wired name or a bool
        compartment is a read-only copy."""
        return self._core.get(name)

    def __setitem__(self, name, value):
        self._core.set(name, _words(self, name, value))

    def step(self, process, t=0.0, dt=None):
        """Runs one step of `process` at time t."""
        self._core.step(process, float(t), float(self.model.dt if dt is None else dt))

    def run(self, processes, steps, drive=None, record=(), schedule=(), t0=0.0, dt=None, first=0, progress=False):
        """Runs `steps` steps of `processes` (a name or a list, in order) in
        native code, the GIL released.

        drive: {compartment: array of [steps, *shape]}: row k is written before step k.
        record: specs as `neurofuse run --record` takes them, e.g. "z1.v",
          "z1.s:events", "z1.v[0:10]:every=100", "z1.s:mean:as=rate".
        schedule: (process, period, "start" | "end") tuples: run before steps 0,
          period, ... ("start"; period 0: once, before step 0) or after steps
          period - 1, 2 period - 1, ... ("end").
        progress: True for a progress bar (tqdm when installed).
        Returns {name: array} as `--out` names them. Ctrl-C stops the run at a
        step boundary (KeyboardInterrupt; the state has run the steps before)."""
        if isinstance(processes, str):
            processes = [processes]
        if isinstance(record, str):
            record = [record]
        steps = int(steps)
        drives = {name: _words(self, name, value, rows=steps) for name, value in (drive or {}).items()}
        sched = []
        for entry in schedule:
            process, period, at = entry
            if at not in ("start", "end"):
                raise StateError("schedule entry %r: the last element is 'start' or 'end'" % (entry,))
            sched.append((process, int(period), at == "start"))
        callback, bar = None, None
        if progress:
            try:
                from tqdm import tqdm
                bar = tqdm(total=steps, unit="step")
                last = [0]

                def callback(done):
                    bar.update(done - last[0])
                    last[0] = done
            except ImportError:
                def callback(done):
                    _sys.stderr.write("\r%d/%d steps" % (done, steps))
        try:
            pairs = self._core.run(list(processes), steps, float(t0), float(self.model.dt if dt is None else dt),
                                   int(first), drives, list(record), sched, callback)
        finally:
            if bar is not None:
                bar.close()
        return dict(pairs)

    def reset(self, seed=None):
        """Returns the state to what Model.state(seed) gives (default: its seed)."""
        self._core.reinitialize(self.seed if seed is None else int(seed))

    @property
    def threads(self):
        return self._threads

    @threads.setter
    def threads(self, n):
        """Threads a step may use; results are bit-identical for any count."""
        self._core.set_threads(int(n))
        self._threads = int(n)

    def save(self, path):
        """Writes a checkpoint (.npz) of every compartment, parameter and the seed."""
        import os
        self._core.save(os.fspath(path))

    def load(self, path):
        """Loads a checkpoint; on failure the state is as it was."""
        import os
        self._core.load(os.fspath(path))

    def copy(self):
        """An independent state with the same values, parameters and seed."""
        other = self.model.state(self.seed)
        for c in self.model.compartments:
            other._core.set(c.name, _words(other, c.name, self[c.name]))
        for name in self.model.parameters:
            other.params[name] = self.params[name]
        return other

    def __repr__(self):
        return "<neurofuse.State of %r, seed %d>" % (self.model.name, self.seed)
