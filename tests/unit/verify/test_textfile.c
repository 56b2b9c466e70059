// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * verify --textfile: the exposition text of a run (whole, since its metric names are an
 * interface), label escaping, one sample per check name, and the atomic replace of the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks.h"
#include "error.h"
#include "textfile.h"
#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Not inlined: at -O3, gcc 12 takes the caller's pointers into the returned text for
 * pointers to this frame's `buf` (a false -Wdangling-pointer through open_memstream). */
__attribute__((noinline)) static char *format(const struct hn_verify_checks *c,
					      const struct hn_verify_figures *fig)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(hn_verify_textfile_format(f, c, fig), 0);
	fclose(f);
	return buf;
}

static const struct hn_verify_figures seed_run = {
    .seconds = 0.3142,
    .state_seconds = 0.012,
    .probe_seconds = 0.3,
    .window = true,
    .probes = 31,
    .frames_sent = 1200,
    .send_errors = 0,
    .frames_received = 5000,
    .window_seconds = 0.2,
    .heard_seconds = 0.0815,
    .finished = 1733456789.25,
};

static void a_run_is_written_whole(void **unused)
{
	struct hn_verify_checks c = {0};
	char *out;

	hn_verify_checks_add(&c, HN_VERIFY_CHECK_OK, "vlan 10 isolation", "e", "f");
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_CRITICAL, "port brint", "e", "f");
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_UNKNOWN, "libvirt state", "e", "f");
	out = format(&c, &seed_run);
	assert_string_equal(
	    out,
	    "# HELP hostnet_verify_check_status Status of each check of the last run by name: 0 "
	    "OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the monitoring-plugins codes).\n"
	    "# TYPE hostnet_verify_check_status gauge\n"
	    "hostnet_verify_check_status{check=\"libvirt state\"} 3\n"
	    "hostnet_verify_check_status{check=\"port brint\"} 2\n"
	    "hostnet_verify_check_status{check=\"vlan 10 isolation\"} 0\n"
	    "# HELP hostnet_verify_status Result of the last hostnet verify run: 0 OK, 1 WARNING, "
	    "2 CRITICAL, 3 UNKNOWN (the monitoring-plugins codes).\n"
	    "# TYPE hostnet_verify_status gauge\n"
	    "hostnet_verify_status 2\n"
	    "# HELP hostnet_verify_checks Checks of the last run, by status.\n"
	    "# TYPE hostnet_verify_checks gauge\n"
	    "hostnet_verify_checks{status=\"ok\"} 1\n"
	    "hostnet_verify_checks{status=\"warning\"} 0\n"
	    "hostnet_verify_checks{status=\"critical\"} 1\n"
	    "hostnet_verify_checks{status=\"unknown\"} 1\n"
	    "# HELP hostnet_verify_checks_failed Checks of the last run that were not OK.\n"
	    "# TYPE hostnet_verify_checks_failed gauge\n"
	    "hostnet_verify_checks_failed 2\n"
	    "# HELP hostnet_verify_duration_seconds Wall time of the last run.\n"
	    "# TYPE hostnet_verify_duration_seconds gauge\n"
	    "hostnet_verify_duration_seconds 0.314200\n"
	    "# HELP hostnet_verify_phase_duration_seconds Wall time of each phase of the last "
	    "run.\n"
	    "# TYPE hostnet_verify_phase_duration_seconds gauge\n"
	    "hostnet_verify_phase_duration_seconds{phase=\"state\"} 0.012000\n"
	    "hostnet_verify_phase_duration_seconds{phase=\"probes\"} 0.300000\n"
	    "# HELP hostnet_verify_probes Probe ports the last run put on the switch.\n"
	    "# TYPE hostnet_verify_probes gauge\n"
	    "hostnet_verify_probes 31\n"
	    "# HELP hostnet_verify_probe_frames_sent Frames the probes sent in the last run.\n"
	    "# TYPE hostnet_verify_probe_frames_sent gauge\n"
	    "hostnet_verify_probe_frames_sent 1200\n"
	    "# HELP hostnet_verify_probe_send_errors Probe frames the kernel refused to send in "
	    "the last run.\n"
	    "# TYPE hostnet_verify_probe_send_errors gauge\n"
	    "hostnet_verify_probe_send_errors 0\n"
	    "# HELP hostnet_verify_probe_frames_received Frames the probes received in the last "
	    "run.\n"
	    "# TYPE hostnet_verify_probe_frames_received gauge\n"
	    "hostnet_verify_probe_frames_received 5000\n"
	    "# HELP hostnet_verify_probe_window_seconds How long the last run's probes listened; "
	    "0 when no probe ran.\n"
	    "# TYPE hostnet_verify_probe_window_seconds gauge\n"
	    "hostnet_verify_probe_window_seconds 0.200000\n"
	    "# HELP hostnet_verify_probe_heard_seconds When the last run's probes had heard "
	    "everything expected; NaN when they never did or no probe ran.\n"
	    "# TYPE hostnet_verify_probe_heard_seconds gauge\n"
	    "hostnet_verify_probe_heard_seconds 0.081500\n"
	    "# HELP hostnet_verify_last_run_timestamp_seconds When the last run ended, in seconds "
	    "since the epoch.\n"
	    "# TYPE hostnet_verify_last_run_timestamp_seconds gauge\n"
	    "hostnet_verify_last_run_timestamp_seconds 1733456789.250\n"
	    "# HELP hostnet_build_info The hostnet that wrote this file.\n"
	    "# TYPE hostnet_build_info gauge\n"
	    "hostnet_build_info{version=\"" HOSTNET_VERSION "\"} 1\n");
	free(out);
	hn_verify_checks_free(&c);
}

/* The format's three escapes, and bytes that are not UTF-8 replaced, never passed on. */
static void label_values_are_escaped(void **unused)
{
	struct hn_verify_checks c = {0};
	char *out;

	hn_verify_checks_add(&c, HN_VERIFY_CHECK_OK, "a \"quoted\" \\ back\nslash", "e", "f");
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_OK, "bad \xff\xc0\xaf byte, caf\xc3\xa9 kept", "e",
			     "f");
	out = format(&c, &seed_run);
	assert_non_null(strstr(out, "{check=\"a \\\"quoted\\\" \\\\ back\\nslash\"} 0\n"));
	assert_non_null(strstr(out, "{check=\"bad ??? byte, caf\xc3\xa9 kept\"} 0\n"));
	free(out);
	hn_verify_checks_free(&c);
}

/* Two checks of one name are one sample, the worst status. */
static void one_sample_per_check_name(void **unused)
{
	struct hn_verify_checks c = {0};
	char *out, *p;

	hn_verify_checks_add(&c, HN_VERIFY_CHECK_UNKNOWN, "probes", "e", "f");
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_OK, "b", "e", "f");
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_CRITICAL, "probes", "e", "f");
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_OK, "probes", "e", "f");
	out = format(&c, &seed_run);
	p = strstr(out, "{check=\"probes\"} 2\n");
	assert_non_null(p);
	assert_null(strstr(p + 1, "{check=\"probes\"}"));
	assert_null(strstr(out, "{check=\"probes\"} 3"));
	free(out);
	hn_verify_checks_free(&c);
}

/* No window (--no-probes, or no switch): the same series, zero, and NaN for a time that
 * never came; no check at all is UNKNOWN. */
static void a_run_without_probes_keeps_every_series(void **unused)
{
	struct hn_verify_checks c = {0};
	struct hn_verify_figures fig = {.seconds = 0.01, .heard_seconds = 0.5, .probes = 7};
	char *out = format(&c, &fig);

	assert_non_null(strstr(out, "\nhostnet_verify_status 3\n"));
	assert_non_null(strstr(out, "\nhostnet_verify_probes 0\n"));
	assert_non_null(strstr(out, "\nhostnet_verify_probe_window_seconds 0.000000\n"));
	assert_non_null(strstr(out, "\nhostnet_verify_probe_heard_seconds NaN\n"));
	assert_null(strstr(out, "check=")); /* the family is there, with no sample */
	assert_non_null(strstr(out, "# TYPE hostnet_verify_check_status gauge\n"));
	free(out);
	fig.window = true;
	fig.heard_seconds = -1;
	out = format(&c, &fig);
	assert_non_null(strstr(out, "\nhostnet_verify_probe_heard_seconds NaN\n"));
	assert_non_null(strstr(out, "\nhostnet_verify_probes 7\n"));
	free(out);
}

/* ---- the file ---- */

static char dir[] = "/tmp/hostnet-textfile.XXXXXX";

static int make_dir(void **unused)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **unused)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(f);
	assert_non_null(buf);
	assert_true(fread(buf, 1, 65535, f) > 0);
	fclose(f);
	return buf;
}

/* Written whole, readable by node_exporter's user, no temporary file left; a second run
 * replaces the first. */
static void the_file_is_replaced_whole(void **unused)
{
	struct hn_verify_checks c = {0};
	char path[128], *got, *want;
	struct stat st;

	snprintf(path, sizeof(path), "%s/hostnet.prom", dir);
	assert_int_equal(hn_verify_textfile_check(path), 0);
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_OK, "first", "e", "f");
	assert_int_equal(hn_verify_textfile_write(path, &c, &seed_run), 0);
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_CRITICAL, "second", "e", "f");
	assert_int_equal(hn_verify_textfile_write(path, &c, &seed_run), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(entries(), 1);
	got = slurp(path);
	want = format(&c, &seed_run);
	assert_string_equal(got, want);
	free(got);
	free(want);
	hn_verify_checks_free(&c);
}

/* Refused before the run, each in one line naming the path: a missing directory, a
 * directory given as the file, a file given as the directory. */
static void bad_paths_are_refused_before_the_run(void **unused)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/missing/hostnet.prom", dir);
	hn_err_clear();
	assert_int_equal(hn_verify_textfile_check(path), -ENOENT);
	assert_non_null(strstr(hn_errmsg(), path));
	assert_null(strchr(hn_errmsg(), '\n'));
	assert_int_equal(hn_verify_textfile_check(dir), -EISDIR);
	snprintf(path, sizeof(path), "%s/", dir);
	assert_int_equal(hn_verify_textfile_check(path), -EINVAL);
	snprintf(path, sizeof(path), "%s/hostnet.prom/x.prom", dir);
	assert_int_equal(hn_verify_textfile_check(path), -ENOTDIR);
	assert_int_equal(hn_verify_textfile_check(""), -EINVAL);
}

/* A write that cannot happen leaves the old file as it was and nothing beside it. */
static void a_failed_write_leaves_the_old_file(void **unused)
{
	struct hn_verify_checks c = {0};
	char path[128], gone[160], *before, *after;

	snprintf(path, sizeof(path), "%s/hostnet.prom", dir);
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_OK, "kept", "e", "f");
	assert_int_equal(hn_verify_textfile_write(path, &c, &seed_run), 0);
	before = slurp(path);
	snprintf(gone, sizeof(gone), "%s/missing/hostnet.prom", dir);
	hn_err_clear();
	assert_int_equal(hn_verify_textfile_write(gone, &c, &seed_run), -ENOENT);
	assert_non_null(strstr(hn_errmsg(), gone));
	/* rename over a directory fails after the temporary file was written: it goes. */
	snprintf(gone, sizeof(gone), "%s/sub", dir);
	assert_int_equal(mkdir(gone, 0755), 0);
	assert_true(hn_verify_textfile_write(gone, &c, &seed_run) < 0);
	assert_int_equal(rmdir(gone), 0);
	assert_int_equal(entries(), 1);
	after = slurp(path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	hn_verify_checks_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_run_is_written_whole),
	    cmocka_unit_test(label_values_are_escaped),
	    cmocka_unit_test(one_sample_per_check_name),
	    cmocka_unit_test(a_run_without_probes_keeps_every_series),
	    cmocka_unit_test(the_file_is_replaced_whole),
	    cmocka_unit_test(bad_paths_are_refused_before_the_run),
	    cmocka_unit_test(a_failed_write_leaves_the_old_file),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
