// SPDX-License-Identifier: Apache-2.0
/*
 * kvstore: a tiny file-backed key-value store, the example app that tailor's
 * quick start records, profiles and confines.
 *
 *   kvstore DIR put KEY VALUE   store (atomically: temp file + rename)
 *   kvstore DIR get KEY         print the value
 *   kvstore DIR del KEY         remove
 *   kvstore DIR list            keys, sorted
 *   kvstore DIR verify          re-read every value from 4 threads
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *dir;

static int valid_key(const char *k)
{
	if (!*k || strlen(k) > 64)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '-' || *k == '_'))
			return 0;
	return 1;
}

static int put(const char *key, const char *value)
{
	char tmp[4096], path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, key);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, value, strlen(value)) < 0 || fsync(fd) < 0 || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		fprintf(stderr, "kvstore: put %s: %s\n", key, strerror(errno));
		return 1;
	}
	return 0;
}

static int get(const char *key, int quiet)
{
	char path[4096], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (!quiet)
			fprintf(stderr, "kvstore: get %s: %s\n", key, strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (!quiet && fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	close(fd);
	if (!quiet)
		putchar('\n');
	return n < 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list(char ***keys, size_t *n)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	*keys = NULL;
	*n = 0;
	if (!d) {
		fprintf(stderr, "kvstore: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		*keys = realloc(*keys, (*n + 1) * sizeof(char *));
		(*keys)[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(*keys, *n, sizeof(char *), cmp);
	return 0;
}

struct job {
	char **keys;
	size_t n, first, step;
	int failed;
};

static void *verify_worker(void *arg)
{
	struct job *j = arg;

	for (size_t i = j->first; i < j->n; i += j->step)
		j->failed |= get(j->keys[i], 1);
	return NULL;
}

int main(int argc, char **argv)
{
	char **keys;
	size_t n;
	int r = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: kvstore DIR put|get|del|list|verify [KEY [VALUE]]\n");
		return 2;
	}
	dir = argv[1];
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "kvstore: mkdir %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (argc >= 4 && !valid_key(argv[3])) {
		fprintf(stderr, "kvstore: invalid key '%s'\n", argv[3]);
		return 2;
	}
	if (!strcmp(argv[2], "put") && argc == 5)
		return put(argv[3], argv[4]);
	if (!strcmp(argv[2], "get") && argc == 4)
		return get(argv[3], 0);
	if (!strcmp(argv[2], "del") && argc == 4) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, argv[3]);
		if (unlink(path) < 0) {
			fprintf(stderr, "kvstore: del %s: %s\n", argv[3], strerror(errno));
			return 1;
		}
		return 0;
	}
	if ((!strcmp(argv[2], "list") || !strcmp(argv[2], "verify")) && argc == 3) {
		if (list(&keys, &n))
			return 1;
		if (!strcmp(argv[2], "list")) {
			for (size_t i = 0; i < n; i++)
				printf("%s\n", keys[i]);
		} else {
			pthread_t t[4];
			struct job jobs[4];

			for (size_t i = 0; i < 4; i++) {
				jobs[i] = (struct job){keys, n, i, 4, 0};
				pthread_create(&t[i], NULL, verify_worker, &jobs[i]);
			}
			for (size_t i = 0; i < 4; i++) {
				pthread_join(t[i], NULL);
				r |= jobs[i].failed;
			}
			printf("verified %zu keys: %s\n", n, r ? "FAILED" : "ok");
		}
		for (size_t i = 0; i < n; i++)
			free(keys[i]);
		free(keys);
		return r;
	}
	fprintf(stderr, "kvstore: bad command line (see usage)\n");
	return 2;
}
