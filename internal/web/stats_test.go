package web_test

import (
	"net/http"
	"testing"
)

// resolveOnsite accepts a complaint as on-site coordination and resolves it at once.
func (e *env) resolveOnsite(number, finding string) {
	e.t.Helper()
	e.act(number, "accept", "supervisor", map[string]any{"classification": "onsite", "categories": []string{"attitude"}}, http.StatusOK)
	e.act(number, "resolve", "supervisor", map[string]any{"finding": finding, "measures": []string{"correction"},
		"improvement": "加强培训", "process": "现场协调", "result": "已当场处理", "channel": "phone"}, http.StatusOK)
}

// TestStatsAPI: the figures through the API within the caller's scope, the drill-down
// from a figure to the list behind it, and bad parameters named field by field.
func TestStatsAPI(t *testing.T) {
	e := newEnv(t)
	a := e.register(nil)
	e.register(func(m map[string]any) { m["target"] = map[string]any{"unit": "win-b1"} })
	e.resolveOnsite(a, "founded")

	r := e.do("GET", "/api/v1/stats?from=2026-01-01&to=2026-01-31&group_by=unit", "leader", nil)
	if r.code != http.StatusOK {
		t.Fatalf("stats: %d %s", r.code, r.raw)
	}
	for path, want := range map[string]any{"total.received": 2.0, "total.replied": 1.0, "total.on_time_rate": 1.0,
		"total.founded_rate": 1.0, "total.satisfaction_rate": nil, "total.overdue_open": 0.0, "group_by": "unit"} {
		if got := r.field(path); got != want {
			t.Errorf("stats %s = %v, want %v", path, got, want)
		}
	}
	groups, _ := r.field("groups").([]any)
	found := false
	for _, g := range groups {
		g := g.(map[string]any)
		if g["key"] == "dept-a" {
			found = true
			if g["replied_on_time"] != 1.0 || g["name"] != "人社局" {
				t.Errorf("stats group dept-a = %v", g)
			}
		}
	}
	if !found {
		t.Errorf("stats by unit has no dept-a: %s", r.raw)
	}

	// The drill-down: dept-a's on-time replies of January are complaint a.
	r = e.do("GET", "/api/v1/complaints?figure=replied_on_time&from=2026-01-01&to=2026-01-31&unit=dept-a", "leader", nil)
	items, _ := r.field("items").([]any)
	if r.code != http.StatusOK || len(items) != 1 || items[0].(map[string]any)["number"] != a {
		t.Errorf("drill-down to on-time replies: %d %s", r.code, r.raw)
	}
	r = e.do("GET", "/api/v1/complaints?figure=received&from=2026-01-01&to=2026-01-31&unit=dept-b", "leader", nil)
	if items, _ := r.field("items").([]any); r.code != http.StatusOK || len(items) != 1 {
		t.Errorf("drill-down to dept-b's received: %d %s", r.code, r.raw)
	}
	r = e.do("GET", "/api/v1/complaints?figure=replied&from=2026-02-01&to=2026-02-28", "leader", nil)
	if items, _ := r.field("items").([]any); r.code != http.StatusOK || len(items) != 0 {
		t.Errorf("drill-down to February's replies: %d %s", r.code, r.raw)
	}

	// A supervisor of dept-b sees dept-b only.
	r = e.do("GET", "/api/v1/stats?from=2026-01-01&to=2026-01-31", "dept-b-super", nil)
	if r.code != http.StatusOK || r.field("total.received") != 1.0 || r.str("unit") != "dept-b" {
		t.Errorf("stats as dept-b's supervisor: %d %s", r.code, r.raw)
	}

	for _, c := range []struct {
		path, who string
		code      int
		field     string
	}{
		{"/api/v1/stats?from=2026-01-01&to=2026-01-31", "", http.StatusUnauthorized, ""},
		{"/api/v1/stats?from=2026-01-01&to=2026-01-31", "admin", http.StatusForbidden, ""},
		{"/api/v1/stats?from=2026-13-01&to=2026-01-31", "leader", http.StatusUnprocessableEntity, "from"},
		{"/api/v1/stats?to=2026-01-31", "leader", http.StatusUnprocessableEntity, "from"},
		{"/api/v1/stats?from=2026-02-01&to=2026-01-31", "leader", http.StatusUnprocessableEntity, "to"},
		{"/api/v1/stats?from=2026-01-01&to=2026-01-31&group_by=colour", "leader", http.StatusUnprocessableEntity, "group_by"},
		{"/api/v1/stats?from=2026-01-01&to=2026-01-31&unit=dept-a", "dept-b-super", http.StatusUnprocessableEntity, "unit"},
		{"/api/v1/stats?from=2026-01-01&to=2026-01-31&unit=%00", "leader", http.StatusUnprocessableEntity, "unit"},
		{"/api/v1/stats?from=2026-01-01&to=2026-01-31&colour=red", "leader", http.StatusBadRequest, "colour"},
		{"/api/v1/complaints?figure=everything", "leader", http.StatusUnprocessableEntity, "figure"},
	} {
		r := e.do("GET", c.path, c.who, nil)
		if r.code != c.code || c.field != "" && r.fieldErr(c.field) == "" {
			t.Errorf("GET %s as %q: %d %s, want %d naming %q", c.path, c.who, r.code, r.raw, c.code, c.field)
		}
	}
}
