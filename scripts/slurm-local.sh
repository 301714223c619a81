#!/usr/bin/env bash
# slurm-local.sh — a real one-node Slurm cluster on localhost, for testing sweeps.
#
# usage: scripts/slurm-local.sh start|stop|status|env [WORK]
#
#   start   install slurm-wlm and munge with apt-get if missing, start munged (unless
#           one already answers), slurmctld and slurmd with their state under WORK,
#           and wait until the node is idle. Idempotent: a running cluster is left alone.
#   stop    cancel this cluster's jobs and stop the daemons this script started (by the
#           PIDs it recorded in WORK); nothing else.
#   status  show the daemons and the node; exit 0 when the cluster is up.
#   env     print the line that points the Slurm commands at this cluster:
#           export SLURM_CONF=WORK/slurm.conf
#
# WORK defaults to $SLURM_LOCAL_WORK or /tmp/dendrite-slurm. The cluster's config is
# WORK/slurm.conf; /etc/slurm is not touched, so set SLURM_CONF=WORK/slurm.conf for
# sbatch, squeue, sinfo (see "env"). Needs root (as in CI). Debian/Ubuntu only.
#
# Environment: SLURM_LOCAL_TIMEOUT (seconds to wait for the node, default 90),
# SLURM_LOCAL_CTLD_PORT and SLURM_LOCAL_SLURMD_PORT (default 6817 and 6818).
set -euo pipefail

cmd=${1:-}
WORK=${2:-${SLURM_LOCAL_WORK:-/tmp/dendrite-slurm}}
TIMEOUT=${SLURM_LOCAL_TIMEOUT:-90}
CTLD_PORT=${SLURM_LOCAL_CTLD_PORT:-6817}
SLURMD_PORT=${SLURM_LOCAL_SLURMD_PORT:-6818}
CONF=$WORK/slurm.conf
export SLURM_CONF=$CONF
export PATH=$PATH:/usr/sbin:/sbin

say() { echo "slurm-local: $*" >&2; }
die() { echo "slurm-local: ERROR: $*" >&2; exit 1; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pidof_file() { [ -s "$1" ] && cat "$1" || true; }

need_root() {
	[ "$(id -u)" = 0 ] || die "must run as root: it installs packages, starts munged as the munge user and slurmd/slurmctld as root (uid $(id -u) here)"
}

install_packages() {
	if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null &&
		command -v munged >/dev/null; then
		return
	fi
	command -v apt-get >/dev/null || die "slurm-wlm/munge are not installed and there is no apt-get to install them (Debian/Ubuntu only)"
	say "installing slurm-wlm and munge with apt-get"
	local log=$WORK/apt.log
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >"$log" 2>&1; then
		say "apt-get install failed; running apt-get update and trying again"
		DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$log" 2>&1 ||
			{ tail -n 15 "$log" >&2; die "apt-get update failed (is the package mirror reachable?); log: $log"; }
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >>"$log" 2>&1 ||
			{ tail -n 15 "$log" >&2; die "apt-get install slurm-wlm munge failed; log: $log"; }
	fi
	command -v slurmctld >/dev/null || die "slurmctld not found after installing slurm-wlm"
}

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munge() {
	if munge_ok; then
		say "munged already answers; using it"
		return
	fi
	local key=/etc/munge/munge.key
	if [ ! -s $key ]; then
		say "creating $key"
		if command -v mungekey >/dev/null; then
			mungekey --create --keyfile=$key
		else
			dd if=/dev/urandom of=$key bs=1 count=1024 2>/dev/null
		fi
		chown munge:munge $key
		chmod 400 $key
	fi
	# No systemd here means no /run/munge (munged: "Failed to check socket dir").
	install -d -o munge -g munge -m 0755 /run/munge
	rm -f /run/munge/munged.pid
	runuser -u munge -- munged --pid-file=/run/munge/munged.pid >"$WORK/munged.log" 2>&1 ||
		{ cat "$WORK/munged.log" >&2; die "munged did not start"; }
	local i
	for i in $(seq 50); do
		[ -s /run/munge/munged.pid ] && munge_ok && break
		sleep 0.1
	done
	munge_ok || die "munged started but munge -n | unmunge fails; see $WORK/munged.log"
	cat /run/munge/munged.pid >"$WORK/pid.munged"
	say "started munged (pid $(cat "$WORK/pid.munged"))"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_conf() {
	local host mem cpus
	host=$(hostname -s)
	cpus=$(nproc)
	mem=$(awk '/^MemTotal:/ {print int($2/1024)}' /proc/meminfo)
	mem=$((mem > 2048 ? mem - 1024 : mem / 2))
	mkdir -p "$WORK/state" "$WORK/spool"
	cat >"$CONF" <<EOF
# Written by scripts/slurm-local.sh: a one-node cluster on localhost.
ClusterName=dendritelocal
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
AuthType=auth/munge
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SchedulerParameters=sched_interval=2
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

node_state() { sinfo -h -N -o %t 2>/dev/null | head -n 1 || true; }

start() {
	need_root
	mkdir -p "$WORK"
	WORK=$(cd "$WORK" && pwd)
	CONF=$WORK/slurm.conf
	export SLURM_CONF=$CONF
	local ctld d
	ctld=$(pidof_file "$WORK/pid.slurmctld")
	d=$(pidof_file "$WORK/pid.slurmd")
	if alive "$ctld" && alive "$d" && munge_ok && [ "$(node_state)" = idle ]; then
		say "already running (slurmctld $ctld, slurmd $d); node idle"
		echo "export SLURM_CONF=$CONF"
		return
	fi
	install_packages
	start_munge
	if ! alive "$ctld" && ! alive "$d"; then
		for p in "$CTLD_PORT" "$SLURMD_PORT"; do
			port_busy "$p" && die "port $p is in use by another program (another Slurm?); set SLURM_LOCAL_CTLD_PORT / SLURM_LOCAL_SLURMD_PORT"
		done
		write_conf
	fi
	if ! alive "$ctld"; then
		# -D: stay in the foreground, so $! is the daemon; -c: start with no old jobs.
		setsid slurmctld -D -c -f "$CONF" </dev/null >"$WORK/slurmctld.out" 2>&1 &
		echo $! >"$WORK/pid.slurmctld"
		say "started slurmctld (pid $!)"
	fi
	if ! alive "$d"; then
		setsid slurmd -D -f "$CONF" </dev/null >"$WORK/slurmd.out" 2>&1 &
		echo $! >"$WORK/pid.slurmd"
		say "started slurmd (pid $!)"
	fi
	local t0=$SECONDS st=""
	while :; do
		st=$(node_state)
		[ "$st" = idle ] && break
		for n in slurmctld slurmd; do
			if ! alive "$(pidof_file "$WORK/pid.$n")"; then
				tail -n 20 "$WORK/$n.out" "$WORK/$n.log" >&2 2>/dev/null || true
				die "$n exited while starting; logs: $WORK/$n.log $WORK/$n.out"
			fi
		done
		case $st in
		down* | drain*) scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true ;;
		esac
		if [ $((SECONDS - t0)) -ge "$TIMEOUT" ]; then
			tail -n 20 "$WORK/slurmctld.log" "$WORK/slurmd.log" >&2 2>/dev/null || true
			die "node not idle after ${TIMEOUT}s (state '${st:-unknown}'); logs in $WORK"
		fi
		sleep 0.5
	done
	say "node $(hostname -s) idle after $((SECONDS - t0))s; cluster config $CONF"
	echo "export SLURM_CONF=$CONF"
}

stop_pid() { # name pidfile
	local pid
	pid=$(pidof_file "$2")
	[ -n "$pid" ] || return 0
	if alive "$pid"; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
		if alive "$pid"; then
			say "$1 (pid $pid) did not stop on SIGTERM; sending SIGKILL"
			kill -9 "$pid" 2>/dev/null || true
		fi
		say "stopped $1 (pid $pid)"
	fi
	rm -f "$2"
}

stop() {
	[ -d "$WORK" ] || { say "nothing to stop ($WORK does not exist)"; return; }
	if alive "$(pidof_file "$WORK/pid.slurmctld")"; then
		local jobs
		jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ' || true)
		if [ -n "${jobs// /}" ]; then
			say "cancelling jobs $jobs"
			# shellcheck disable=SC2086
			scancel $jobs 2>/dev/null || true
			for _ in $(seq 20); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
		fi
	fi
	stop_pid slurmd "$WORK/pid.slurmd"
	stop_pid slurmctld "$WORK/pid.slurmctld"
	stop_pid munged "$WORK/pid.munged"
}

status() {
	local ok=0 pid
	for n in munged slurmctld slurmd; do
		pid=$(pidof_file "$WORK/pid.$n")
		if alive "$pid"; then
			echo "$n: running (pid $pid, started by this script)"
		elif [ $n = munged ] && munge_ok; then
			echo "munged: running (not started by this script)"
		else
			echo "$n: not running"
			ok=1
		fi
	done
	if [ -f "$CONF" ] && [ $ok = 0 ]; then
		echo "node: $(sinfo -h -N -o '%N %t %c CPUs %m MB' 2>/dev/null || echo unknown)"
		echo "jobs: $(squeue -h 2>/dev/null | wc -l)"
		echo "export SLURM_CONF=$CONF"
	fi
	return $ok
}

case $cmd in
start) start ;;
stop) stop ;;
status) status ;;
env) echo "export SLURM_CONF=$CONF" ;;
*)
	sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
