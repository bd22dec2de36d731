// SPDX-License-Identifier: Apache-2.0
/* libFuzzer entry point of the aa_policy harness (fuzz/harness_aa_policy.c). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tl_fuzz_aa_policy(data, size);
}
