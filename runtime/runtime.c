#include "neurofuse/runtime.h"

int nf_abi_version(void) { return NF_ABI_VERSION; }
