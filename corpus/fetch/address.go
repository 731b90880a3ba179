package fetch

import (
	"fmt"
	"net"
	"net/netip"
)

// alwaysBlocked are never dialled, even with private addresses allowed:
// link-local addresses, where cloud providers serve instance metadata and
// credentials (169.254.169.254 on AWS, GCP and Azure; fd00:ec2::254 on
// AWS over IPv6), the other providers' metadata addresses, and addresses
// that are no host's.
var alwaysBlocked = prefixes(
	"169.254.0.0/16",     // link-local, metadata
	"fe80::/10",          // link-local
	"fd00:ec2::254/128",  // AWS metadata over IPv6
	"100.100.100.200/32", // Alibaba Cloud metadata
	"192.0.0.192/32",     // Oracle Cloud metadata
	"0.0.0.0/8",          // "this network": 0.0.0.0 reaches loopback
	"::/128",
	"224.0.0.0/4", // multicast
	"ff00::/8",
	"240.0.0.0/4", // reserved, and broadcast
)

// privateBlocked are the addresses inside a network, dialled only with
// private addresses allowed.
var privateBlocked = prefixes(
	"127.0.0.0/8", // loopback
	"::1/128",
	"10.0.0.0/8", // private
	"172.16.0.0/12",
	"192.168.0.0/16",
	"fc00::/7",      // unique local
	"100.64.0.0/10", // carrier-grade NAT, shared
	"192.0.0.0/24",  // IETF protocol assignments
	"198.18.0.0/15", // benchmarking
)

func prefixes(ss ...string) []netip.Prefix {
	ps := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		ps[i] = netip.MustParsePrefix(s)
	}
	return ps
}

// checkDial refuses a connection to a blocked address. It runs on every
// dial, after DNS, so what it checks is what is connected to.
func checkDial(network, address string, allowPrivate bool) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot tell the address of %q", ErrBlocked, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %q is not an IP address", ErrBlocked, host)
	}
	if why := blocked(ip, allowPrivate); why != "" {
		return fmt.Errorf("%w: %s is %s", ErrBlocked, ip, why)
	}
	return nil
}

// blocked says why ip may not be dialled, or "".
func blocked(ip netip.Addr, allowPrivate bool) string {
	ip = ip.WithZone("")
	for _, a := range embedded(ip) {
		for _, p := range alwaysBlocked {
			if p.Contains(a) {
				return "link-local, a cloud metadata address or no host's"
			}
		}
		if allowPrivate {
			continue
		}
		for _, p := range privateBlocked {
			if p.Contains(a) {
				return "a loopback or private address"
			}
		}
	}
	return ""
}

// nat64 and sixToFour carry an IPv4 address inside an IPv6 one.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// embedded lists ip and the IPv4 address it carries: an IPv4-mapped
// address (::ffff:127.0.0.1), a NAT64 or a 6to4 one reaches it.
func embedded(ip netip.Addr) []netip.Addr {
	addrs := []netip.Addr{ip}
	switch {
	case ip.Is4In6():
		addrs = append(addrs, ip.Unmap())
	case ip.Is6() && nat64.Contains(ip):
		b := ip.As16()
		addrs = append(addrs, netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	case sixToFour.Contains(ip):
		b := ip.As16()
		addrs = append(addrs, netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
	}
	return addrs
}
