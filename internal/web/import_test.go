package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"testing"

	"tousu"
)

// postImport posts a file to the desk's import page with the button pressed.
func (d *deskClient) postImport(name string, content []byte, mode string) page {
	d.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.WriteField("mode", mode)
	mw.Close()
	req, _ := http.NewRequest("POST", d.e.srv.URL+"/desk/admin/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return d.do(req)
}

// TestDeskImport: the admin checks a file (a report by row, nothing stored), then
// imports it; a file that cannot be read is refused on the page, never a 500; other
// roles may not import.
func TestDeskImport(t *testing.T) {
	e := newEnv(t)
	file := []byte("来源编号,收到时间,办结时间,渠道,被投诉单位,被投诉人工号,投诉事项,调查结论\n" +
		"H-1,2008-05-06 10:00,2008-05-20,来访,win-a1,A001,十多年前的投诉,属实\n" +
		"H-2,2008-05-07,2008-05-01,来访,win-a1,,办结早于收到,\n")
	admin := e.signIn("admin")
	mustContain(t, "import page", admin.get("/desk/admin/import"), "历史导入", "来源编号", "source_key", "检查（不导入）")
	p := admin.postImport("台账.csv", file, "dry")
	mustContain(t, "dry run", p, "检查结果（未导入）", "可导入 1 行", "不能导入 1 行", "办结时间早于收到时间", "would import 1, refused 1")
	if r := e.do("GET", "/api/v1/complaints?limit=50", "supervisor", nil); len(r.field("items").([]any)) != 0 {
		t.Fatalf("the check stored complaints: %s", r.raw)
	}
	p = admin.postImport("台账.csv", file, "import")
	mustContain(t, "import", p, "导入结果", "已导入 1 行", "imported 1, refused 1")
	r := e.do("GET", "/api/v1/complaints/TS20080506-0001", "supervisor", nil)
	if r.code != http.StatusOK || r.str("external_ref") != "H-1" || r.str("status") != string(tousu.StatusClosed) || r.str("decision.finding") != "founded" {
		t.Errorf("imported complaint: %d %s", r.code, r.raw)
	}
	mustContain(t, "again", admin.postImport("台账.csv", file, "import"), "已导入 0 行", "已导入过而跳过 1 行")

	for name, content := range map[string][]byte{"empty.csv": nil, "broken.xlsx": []byte("PK\x03\x04 not a workbook"),
		"header.csv": []byte("编号,日期\n1,2\n")} {
		if p := admin.postImport(name, content, "dry"); p.code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422: %s", name, p.code, clipBody(p.body))
		}
	}
	if p := e.signIn("supervisor").postImport("台账.csv", file, "import"); p.code != http.StatusForbidden {
		t.Errorf("import by a supervisor: %d", p.code)
	}
}

// TestImportAPI: POST /api/v1/imports with the file as the body — a dry run stores
// nothing, the run imports, a file that cannot be read is 422, a supervisor is 403.
func TestImportAPI(t *testing.T) {
	e := newEnv(t)
	file := "source_key,received_at,closed_at,channel,unit,matter\nA-1,2007-09-10,2007-09-20,letter,win-b1,接口导入\nA-2,2007-09-11,2007-09-12,letter,nowhere,x\n"
	r := e.do("POST", "/api/v1/imports?dry_run=true", "admin", file)
	if r.code != http.StatusOK || r.field("dry_run") != true || r.field("imported") != 1.0 || r.field("refused") != 1.0 {
		t.Fatalf("dry run: %d %s", r.code, r.raw)
	}
	if r := e.do("GET", "/api/v1/complaints/TS20070910-0001", "supervisor", nil); r.code != http.StatusNotFound {
		t.Errorf("the dry run stored the complaint: %d", r.code)
	}
	r = e.do("POST", "/api/v1/imports", "admin", file)
	if r.code != http.StatusOK || r.field("imported") != 1.0 {
		t.Fatalf("import: %d %s", r.code, r.raw)
	}
	probs, _ := r.field("problems").([]any)
	if len(probs) != 1 || probs[0].(map[string]any)["row"] != 3.0 || probs[0].(map[string]any)["column"] != "被投诉单位" {
		t.Errorf("problems = %v", probs)
	}
	if r := e.do("GET", "/api/v1/complaints/TS20070910-0001", "supervisor", nil); r.code != http.StatusOK || r.str("external_ref") != "A-1" {
		t.Errorf("imported complaint: %d %s", r.code, r.raw)
	}
	for _, bad := range []string{"", "编号\n1\n", "PK\x03\x04 broken"} {
		if r := e.do("POST", "/api/v1/imports", "admin", bad); r.code != http.StatusUnprocessableEntity && r.code != http.StatusBadRequest {
			t.Errorf("body %q: %d %s, want 422", bad, r.code, r.raw)
		}
	}
	if r := e.do("POST", "/api/v1/imports?dry_run=maybe", "admin", file); r.code != http.StatusUnprocessableEntity {
		t.Errorf("dry_run=maybe: %d", r.code)
	}
	if r := e.do("POST", "/api/v1/imports", "supervisor", file); r.code != http.StatusForbidden {
		t.Errorf("import by a supervisor: %d", r.code)
	}
}
