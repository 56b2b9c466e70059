/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verify library: `hostnet verify` turns what the agent read of the host into checks,
 * probes reachability and VLAN isolation, and reports in monitoring-plugins form. And the
 * ARP gateway probe `up` guards the uplink move with.
 *
 * A run, as the agent (cmd_verify.c) drives it:
 *   hn_verify_begin              the run's clock starts (waiting for the lock counts)
 *   (the agent takes the host lock of `up` and `down`; if it cannot: hn_verify_locked_out)
 *   hn_verify_hold_signals       INT, TERM and HUP no longer kill the run: they end it
 *                                with a report, and the probes are cleaned up
 *   (the agent reads and compares every layer on its own: struct hn_verify_host)
 *   hn_verify_end                the state checks, the probes, the report
 */
#ifndef HOSTNET_VERIFY_H
#define HOSTNET_VERIFY_H

#include "backend.h"
#include "error.h"

#include <netinet/in.h>

/* Where reading and comparing one layer stopped. */
enum hn_verify_failure {
	HN_VERIFY_COMPARED,   /* read and diffed: the plan holds what `up` would change */
	HN_VERIFY_NO_BACKEND, /* its backend does not load */
	HN_VERIFY_NO_CONNECT,
	HN_VERIFY_NO_READ,
	HN_VERIFY_NO_DIFF,
};

/* One layer of the host as the agent read it. */
struct hn_verify_layer {
	bool used;     /* the run uses it: every layer but what --layers leaves out */
	bool optional; /* the config does not configure it (hn_layer_optional) */
	enum hn_verify_failure failed;
	struct hn_error err; /* the message of the failure: its context while it was read */
	struct hn_plan plan;
};

/* The MAC learning table of an uplink bridge, for the uplink MAC guard. */
struct hn_verify_fdb {
	bool read; /* else err says why it could not be */
	struct hn_learned learned;
	struct hn_error err;
};

/* The state of a bonded uplink's port, for the bond check. */
struct hn_verify_bond {
	bool read; /* else err says why it could not be */
	struct hn_bond_state state;
	struct hn_error err;
};

/* What verify is handed: the host read and compared by the agent as `plan` does, except
 * that a layer that cannot be read does not stop the others. */
struct hn_verify_host {
	struct hn_verify_layer layers[HN_LAYER_COUNT];
	/* Why the uplink facts that the config leaves to the host could not be filled into
	 * want (a missing NIC); "" when they were, or when the kernel was not read. */
	struct hn_error uplink_error;
	/* What the kernel shows of each bridge's uplink (indexed like want->bridges, set for
	 * bridges with an uplink), for the gateway checks; NULL when no bridge has an uplink,
	 * or when the kernel could not be read (the netlink layer's err says why). */
	struct hn_uplink_facts *uplinks;
	/* The MAC learning table of each bridge with an uplink (indexed like want->bridges),
	 * read before any probe; NULL when no bridge has an uplink (or out of memory). */
	struct hn_verify_fdb *fdbs;
	size_t n_fdbs;
	/* The bond state of each bridge whose uplink is a bond (indexed like want->bridges);
	 * NULL when no bridge has one (or out of memory). */
	struct hn_verify_bond *bonds;
	/* The agent could not finish reading (out of memory): "" when it did. */
	char error[1024];
};

struct hn_verify;

/* A run starts; -ENOMEM (with the message). */
int hn_verify_begin(const struct hn_opts *opts, const char *textfile, struct hn_verify **out);
/* The host lock could not be had (err, and hn_errmsg says why): nothing is checked, the
 * report is UNKNOWN. Ends the run; returns its status. */
int hn_verify_locked_out(struct hn_verify *v, int err);
void hn_verify_hold_signals(struct hn_verify *v);
/*
 * Check host against want (completed with the uplink facts, as `plan` completes it) and,
 * with probes, probe the host; print the report (--json: one document). With a textfile
 * (hn_verify_begin), the report is also written there for Prometheus; when that fails, a
 * check "textfile" says why. Ends the run; returns the monitoring-plugins status: 0 OK,
 * 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 */
int hn_verify_end(struct hn_verify *v, const struct hn_config *want,
		  const struct hn_verify_host *host, bool probes);

/* `verify --textfile PATH`, before anything runs: can PATH be written (its directory exists
 * and takes files, PATH is not a directory)? 0, or a negative errno with the one-line
 * reason in hn_errmsg(). */
int hn_verify_textfile_check(const char *path);
/* A config that does not load is UNKNOWN in the textfile too, or monitoring would go on
 * showing the last good run. The error was already reported; this only records it. */
void hn_verify_textfile_config_unknown(const char *textfile, const char *why);

/*
 * "Does the gateway still hear us?" (`up`, around the uplink move): one ARP request for
 * gateway from ifname, with sender address source (0.0.0.0 makes it an RFC 5227 probe),
 * repeated until a reply or timeout_ms. ARP, not ICMP: it needs no route and no address on
 * the interface, is what the provider's switch sees anyway, and is sent from the
 * interface's own MAC (an unknown MAC on the provider's port gets the server blocked).
 * 0 when the gateway answered, -ETIMEDOUT when it did not, another negative errno (with
 * hn_err text) when the probe could not be sent.
 */
int hn_verify_gateway_ask(const char *ifname, struct in_addr source, struct in_addr gateway,
			  int timeout_ms);

/* The same for IPv6 (`gateway6`, global or link-local): a neighbor solicitation (RFC 4861)
 * for gateway from ifname's MAC with source address source, repeated until the gateway's
 * advertisement or timeout_ms. Same returns. */
int hn_verify_gateway_ask6(const char *ifname, const struct in6_addr *source,
			   const struct in6_addr *gateway, int timeout_ms);

#endif
