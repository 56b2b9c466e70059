// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl_sysctl.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void path_of(const char *ifname, const char *knob, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/sys/net/ipv4/conf/%s/%s", ifname, knob);
}

int hn_nl_sysctl_read(const char *ifname, const char *knob, unsigned *value)
{
	char path[96], text[32], *end;
	_cleanup_close_ int fd = -1;
	ssize_t n;
	long v;

	path_of(ifname, knob, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return -ENODEV;
	if (fd < 0)
		return hn_err(-errno, "%s: %s", path, strerror(errno));
	n = read(fd, text, sizeof(text) - 1);
	if (n < 0)
		return hn_err(-errno, "%s: %s", path, strerror(errno));
	text[n] = '\0';
	v = strtol(text, &end, 10);
	if (end == text || (*end && *end != '\n') || v < 0)
		return hn_err(-EPROTO, "%s: '%.*s' is not a number", path, (int)strcspn(text, "\n"),
			      text);
	*value = (unsigned)v;
	return 0;
}

int hn_nl_sysctl_write(const char *ifname, const char *knob, unsigned value)
{
	char path[96], text[16];
	_cleanup_close_ int fd = -1;
	int len = snprintf(text, sizeof(text), "%u\n", value);

	path_of(ifname, knob, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return hn_err(errno == ENOENT ? -ENODEV : -errno, "%s: %s", path,
			      errno == ENOENT ? "no such interface" : strerror(errno));
	if (write(fd, text, (size_t)len) != len)
		return hn_err(-errno, "%s: writing %u: %s", path, value, strerror(errno));
	return 0;
}

void hn_nl_arp_read(struct hn_nl_link *link)
{
	struct hn_error quiet; /* a knob not read is a value not known, said by the diff */

	hn_err_push(&quiet);
	link->has_arp = hn_nl_sysctl_read(link->name, "arp_ignore", &link->arp_ignore) == 0 &&
			hn_nl_sysctl_read(link->name, "arp_announce", &link->arp_announce) == 0;
	hn_err_pop(&quiet);
}
