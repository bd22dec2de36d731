// SPDX-License-Identifier: Apache-2.0
/*
 * build_job DIR [NFILES]: a small, realistic build.  Writes NFILES generated
 * C files and a main.c into DIR (created if missing), compiles each with
 * `cc -O2 -c` (one process tree per file: driver, cc1, as), links them, runs
 * the program and checks its output.  A real syscall mix: fork/exec/wait,
 * mmap, header lookups that fail with ENOENT, reads, writes, pipes, renames.
 * About 0.1 s per file on the bench VMs.
 *
 * Its own duration goes last on stdout as `build_job: MS ms`: CLOCK_MONOTONIC
 * from main() entry to just before it returns.  Measured inside the job, it
 * leaves out whatever runs the job (tailor's start-up, detach and trace
 * writing), which bench/run.sh also measures from outside.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FUNCS 20

extern char **environ;

static int run(char *const argv[], const char *out)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, r;

	posix_spawn_file_actions_init(&fa);
	if (out)
		posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r) {
		fprintf(stderr, "build_job: %s: %s\n", argv[0], strerror(r));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "build_job: %s failed (status 0x%x)\n", argv[0], (unsigned)st);
		return -1;
	}
	return 0;
}

static int write_unit(const char *dir, int f)
{
	char path[4096];
	FILE *o;

	snprintf(path, sizeof(path), "%s/u%d.c", dir, f);
	o = fopen(path, "w");
	if (!o)
		return -1;
	fprintf(o, "#include <stdlib.h>\n#include <string.h>\n\n");
	for (int i = 0; i < FUNCS; i++)
		fprintf(o,
		        "int u%d_%d(const int *a, int n)\n{\n\tint s = %d;\n"
		        "\tfor (int k = 0; k < n; k++) {\n\t\ts = s * 31 + a[k] %% %d;\n"
		        "\t\tif (s & 1)\n\t\t\ts ^= a[(k * 7) %% n];\n\t}\n\treturn s;\n}\n\n",
		        f, i, i, i + 3);
	return fclose(o);
}

static int write_main(const char *dir, int nfiles)
{
	char path[4096];
	FILE *o;

	snprintf(path, sizeof(path), "%s/main.c", dir);
	o = fopen(path, "w");
	if (!o)
		return -1;
	fprintf(o, "#include <stdio.h>\n\n");
	for (int f = 0; f < nfiles; f++)
		for (int i = 0; i < FUNCS; i++)
			fprintf(o, "int u%d_%d(const int *a, int n);\n", f, i);
	fprintf(o, "\nint main(void)\n{\n\tint a[64];\n\tunsigned long t = 0;\n\n"
	           "\tfor (int i = 0; i < 64; i++)\n\t\ta[i] = i * 2654435761u >> 7;\n");
	for (int f = 0; f < nfiles; f++)
		for (int i = 0; i < FUNCS; i++)
			fprintf(o, "\tt += (unsigned)u%d_%d(a, 64);\n", f, i);
	fprintf(o, "\tprintf(\"%%lu\\n\", t);\n\treturn 0;\n}\n");
	return fclose(o);
}

int main(int argc, char **argv)
{
	char src[4096], obj[4096], prog[4096], out[4096], line[64];
	char **link;
	struct timespec t0, t1;
	int nfiles = 16;
	FILE *f;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (argc < 2 || argc > 3 || (argc == 3 && (nfiles = atoi(argv[2])) <= 0)) {
		fprintf(stderr, "usage: build_job DIR [NFILES]\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	link = calloc((size_t)nfiles + 8, sizeof(*link));
	if (!link)
		return 1;
	link[0] = "cc";
	link[1] = "-O2";
	link[2] = "-o";
	snprintf(prog, sizeof(prog), "%s/prog", argv[1]);
	link[3] = prog;
	for (int i = 0; i <= nfiles; i++) {
		if (i < nfiles) {
			if (write_unit(argv[1], i))
				goto io;
			snprintf(src, sizeof(src), "%s/u%d.c", argv[1], i);
			snprintf(obj, sizeof(obj), "%s/u%d.o", argv[1], i);
		} else {
			if (write_main(argv[1], nfiles))
				goto io;
			snprintf(src, sizeof(src), "%s/main.c", argv[1]);
			snprintf(obj, sizeof(obj), "%s/main.o", argv[1]);
		}
		char *cc[] = {"cc", "-O2", "-c", src, "-o", obj, NULL};
		if (run(cc, NULL))
			return 1;
		link[4 + i] = strdup(obj);
	}
	if (run(link, NULL))
		return 1;
	snprintf(out, sizeof(out), "%s/prog.out", argv[1]);
	char *runp[] = {prog, NULL};
	if (run(runp, out))
		return 1;
	f = fopen(out, "r");
	if (!f || !fgets(line, sizeof(line), f) || !line[0]) {
		fprintf(stderr, "build_job: %s: no output\n", out);
		return 1;
	}
	fclose(f);
	for (int i = 0; i <= nfiles; i++)
		free(link[4 + i]);
	free(link);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("build_job: %.1f ms\n",
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	return 0;
io:
	perror(argv[1]);
	return 1;
}
