// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virt_calls: where a run that talks to libvirt spends its time, one phase at a time, in
 * one process: the client library's load (dlopen of libvirt.so.0 and everything it links),
 * virInitialize, virConnectOpen, then the calls hostnet's libvirt backend makes to read
 * every network (virt/virt_backend.c, virt_read: three filtered lists, then each network's
 * definition and, when it runs, its live XML), and virConnectClose. Given network XML
 * files, it then makes the calls of the seed's cold `up` after that read: undefine
 * `default`, define, start and autostart each network; and reads again, as `up` confirms.
 * Not a test: prints one line of figures (ms) for bench/run to take medians of.
 *
 *   virt_calls URI [NETWORK.xml...]
 *
 * libvirt is loaded with dlopen, as hostnet loads its libvirt module, so that its load is
 * timed and not paid before main.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libvirt/libvirt.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#define FN(f)	  static __typeof__(f) *p_##f
#define SYM(h, f) (p_##f = (__typeof__(f) *)dlsym(h, #f))

FN(virInitialize);
FN(virConnectOpen);
FN(virConnectClose);
FN(virConnectListAllNetworks);
FN(virNetworkGetXMLDesc);
FN(virNetworkFree);
FN(virNetworkLookupByName);
FN(virNetworkUndefine);
FN(virNetworkDefineXML);
FN(virNetworkCreate);
FN(virNetworkSetAutostart);

static int calls; /* to libvirtd, past the connect */

static void free_list(virNetworkPtr *l, int n)
{
	for (int i = 0; i < n; i++)
		p_virNetworkFree(l[i]);
	free(l);
}

/* virt_read's calls; *t_lists when the three lists are in. The number of persistent
 * networks, or -1. */
static int read_all(virConnectPtr conn, double *t_lists)
{
	virNetworkPtr *active = NULL, *persistent = NULL, *autostart = NULL;
	int n_active = p_virConnectListAllNetworks(conn, &active, VIR_CONNECT_LIST_NETWORKS_ACTIVE);
	int n_persistent =
	    p_virConnectListAllNetworks(conn, &persistent, VIR_CONNECT_LIST_NETWORKS_PERSISTENT);
	int n_autostart =
	    p_virConnectListAllNetworks(conn, &autostart, VIR_CONNECT_LIST_NETWORKS_AUTOSTART);

	calls += 3;
	*t_lists = now_ms();
	if (n_active < 0 || n_persistent < 0 || n_autostart < 0)
		return -1;
	/* Every persistent network's definition, and the live XML of each active one. */
	for (int i = 0; i < n_persistent; i++, calls++)
		free(p_virNetworkGetXMLDesc(persistent[i], VIR_NETWORK_XML_INACTIVE));
	for (int i = 0; i < n_active; i++, calls++)
		free(p_virNetworkGetXMLDesc(active[i], 0));
	free_list(active, n_active);
	free_list(persistent, n_persistent);
	free_list(autostart, n_autostart);
	return n_persistent;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = f ? calloc(1, 1 << 16) : NULL;

	if (text)
		fread(text, 1, (1 << 16) - 1, f);
	if (f)
		fclose(f);
	return text;
}

/* The seed's cold `up` past its read: `default` undefined, then each network defined,
 * started and autostarted. 0 or -1. */
static int apply(virConnectPtr conn, char **files, int n)
{
	virNetworkPtr net = p_virNetworkLookupByName(conn, "default");

	calls += 2;
	if (!net || p_virNetworkUndefine(net) < 0)
		return -1;
	p_virNetworkFree(net);
	for (int i = 0; i < n; i++) {
		char *xml = slurp(files[i]);

		net = xml ? p_virNetworkDefineXML(conn, xml) : NULL;
		free(xml);
		calls += 3;
		if (!net || p_virNetworkCreate(net) < 0 || p_virNetworkSetAutostart(net, 1) < 0)
			return -1;
		p_virNetworkFree(net);
	}
	return 0;
}

int main(int argc, char **argv)
{
	double t0 = now_ms(), t_load, t_init, t_open, t_lists, t_read, t_apply = 0, t_reread = 0,
	       t_close, t;
	void *h = dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL);
	virConnectPtr conn;
	int networks;

	if (argc < 2 || !h) {
		fprintf(stderr, "usage: virt_calls URI [NETWORK.xml...] (%s)\n",
			h ? "no URI" : dlerror());
		return 2;
	}
	t_load = now_ms();
	if (!SYM(h, virInitialize) || !SYM(h, virConnectOpen) || !SYM(h, virConnectClose) ||
	    !SYM(h, virConnectListAllNetworks) || !SYM(h, virNetworkGetXMLDesc) ||
	    !SYM(h, virNetworkFree) || !SYM(h, virNetworkLookupByName) ||
	    !SYM(h, virNetworkUndefine) || !SYM(h, virNetworkDefineXML) ||
	    !SYM(h, virNetworkCreate) || !SYM(h, virNetworkSetAutostart) || p_virInitialize() < 0)
		return 1;
	t_init = now_ms();
	conn = p_virConnectOpen(argv[1]);
	if (!conn)
		return 1;
	t_open = now_ms();
	networks = read_all(conn, &t_lists);
	t_read = now_ms();
	if (networks < 0)
		return 1;
	if (argc > 2) {
		if (apply(conn, argv + 2, argc - 2) < 0) {
			fprintf(stderr, "virt_calls: the cold run's calls failed\n");
			return 1;
		}
		t_apply = now_ms();
		if (read_all(conn, &t) < 0)
			return 1;
		t_reread = now_ms();
	}
	p_virConnectClose(conn);
	t_close = now_ms();
	printf("load %.3f init %.3f open %.3f lists %.3f xml %.3f apply %.3f reread %.3f "
	       "close %.3f networks %d calls %d\n",
	       t_load - t0, t_init - t_load, t_open - t_init, t_lists - t_open, t_read - t_lists,
	       argc > 2 ? t_apply - t_read : 0, argc > 2 ? t_reread - t_apply : 0,
	       t_close - (argc > 2 ? t_reread : t_read), networks, calls);
	return 0;
}
