/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "Has ovs-vswitchd applied it yet?" ovs-vswitchd copies Open_vSwitch.next_cfg into cur_cfg
 * once it has carried out a transaction. A monitor on cur_cfg, started before the commit so
 * that its setup is not on the path, tells the moment it catches up; polling would add its
 * period to every run. Used by the OVS backend and by the ports of ovs_ports.c.
 */
#ifndef HOSTNET_OVS_CFG_H
#define HOSTNET_OVS_CFG_H

#include "ovs_db.h"
#include "ovsdb_rpc.h"

struct hn_ovs_cfg_watch {
	char id[32];	 /* the monitor's id; "" when none runs */
	long long cur;	 /* the last cur_cfg seen; -1 before any */
	unsigned serial; /* makes each monitor's id unique on the connection */
};

/* Start the monitor; w->cur is cur_cfg now. */
int hn_ovs_cfg_watch_start(struct hn_ovs_rpc *rpc, struct hn_ovs_cfg_watch *w);
/* Wait until cur_cfg >= next_cfg, at most timeout_ms; -ETIMEDOUT with a message naming
 * ovs-vswitchd otherwise. */
int hn_ovs_cfg_wait(struct hn_ovs_rpc *rpc, struct hn_ovs_cfg_watch *w, long long next_cfg,
		    int timeout_ms);
/* Cancel the monitor, if one runs. */
int hn_ovs_cfg_watch_stop(struct hn_ovs_rpc *rpc, struct hn_ovs_cfg_watch *w);

/*
 * Once cur_cfg has caught up: of the interfaces a transaction made (their uuids are the
 * keys of made, any values), those ovs-vswitchd could not open (ofport -1, or an error).
 * Only those are read, so the answer stays small however many ports the switch has.
 * *nbad counts them; the first one's value in made goes to *first and its error to why.
 * made is left with values changed.
 */
int hn_ovs_cfg_failed_ifaces(struct hn_ovs_rpc *rpc, struct hn_ovs_strmap *made, size_t *nbad,
			     size_t *first, char *why, size_t len);

#endif
