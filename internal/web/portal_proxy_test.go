package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestForwardedClient(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, tc := range []struct {
		name, peer, xff, realIP string
		want                    string // "" when the headers are not used
	}{
		{"untrusted peer", "203.0.113.9:5000", "198.51.100.1", "198.51.100.2", ""},
		{"trusted, one hop", "10.0.0.1:5000", "198.51.100.1", "", "198.51.100.1"},
		{"forged left part", "10.0.0.1:5000", "1.2.3.4, 198.51.100.1", "", "198.51.100.1"},
		{"two proxies", "10.0.0.1:5000", "198.51.100.1, 10.0.0.2", "", "198.51.100.1"},
		{"all trusted", "10.0.0.1:5000", "10.0.0.3, 10.0.0.2", "", "10.0.0.3"},
		{"garbage ends the walk", "10.0.0.1:5000", "198.51.100.1, nonsense, 10.0.0.2", "", "10.0.0.2"},
		{"with a port", "10.0.0.1:5000", "198.51.100.1:4711", "", "198.51.100.1"},
		{"IPv6", "[fd00::1]:5000", "2001:db8::7", "", "2001:db8::7"},
		{"mapped IPv4", "[::ffff:10.0.0.1]:5000", "::ffff:198.51.100.1", "", "198.51.100.1"},
		{"X-Real-IP", "10.0.0.1:5000", "", "198.51.100.8", "198.51.100.8"},
		{"nothing forwarded", "10.0.0.1:5000", "", "", ""},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if tc.realIP != "" {
			r.Header.Set("X-Real-IP", tc.realIP)
		}
		got, ok := forwardedClient(r, proxies)
		if !ok {
			got = ""
		}
		if got != tc.want {
			t.Errorf("%s: forwardedClient = %q, want %q", tc.name, got, tc.want)
		}
	}
}
