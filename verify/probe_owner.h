/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The marks that make a run's probes findable after it was killed.
 *
 * Probe namespaces are never named (no /run/netns entry): the run holds them by file
 * descriptor, so the kernel destroys them, and the veth pairs inside, whenever the run
 * ends, even by SIGKILL. What can outlive a run is what lives elsewhere: OVS Port rows
 * (external_ids:hostnet-probe=PID:STARTTIME) and, should a host-side link ever survive its
 * namespace, links named hnv<PID in hex>-<index>. The next run removes any whose owner is
 * gone: no such PID, or a PID whose start time is not the one recorded (reused).
 */
#ifndef HOSTNET_VERIFY_PROBE_OWNER_H
#define HOSTNET_VERIFY_PROBE_OWNER_H

#include <net/if.h>
#include <stdbool.h>
#include <sys/types.h>

#define HN_VERIFY_PROBE_MARK_KEY    "hostnet-probe"
#define HN_VERIFY_PROBE_LINK_PREFIX "hnv"
#define HN_VERIFY_PROBE_MARK_LEN    48

/* "hnv<pid hex>-<index>": at most 3 + 6 + 1 + 3 bytes for pid_max 4194304 and 512 probes. */
int hn_verify_probe_link_name(char buf[IFNAMSIZ], pid_t pid, unsigned index);
/* Parse a name made by hn_verify_probe_link_name; false for any other name. */
bool hn_verify_probe_link_name_parse(const char *name, pid_t *pid, unsigned *index);

/* This process's mark "PID:STARTTIME" (start time in clock ticks since boot, as in
 * /proc/PID/stat field 22). -errno when /proc cannot tell. */
int hn_verify_probe_mark_self(char buf[HN_VERIFY_PROBE_MARK_LEN]);
/* Parse "PID:STARTTIME"; false when malformed. */
bool hn_verify_probe_mark_parse(const char *mark, pid_t *pid, unsigned long long *start);
/* Is the run that wrote mark still running? A malformed mark counts as gone. */
bool hn_verify_probe_mark_alive(const char *mark);
/* Is the process pid alive (a zombie is not: it holds no namespace)? */
bool hn_verify_probe_pid_alive(pid_t pid);

#endif
