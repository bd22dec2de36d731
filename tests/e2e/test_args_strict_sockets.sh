#!/usr/bin/env bash
# --args strict on sockets and clone3, end to end (docs/generate.md, "Argument
# rules"): a program that made four (family, type, protocol) triples, more
# than 32 combinations of their values, is denied every other triple under
# its strict profile (raw sockets above all); a program that creates
# namespaces through clone3 only is warned about at generation time (clone3
# gets ENOSYS), and runs under --args none.
. "$TAILOR_SRC/tests/lib.sh"
need_live
need_cmd cc
scratch

cat >"$T/sockt.c" <<'EOF'
/* socket(d, t, p) per argument triple; prints "d t p errno" (0: created). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	for (int i = 1; i + 2 < argc; i += 3) {
		int fd = socket(atoi(argv[i]), atoi(argv[i + 1]), atoi(argv[i + 2]));
		printf("%s %s %s %d\n", argv[i], argv[i + 1], argv[i + 2], fd < 0 ? errno : 0);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
EOF
cat >"$T/c3.c" <<'EOF'
/* clone3 with CLONE_NEWNET|CLONE_NEWUTS through syscall(): no fallback to clone. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
	struct clone_args a;
	long pid;

	memset(&a, 0, sizeof(a));
	a.flags = CLONE_NEWNET | CLONE_NEWUTS;
	a.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid == 0)
		_exit(0);
	if (pid < 0) {
		printf("clone3: %s\n", strerror(errno));
		return 1;
	}
	waitpid((pid_t)pid, NULL, 0);
	puts("ok");
	return 0;
}
EOF
cc -O1 -o "$T/sockt" "$T/sockt.c" || fail "cc sockt.c"
cc -O1 -o "$T/c3" "$T/c3.c" || skip "clone3 headers missing (linux/sched.h struct clone_args)"

# unix stream, udp, icmp6 datagram (EACCES outside ping_group_range: still a triple), netlink
seen="1 1 0 2 2 17 10 2 58 16 3 0"
"$TAILOR_BIN" record -q -o "$T/sk.json" -- "$T/sockt" $seen >"$T/rec.out" ||
	fail "record sockt"
run 0 generate --args strict -o "$T/sk.strict.json" "$T/sk.json"
chmod 600 "$T/sk.strict.json"
# raw tcp, raw icmp6, tcp stream, packet: never made
"$TAILOR_BIN" run --profile "$T/sk.strict.json" -- "$T/sockt" 2 3 6 10 3 58 2 1 0 17 3 0 $seen \
	>"$T/run.out" || fail "run sockt under its strict profile"
for triple in "2 3 6" "10 3 58" "2 1 0" "17 3 0"; do
	grep -qx "$triple 1" "$T/run.out" ||
		{ cat "$T/run.out"; fail "socket($triple) not denied with EPERM"; }
done
diff <(grep -E '^(1 1 0|2 2 17|10 2 58|16 3 0) ' "$T/run.out") "$T/rec.out" >/dev/null ||
	{ cat "$T/run.out" "$T/rec.out"; fail "the recorded triples do not behave as recorded"; }
pass "strict: only the recorded socket triples (4 of 36 combinations) are allowed"

"$TAILOR_BIN" record -q -o "$T/c3.json" -- "$T/c3" >/dev/null || fail "record c3"
run 0 generate -o "$T/c3.safe.json" "$T/c3.json"
grep -q "tailor generate: warning: clone3 succeeded" "$T/err" ||
	{ cat "$T/err"; fail "no warning for clone3 without a fallback"; }
grep -q -- "--args none" "$T/err" || fail "the warning does not name --args none"
chmod 600 "$T/c3.safe.json"
rc=0
"$TAILOR_BIN" run --profile "$T/c3.safe.json" -- "$T/c3" >"$T/c3.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q "clone3: Function not implemented" "$T/c3.out" ||
	{ cat "$T/c3.out"; fail "clone3 is not ENOSYS under the safe profile"; }
run 0 generate --args none -o "$T/c3.none.json" "$T/c3.json"
[ ! -s "$T/err" ] || { cat "$T/err"; fail "--args none still warns"; }
chmod 600 "$T/c3.none.json"
"$TAILOR_BIN" run --profile "$T/c3.none.json" -- "$T/c3" >"$T/c3.out" 2>&1 ||
	{ cat "$T/c3.out"; fail "c3 fails under --args none"; }
pass "clone3 without a fallback: warned (ENOSYS kept), runs under --args none"
