"""The Python package against the CLI and the C API's promises: zero-copy
views, bit-equal runs, recordings, errors as exceptions, files.

Run by ctest as `python3 -m pytest tests/python` with PYTHONPATH=build/python
and NF_CLI=build/bin/neurofuse."""
import os
import signal
import subprocess
import threading

import numpy as np
import pytest

import neurofuse as nf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("NF_CLI", os.path.join(ROOT, "build", "bin", "neurofuse"))
SPIKING = os.path.join(ROOT, "examples", "spiking", "poisson_lif.nf")
LAYER = os.path.join(ROOT, "bench", "models", "mstdpet_layer_1000.nf")

SMALL = """
model small {
  seed = 7
  z0 = BernoulliCell(n_units=12)
  W = StaticSynapse(shape=(12, 5), weight_init=uniform(0.0, 0.9))
  z1 = LIFCell(n_units=5, tau_m=8.0, resist_m=15.0, thr=-52.0, v_rest=-65.0, v_reset=-60.0, refract_time=2.0)
  z0.outputs >> W.inputs
  W.outputs >> z1.j
  process advance = z0.advance_state >> W.advance_state >> z1.advance_state
  process reset = z0.reset >> z1.reset
}
"""


@pytest.fixture(scope="module")
def spiking():
    return nf.compile(SPIKING)


@pytest.fixture(scope="module")
def small():
    return nf.compile(SMALL)


def cli(*args):
    return subprocess.run([CLI, *args], check=True, capture_output=True, text=True)


def test_compile_and_introspect(spiking):
    assert spiking.name == "poisson_lif"
    assert spiking.processes == ["advance", "reset", "initialize"]
    by_name = {c.name: c for c in spiking.compartments}
    assert by_name["z1.v"].shape == (1, 4) and by_name["z1.v"].dtype == "float32" and by_name["z1.v"].role == "state"
    assert by_name["z0.key"].dtype == "int32"
    assert by_name["W.weights"].shape == (16, 4)
    assert spiking.aliases == ["W.inputs", "z1.j", "tr.inputs"]
    assert spiking.parameters["z1.tau_m"] == 10.0
    assert spiking.dt == 1.0 and spiking.seed == 1
    text = spiking.ir("advance")
    assert text.startswith("process advance {") and "write z1.v" in text
    assert "alias z1.j = W.outputs" in spiking.ir()
    plan = spiking.kernels("advance")
    assert plan == subprocess.run([CLI, "ir", SPIKING, "--stage", "kernels", "--process", "advance"],
                                  check=True, capture_output=True, text=True).stdout
    assert "kernel" in plan
    library = nf.components()
    assert "LIFCell" in library and "MSTDPETSynapse" in library
    assert library["LIFCell"].doc.startswith("LIFCell") and "tau_m" in library["LIFCell"].doc
    # the same reference as the CLI's
    assert library["LIFCell"].doc == subprocess.run([CLI, "components", "LIFCell"], check=True, capture_output=True,
                                                    text=True).stdout
    assert "component LIFCell" in library["LIFCell"].source


def test_views_share_the_state_memory(small):
    s = small.state()
    v = s["z1.v"]
    assert np.shares_memory(v, s["z1.v"])
    assert v.flags.writeable
    # A write through the view is what the next step reads: the same as assigning it.
    t = small.state()
    v[...] = np.float32(-55.5)
    t["z1.v"] = -55.5
    s["z0.inputs"] = 0.4
    t["z0.inputs"] = 0.4
    s.step("advance")
    t.step("advance")
    assert np.array_equal(s["z1.v"], t["z1.v"])
    # The view stays valid, and keeps the state alive, after the State object is gone.
    view = small.state()["z1.v"]
    assert np.array_equal(view, np.full((1, 5), -65.0, np.float32))


def test_factored_and_wired_compartments_are_read_only_copies():
    layer = nf.compile(LAYER)
    assert any(c.factored for c in layer.compartments if c.name == "W.dWeights")
    s = layer.state(1)
    s["pre.inputs"] = 0.05
    s["post.inputs"] = 0.05
    s.step("reset")
    s["W.modulator"] = 1.0
    for _ in range(3):
        s.step("step")
    dw = s["W.dWeights"]
    assert not dw.flags.writeable
    assert dw.shape == (1000, 1000) and np.any(dw != 0)
    x = np.arange(1000 * 1000, dtype=np.float32).reshape(1000, 1000) / 1e6
    s["W.dWeights"] = x
    assert np.array_equal(s["W.dWeights"], x)
    wired = nf.compile(SPIKING).state()
    j = wired["z1.j"]
    assert not j.flags.writeable
    with pytest.raises(nf.StateError, match="'z1.j' is wired from 'W.outputs'"):
        wired["z1.j"] = 1.0


def test_assignment_casts_by_same_kind_and_names_what_does_not_fit(small):
    s = small.state()
    s["z1.v"] = np.full((1, 5), -60.0)  # float64 to float32: same kind
    assert s["z1.v"].dtype == np.float32 and np.all(s["z1.v"] == -60.0)
    s["z0.key"] = np.int64(3)  # int64 to int32
    assert s["z0.key"] == 3
    before = s["z1.v"].copy()
    with pytest.raises(nf.StateError, match=r"cannot assign float64 \(2, 5\) to 'z1.v', which is float32 \(1, 5\)"):
        s["z1.v"] = np.zeros((2, 5))
    with pytest.raises(nf.StateError, match="same_kind"):
        s["z0.key"] = 1.5  # float to int32: not the same kind
    with pytest.raises(nf.StateError, match="no compartment 'z1.vv'; did you mean 'z1.v'"):
        s["z1.vv"] = 0.0
    assert np.array_equal(s["z1.v"], before)  # a failed assignment changes nothing


def test_runs_equal_the_cli_bit_for_bit(small, tmp_path):
    steps = 300
    rates = (np.arange(steps * 12).reshape(steps, 1, 12) % 7 / 10.0).astype(np.float32)
    np.save(tmp_path / "in.npy", rates)
    (tmp_path / "small.nf").write_text(SMALL)
    records = ["z1.v", "z1.s:events", "z1.s:mean:every=3:start=1", "z1.v[4,0]", "z1.j:as=j"]
    cli("run", str(tmp_path / "small.nf"), "--process", "advance", "--steps", str(steps), "--seed", "9",
        "--set", "z1.tau_m=12.5", "--drive", "z0.inputs=%s" % (tmp_path / "in.npy"),
        *[a for r in records for a in ("--record", r)], "--out", str(tmp_path / "cli.npz"))
    want = np.load(tmp_path / "cli.npz")
    s = small.state(seed=9)
    s.params["z1.tau_m"] = 12.5
    s.step("initialize")  # initial values that read the parameter, as the CLI does after --set
    got = s.run("advance", steps, drive={"z0.inputs": rates}, record=records)
    assert sorted(got) == sorted(want.files)
    for name in want.files:
        assert got[name].dtype == want[name].dtype and np.array_equal(got[name], want[name]), name
    assert len(got["z1.s:events"]) > 0


def test_schedules_threads_and_pieces_change_no_bit(small):
    a, b = small.state(), small.state()
    a["z0.inputs"] = 0.5
    b["z0.inputs"] = 0.5
    b.threads = 2
    sched = [("reset", 50, "start")]
    whole = a.run("advance", 200, record=["z1.v"], schedule=sched)["z1.v"]
    first = b.run("advance", 120, record=["z1.v"], schedule=sched)["z1.v"]
    rest = b.run("advance", 80, record=["z1.v"], schedule=sched, first=120)["z1.v"]
    assert np.array_equal(whole, np.concatenate([first, rest]))


def test_states_run_in_parallel_threads(small):
    states = [small.state(seed=k) for k in range(4)]
    for s in states:
        s["z0.inputs"] = 0.3
    alone = [small.state(seed=k) for k in range(4)]
    for s in alone:
        s["z0.inputs"] = 0.3
    want = [s.run("advance", 3000, record=["z1.s:events"])["z1.s:events"] for s in alone]
    got = [None] * 4

    def work(k):
        got[k] = states[k].run("advance", 3000, record=["z1.s:events"])["z1.s:events"]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(4):
        assert np.array_equal(got[k], want[k])


def test_ctrl_c_stops_at_a_step_boundary(small):
    s = small.state()
    s["z0.inputs"] = 0.5
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        s.run("advance", 10**10)
    timer.join()
    # The state is whole: it steps on like any other.
    s.step("advance")
    assert np.all(np.isfinite(s["z1.v"]))


def test_errors_are_exceptions(tmp_path, small):
    with pytest.raises(nf.ModelError) as e:
        nf.compile("model m {\n  z = LIFCell(n_units=3, tau_mm=1.0)\n  process p = z.advance_state\n}\n")
    assert e.value.line == 2 and e.value.column > 0 and e.value.file == "<string>"
    assert "tau_mm" in str(e.value) and "^" in str(e.value)
    with pytest.raises(nf.IOError):
        nf.compile(str(tmp_path / "missing.nf"))
    s = small.state()
    with pytest.raises(nf.StateError, match="no process 'advanc'; did you mean 'advance'"):
        s.step("advanc")
    with pytest.raises(nf.StateError, match="unknown kind 'event'"):
        s.run("advance", 5, record=["z1.s:event"])
    with pytest.raises(nf.StateError, match="no run-time parameter"):
        s.params["z1.nope"] = 1.0
    with pytest.raises(nf.IOError):
        s.load(str(tmp_path / "missing.npz"))
    (tmp_path / "bad.so").write_bytes(b"not a library")
    with pytest.raises(nf.IOError, match="not a loadable module"):
        nf.load(str(tmp_path / "bad.so"))
    assert issubclass(nf.IOError, OSError) and issubclass(nf.StateError, nf.NeurofuseError)


def test_files_modules_checkpoints_and_copies(small, tmp_path):
    small.save(tmp_path / "small.so")
    loaded = nf.load(tmp_path / "small.so")
    a, b = small.state(seed=3), loaded.state(seed=3)
    for s in (a, b):
        s["z0.inputs"] = 0.45
    assert np.array_equal(a.run("advance", 100, record=["z1.v"])["z1.v"],
                          b.run("advance", 100, record=["z1.v"])["z1.v"])
    a.save(tmp_path / "a.npz")
    c = small.state(seed=0)
    c.load(tmp_path / "a.npz")
    d = a.copy()
    outs = [x.run("advance", 50, record=["z1.v", "z1.s:events"]) for x in (a, c, d)]
    for o in outs[1:]:
        for k in o:
            assert np.array_equal(o[k], outs[0][k])
    d["z1.v"] = 0.0  # the copy is independent
    assert not np.array_equal(d["z1.v"], a["z1.v"])
    a.reset()
    assert np.array_equal(a["z1.v"], small.state(seed=3)["z1.v"])


def test_every_backend_and_specialize_equal_the_jit(small, tmp_path):
    records = ["z1.v", "z1.s:events", "z1.s:sum", "z1.v[3,1]:every=4:start=2", "z1.j:mean"]
    runs = []
    for options in ({}, {"backend": "aot"}, {"specialize": True}, {"backend": "interp"}):
        m = nf.compile(SMALL, **options)
        s = m.state()
        rates = np.full((150, 1, 12), 0.6, np.float32)  # driven, as the reset clears them
        first = s.run("advance", 90, drive={"z0.inputs": rates[:90]}, record=records, schedule=[("reset", 60, "start")])
        rest = s.run("advance", 60, drive={"z0.inputs": rates[90:]}, record=records,
                     schedule=[("reset", 60, "start")], first=90)
        runs.append((first, rest, s["z1.v"].copy()))
    for other in runs[1:]:
        for a, b in ((runs[0][0], other[0]), (runs[0][1], other[1])):
            assert sorted(a) == sorted(b)
            for k in a:
                assert a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]), k
        assert np.array_equal(runs[0][2], other[2])
    assert len(runs[0][0]["z1.s:events"]) > 0
    # The interpreter's states: introspection, read-only copies, checkpoints the compiled ones read.
    m = nf.compile(SMALL, backend="interp")
    assert m.processes == small.processes and m.compartments == small.compartments and m.aliases == small.aliases
    s = m.state()
    assert not s["z1.v"].flags.writeable
    with pytest.raises(nf.StateError, match="did you mean 'advance'"):
        s.step("advanc")
    with pytest.raises(nf.StateError, match="wired from 'W.outputs'"):
        s["z1.j"] = 0.0
    s["z0.inputs"] = 0.6
    s.run("advance", 20)
    s.save(tmp_path / "interp.npz")
    c = small.state(seed=0)
    c.load(tmp_path / "interp.npz")
    assert np.array_equal(c["z1.v"], s["z1.v"])


def test_the_mod_stdp_lesson_from_python_equals_the_cpp_driver(tmp_path):
    script = os.path.join(ROOT, "examples", "mod_stdp", "mod_stdp.py")
    run = subprocess.run([os.sys.executable, script, str(tmp_path)], capture_output=True, text=True,
                         env=dict(os.environ))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "all listed steps match: 0 of 80 table values differ" in run.stdout
    driver, module = os.environ.get("NF_MOD_STDP_DRIVER"), os.environ.get("NF_MOD_STDP_MODULE")
    if not driver:
        pytest.skip("the C++ driver's path is not given (NF_MOD_STDP_DRIVER)")
    (tmp_path / "cpp").mkdir()
    subprocess.run([driver, module, str(tmp_path / "cpp")], check=True, capture_output=True)
    ours, theirs = np.load(tmp_path / "trajectories.npz"), np.load(tmp_path / "cpp" / "trajectories.npz")
    assert sorted(ours.files) == sorted(theirs.files)
    for k in theirs.files:
        assert ours[k].dtype == theirs[k].dtype and np.array_equal(ours[k], theirs[k]), k


def test_quickstart_runs_and_records(tmp_path):
    script = os.path.join(ROOT, "examples", "python", "quickstart.py")
    run = subprocess.run([os.sys.executable, script, str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = np.load(tmp_path / "quickstart.npz")
    spikes = out["spikes"]
    assert spikes.dtype == np.int32 and spikes.shape[1] == 2 and len(spikes) > 100
    assert np.all(np.diff(spikes[:, 0]) >= 0)  # in step order
    # The population rate is the mean of the same spikes, step by step.
    counts = np.bincount(spikes[:, 0], minlength=1000)[:1000].astype(np.float32)
    assert np.array_equal(out["rate"], counts / np.float32(40))


def test_sparse_storage_reads_as_its_connectivity():
    # A synapse kept as its connections: the structure maps the weights back
    # to the matrix, and the product over it is the dense product's value.
    m = nf.compile("""
model sparse {
  seed = 3
  W = StaticSynapse(shape=(50, 20), storage="sparse", p_conn=0.1, weight_init=uniform(-1.0, 1.0))
  process advance = W.advance_state
}
""")
    assert m.connectivities == ["W.connections"]
    conn = m.connectivity("W.connections")
    s = m.state()
    assert s["W.weights"].shape == (len(conn),) and conn.shape == (50, 20) and 40 < len(conn) < 170
    assert np.all(np.diff(conn.row * 20 + conn.column) > 0)
    x = (np.random.default_rng(2).random((1, 50)) < 0.3).astype(np.float32)
    s["W.inputs"] = x
    s.step("advance")
    dense = conn.dense(s["W.weights"])
    assert dense.dtype == np.float32 and np.count_nonzero(dense) == len(conn)
    # Exact: each output adds its few products in ascending row order.
    want = np.zeros(20, np.float32)
    for r, c, v in zip(conn.row, conn.column, conn.value):
        if x[0, r] != 0:
            want[c] = np.float32(want[c] + np.float32(x[0, r] * s["W.weights"][v]))
    assert np.array_equal(s["W.outputs"][0], want)
    assert np.allclose(s["W.outputs"][0], x[0] @ dense, rtol=1e-5, atol=1e-6)
    with pytest.raises(nf.StateError, match="no connectivity 'W.conections'; did you mean 'W.connections'"):
        m.connectivity("W.conections")
    with pytest.raises(ValueError, match="W.connections has %d values, given 3" % len(conn)):
        conn.dense(np.ones(3))


def test_fast_precision_is_the_clis_and_the_same_on_every_backend(tmp_path):
    """precision="fast" is the CLI's --precision fast: the IR has fma where
    exact has none, the JIT and the interpreter agree bit for bit, the run
    equals the CLI's and differs from exact precision's; a precision name
    that does not exist is refused."""
    path = os.path.join(ROOT, "tests", "cli", "precision.nf")
    exact = nf.compile(path, model="flag")
    fast = nf.compile(path, model="flag", precision="fast")
    assert "fma" not in exact.ir("step") and "fma" in fast.ir("step")
    assert fast.ir() == cli("ir", path, "--model", "flag", "--precision", "fast").stdout
    x = (np.random.default_rng(1).standard_normal((1, 64)) * 3).astype(np.float32)
    runs = {}
    for name, model in (("exact", exact), ("fast", fast),
                        ("fast-interp", nf.compile(path, model="flag", precision="fast", backend="interp"))):
        s = model.state()
        s["c.x"] = x
        s["c.y"] = x[:, ::-1]
        runs[name] = s.run("step", 20, record=["c.g"])["c.g"]
    assert np.array_equal(runs["fast"].view(np.uint32), runs["fast-interp"].view(np.uint32))
    assert not np.array_equal(runs["fast"], runs["exact"])
    out = tmp_path / "fast.npz"
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", np.ascontiguousarray(x[:, ::-1]))
    cli("run", path, "--model", "flag", "--precision", "fast", "--process", "step", "--steps", "20",
        "--set", f"c.x={tmp_path / 'x.npy'}", "--set", f"c.y={tmp_path / 'y.npy'}", "--record", "c.g", "--out", str(out))
    assert np.array_equal(np.load(out)["c.g"].view(np.uint32), runs["fast"].view(np.uint32))
    with pytest.raises(ValueError, match="unknown precision 'quick'"):
        nf.compile(path, model="flag", precision="quick")


def test_fast_precision_for_some_processes():
    """precision="fast:step" makes `step` fast and leaves `other` exact, as
    the CLI's --precision fast:step does; an unknown process is refused with
    a suggestion."""
    path = os.path.join(ROOT, "tests", "cli", "precision.nf")
    some = nf.compile(path, model="two", precision="fast:step")
    assert "fma" in some.ir("step") and "fma" not in some.ir("other")
    assert some.ir() == cli("ir", path, "--model", "two", "--precision", "fast:step").stdout
    with pytest.raises(ValueError, match="did you mean 'step'"):
        nf.compile(path, model="two", precision="fast:stpe")


def test_tiered_compile_gives_the_optimized_bits(tmp_path, monkeypatch):
    """compile(tiered=True) with an empty cache returns quickly compiled code
    that switches to the optimized build; a run across the switch gives the
    bits of the optimized build alone, and wait_optimized() reports the switch."""
    monkeypatch.setenv("NEUROFUSE_CACHE_DIR", str(tmp_path / "cache"))
    path = os.path.join(ROOT, "tests", "cli", "tiered.nf")
    tiered = nf.compile(path)
    runs = {}
    for name, model in (("tiered", tiered), ("alone", nf.compile(path, tiered=False))):
        s = model.state()
        runs[name] = s.run("step", 300, record=["W.weights:sum", "z.v"])
    for k in runs["alone"]:
        assert np.array_equal(runs["tiered"][k].view(np.uint32), runs["alone"][k].view(np.uint32)), k
    assert tiered.wait_optimized()


def test_tiered_model_in_a_forked_child(tmp_path, monkeypatch):
    """A process forked while the optimized build runs (multiprocessing's
    default on Linux) has the model's code but not the build's thread, nor
    a state's worker threads: it steps, wait_optimized() answers at once,
    and destroying the state and closing the model there neither hangs nor
    crashes (destroying a two-thread state hung before); the parent's build
    goes on."""
    import gc
    monkeypatch.setenv("NEUROFUSE_CACHE_DIR", str(tmp_path / "cache"))
    model = nf.compile(os.path.join(ROOT, "tests", "cli", "tiered.nf"))
    threaded = model.state()
    threaded.threads = 2
    threaded.run("step", 5)
    pid = os.fork()
    if pid == 0:
        code = 5
        try:
            threaded.run("step", 5)
            del threaded
            s = model.state()
            s.run("step", 20, record=["z.v"])
            model.wait_optimized()
            del s
            del model  # closes it here
            gc.collect()
            code = 0
        finally:
            os._exit(code)
    import signal
    import time
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError("the forked child hung")
        time.sleep(0.05)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert model.wait_optimized()
