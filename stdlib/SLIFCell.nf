# SLIFCell: the simplified leaky integrate-and-fire neuron (normalized
# voltage, v_rest = v_reset = 0) with adaptive threshold and optional
# lateral inhibition, ngclearn's SLIFCell.
#
#   tau_m dv/dt = (-v + J) * [rfr >= refract_time]
#
# advance_state, in this order (every compartment [batch_size, n_units] but
# thr, threshold0 [1, n_units]):
#   J    = j * resist_m
#   resist_inh > 0:  J = J - (s @ inh_weights) * resist_inh     (s of the previous step)
#   surrogate = sech(J * 0.08) * [J > 0],  sech(x) = 1 / ((exp(x) + exp(-x)) / 2)
#              (ngclearn's secant_lif_estimator d_spike_fx, omit_scale = True)
#   v1   = v + dfv(v) * dt (Euler)      dfv = ((-v + J) * (1 / tau_m)) * [rfr >= refract_time]
#   s    = [v1 > thr]
#   v    = (1 - s) * v1
#   thr  = max(thr + (sum(s, axis=1) - 1) * rho_b, 0.025)       when rho_b > 0
#        = thr + s * thr_gain - thr * thr_leak                  otherwise
#   mask = [rfr >= refract_time]                                (rfr before the step)
#   rfr  = (rfr + dt) * (1 - s) + s * dt
#   sticky_spikes: s = s * mask + (1 - mask)                    (refractory units read as spiking)
#   tols = (1 - s) * tols + s * t
#   j    = J                  the scaled (and inhibited) input is written back, as in ngclearn
#
# Parameters: n_units, tau_m, resist_m, thr (required); resist_inh = 0.0,
# thr_persist = false, thr_gain = 0.0, thr_leak = 0.0, rho_b = 0.0,
# refract_time = 0.0, sticky_spikes = false, thr_jitter = 0.05,
# batch_size = 1; inh_weights_init = uniform(low=0.025, high=1.0, hollow=true)
# (not an ngclearn argument: how the inhibitory weights are drawn, which
# ngclearn fixes to this distribution).
# Compartments: j (input), v (= 0), s (spikes), tols, thr ([1, n_units],
# = threshold0: the argument thr is its base value), rfr (= refract_time),
# surrogate (= 1), threshold0 ([1, n_units]: thr + Uniform(-thr_jitter,
# thr_jitter), drawn once), inh_weights ([n_units, n_units]: drawn once from
# inh_weights_init).
#
# reset: v = 0, s = 0, tols = 0, rfr = refract_time, surrogate = 1, j = 0
# (unless wired); thr = threshold0 unless thr_persist.
#
# Decisions on ngclearn's quirks:
#   * thr is a constructor argument and a compartment, as in ngclearn: the
#     argument gives the base of threshold0, the compartment adapts.
#   * advance_state writes the scaled input J back into j, as ngclearn does
#     (so an unwired j is multiplied by resist_m again next step unless the
#     host writes it); a wired j belongs to its source and is not written.
#     ngclearn's reset zeroes j even when it is targeted; here a wired j is
#     left to its source.
#   * threshold0 and inh_weights are attributes in ngclearn, drawn from its
#     JAX key at construction; here they are compartments drawn in
#     initialize from the model's seed (other random bits, the same
#     distributions), so a host can read and set them. thr_jitter = 0 gives
#     threshold0 = thr exactly on both sides.
#   * ngclearn's v_min (-3) is set and never used; it is left out.
component SLIFCell {
  param n_units: int
  param tau_m: float
  param resist_m: float
  param thr: float
  param resist_inh = 0.0
  param thr_persist = false
  param thr_gain = 0.0
  param thr_leak = 0.0
  param rho_b = 0.0
  param refract_time = 0.0
  param sticky_spikes = false
  param thr_jitter = 0.05
  param batch_size = 1
  param inh_weights_init: init = uniform(low=0.025, high=1.0, hollow=true)

  input j[batch_size, n_units] = 0
  output s[batch_size, n_units] = 0
  output tols[batch_size, n_units] = 0
  state v[batch_size, n_units] = 0
  state thr[1, n_units] = thr
  state rfr[batch_size, n_units] = refract_time
  state surrogate[batch_size, n_units] = 1
  state threshold0[1, n_units] = thr
  state inh_weights[n_units, n_units] = 0

  def initialize() {
    threshold0 = thr + (uniform(int(0), (1, n_units)) * (thr_jitter - -thr_jitter) + -thr_jitter)
    thr = threshold0
    inh_weights = inh_weights_init((n_units, n_units))
  }

  def advance_state(t, dt) {
    J = j * resist_m
    if static(resist_inh > 0) {
      J = J - (s @ inh_weights) * resist_inh
    }
    dj = J * 0.08
    surrogate = (1 / ((exp(dj) + exp(-dj)) / 2)) * float(J > 0)
    v1 = integrate("euler", dfv, v, J, rfr)
    spk = float(v1 > thr)
    v = (1 - spk) * v1
    if static(rho_b > 0) {
      dthr = sum(spk, axis=1, keepdims=true) - 1.0
      thr = maximum(thr + dthr * rho_b, 0.025)
    } else {
      thr = thr + spk * thr_gain - thr * thr_leak
    }
    mask = float(rfr >= refract_time)
    rfr = (rfr + dt) * (1 - spk) + spk * dt
    if sticky_spikes {
      spk = spk * mask + (1 - mask)
    }
    tols = (1 - spk) * tols + spk * t
    s = spk
    if not wired(j) {
      j = J
    }
  }

  # dv/dt, ngclearn's _dfv_internal
  def dfv(v, J, rfr) {
    return (-v + J) * (1 / float(tau_m)) * float(rfr >= refract_time)
  }

  def reset() {
    v = 0
    s = 0
    tols = 0
    rfr = refract_time
    surrogate = 1
    if not wired(j) {
      j = 0
    }
    if not thr_persist {
      thr = threshold0
    }
  }
}
