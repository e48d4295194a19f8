import "/dev/zero"
model m {
  z = LIFCell(n_units=1, tau_m=10.0)
  process a = z.advance_state
}
