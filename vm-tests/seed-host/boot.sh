#!/bin/bash
ip addr add 10.99.1.250 dev brint
ip link set brint up
ip route add 10.99.1.0/24 dev brint
ovs-vsctl set port brint tag=99
