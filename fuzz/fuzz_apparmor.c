// SPDX-License-Identifier: Apache-2.0
/* libFuzzer entry point of the apparmor harness (fuzz/harness_apparmor.c). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return tl_fuzz_apparmor(data, size);
}
