# ExpKernel: an exponential kernel over a moving window of spike times,
# ngclearn's ExpKernel (components/other/expKernel.py).
#
# advance_state, in this order (L = win_len = int(nu / dt) + 1, tf [L, B, n]):
#   X    = tf with its last slot replaced by inputs * t   (the spike times;
#          0 where there is no spike)
#   tf   = X rolled by one slot towards the front (slot k takes slot k + 1,
#          the last slot takes X's slot 0)
#   w    = tf[0 : L-1]                  (the window: all but the last slot)
#   epsp = sum over the window of exp(-(t - w) / tau_w) * [w > 0]
#          (axis 0, first slot first; [w > 0] is 1.0 or 0.0)
# So tf[L-2] holds this step's spike times, tf[0 .. L-3] the previous L-2
# steps', and tf[L-1] the slot that leaves the window (overwritten next
# step). L = 1 gives an empty window: epsp = 0.
# (-(t - w) / tau_w divides by tau_w rounded to binary32: ngclearn's
# _apply_kernel is a separately jitted helper that receives tau_w as a
# float32 argument.)
#
# Parameters:
#   n_units           required
#   dt                required: the step the window is measured in (ms);
#                     only sizes the window (nu / dt is binary64 and
#                     truncated, as Python's int(nu / dt)); the run's own
#                     step is not read
#   tau_w = 500.0     kernel time constant
#   nu = 4.0          window length (ms)
#   batch_size = 1
# Compartments: inputs [B, n] (input: spikes), epsp [B, n] (output),
# tf [L, B, n] (state: the window of spike times), all zeros.
#
# reset: inputs = 0 unless wired; epsp = 0; tf = 0.
#
# Decisions on ngclearn's quirks:
#   * A spike at t = 0 is stored as the time 0, which the mask [w > 0]
#     treats as no spike: it never counts, as in ngclearn. So do spikes at
#     negative t.
#   * The window holds L - 1 = int(nu / dt) steps, this step's included;
#     tf's last slot keeps a stale time until the next step overwrites it
#     (it is a compartment, so it shows), as in ngclearn.
#   * Graded inputs are multiplied by t like spikes (the stored "time" is
#     inputs * t), as in ngclearn.
#   * ngclearn's reset never resets inputs (its hasattr(self.inputs,
#     "targeted") idiom is always false in a compiled method); here inputs
#     are reset unless wired, as the code intends (as VarTrace.nf does).
#   * tf's first dimension is int(nu / dt) + 1: Python's int() of the
#     binary64 quotient (truncation), so nu = 0.3, dt = 0.1 gives 3 slots
#     (0.3 / 0.1 = 2.9999999999999996), as in ngclearn.
component ExpKernel {
  param n_units: int
  param dt: float
  param tau_w = 500.0
  param nu = 4.0
  param batch_size = 1

  input inputs[batch_size, n_units] = 0
  output epsp[batch_size, n_units] = 0
  state tf[int(nu / dt) + 1, batch_size, n_units] = 0

  # Negative bounds count from the end, as in Python: tf[0:-1] is all but
  # the last slot (empty for L = 1).
  def advance_state(t) {
    s = reshape(inputs * t, (1, batch_size, n_units))
    X = concat((tf[0:-1, :, :], s), axis=0)
    tf1 = concat((X[1:, :, :], X[0:1, :, :]), axis=0)
    w = tf1[0:-1, :, :]
    mask = float(w > 0)
    epsp = sum(exp(-(t - w) / tau_w) * mask, axis=0)
    tf = tf1
  }

  def reset() {
    if not wired(inputs) {
      inputs = 0
    }
    epsp = 0
    tf = 0
  }
}
