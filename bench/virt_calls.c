// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virt_calls: where a run that talks to libvirt spends its time, one phase at a time, in
 * one process: the client library's load (dlopen of libvirt.so.0 and everything it links),
 * virInitialize, virConnectOpen, then the calls hostnet's libvirt backend makes to read
 * every network (virt/virt_backend.c, virt_read: three filtered lists, then each network's
 * definition and, when it runs, its live XML), and virConnectClose. Not a test: prints one
 * line of figures (ms) for bench/run to take medians of.
 *
 *   virt_calls URI
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

#define SYM(h, f) __typeof__(f) *p_##f = (__typeof__(f) *)dlsym(h, #f)

/* One filtered list, as virt_read asks it. */
static int list(__typeof__(virConnectListAllNetworks) *p_list, virConnectPtr conn, unsigned flags,
		virNetworkPtr **out)
{
	*out = NULL;
	return p_list(conn, out, flags);
}

int main(int argc, char **argv)
{
	double t0 = now_ms(), t_load, t_init, t_open, t_lists, t_xml, t_close;
	void *h = dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL);
	virNetworkPtr *active, *persistent, *autostart;
	int n_active, n_persistent, n_autostart, calls = 0;
	virConnectPtr conn;

	if (argc != 2 || !h) {
		fprintf(stderr, "usage: virt_calls URI (%s)\n", h ? "no URI" : dlerror());
		return 2;
	}
	t_load = now_ms();
	SYM(h, virInitialize);
	SYM(h, virConnectOpen);
	SYM(h, virConnectClose);
	SYM(h, virConnectListAllNetworks);
	SYM(h, virNetworkGetXMLDesc);
	SYM(h, virNetworkFree);
	if (p_virInitialize() < 0)
		return 1;
	t_init = now_ms();
	conn = p_virConnectOpen(argv[1]);
	if (!conn)
		return 1;
	t_open = now_ms();
	n_active =
	    list(p_virConnectListAllNetworks, conn, VIR_CONNECT_LIST_NETWORKS_ACTIVE, &active);
	n_persistent = list(p_virConnectListAllNetworks, conn, VIR_CONNECT_LIST_NETWORKS_PERSISTENT,
			    &persistent);
	n_autostart = list(p_virConnectListAllNetworks, conn, VIR_CONNECT_LIST_NETWORKS_AUTOSTART,
			   &autostart);
	if (n_active < 0 || n_persistent < 0 || n_autostart < 0)
		return 1;
	calls += 3;
	t_lists = now_ms();
	/* Every persistent network's definition, and the live XML of each active one. */
	for (int i = 0; i < n_persistent; i++) {
		free(p_virNetworkGetXMLDesc(persistent[i], VIR_NETWORK_XML_INACTIVE));
		calls++;
	}
	for (int i = 0; i < n_active; i++) {
		free(p_virNetworkGetXMLDesc(active[i], 0));
		calls++;
	}
	t_xml = now_ms();
	for (int i = 0; i < n_active; i++)
		p_virNetworkFree(active[i]);
	for (int i = 0; i < n_persistent; i++)
		p_virNetworkFree(persistent[i]);
	for (int i = 0; i < n_autostart; i++)
		p_virNetworkFree(autostart[i]);
	free(active);
	free(persistent);
	free(autostart);
	p_virConnectClose(conn);
	t_close = now_ms();
	printf(
	    "load %.3f init %.3f open %.3f lists %.3f xml %.3f close %.3f networks %d calls %d\n",
	    t_load - t0, t_init - t_load, t_open - t_init, t_lists - t_open, t_xml - t_lists,
	    t_close - t_xml, n_persistent, calls);
	return 0;
}
