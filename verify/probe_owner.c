// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe_owner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int hn_verify_probe_link_name(char buf[IFNAMSIZ], pid_t pid, unsigned index)
{
	int n = snprintf(buf, IFNAMSIZ, HN_VERIFY_PROBE_LINK_PREFIX "%x-%u", (unsigned)pid, index);

	return n > 0 && n < IFNAMSIZ ? 0 : -ENAMETOOLONG;
}

bool hn_verify_probe_link_name_parse(const char *name, pid_t *pid, unsigned *index)
{
	const char *p = name + strlen(HN_VERIFY_PROBE_LINK_PREFIX);
	unsigned long v, i;
	char *end;

	if (strncmp(name, HN_VERIFY_PROBE_LINK_PREFIX, strlen(HN_VERIFY_PROBE_LINK_PREFIX)) ||
	    !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
		return false;
	v = strtoul(p, &end, 16);
	if (*end != '-' || v == 0 || v > 0x7fffffff || !(end[1] >= '0' && end[1] <= '9'))
		return false;
	i = strtoul(end + 1, &end, 10);
	if (*end != '\0' || i > 0xffff)
		return false;
	*pid = (pid_t)v;
	*index = (unsigned)i;
	return true;
}

/* Field 22 of /proc/PID/stat; the command name (field 2) may hold spaces and ')'. */
static int read_start_time(pid_t pid, unsigned long long *start, char *state)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -EIO;
	p += 2; /* field 3, the state */
	if (state)
		*state = *p;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -EIO;
		p++;
	}
	*start = strtoull(p, NULL, 10);
	return 0;
}

int hn_verify_probe_mark_self(char buf[HN_VERIFY_PROBE_MARK_LEN])
{
	unsigned long long start;
	int r = read_start_time(getpid(), &start, NULL);

	if (r < 0)
		return r;
	snprintf(buf, HN_VERIFY_PROBE_MARK_LEN, "%d:%llu", (int)getpid(), start);
	return 0;
}

bool hn_verify_probe_mark_parse(const char *mark, pid_t *pid, unsigned long long *start)
{
	unsigned long p;
	char *end;

	if (!(mark[0] >= '1' && mark[0] <= '9'))
		return false;
	p = strtoul(mark, &end, 10);
	if (*end != ':' || p > 0x7fffffff || !(end[1] >= '0' && end[1] <= '9'))
		return false;
	*start = strtoull(end + 1, &end, 10);
	if (*end != '\0')
		return false;
	*pid = (pid_t)p;
	return true;
}

bool hn_verify_probe_pid_alive(pid_t pid)
{
	unsigned long long start;
	char state = 0;

	return read_start_time(pid, &start, &state) == 0 && state != 'Z' && state != 'X';
}

bool hn_verify_probe_mark_alive(const char *mark)
{
	unsigned long long start, now_start;
	char state = 0;
	pid_t pid;

	if (!hn_verify_probe_mark_parse(mark, &pid, &start))
		return false;
	if (read_start_time(pid, &now_start, &state) < 0)
		return false;
	return now_start == start && state != 'Z' && state != 'X';
}
