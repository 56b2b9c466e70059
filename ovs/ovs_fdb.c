// SPDX-License-Identifier: GPL-2.0-or-later
/* ovs-vswitchd's `fdb/show`: where its control socket is, and its answer parsed. */
#include "ovs_fdb.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The port column: an OpenFlow port number, or LOCAL (the bridge's own port). */
static int parse_port(const char *s, unsigned *ofport)
{
	char *end;
	unsigned long v;

	if (strcmp(s, "LOCAL") == 0) {
		*ofport = 65534;
		return 0;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > 65535)
		return -EPROTO;
	*ofport = (unsigned)v;
	return 0;
}

static int parse_mac(const char *s, struct hn_mac *m)
{
	unsigned b[6];
	int n = 0;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &n) !=
		6 ||
	    s[n])
		return -EPROTO;
	for (int i = 0; i < 6; i++)
		m->b[i] = (uint8_t)b[i];
	return 0;
}

static int parse_line(char *line, struct hn_learned_mac *e)
{
	char *save = NULL, *port = strtok_r(line, " \t", &save);
	char *vlan = strtok_r(NULL, " \t", &save), *mac = strtok_r(NULL, " \t", &save);
	char *age = strtok_r(NULL, " \t", &save), *end;
	unsigned long v;

	memset(e, 0, sizeof(*e));
	if (!age || strtok_r(NULL, " \t", &save) || parse_port(port, &e->ofport) < 0 ||
	    parse_mac(mac, &e->mac) < 0)
		return -EPROTO;
	errno = 0;
	v = strtoul(vlan, &end, 10);
	if (errno || *end || v > 4095)
		return -EPROTO;
	e->vlan = (unsigned)v;
	if (strcmp(age, "static") == 0) {
		e->age = -1;
		return 0;
	}
	v = strtoul(age, &end, 10);
	if (errno || *end || end == age || v > 1000000000)
		return -EPROTO;
	e->age = (int)v;
	return 0;
}

int hn_ovs_fdb_parse(const char *text, struct hn_learned *out)
{
	char *copy = strdup(text), *save = NULL;
	size_t cap = 0, lineno = 0;
	int r = 0;

	out->v = NULL;
	out->n = 0;
	if (!copy)
		return hn_err(-ENOMEM, "out of memory");
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char shown[80];

		if (lineno++ == 0 && strstr(line, "MAC"))
			continue; /* the heading */
		if (line[strspn(line, " \t")] == '\0')
			continue;
		if (out->n == cap) {
			struct hn_learned_mac *v =
			    reallocarray(out->v, cap ? 2 * cap : 16, sizeof(*v));

			if (!v) {
				r = hn_err(-ENOMEM, "out of memory");
				break;
			}
			out->v = v;
			cap = cap ? 2 * cap : 16;
		}
		snprintf(shown, sizeof(shown), "%s", line);
		if (parse_line(line, &out->v[out->n]) < 0) {
			r = hn_err(-EPROTO,
				   "ovs-vswitchd's fdb/show has a line hostnet does not read: "
				   "\"%s\"",
				   shown);
			break;
		}
		out->n++;
	}
	free(copy);
	if (r < 0) {
		free(out->v);
		out->v = NULL;
		out->n = 0;
	}
	return r;
}

int hn_ovs_fdb_ctl_path(const char *rundir, char *buf, size_t len)
{
	char path[4096], text[32], *end;
	ssize_t n;
	long pid;
	int fd;

	snprintf(path, sizeof(path), "%s/ovs-vswitchd.pid", rundir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hn_err(-errno, "cannot read %s: %s (is ovs-vswitchd running?)", path,
			      strerror(errno));
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return hn_err(-EPROTO, "%s is empty", path);
	text[n] = '\0';
	errno = 0;
	pid = strtol(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n') || pid <= 0)
		return hn_err(-EPROTO, "%s holds no pid", path);
	if ((size_t)snprintf(buf, len, "unix:%s/ovs-vswitchd.%ld.ctl", rundir, pid) >= len)
		return hn_err(-ENAMETOOLONG, "%s: the path of the control socket is too long",
			      rundir);
	return 0;
}

void hn_ovs_fdb_rundir(const char *ovsdb, char *buf, size_t len)
{
	const char *slash;

	if (strncmp(ovsdb, "unix:", 5) == 0 && (slash = strrchr(ovsdb + 5, '/')) &&
	    slash > ovsdb + 5) {
		snprintf(buf, len, "%.*s", (int)(slash - (ovsdb + 5)), ovsdb + 5);
		return;
	}
	snprintf(buf, len, "/var/run/openvswitch");
}
