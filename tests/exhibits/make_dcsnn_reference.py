"""Makes dcsnn_reference.npz: the DC-SNN exhibit (examples/dcsnn/dcsnn.nf,
model dcsnn_100) trained on Fashion-MNIST training images 0 and 1 as
examples/dcsnn/dcsnn.py's DCSNN.present does it (reset, the image clamped
on z0.inputs, 200 steps of advance then evolve, then norm), and the float32
NumPy transcription of ngclearn's source (dcsnn_numpy.py) run on the draws
neurofuse made.

The draws are neurofuse's own generator's, so they are the transcription's
inputs: z0's Poisson spikes and z1e's one-spike choice (z1e.s where a unit
crossed), with the initial W1 (uniform(0, 0.3) from the state's seed).
Everything else the transcription computes. The file (about 1 MB) keeps the
inputs and the transcription's values, losslessly (save() says how): the
PER_STEP compartments of dcsnn_numpy every step, and W1 after each image's
steps and after its norm. test_dcsnn.py compares neurofuse with them bit for
bit. The script prints the first difference of any value that differs and
exits 1 (the file is written all the same).

  PYTHONPATH=build/python /usr/bin/python3 tests/exhibits/make_dcsnn_reference.py
"""
import functools
import hashlib
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "examples", "fashion_mnist"))

import dcsnn_numpy  # noqa: E402

MODEL = os.path.join(ROOT, "examples", "dcsnn", "dcsnn.nf")
REFERENCE = os.path.join(HERE, "dcsnn_reference.npz")
HIDDEN = 100
IMAGES = (0, 1)        # Fashion-MNIST training images
T = 200                # steps per image (dcsnn.py)
INPUTS = ("z0.outputs", "z1e.s")   # the draws neurofuse made


@functools.lru_cache(maxsize=None)
def images():
    from fmnist import fashion_mnist
    xtr = fashion_mnist()[0]
    return xtr[list(IMAGES)]


def run_neurofuse(backend="jit", steps=T, norm=True, hidden=HIDDEN):
    """DCSNN.present(image, learn=True) for each image, with `steps` steps an
    image (T as the exhibit; fewer for a short run). Gives {name: [images *
    steps, n]} for the draws (INPUTS) and dcsnn_numpy.PER_STEP, W1 before
    ("W1.initial"), after each image's steps ("W1.steps") and after its norm
    ("W1.norm"), W1ie and W1ei's weights and z0.inputs as clamped. `hidden`:
    the model, dcsnn_100 or dcsnn_400."""
    import neurofuse as nf
    m = nf.compile(MODEL, model=f"dcsnn_{hidden}", backend=backend)
    s = m.state()
    names = sorted(set(INPUTS) | set(dcsnn_numpy.PER_STEP))
    out = {k: [] for k in names}
    out.update({"W1.initial": np.array(s["W1.weights"]), "W1ie.weights": np.array(s["W1ie.weights"]),
                "W1ei.weights": np.array(s["W1ei.weights"])})
    after_steps, after_norm, clamped = [], [], []
    for x in images():
        s.step("reset")
        s["z0.inputs"] = x.reshape(1, -1)
        clamped.append(np.array(s["z0.inputs"]).reshape(-1))
        r = s.run(["advance", "evolve"], steps, record=names)
        for k in names:
            out[k].append(r[k].reshape(steps, -1))
        after_steps.append(np.array(s["W1.weights"]))
        if norm:
            s.step("norm")
            after_norm.append(np.array(s["W1.weights"]))
    for k in names:
        out[k] = np.concatenate(out[k])
    out["W1.steps"] = np.stack(after_steps)
    if norm:
        out["W1.norm"] = np.stack(after_norm)
    out["z0.inputs"] = np.stack(clamped)
    return out


def transcribe(inputs, steps=T, norm=True):
    """The transcription on a run's draws (a neurofuse run or the kept file)."""
    return dcsnn_numpy.replay(inputs["W1.initial"], images(), inputs["z0.outputs"], inputs["z1e.s"], steps, norm)


COMPARED = dcsnn_numpy.PER_STEP + ("W1.steps", "W1.norm")
SPIKES = ("z1e.s_raw", "z1e.s", "z1i.s")
TABLED = ("tr0.trace", "z0.tols")     # a few hundred distinct values


def pack(spikes):
    return np.packbits(np.asarray(spikes) != 0, axis=-1)


def unpack(bits, n):
    return np.unpackbits(bits, axis=-1, count=n).astype(np.float32)


def bits(a):
    return np.ascontiguousarray(a, np.float32).view(np.uint32)


def save(run, ref, path=REFERENCE):
    """Writes the draws of `run` and the transcription's values `ref`,
    losslessly and compactly: spikes as bits; tr0.trace and z0.tols (under
    256 distinct values each) as a table and uint8 indices; W1.outputs as the XOR of
    its bits with z1e.j's (they differ only where W1ie transmits); W1 after an
    image's steps as the XOR with the W1 the image started from (only the
    columns of units that spiked change); W1 after the norm as W1 after the
    steps and the norm's column factors (the norm's last operation is that
    product), with a SHA-256 of its bits that load() checks."""
    kept = {"W1.initial": run["W1.initial"], "input.z0.outputs": pack(run["z0.outputs"]),
            "input.z1e.s": pack(run["z1e.s"])}
    for k in SPIKES:
        kept[k] = pack(ref[k])
    for k in TABLED:
        table, index = np.unique(bits(ref[k]), return_inverse=True)
        assert len(table) <= 256, k
        kept[k + ".table"], kept[k + ".index"] = table, index.reshape(ref[k].shape).astype(np.uint8)
    kept["W1.outputs.xor"] = bits(ref["W1.outputs"]) ^ bits(ref["z1e.j"])
    start = np.concatenate([run["W1.initial"][None], ref["W1.norm"][:-1]])
    kept["W1.steps.xor"] = bits(ref["W1.steps"]) ^ bits(start)
    kept["W1.scale"] = ref["W1.scale"]
    kept["W1.norm.sha256"] = np.array(hashlib.sha256(bits(ref["W1.norm"]).tobytes()).hexdigest())
    for k in dcsnn_numpy.PER_STEP:
        if k not in SPIKES + TABLED + ("W1.outputs",):
            kept[k] = ref[k]
    np.savez_compressed(path, **{k.replace(".", ":"): v for k, v in kept.items()})


def load(path=REFERENCE):
    """The kept file: (inputs, values). inputs: "W1.initial", "z0.outputs"
    and "z1e.s" (float32), as run_neurofuse gives them; values: the
    transcription's COMPARED values and "W1.scale", as replay gives them."""
    with np.load(path) as f:
        kept = {k.replace(":", "."): f[k] for k in f.files}
    inputs = {"W1.initial": kept.pop("W1.initial"), "z0.outputs": unpack(kept.pop("input.z0.outputs"), 784),
              "z1e.s": unpack(kept.pop("input.z1e.s"), HIDDEN)}
    values = {k: unpack(kept.pop(k), HIDDEN) for k in SPIKES}
    for k in TABLED:
        values[k] = kept.pop(k + ".table")[kept.pop(k + ".index")].view(np.float32)
    values["W1.outputs"] = (kept.pop("W1.outputs.xor") ^ bits(kept["z1e.j"])).view(np.float32)
    xor, scale, digest = kept.pop("W1.steps.xor"), kept.pop("W1.scale"), str(kept.pop("W1.norm.sha256"))
    steps, norm, w = [], [], inputs["W1.initial"]
    for k in range(len(xor)):
        steps.append((xor[k] ^ bits(w)).view(np.float32))
        w = steps[-1] * scale[k]
        norm.append(w)
    values["W1.steps"], values["W1.norm"], values["W1.scale"] = np.stack(steps), np.stack(norm), scale
    if hashlib.sha256(bits(values["W1.norm"]).tobytes()).hexdigest() != digest:
        raise ValueError(f"{path}: W1.norm does not rebuild to the digest it was saved with")
    values.update(kept)
    return inputs, values


def ulps(a, b):
    """Distance in float32 ulps (+0 and -0 are 0 apart)."""
    ia = np.asarray(a, np.float32).view(np.int32).astype(np.int64)
    ib = np.asarray(b, np.float32).view(np.int32).astype(np.int64)
    ia = np.where(ia < 0, -(ia & 0x7FFFFFFF), ia)
    ib = np.where(ib < 0, -(ib & 0x7FFFFFFF), ib)
    return np.abs(ia - ib)


def first_difference(name, got, want, steps=T, labels=("neurofuse", "transcription")):
    """None when got and want are the same float32 bits, else a message
    naming the first differing element (for a per-step value its step, as
    image and step within the image, and unit; for W1 the image and the
    element) and the ulp distances. `steps`: steps an image; `labels`: what
    got and want are."""
    want = np.ascontiguousarray(want, np.float32)
    got = np.ascontiguousarray(got, np.float32).reshape(want.shape)
    if np.array_equal(got.view(np.uint32), want.view(np.uint32)):
        return None
    diff = np.argwhere(got.view(np.uint32) != want.view(np.uint32))
    at = tuple(int(i) for i in diff[0])
    if len(at) == 2:
        where = f"step {at[0]} (image {at[0] // steps}, step {at[0] % steps}), unit {at[1]}"
    else:
        where = f"image {at[0]}, element {at[1:]}"
    return (f"{name}: {len(diff)} of {got.size} elements differ; the first at {where}: "
            f"{labels[0]} {got[at]!r}, {labels[1]} {want[at]!r} ({ulps(got[at], want[at])} ulp); "
            f"at most {ulps(got, want).max()} ulp apart")


def main():
    run = run_neurofuse()
    ref = transcribe(run)
    bad = [m for k in COMPARED for m in [first_difference(k, run[k], ref[k])] if m]
    for m in bad:
        print(m)
    save(run, ref)
    inputs, values = load()
    for k in ("W1.initial", "z0.outputs", "z1e.s"):
        assert np.array_equal(bits(inputs[k]), bits(run[k])), k
    for k in COMPARED + ("W1.scale",):
        assert np.array_equal(bits(values[k]), bits(ref[k])), k
    spikes = run["z1e.s"].reshape(len(IMAGES), T, -1).sum(axis=(1, 2))
    raw = ref["z1e.s_raw"].reshape(len(IMAGES), T, -1).sum(axis=(1, 2))
    print(f"{REFERENCE}: {os.path.getsize(REFERENCE)} bytes; z1e spikes per image {spikes.tolist()} "
          f"(raw crossings {raw.tolist()}), z0 spikes {run['z0.outputs'].sum():.0f}; "
          + ("neurofuse equals the transcription bit for bit" if not bad else f"{len(bad)} values differ"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
