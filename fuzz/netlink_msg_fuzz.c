// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: any bytes as the kernel's rtnetlink answers, read as the netlink backend
 * reads them: the link, address and route dumps into hn_nl_state (through libnl's parsers
 * and hostnet's own), the answer to a request with its extended ack, one link by name.
 * The input is the datagrams the kernel would send, each as a 16-bit little-endian length
 * and its bytes; libnl's send and receive are replaced, so no socket and no kernel.
 * Never a crash, leak or hang; errors are one line. */
#include "error.h"
#include "nl_io.h"
#include "nl_msg.h"
#include "nl_uplink.h"

#include <netlink/handlers.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *in;
static size_t in_left;

static int kernel_recv(struct nl_sock *sk, struct sockaddr_nl *from, unsigned char **buf,
		       struct ucred **creds)
{
	size_t len;

	if (in_left < 2)
		return -NLE_AGAIN; /* the kernel stays silent: SO_RCVTIMEO runs out */
	len = (size_t)(in[0] | in[1] << 8);
	in += 2, in_left -= 2;
	if (len > in_left)
		len = in_left;
	if (len == 0)
		return 0; /* as nl_recv: no buffer with it, libnl frees none */
	*buf = malloc(len);
	if (!*buf)
		return -NLE_NOMEM;
	memcpy(*buf, in, len);
	in += len, in_left -= len;
	from->nl_family = AF_NETLINK;
	return (int)len;
}

static int kernel_send(struct nl_sock *sk, struct nl_msg *msg)
{
	return (int)nlmsg_hdr(msg)->nlmsg_len;
}

static struct nl_sock *fake_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cb *cb;

	if (!sk)
		__builtin_trap();
	cb = nl_socket_get_cb(sk);
	nl_cb_overwrite_recv(cb, kernel_recv);
	nl_cb_overwrite_send(cb, kernel_send);
	nl_cb_put(cb);
	/* The input cannot know the sequence numbers of the requests. */
	nl_socket_disable_seq_check(sk);
	return sk;
}

static void check_error(int r, const char *msg)
{
	if (r < 0 && (!msg || !*msg || strchr(msg, '\n')))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nl_sock *sk;
	struct hn_nl_state s = {0};
	struct hn_nl_link link;
	struct hn_prefix pfx[4];
	struct in_addr gw;
	uint8_t mac[6];
	char why[256];
	size_t n;
	int r;

	if (!sk)
		sk = fake_socket();
	in = data, in_left = size;
	hn_err_clear();
	check_error(hn_nl_read(sk, &s), hn_errmsg());
	/* The uplink facts read the state as the agent does. */
	for (size_t i = 0; i < s.n_links; i++) {
		hn_nl_link_mac(&s, s.links[i].name, mac);
		hn_nl_link_ipv4(&s, s.links[i].name, pfx, 4, &n);
		hn_nl_default_gateway(&s, s.links[i].name, &gw);
	}
	hn_nl_state_clear(&s);
	/* The reason reaches people inside an hn_err message, as nl_apply.c puts it. */
	r = hn_nl_talk(sk, hn_nl_msg_link(1, true, 1500), why, sizeof(why));
	if (r < 0)
		check_error(hn_err(r, "lo: set up: %s", why), hn_errmsg());
	hn_nl_get_link(sk, "br0", &link);
	return 0;
}
