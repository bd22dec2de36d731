// SPDX-License-Identifier: Apache-2.0
/*
 * floor OBJ enter|exit|both [READY_FILE]: load bench's floor.bpf.o with
 * libbpf, attach the empty tp_btf/sys_enter program, the empty sys_exit one,
 * or both, create READY_FILE once attached, and wait until SIGINT/SIGTERM.
 * Needs root (or CAP_BPF+CAP_PERFMON).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static int attach(struct bpf_object *obj, const char *name, struct bpf_link **link)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	if (!p) {
		fprintf(stderr, "floor: no program '%s' in the object\n", name);
		return -ENOENT;
	}
	*link = bpf_program__attach(p);
	if (!*link) {
		int err = -errno;

		fprintf(stderr, "floor: attaching %s: %s\n", name, strerror(-err));
		return err;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_link *enter = NULL, *exit_ = NULL;
	struct bpf_object *obj;
	sigset_t set;
	int sig, rc = 1, fd;

	if (argc < 3 || argc > 4 ||
	    (strcmp(argv[2], "enter") && strcmp(argv[2], "exit") && strcmp(argv[2], "both"))) {
		fprintf(stderr, "usage: floor OBJ enter|exit|both [READY_FILE]\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "floor: opening %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (!strcmp(argv[2], "enter"))
		bpf_program__set_autoload(bpf_object__find_program_by_name(obj, "floor_exit"),
		                          false);
	if (!strcmp(argv[2], "exit"))
		bpf_program__set_autoload(bpf_object__find_program_by_name(obj, "floor_enter"),
		                          false);
	if (bpf_object__load(obj)) {
		fprintf(stderr, "floor: loading %s: %s\n", argv[1], strerror(errno));
		goto out;
	}
	if (strcmp(argv[2], "exit") && attach(obj, "floor_enter", &enter))
		goto out;
	if (strcmp(argv[2], "enter") && attach(obj, "floor_exit", &exit_))
		goto out;
	if (argc == 4) {
		fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "floor: %s: %s\n", argv[3], strerror(errno));
			goto out;
		}
		close(fd);
	}
	sigwait(&set, &sig);
	rc = 0;
out:
	bpf_link__destroy(exit_);
	bpf_link__destroy(enter);
	bpf_object__close(obj);
	return rc;
}
