// SPDX-License-Identifier: Apache-2.0
/*
 * The risk table of `tailor diff` (include/tailor/risk.h, docs/diff.md).
 *
 * Classes, for a reviewer deciding whether a new release may do this:
 *   critical  escapes the sandbox or controls the kernel/host on its own
 *   high      a well-known escape or kernel-exploit step, or host-wide effect
 *   medium    security-relevant, needs a second step or a privilege
 *   low       everything not listed here
 *
 * Kept sorted by (kind, name, label) and unique; tests/unit/test_risk.c
 * checks that, that every entry has a reason, and that every syscall and
 * capability name is one tailor knows.
 */
#include <errno.h>
#include <string.h>

#include "tailor/common.h"
#include "tailor/risk.h"

#define SYS(n, r, why)                                                                             \
	{                                                                                          \
		TL_RISK_SYSCALL, n, NULL, TL_RISK_##r, why, 0, TL_RISK_EQ, 0, 0                    \
	}
#define CAP(n, r, why)                                                                             \
	{                                                                                          \
		TL_RISK_CAP, n, NULL, TL_RISK_##r, why, 0, TL_RISK_EQ, 0, 0                        \
	}
#define PATH(n, r, why)                                                                            \
	{                                                                                          \
		TL_RISK_PATH, n, NULL, TL_RISK_##r, why, 0, TL_RISK_EQ, 0, 0                       \
	}
#define POLICY(n, r, why)                                                                          \
	{                                                                                          \
		TL_RISK_POLICY, n, NULL, TL_RISK_##r, why, 0, TL_RISK_EQ, 0, 0                     \
	}
/* Argument i of syscall n: equal to v (in the bits of mask m, 0 = all), or any bit of v. */
#define ARG_EQ(n, i, v, m, l, r, why)                                                              \
	{                                                                                          \
		TL_RISK_ARG, n, l, TL_RISK_##r, why, i, TL_RISK_EQ, v, m                           \
	}
#define ARG_ANY(n, i, v, l, r, why)                                                                \
	{                                                                                          \
		TL_RISK_ARG, n, l, TL_RISK_##r, why, i, TL_RISK_ANYBIT, v, 0                       \
	}

/* Namespace flags of clone/unshare (linux/sched.h). */
#define NS_USER   0x10000000ULL /* CLONE_NEWUSER */
#define NS_OTHERS 0x6e020000ULL /* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWPID|NEWNET */
#define NS_TIME   0x00000080ULL /* CLONE_NEWTIME (unshare, clone3 only) */

#define WHY_MOUNT_API "new mount API: prepares or attaches filesystems outside the sandbox's view"
#define WHY_KEYS      "kernel keyrings are not namespaced and have a long record of kernel bugs"
#define WHY_CLOCK     "sets the host clock, which no namespace isolates"
#define WHY_URING     "io_uring performs I/O that seccomp never sees; a long kernel CVE record"
#define WHY_NEWUSER                                                                                \
	"creates a user namespace: root inside it reaches kernel code (mounts, netfilter...) "     \
	"kept from unprivileged users"
#define WHY_NEWNS "creates namespaces (mount, pid, net, ipc, uts, cgroup): a container-in-container"

const struct tl_risk_entry tl_risk_table[] = {
    /* ---- syscalls (libseccomp names) ---- */
    SYS("_sysctl", MEDIUM, "obsolete binary sysctl interface: changes kernel parameters"),
    SYS("acct", MEDIUM, "switches process accounting for the whole host (not namespaced)"),
    SYS("add_key", MEDIUM, WHY_KEYS),
    SYS("adjtimex", MEDIUM, WHY_CLOCK),
    SYS("bpf", CRITICAL,
        "loads programs into the kernel and reads kernel memory: the largest in-kernel attack "
        "surface"),
    SYS("chroot", MEDIUM, "changes the root directory: with a privilege, a classic escape step"),
    SYS("clock_adjtime", MEDIUM, WHY_CLOCK),
    SYS("clock_settime", MEDIUM, WHY_CLOCK),
    SYS("clone3", MEDIUM,
        "its flags (namespaces included) are in a struct that seccomp cannot inspect"),
    SYS("delete_module", CRITICAL, "unloads kernel modules"),
    SYS("fanotify_init", MEDIUM, "watches and blocks file accesses of the whole filesystem"),
    SYS("finit_module", CRITICAL, "loads a kernel module: arbitrary code in the kernel"),
    SYS("fsconfig", HIGH, WHY_MOUNT_API),
    SYS("fsmount", HIGH, WHY_MOUNT_API),
    SYS("fsopen", HIGH, WHY_MOUNT_API),
    SYS("fspick", HIGH, WHY_MOUNT_API),
    SYS("init_module", CRITICAL, "loads a kernel module: arbitrary code in the kernel"),
    SYS("io_uring_enter", HIGH, WHY_URING),
    SYS("io_uring_register", HIGH, WHY_URING),
    SYS("io_uring_setup", HIGH, WHY_URING),
    SYS("ioperm", CRITICAL, "direct access to hardware I/O ports"),
    SYS("iopl", CRITICAL, "direct access to all hardware I/O ports and interrupts"),
    SYS("kcmp", MEDIUM, "compares kernel objects of two processes: an information leak"),
    SYS("kexec_file_load", CRITICAL, "replaces the running kernel"),
    SYS("kexec_load", CRITICAL, "replaces the running kernel"),
    SYS("keyctl", MEDIUM, WHY_KEYS),
    SYS("lookup_dcookie", MEDIUM, "kernel profiling interface that leaks kernel paths"),
    SYS("memfd_secret", MEDIUM, "memory that even the kernel and root cannot read: hides payloads"),
    SYS("mknod", MEDIUM, "creates device nodes: raw disks or memory where the device cgroup lets"),
    SYS("mknodat", MEDIUM,
        "creates device nodes: raw disks or memory where the device cgroup lets"),
    SYS("mount", CRITICAL, "mounts filesystems: the classic container escape primitive"),
    SYS("mount_setattr", HIGH, "changes mount properties (idmapping, read-only) of a mount tree"),
    SYS("move_mount", HIGH, WHY_MOUNT_API),
    SYS("name_to_handle_at", MEDIUM,
        "obtains file handles: the first half of the open_by_handle_at escape"),
    SYS("open_by_handle_at", CRITICAL,
        "opens any file of a filesystem by handle, bypassing the mount namespace (\"shocker\")"),
    SYS("open_tree", HIGH, WHY_MOUNT_API),
    SYS("perf_event_open", HIGH,
        "performance counters: a large kernel attack surface and side channel"),
    SYS("pidfd_getfd", HIGH, "copies a file descriptor out of another process"),
    SYS("pivot_root", CRITICAL, "changes the root mount of the mount namespace"),
    SYS("process_madvise", MEDIUM, "changes the memory management of another process"),
    SYS("process_vm_readv", HIGH, "reads the memory of another process"),
    SYS("process_vm_writev", CRITICAL, "writes the memory of another process: code injection"),
    SYS("ptrace", CRITICAL,
        "controls another process: reads and writes its memory and registers, bypasses its "
        "seccomp filter on old kernels"),
    SYS("quotactl", MEDIUM, "manages disk quotas of host filesystems"),
    SYS("quotactl_fd", MEDIUM, "manages disk quotas of host filesystems"),
    SYS("reboot", HIGH, "reboots or halts the machine, or enables kexec"),
    SYS("request_key", MEDIUM, WHY_KEYS),
    SYS("setns", HIGH, "joins the namespaces of another process: an escape step when fds leak"),
    SYS("settimeofday", MEDIUM, WHY_CLOCK),
    SYS("stime", MEDIUM, WHY_CLOCK),
    SYS("swapoff", MEDIUM, "removes a host swap device"),
    SYS("swapon", MEDIUM, "adds a host swap device"),
    SYS("syslog", MEDIUM, "reads the kernel log, which leaks kernel addresses"),
    SYS("umount", HIGH, "unmounts filesystems: uncovers what a mount was hiding"),
    SYS("umount2", HIGH, "unmounts filesystems: uncovers what a mount was hiding"),
    SYS("uselib", MEDIUM, "loads a library through an obsolete kernel loader (old exploit vector)"),
    SYS("userfaultfd", HIGH,
        "stalls kernel memory copies at will: the usual kernel-race exploit tool"),
    SYS("vm86", HIGH, "virtual-8086 mode (32-bit x86): obscure, bug-prone kernel code"),
    SYS("vm86old", HIGH, "virtual-8086 mode (32-bit x86): obscure, bug-prone kernel code"),

    /* ---- argument values: the syscall's risk is that of the values it may get ---- */
    ARG_ANY("clone", 0, NS_USER, "CLONE_NEWUSER", CRITICAL, WHY_NEWUSER),
    ARG_ANY("clone", 0, NS_OTHERS, "namespace flags", HIGH, WHY_NEWNS),
    ARG_EQ("ioctl", 1, 0x541c, 0, "TIOCLINUX", MEDIUM,
           "console control: injects input on virtual consoles"),
    ARG_EQ("ioctl", 1, 0x5412, 0, "TIOCSTI", HIGH,
           "injects input into the controlling terminal (CVE-2017-5226: sandbox escape)"),
    ARG_ANY("personality", 0, 0x0040000, "ADDR_NO_RANDOMIZE", MEDIUM,
            "disables address-space randomisation for the process and its children"),
    ARG_ANY("personality", 0, 0x0400000, "READ_IMPLIES_EXEC", MEDIUM,
            "makes all readable memory executable"),
    ARG_EQ("socket", 0, 38, 0, "AF_ALG", MEDIUM,
           "kernel crypto API sockets: a large attack surface"),
    ARG_EQ("socket", 0, 15, 0, "AF_KEY", MEDIUM,
           "IPsec key management (PF_KEY): rarely used, bug-prone"),
    ARG_EQ("socket", 0, 16, 0, "AF_NETLINK", MEDIUM,
           "talks to kernel subsystems: routing, netfilter, audit and more"),
    ARG_EQ("socket", 0, 17, 0, "AF_PACKET", HIGH,
           "raw link-layer access: sniffs and forges traffic; several kernel CVEs"),
    ARG_EQ("socket", 0, 40, 0, "AF_VSOCK", MEDIUM, "talks to the hypervisor or the host"),
    /* the type word also carries SOCK_NONBLOCK and SOCK_CLOEXEC */
    ARG_EQ("socket", 1, 3, 0xf, "SOCK_RAW", HIGH,
           "raw IP sockets: forges packets (spoofing, ICMP)"),
    ARG_ANY("unshare", 0, NS_USER, "CLONE_NEWUSER", CRITICAL, WHY_NEWUSER),
    ARG_ANY("unshare", 0, NS_OTHERS | NS_TIME, "namespace flags", HIGH, WHY_NEWNS),

    /* ---- capabilities ---- */
    CAP("CAP_AUDIT_CONTROL", MEDIUM, "changes the kernel audit rules"),
    CAP("CAP_BPF", HIGH, "loads BPF programs and maps"),
    CAP("CAP_CHECKPOINT_RESTORE", MEDIUM, "chooses PIDs and reads other processes' mappings"),
    CAP("CAP_CHOWN", MEDIUM, "changes the owner of any file"),
    CAP("CAP_DAC_OVERRIDE", HIGH, "bypasses file read, write and execute permission checks"),
    CAP("CAP_DAC_READ_SEARCH", HIGH,
        "bypasses read permission checks and opens files by handle (\"shocker\")"),
    CAP("CAP_FOWNER", MEDIUM, "acts as the owner of any file (chmod, utimes, ACLs)"),
    CAP("CAP_FSETID", MEDIUM, "keeps set-user-ID bits when files change"),
    CAP("CAP_IPC_OWNER", MEDIUM, "bypasses System V IPC permission checks"),
    CAP("CAP_KILL", MEDIUM, "signals any process of its user namespace"),
    CAP("CAP_LINUX_IMMUTABLE", MEDIUM, "sets the immutable and append-only file attributes"),
    CAP("CAP_MAC_ADMIN", CRITICAL,
        "changes the mandatory access control policy (AppArmor, SELinux)"),
    CAP("CAP_MAC_OVERRIDE", CRITICAL, "overrides mandatory access control"),
    CAP("CAP_MKNOD", MEDIUM, "creates device nodes"),
    CAP("CAP_NET_ADMIN", HIGH, "configures interfaces, routes and firewall rules"),
    CAP("CAP_NET_RAW", HIGH, "raw and packet sockets: sniffs and forges traffic"),
    CAP("CAP_PERFMON", HIGH, "performance monitoring and BPF tracing: reads kernel data"),
    CAP("CAP_SETFCAP", MEDIUM, "sets file capabilities on executables"),
    CAP("CAP_SETGID", HIGH, "takes any group ID"),
    CAP("CAP_SETPCAP", MEDIUM, "changes capability sets and the bounding set"),
    CAP("CAP_SETUID", HIGH, "takes any user ID, root included"),
    CAP("CAP_SYSLOG", MEDIUM, "reads the kernel log and kernel addresses"),
    CAP("CAP_SYS_ADMIN", CRITICAL, "the catch-all privilege: mounts, namespaces, BPF, quotas..."),
    CAP("CAP_SYS_BOOT", HIGH, "reboots the machine and loads a new kernel"),
    CAP("CAP_SYS_CHROOT", MEDIUM, "chroot: with another privilege, a classic escape step"),
    CAP("CAP_SYS_MODULE", CRITICAL, "loads kernel modules: arbitrary code in the kernel"),
    CAP("CAP_SYS_PACCT", MEDIUM, "switches process accounting for the host"),
    CAP("CAP_SYS_PTRACE", CRITICAL, "traces any process: reads and writes its memory"),
    CAP("CAP_SYS_RAWIO", CRITICAL, "I/O ports and /dev/mem: direct hardware and memory access"),
    CAP("CAP_SYS_RESOURCE", MEDIUM, "overrides resource limits and quotas"),
    CAP("CAP_SYS_TIME", MEDIUM, "sets the host clock, which no namespace isolates"),

    /* ---- paths (files opened, programs executed); a trailing '/' is a prefix ---- */
    PATH("/dev/kmem", CRITICAL, "kernel virtual memory"),
    PATH("/dev/mem", CRITICAL, "physical memory"),
    PATH("/dev/port", CRITICAL, "hardware I/O ports"),
    PATH("/etc/shadow", HIGH, "password hashes of the system's users"),
    PATH("/etc/sudoers", HIGH, "decides who may become root"),
    PATH("/proc/kcore", CRITICAL, "the kernel's memory as a core file"),
    PATH("/proc/sysrq-trigger", HIGH, "crashes, reboots or freezes the host"),
    PATH("/run/containerd/containerd.sock", CRITICAL,
         "the container runtime's API: starts privileged containers"),
    PATH("/run/docker.sock", CRITICAL, "Docker's API: root on the host"),
    PATH("/sys/kernel/debug/", HIGH, "debugfs: kernel internals"),
    PATH("/usr/bin/su", HIGH, "becomes another user"),
    PATH("/usr/bin/sudo", HIGH, "runs commands as root"),
    PATH("/var/run/docker.sock", CRITICAL, "Docker's API: root on the host"),

    /* ---- policy-level changes ---- */
    POLICY("SECCOMP_FILTER_FLAG_SPEC_ALLOW", MEDIUM,
           "turns off the speculative store bypass mitigation for the process"),
    POLICY("arch-added", MEDIUM,
           "a new ABI makes a second syscall table reachable (compat entry points have a long "
           "bug record)"),
    POLICY("default-allow", CRITICAL, "every syscall the profile does not list is allowed"),
    POLICY("hardening-chroot", MEDIUM,
           "the program no longer chroots itself: after a compromise it sees the whole "
           "filesystem"),
    POLICY("hardening-no-new-privs", MEDIUM,
           "without no_new_privs, executing a setuid binary or one with file capabilities "
           "raises the process's privileges again"),
    POLICY("hardening-privilege-drop", MEDIUM,
           "the program no longer gives up root's uid, groups or capabilities: a compromise "
           "keeps them"),
    POLICY("hardening-seccomp-filter", HIGH,
           "the program now runs without its own syscall filter: a compromise reaches every "
           "syscall the outer sandbox allows"),
};

const size_t tl_risk_table_len = TL_ARRAY_SIZE(tl_risk_table);

const char *tl_risk_name(enum tl_risk r)
{
	static const char *const names[] = {"low", "medium", "high", "critical"};

	return (unsigned)r < TL_ARRAY_SIZE(names) ? names[r] : "?";
}

int tl_risk_from_name(const char *name)
{
	for (int r = TL_RISK_LOW; r <= TL_RISK_CRITICAL; r++)
		if (name && !strcmp(name, tl_risk_name((enum tl_risk)r)))
			return r;
	return -EINVAL;
}

/* The table is small (about 130 entries) and diff is not hot: a scan is enough. */
static const struct tl_risk_entry *find(enum tl_risk_kind kind, const char *name)
{
	for (size_t i = 0; name && i < tl_risk_table_len; i++)
		if (tl_risk_table[i].kind == kind && !strcmp(tl_risk_table[i].name, name))
			return &tl_risk_table[i];
	return NULL;
}

const struct tl_risk_entry *tl_risk_syscall(const char *name)
{
	return find(TL_RISK_SYSCALL, name);
}

const struct tl_risk_entry *tl_risk_cap(const char *name)
{
	return find(TL_RISK_CAP, name);
}

const struct tl_risk_entry *tl_risk_policy(const char *name)
{
	return find(TL_RISK_POLICY, name);
}

const struct tl_risk_entry *tl_risk_path(const char *path)
{
	const struct tl_risk_entry *best = NULL;

	for (size_t i = 0; path && i < tl_risk_table_len; i++) {
		const struct tl_risk_entry *e = &tl_risk_table[i];
		size_t n = strlen(e->name);

		if (e->kind != TL_RISK_PATH)
			continue;
		if (!strcmp(e->name, path))
			return e;
		if (n && e->name[n - 1] == '/' && !strncmp(e->name, path, n) &&
		    (!best || n > strlen(best->name)))
			best = e;
	}
	return best;
}

const struct tl_risk_entry *tl_risk_args(const char *syscall, size_t *n)
{
	const struct tl_risk_entry *first = NULL;

	*n = 0;
	for (size_t i = 0; syscall && i < tl_risk_table_len; i++) {
		if (tl_risk_table[i].kind != TL_RISK_ARG || strcmp(tl_risk_table[i].name, syscall))
			continue;
		if (!first)
			first = &tl_risk_table[i];
		(*n)++;
	}
	return first;
}

bool tl_risk_arg_matches(const struct tl_risk_entry *e, uint64_t v)
{
	if (e->kind != TL_RISK_ARG)
		return false;
	/* personality(0xffffffff) only asks for the current persona: it sets no flag */
	if (e->match == TL_RISK_ANYBIT)
		return (v & e->value) != 0 &&
		       !((uint32_t)v == 0xffffffff && !strcmp(e->name, "personality"));
	return (e->mask ? v & e->mask : v) == e->value;
}

bool tl_risk_socket_type_family(int64_t family)
{
	return family == 2 /* AF_INET */ || family == 10 /* AF_INET6 */;
}
