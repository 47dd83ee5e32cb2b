#!/bin/bash
# kvm-lab.sh - run N independent libvirt "hosts" on ONE machine, so that real
# KVM live migration can be exercised in integration tests (Parley's lab).
#
#   kvm-lab.sh up N     start hosts 1..N (idempotent), print "hostI URI" per host
#   kvm-lab.sh status   show each host's daemon pid, URI and domains
#   kvm-lab.sh down     destroy their domains, stop every process the lab started
#                       (by pid, then by cgroup), remove its cgroups and state
#   kvm-lab.sh enter I CMD...  run CMD inside host I's mount+UTS namespaces, where
#                       qemu:///system is host I (processes started this way are
#                       the caller's to stop)
#   kvm-lab.sh uri I    print host I's URI
#   kvm-lab.sh guest-xml NAME MEM_MIB [idle|fill|dirty|halt]
#                       print a diskless, NIC-less KVM guest's XML. idle: boots
#                       the BIOS only (RAM stays zero, ~3% CPU polling for a
#                       boot device); halt: a 4-byte kernel that halts at once
#                       (no CPU: for many guests); fill: a tiny multiboot
#                       kernel writes a non-zero pattern over all RAM once, then
#                       halts (real data to migrate); dirty: it rewrites RAM
#                       forever (a live migration never converges by itself)
#
# Environment (so tests can run an isolated lab next to the shared one):
#   PARLEY_LAB_DIR  state directory            (default /var/tmp/lab)
#   PARLEY_LAB_NET  first three address octets (default 127.0.1 -> host I is
#                   127.0.1.I); must be a loopback 127.x.y prefix
#
# How a "host" is built (host I):
#   * its own libvirtd (monolithic, qemu driver) in private mount + UTS + cgroup
#     namespaces.  /etc/libvirt, /run/libvirt, /var/lib/libvirt,
#     /var/log/libvirt, /var/cache/libvirt are bind mounts of
#     /var/tmp/lab/hosts/I/{etc,run,lib,log,cache}; hostname is lab-hostI
#     (resolvable via a per-host /etc/hosts bind mount).
#   * its own cgroup subtree /migration-lab/hostI in every hierarchy, made the
#     root of a cgroup namespace and re-mounted there, so libvirt's "/machine"
#     partition is per host: two hosts can run "qemu-1-vm" at the same time
#     (the normal case while migrating) without sharing cgroups/CPU stats.
#   * network: loopback only.  libvirtd listens on 127.0.1.I:16509 (TCP,
#     auth none), QEMU incoming migration listens on 127.0.1.I (qemu.conf
#     migration_address/migration_host), so no --migrateuri is needed.
#   * distinct host_uuid (libvirt refuses to migrate to a host with its own
#     UUID).  QEMU stdio goes to a plain log file, so no virtlogd is needed.
# Shared storage (disk images, guest kernels): $PARLEY_LAB_DIR/images, visible
# to all hosts of the lab.
set -euo pipefail
SELF=$(readlink -f "$0")
LAB=${PARLEY_LAB_DIR:-/var/tmp/lab}
NET=${PARLEY_LAB_NET:-127.0.1}
[[ $LAB == /* ]] || { echo "PARLEY_LAB_DIR must be an absolute path: $LAB" >&2; exit 2; }
[[ $NET =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || { echo "PARLEY_LAB_NET must look like 127.X.Y (loopback only): $NET" >&2; exit 2; }
HOSTS=$LAB/hosts
# cgroup subtree, in every hierarchy: one per lab directory, so labs never touch each other's
if [[ $LAB == /var/tmp/lab ]]; then CG=migration-lab
else CG=parley-lab-$(printf %s "$LAB" | md5sum | cut -c1-8); fi
addr()  { echo "$NET.$1"; }
uri()   { echo "qemu+tcp://$(addr "$1")/system"; }
luri()  { echo "qemu+unix:///system?socket=$HOSTS/$1/run/libvirt-sock"; }
cgmnts(){ awk '$3 ~ /^cgroup2?$/ {print $2, $3, $4}' /proc/self/mounts; }
alive() {  # pid exists and is not a zombie (pid 1 here may reap slowly)
  local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; [[ ${s%% *} != Z ]]
}
pidof_host() {                          # prints pid if host $1's libvirtd is alive
  local p; p=$(cat "$HOSTS/$1/libvirtd.pid" 2>/dev/null) || return 1
  [[ -n $p ]] && alive "$p" && grep -q libvirtd "/proc/$p/comm" && echo "$p"
}

write_config() {                       # per-host libvirtd.conf and qemu.conf
  local i=$1 h=$HOSTS/$1
  mkdir -p "$h"/{etc,run,lib,log,cache} "$LAB/images"
  cat > "$h/etc/libvirtd.conf" <<EOF
listen_tls = 0
listen_tcp = 1
listen_addr = "$(addr "$i")"
auth_tcp = "none"
host_uuid = "$(printf '6c61622d-686f-7374-8%03d-%012d' "$(( ${NET##*.} % 1000 ))" "$i")"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
  cat > "$h/etc/qemu.conf" <<EOF
stdio_handler = "file"
user = "root"
group = "root"
migration_address = "$(addr "$i")"
migration_host = "$(addr "$i")"
remember_owner = 0
EOF
  # own /etc/hosts so "lab-hostI" resolves locally (no DNS query leaves the box)
  { cat /etc/hosts; echo "$(addr "$i") lab-host$i"; } > "$h/hosts"
  # seed QEMU capabilities cache from the system daemon (saves ~3 s per binary;
  # libvirt re-validates it and re-probes if stale)
  mkdir -p "$h/cache/qemu/capabilities"
  cp -n /var/cache/libvirt/qemu/capabilities/*.xml "$h/cache/qemu/capabilities/" 2>/dev/null || true
}

make_cgroups() {                       # /migration-lab/hostI in each hierarchy
  local d _t _o
  while read -r d _t _o; do
    mkdir -p "$d/$CG/host$1"
    if [[ -f $d/cpuset.cpus ]]; then   # cpuset children start empty: copy parent
      for f in cpus mems; do
        cat "$d/cpuset.$f" > "$d/$CG/cpuset.$f"
        cat "$d/cpuset.$f" > "$d/$CG/host$1/cpuset.$f"
      done
    fi
  done < <(cgmnts)
}

# Tiny subreaper run as the parent of each host's libvirtd.  QEMU is double-
# forked by libvirt, so it is re-parented to the nearest subreaper; without one
# that is pid 1, and if pid 1 reaps lazily (as here: ~1.4 s) libvirt waits on
# the zombie in every destroy and at the end of every migration.
REAPER='import ctypes,os,sys
ctypes.CDLL(None).prctl(36, 1)                  # PR_SET_CHILD_SUBREAPER
if os.fork() == 0: os.execvp(sys.argv[1], sys.argv[1:])
try:
    while True: os.wait()
except ChildProcessError: pass'

inner() {  # runs INSIDE the new namespaces (via unshare), then becomes libvirtd
  local i=$1 h=$HOSTS/$1 d t o m
  hostname "lab-host$i"; mount --bind "$h/hosts" /etc/hosts
  for m in etc:/etc/libvirt run:/run/libvirt lib:/var/lib/libvirt \
           log:/var/log/libvirt cache:/var/cache/libvirt; do
    # a fresh machine without systemd has no /run/libvirt until libvirtd first runs
    mkdir -p "${m#*:}"
    mount --bind "$h/${m%%:*}" "${m#*:}"
  done
  # re-mount each cgroup hierarchy: in a cgroup ns its root is now our subtree
  local mounts; mounts=$(cgmnts)
  while read -r d t o; do umount "$d"; mount -t "$t" -o "$o" cgroup "$d"; done <<< "$mounts"
  exec libvirtd --daemon --listen --pid-file "$h/libvirtd.pid"
}

start_host() {
  local i=$1 p d
  if p=$(pidof_host "$i"); then echo "host$i $(uri "$i")  (already up, pid $p)"; return; fi
  write_config "$i"
  make_cgroups "$i"
  local r=(); command -v python3 >/dev/null && r=(python3 -c "$REAPER")  # optional
  (   # subshell: join host cgroups, then (reaper ->) unshare -> inner()
    while read -r d _; do echo "$BASHPID" > "$d/$CG/host$i/cgroup.procs"; done < <(cgmnts)
    exec setsid "${r[@]}" \
      unshare --mount --uts --cgroup --propagation private "$SELF" _inner "$i"
  ) </dev/null >>"$HOSTS/$i/log/start.log" 2>&1 &
  echo $! > "$HOSTS/$i/reaper.pid"
  for _ in $(seq 150); do               # wait until it answers on TCP
    virsh -q -c "$(uri "$i")" version >/dev/null 2>&1 && break; sleep 0.2
  done
  p=$(pidof_host "$i") || { echo "host$i failed to start, see $HOSTS/$i/log" >&2; exit 1; }
  echo "host$i $(uri "$i")  (pid $p)"
}

kill_pid() {                           # TERM, wait up to 10s, then KILL
  local p=$1
  kill "$p" 2>/dev/null || return 0
  for _ in $(seq 50); do alive "$p" || return 0; sleep 0.2; done
  kill -9 "$p" 2>/dev/null || true
}

stop_host() {
  local i=$1 p d dom
  if p=$(pidof_host "$i"); then
    for dom in $(virsh -q -c "$(luri "$i")" list --name 2>/dev/null); do
      virsh -q -c "$(luri "$i")" destroy "$dom" >/dev/null 2>&1 || true
    done
    kill_pid "$p"
  fi
  p=$(cat "$HOSTS/$i/reaper.pid" 2>/dev/null) && kill_pid "$p"   # exits by itself
  # safety net: anything still in this host's cgroups (orphaned qemu) by pid
  while read -r d _; do
    [[ -d $d/$CG/host$i ]] || continue
    for p in $(find "$d/$CG/host$i" -name cgroup.procs -exec cat {} + 2>/dev/null); do
      kill_pid "$p"
    done
    find "$d/$CG/host$i" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done < <(cgmnts)
  echo "host$i down"
}

# A 32-bit multiboot "kernel" (a.out kludge: loaded at 1 MiB, no ELF), 34 bytes
# of hand-assembled code, so guests can hold real, non-zero RAM with nothing
# but Debian's qemu: it writes 0x01010101 (then +1 per pass) over RAM from
# 2 MiB to the top reported in the multiboot info (mem_upper), then either
# halts (fill) or starts over (dirty).
#   cli; cld; mov ecx,[ebx+8]; shl ecx,8; sub ecx,0x40000; mov ebp,ecx
#   mov ebx,0x01010101
#   again: mov edi,0x200000; mov ecx,ebp; mov eax,ebx; rep stosd; inc ebx
#   fill: hlt; jmp $-1      dirty: jmp again
MB_HEADER='\x02\xB0\xAD\x1B\x00\x00\x01\x00\xFE\x4F\x51\xE4\x00\x00\x10\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x20\x00\x10\x00'
MB_CODE='\xFA\xFC\x8B\x4B\x08\xC1\xE1\x08\x81\xE9\x00\x00\x04\x00\x89\xCD\xBB\x01\x01\x01\x01\xBF\x00\x00\x20\x00\x89\xE9\x89\xD8\xF3\xAB\x43'
guest_kernel() {
  local mode=$1 f=$LAB/images/parley-$1.bin tail
  local code=$MB_CODE
  case $mode in
    fill) tail='\xF4\xEB\xFD' ;; dirty) tail='\xEB\xF2' ;;
    halt) code='\xFA'; tail='\xF4\xEB\xFD' ;;      # cli; hlt; jmp $-1: no CPU at all
    *) return 1 ;;
  esac
  mkdir -p "$LAB/images"
  if [[ ! -s $f ]]; then
    # header: magic, flags (bit 16: address fields valid), checksum,
    # header_addr, load_addr, load_end_addr (0: whole file), bss_end_addr, entry
    printf "$MB_HEADER$code$tail" > "$f.tmp.$$"
    mv "$f.tmp.$$" "$f"
  fi
  echo "$f"
}

guest_xml() {
  local name=$1 mem=$2 mode=${3:-idle} kernel=''
  [[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "guest-xml: NAME may hold only letters, digits, . _ -: $name" >&2; exit 2; }
  [[ $mem =~ ^[0-9]+$ ]] && (( mem >= 16 )) || { echo "guest-xml: MEM_MIB must be a number >= 16: $mem" >&2; exit 2; }
  case $mode in
    idle) ;;
    fill|dirty|halt) kernel="<kernel>$(guest_kernel "$mode")</kernel>" ;;
    *) echo "guest-xml: mode must be idle, fill, dirty or halt: $mode" >&2; exit 2 ;;
  esac
  cat <<EOF
<domain type='kvm'>
  <name>$name</name>
  <memory unit='MiB'>$mem</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>$kernel</os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='null'><target port='0'/></serial>
    <controller type='usb' model='none'/>
  </devices>
</domain>
EOF
}

status() {
  local h i p
  [[ -d $HOSTS ]] && [[ -n $(ls -A "$HOSTS") ]] || { echo "lab is down"; return 0; }
  for h in "$HOSTS"/*; do
    i=${h##*/}
    if p=$(pidof_host "$i"); then
      echo "host$i $(uri "$i") libvirtd pid $p, domains:" \
        "$(virsh -q -c "$(uri "$i")" list --all --name | xargs)"
    else echo "host$i $(uri "$i") NOT RUNNING"; fi
  done
}

case "${1:-}" in
  up)     n=${2:?usage: $0 up N}
          [[ $n =~ ^[0-9]+$ ]] && (( n >= 1 && n <= 250 )) || { echo "up: N must be 1..250: $n" >&2; exit 2; }
          for m in fill dirty halt; do guest_kernel "$m" >/dev/null; done
          for i in $(seq 1 "$n"); do start_host "$i"; done ;;
  down)   if [[ -d $HOSTS ]]; then
            for h in "$HOSTS"/*; do [[ -d $h ]] && stop_host "${h##*/}"; done
          fi
          while read -r d _; do [[ -d $d/$CG ]] && rmdir "$d/$CG"/* "$d/$CG" 2>/dev/null || true
          done < <(cgmnts)
          rm -rf "$HOSTS"; echo "lab down" ;;
  status) status ;;
  enter)  p=$(pidof_host "${2:?usage: $0 enter I CMD...}") || { echo "host$2 is not up" >&2; exit 1; }
          shift 2; exec nsenter --target "$p" --mount --uts "$@" ;;
  uri)    uri "${2:?usage: $0 uri I}" ;;
  guest-xml) guest_xml "${2:?usage: $0 guest-xml NAME MEM_MIB [idle|fill|dirty|halt]}" "${3:?usage: $0 guest-xml NAME MEM_MIB [idle|fill|dirty|halt]}" "${4:-idle}" ;;
  _inner) inner "$2" ;;
  *)      echo "usage: $0 up N | down | status | enter I CMD... | uri I | guest-xml NAME MEM_MIB [idle|fill|dirty|halt]" >&2; exit 2 ;;
esac
