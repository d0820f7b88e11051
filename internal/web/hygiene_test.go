package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestInputHygiene: every free-text field of every route refuses NUL and other control
// characters (newline and tab only in long text) and bidirectional overrides, and dates
// before 1900 or past 2100 are refused — each with a 422 naming the field, nothing stored.
func TestInputHygiene(t *testing.T) {
	e := newEnv(t)
	number := e.register(nil)
	complaint := func(field string, v any) map[string]any {
		m := validComplaint()
		m[field] = v
		return m
	}
	const rlo = "\u202e" // RIGHT-TO-LEFT OVERRIDE: "金额0.05" reads as "50.0额金"
	tests := []struct {
		name, who, method, path string
		body                    any
		field                   string
	}{
		{"NUL in the matter", "clerk", "POST", "/api/v1/complaints", complaint("matter", "窗口\x00离岗"), "matter"},
		{"bell in the request", "clerk", "POST", "/api/v1/complaints", complaint("request", "请\a处理"), "request"},
		{"C1 control in the place", "clerk", "POST", "/api/v1/complaints", complaint("incident_place", "二楼\u0085大厅"), "incident_place"},
		{"bidi override in the matter", "clerk", "POST", "/api/v1/complaints", complaint("matter", "收费"+rlo+"50.0元"), "matter"},
		{"bidi isolate in the complainant's name", "clerk", "POST", "/api/v1/complaints",
			complaint("complainant", map[string]any{"name": "张\u2067三", "phone": "13812345678"}), "complainant.name"},
		{"incident before 1900", "clerk", "POST", "/api/v1/complaints", complaint("incident_at", "1850-01-01T10:00:00+08:00"), "incident_at"},
		{"bidi override in a unit name", "admin", "PUT", "/api/v1/units/win-a9", map[string]any{"name": "窗口" + rlo + "9", "parent": "dept-a", "kind": "window"}, "name"},
		{"newline in a unit name", "admin", "PUT", "/api/v1/units/win-a9", map[string]any{"name": "窗口\n9", "parent": "dept-a", "kind": "window"}, "name"},
		{"NUL in a staff name", "admin", "PUT", "/api/v1/staff/A009", map[string]any{"name": "王\x00五", "unit": "win-a1", "active": true}, "name"},
		{"tab in a category name", "admin", "PUT", "/api/v1/categories/newcat", map[string]any{"name": "新\t类别"}, "name"},
		{"bidi override in a category description", "admin", "PUT", "/api/v1/categories/newcat", map[string]any{"name": "新类别", "description": rlo}, "description"},
		{"control in a calendar name", "admin", "PUT", "/api/v1/calendar/overrides/2026-05-06", map[string]any{"workday": false, "name": "本地\x1b假日"}, "name"},
		{"calendar date before 1900", "admin", "PUT", "/api/v1/calendar/overrides/1899-12-31", map[string]any{"workday": false, "name": "假日"}, "date"},
		{"calendar date past 2100", "admin", "PUT", "/api/v1/calendar/overrides/2999-01-01", map[string]any{"workday": false, "name": "假日"}, "date"},
		{"bidi override in a withdrawal note", "supervisor", "POST", "/api/v1/complaints/" + number + "/withdraw", map[string]any{"note": "撤回" + rlo}, "note"},
		{"bidi override in a reveal reason", "supervisor", "POST", "/api/v1/complaints/" + number + "/reveal", map[string]any{"reason": "核实" + rlo + "身份"}, "reason"},
		{"list from 1850", "supervisor", "GET", "/api/v1/complaints?from=1850-01-01", nil, "from"},
		{"calculator from 3000", "", "GET", "/api/v1/calendar/workdays?from=3000-01-01&add=5", nil, "from"},
	}
	for _, tt := range tests {
		r := e.do(tt.method, tt.path, tt.who, tt.body)
		if r.code != http.StatusUnprocessableEntity || r.fieldErr(tt.field) == "" {
			t.Errorf("%s: %d %s, want 422 naming %s", tt.name, r.code, clipBody(r.raw), tt.field)
		}
	}
	// Nothing was stored: one complaint (the one registered above), no new unit or staff.
	if l := e.do("GET", "/api/v1/complaints?limit=100", "supervisor", nil); strings.Count(l.raw, `"number"`) != 1 {
		t.Errorf("refused registrations stored complaints: %s", clipBody(l.raw))
	}
	if u := e.do("GET", "/api/v1/units", "supervisor", nil); strings.Contains(u.raw, "win-a9") {
		t.Errorf("a refused unit was stored")
	}
	// Newlines and tabs are welcome in long text.
	if r := e.do("POST", "/api/v1/complaints", "clerk", complaint("matter", "第一行\n第二行\t缩进")); r.code != http.StatusCreated {
		t.Errorf("a matter with a newline and a tab: %d %s", r.code, clipBody(r.raw))
	}
}
