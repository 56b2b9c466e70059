#!/bin/sh
# by-hand.sh ADDRESS NETMASK GATEWAY MAC - run as root inside a guest of vm-tests/vm by
# `vm start --seed-by-hand`, before the reboot that makes it a booted seed host: the network
# of the seed's hypervisor set up the way its article does it, by hand, its commands in its
# order, with the files beside this script (the article's own text; `interfaces` with this
# guest's address). Where the article leaves something open, the choice is said below.
#
# Prints what `service networking restart` left (the article's "if you don't have webbed
# fingers, the machine is still connected") on one line starting "after networking restart:".
set -eu
[ $# -eq 4 ] || { echo "usage: by-hand.sh ADDRESS NETMASK GATEWAY MAC" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)

# II.A Open vSwitch: the two switches.
ovs-vsctl add-br br0
ovs-vsctl add-br brint

# II.B The hypervisor on br0: the article's /etc/network/interfaces replaces the whole file
# (Debian's `source /etc/network/interfaces.d/*` line with it; that directory is empty here).
# Its address is this guest's. One line is ours, `ovs_extra ... other_config:hwaddr`: the
# article's server has a NIC with a universal MAC, which OVS gives br0 by itself; qemu's
# 52:54:00 MAC is locally administered, which OVS never picks, and the provider (as the
# article's) drops every frame from a MAC other than eno1's. With this line br0 has eno1's
# MAC as on the article's server.
sed -e "s|@ADDRESS@|$1|" -e "s|@NETMASK@|$2|" -e "s|@GATEWAY@|$3|" -e "s|@MAC@|$4|" \
	"$here/interfaces" >/etc/network/interfaces
# "Et on relance". Whatever it leaves, the reboot below starts from the files.
if service networking restart; then
	said=ok
else
	said="failed (exit $?)"
fi
echo "after networking restart: $said; $(ip -4 -br addr show | awk '$1 != "lo" {printf "%s %s %s; ", $1, $2, $3}')default $(ip -4 route show default | head -n 1)"

# III Libvirt: `default` out, ovs-front and intern-vlans in, from the article's XML.
# (`virsh net-undefine default` of an active network leaves it running until the reboot,
# as on the article's server.)
virsh net-list --all >/dev/null
virsh net-undefine default >/dev/null
mkdir /root/conf_network
cd /root/conf_network
cp "$here/front.xml" "$here/intern.xml" .
virsh net-define front.xml >/dev/null
virsh net-start ovs-front >/dev/null
virsh net-autostart ovs-front >/dev/null
virsh net-define intern.xml >/dev/null
virsh net-autostart intern-vlans >/dev/null
virsh net-start intern-vlans >/dev/null

# III.C The hypervisor on VLAN 99: brint's own port, by hand now and by boot.sh at each boot.
ip addr add 10.99.1.250 dev brint
ip link set brint up
ip route add 10.99.1.0/24 dev brint
ovs-vsctl set port brint tag=99
cp "$here/boot.sh" /srv/boot.sh
# The article runs `chmod +x boot.sh` from /root/conf_network, where there is no boot.sh:
# the script it means is /srv/boot.sh.
chmod +x /srv/boot.sh
cp "$here/hypervisor-boot.service" /etc/systemd/system/hypervisor-boot.service
systemctl enable hypervisor-boot.service 2>/dev/null
