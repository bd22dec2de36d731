// SPDX-License-Identifier: Apache-2.0
/* libFuzzer entry point of the trace harness (fuzz/harness_trace.c). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tl_fuzz_trace(data, size);
}
