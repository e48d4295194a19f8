// Event-driven products: a vector-matrix product [1,K] @ [K,N] whose matrix
// is a compartment that steps do not write (a static synapse's weights), or
// such a compartment times an f32[1,1] compartment that steps do not write
// either (DenseSynapse's weights * mask with ngclearn's default mask), adds
// only the rows whose input is not +0, so a step with few spikes reads few
// rows of the matrix.
//
// The result is exactly the dense one when the matrix is finite (then every
// skipped term x_k * W[k,j] = +0 * W[k,j] is a zero) and the sum is started
// right. The dense sum is t_0 + t_1 + ... + t_{K-1}, which equals the fold
// of every term into -0, the exact identity of addition. In round to
// nearest, x + y is -0 only when both are -0, so a running sum that is not
// -0 never becomes -0 again, and adding a zero to a sum that is not a zero
// leaves it as it is. Hence dropping a -0 term from the fold changes
// nothing, and dropping a +0 term changes nothing unless every term before
// it was -0; the two results can then differ only as sparse -0 against
// dense +0. So a column sums its kept terms into -0, and if the result is -0
// while some skipped row of that column has a clear sign bit (a +0 term),
// the dense result is +0.
//
// A hidden facts word per matrix caches the facts that needs (FactsWord,
// kept.h): unchecked, finite (with the number of sign-clear elements of every
// column in a hidden [1,N] count), not finite (dense products), or shared:
// the host holds a pointer to the storage (dense products;
// neurofuse/module.h). Any write of the matrix (or of its scale) by a
// process or by the host makes it unchecked (shared stays shared); a step
// checks an unchecked matrix before its first product. The facts of a scaled matrix are those of the products
// W[k,j] * scale, the values the sums add.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/node.h"
#include "ir/program.h"

namespace nf::compiler {

// Finds the matrices of at least `min_elements` elements in vector-matrix
// products that no process but `initialize` writes, and adds their hidden
// facts and clear compartments and the resets of their words after every
// write. With none, or when `program` has event matrices already, `program`
// comes back unchanged. (A smaller matrix stays in cache, where reading
// every row costs less than deciding which to skip.)
ir::Program add_event_checks(const ir::Program& program, int64_t min_elements);

// The matrix compartment and scale ("" for none) that the matrix operand of a
// vector-matrix product reads in a form events can serve, or nothing.
std::optional<std::pair<std::string, std::string>> event_matrix_of(const ir::Node& matrix);

}  // namespace nf::compiler
