// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virt_calls: where a run that talks to libvirt spends its time, one phase at a time, in
 * one process: the client library's load (dlopen of libvirt.so.0 and everything it links),
 * virInitialize, virConnectOpen, then the reads hostnet's libvirt backend makes of every
 * network, the same reads done with filtered lists, and virConnectClose. Not a test:
 * prints one line of figures (ms) for bench/run to take medians of.
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

int main(int argc, char **argv)
{
	double t0 = now_ms(), t_load, t_init, t_open, t_list, t_each, t_lists, t_close;
	void *h = dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL);
	virNetworkPtr *nets = NULL;
	virConnectPtr conn;
	int n, calls = 0;

	if (argc != 2 || !h) {
		fprintf(stderr, "usage: virt_calls URI (%s)\n", h ? "no URI" : dlerror());
		return 2;
	}
	t_load = now_ms();
	SYM(h, virInitialize);
	SYM(h, virConnectOpen);
	SYM(h, virConnectClose);
	SYM(h, virConnectListAllNetworks);
	SYM(h, virNetworkIsActive);
	SYM(h, virNetworkIsPersistent);
	SYM(h, virNetworkGetAutostart);
	SYM(h, virNetworkGetXMLDesc);
	SYM(h, virNetworkFree);
	if (p_virInitialize() < 0)
		return 1;
	t_init = now_ms();
	conn = p_virConnectOpen(argv[1]);
	if (!conn)
		return 1;
	t_open = now_ms();
	n = p_virConnectListAllNetworks(conn, &nets, 0);
	if (n < 0)
		return 1;
	t_list = now_ms();
	/* What hostnet's backend asks of each network (virt/virt_backend.c, read_one). */
	for (int i = 0; i < n; i++) {
		int active = p_virNetworkIsActive(nets[i]), autostart = 0;
		int persistent = p_virNetworkIsPersistent(nets[i]);

		p_virNetworkGetAutostart(nets[i], &autostart);
		free(p_virNetworkGetXMLDesc(nets[i], VIR_NETWORK_XML_INACTIVE));
		calls += 4;
		if (active == 1) {
			free(p_virNetworkGetXMLDesc(nets[i], 0));
			calls++;
		}
		(void)persistent;
	}
	t_each = now_ms();
	/* The same three flags for every network from one list each. */
	{
		static const unsigned flags[] = {VIR_CONNECT_LIST_NETWORKS_ACTIVE,
						 VIR_CONNECT_LIST_NETWORKS_PERSISTENT,
						 VIR_CONNECT_LIST_NETWORKS_AUTOSTART};

		for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
			virNetworkPtr *l = NULL;
			int m = p_virConnectListAllNetworks(conn, &l, flags[k]);

			for (int i = 0; i < m; i++)
				p_virNetworkFree(l[i]);
			free(l);
		}
	}
	t_lists = now_ms();
	for (int i = 0; i < n; i++)
		p_virNetworkFree(nets[i]);
	free(nets);
	p_virConnectClose(conn);
	t_close = now_ms();
	printf("load %.3f init %.3f open %.3f list %.3f per-network %.3f lists3 %.3f close %.3f "
	       "networks %d calls %d\n",
	       t_load - t0, t_init - t_load, t_open - t_init, t_list - t_open, t_each - t_list,
	       t_lists - t_each, t_close - t_lists, n, calls);
	return 0;
}
