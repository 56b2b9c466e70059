// SPDX-License-Identifier: GPL-2.0-or-later
/* The last good config: written once the host's network converged, read at a bad boot. */
#include "last_good.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The rename is durable once the directory is synced too. */
static int sync_dir_of(const char *path)
{
	char copy[PATH_MAX];
	_cleanup_close_ int fd = -1;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

int hn_last_good_save(const char *path, const char *text, size_t len)
{
	char tmp[PATH_MAX];
	int r;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		return hn_err(-ENAMETOOLONG, "%s: the path is too long", path);
	{
		_cleanup_close_ int fd =
		    open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

		if (fd < 0)
			return hn_err(-errno, "%s: %s", tmp, strerror(errno));
		r = write_all(fd, text, len);
		if (r == 0 && fsync(fd) < 0)
			r = -errno;
	}
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return hn_err(r, "%s: %s", path, strerror(-r));
	}
	r = sync_dir_of(path);
	if (r < 0)
		return hn_err(r, "%s: syncing its directory: %s", path, strerror(-r));
	return 0;
}
