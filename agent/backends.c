// SPDX-License-Identifier: GPL-2.0-or-later
#include "backends.h"
#include "error.h"
#include "plan.h"

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

const struct hn_backend *hn_backend_of(enum hn_layer layer)
{
	static const struct hn_backend *virt;
	char why[512];
	void *h;

	switch (layer) {
	case HN_LAYER_OVS:
		return &hn_ovs_backend;
	case HN_LAYER_NETLINK:
		return &hn_netlink_backend;
	case HN_LAYER_VIRT:
		break;
	case HN_LAYER_COUNT:
		return NULL;
	}
	if (virt)
		return virt;
	/* Never closed: the backend's functions are used until the process exits. */
	h = open_virt_module(why, sizeof(why));
	if (h)
		virt = dlsym(h, "hn_virt_backend");
	if (!virt)
		hn_err(-ENOENT, "cannot load the libvirt backend: %s",
		       h ? "hn_virt_backend missing from the module" : why);
	return virt;
}

bool hn_layer_wanted(enum hn_layer layer)
{
	const char *list = getenv("HOSTNET_LAYERS");
	const char *name = hn_layer_name(layer);
	size_t len = strlen(name);

	if (!list || !*list)
		return true;
	for (const char *p = list; (p = strstr(p, name)); p += len)
		if ((p == list || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}
