// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: any bytes as what ovsdb-server sends over one connection, read as
 * hostnet's OVS backend reads it: the snapshot monitor_cond (as text, by the scanner:
 * hn_ovs_db_parse_text, then each row made json as a change would), then the cur_cfg
 * monitor and its notifications. The first two input bytes choose how the rest is cut into
 * reads, so message boundaries fall anywhere. Never a crash, leak or hang; errors are one
 * line. */
#include "error.h"
#include "ovs_cfg.h"
#include "ovs_db.h"
#include "ovsdb_rpc.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A SEQPACKET socket keeps each write one read; more packets than this would fill it. */
#define MAX_READS 128

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(int r)
{
	const char *msg = hn_errmsg();

	if (r < 0 && (!msg || !*msg || strchr(msg, '\n')))
		__builtin_trap();
}

/* Queue the stream as reads of 1 to 2^(seed % 13) bytes, then end it as a server would. */
static void serve(int fd, uint16_t seed, const uint8_t *data, size_t size)
{
	uint32_t x = seed | 1u, span = 1u << (seed % 13);

	for (int n = 1; size; n++) {
		size_t len = size;

		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		if (n < MAX_READS && 1 + x % span < size)
			len = 1 + x % span;
		if (send(fd, data, len, MSG_NOSIGNAL) != (ssize_t)len)
			__builtin_trap();
		data += len, size -= len;
	}
	shutdown(fd, SHUT_WR);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hn_ovs_cfg_watch w = {0};
	struct hn_ovs_rpc *rpc;
	struct hn_ovs_db *db = NULL;
	long long wait_for = 1;
	size_t off, len;
	char *text;
	int sv[2], r;

	if (size < 2 || size > 65536 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	serve(sv[1], (uint16_t)(data[0] | data[1] << 8), data + 2, size - 2);
	if (hn_ovs_rpc_from_fd(sv[0], "unix:fuzz", 10, &rpc) < 0)
		__builtin_trap();
	hn_err_clear();
	r = hn_ovs_rpc_call_text(rpc, "monitor_cond", hn_ovs_db_read_params("hostnet-read-1"),
				 &text, &off, &len);
	if (r == 0)
		r = hn_ovs_db_parse_text(text, off, len, &db);
	check_error(r);
	/* The scanner took each row as jansson takes it: only memory may fail this. */
	for (size_t i = 0; db && i < db->n_rows; i++)
		if (!hn_ovs_row_json(&db->rows[i]))
			__builtin_trap();
	for (size_t i = 0; db && i < db->n_bridges; i++)
		if (hn_ovs_db_bridge(db, db->bridges[i].name) == NULL)
			__builtin_trap();
	for (size_t i = 0; db && i < db->n_ports; i++)
		hn_ovs_db_port_iface(db, hn_ovs_db_port(db, db->ports[i].name));
	/* As after a commit: one step past what the read saw. */
	if (db && db->next_cfg < LLONG_MAX)
		wait_for = db->next_cfg + 1;
	hn_err_clear();
	r = hn_ovs_cfg_watch_start(rpc, &w);
	if (r == 0)
		r = hn_ovs_cfg_wait(rpc, &w, wait_for, 10);
	check_error(r);
	hn_ovs_cfg_watch_stop(rpc, &w);
	hn_ovs_db_free(db);
	hn_ovs_rpc_close(rpc);
	close(sv[1]);
	return 0;
}
