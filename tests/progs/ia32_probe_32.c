// SPDX-License-Identifier: Apache-2.0
/*
 * ia32_probe_32: exits 0 if this kernel runs 32-bit x86 programs at all
 * (tests/lib.sh, ia32_runs).  A PVM guest, or a kernel booted with
 * ia32_emulation=0, refuses the exec (ENOEXEC).
 */
int main(void)
{
	return 0;
}
