/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `up --last-good FILE`: the last config that converged the host's network, kept so that a
 * boot with an invalid config brings the host back as it was instead of leaving it as the
 * boot left it (see README "At boot").
 */
#ifndef HOSTNET_LAST_GOOD_H
#define HOSTNET_LAST_GOOD_H

#include <stddef.h>

/* Replace FILE by text atomically (a file next to it, synced, renamed over it): a power cut
 * leaves the old or the new config, never half of one. 0 or negative errno (hn_errmsg). */
int hn_last_good_save(const char *path, const char *text, size_t len);

#endif
