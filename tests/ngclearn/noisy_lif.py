"""The ngclearn side of the T-maze window.

ngc-museum's RL-SNN exhibit (exhibits/rl_snn) uses its own NoisyLIFCell
(custom/noisyLIFCell.py), which ngclearn 3.2.3 does not ship. `NoisyLIFCell`
below states the same update for ngclearn 3.x, written against the exhibit's
published equations and expression order (what matters for rounding):

    dv/dt = (v_rest - v) * v_decay * (1. / tau_m) + (j * mask)     (_dfv_internal)
    v1    = step_euler(0., v, _dfv, dt, params)                     (ngclearn's jitted Euler step)
    j     = j * resist_m + normal(key) * eps_scale

with the spike, reset, refractory and time-of-last-spike updates of
ngclearn's LIFCell. Only the Euler path and tau_theta = 0 (the T-maze's
settings) are implemented.
"""
from __future__ import annotations

import numpy as np
from jax import numpy as jnp, random
from ngclearn import Compartment, compilable
from ngclearn.components.jaxComponent import JaxComponent
from ngclearn.utils.diffeq.ode_utils import step_euler

from harness import Instance


def _dfv(t, v, params):  # voltage dynamics, the exhibit's expression order
    j, rfr, tau_m, refract_T, v_rest, v_decay = params
    mask = (rfr >= refract_T) * 1.
    dv_dt = (v_rest - v) * v_decay * (1. / tau_m) + (j * mask)
    return dv_dt


class NoisyLIFCell(JaxComponent):
    def __init__(self, name, n_units, tau_m, resist_m=1., thr=-52., v_rest=-65., v_reset=-60., v_decay=1.,
                 tau_theta=0., theta_plus=0.05, refract_time=5., eps_scale=0.2, key=None):
        super().__init__(name, key)
        assert tau_theta == 0.0, "only the T-maze's tau_theta = 0 is stated here"
        self.tau_m, self.resist_m, self.thr = tau_m, resist_m, thr
        self.v_rest, self.v_reset, self.v_decay = v_rest, v_reset, v_decay
        self.refract_T, self.eps_scale = refract_time, eps_scale
        self.batch_size, self.n_units = 1, n_units
        rest = jnp.zeros((1, n_units))
        self.j = Compartment(rest)
        self.v = Compartment(rest + self.v_rest)
        self.s = Compartment(rest)
        self.s_raw = Compartment(rest)
        self.rfr = Compartment(rest + self.refract_T)
        self.thr_theta = Compartment(rest)
        self.tols = Compartment(rest)
        self.surrogate = Compartment(rest + 1.)

    @compilable
    def advance_state(self, dt, t):
        key, *skeys = random.split(self.key.get(), 3)
        j = self.j.get() * self.resist_m
        j = j + random.normal(skeys[0], j.shape) * self.eps_scale
        _v_thr = self.thr_theta.get() + self.thr
        v_params = (j, self.rfr.get(), self.tau_m, self.refract_T, self.v_rest, self.v_decay)
        _, _v = step_euler(0., self.v.get(), _dfv, dt, v_params)
        s = (_v > _v_thr) * 1.
        _rfr = (self.rfr.get() + dt) * (1. - s)
        _v = _v * (1. - s) + s * self.v_reset
        self.tols.set((1. - s) * self.tols.get() + (s * t))
        self.v.set(_v)
        self.s.set(s)
        self.s_raw.set(s)
        self.rfr.set(_rfr)

    @compilable
    def reset(self):
        rest = jnp.zeros((self.batch_size, self.n_units))
        if not self.j.targeted:
            self.j.set(rest)
        self.v.set(rest + self.v_rest)
        self.s.set(rest)
        self.s_raw.set(rest)
        self.rfr.set(rest + self.refract_T)
        self.tols.set(rest)


def tmaze_ngclearn_instances():
    """Instances, wires and the `norm` hook of examples/tmaze/tmaze.nf, for
    ngclearn (the .nf constructors are unused: the case runs tmaze.nf)."""
    import ngclearn.components as C
    from ngclearn.utils.model_utils import normalize_matrix

    lif = dict(tau_m=100.0, resist_m=1.0, v_decay=1.0, thr=-52.0, v_rest=-65.0, v_reset=-65.0, eps_scale=0.0,
               tau_theta=0.0, theta_plus=0.0, refract_time=0.0)
    instances = [
        Instance("z0", "", lambda n: C.PoissonCell(n, n_units=270, target_freq=127.5)),
        Instance("W1", "", lambda n: C.StaticSynapse(n, shape=(270, 36), resist_scale=4.0)),
        Instance("V1", "", lambda n: C.StaticSynapse(n, shape=(36, 36), resist_scale=-4.0,
                                                       weight_init=_hollow_ones())),
        Instance("z1", "", lambda n: NoisyLIFCell(n, n_units=36, **lif)),
        Instance("V2", "", lambda n: C.StaticSynapse(n, shape=(4, 4), resist_scale=-4.0,
                                                       weight_init=_hollow_ones())),
        Instance("W2", "", lambda n: C.MSTDPETSynapse(n, shape=(36, 4), A_plus=1.0, A_minus=0.01, tau_elg=40.0,
                                                        eta=0.1, tau_w=2.0e7, pretrace_target=0.0, w_bound=1.0,
                                                        resist_scale=1.0)),
        Instance("z2", "", lambda n: NoisyLIFCell(n, n_units=4, **lif)),
        Instance("tr1", "", lambda n: C.VarTrace(n, n_units=36, tau_tr=20.0, a_delta=0.0, P_scale=1.0,
                                                   decay_type="exp")),
        Instance("tr2", "", lambda n: C.VarTrace(n, n_units=4, tau_tr=20.0, a_delta=0.0, P_scale=1.0,
                                                   decay_type="exp")),
    ]
    wires = [("z0.outputs", "W1.inputs"), ("z1.s", "V1.inputs"), ("sum", ["W1.outputs", "V1.outputs"], "z1.j"),
             ("z1.s", "W2.inputs"), ("z2.s", "V2.inputs"), ("sum", ["W2.outputs", "V2.outputs"], "z2.j"),
             ("z1.s", "tr1.inputs"), ("z2.s", "tr2.inputs"), ("tr1.trace", "W2.preTrace"), ("z1.s", "W2.preSpike"),
             ("tr2.trace", "W2.postTrace"), ("z2.s", "W2.postSpike")]

    def norm(comps):  # the exhibit's SNN.norm
        W2 = comps["W2"]
        W2.weights.set(normalize_matrix(W2.weights.get(), 18.0, order=1, axis=0))

    return instances, wires, {"norm": norm}


def _hollow_ones():
    from ngclearn.utils.distribution_generator import DistributionGenerator
    return DistributionGenerator.constant(1., hollow=True)


__all__ = ["NoisyLIFCell", "tmaze_ngclearn_instances", "np"]
