// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Prometheus text exposition format (0.0.4) of a verify run, and its atomic write.
 *
 * Every family is always written, whatever the run did, so that a series never vanishes
 * from a dashboard because a run was short: a window that did not run reads 0, a time that
 * was never reached reads NaN. Explicit sample timestamps are not allowed in a textfile
 * (node_exporter refuses them), so the time of the run is a gauge of its own.
 */
#include "textfile.h"
#include "error.h"
#include "verify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATUS_HELP "0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the monitoring-plugins codes)"

static void family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* The format's floats: Go's ParseFloat reads "NaN", not printf's "nan". */
static void value(FILE *f, double v, const char *fmt)
{
	if (isnan(v))
		fputs(" NaN\n", f);
	else {
		fputc(' ', f);
		fprintf(f, fmt, v);
		fputc('\n', f);
	}
}

static void gauge(FILE *f, const char *name, const char *help, double v, const char *fmt)
{
	family(f, name, help);
	fputs(name, f);
	value(f, v, fmt);
}

/* A label value: backslash, double quote and line feed escaped as the format says; bytes
 * that are not UTF-8 become '?' (label values must be UTF-8; a check name can hold an
 * interface name, which the kernel lets be any bytes). */
static void label_value(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);

	while (*p) {
		size_t n = hn_utf8_len(p, (size_t)(end - p));

		if (n == 0) {
			fputc('?', f);
			p++;
		} else if (*p == '\\' || *p == '"') {
			fputc('\\', f);
			fputc(*p++, f);
		} else if (*p == '\n') {
			fputs("\\n", f);
			p++;
		} else {
			fwrite(p, 1, n, f);
			p += n;
		}
	}
}

static int by_name(const void *a, const void *b)
{
	const struct hn_verify_check *x = *(const struct hn_verify_check *const *)a;
	const struct hn_verify_check *y = *(const struct hn_verify_check *const *)b;

	return strcmp(x->name, y->name);
}

/* One sample per check name, sorted: a label set may appear once in a family, and two
 * checks of one name (rare: "probes" failing twice) are one subject, so the worst counts. */
static int check_statuses(FILE *f, const struct hn_verify_checks *c)
{
	const struct hn_verify_check **v = calloc(c->n ? c->n : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++)
		v[i] = &c->v[i];
	qsort(v, c->n, sizeof(*v), by_name);
	family(f, "hostnet_verify_check_status",
	       "Status of each check of the last run by name: " STATUS_HELP ".");
	for (size_t i = 0; i < c->n;) {
		enum hn_verify_check_status worst = v[i]->status;
		size_t j = i + 1;

		for (; j < c->n && strcmp(v[j]->name, v[i]->name) == 0; j++)
			if (hn_verify_check_worse(v[j]->status, worst))
				worst = v[j]->status;
		fputs("hostnet_verify_check_status{check=\"", f);
		label_value(f, v[i]->name);
		fprintf(f, "\"} %d\n", (int)worst);
		i = j;
	}
	free(v);
	return 0;
}

static void counts(FILE *f, const struct hn_verify_checks *c)
{
	static const char *const labels[] = {"ok", "warning", "critical", "unknown"};
	size_t n[4] = {0};

	for (size_t i = 0; i < c->n; i++)
		n[c->v[i].status <= HN_VERIFY_CHECK_UNKNOWN ? c->v[i].status
							    : HN_VERIFY_CHECK_UNKNOWN]++;
	family(f, "hostnet_verify_checks", "Checks of the last run, by status.");
	for (size_t s = 0; s < 4; s++)
		fprintf(f, "hostnet_verify_checks{status=\"%s\"} %zu\n", labels[s], n[s]);
	gauge(f, "hostnet_verify_checks_failed", "Checks of the last run that were not OK.",
	      (double)hn_verify_checks_failed(c), "%.0f");
}

static void window(FILE *f, const struct hn_verify_figures *fig)
{
	gauge(f, "hostnet_verify_probes", "Probe ports the last run put on the switch.",
	      fig->window ? (double)fig->probes : 0, "%.0f");
	gauge(f, "hostnet_verify_probe_frames_sent", "Frames the probes sent in the last run.",
	      fig->window ? (double)fig->frames_sent : 0, "%.0f");
	gauge(f, "hostnet_verify_probe_send_errors",
	      "Probe frames the kernel refused to send in the last run.",
	      fig->window ? (double)fig->send_errors : 0, "%.0f");
	gauge(f, "hostnet_verify_probe_frames_received",
	      "Frames the probes received in the last run.",
	      fig->window ? (double)fig->frames_received : 0, "%.0f");
	gauge(f, "hostnet_verify_probe_window_seconds",
	      "How long the last run's probes listened; 0 when no probe ran.",
	      fig->window ? fig->window_seconds : 0, "%.6f");
	gauge(f, "hostnet_verify_probe_heard_seconds",
	      "When the last run's probes had heard everything expected; NaN when they never "
	      "did or no probe ran.",
	      fig->window && fig->heard_seconds >= 0 ? fig->heard_seconds : NAN, "%.6f");
}

int hn_verify_textfile_format(FILE *f, const struct hn_verify_checks *c,
			      const struct hn_verify_figures *fig)
{
	if (check_statuses(f, c) < 0)
		return -ENOMEM;
	gauge(f, "hostnet_verify_status", "Result of the last hostnet verify run: " STATUS_HELP ".",
	      (double)hn_verify_checks_status(c), "%.0f");
	counts(f, c);
	gauge(f, "hostnet_verify_duration_seconds", "Wall time of the last run.", fig->seconds,
	      "%.6f");
	family(f, "hostnet_verify_phase_duration_seconds",
	       "Wall time of each phase of the last run.");
	fprintf(f, "hostnet_verify_phase_duration_seconds{phase=\"state\"} %.6f\n",
		fig->state_seconds);
	fprintf(f, "hostnet_verify_phase_duration_seconds{phase=\"probes\"} %.6f\n",
		fig->probe_seconds);
	window(f, fig);
	gauge(f, "hostnet_verify_last_run_timestamp_seconds",
	      "When the last run ended, in seconds since the epoch.", fig->finished, "%.3f");
	family(f, "hostnet_build_info", "The hostnet that wrote this file.");
	fputs("hostnet_build_info{version=\"", f);
	label_value(f, HOSTNET_VERSION);
	fputs("\"} 1\n", f);
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}

/* ---- The file ---- */

/* PATH's directory ("." for a bare name) into dir. */
static int dir_of(const char *path, char dir[PATH_MAX])
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 1;

	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	if (!slash)
		strcpy(dir, ".");
	else if (len == 0)
		strcpy(dir, "/");
	else {
		memcpy(dir, path, len);
		dir[len] = '\0';
	}
	return 0;
}

int hn_verify_textfile_check(const char *path)
{
	char dir[PATH_MAX];
	struct stat st;
	size_t len = strlen(path);

	if (len == 0 || path[len - 1] == '/')
		return hn_err(-EINVAL,
			      "--textfile '%s': expected a file name, like "
			      "/var/lib/prometheus/node-exporter/hostnet.prom",
			      path);
	if (dir_of(path, dir) < 0)
		return hn_err(-ENAMETOOLONG, "--textfile '%s': the name is too long", path);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return hn_err(-EISDIR, "--textfile %s: is a directory, expected a file name", path);
	if (stat(dir, &st) < 0)
		return hn_err(-errno, "--textfile %s: directory %s: %s", path, dir,
			      strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return hn_err(-ENOTDIR, "--textfile %s: %s is not a directory", path, dir);
	/* access() asks with the real uid, the one the file is made with. */
	if (access(dir, W_OK | X_OK) < 0)
		return hn_err(-errno, "--textfile %s: cannot make a file in %s: %s", path, dir,
			      strerror(errno));
	return 0;
}

/* The new directory entry survives a crash once the directory is synced too. Best effort:
 * the file is whole either way, and some file systems cannot sync a directory. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int hn_verify_textfile_write(const char *path, const struct hn_verify_checks *c,
			     const struct hn_verify_figures *fig)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	FILE *f = NULL;
	int fd, r;

	if (dir_of(path, dir) < 0 ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base) >= (int)sizeof(tmp))
		return hn_err(-ENAMETOOLONG, "--textfile '%s': the name is too long", path);
	/* A dot file without the .prom suffix: the collector never reads it half written. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return hn_err(-errno, "--textfile %s: cannot make a file in %s: %s", path, dir,
			      strerror(errno));
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		goto fail;
	}
	r = hn_verify_textfile_format(f, c, fig);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	/* mkstemp makes it 0600; node_exporter runs as its own user. */
	if (r == 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r == 0) {
		sync_dir(dir);
		return 0;
	}
fail:
	unlink(tmp);
	return hn_err(r, "--textfile %s: not written: %s", path, strerror(-r));
}
