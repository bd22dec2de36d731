// SPDX-License-Identifier: Apache-2.0
/* fileprobe built -m32: the same accesses through the ia32 syscalls (test_files.sh). */
#define _GNU_SOURCE /* built outside CMake's flags (tests/CMakeLists.txt) */
#include "fileprobe.c"
