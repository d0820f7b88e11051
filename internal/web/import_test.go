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
