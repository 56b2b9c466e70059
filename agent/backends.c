// SPDX-License-Identifier: GPL-2.0-or-later
#include "backends.h"
#include "error.h"
#include "netlink.h"
#include "ovs.h"
#include "plan.h"
#include "virt.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef HOSTNET_MODULEDIR
#define HOSTNET_MODULEDIR "/usr/lib/hostnet"
#endif
#define VIRT_MODULE "hostnet-virt.so"

/* Next to the running binary first (a build tree), then where `meson install` puts it. */
static void *open_virt_module(char *why, size_t len)
{
	char self[PATH_MAX], path[PATH_MAX + sizeof(VIRT_MODULE)];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	void *h;

	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');

		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/%s", self, VIRT_MODULE);
			if (access(path, F_OK) == 0)
				goto load;
		}
	}
	snprintf(path, sizeof(path), "%s/%s", HOSTNET_MODULEDIR, VIRT_MODULE);
load:
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		snprintf(why, len, "%s", dlerror());
	return h;
}

/* The module's handle, once loaded (it never is closed), and its backend. */
static void *virt_module;
static const struct hn_backend *virt;
static char virt_why[512]; /* why not, when the load failed */
static bool virt_tried;

/* Load the module and let it set libvirt up. Touches nothing but the four statics above:
 * it may run in the preload thread, and hn_err is for the main one. */
static void *load_virt(void *unused)
{
	(void)unused;
	virt_tried = true;
	virt_module = open_virt_module(virt_why, sizeof(virt_why));
	if (virt_module)
		virt = dlsym(virt_module, HN_VIRT_BACKEND_SYMBOL);
	if (virt_module && !virt)
		snprintf(virt_why, sizeof(virt_why),
			 HN_VIRT_BACKEND_SYMBOL " missing from the module");
	if (virt && virt->prepare)
		virt->prepare();
	return NULL;
}

static pthread_t preload_thread;
static bool preloading;

void hn_backend_preload(const struct hn_opts *opts)
{
	if (preloading || virt_tried || !hn_layer_wanted(opts, HN_LAYER_VIRT))
		return;
	preloading = pthread_create(&preload_thread, NULL, load_virt, NULL) == 0;
}

static void preload_wait(void)
{
	if (!preloading)
		return;
	pthread_join(preload_thread, NULL);
	preloading = false;
}

bool hn_backend_virt_loaded(void)
{
	preload_wait();
	return virt_module != NULL;
}

const struct hn_backend *hn_backend_of(enum hn_layer layer)
{
	switch (layer) {
	case HN_LAYER_OVS:
		return &hn_ovs_backend;
	case HN_LAYER_NETLINK:
		return &hn_nl_backend;
	case HN_LAYER_VIRT:
		break;
	case HN_LAYER_COUNT:
		return NULL;
	}
	preload_wait();
	if (!virt_tried)
		load_virt(NULL);
	if (!virt)
		hn_err(-ENOENT, "cannot load the libvirt backend: %s", virt_why);
	return virt;
}

bool hn_layer_wanted(const struct hn_opts *opts, enum hn_layer layer)
{
	return !opts->layers || (opts->layers & (1u << layer));
}

bool hn_layer_optional(const struct hn_config *config, enum hn_layer layer)
{
	return layer == HN_LAYER_VIRT && config && !config->has_libvirt;
}

int hn_layers_parse(const char *list, unsigned *mask)
{
	const char *p = list;

	*mask = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		int l;

		for (l = 0; l < HN_LAYER_COUNT; l++)
			if (strlen(hn_layer_name(l)) == len &&
			    strncmp(p, hn_layer_name(l), len) == 0)
				break;
		if (l == HN_LAYER_COUNT)
			return hn_err(-EINVAL,
				      "'%.*s' is not a layer: a list of ovs, netlink, libvirt",
				      (int)len, p);
		*mask |= 1u << l;
		p += len + (p[len] == ',');
	}
	if (!*mask)
		return hn_err(-EINVAL, "no layer named: a list of ovs, netlink, libvirt");
	return 0;
}

int hn_layers_check_uplink(const struct hn_opts *opts, const struct hn_config *config)
{
	bool ovs = hn_layer_wanted(opts, HN_LAYER_OVS);
	bool netlink = hn_layer_wanted(opts, HN_LAYER_NETLINK);
	char list[64];

	if (ovs == netlink)
		return 0;
	for (size_t i = 0; i < config->n_bridges; i++) {
		const struct hn_bridge *b = &config->bridges[i];

		if (!hn_bridge_has_uplink(b))
			continue;
		return hn_err(
		    -EINVAL,
		    "--layers %s: bridge %s has uplink %s, whose move needs both the ovs "
		    "and the netlink layer to be guarded by the gateway probes; name both "
		    "or neither",
		    hn_layers_format(opts->layers, list, sizeof(list)), b->name,
		    b->uplink[0] ? b->uplink : "(by MAC)");
	}
	return 0;
}
