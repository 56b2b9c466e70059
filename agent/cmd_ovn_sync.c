// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet ovn-sync: the config's ovn.networks into OVN's northbound database. Touches nothing
 * on this host: it only talks to ovn.northbound, from any machine that reaches it. */
#include "commands.h"
#include "config.h"
#include "error.h"
#include "ovn.h"
#include "plan.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

static const char usage[] =
    "Usage: hostnet [-c FILE] [--json] ovn-sync [--plan] [--down]\n"
    "Make the logical switches of FILE's ovn.networks in ovn.northbound (one per network,\n"
    "with a localnet port on its VLAN, none without physnet), and remove the ones hostnet\n"
    "made that FILE no longer has. --plan: print the changes, make none (exit 3: changes\n"
    "pending). --down: remove every switch hostnet made. Switches and ports hostnet did not\n"
    "make are left alone.\n";

static void print_text(const struct hn_ovn_plan *plan, bool planned, const char *path)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct hn_ovn_change *c = &plan->v[i];

		printf("%c ovn      %s%s%s%s\n", hn_op_sign(c->op), c->object,
		       c->detail[0] ? ": " : "", c->detail,
		       c->disruptive ? "  (DISRUPTIVE: in use)" : "");
	}
	if (plan->n == 0)
		printf("nothing to change: the northbound database matches %s\n", path);
	else if (planned)
		printf("%zu change(s) pending; `hostnet ovn-sync` applies them\n", plan->n);
	else
		printf("ovn-sync: applied %zu change(s)\n", plan->n);
}

static int print_json(const struct hn_ovn_plan *plan, bool planned)
{
	json_t *doc = json_pack("{s:s, s:s, s:[]}", "command", "ovn-sync", "result",
				plan->n == 0 ? "converged"
				: planned    ? "pending"
					     : "applied",
				"changes");
	json_t *arr = json_object_get(doc, "changes");
	int r = 0;

	for (size_t i = 0; arr && i < plan->n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "op",
						     hn_op_name(plan->v[i].op), "object",
						     plan->v[i].object, "detail", plan->v[i].detail,
						     "disruptive", plan->v[i].disruptive));
	if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		r = hn_err(-EIO, "ovn-sync: cannot write the JSON document");
	else
		putchar('\n');
	json_decref(doc);
	return r;
}

int hn_cmd_ovn_sync(int argc, char **argv, struct hn_opts *opts)
{
	static const struct option longopts[] = {
	    {"plan", no_argument, NULL, 'p'},
	    {"down", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct hn_config config = {0};
	struct hn_ovn_plan plan = {0};
	bool planned = false, down = false;
	int c, r, status;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c == 'p') {
			planned = true;
		} else if (c == 'd') {
			down = true;
		} else if (c == 'h') {
			return hn_help("ovn-sync", usage);
		} else {
			hn_bad_option("ovn-sync", argv, c);
			return HN_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return hn_usage_error("ovn-sync", "unexpected argument '%s'", argv[optind]);
	if (hn_load_config_or_report(opts, "ovn-sync", &config) < 0)
		return HN_EXIT_USAGE;
	if (!config.ovn.northbound) {
		hn_config_free(&config);
		return hn_usage_error("ovn-sync", "%s has no ovn.northbound: nothing to sync to",
				      opts->config_path);
	}
	r = hn_ovn_sync(config.ovn.northbound, down ? NULL : &config.ovn, opts->timeout_ms,
			!planned, &plan);
	if (r < 0) {
		hn_report_error(opts, "ovn-sync", HN_EXIT_FAILED);
		status = HN_EXIT_FAILED;
	} else {
		status = planned && plan.n ? HN_EXIT_PENDING : HN_EXIT_OK;
		if (opts->json)
			r = print_json(&plan, planned);
		else
			print_text(&plan, planned, opts->config_path);
		if (r < 0) {
			hn_report_error(opts, "ovn-sync", HN_EXIT_FAILED);
			status = HN_EXIT_FAILED;
		}
	}
	hn_ovn_plan_free(&plan);
	hn_config_free(&config);
	return status;
}
