package main

import (
	"context"
	"fmt"
	"testing"
)

func TestParseProxies(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		bad      bool
	}{
		{"", "[]", false},
		{"10.0.0.0/8", "[10.0.0.0/8]", false},
		{" 10.1.2.3/8 , 192.168.1.10 ", "[10.0.0.0/8 192.168.1.10/32]", false},
		{"fd00::/8,::1", "[fd00::/8 ::1/128]", false},
		{"::ffff:10.0.0.5", "[10.0.0.5/32]", false},
		{"10.0.0.0/33", "", true},
		{"proxy.example", "", true},
	} {
		got, err := parseProxies(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("parseProxies(%q): error %v, want error %v", tc.in, err, tc.bad)
			continue
		}
		if !tc.bad && fmt.Sprint(got) != tc.want {
			t.Errorf("parseProxies(%q) = %v, want %s", tc.in, got, tc.want)
		}
	}
	// A wrong value is the operator's mistake: exit code 2, before anything starts.
	m, _, _ := newCLI(t).main("")
	err := m.Run(context.Background(), []string{"serve", "--trusted-proxy", "proxy.example"})
	if err == nil || exitCode(err) != 2 {
		t.Errorf("serve --trusted-proxy proxy.example: %v (exit %d), want a usage error", err, exitCode(err))
	}
	m, _, _ = newCLI(t).main("")
	m.Getenv = func(k string) string {
		if k == "TOUSU_TRUSTED_PROXIES" {
			return "not-a-prefix"
		}
		return ""
	}
	if err := m.Run(context.Background(), []string{"serve"}); err == nil || exitCode(err) != 2 {
		t.Errorf("TOUSU_TRUSTED_PROXIES=not-a-prefix: %v, want a usage error", err)
	}
}
