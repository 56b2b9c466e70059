#!/usr/bin/env bash
# package.sh - the Debian package, built and installed on this machine, then purged:
#
#   build      tools/build-deb: dpkg-buildpackage -us -uc -b on a clean copy of HEAD (git
#              archive), a release build without sanitizers, its unit tests included
#   lintian    no error (the warnings and infos are printed)
#   scripts    no maintainer script starts, stops, restarts or enables hostnet.service
#   install    apt-get install --no-install-recommends ./hostnet_*.deb; then:
#              hostnet check accepts the installed /etc/hostnet/hostnet.yaml, man -w finds
#              hostnet(8) and hostnet.yaml(5) and man shows their NAME, systemd-analyze
#              verify accepts the unit (offline: this machine has no systemd as PID 1) and
#              rejects a broken copy of it, the unit is not enabled, the completion loads
#   reinstall  the same package again (an upgrade to the maintainer scripts): still
#              nothing enabled
#   purge      apt-get purge: no file of `dpkg -L hostnet` is left (directories only when
#              another package owns them), /etc/hostnet is gone, and /etc, /usr and
#              /var/lib/systemd hold the same paths as before the install
#
# Leaves the machine as it was: the package is purged on every exit path. Refuses to run
# when hostnet is already installed (as a package or by meson install), since purging
# would remove what someone else put there. Must run as root. The last line is
# "N passed, N failed".

set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -q -y -o DPkg::Lock::Timeout=300 --no-install-recommends)
INSTALLED=no
INSTALL_OK=no
DEB=
BUILD_MS=0

cleanup_package() {
	[[ $INSTALLED == yes ]] || return 0
	"${APT[@]}" purge hostnet >/dev/null 2>&1 || dpkg --purge hostnet >/dev/null 2>&1 || true
}
on_exit cleanup_package

# The paths this package or its maintainer scripts could touch, without their contents.
# Not all of /etc and /usr: other test runs on this machine change those meanwhile.
snapshot() {
	find /etc/hostnet /etc/iproute2 /etc/systemd /usr/sbin /usr/lib/*/hostnet \
		/lib/systemd/system /usr/lib/systemd/system /usr/share/doc/hostnet \
		/usr/share/man/man5 /usr/share/man/man8 /usr/share/bash-completion/completions \
		/var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
		2>/dev/null | sort
}

ms_since() { echo $(($(now_ms) - $1)); }

# ---- checks

check_build() {
	local t0 log=$TMP/build.log
	t0=$(now_ms)
	DEB=$("$ROOT/tools/build-deb" "$TMP/deb" 2>"$log") || {
		WHY="tools/build-deb failed: $(tail -n 5 "$log" | tr '\n' '|')"
		return 1
	}
	BUILD_MS=$(ms_since "$t0")
	[[ $DEB == "$TMP/deb/hostnet_"*"_$(dpkg-architecture -qDEB_HOST_ARCH).deb" && -f $DEB ]] ||
		{ WHY="no hostnet_VERSION_ARCH.deb: '$DEB'"; return 1; }
	grep -q -- "--suite unit" "$log" || { WHY="the unit tests did not run in the build"; return 1; }
	echo "# built $(basename "$DEB") ($(stat -c %s "$DEB") bytes) in $BUILD_MS ms"
}

check_lintian() {
	local t0
	t0=$(now_ms)
	lintian --display-level '>=info' "$DEB" "${DEB%.deb}.changes" >"$TMP/lintian" 2>&1 || true
	grep -v 'running with root privileges' "$TMP/lintian" | sed 's/^/# lintian: /' || true
	echo "# lintian: $(grep -c '^E: ' "$TMP/lintian" || true) error(s), $(grep -c '^W: ' "$TMP/lintian" || true) warning(s), $(grep -c '^I: ' "$TMP/lintian" || true) info(s) in $(ms_since "$t0") ms"
	! grep -q '^E: ' "$TMP/lintian" || { WHY="lintian errors: $(grep '^E: ' "$TMP/lintian" | tr '\n' '|')"; return 1; }
}

# What the maintainer scripts may not do to hostnet.service, whatever the init system. Read
# from the scripts themselves: they act only when systemd is PID 1, which it is not here.
check_scripts() {
	local s hits=
	mkdir -p "$TMP/control"
	dpkg-deb --control "$DEB" "$TMP/control"
	for s in preinst postinst prerm postrm; do
		[[ -f $TMP/control/$s ]] || continue
		hits+=${hits:+$'\n'}$(grep -nE 'deb-systemd-invoke|invoke-rc\.d|systemctl.*[[:space:]](start|stop|restart|try-restart|reload|reload-or-restart|enable)([[:space:]]|$)' \
			"$TMP/control/$s" | sed "s|^|$s:|" || true)
	done
	[[ -z $hits ]] || { WHY="maintainer scripts act on the unit: $(tr '\n' '|' <<<"$hits")"; return 1; }
	# The one enable: deb-systemd-helper re-making the links of a unit the admin enabled.
	if grep -q 'deb-systemd-helper enable' "$TMP/control/postinst"; then
		grep -B2 'deb-systemd-helper enable' "$TMP/control/postinst" |
			grep -q "if deb-systemd-helper --quiet was-enabled 'hostnet.service'; then" ||
			{ WHY="postinst enables the unit without asking was-enabled"; return 1; }
	fi
	[[ ! -f $TMP/control/prerm && ! -f $TMP/control/preinst ]] ||
		{ WHY="a prerm or preinst exists: $(cat "$TMP/control/prerm" "$TMP/control/preinst" 2>/dev/null | tr '\n' '|')"; return 1; }
}

check_install() {
	local t0 new
	dpkg-query -W -f='${Package}\n' | sort >"$TMP/packages.before"
	snapshot >"$TMP/paths.before"
	t0=$(now_ms)
	INSTALLED=yes
	"${APT[@]}" install "$DEB" >"$TMP/apt.log" 2>&1 ||
		{ WHY="apt-get install: $(tail -n 5 "$TMP/apt.log" | tr '\n' '|')"; return 1; }
	echo "# installed in $(ms_since "$t0") ms"
	dpkg-query -W -f='${Package}\n' | sort >"$TMP/packages.after"
	new=$(comm -13 "$TMP/packages.before" "$TMP/packages.after" | xargs)
	[[ $new == hostnet ]] || { WHY="apt installed more than hostnet: $new"; return 1; }
	dpkg -L hostnet | sort >"$TMP/owned"
	grep -qx /usr/sbin/hostnet "$TMP/owned" || { WHY="no /usr/sbin/hostnet"; return 1; }
	INSTALL_OK=yes
}

check_config() {
	local out
	out=$(/usr/sbin/hostnet check 2>&1) || { WHY="hostnet check: $out"; return 1; }
	grep -q "br0" <<<"$out" || { WHY="hostnet check printed no br0: $out"; return 1; }
	dpkg-query -W -f='${Conffiles}\n' hostnet | grep -q ' /etc/hostnet/hostnet.yaml ' ||
		{ WHY="/etc/hostnet/hostnet.yaml is not a conffile"; return 1; }
}

check_module() {
	# Where the binary looks for its libvirt backend is where the package put it.
	local dir
	dir=$(grep -ao '/usr/lib/[a-z0-9_-]*/hostnet' /usr/sbin/hostnet | head -1)
	[[ -n $dir && -f $dir/hostnet-virt.so ]] && grep -qx "$dir/hostnet-virt.so" "$TMP/owned" ||
		{ WHY="the binary looks in '$dir', the package has: $(grep virt "$TMP/owned")"; return 1; }
}

check_man() {
	local p
	p=$(man -w hostnet 2>&1) && [[ $p == /usr/share/man/man8/hostnet.8.gz ]] ||
		{ WHY="man -w hostnet: $p"; return 1; }
	p=$(man -w 5 hostnet.yaml 2>&1) && [[ $p == /usr/share/man/man5/hostnet.yaml.5.gz ]] ||
		{ WHY="man -w 5 hostnet.yaml: $p"; return 1; }
	MANPAGER=cat MANWIDTH=100 man hostnet 2>/dev/null | grep -A1 '^NAME' |
		grep -q 'hostnet - converge and verify' || { WHY="man hostnet shows no NAME"; return 1; }
	MANPAGER=cat MANWIDTH=100 man 5 hostnet.yaml 2>/dev/null | grep -A1 '^NAME' |
		grep -q 'hostnet.yaml - the configuration file' || { WHY="man 5 hostnet.yaml shows no NAME"; return 1; }
}

check_unit() {
	local unit=/usr/lib/systemd/system/hostnet.service out
	out=$(systemd-analyze verify "$unit" 2>&1) && [[ -z $out ]] ||
		{ WHY="systemd-analyze verify: $(tr '\n' '|' <<<"$out")"; return 1; }
	# The same check on a broken copy must fail, or the pass above proves nothing.
	sed 's|^ExecStart=.*|ExecStart=/nonexistent/hostnet up|' "$unit" >"$TMP/hostnet.service"
	! systemd-analyze verify "$TMP/hostnet.service" >/dev/null 2>&1 ||
		{ WHY="systemd-analyze verify accepts a unit whose ExecStart does not exist"; return 1; }
}

not_enabled() {
	local l
	for l in /etc/systemd/system/*.wants/hostnet.service; do
		[[ ! -e $l && ! -L $l ]] || { WHY="enabled: $l"; return 1; }
	done
}

check_completion() {
	local out
	out=$(bash -c '. /usr/share/bash-completion/bash_completion
		. /usr/share/bash-completion/completions/hostnet
		COMP_WORDS=(hostnet ve); COMP_CWORD=1; COMP_LINE="hostnet ve"; COMP_POINT=10
		_hostnet hostnet ve hostnet; echo "${COMPREPLY[*]}"' 2>&1)
	[[ $out == "verify version" ]] || { WHY="completion of 'hostnet ve': $out"; return 1; }
}

check_reinstall() {
	dpkg -i "$DEB" >"$TMP/dpkg.log" 2>&1 || { WHY="dpkg -i again: $(tail -n 3 "$TMP/dpkg.log" | tr '\n' '|')"; return 1; }
	not_enabled
}

check_purge() {
	local t0 left= p
	t0=$(now_ms)
	"${APT[@]}" purge hostnet >"$TMP/apt.log" 2>&1 ||
		{ WHY="apt-get purge: $(tail -n 5 "$TMP/apt.log" | tr '\n' '|')"; return 1; }
	INSTALLED=no
	echo "# purged in $(ms_since "$t0") ms"
	while read -r p; do
		[[ -e $p || -L $p ]] || continue
		# A directory stays when it holds other files (/usr/sbin, /., /lib as a link to
		# /usr/lib) or another package owns it; an empty one of nobody's is a leftover.
		if [[ -d $p ]]; then
			[[ -n $(ls -A "$p") ]] && continue
			dpkg -S "$p" >/dev/null 2>&1 && continue
		fi
		left+=" $p"
	done <"$TMP/owned"
	[[ -z $left ]] || { WHY="left after purge:$left"; return 1; }
	[[ ! -e /etc/hostnet ]] || { WHY="/etc/hostnet is still there"; return 1; }
	snapshot >"$TMP/paths.after"
	cmp -s "$TMP/paths.before" "$TMP/paths.after" ||
		{ WHY="paths changed: $(diff "$TMP/paths.before" "$TMP/paths.after" | grep '^[<>]' | head -n 10 | tr '\n' ' ')"; return 1; }
}

# ---- run

[[ $(id -u) == 0 ]] || setup_failed "must run as root (apt-get install)"
if dpkg-query -W -f='${Status}' hostnet 2>/dev/null | grep -q installed; then
	setup_failed "the package hostnet is installed already; purging it after the test would remove it"
fi
for p in /usr/sbin/hostnet /etc/hostnet /usr/share/man/man8/hostnet.8.gz; do
	[[ ! -e $p ]] || setup_failed "$p exists (meson install?); the package would replace it and purge would remove it"
done
for t in dpkg-buildpackage lintian systemd-analyze man; do
	command -v "$t" >/dev/null || setup_failed "$t is missing: tools/install-deps"
done

T0=$(now_ms)
run_check "build from a clean copy of HEAD" check_build
if [[ -n $DEB && -f $DEB ]]; then
	run_check "lintian: no error" check_lintian
	run_check "maintainer scripts never start, stop or enable the unit" check_scripts
	run_check "apt-get install ./$(basename "$DEB")" check_install
	if [[ $INSTALL_OK == yes ]]; then
		run_check "hostnet check accepts /etc/hostnet/hostnet.yaml" check_config
		run_check "the libvirt module is where the binary looks" check_module
		run_check "man hostnet, man 5 hostnet.yaml" check_man
		run_check "systemd-analyze verify accepts the unit" check_unit
		run_check "the unit is not enabled" not_enabled
		run_check "the bash completion loads and completes" check_completion
		run_check "installed again (upgrade): still not enabled" check_reinstall
		run_check "apt-get purge leaves nothing behind" check_purge
	fi
fi
echo "# package.sh took $(ms_since "$T0") ms (build $BUILD_MS ms)"
finish
