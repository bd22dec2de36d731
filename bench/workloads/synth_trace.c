// SPDX-License-Identifier: Apache-2.0
/*
 * synth_trace SEED NRUNS NEXECS: write a large, valid tailor trace (format
 * version 1) to stdout: every syscall libseccomp knows on x86_64 and x86,
 * with calls, ok and a few errnos each, NRUNS run records and NEXECS exec
 * records.  Deterministic for a given SEED.  Used to time `tailor merge`
 * and `tailor generate` on a worst-case input.
 */
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void abi(const char *name, uint32_t arch, int last)
{
	static const char *const errs[] = {"EACCES", "EAGAIN", "EINTR",
	                                   "EINVAL", "ENOENT", "EPERM"};
	int first = 1;

	printf("    \"%s\": {\n", name);
	for (int nr = 0; nr < 1024; nr++) {
		char *sc = seccomp_syscall_resolve_num_arch(arch, nr);
		uint64_t calls = 1 + rnd() % 100000, ok = calls, e[6] = {0};
		int ne = 0;

		if (!sc)
			continue;
		for (int i = 0; i < 6; i++) {
			if (rnd() % 4)
				continue;
			e[i] = 1 + rnd() % (ok > 1 ? ok / 2 : 1);
			if (e[i] > ok)
				e[i] = ok;
			ok -= e[i];
		}
		printf("%s      \"%s\": {\n        \"calls\": %llu,\n        \"errors\": {",
		       first ? "" : ",\n", sc, (unsigned long long)calls);
		for (int i = 0; i < 6; i++)
			if (e[i])
				printf("%s\n          \"%s\": %llu", ne++ ? "," : "", errs[i],
				       (unsigned long long)e[i]);
		printf("%s},\n        \"nr\": %d,\n        \"ok\": %llu\n      }",
		       ne ? "\n        " : "", nr, (unsigned long long)ok);
		first = 0;
		free(sc);
	}
	printf("\n    }%s\n", last ? "" : ",");
}

int main(int argc, char **argv)
{
	long nruns, nexecs;

	if (argc != 4 || (nruns = atol(argv[2])) < 1 || (nexecs = atol(argv[3])) < 0) {
		fprintf(stderr, "usage: synth_trace SEED NRUNS NEXECS > trace.json\n");
		return 2;
	}
	rng_state = strtoull(argv[1], NULL, 10);
	printf("{\n  \"abis\": {\n");
	abi("x86", SCMP_ARCH_X86, 0);
	abi("x86_64", SCMP_ARCH_X86_64, 1);
	printf("  },\n  \"execs\": [\n");
	for (long i = 0; i < nexecs; i++)
		printf("    {\n      \"count\": %llu,\n      \"parent\": \"/usr/bin/p%ld\",\n"
		       "      \"path\": \"/usr/lib/synth/s%s/prog%ld\"\n    }%s\n",
		       (unsigned long long)(1 + rnd() % 1000), i % 50, argv[1], i,
		       i + 1 < nexecs ? "," : "");
	printf("  ],\n  \"runs\": [\n");
	for (long i = 0; i < nruns; i++)
		printf(
		    "    {\n      \"command\": [\"./run-tests.sh\", \"--seed\", \"%s\", "
		    "\"--shard\", "
		    "\"%ld\"],\n      \"complete\": true,\n      \"duration_ms\": %llu,\n"
		    "      \"exit_status\": 0,\n      \"kernel\": \"6.18.0\",\n"
		    "      \"kind\": \"command\",\n      \"lost\": {\n        \"events\": 0\n"
		    "      },\n      \"machine\": \"x86_64\",\n      \"pid\": %ld,\n"
		    "      \"start\": \"2026-11-26T02:19:50Z\",\n      \"tool\": \"tailor 0.1.0\"\n"
		    "    }%s\n",
		    argv[1], i, (unsigned long long)(rnd() % 600000), 1000 + i,
		    i + 1 < nruns ? "," : "");
	printf("  ],\n  \"tailor_trace\": 1\n}\n");
	return 0;
}
