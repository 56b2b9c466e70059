// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder until the libvirt backend lands: it says so instead of pretending. */
#include "backend.h"
#include "error.h"

#include <errno.h>

static int stub_open(const struct hn_opts *opts, void **state)
{
	(void)opts;
	*state = NULL;
	return hn_err(-ENOSYS, "the libvirt backend is not implemented yet");
}

static void stub_close(void *state)
{
	(void)state;
}

const struct hn_backend hn_virt_backend = {
    .name = "libvirt",
    .layer = HN_LAYER_VIRT,
    .open = stub_open,
    .close = stub_close,
};
