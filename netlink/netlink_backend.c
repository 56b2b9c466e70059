// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder until the netlink backend lands: it says so instead of pretending. */
#include "backend.h"
#include "error.h"

#include <errno.h>

static int stub_open(const struct hn_opts *opts, void **state)
{
	(void)opts;
	*state = NULL;
	return hn_err(-ENOSYS, "the netlink backend is not implemented yet");
}

static void stub_close(void *state)
{
	(void)state;
}

const struct hn_backend hn_netlink_backend = {
    .name = "netlink",
    .layer = HN_LAYER_NETLINK,
    .open = stub_open,
    .close = stub_close,
};
