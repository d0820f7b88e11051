package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// auditDetails lists the details of the audit records of an action.
func (e *env) auditDetails(action string) []string {
	e.t.Helper()
	recs, err := e.store.ListAudit(e.t.Context(), 0, 10000)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		if r.Action == action {
			out = append(out, r.Object+" "+r.Detail)
		}
	}
	return out
}

// TestExports: the list exports as CSV (UTF-8 with a BOM) and XLSX with its filters,
// identities masked, audited with the filters but never a complainant's phone; the
// statistics as XLSX; the desk's 导出 button; bad requests named.
func TestExports(t *testing.T) {
	e := newEnv(t)
	a := e.register(nil)
	e.register(func(m map[string]any) { m["target"] = map[string]any{"unit": "win-b1"} })
	e.resolveOnsite(a, "founded")

	r := e.do("GET", "/api/v1/exports/complaints?format=csv&unit=dept-a", "leader", nil)
	if r.code != http.StatusOK || !strings.HasPrefix(r.raw, "\ufeff受理编号,") {
		t.Fatalf("CSV export: %d %q", r.code, r.raw)
	}
	if lines := strings.Split(strings.TrimSpace(r.raw), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], a+",") {
		t.Errorf("CSV export of dept-a = %q, want the header and %s", r.raw, a)
	}
	if strings.Contains(r.raw, "张三") || strings.Contains(r.raw, "13812345678") || !strings.Contains(r.raw, "张*") {
		t.Errorf("CSV export shows the identity: %q", r.raw)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("CSV export headers: %v", r.header)
	}

	r = e.do("GET", "/api/v1/exports/complaints?format=xlsx&complainant_phone=13812345678", "inspector", nil)
	if r.code != http.StatusOK {
		t.Fatalf("XLSX export: %d %s", r.code, r.raw)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.raw)))
	if err != nil {
		t.Fatalf("XLSX export does not open: %v", err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	if len(rows) != 3 || rows[0][0] != "受理编号" {
		t.Errorf("XLSX export rows = %v", rows)
	}
	details := strings.Join(e.auditDetails("export"), "\n")
	if !strings.Contains(details, "complaints format=csv&unit=dept-a") || strings.Contains(details, "13812345678") ||
		!strings.Contains(details, "complainant_phone=%2A%2A%2A") {
		t.Errorf("export audit records = %q", details)
	}

	r = e.do("GET", "/api/v1/exports/stats?from=2026-01-01&to=2026-01-31&group_by=unit", "leader", nil)
	if r.code != http.StatusOK {
		t.Fatalf("stats export: %d %s", r.code, r.raw)
	}
	f, err = excelize.OpenReader(bytes.NewReader([]byte(r.raw)))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("统计", "B3"); v != "2" {
		t.Errorf("stats export 统计!B3 (received in total) = %q, want 2", v)
	}
	if names := f.GetSheetList(); len(names) != 2 || names[1] != "口径说明" {
		t.Errorf("stats export sheets = %v", names)
	}

	for _, c := range []struct {
		path, who string
		code      int
		field     string
	}{
		{"/api/v1/exports/complaints", "", http.StatusUnauthorized, ""},
		{"/api/v1/exports/complaints", "clerk", http.StatusForbidden, ""},
		{"/api/v1/exports/complaints?format=pdf", "leader", http.StatusUnprocessableEntity, "format"},
		{"/api/v1/exports/complaints?limit=5", "leader", http.StatusBadRequest, "limit"},
		{"/api/v1/exports/complaints?from=yesterday", "leader", http.StatusUnprocessableEntity, "from"},
		{"/api/v1/exports/stats?from=2026-01-01&to=2026-01-31&format=csv", "leader", http.StatusUnprocessableEntity, "format"},
		{"/api/v1/exports/stats?to=2026-01-31", "leader", http.StatusUnprocessableEntity, "from"},
	} {
		r := e.do("GET", c.path, c.who, nil)
		if r.code != c.code || c.field != "" && r.fieldErr(c.field) == "" {
			t.Errorf("GET %s as %q: %d %s, want %d naming %q", c.path, c.who, r.code, r.raw, c.code, c.field)
		}
	}

	// The desk: the list's 导出 keeps the tab and filters; the dashboard's exports too.
	sup := e.signIn("supervisor")
	p := sup.get("/desk/?tab=all&unit=dept-b")
	mustContain(t, "inbox", p, "导出 Excel", "/desk/complaints/export?")
	at := strings.Index(p.body, "/desk/complaints/export?")
	link := strings.ReplaceAll(p.body[at:at+strings.Index(p.body[at:], `"`)], "&amp;", "&")
	link = strings.Replace(link, "format=xlsx", "format=csv", 1)
	csv := sup.get(link)
	if csv.code != http.StatusOK || strings.Count(strings.TrimSpace(csv.body), "\n") != 1 || strings.Contains(csv.body, a) {
		t.Errorf("desk export of dept-b (%s): %d %.300q", link, csv.code, csv.body)
	}
	if x := sup.get("/desk/stats/export?period=month"); x.code != http.StatusOK || !strings.HasPrefix(x.body, "PK") {
		t.Errorf("desk stats export: %d", x.code)
	}
}
