# A model that imports user components from a file next to it, which itself
# imports another file, and extends a standard component.
import "lib/cells.nf"

model imported {
  c = Doubler(n=2)
  d = LeakyDense(shape=(2, 2), weight_init=constant(0.5))
  c.x >> d.inputs
  process step = c.step >> d.advance_state
}
