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

/* The module's handle, once loaded (it never is closed). */
static void *virt_module;

bool hn_backend_virt_loaded(void)
{
	return virt_module != NULL;
}

const struct hn_backend *hn_backend_of(enum hn_layer layer)
{
	static const struct hn_backend *virt;
	char why[512];
	void *h;

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
	if (virt)
		return virt;
	/* Never closed: the backend's functions are used until the process exits. */
	h = virt_module = open_virt_module(why, sizeof(why));
	if (h)
		virt = dlsym(h, HN_VIRT_BACKEND_SYMBOL);
	if (!virt)
		hn_err(-ENOENT, "cannot load the libvirt backend: %s",
		       h ? HN_VIRT_BACKEND_SYMBOL " missing from the module" : why);
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
