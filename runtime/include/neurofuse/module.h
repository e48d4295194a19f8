/* neurofuse compiled modules: the binary interface between a module (a shared
 * library made by `neurofuse compile`, or code compiled in process by the JIT)
 * and the program that runs it.
 *
 * A module exports one symbol, `nf_module`, a const nf_module_info. Everything
 * else is reached through it. A module needs nothing at run time but the C
 * library: no LLVM, no neurofuse library.
 *
 * State. A module computes on one caller-allocated block of `state_size`
 * bytes aligned to `alignment`. Every compartment occupies `bytes` at
 * `offset` (row-major, 4 bytes per element: IEEE binary32 for NF_F32, two's
 * complement for NF_I32, 0 or 1 as a 32-bit word for NF_BOOL); every run-time
 * parameter is a double (IEEE binary64, like the Python float it stands for)
 * at its `offset`; the seed of the random draws is a
 * uint64 at `seed_offset`; an nf_parallel hook (below) lives at
 * `hooks_offset`, all zero unless the host installs one. These regions lie
 * inside the block and never overlap (but for the word of kept compartments,
 * below, which a matrix and its scale may share); `alignment` is a power of
 * two up to 4096. To create a state:
 * zero the block, fill each compartment with its `init_bits` (a 32-bit element
 * repeated), store each parameter's `default_value` and the seed, call
 * derive(state), then run the process named "initialize" once (t = 0,
 * dt = default_dt) if the module has one.
 *
 * Parameter values. The values that depend on run-time parameters alone
 * (1 - alpha, tau_elg > 0) are computed by derive(state) and kept in the
 * state block: after writing any parameter, call derive(state) before the
 * next step.
 *
 * Kept compartments. Compiled code may keep a compartment in another form
 * (kept != NF_KEPT_PLAIN), with a word of its own at form_offset that only
 * the module reads and writes (a host never does; the offset is given so a
 * runtime can check the regions of the block). The host keeps such a
 * compartment's storage right through three entry points, which do nothing
 * for a plain compartment:
 *  - materialize(state, i) before reading the storage of compartment i: it
 *    makes the storage current (NF_KEPT_FACTORED: the step functions may keep
 *    the value as the small factors of a low-rank value, leaving the storage
 *    stale);
 *  - invalidate(state, i) after writing the storage;
 *  - share(state, i) when the host keeps a pointer to the storage and may
 *    read or write through it between calls: from then on the storage is
 *    current after every step and every step reads it (NF_KEPT_FACTORED: a
 *    step writes the full matrix; NF_KEPT_CHECKED: products read every row),
 *    until a new state.
 * NF_KEPT_CHECKED is a matrix whose vector-matrix products skip the rows of
 * +0 inputs (or the f32[1,1] scale they multiply it by); its word caches
 * facts about the storage, which is always current.
 *
 * Stepping. process[i].step(state, t, dt) runs one step of process i; t and
 * dt are binary64, and so is all arithmetic of parameters, t and dt alone
 * (rounded once to binary32 where it meets a compartment).
 * scan(...) runs many steps in native code, see nf_scan_fn. Step functions
 * touch only the block they are given, so states may be stepped concurrently
 * on different threads. */
#ifndef NEUROFUSE_MODULE_H
#define NEUROFUSE_MODULE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the layout of the structures below. A runtime must refuse a
 * module whose abi_version differs from the one it was built with. */
#define NF_MODULE_ABI_VERSION 8

enum { NF_F32 = 0, NF_I32 = 1, NF_BOOL = 2 };
enum { NF_INPUT = 0, NF_STATE = 1, NF_OUTPUT = 2 };
/* How compiled code keeps a compartment (nf_compartment_info.kept). */
enum { NF_KEPT_PLAIN = 0, NF_KEPT_FACTORED = 1, NF_KEPT_CHECKED = 2 };

typedef void (*nf_step_fn)(uint8_t* state, double t, double dt);

/* What a split loop writes, for hosts that run the ranges of one loop in
 * separate processes (neurofuse's MPI partition) and must hand each process
 * the elements the others computed. Output i of a loop over `rows` split
 * indices occupies, for split index r, the `blocks` runs of `unit` bytes at
 * state + offset + b * stride + r * unit (b = 0 .. blocks - 1): a loop split
 * by rows writes whole rows (blocks = 1), a loop split by columns writes the
 * same columns of every row of a matrix. `exchange` is 0 when every later
 * reader of the output, in every process of the module, reads only elements
 * of the split indices it computes itself: a partitioned host may then leave
 * the others' elements stale until the host reads the compartment; then
 * `copied_to` is -1, or the offset of a compartment of the same shape that
 * the process copies this output to at its end, which is stale in the same
 * elements. `whole` is 1 when the loop must run over all rows in every
 * process. */
typedef struct {
  int64_t offset;
  int64_t blocks;
  int64_t stride;
  int64_t unit;
  int64_t copied_to;
  int32_t exchange;
  int32_t reserved; /* 0 */
} nf_split_output;

typedef struct {
  int32_t whole;
  int32_t n_outputs;
  const nf_split_output* outputs;
} nf_split;

/* How a host lets a step use several threads. A step function that has a
 * large loop calls `run(context, body, arg, rows, elements, state, split)`
 * instead of running it: `run` must call body(arg, lo, hi) for consecutive
 * ranges [lo, hi) that together cover [0, rows), possibly at the same time on
 * several threads, and return when all have finished; `elements` estimates
 * the work, and `split` describes what the loop writes in `state` (above).
 * Every element is computed by exactly one call in the same order as in one
 * call over [0, rows), so the results do not depend on how `run` splits.
 * With `run` NULL (the zeroed hook) the step runs the loop itself. */
typedef struct {
  void (*run)(void* context, void (*body)(void* arg, int64_t lo, int64_t hi), void* arg, int64_t rows,
              int64_t elements, uint8_t* state, const nf_split* split);
  void* context;
} nf_parallel;

typedef struct {
  const char* name;      /* "component.compartment" */
  const int64_t* shape;  /* rank extents */
  int64_t offset;        /* bytes from the start of the state block */
  int64_t bytes;         /* 4 * number of elements */
  int64_t form_offset;   /* -1, or where the module's word about a kept compartment lives (below) */
  int32_t dtype;         /* NF_F32, NF_I32 or NF_BOOL */
  int32_t role;          /* NF_INPUT, NF_STATE or NF_OUTPUT */
  int32_t rank;
  uint32_t init_bits;    /* every element's initial 32-bit word */
  int32_t kept;          /* NF_KEPT_PLAIN, NF_KEPT_FACTORED or NF_KEPT_CHECKED (below) */
} nf_compartment_info;

typedef struct {
  const char* name;      /* "component.parameter" */
  int64_t offset;        /* of a double in the state block */
  double default_value;
} nf_param_info;

typedef struct {
  const char* name;
  nf_step_fn step;
} nf_process_info;

/* A stream of per-step rows from a caller buffer into the state: before step
 * k, scan copies `bytes` from data + k * bytes to state + offset. A stream of
 * a kept compartment (above) is its whole storage, which scan invalidates
 * after driving it. */
typedef struct {
  int64_t offset;
  int64_t bytes;
  uint8_t* data;
} nf_stream;

/* What scan calls after every step, when given: after_step(context, state,
 * step) with the step's number (first + k). It may read the state (calling
 * materialize for a factored compartment) and must not write it. A nonzero
 * return stops the scan after that step. */
typedef struct {
  int32_t (*after_step)(void* context, uint8_t* state, int64_t step);
  void* context;
} nf_observer;

/* Runs steps first .. first + steps - 1 of a run that starts at t0. Step
 * first + k (k from 0): apply row k of the drives, run the processes listed
 * by index in `processes` (n_processes of them) in order with
 * t = t0 + (first + k) * dt (binary64, one rounding per operation, so t does
 * not drift and a run split into pieces sees the same t), then call the
 * observer (if not NULL). Returns the number of steps run (fewer than `steps`
 * when the observer stopped it). */
typedef int64_t (*nf_scan_fn)(uint8_t* state, const int32_t* processes, int32_t n_processes, double t0, double dt,
                              int64_t first, int64_t steps, const nf_stream* drives, int32_t n_drives,
                              const nf_observer* observer);

/* A name the model gives a compartment wired from others ("z1.j" wired from
 * "W.outputs"): reading it reads its sources. `terms` is the value in postfix
 * order: a term i >= 0 pushes compartment i's elements; NF_WIRE_ADD and
 * NF_WIRE_MUL pop two values and push their elementwise sum or product (the
 * earlier value on the left), f32 or i32 as the compartments are. A direct
 * wire is one term. The value has the shape and dtype of every compartment
 * it reads. */
enum { NF_WIRE_ADD = -1, NF_WIRE_MUL = -2 };
typedef struct {
  const char* name;
  const int32_t* terms;
  int32_t n_terms;
} nf_alias_info;

typedef struct {
  uint32_t abi_version;  /* NF_MODULE_ABI_VERSION */
  uint32_t struct_size;  /* sizeof(nf_module_info) */
  const char* model_name;
  const char* target;    /* "triple cpu", what the code was compiled for */
  const char* features;  /* "+avx2,+fma,...": the CPU features the code may use, as LLVM names
                            them; a runtime refuses a module needing one this CPU lacks */
  int64_t state_size;
  int64_t alignment;
  int64_t seed_offset;
  int64_t hooks_offset;  /* of an nf_parallel */
  uint64_t default_seed;
  double default_dt;
  int32_t n_compartments;
  int32_t n_params;
  int32_t n_processes;
  const nf_compartment_info* compartments;
  const nf_param_info* params;
  const nf_process_info* processes;
  nf_scan_fn scan;
  void (*materialize)(uint8_t* state, int32_t compartment); /* makes a kept compartment's storage current (above) */
  void (*derive)(uint8_t* state); /* computes the parameter values (above) */
  int32_t n_aliases;
  const nf_alias_info* aliases;
  void (*invalidate)(uint8_t* state, int32_t compartment); /* the host wrote a kept compartment (above) */
  void (*share)(uint8_t* state, int32_t compartment);      /* the host keeps a pointer to it (above) */
} nf_module_info;

#ifdef __cplusplus
}
#endif

#endif
