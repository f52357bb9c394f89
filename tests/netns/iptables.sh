#!/bin/bash
# Rules made by iptables-nft and ip6tables-nft render as nft lists them.
set -u
fw=$1
unshare -n true 2>/dev/null || { echo "SKIP: cannot create a network namespace"; exit 77; }
command -v iptables-nft >/dev/null || { echo "SKIP: iptables-nft not installed"; exit 77; }
unshare -n bash -c '
	set -e
	iptables-nft -A INPUT -p tcp --dport 22 -j ACCEPT
	iptables-nft -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
	iptables-nft -A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT
	iptables-nft -A INPUT -s 10.0.0.0/8 -i eth0 -j DROP
	iptables-nft -A INPUT -p udp -m udp --sport 53 -j ACCEPT
	iptables-nft -A INPUT -m addrtype --dst-type LOCAL -j ACCEPT
	iptables-nft -A INPUT -j LOG --log-prefix "dropped: "
	iptables-nft -A FORWARD -p udp --sport 53 -j REJECT
	iptables-nft -A FORWARD -p tcp -j REJECT --reject-with tcp-reset
	iptables-nft -P INPUT DROP
	iptables-nft -N custom
	iptables-nft -A custom -d 192.0.2.0/24 -j RETURN
	iptables-nft -A FORWARD -j custom
	iptables-nft -t nat -A POSTROUTING -o eth0 -j MASQUERADE
	iptables-nft -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80
	ip6tables-nft -A INPUT -p icmpv6 -j ACCEPT
	ip6tables-nft -A INPUT -s 2001:db8::/32 -p tcp --dport 443 -j ACCEPT
	ip6tables-nft -A INPUT -m conntrack --ctstate INVALID -j DROP
	nft list ruleset 2>/dev/null | sed "s/^[ \t]*//" > /tmp/fwaudit-ipt-a.$$
	"$1" show | sed "s/^[ \t]*//" > /tmp/fwaudit-ipt-b.$$
	rc=0
	diff /tmp/fwaudit-ipt-a.$$ /tmp/fwaudit-ipt-b.$$ || rc=1
	total=$(grep -c . /tmp/fwaudit-ipt-a.$$)
	same=$(diff --unchanged-line-format="=" --old-line-format="" --new-line-format="" /tmp/fwaudit-ipt-a.$$ /tmp/fwaudit-ipt-b.$$ | tr -cd = | wc -c)
	echo "iptables-nft: $same/$total lines identical"
	rm -f /tmp/fwaudit-ipt-a.$$ /tmp/fwaudit-ipt-b.$$
	exit $rc
' _ "$fw"
