package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"tousu"
	"tousu/internal/app"
)

// Evidence files of the tests: the smallest bytes each type is detected from.
var (
	pngFile = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
	pdfFile = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
)

// idNumber completes 17 digits with the check character into a valid ID number.
func idNumber(first17 string) string {
	for _, c := range "0123456789X" {
		if s := first17 + string(c); tousu.ValidIDNumber(s) {
			return s
		}
	}
	panic("no check character for " + first17)
}

// relatedNumbers is the numbers of a related answer with what each shares.
func relatedNumbers(t *testing.T, r result) map[string]string {
	t.Helper()
	out := map[string]string{}
	items, _ := r.field("items").([]any)
	for _, it := range items {
		m := it.(map[string]any)
		var matches []string
		for _, x := range m["matches"].([]any) {
			matches = append(matches, x.(string))
		}
		slices.Sort(matches)
		out[m["number"].(string)] = strings.Join(matches, "+")
		if c, _ := m["complainant"].(map[string]any); c["phone"] == "13812345678" {
			t.Errorf("related item %s shows the phone unmasked", m["number"])
		}
	}
	return out
}

func TestRelatedComplaints(t *testing.T) {
	e := newEnv(t)
	id := idNumber("11010119900307123")
	withPerson := func(name, phone, idn string, target map[string]any) func(map[string]any) {
		return func(m map[string]any) {
			m["complainant"] = map[string]any{"name": name, "phone": phone, "id_number": idn}
			if target != nil {
				m["target"] = target
			}
		}
	}
	first := e.register(withPerson("张三", "13812345678", "", nil))
	samePhone := e.register(withPerson("张叁", "+86 138-1234-5678", id, nil)) // the same number, typed otherwise
	sameID := e.register(withPerson("张三", "13900001111", strings.ToLower(id), map[string]any{"unit": "win-b1"}))
	other := e.register(withPerson("李四", "13700002222", "", nil))
	aboutTarget := e.register(withPerson("张三", "13812345678", "", map[string]any{"staff": "A001"}))
	anonymous := e.register(func(m map[string]any) { m["complainant"] = map[string]any{"anonymous": true} })

	for _, tt := range []struct {
		who, number string
		want        map[string]string
	}{
		{"supervisor", first, map[string]string{samePhone: "phone", aboutTarget: "phone"}},
		{"inspector", samePhone, map[string]string{first: "phone", aboutTarget: "phone", sameID: "id_number"}},
		{"supervisor", sameID, map[string]string{samePhone: "id_number"}},
		{"supervisor", other, map[string]string{}},
		{"supervisor", anonymous, map[string]string{}},
		// The staff member complained about never learns of the complaint about him.
		{"target", first, map[string]string{samePhone: "phone"}},
		// A supervisor of dept-b sees only what concerns dept-b.
		{"dept-b-super", sameID, map[string]string{}},
	} {
		r := e.do("GET", "/api/v1/complaints/"+tt.number+"/related", tt.who, nil)
		if r.code != http.StatusOK {
			t.Errorf("related of %s as %s: %d %s", tt.number, tt.who, r.code, r.raw)
			continue
		}
		if got := relatedNumbers(t, r); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("related of %s as %s = %v, want %v", tt.number, tt.who, got, tt.want)
		}
	}
	for _, tt := range []struct {
		who  string
		want int
	}{
		{"handler-a", 403}, {"leader", 403}, {"clerk", 403}, {"admin", 403}, {"", 401},
	} {
		if r := e.do("GET", "/api/v1/complaints/"+first+"/related", tt.who, nil); r.code != tt.want {
			t.Errorf("related as %q: %d, want %d", tt.who, r.code, tt.want)
		}
	}
	if r := e.do("GET", "/api/v1/complaints/"+samePhone+"/related", "dept-b-super", nil); r.code != 404 {
		t.Errorf("related of a case outside the scope: %d, want 404", r.code)
	}
	if r := e.do("GET", "/api/v1/complaints/"+aboutTarget+"/related", "target", nil); r.code != 404 {
		t.Errorf("related of the case about the viewer: %d, want 404", r.code)
	}

	// Every look-up is audited.
	recs, err := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Action: "related", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 7 {
		t.Errorf("%d related audit records, want one per look-up (7)", len(recs))
	}

	// The desk offers the look-up to supervisors and does it when asked.
	sup := e.signIn("supervisor")
	p := sup.get("/desk/complaints/" + first)
	mustContain(t, "case page", p, "同一投诉人的其他投诉", `?related=1#related`)
	// (The section on possible repeats may name it for its words, not its complainant.)
	related := p.body[strings.Index(p.body, `id="related"`):]
	related = related[:strings.Index(related, "</section>")]
	if strings.Contains(related, `href="/desk/complaints/`+samePhone+`"`) {
		t.Errorf("the case page looks up related complaints before it is asked")
	}
	p = sup.get("/desk/complaints/" + first + "?related=1")
	mustContain(t, "related on the desk", p, `href="/desk/complaints/`+samePhone+`"`, `href="/desk/complaints/`+aboutTarget+`"`, "电话")
	if h := e.signIn("leader").get("/desk/complaints/" + first + "?related=1"); h.code != 200 || strings.Contains(h.body, "同一投诉人") {
		t.Errorf("leader's case page: %d, offers the related look-up: %t", h.code, strings.Contains(h.body, "同一投诉人"))
	}
}

// upload posts evidence files to the desk's case page as a browser does.
func (d *deskClient) upload(number string, files map[string][]byte) page {
	d.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fw, err := mw.CreateFormFile("evidence", n)
		if err != nil {
			d.t.Fatal(err)
		}
		fw.Write(files[n])
	}
	mw.Close()
	req, _ := http.NewRequest("POST", d.e.srv.URL+"/desk/complaints/"+number+"/attachments", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return d.do(req)
}

// download gets an evidence file with its headers.
func download(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestEvidenceFiles(t *testing.T) {
	e := newEnv(t)
	number := e.drive(tousu.StatusAssigned) // to dept-a, handler-a
	sup := e.signIn("supervisor")

	p := sup.upload(number, map[string][]byte{"窗口照片.png": pngFile, "告知单.pdf": pdfFile})
	if p.code != http.StatusSeeOther || !strings.Contains(p.location, "/desk/complaints/"+number) {
		t.Fatalf("upload: %d to %q: %s", p.code, p.location, clipBody(p.body))
	}
	p = sup.follow(p)
	mustContain(t, "case page after upload", p, "已添加证据材料2份", "窗口照片.png", "告知单.pdf", "PNG 图片", "PDF 文件",
		`enctype="multipart/form-data"`)

	// The API lists them, and serves each as a download.
	r := e.do("GET", "/api/v1/complaints/"+number+"/attachments", "handler-a", nil)
	items, _ := r.field("items").([]any)
	if r.code != 200 || len(items) != 2 {
		t.Fatalf("list attachments: %d %s", r.code, r.raw)
	}
	byName := map[string]map[string]any{}
	for _, it := range items {
		m := it.(map[string]any)
		byName[m["name"].(string)] = m
	}
	png := byName["窗口照片.png"]
	if png == nil || png["content_type"] != "image/png" || png["size"] != float64(len(pngFile)) || png["uploaded_by"] != "supervisor" {
		t.Fatalf("listed attachment: %v", png)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+png["url"].(string), nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["handler-a"])
	resp, body := download(t, req)
	wantHeaders := map[string]string{
		"Content-Type":            "image/png",
		"Content-Disposition":     `attachment; filename="____.png"; filename*=UTF-8''%E7%AA%97%E5%8F%A3%E7%85%A7%E7%89%87.png`,
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "sandbox; default-src 'none'",
	}
	if resp.StatusCode != 200 || !bytes.Equal(body, pngFile) {
		t.Errorf("API download: %d, %d bytes, want the file", resp.StatusCode, len(body))
	}
	for k, v := range wantHeaders {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("API download: %s = %q, want %q", k, got, v)
		}
	}
	// The desk serves the same file the same way, from the link on the case page.
	link := "/desk/complaints/" + number + "/attachments/" + fmt.Sprint(png["id"])
	mustContain(t, "case page", p, `href="`+link+`"`)
	req, _ = http.NewRequest("GET", e.srv.URL+link, nil)
	req.AddCookie(sup.cookie)
	resp, body = download(t, req)
	if resp.StatusCode != 200 || !bytes.Equal(body, pngFile) || resp.Header.Get("Content-Disposition") != wantHeaders["Content-Disposition"] ||
		resp.Header.Get("Content-Security-Policy") != wantHeaders["Content-Security-Policy"] {
		t.Errorf("desk download: %d %v", resp.StatusCode, resp.Header)
	}
	// Downloads are audited.
	recs, _ := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Action: "attachment.download", Object: number})
	if len(recs) != 2 || recs[0].Actor != "supervisor" || recs[1].Actor != "handler-a" {
		t.Errorf("download audit records: %+v, want handler-a's then supervisor's", recs)
	}

	// Refused uploads say why, beside the form, and store nothing.
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{"not evidence", map[string][]byte{"run.html": []byte("<html><script>alert(1)</script>")}, "不是图片或 PDF"},
		{"too many", map[string][]byte{"1.png": pngFile, "2.png": pngFile, "3.png": pngFile, "4.png": pngFile, "5.png": pngFile, "6.png": pngFile}, "最多上传5个文件"},
		{"none", nil, "请选择要上传的文件"},
	} {
		p := sup.upload(number, tc.files)
		if p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, tc.want) {
			t.Errorf("upload %s: %d, want 422 saying %q: %s", tc.name, p.code, tc.want, clipBody(p.body))
		}
	}
	if r := e.do("GET", "/api/v1/complaints/"+number+"/attachments", "supervisor", nil); len(r.field("items").([]any)) != 2 {
		t.Errorf("refused uploads stored files: %s", r.raw)
	}
	// A leader reads the case but does not work it: no upload form, and no upload.
	leader := e.signIn("leader")
	if p := leader.get("/desk/complaints/" + number); p.code != 200 || strings.Contains(p.body, "multipart/form-data") {
		t.Errorf("leader's case page: %d, offers the upload form: %t", p.code, strings.Contains(p.body, "multipart/form-data"))
	}
	if p := leader.upload(number, map[string][]byte{"x.png": pngFile}); p.code != http.StatusForbidden {
		t.Errorf("leader uploads: %d, want 403", p.code)
	}
	// Closed cases take no more evidence.
	closed := e.drive(tousu.StatusClosed)
	if p := sup.upload(closed, map[string][]byte{"x.png": pngFile}); p.code != http.StatusConflict {
		t.Errorf("upload to a closed case: %d, want 409", p.code)
	}
	if p := sup.get("/desk/complaints/" + closed); strings.Contains(p.body, "multipart/form-data") {
		t.Errorf("a closed case offers the upload form")
	}
	if r := e.do("GET", "/api/v1/complaints/"+number+"/attachments/999999", "supervisor", nil); r.code != 404 {
		t.Errorf("download of an unknown file: %d, want 404", r.code)
	}
	if r := e.do("GET", "/api/v1/complaints/"+number+"/attachments/abc", "supervisor", nil); r.code != 404 {
		t.Errorf("download of a malformed id: %d, want 404", r.code)
	}
	// A file of another complaint is not served under this one.
	otherCase := e.register(nil)
	if _, err := e.app.Attach(context.Background(), tousu.Actor{Login: "supervisor", Roles: []tousu.Role{tousu.RoleSupervisor}},
		otherCase, []app.Upload{{Name: "x.pdf", Data: pdfFile}}); err != nil {
		t.Fatal(err)
	}
	ar := e.do("GET", "/api/v1/complaints/"+otherCase+"/attachments", "supervisor", nil)
	otherID := ar.field("items").([]any)[0].(map[string]any)["id"]
	if r := e.do("GET", fmt.Sprintf("/api/v1/complaints/%s/attachments/%v", number, otherID), "supervisor", nil); r.code != 404 {
		t.Errorf("another complaint's file under this number: %d, want 404", r.code)
	}
}

func TestAuditView(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	aboutA001 := e.register(func(m map[string]any) { m["target"] = map[string]any{"staff": "A001"} })
	plain := e.register(nil)
	for _, n := range []string{aboutA001, plain} {
		if r := e.do("POST", "/api/v1/complaints/"+n+"/reveal", "supervisor", map[string]any{"reason": "回访核实"}); r.code != 200 {
			t.Fatalf("reveal: %d", r.code)
		}
	}
	// An inspector who is also the staff member complained about.
	if _, err := e.app.CreateUser(ctx, tousu.SystemActor, app.NewUser{Login: "insp-a001", Name: "王窗口",
		Roles: []tousu.Role{tousu.RoleInspector}, Staff: "A001", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}

	admin := e.signIn("admin")
	p := admin.get("/desk/admin/audit?action=reveal")
	mustContain(t, "audit view, reveals", p, "查看投诉人身份", aboutA001, plain, "回访核实", `class="tabs"`)
	if strings.Contains(p.body, ">登录<") {
		t.Errorf("the reveal filter shows sign-ins")
	}
	// Admins read no case content: objects are not links to cases for them.
	if strings.Contains(p.body, `href="/desk/complaints/`) {
		t.Errorf("the audit view links an admin to a case page")
	}
	mustContain(t, "admin home", admin.get("/desk/admin/"), `href="/desk/admin/audit"`)

	insp := e.signIn("inspector")
	p = insp.get("/desk/admin/audit?object=" + plain)
	mustContain(t, "inspector's audit view", p, `href="/desk/complaints/`+plain+`"`, "登记", "查看投诉人身份")
	if strings.Contains(p.body, `class="tabs"`) || !strings.Contains(p.body, `href="/desk/admin/audit">审计日志`) {
		t.Errorf("inspector's audit page: admin tabs shown or the navigation lacks the audit log")
	}
	// Recusal: the inspector complained about does not see the records of that complaint.
	recused := e.signIn("insp-a001")
	p = recused.get("/desk/admin/audit?action=reveal")
	if p.code != 200 || strings.Contains(p.body, aboutA001) || !strings.Contains(p.body, plain) {
		t.Errorf("recused inspector's audit view: %d, shows the complaint about him: %t", p.code, strings.Contains(p.body, aboutA001))
	}

	// Pages of 50, newest first, link on.
	var many []tousu.AuditRecord
	for range 60 {
		many = append(many, tousu.AuditRecord{At: e.clock.Now(), Actor: "someone", Action: "login", Object: "someone"})
	}
	if err := e.store.AppendAudit(ctx, many); err != nil {
		t.Fatal(err)
	}
	p = admin.get("/desk/admin/audit")
	mustContain(t, "first page", p, "更早的记录")
	i := strings.Index(p.body, `/desk/admin/audit?before=`)
	if i < 0 {
		t.Fatal("no link to the next page")
	}
	next := p.body[i : i+strings.IndexByte(p.body[i:], '"')]
	p2 := admin.get(strings.ReplaceAll(next, "&amp;", "&"))
	mustContain(t, "second page", p2, "最新的记录")

	for _, who := range []string{"supervisor", "handler-a", "leader", "clerk"} {
		if p := e.signIn(who).get("/desk/admin/audit"); p.code != http.StatusForbidden {
			t.Errorf("audit view as %s: %d, want 403", who, p.code)
		}
	}
	anon := &deskClient{t: t, e: e, c: e.browser(), cookie: &http.Cookie{Name: "none", Value: "x"}}
	if p := anon.get("/desk/admin/audit"); p.code != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
		t.Errorf("audit view signed out: %d to %q, want the sign-in page", p.code, p.location)
	}
	if p := admin.get("/desk/admin/audit?before=x"); p.code != http.StatusBadRequest {
		t.Errorf("audit view with a bad page marker: %d, want 400", p.code)
	}
	if p := admin.get("/desk/admin/audit?actor=" + url.QueryEscape(strings.Repeat("长", 101))); p.code != 200 || !strings.Contains(p.body, "过长") {
		t.Errorf("audit view with a long filter: %d", p.code)
	}
}
