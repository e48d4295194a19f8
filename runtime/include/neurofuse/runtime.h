/* neurofuse runtime: the C API that applications embed to run compiled models.
 *
 * A module is a compiled model: a shared library made by `neurofuse compile`
 * (nf_module_open), or code compiled in process by the JIT (nf_module_adopt).
 * A state is one instance of a module's compartments, parameters and seed;
 * a module may have any number of independent states. The runtime links
 * neither LLVM nor the compiler.
 *
 * Errors. Every function that can fail returns an nf_status. On failure it
 * changes nothing, and a message saying what went wrong is available from
 * nf_last_error() on the calling thread and, for calls on a module or state,
 * from nf_module_last_error() / nf_state_last_error() until the next failing
 * call on that object. No function aborts the process on bad input.
 *
 * Ownership. The caller owns every nf_module and nf_state it receives and
 * releases them with nf_module_close / nf_state_destroy (states before their
 * module). Strings and arrays returned by the runtime belong to the object they
 * came from and live as long as it does. Arguments are only read during the
 * call.
 *
 * Threads. Functions on different states may run concurrently, also states of
 * the same module. Calls on one state must not overlap. A state can also use
 * several threads inside its own steps (nf_state_set_threads). Module functions that
 * only read (lookups, nf_module_get_info) may run concurrently with anything
 * but nf_module_close.
 *
 * Data. Compartment elements are 4 bytes: float for NF_F32, int32_t for
 * NF_I32, and uint32_t 0/1 for NF_BOOL; tensors are row-major.
 *
 * Names. A compartment is named "instance.compartment". A compartment the
 * model wires from others ("z1.j", wired from "W.outputs") keeps its name as
 * an alias (module.h's nf_alias_info): it can be read, recorded and
 * monitored like any compartment, and is refused (NF_ERROR_WIRED) where it
 * would be written or pointed at. */
#ifndef NEUROFUSE_RUNTIME_H
#define NEUROFUSE_RUNTIME_H

#include <stdint.h>

#include "neurofuse/module.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NF_API __attribute__((visibility("default")))
#else
#define NF_API
#endif

typedef enum nf_status {
  NF_OK = 0,
  NF_ERROR_INVALID_ARGUMENT = 1, /* a NULL pointer, a negative count, an empty name */
  NF_ERROR_IO = 2,               /* a file cannot be opened, read or written */
  NF_ERROR_NOT_A_MODULE = 3,     /* the file is not a shared library with an nf_module */
  NF_ERROR_ABI_VERSION = 4,      /* the module was built for another NF_MODULE_ABI_VERSION */
  NF_ERROR_UNKNOWN_NAME = 5,     /* no compartment, parameter or process has that name */
  NF_ERROR_SHAPE = 6,            /* an element count or shape does not match */
  NF_ERROR_DTYPE = 7,            /* an element type does not match */
  NF_ERROR_BAD_FILE = 8,         /* a checkpoint or .npy file is malformed or does not fit */
  NF_ERROR_OUT_OF_MEMORY = 9,
  NF_ERROR_FACTORED = 10,        /* no longer returned (kept so codes stay stable): every compartment has storage */
  NF_ERROR_UNSUPPORTED_CPU = 11, /* the module uses CPU features this machine lacks: compile it for this CPU */
  NF_ERROR_WIRED = 12            /* the name is a wired compartment, whose sources hold its value: read it, write them */
} nf_status;

typedef struct nf_module nf_module;
typedef struct nf_state nf_state;

/* The ABI version this runtime accepts (NF_MODULE_ABI_VERSION). */
NF_API int nf_abi_version(void);

/* A constant name for a status ("NF_OK", "NF_ERROR_SHAPE", ...). */
NF_API const char* nf_status_name(nf_status status);

/* The message of the most recent failure on the calling thread ("" if none). */
NF_API const char* nf_last_error(void);

/* ---- modules ---- */

/* Loads the shared library at `path` and checks its nf_module descriptor.
 * Errors: INVALID_ARGUMENT (NULL), IO (no such file), NOT_A_MODULE (not a
 * loadable library, or no nf_module in it), ABI_VERSION, OUT_OF_MEMORY. */
NF_API nf_status nf_module_open(const char* path, nf_module** out);

/* Wraps a descriptor that lives in this process (a JIT-compiled module).
 * `release(context)` is called by nf_module_close, if release is not NULL.
 * Errors: INVALID_ARGUMENT (NULL info or out), ABI_VERSION, OUT_OF_MEMORY. */
NF_API nf_status nf_module_adopt(const nf_module_info* info, void (*release)(void* context), void* context,
                                 nf_module** out);

/* Releases the module (unloading the library). Every state of it must have
 * been destroyed first. NULL is ignored. */
NF_API void nf_module_close(nf_module* module);

/* The module's descriptor (names, shapes, offsets, processes); NULL for NULL. */
NF_API const nf_module_info* nf_module_get_info(const nf_module* module);

/* The message of the module's most recent failure ("" if none), from any
 * thread. The string is the calling thread's copy, valid until its next call
 * of this function. */
NF_API const char* nf_module_last_error(const nf_module* module);

/* Finds a compartment, parameter or process by name. For an alias,
 * nf_module_find_compartment gives a compartment it reads (whose dtype and
 * shape it has).
 * Errors: INVALID_ARGUMENT (NULL), UNKNOWN_NAME (with the closest name). */
NF_API nf_status nf_module_find_compartment(nf_module* module, const char* name, const nf_compartment_info** out);
NF_API nf_status nf_module_find_param(nf_module* module, const char* name, const nf_param_info** out);
NF_API nf_status nf_module_find_process(nf_module* module, const char* name, int32_t* index);

/* ---- states ---- */

/* A new state: every compartment at its initial value, parameters at their
 * defaults, the given seed, then the module's "initialize" process run once
 * (t = 0, dt = the module's default dt). initialize also computes the
 * initial values that read run-time parameters (a LIFCell's v = v_rest): for
 * a state with other values, set them and step "initialize" again, which
 * draws the same initializers (same seed, counter 0).
 * Errors: INVALID_ARGUMENT (NULL), OUT_OF_MEMORY. */
NF_API nf_status nf_state_create(nf_module* module, uint64_t seed, nf_state** out);

/* Releases the state. NULL is ignored. */
NF_API void nf_state_destroy(nf_state* state);

/* Returns the state to what nf_state_create gives for `seed`. Never fails on
 * a valid state. Errors: INVALID_ARGUMENT (NULL). */
NF_API nf_status nf_state_reinitialize(nf_state* state, uint64_t seed);

/* Lets the state's steps use `threads` threads in all (the caller's one
 * included): loops over at least `min_elements` elements (0: a default of
 * 2^21, where a loop no longer fits the caches and memory bandwidth is what
 * a second core adds) are split across them (by rows, or by post-synaptic
 * columns, as each loop says). Results are bit-identical for any
 * thread count: every element is computed by one thread, in the same order.
 * threads = 1 (the default) runs everything on the caller. The threads belong
 * to the state and end with it.
 * Errors: INVALID_ARGUMENT (NULL, threads < 1, min_elements < 0),
 * OUT_OF_MEMORY (threads could not be started). */
NF_API nf_status nf_state_set_threads(nf_state* state, int32_t threads, int64_t min_elements);

/* A host that runs each split loop's ranges in separate processes, each
 * holding a whole copy of the state (neurofuse's MPI partition, docs/SCALING.md):
 * `run` is the step's nf_parallel hook (neurofuse/module.h), which computes
 * this process's range and hands the others' outputs where the loop's
 * nf_split says; `gather(context, block, offset, bytes)` is called before the
 * runtime reads a compartment for the host (reads, monitors, checkpoints),
 * and must make those bytes current in this process. Every process must make
 * the same calls in the same order. A pointer from nf_state_compartment is
 * current as of that call only. While a partition is set, threads are not
 * used. Setting another (NULL, or a NULL run, removes it) first gathers the
 * whole block through the one it replaces.
 * Errors: INVALID_ARGUMENT (NULL state). */
typedef struct {
  void (*run)(void* context, void (*body)(void* arg, int64_t lo, int64_t hi), void* arg, int64_t rows,
              int64_t elements, uint8_t* state, const nf_split* split);
  void (*gather)(void* context, uint8_t* block, int64_t offset, int64_t bytes);
  void* context;
} nf_partition;
NF_API nf_status nf_state_set_partition(nf_state* state, const nf_partition* partition);

/* The message of the state's most recent failure ("" if none). */
NF_API const char* nf_state_last_error(const nf_state* state);

/* The state's seed (0 for NULL) and module (NULL for NULL). */
NF_API uint64_t nf_state_seed(const nf_state* state);
NF_API nf_module* nf_state_module(const nf_state* state);

/* The compartment's storage inside the state: `count` elements of 4 bytes,
 * valid until the state is destroyed. Any of the outputs may be NULL.
 * Errors: INVALID_ARGUMENT (NULL state or name), UNKNOWN_NAME, WIRED (an
 * alias: read it with nf_state_read).
 * Every compartment has storage to point at, and it always holds the value
 * the interpreter would. For a compartment the module keeps in another form
 * (nf_compartment_info's kept, neurofuse/module.h) asking for the pointer
 * costs speed from then on, for this state: a factored matrix is written in
 * full by every step that changes it, instead of as its factors; the
 * products of a checked matrix read every row. nf_state_read and
 * nf_state_write copy values without that cost. */
NF_API nf_status nf_state_compartment(nf_state* state, const char* name, void** data, int32_t* dtype,
                                      int64_t* count);

/* Copies `count` elements of type `dtype` into / out of a compartment (of a
 * factored one too: reading computes its value from the factors). Reading
 * an alias reads its sources (computing a sum or product of wires); writing
 * one is refused (WIRED).
 * Errors: INVALID_ARGUMENT (also a bool element other than 0 or 1, written
 * nowhere), UNKNOWN_NAME, DTYPE (dtype differs), SHAPE (count differs from
 * the compartment's element count). */
NF_API nf_status nf_state_write(nf_state* state, const char* name, int32_t dtype, const void* data, int64_t count);
NF_API nf_status nf_state_read(nf_state* state, const char* name, int32_t dtype, void* out, int64_t count);

/* Sets or reads a run-time parameter, a binary64 value like the Python float
 * it stands for. Errors: INVALID_ARGUMENT, UNKNOWN_NAME. */
NF_API nf_status nf_state_set_param(nf_state* state, const char* name, double value);
NF_API nf_status nf_state_get_param(nf_state* state, const char* name, double* value);

/* Runs one step of a process at time t with step dt (binary64).
 * Errors: INVALID_ARGUMENT, UNKNOWN_NAME. */
NF_API nf_status nf_state_step(nf_state* state, const char* process, double t, double dt);

/* Rows streamed between a compartment and a caller buffer of `steps` rows,
 * each row the compartment's elements (4 bytes each). */
typedef struct nf_io {
  const char* compartment;
  void* data;
} nf_io;

/* Runs steps first .. first + steps - 1 of a run that starts at time t0, in
 * native code. Before step first + k, every drive's row k is copied into its
 * compartment; then the processes run in order with t = t0 + (first + k) * dt
 * computed in binary64 (so t never drifts, and a run split into pieces sees
 * the same t as one long run); after it every record's row k is copied out
 * (a record may name an alias, a drive may not) and the state's monitors
 * record (below). Everything is checked before the first step.
 * Errors: INVALID_ARGUMENT (NULL pointers, negative counts, an events
 * monitor and a step beyond 2^31 - 1), UNKNOWN_NAME, WIRED (a drive of an
 * alias); IO or OUT_OF_MEMORY when a monitor cannot keep a row: the scan
 * stops after that step, which the message names. The failing monitor, and
 * those created after it, keep the rows of the steps before it; the records
 * and the monitors created before it also keep that step's row. */
NF_API nf_status nf_state_scan(nf_state* state, const char* const* processes, int32_t n_processes, double t0,
                               double dt, int64_t first, int64_t steps, const nf_io* drives, int32_t n_drives,
                               const nf_io* records, int32_t n_records);

/* A process that runs at some steps of a scan instead of every step, as
 * ngclearn scripts reset before each episode or evolve after each window.
 * Steps are counted from step 0 of the run (scan's `first`), so a run split
 * into pieces runs them at the same steps. */
enum { NF_AT_START = 0, NF_AT_END = 1 };
typedef struct nf_scheduled {
  const char* process;
  int64_t period; /* every `period` steps; 0 (with NF_AT_START only): once, before step 0 */
  int32_t at;     /* NF_AT_START: before steps 0, period, 2 * period, ... (before the step's drives);
                     NF_AT_END: after steps period - 1, 2 * period - 1, ... (after the step's records) */
} nf_scheduled;

/* nf_state_scan with scheduled processes: each runs at the t of its step,
 * scheduled ones at the same step in the order given. Everything is checked
 * before the first step.
 * Errors: INVALID_ARGUMENT (also a negative period, or period 0 with
 * NF_AT_END), UNKNOWN_NAME. */
NF_API nf_status nf_state_scan_scheduled(nf_state* state, const char* const* processes, int32_t n_processes,
                                         const nf_scheduled* scheduled, int32_t n_scheduled, double t0, double dt,
                                         int64_t first, int64_t steps, const nf_io* drives, int32_t n_drives,
                                         const nf_io* records, int32_t n_records);

/* ---- monitors ----
 *
 * A monitor records one compartment (or alias) of a state after the steps
 * of every nf_state_scan it chooses, inside the scan's native loop; see
 * docs/RECORDING.md. Kinds:
 *   NF_MONITOR_VALUES  the chosen units' elements, one row per recorded step;
 *   NF_MONITOR_EVENTS  one row (step, unit), two int32, per nonzero element
 *                      of the chosen units (a spike), in step order, and
 *                      within a step in the order of the units (ascending
 *                      for every unit); unit is the element's flat index;
 *   NF_MONITOR_SUM     per recorded step, the units' elements added in the
 *                      order given (the running sum starts at the first):
 *                      f32 for f32, int32 for i32 and bool (a count);
 *   NF_MONITOR_MEAN    per recorded step, (float)sum / (float)n_units, one
 *                      rounded division (float for every dtype).
 * Steps are numbered as nf_state_scan's `first` numbers them; a monitor
 * records after steps start, start + every, start + 2 * every, ... Steps run
 * with nf_state_step are not observed. */
enum { NF_MONITOR_VALUES = 0, NF_MONITOR_EVENTS = 1, NF_MONITOR_SUM = 2, NF_MONITOR_MEAN = 3 };

typedef struct nf_monitor nf_monitor;

typedef struct nf_monitor_spec {
  const char* compartment;      /* a compartment or an alias */
  int32_t kind;                 /* NF_MONITOR_* */
  int64_t every;                /* record every `every` steps (0 is taken as 1) */
  int64_t start;                /* the first step recorded */
  const int64_t* units;         /* flat element indices, in the order wanted (at least one); NULL: every element */
  int64_t n_units;
  const char* spool_directory;  /* NULL: rows stay in memory; else beyond 1 MiB they go to an
                                   unnamed file there, which disappears with the monitor */
} nf_monitor_spec;

/* A new monitor of `state`, recording from its next scan on. The state owns
 * it: nf_state_destroy destroys the monitors still attached.
 * Errors: INVALID_ARGUMENT (NULL, an unknown kind, a negative every or start,
 * a unit outside the compartment, events of a compartment of 2^31 elements
 * or more), UNKNOWN_NAME, IO (no file can be made in the spool directory),
 * OUT_OF_MEMORY. */
NF_API nf_status nf_monitor_create(nf_state* state, const nf_monitor_spec* spec, nf_monitor** out);

/* Stops the monitor and releases it and its rows. NULL is ignored. */
NF_API void nf_monitor_destroy(nf_monitor* monitor);

/* What the monitor holds: `rows` rows (events: events) of `row_elements`
 * elements of `dtype` (NF_F32, NF_I32 or NF_BOOL). Any output may be NULL.
 * Errors: INVALID_ARGUMENT. */
NF_API nf_status nf_monitor_rows(const nf_monitor* monitor, int64_t* rows, int64_t* row_elements, int32_t* dtype);

/* Copies rows first .. first + rows - 1 into `out` (rows * row_elements
 * elements of 4 bytes; bool as 0/1 words, events as int32 step, unit); out
 * may be NULL when rows is 0.
 * Errors: INVALID_ARGUMENT (NULL, rows outside what is recorded), IO. */
NF_API nf_status nf_monitor_read(nf_monitor* monitor, int64_t first, int64_t rows, void* out);

/* Forgets the rows recorded so far (a caller that reads them in pieces keeps
 * memory bounded this way). Errors: INVALID_ARGUMENT, IO. */
NF_API nf_status nf_monitor_clear(nf_monitor* monitor);

/* Writes monitors' rows as a NumPy .npz, one entry per monitor: `names[i]`,
 * or with names NULL the compartment's name followed by ":events", ":sum"
 * or ":mean" for those kinds; shape [rows, ...] (values of every unit: the
 * compartment's shape; of some: [rows, n_units]), [events, 2] int32, or
 * [rows]; bool values as NumPy bool. Rows spooled to disk stream through
 * without being held in memory. Written to a temporary name and renamed, so
 * a failed save leaves any earlier file untouched.
 * Errors: INVALID_ARGUMENT (NULL, a duplicate name), IO. */
NF_API nf_status nf_monitor_save(const char* path, nf_monitor* const* monitors, const char* const* names,
                                 int32_t n_monitors);

/* ---- checkpoints ---- */

/* Saves compartments, run-time parameters and the seed as a NumPy .npz that
 * numpy.load reads: one entry per compartment and parameter, named by its
 * full name ("W1.weights", dtype float32/int32/bool and the compartment's
 * shape; parameters as float64 scalars), and "seed" (uint64). `names` chooses
 * compartments and parameters (n_names of them); n_names = 0 saves all. The
 * file is written to a temporary name and renamed, so a failed save leaves
 * any earlier file untouched.
 * Errors: INVALID_ARGUMENT, UNKNOWN_NAME, IO. */
NF_API nf_status nf_state_save(nf_state* state, const char* path, const char* const* names, int32_t n_names);

/* Loads every entry of a checkpoint: compartments, parameters and "seed" that
 * it contains (a subset is fine). Every entry is checked (known name, dtype,
 * shape) before anything changes; on failure the state is as it was.
 * Errors: INVALID_ARGUMENT, IO, BAD_FILE (malformed, unknown entry, or an
 * entry whose dtype or shape does not fit). */
NF_API nf_status nf_state_load(nf_state* state, const char* path);

/* Sets one compartment from a .npy file whose dtype and shape match it.
 * Errors: INVALID_ARGUMENT, UNKNOWN_NAME, IO, BAD_FILE. */
NF_API nf_status nf_state_load_npy(nf_state* state, const char* compartment, const char* path);

#ifdef __cplusplus
}
#endif

#endif
