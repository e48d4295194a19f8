#!/usr/bin/env python3
"""The model of docs/SCALING.md: steps per second of a partitioned run on
P cluster nodes, from costs measured on one machine (bench/scaling.sh and
`neurofuse run`) and a stated interconnect. Prints the table the document
shows; change the constants below to model another machine.

A step costs, on every rank (one rank per core: a partitioned rank runs one
thread):
  synapses   the rank's share of the synapses, at the node's memory
             bandwidth shared by its cores (or the core's own rate);
  split      the rank's share of the units of loops split by columns;
  whole      vector loops every rank computes whole (neurofuse runs a
             vector loop whole when every rank needs all of it);
  scan       for sparse products: every rank scans every active input
             row and finds its columns in it (two binary searches);
  exchange   one MPI_Allgatherv per loop that hands on vectors, modelled as
             recursive doubling over nodes (latency) plus the vector's
             bytes over one link, plus a shared-memory stage in the node.
"""

import math

# --- this machine, measured (docs/SCALING.md says where each comes from) ---
CORE_NS_PER_SYNAPSE = 0.86      # mstdpet-layer 4000x4000, one core: 73 steps/s for 16e6 synapses
BYTES_PER_SYNAPSE = 16          # what the compiled MSTDP-ET step moves per synapse (docs/PERFORMANCE.md)
NS_PER_UNIT_SPLIT = 11.0        # mstdpet-layer 100: a step's vector loops, per unit of a population
NS_PER_ELEMENT_WHOLE = 0.5      # a [K,1] factor loop, per element (vectorized arithmetic)
NS_PER_EVENT = 2.0              # sparse LIF 10000: an active input row's connection added to its column
NS_PER_UNIT_LIF = 2.7           # sparse LIF 10000 without input: a LIF unit and its Poisson source
NS_PER_ACTIVE_ROW_SEARCH = 20.0  # two binary searches in a row's connections
NS_PER_INPUT_BLOCK = 2.0        # the sparse product's scan of 16 inputs for a nonzero

# --- a typical cluster node and interconnect (assumed) ---
CORES = 64                      # two 32-core sockets
NODE_BANDWIDTH = 200e9          # bytes/s of memory bandwidth per node
LATENCY = 2e-6                  # s per message across nodes (InfiniBand HDR-class MPI)
LINK = 12.5e9                   # bytes/s per node link (100 Gb/s)
LATENCY_IN_NODE = 0.5e-6        # s per shared-memory stage inside a node


def allgather(nodes, vector_bytes):
    across = math.ceil(math.log2(nodes)) * LATENCY + (nodes - 1) / nodes * vector_bytes / LINK if nodes > 1 else 0.0
    return across + math.ceil(math.log2(CORES)) * LATENCY_IN_NODE


def per_synapse_on_a_loaded_core():
    # Every core of the node streams its synapses at once: the node's
    # bandwidth, shared, or the core's own rate, whichever is slower.
    return max(CORE_NS_PER_SYNAPSE, CORES * BYTES_PER_SYNAPSE / NODE_BANDWIDTH * 1e9)


def mstdpet_layer(nodes, k=100_000, n=100_000):
    ranks = nodes * CORES
    t = {
        "synapses": k * n / ranks * per_synapse_on_a_loaded_core() * 1e-9,
        "split": 2 * n / ranks * NS_PER_UNIT_SPLIT * 1e-9,   # pre and post populations, traces
        "whole": 4 * k * NS_PER_ELEMENT_WHOLE * 1e-9,        # the four [K,1] factors
        "scan": 0.0,
        # pre spikes, pre trace and two presynaptic [1,K] factors, packed
        # into one collective (they leave one loop)
        "exchange": allgather(nodes, 4 * 4 * k),
    }
    return t, {"memory per rank (GB)": k * n * BYTES_PER_SYNAPSE / ranks / 1e9}


def sparse_lif(nodes, units=1_000_000, fanout=1000, spikes_per_step=11_100, index_exchange=False):
    ranks = nodes * CORES
    events = spikes_per_step * fanout
    t = {
        "synapses": events / ranks * NS_PER_EVENT * 1e-9,
        "split": units / ranks * NS_PER_UNIT_LIF * 1e-9,
        "whole": 0.0,
        "scan": (spikes_per_step * NS_PER_ACTIVE_ROW_SEARCH + units / 16 * NS_PER_INPUT_BLOCK) * 1e-9,
        "exchange": allgather(nodes, (8 * spikes_per_step) if index_exchange else 4 * units),
    }
    return t, {"memory per rank (GB)": units * fanout * 8 / ranks / 1e9}


def row(name, nodes, costs, extra):
    total = sum(costs.values())
    parts = " | ".join(f"{costs[c] * 1e3:.3g}" for c in ("synapses", "split", "whole", "scan", "exchange"))
    mem = extra["memory per rank (GB)"]
    print(f"| {name} | {nodes} | {parts} | {total * 1e3:.3g} | {1 / total:,.0f} | {mem:.3g} |")


if __name__ == "__main__":
    print("| network | nodes | synapses | split units | whole vectors | sparse scan | exchange | step (ms) | steps/s "
          "| state per rank, if sliced (GB) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for nodes in (1, 64, 1024):
        row("mstdpet-layer 100,000^2", nodes, *mstdpet_layer(nodes))
    for nodes in (1, 64, 1024):
        row("sparse LIF 10^6 units, 10^9 synapses", nodes, *sparse_lif(nodes))
    for nodes in (64, 1024):
        row("the same, spikes exchanged as indices", nodes, *sparse_lif(nodes, index_exchange=True))
