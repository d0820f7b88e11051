package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddrKey holds, in a request's context, the client address realClient worked out.
type clientAddrKey struct{}

// realClient records the client's address for clientAddr. Behind a trusted proxy it is
// the right-most address of X-Forwarded-For that is not itself a trusted proxy: each
// proxy appends the peer it saw, so everything left of that is the client's own say and
// may be forged. Without X-Forwarded-For it is X-Real-IP. From any other peer the
// headers are ignored.
func (s *Server) realClient(next http.Handler) http.Handler {
	if len(s.proxies) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if addr, ok := forwardedClient(r, s.proxies); ok {
			r = r.WithContext(context.WithValue(r.Context(), clientAddrKey{}, addr))
		}
		next.ServeHTTP(w, r)
	})
}

// forwardedClient is the client address the trusted proxies forwarded, when the direct
// peer is one of them and says.
func forwardedClient(r *http.Request, proxies []netip.Prefix) (string, bool) {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok || !trusted(peer, proxies) {
		return "", false
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	if len(hops) > 0 {
		// Walk from the nearest hop outwards; stop at the first one no trusted proxy
		// vouches for. Garbage ends the walk: it can only come from the untrusted side.
		client := peer
		for i := len(hops) - 1; i >= 0; i-- {
			a, ok := parseAddr(strings.TrimSpace(hops[i]))
			if !ok {
				break
			}
			client = a
			if !trusted(a, proxies) {
				break
			}
		}
		return client.String(), true
	}
	if a, ok := parseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); ok {
		return a.String(), true
	}
	return "", false
}

// parseAddr reads an IP address, with or without a port, IPv4-mapped IPv6 as IPv4.
func parseAddr(s string) (netip.Addr, bool) {
	if s == "" {
		return netip.Addr{}, false
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		if a, err := netip.ParseAddr(host); err == nil {
			return a.Unmap().WithZone(""), true
		}
	}
	return netip.Addr{}, false
}

func trusted(a netip.Addr, proxies []netip.Prefix) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
