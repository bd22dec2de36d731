#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tailor benchmarks: recorder overhead, start-up, enforcement, generation.
# Every figure is compared with a baseline measured in the SAME run, with the
# configurations interleaved rep by rep so that drift hits all of them alike.
# Prints markdown to stdout (progress on stderr); --json FILE writes every
# figure as JSON too.  Needs root (BPF).  See bench/README.md.
set -euo pipefail

usage() {
	cat <<EOF
usage: bench/run.sh [-B BUILD_DIR] [-r REPS] [--quick] [--cpu N | --no-pin]
                    [--wait-quiet SECONDS] [--no-bpf-stats] [--no-perf] [--no-settle]
                    [--job-files N] [--json FILE] [--keep]

  -B DIR            build directory with tailor and bench/ (default: \$TAILOR_BUILD,
                    else ./build-bench, else ./build)
  -r REPS           repetitions per configuration; medians are reported (default 5,
                    9 when the load average is above 0.5 at start; the build_job
                    section takes at least 9 unless -r or --quick is given)
  --quick           fewer iterations and 3 reps (a smoke run; numbers are noisier)
  --cpu N           pin the measured processes to CPU N (default 1); tailor
                    record itself is not pinned, the command it runs is
  --no-pin          do not pin
  --wait-quiet S    wait up to S seconds for the 1-minute load average to drop
                    below 0.5 before starting
  --no-bpf-stats    skip the kernel.bpf_stats_enabled diagnostics
  --no-perf         skip the sampled measurement of the hook's cost (perf)
  --no-settle       do not wait out the kernel's RCU Tasks Trace grace period
                    before each measurement (bench/settle.c says why it matters)
  --job-files N     C files build_job compiles (default 32, 4 with --quick; ~0.1 s
                    each): a larger N is a longer build
  --json FILE       also write all figures to FILE as one JSON object
  --keep            keep the work directory (traces, profiles) and print its path
EOF
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(dirname "$here")
build=${TAILOR_BUILD:-}
reps=
quick=0
cpu=1
pin=1
wait_quiet=0
bpf_stats=1
perf_on=1
settle_on=1
json=
keep=0
job_files=
while (($#)); do
	case $1 in
	-B) build=$2; shift 2 ;;
	-r) reps=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	--cpu) cpu=$2; shift 2 ;;
	--no-pin) pin=0; shift ;;
	--wait-quiet) wait_quiet=$2; shift 2 ;;
	--no-bpf-stats) bpf_stats=0; shift ;;
	--no-perf) perf_on=0; shift ;;
	--no-settle) settle_on=0; shift ;;
	--job-files) job_files=$2; shift 2 ;;
	--json) json=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [[ -z $build ]]; then
	for d in "$src/build-bench" "$src/build"; do
		[[ -x $d/tailor ]] && { build=$d; break; }
	done
fi
tailor=${build:-}/tailor
B=${build:-}/bench
die() { echo "bench: $*" >&2; exit 1; }
[[ -x $tailor ]] || die "no tailor in '${build:-}' (build it, or give -B DIR)"
for p in getppid_loop openread_loop build_job stamp synth_trace floor floor.bpf.o settle; do
	[[ -e $B/$p ]] || die "$B/$p missing: make -C $build bench"
done
((EUID == 0)) || die "needs root (BPF programs are loaded)"
command -v strace >/dev/null || die "strace not installed (apt-get install strace)"
command -v jq >/dev/null || die "jq not installed (apt-get install jq)"
have_hyperfine=0
command -v hyperfine >/dev/null && have_hyperfine=1
[[ -z $reps || ($reps =~ ^[0-9]+$ && $reps -ge 1) ]] || die "-r: '$reps' is not a positive number"
[[ -z $job_files || ($job_files =~ ^[0-9]+$ && $job_files -ge 1) ]] ||
	die "--job-files: '$job_files' is not a positive number"

# Iterations: each measured loop runs ~0.3-1 s untraced on the bench VMs.
if ((quick)); then
	reps=${reps:-3}
	n_ppid=500000 n_or=100000 n_job=4
else
	n_ppid=2000000 n_or=300000 n_job=32
fi
n_job=${job_files:-$n_job}
reps_arg=$reps # empty: -r not given
n_ppid_strace=$((n_ppid / 100)) n_or_strace=$((n_or / 100))

work=$(mktemp -d /tmp/tailor-bench.XXXXXX)
floor_pid='' bg_pid='' stats_old='' tracefs_mounted=0
cleanup() {
	((tracefs_mounted)) && umount /sys/kernel/tracing 2>/dev/null
	[[ -n $floor_pid ]] && kill -TERM "$floor_pid" 2>/dev/null && wait "$floor_pid" 2>/dev/null
	[[ -n $bg_pid ]] && kill -TERM "$bg_pid" 2>/dev/null && wait "$bg_pid" 2>/dev/null
	[[ -n $stats_old ]] && sysctl -q -w kernel.bpf_stats_enabled="$stats_old"
	if ((keep)); then echo "bench: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench: $*" >&2; }
# bench/settle reads a tracepoint's id from tracefs: mount it where a fresh
# machine has not (unmounted again at exit).
if ((settle_on)) && [[ ! -e /sys/kernel/tracing/events && ! -e /sys/kernel/debug/tracing/events ]] &&
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
	tracefs_mounted=1
	log "mounted tracefs at /sys/kernel/tracing for bench/settle"
fi
load1() { cut -d' ' -f1 /proc/loadavg; }
# fdinfo_field PID FIELD: the values of FIELD (link_id, tp_name, ...) over PID's fds
fdinfo_field() { awk -v f="$2:" '$1 == f {print $2}' /proc/"$1"/fdinfo/* 2>/dev/null || true; }
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }
pinned() { if ((pin)); then taskset -c "$cpu" "$@"; else "$@"; fi; }
# tailor record is not pinned: like on a real machine, its own threads (its
# loader, its event reader) run where the scheduler puts them; the command it
# runs is pinned by the taskset it execs (its few syscalls are in the trace).
# Pinned to the command's CPU, its two loader threads would run one after the
# other (~+25 ms start-up on this VM).  strace stays pinned with its tracee:
# on one CPU its ptrace stops are ~5x cheaper than bouncing between two, so
# the baseline is strace at its best.
pin_cmd() { if ((pin)); then echo taskset -c "$cpu"; fi; }

# ---- results: samples per key, figures for JSON ------------------------------------
declare -A S   # key -> space-separated samples
declare -a J=() # "key<TAB>value" lines for --json
add() { S[$1]+="$2 "; }
fig() { J+=("$1	$2"); }
median_p() { # decimals samples... -> median
	local p=$1
	shift
	printf '%s\n' "$@" | sort -g | awk -v p="$p" '{a[NR]=$1} END {
		if (NR == 0) { print "nan"; exit }
		printf "%." p "f\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
median() { median_p 1 "$@"; }
minmax_p() { # decimals samples... -> "lo–hi"
	local p=$1
	shift
	printf '%s\n' "$@" | sort -g | awk -v p="$p" 'NR == 1 {lo = $1} {hi = $1} END {
		printf "%." p "f–%." p "f\n", lo, hi }'
}
minmax() { minmax_p 1 "$@"; }
# paired A B : the per-rep ratios A[r] / B[r], one a line; paired_diff A B: the
# differences A[r] - B[r].  Pairs by position: sample() appends exactly one
# value to each of its keys per call (or dies), and every configuration is
# sampled once per rep, in rep order, so position r of S[A] and of S[B] is rep
# r for both.
paired_op() { # ratio|diff A B
	local -a a b
	read -r -a a <<<"${S[$2]:-}"
	read -r -a b <<<"${S[$3]:-}"
	((${#a[@]} == ${#b[@]})) || die "paired $2 $3: ${#a[@]} vs ${#b[@]} samples"
	((${#a[@]} > 0)) || return 0
	printf '%s\n' "${a[@]}" "${b[@]}" | awk -v n="${#a[@]}" -v op="$1" '
		NR <= n { a[NR] = $1; next }
		{ if (op == "ratio") printf "%.6f\n", a[NR - n] / $1; else printf "%.3f\n", a[NR - n] - $1 }'
}
paired() { paired_op ratio "$@"; }
paired_diff() { paired_op diff "$@"; }
mn() { printf '%s\n' ${S[$1]} | sort -g | head -1; }
med() { local k=$1; [[ -n ${S[$k]:-} ]] || { echo nan; return; }; median ${S[$k]}; }
calc() { awk "BEGIN { printf \"%.${2:-1}f\n\", $1 }"; }
plus() { if [[ $1 == -* ]]; then echo "$1"; else echo "+$1"; fi; } # a difference, signed
verdict() { # value target  (lower is better)
	awk -v v="$1" -v t="$2" 'BEGIN { if (v == "nan") print "not measured";
		else if (v <= t) printf "**met**\n"; else printf "**missed** by %.1f\n", v - t }'
}

# ---- helpers to run a configuration ---------------------------------------------------
wait_file() { # file pid what
	local i
	for ((i = 0; i < 1000; i++)); do
		[[ -e $1 ]] && return 0
		kill -0 "$2" 2>/dev/null || die "$3 exited before it was ready"
		sleep 0.01
	done
	die "$3 not ready after 10 s"
}
floor_start() { # enter|exit|both
	rm -f "$work/floor.ready"
	"$B/floor" "$B/floor.bpf.o" "$1" "$work/floor.ready" &
	floor_pid=$!
	wait_file "$work/floor.ready" "$floor_pid" "floor ($1)"
}
floor_stop() {
	kill -TERM "$floor_pid"
	wait "$floor_pid" || die "floor failed"
	floor_pid=
}
# Before each measurement, before its configuration starts: wait until the
# RCU Tasks Trace grace period that the previous configuration's teardown
# queued is over, so that the measured loop does not start in its window
# (bench/settle.c).
# What the configuration itself starts is measured, as a user would pay it.
settle() {
	local ms
	((settle_on)) || return 0
	if ms=$("$B/settle" 2>"$work/settle.err"); then
		add settle.ms "$ms"
	else
		log "warning: $(<"$work/settle.err"); measuring without settling"
		settle_on=0 settle_failed=1
	fi
}
settle_failed=0
# tailor record of an idle command: what everybody else pays while it records.
bg_start() {
	rm -f "$work/bg.ready"
	"$tailor" record -q -o "$work/bg.trace.json" -- sh -c ": > '$work/bg.ready'; exec sleep 1000" &
	bg_pid=$!
	wait_file "$work/bg.ready" "$bg_pid" "tailor record (background)"
}
bg_stop() {
	kill -TERM "$bg_pid"
	wait "$bg_pid" || true # the command died of the forwarded SIGTERM: 143
	bg_pid=
}

# run_cfg CONFIG CMD... : run CMD (pinned) in configuration CONFIG; its stdout passes through.
run_cfg() {
	local cfg=$1
	shift
	case $cfg in
	untraced) pinned "$@" ;;
	floor_enter) floor_start enter; pinned "$@"; floor_stop ;;
	floor_exit) floor_start exit; pinned "$@"; floor_stop ;;
	floor_both) floor_start both; pinned "$@"; floor_stop ;;
	record) "$tailor" record -q -o "$work/rec.trace.json" -- $(pin_cmd) "$@" ;;
	record_nofiles) "$tailor" record -q --no-files -o "$work/rec.trace.json" -- $(pin_cmd) "$@" ;;
	other) bg_start; pinned "$@"; bg_stop ;;
	strace) pinned strace -f -qq -o /dev/null "$@" ;;
	run_allow) pinned "$tailor" run --profile "$work/allow.json" -- "$@" ;;
	run_gen) pinned "$tailor" run --profile "$prof_gen" -- "$@" ;;
	run_moby) pinned "$tailor" run --profile "$work/moby.json" -- "$@" ;;
	*) die "unknown configuration $cfg" ;;
	esac
}
# sample KEY CONFIG CMD... : one measurement of CMD under CONFIG.  Loops print
# their own figure (ns, "wall cpu"): samples of KEY and KEY.cpu.  For KEY job.*
# the wall time of the whole command (ms) is measured here (KEY), and the job's
# own duration is its last "build_job: MS ms" line on stdout (KEY.self).
# A measurement with another user's syscall hook attached before or after it
# is discarded and retried (up to 5 times, 2 s apart), then kept and counted.
sample() {
	local key=$1 out=$work/sample.out t0 t1 v try
	shift
	for ((try = 1; try <= 5; try++)); do
		hook_samples=$((hook_samples + 1))
		if (($(hooks) > 0)) && ((try < 5)); then
			hook_retries=$((hook_retries + 1))
			sleep 2
			continue
		fi
		[[ $key == job.* ]] && rm -rf "$work/job"
		settle
		t0=$(now_us)
		run_cfg "$@" >"$out" || die "$* failed under configuration $1"
		t1=$(now_us)
		if [[ $key == job.* ]]; then
			v=$(sed -n 's/^build_job: \([0-9.][0-9.]*\) ms$/\1/p' "$out" | tail -n 1)
			[[ -n $v ]] || die "$*: no 'build_job: MS ms' line in its output"
			v="$(calc "($t1 - $t0) / 1000") $v"
		else
			v=$(<"$out")
			[[ $v =~ ^[0-9.]+\ [0-9.]+$ ]] || die "$*: unexpected output '$v'"
		fi
		if (($(hooks) > 0)); then
			if ((try < 5)); then
				hook_retries=$((hook_retries + 1))
				sleep 2
				continue
			fi
			hook_kept=$((hook_kept + 1))
		fi
		if [[ $key == job.* ]]; then # "whole-command own"
			add "$key" "${v% *}"
			add "$key.self" "${v#* }"
			add "$key.outside" "$(calc "${v% *} - ${v#* }")"
		else # "wall cpu"
			add "$key" "${v% *}"
			add "$key.cpu" "${v#* }"
		fi
		return 0
	done
}
label() {
	case $1 in
	untraced) echo "untraced" ;;
	floor_enter) echo "empty tp_btf/sys_enter program (the floor)" ;;
	floor_exit) echo "empty tp_btf/sys_exit program" ;;
	floor_both) echo "empty sys_enter + sys_exit programs" ;;
	record) echo "**traced**: under \`tailor record\`" ;;
	record_nofiles) echo "traced, \`tailor record --no-files\` (syscalls only)" ;;
	other) echo "**untraced** process while \`tailor record -- sleep\` runs" ;;
	strace) echo "\`strace -f -qq -o /dev/null\`" ;;
	run_allow) echo "\`tailor run\`, allow-all profile" ;;
	run_gen) echo "\`tailor run\`, generated profile" ;;
	run_moby) echo "\`tailor run\`, moby default.json" ;;
	esac
}

# ---- start ----------------------------------------------------------------------------
if ((wait_quiet > 0)); then
	for ((w = 0; w < wait_quiet; w += 10)); do
		awk -v l="$(load1)" 'BEGIN { exit !(l < 0.5) }' && break
		log "load average $(load1) >= 0.5, waiting ($w/$wait_quiet s)"
		sleep 10
	done
fi
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
busy=0
awk -v l="${load_start%% *}" 'BEGIN { exit !(l > 0.5) }' && busy=1
auto_reps=0
if [[ -z $reps ]]; then
	reps=5
	((busy)) && reps=9 auto_reps=1
fi
# The build_job section judges its target on per-rep paired ratios, whose median
# needs more reps than the loops' medians do (a rep is ~1.6 s x 6 configurations).
job_reps=$reps
[[ -z $reps_arg ]] && ((!quick && reps < 9)) && job_reps=9
# Syscall hooks of other users (another engineer's `tailor record`, which may
# hook sys_enter, sys_exit or both): every syscall pays for them, baselines
# included.  Sampled before and after every measurement, when this run's own
# floor and background recording are stopped; their links are left out anyway
# (by link id, from their fdinfo) so that they never count as another user's.
hooks() {
	local own p
	own=$(for p in ${floor_pid:+"$floor_pid"} ${bg_pid:+"$bg_pid"}; do
		fdinfo_field "$p" link_id
	done | jq -sc .)
	bpftool -j link show 2>/dev/null | jq --argjson own "$own" '[.[]? |
		select(.tp_name == "sys_enter" or .tp_name == "sys_exit") |
		select(.id as $i | $own | any(.[]; . == $i) | not)] | length' || echo 0
}
hook_samples=0 hook_retries=0 hook_kept=0
others=$(hooks)
log "load average $load_start; build $build; work $work"

# ---- preparation: profiles ------------------------------------------------------------
printf '%s\n' "x" "data for openread_loop" >"$work/data.txt"
head -c 4096 /dev/urandom | base64 >>"$work/data.txt"
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []}' >"$work/allow.json"
moby_src=${TAILOR_SHARED:-$src/../shared}/data/moby/default.json
have_moby=0
if [[ -r $moby_src ]]; then
	install -m 0600 "$moby_src" "$work/moby.json"
	have_moby=1
fi
chmod 0600 "$work/allow.json"
log "recording and generating the profiles"
"$tailor" record -q -o "$work/ppid.trace.json" -- "$B/getppid_loop" 1000 >/dev/null
"$tailor" generate -o "$work/ppid.seccomp.json" "$work/ppid.trace.json"
for i in 1 2; do
	rm -rf "$work/job"
	"$tailor" record -q -o "$work/job$i.trace.json" -- "$B/build_job" "$work/job" "$n_job" >/dev/null
done
"$tailor" generate -o "$work/job.seccomp.json" "$work/job1.trace.json" "$work/job2.trace.json"
BENCH_T0=0 "$tailor" record -q -o "$work/stamp.trace.json" -- "$B/stamp" >/dev/null
"$tailor" generate -o "$work/stamp.seccomp.json" "$work/stamp.trace.json"
chmod 0600 "$work"/*.seccomp.json
nsys() { jq '[.syscalls[].names | length] | add' "$1"; }
n_gen_ppid=$(nsys "$work/ppid.seccomp.json")
n_gen_job=$(nsys "$work/job.seccomp.json")
n_moby=0
((have_moby)) && n_moby=$(nsys "$work/moby.json")
# Which syscall tracepoints this tailor hooks (sys_exit only, or sys_enter too)
# decides which empty-program floor matches the cost of tailor's own code.
bg_start
rec_tps=$(fdinfo_field "$bg_pid" tp_name | sort -u | paste -sd' ')
bg_stop
own_floor=floor_exit
[[ " $rec_tps " == *" sys_enter "* ]] && own_floor=floor_both
[[ " $rec_tps " == *" sys_exit "* ]] || log "warning: tailor record hooks no sys_exit ($rec_tps)"

# ---- 1. syscall loops: recorder and enforcement, interleaved ------------------------------
cfgs_loop=(untraced floor_enter floor_exit floor_both record record_nofiles other strace run_allow
	run_gen)
((have_moby)) && cfgs_loop+=(run_moby)
for ((r = 1; r <= reps; r++)); do
	log "syscall loops: rep $r/$reps (load $(load1))"
	# The order turns every rep, as in the build_job section: a configuration
	# does not always follow the same one (a floor's detach, strace's exit).
	for ((k = 0; k < ${#cfgs_loop[@]}; k++)); do
		c=${cfgs_loop[$(((k + r - 1) % ${#cfgs_loop[@]}))]}
		prof_gen=$work/ppid.seccomp.json
		np=$n_ppid no=$n_or
		[[ $c == strace ]] && np=$n_ppid_strace no=$n_or_strace
		sample "ppid.$c" "$c" "$B/getppid_loop" "$np"
		[[ $c == run_* ]] && continue
		sample "or.$c" "$c" "$B/openread_loop" "$no" "$work/data.txt"
	done
done

# ---- 2. realistic workload --------------------------------------------------------------
cfgs_job=(untraced record strace run_allow run_gen)
((have_moby)) && cfgs_job+=(run_moby)
for ((r = 1; r <= job_reps; r++)); do
	log "build_job ($n_job files): rep $r/$job_reps (load $(load1))"
	# The order turns every rep (untraced first, then record first, ...): no
	# configuration always runs right after another one.
	for ((k = 0; k < ${#cfgs_job[@]}; k++)); do
		c=${cfgs_job[$(((k + r - 1) % ${#cfgs_job[@]}))]}
		prof_gen=$work/job.seccomp.json
		sample "job.$c" "$c" "$B/build_job" "$work/job" "$n_job"
	done
done

# ---- 3. start-up -------------------------------------------------------------------------
for ((r = 1; r <= reps * 2; r++)); do
	add st.untraced "$("$B/stamp" --exec "$B/stamp")"
	add st.record "$("$B/stamp" --exec "$tailor" record -q -o "$work/st.trace.json" -- "$B/stamp")"
	add st.run_allow "$("$B/stamp" --exec "$tailor" run --profile "$work/allow.json" -- "$B/stamp")"
	add st.run_gen "$("$B/stamp" --exec "$tailor" run --profile "$work/stamp.seccomp.json" -- "$B/stamp")"
	((have_moby)) && add st.run_moby "$("$B/stamp" --exec "$tailor" run --profile "$work/moby.json" -- "$B/stamp")"
done
if ((have_hyperfine)); then
	log "start-up: hyperfine"
	hyperfine -N --style none --warmup 3 --runs $((reps * 6)) --export-json "$work/hf.json" \
		"/bin/true" "$tailor record -q -o /dev/null -- /bin/true" >/dev/null 2>&1 ||
		hyperfine --style none --warmup 3 --runs $((reps * 6)) --export-json "$work/hf.json" \
			"/bin/true" "$tailor record -q -o /dev/null -- /bin/true" >/dev/null 2>&1
	hf_true=$(jq '.results[0].median * 1000' "$work/hf.json")
	hf_rec=$(jq '.results[1].median * 1000' "$work/hf.json")
fi

# ---- 4. merge and generate on a large trace ------------------------------------------------
log "generate: synthesizing traces"
mkdir -p "$work/synth"
n_synth=20 n_synth_runs=100 n_synth_execs=100
((quick)) && n_synth=5
for ((i = 1; i <= n_synth; i++)); do
	"$B/synth_trace" "$i" "$n_synth_runs" "$n_synth_execs" >"$work/synth/t$i.json"
done
for ((r = 1; r <= reps; r++)); do
	t0=$(now_us)
	"$tailor" merge -o "$work/merged.trace.json" "$work"/synth/t*.json
	t1=$(now_us)
	"$tailor" generate -o "$work/merged.seccomp.json" "$work/merged.trace.json"
	t2=$(now_us)
	"$tailor" generate -o "$work/job.again.json" "$work/job1.trace.json" "$work/job2.trace.json"
	t3=$(now_us)
	add gen.merge "$(calc "($t1 - $t0) / 1000")"
	add gen.merged "$(calc "($t2 - $t1) / 1000")"
	add gen.job "$(calc "($t3 - $t2) / 1000")"
done
merged_mb=$(calc "$(stat -c %s "$work/merged.trace.json") / 1048576" 2)
merged_sc=$(jq '[.abis[] | length] | add' "$work/merged.trace.json")
merged_runs=$(jq '.runs | length' "$work/merged.trace.json")
merged_execs=$(jq '.execs | length' "$work/merged.trace.json")

# ---- 5. where the time goes: per-program run time (kernel.bpf_stats_enabled) ---------------
# fdinfo of a process's BPF fds: prog fds give run_time_ns/run_cnt, link fds map
# prog_id -> tracepoint.  Prints "sys_enter RUN_TIME_NS RUN_CNT" and the same for sys_exit,
# each only when such a program is attached.
bpfstat() {
	local pid=$1 f id tp k
	local -A rt=() cnt=() tps=()
	for f in /proc/"$pid"/fdinfo/*; do
		id=$(awk '$1 == "prog_id:" {print $2}' "$f" 2>/dev/null || true)
		[[ -n $id ]] || continue
		# (an fd may be closed under us: tailor still starting or stopping)
		if grep -q '^run_cnt:' "$f" 2>/dev/null; then
			rt[$id]=$(awk '$1 == "run_time_ns:" {print $2}' "$f" 2>/dev/null || true)
			cnt[$id]=$(awk '$1 == "run_cnt:" {print $2}' "$f" 2>/dev/null || true)
		fi
		tp=$(awk '$1 == "tp_name:" {print $2}' "$f" 2>/dev/null || true)
		[[ $tp == sys_enter || $tp == sys_exit ]] && tps[$tp]=$id
	done
	for k in sys_enter sys_exit; do
		[[ -n ${tps[$k]:-} ]] && echo "$k ${rt[${tps[$k]}]:-0} ${cnt[${tps[$k]}]:-0}"
	done
	return 0
}
# stats_delta BEFORE AFTER TP -> ns per run over the window, and run count;
# "- 0" when no program is attached to TP (a recorder that hooks sys_exit only)
# or when it did not run.
stats_delta() {
	awk -v tp="$3" 'FILENAME == ARGV[1] { if ($1 == tp) { rt0 = $2; c0 = $3; seen = 1 } next }
		$1 == tp && seen && $3 > c0 { printf "%.1f %d\n", ($2 - rt0) / ($3 - c0), $3 - c0; found = 1 }
		END { if (!found) print "- 0" }' "$1" "$2"
}
# stats_add KEY : ns per run of sys_enter and sys_exit from bs.before/bs.after
# into KEY.enter and KEY.exit (nothing for a program that is not there).
stats_add() {
	local k ns
	for k in enter exit; do
		read -r ns _ < <(stats_delta "$work/bs.before" "$work/bs.after" "sys_$k")
		[[ $ns == - ]] || add "$1.$k" "$ns"
	done
}
if ((bpf_stats)) && [[ -w /proc/sys/kernel/bpf_stats_enabled ]]; then
	log "bpf_stats: per-program run time"
	stats_old=$(cat /proc/sys/kernel/bpf_stats_enabled)
	sysctl -q -w kernel.bpf_stats_enabled=1
	for ((r = 1; r <= reps; r++)); do
		# traced: the loop runs inside the recording, snapshots from outside.  The
		# command starts once tailor has attached its programs (bs.ready); wait a
		# little more for a sys_enter or sys_exit program to show in its fdinfo.
		rm -f "$work"/bs.{ready,go,done,stop}
		settle
		"$tailor" record -q -o "$work/bs.trace.json" -- sh -c "
			: > '$work/bs.ready'
			until [ -e '$work/bs.go' ]; do sleep 0.01; done
			$( ((pin)) && echo "taskset -c $cpu") '$B/getppid_loop' $n_ppid > '$work/bs.out'
			: > '$work/bs.done'
			until [ -e '$work/bs.stop' ]; do sleep 0.01; done" &
		tpid=$!
		wait_file "$work/bs.ready" "$tpid" "tailor record (bpf_stats)"
		for ((i = 0; i < 100; i++)); do
			[[ $(bpfstat "$tpid") == *sys_e* ]] && break
			sleep 0.01
		done
		bpfstat "$tpid" >"$work/bs.before"
		: >"$work/bs.go"
		wait_file "$work/bs.done" "$tpid" "traced loop"
		bpfstat "$tpid" >"$work/bs.after"
		: >"$work/bs.stop"
		wait "$tpid"
		stats_add bs.traced
		add bs.traced.loop "$(cut -d' ' -f1 "$work/bs.out")"
		# untraced: the same loop next to an idle recording
		settle
		bg_start
		bpfstat "$bg_pid" >"$work/bs.before"
		pinned "$B/getppid_loop" "$n_ppid" >"$work/bs.out"
		add bs.other.loop "$(cut -d' ' -f1 "$work/bs.out")"
		bpfstat "$bg_pid" >"$work/bs.after"
		bg_stop
		stats_add bs.other
		# the floors' empty programs: both, and sys_exit alone
		for f in both exit; do
			settle
			floor_start "$f"
			bpfstat "$floor_pid" >"$work/bs.before"
			pinned "$B/getppid_loop" "$n_ppid" >"$work/bs.out"
			add "bs.floor_$f.loop" "$(cut -d' ' -f1 "$work/bs.out")"
			bpfstat "$floor_pid" >"$work/bs.after"
			floor_stop
			stats_add "bs.floor_$f"
		done
	done
	sysctl -q -w kernel.bpf_stats_enabled="$stats_old"
	stats_old=
	have_stats=1
else
	have_stats=0
fi
# ---- 6. the hook's cost, sampled (perf) -----------------------------------------------------
# The differences of loop times above carry the drift between two runs taken
# seconds apart (on the bench VMs, ±20 ns on a getppid loop), as large as the
# target.  Here perf samples each loop (cpu-clock, call chains), and the hook
# is what runs under syscall_trace_enter and syscall_exit_work: the kernel's
# syscall work, which a tracepoint program turns on (it is not called
# otherwise), with the dispatch, the programs and tailor's file recorder.
# Its share of the loop's samples times the loop's CPU ns per syscall is the
# hook's cost, taken within the one run, so drift cancels.
# hook_share PERF_DATA COMM -> % of COMM's samples under the syscall work
hook_share() {
	perf report -i "$1" --comm "$2" --children --percentage relative --sort sym -q -g none \
		2>/dev/null | awk '$NF == "syscall_trace_enter" || $NF == "syscall_exit_work" {
			sub("%", "", $1); s += $1 } END { printf "%.3f\n", s }'
}
have_perf=0 perf_why="perf is missing or cannot sample here (apt-get install linux-perf)"
((perf_on)) || perf_why=--no-perf
if ((perf_on)) && command -v perf >/dev/null &&
	perf record -q -e cpu-clock -o "$work/perf.probe" -- true >/dev/null 2>&1; then
	have_perf=1
	cfgs_perf=(floor_enter floor_exit record record_nofiles other)
	for ((r = 1; r <= reps; r++)); do
		log "sampled hook cost (perf): rep $r/$reps (load $(load1))"
		for ((k = 0; k < ${#cfgs_perf[@]}; k++)); do
			c=${cfgs_perf[$(((k + r - 1) % ${#cfgs_perf[@]}))]}
			for p in ppid or; do
				if [[ $p == ppid ]]; then
					set -- getppid_loop "$n_ppid"
				else
					set -- openread_loop "$n_or" "$work/data.txt"
				fi
				settle
				run_cfg "$c" perf record -q -g -e cpu-clock -F 4999 -o "$work/perf.data" \
					-- "$B/$1" "${@:2}" >"$work/perf.out" 2>"$work/perf.err" ||
					die "perf record of $1 failed under configuration $c: $(tail -n 1 "$work/perf.err")"
				v=$(hook_share "$work/perf.data" "$1")
				# every configuration here hooks the syscalls: no share means
				# perf could not name kernel functions (kptr_restrict?)
				if [[ $v == 0.000 ]]; then
					log "warning: perf found no samples under the syscall work (kernel symbols hidden?)"
					have_perf=0 perf_why="perf found no samples under the kernel's syscall work (kernel symbols hidden? kernel.kptr_restrict)"
					break 3
				fi
				add "hs.$p.$c.pct" "$v"
				add "hs.$p.$c" "$(calc "$v / 100 * $(cut -d' ' -f2 "$work/perf.out")" 2)"
			done
		done
	done
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ---------------------------------------------------------------------------------
pinning="measured commands pinned to CPU $cpu (tailor record itself not)"
((pin)) || pinning="not pinned"
echo "# tailor bench"
echo
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), kernel $(uname -r), $(nproc) CPUs, $pinning," \
	"median of $reps reps$( ((job_reps != reps)) && echo " ($job_reps for build_job)")$( ((quick)) && echo ' (--quick)')."
echo "Load average at start: $load_start; at end: $load_end."
echo "\`tailor record\` attaches to: $rec_tps."
fig load_start "${load_start%% *}"
fig load_end "${load_end%% *}"
fig reps "$reps"
fig record.tracepoints "$rec_tps"
if ((busy)); then
	echo
	echo "> **warning**: load average ${load_start%% *} > 0.5 at start: other work was running;"
	echo "> absolute figures are noisy (compare ratios, CPU time, and the min–max spread).$( ((auto_reps)) && echo " Reps raised to $reps for that.")"
fi
if ((others > 0 || hook_retries > 0 || hook_kept > 0)); then
	echo
	echo "> **note**: another user's sys_enter/sys_exit hooks (another \`tailor record\`?) were attached at start"
	echo "> ($others); $hook_retries measurement(s) were retried because of them, $hook_kept kept anyway."
fi
fig hook_retries "$hook_retries"
fig hook_kept "$hook_kept"
echo
if ((settle_on)); then
	echo "Before each measurement the run waited out an RCU Tasks Trace grace period (bench/settle.c;"
	echo "median $(med settle.ms) ms, $(minmax ${S[settle.ms]}))."
	fig settle.ms "$(med settle.ms)"
elif ((settle_failed)); then
	echo "> **warning**: could not wait out the RCU Tasks Trace grace period before each measurement"
	echo "> (bench/settle.c): figures after a configuration's teardown may include its cost."
else
	echo "\`--no-settle\`: measurements may start while the previous configuration's RCU Tasks Trace"
	echo "grace period runs (bench/settle.c)."
fi
fig settle "$settle_on"

rec_tag() { # record|record_nofiles|other -> how the bullets name it
	case $1 in
	record) echo traced ;;
	record_nofiles) echo "traced, --no-files" ;;
	other) echo untraced ;;
	esac
}
loop_table() { # prefix title n n_strace
	local p=$1 c m mc base floor floorc
	base=$(med "$p.untraced")
	floor=$(med "$p.floor_enter") floorc=$(med "$p.floor_enter.cpu")
	echo
	echo "## $2"
	echo
	echo "ns per syscall, median of $reps; $3 iterations ($4 under strace). Wall: CLOCK_MONOTONIC"
	echo "around the loop; CPU: the loop thread's CPU time (leaves out preemption by other work)."
	echo
	echo "| configuration | wall ns | min–max | × untraced | +ns vs floor | CPU ns | min–max | +ns vs floor |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for c in untraced floor_enter floor_exit floor_both record record_nofiles other strace; do
		[[ -n ${S[$p.$c]:-} ]] || continue
		m=$(med "$p.$c") mc=$(med "$p.$c.cpu")
		fig "$p.$c.ns" "$m"
		fig "$p.$c.cpu_ns" "$mc"
		echo "| $(label "$c") | $m | $(minmax ${S[$p.$c]}) | $(calc "$m / $base" 2) |" \
			"$( [[ $c == untraced ]] && echo — || calc "$m - $floor") | $mc |" \
			"$(minmax ${S[$p.$c.cpu]}) | $( [[ $c == untraced ]] && echo — || calc "$mc - $floorc") |"
	done
	# tailor above the floors: medians of wall and CPU time, and minima of CPU time.
	# The enter-only floor is the target's; the floor with tailor's own hooks
	# (exit-only, or enter+exit for a tailor that still hooks sys_enter) gives the
	# cost of tailor's own code.  The enter+exit row is otherwise information only.
	local k f tag v
	echo
	for f in floor_enter floor_exit floor_both; do
		case $f in
		floor_enter) tag="the floor (empty sys_enter; target ≤ 25 ns)" ;;
		floor_exit) tag="the exit-only floor" ;;
		floor_both) tag="the enter+exit floor" ;;
		esac
		[[ $f == "$own_floor" ]] && tag+=" (tailor's own code)"
		for k in record record_nofiles other; do
			fig "$p.$k.above_$f.ns" "$(calc "$(med "$p.$k") - $(med "$p.$f")")"
			fig "$p.$k.above_$f.cpu_ns" "$(calc "$(med "$p.$k.cpu") - $(med "$p.$f.cpu")")"
			fig "$p.$k.above_$f.paired_cpu_ns" "$(median $(paired_diff "$p.$k.cpu" "$p.$f.cpu"))"
		done
		[[ $f == floor_both && $own_floor != floor_both ]] && continue
		echo "- above $tag:"
		for k in record record_nofiles other; do
			tag=$(rec_tag "$k")
			# judged on the median of per-rep differences of CPU time: the two
			# runs of a rep are seconds apart, and preemption is left out
			v=$(median $(paired_diff "$p.$k.cpu" "$p.$f.cpu"))
			echo "  $tag **$(plus "$v") ns** paired CPU$( [[ $f == floor_enter ]] && echo " ($(verdict "$v" 25))")," \
				"$(plus "$(calc "$(med "$p.$k") - $(med "$p.$f")")") ns wall medians," \
				"$(plus "$(calc "$(mn "$p.$k.cpu") - $(mn "$p.$f.cpu")")") ns CPU minima"
		done
	done
	# The file recorder alone: the same traced loop with and without it, per rep.
	[[ -n ${S[$p.record_nofiles.cpu]:-} ]] || return 0
	v=$(median $(paired_diff "$p.record.cpu" "$p.record_nofiles.cpu"))
	fig "$p.files.paired_cpu_ns" "$v"
	echo "- the file recorder (traced minus traced \`--no-files\`, paired CPU): **$(plus "$v") ns**" \
		"per syscall$( [[ $p == or ]] && echo ", $(plus "$(calc "$v * 3")") ns per open (it runs for the open only)")."
}
loop_table ppid "Recorder: getppid loop" "$n_ppid" "$n_ppid_strace"
loop_table or "Recorder: open/read/close loop (ns per syscall = ns per triple / 3)" "$n_or" "$n_or_strace"

echo
echo "## Realistic workload: build_job ($n_job C files, cc -O2, link, run)"
echo
echo "Milliseconds, median of $job_reps. Whole command: wall time measured outside the command (includes"
echo "tailor's start-up, detach and trace writing). The job itself: CLOCK_MONOTONIC from build_job's"
echo "main() to its exit, as it reports it. Generated profile: union of 2 recordings, $n_gen_job"
echo "syscalls allowed. Paired: for each rep, the job's own time in the configuration divided by the"
echo "untraced one of the same rep (taken seconds apart); median of the $job_reps ratios, and their min–max."
echo
echo "| configuration | ms (whole command) | min–max | × untraced | ms (the job itself) | min–max | × untraced |" \
	"paired × untraced (median of per-rep ratios) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
base=$(med job.untraced) base_self=$(med job.untraced.self)
fig job.files "$n_job"
fig job.reps "$job_reps"
for c in "${cfgs_job[@]}"; do
	m=$(med "job.$c") ms=$(med "job.$c.self")
	fig "job.$c.ms" "$m"
	fig "job.$c.self_ms" "$ms"
	fig "job.$c.outside_ms" "$(med "job.$c.outside")"
	fig "job.$c.self_ms_by_rep" "${S[job.$c.self]% }" # a string, in rep order
	pc=—
	if [[ $c != untraced ]]; then
		mapfile -t pr < <(paired "job.$c.self" job.untraced.self)
		pm=$(median_p 6 "${pr[@]}")
		fig "job.$c.self_paired_ratio" "$(calc "$pm" 4)"
		fig "job.$c.self_paired_ratio_min" "$(calc "$(printf '%s\n' "${pr[@]}" | sort -g | head -n 1)" 4)"
		fig "job.$c.self_paired_ratio_max" "$(calc "$(printf '%s\n' "${pr[@]}" | sort -g | tail -n 1)" 4)"
		pc="$(calc "$pm" 3) ($(minmax_p 3 "${pr[@]}"))"
		[[ $c == record ]] && pc="**$pc**"
	fi
	echo "| $(label "$c") | $m | $(minmax ${S[job.$c]}) | $(calc "$m / $base" 3) |" \
		"$ms | $(minmax ${S[job.$c.self]}) | $(calc "$ms / $base_self" 3) | $pc |"
done
ovh=$(calc "($(med job.record) / $base - 1) * 100")
ovh_self=$(calc "($(med job.record.self) / $base_self - 1) * 100")
mapfile -t pr < <(paired job.record.self job.untraced.self)
ovh_pair=$(calc "($(median_p 6 "${pr[@]}") - 1) * 100")
ovh_pair_lo=$(calc "($(printf '%s\n' "${pr[@]}" | sort -g | head -n 1) - 1) * 100")
ovh_pair_hi=$(calc "($(printf '%s\n' "${pr[@]}" | sort -g | tail -n 1) - 1) * 100")
out_un=$(med job.untraced.outside) out_rec=$(med job.record.outside)
fig job.record.overhead_pct "$ovh"
fig job.record.self_overhead_pct "$ovh_self"
fig job.record.self_paired_overhead_pct "$ovh_pair"
fig job.record.self_paired_overhead_min_pct "$ovh_pair_lo"
fig job.record.self_paired_overhead_max_pct "$ovh_pair_hi"
fig job.record.outside_minus_untraced_ms "$(calc "$out_rec - $out_un")"
echo
echo "- tailor record overhead on the job itself: **$ovh_pair %** (target ≤ 3 %: $(verdict "$ovh_pair" 3)): the"
echo "  median of the $job_reps per-rep ratios traced / untraced, which range from $(plus "$ovh_pair_lo") to $(plus "$ovh_pair_hi") %."
echo "  For information, the ratio of the two medians: $ovh_self % (moves with the drift between reps)."
echo "- whole command, with tailor's start-up, detach and trace writing: **$ovh %**; time outside the"
echo "  job (whole command − the job itself, medians of the per-run differences): $out_rec ms traced,"
echo "  $out_un ms untraced (**$(plus "$(calc "$out_rec - $out_un")") ms**)."

echo
echo "## Start-up: \`tailor record\` invocation → the command's first instruction"
echo
echo "\`stamp --exec CMD\` reads CLOCK_MONOTONIC, execs CMD, which ends in \`stamp\` printing the"
echo "time elapsed at its main(). Median of $((reps * 2)) in µs."
echo
echo "| path | µs to main() | min–max | +µs vs direct |"
echo "| --- | ---: | ---: | ---: |"
st_base=$(med st.untraced)
for c in untraced record run_allow run_gen run_moby; do
	[[ -n ${S[st.$c]:-} ]] || continue
	m=$(med "st.$c")
	fig "startup.$c.us" "$m"
	case $c in
	untraced) l="direct exec" ;; record) l="\`tailor record -q -o FILE --\`" ;;
	run_allow) l="\`tailor run\`, allow-all profile" ;;
	run_gen) l="\`tailor run\`, generated profile ($(nsys "$work/stamp.seccomp.json") syscalls)" ;;
	run_moby) l="\`tailor run\`, moby default.json" ;;
	esac
	echo "| $l | $m | $(minmax ${S[st.$c]}) | $(calc "$m - $st_base") |"
done
st_ms=$(calc "($(med st.record) - $st_base) / 1000" 1)
echo
echo "tailor record start-up: **$st_ms ms** (target < 100 ms: $(verdict "$st_ms" 99.999))."
if ((have_hyperfine)); then
	fig hyperfine.true.ms "$hf_true"
	fig hyperfine.record_true.ms "$hf_rec"
	echo "hyperfine (whole command, including detaching and writing the trace):" \
		"\`/bin/true\` $(calc "$hf_true" 2) ms, \`tailor record -q -o /dev/null -- /bin/true\`" \
		"$(calc "$hf_rec" 1) ms (median of $((reps * 6)))."
fi

echo
echo "## Enforcement (\`tailor run --profile\`)"
echo
echo "getppid loop in ns/syscall (generated profile: $n_gen_ppid syscalls); build_job ms (whole command)"
echo "(generated: $n_gen_job syscalls).$( ((have_moby)) && echo " moby default.json: $n_moby syscall names.") Medians of $reps$( ((job_reps != reps)) && echo " (build_job: $job_reps)")."
echo
echo "| filter | getppid wall ns | CPU ns | × untraced (CPU) | build_job ms | × untraced |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
pbc=$(med ppid.untraced.cpu) jb=$(med job.untraced)
for c in untraced run_allow run_gen run_moby; do
	[[ -n ${S[ppid.$c]:-} ]] || continue
	m=$(med "ppid.$c") mc=$(med "ppid.$c.cpu") j=$(med "job.$c")
	[[ $c == untraced ]] || fig "ppid.$c.ns" "$m"
	[[ $c == untraced ]] || fig "ppid.$c.cpu_ns" "$mc"
	echo "| $( [[ $c == untraced ]] && echo "none (direct exec)" || label "$c") | $m | $mc |" \
		"$(calc "$mc / $pbc" 2) | $j | $(calc "$j / $jb" 3) |"
done
if ((have_moby)); then
	d=$(calc "$(med ppid.run_gen.cpu) - $(med ppid.run_moby.cpu)")
	fig ppid.gen_minus_moby.cpu_ns "$d"
	dj=$(calc "($(med job.run_gen) / $(med job.run_moby) - 1) * 100")
	fig job.gen_vs_moby.pct "$dj"
	echo
	echo "generated − moby: getppid **$d ns/syscall** CPU (wall" \
		"$(calc "$(med ppid.run_gen) - $(med ppid.run_moby)")); build_job **$dj %**. Target: no slower" \
		"than moby's default (within noise: ±2 ns, ±2 %): getppid $(verdict "$d" 2), build_job $(verdict "$dj" 2)."
else
	echo
	echo "moby column skipped: $moby_src not readable (/work/shared absent; set TAILOR_SHARED)."
fi

echo
echo "## Generation from a large merged trace"
echo
echo "$n_synth synthetic traces (synth_trace: every syscall on x86_64 and x86 with errnos," \
	"$n_synth_runs runs and $n_synth_execs execs each) merged into one of $merged_mb MB:"
echo "$merged_sc syscalls, $merged_runs runs, $merged_execs execs. Median of $reps, ms."
echo
echo "| step | ms | min–max |"
echo "| --- | ---: | ---: |"
for k in merge merged job; do
	m=$(med "gen.$k")
	fig "gen.$k.ms" "$m"
	case $k in
	merge) l="\`tailor merge\` of the $n_synth traces" ;;
	merged) l="\`tailor generate\` of the merged trace" ;;
	job) l="\`tailor generate\` of build_job's 2 traces" ;;
	esac
	echo "| $l | $m | $(minmax ${S[gen.$k]}) |"
done

if ((have_stats)); then
	echo
	echo "## Where the time goes: BPF program run time (kernel.bpf_stats_enabled=1)"
	echo
	echo "run_time_ns / run_cnt of each program over a getppid loop, median of $reps. Excludes"
	echo "the trampoline/dispatch cost (that is in the floor) and adds the stats' own clock reads."
	echo
	echo "| programs | sys_enter ns/run | sys_exit ns/run | loop ns/syscall (stats on) |"
	echo "| --- | ---: | ---: | ---: |"
	for k in floor_both floor_exit traced other; do
		case $k in
		floor_both) l="floor: empty sys_enter + sys_exit programs" ;;
		floor_exit) l="floor: empty sys_exit program" ;;
		traced) l="tailor, traced loop" ;;
		other) l="tailor, untraced loop (whole host)" ;;
		esac
		row="| $l |"
		for t in enter exit loop; do
			m=$(med "bs.$k.$t")
			if [[ $m == nan ]]; then
				m=- # no such program (tailor hooks sys_exit only; the exit-only floor)
			else
				fig "bpfstats.$k.$t.ns" "$m"
			fi
			row+=" $m |"
		done
		echo "$row"
	done
fi

echo
echo "## The hook's cost, sampled (perf)"
echo
if ((have_perf)); then
	echo "perf samples each loop (cpu-clock, 4999 Hz, call chains; median of $reps). The hook is what runs"
	echo "under \`syscall_trace_enter\` and \`syscall_exit_work\`, the kernel's syscall work that a tracepoint"
	echo "program turns on: the tracepoint dispatch, the programs, tailor's file recorder. Its share of"
	echo "the loop's samples × the loop's CPU ns per syscall is its cost; both come from the same run,"
	echo "so the drift between runs that moves the tables above cancels. (perf's own interrupts, ~5 %"
	echo "of the loop, are in the ns but not in the share.)"
	echo
	echo "| configuration | getppid: hook % | hook ns/syscall | min–max | open/read/close: hook % | hook ns/syscall | min–max |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	for c in "${cfgs_perf[@]}"; do
		row="| $(label "$c") |"
		for p in ppid or; do
			m=$(med "hs.$p.$c")
			fig "hook.$p.$c.ns" "$m"
			fig "hook.$p.$c.pct" "$(med "hs.$p.$c.pct")"
			row+=" $(med "hs.$p.$c.pct") | $m | $(minmax ${S[hs.$p.$c]}) |"
		done
		echo "$row"
	done
	echo
	for p in ppid or; do
		[[ $p == ppid ]] && echo "- getppid loop, above the floor (empty sys_enter; target ≤ 25 ns), per-rep differences:"
		[[ $p == or ]] && echo "- open/read/close loop, above the floor (empty sys_enter; target ≤ 25 ns), per-rep differences:"
		for k in record record_nofiles other; do
			tag=$(rec_tag "$k")
			v=$(median $(paired_diff "hs.$p.$k" "hs.$p.floor_enter"))
			o=$(median $(paired_diff "hs.$p.$k" "hs.$p.floor_exit"))
			fig "hook.$p.$k.above_floor_enter.ns" "$v"
			fig "hook.$p.$k.above_floor_exit.ns" "$o"
			echo "  $tag **$(plus "$v") ns** ($(verdict "$v" 25)); above the empty sys_exit program" \
				"(tailor's own code): $(plus "$o") ns"
		done
	done
	v=$(median $(paired_diff hs.ppid.floor_exit hs.ppid.floor_enter))
	fig hook.ppid.floor_exit.above_floor_enter.ns "$v"
	echo "- the empty sys_exit program above the empty sys_enter one (the kernel's part), getppid: $(plus "$v") ns"
else
	echo "Not measured: $perf_why."
fi
fig perf "$have_perf"

if [[ -n $json ]]; then
	printf '%s\n' "${J[@]}" | jq -Rn '[inputs | split("\t") | {(.[0]): (.[1] | tonumber? // .)}] | add' >"$json"
	log "figures written to $json"
fi
