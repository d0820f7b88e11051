package web_test

import (
	"bytes"
	"html"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tousu"
)

// upload is a file for a multipart form.
type upload struct {
	name string
	data []byte
}

// portalPage is a portal answer.
type portalPage struct {
	code   int
	header http.Header
	body   string
}

// complaintForm is a valid portal complaint form, about window win-a1.
func complaintForm() url.Values {
	return url.Values{
		"kind": {"complaint"}, "target.unit": {"win-a1"}, "target.description": {"1号窗口穿蓝色制服的工作人员"},
		"matter":     {"昨天下午在社保1号窗口办理参保登记，工作人员态度生硬，材料不全也未一次性告知，让我跑了三趟。"},
		"request":    {"要求窗口一次性告知所需材料并道歉。"},
		"categories": {"attitude", "notification"}, "incident_at": {"2026-01-29T15:00"}, "incident_place": {"二楼社保窗口"},
		"business_receipt_no": {"SB-2026-001"},
		"complainant.name":    {"张三"}, "complainant.phone": {"13812345678"}, "complainant.email": {"zhang@example.com"},
		"consent": {"1"}, "form_key": {"00000000000000000000000000000001"},
	}
}

// multipartBody encodes a form with files as a browser does: text fields, then the files.
func multipartBody(t *testing.T, form url.Values, files []upload) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(files) == 0 {
		// What a browser sends for a file input left empty.
		if _, err := mw.CreateFormFile("evidence", ""); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile("evidence", f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

// portalDo sends a request to base (a server's URL) and reads the answer.
func portalDo(t *testing.T, req *http.Request) portalPage {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return portalPage{code: resp.StatusCode, header: resp.Header, body: string(b)}
}

// submitTo posts the complaint form with files to base+path; headers are set on the request.
func submitTo(t *testing.T, base, path string, form url.Values, files []upload, headers ...string) portalPage {
	t.Helper()
	body, ct := multipartBody(t, form, files)
	req, err := http.NewRequest("POST", base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return portalDo(t, req)
}

func (e *env) submit(form url.Values, files ...upload) portalPage {
	e.t.Helper()
	return submitTo(e.t, e.srv.URL, "/submit", form, files)
}

func (e *env) portalGet(path string, headers ...string) portalPage {
	e.t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return portalDo(e.t, req)
}

func (e *env) portalPost(path string, form url.Values) portalPage {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return portalDo(e.t, req)
}

var (
	receiptNumber = regexp.MustCompile(`<dd class="mono number">(TS\d{8}-\d{4})</dd>`)
	receiptCode   = regexp.MustCompile(`<dd class="mono code">([A-Z0-9]{10})</dd>`)
	anyNumber     = regexp.MustCompile(`TS\d{8}-\d{4}`)
)

// receipt reads the number and the query code off a receipt page.
func receipt(t *testing.T, p portalPage) (number, code string) {
	t.Helper()
	n, c := receiptNumber.FindStringSubmatch(p.body), receiptCode.FindStringSubmatch(p.body)
	if p.code != http.StatusOK || n == nil || c == nil {
		t.Fatalf("no receipt (%d):\n%s", p.code, clipBody(p.body))
	}
	return n[1], c[1]
}

func portalContains(t *testing.T, what string, p portalPage, wants ...string) {
	t.Helper()
	mustContain(t, what, page{code: p.code, body: p.body}, wants...)
}

// fieldError is the error shown beside the named field, "" when none.
func fieldError(body, field string) string {
	re := regexp.MustCompile(`name="` + regexp.QuoteMeta(field) + `"[^>]*>(?:[^<]*</textarea>)?(?:(?:[^<]|<span[^>]*>|</span>)*</label>)?\s*<p class="field-error" role="alert">([^<]*)</p>`)
	if m := re.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// pngImage is a real, small PNG.
func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := range 4 {
		img.Set(x, 1, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pdfDocument is a minimal PDF: content detection reads its signature.
func pdfDocument() []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
		"trailer << /Root 1 0 R >>\n%%EOF\n")
}

// complaintID finds the stored complaint behind a number.
func (e *env) complaintID(number string) string {
	e.t.Helper()
	c, err := e.store.FindComplaint(e.t.Context(), number)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID
}

func TestPortalSubmitWithEvidence(t *testing.T) {
	e := newEnv(t)
	form := e.portalGet("/submit")
	portalContains(t, "the form", form, `enctype="multipart/form-data"`, `name="matter"`, `name="consent"`,
		`accept="image/*,application/pdf"`, `multiple`, `<optgroup label="人社局">`, `<option value="win-a1">社保1号窗口</option>`,
		`name="complainant.homepage"`, `class="hp"`, `name="form_key"`)

	photo, doc := pngImage(t), pdfDocument()
	p := e.submit(complaintForm(), upload{"窗口照片.png", photo}, upload{"材料清单.pdf", doc})
	number, code := receipt(t, p)
	portalContains(t, "receipt", p, "请立即保存查询码", "只显示这一次", "15个工作日", "2026年2月27日", "已上传2个文件",
		`href="/track?number=`+number+`"`, "data-print")
	if strings.Contains(p.body, "code="+code) || strings.Contains(p.body, "张三") {
		t.Errorf("the receipt puts the code in a link or shows the name")
	}

	atts, err := e.store.ListAttachments(t.Context(), e.complaintID(number))
	if err != nil {
		t.Fatal(err)
	}
	if len(atts) != 2 {
		t.Fatalf("stored %d attachments, want 2", len(atts))
	}
	for i, want := range []struct{ name, ct string }{{"窗口照片.png", "image/png"}, {"材料清单.pdf", "application/pdf"}} {
		if atts[i].Name != want.name || atts[i].ContentType != want.ct || atts[i].UploadedBy != "public" {
			t.Errorf("attachment %d: %q %q by %q, want %q %q by public", i, atts[i].Name, atts[i].ContentType, atts[i].UploadedBy, want.name, want.ct)
		}
	}
	if atts[0].Size != int64(len(photo)) || atts[1].Size != int64(len(doc)) {
		t.Errorf("attachment sizes %d, %d; want %d, %d", atts[0].Size, atts[1].Size, len(photo), len(doc))
	}

	got := e.do("GET", "/api/v1/complaints/"+number, "supervisor", nil)
	for path, want := range map[string]any{"channel": "web", "kind": "complaint", "target.unit": "win-a1",
		"business_receipt_no": "SB-2026-001", "incident_place": "二楼社保窗口", "complainant.anonymous": false,
		"incident_at": "2026-01-29T15:00:00+08:00"} {
		if v := got.field(path); v != want {
			t.Errorf("stored %s = %v, want %v", path, v, want)
		}
	}
	revealed := e.do("POST", "/api/v1/complaints/"+number+"/reveal", "supervisor", map[string]any{"reason": "核实身份"})
	if revealed.str("complainant.name") != "张三" || revealed.str("complainant.phone") != "13812345678" ||
		revealed.str("complainant.email") != "zhang@example.com" {
		t.Errorf("stored identity: %s", revealed.raw)
	}

	// The same form posted again (the receipt reloaded, a double tap) answers with the
	// same complaint and code instead of registering another.
	again := e.submit(complaintForm(), upload{"窗口照片.png", photo}, upload{"材料清单.pdf", doc})
	if n2, c2 := receipt(t, again); n2 != number || c2 != code {
		t.Errorf("resubmission answered %s/%s, want %s/%s", n2, c2, number, code)
	}
	if list := listNumbers(e, "/api/v1/complaints"); len(list) != 1 {
		t.Errorf("registered %v, want one complaint", list)
	}
	// The same form changed afterwards (the back button) is not silently a second one.
	changed := complaintForm()
	changed.Set("matter", "另一件事：大厅的取号机坏了。")
	p = e.submit(changed)
	if p.code != http.StatusConflict || !strings.Contains(p.body, "已经提交过") || anyNumber.MatchString(p.body) {
		t.Errorf("changed resubmission: %d %s", p.code, clipBody(p.body))
	}
	if !strings.Contains(p.body, "另一件事：大厅的取号机坏了。") {
		t.Errorf("changed resubmission lost what was typed")
	}
}

func TestPortalEvidenceRefused(t *testing.T) {
	e := newEnv(t)
	script := []byte("<html><body><script>alert(document.cookie)</script></body></html>")
	p := e.submit(complaintForm(), upload{"photo.jpg", script})
	if p.code != http.StatusUnprocessableEntity {
		t.Fatalf("HTML named photo.jpg: %d, want 422", p.code)
	}
	ev := regexp.MustCompile(`(?s)id="evidence".*?<p class="field-error" role="alert">([^<]*)</p>`).FindStringSubmatch(p.body)
	if ev == nil || !strings.Contains(html.UnescapeString(ev[1]), "photo.jpg") || !strings.Contains(ev[1], "不是图片或 PDF") {
		t.Errorf("no error beside the file input: %v\n%s", ev, clipBody(p.body))
	}
	portalContains(t, "refused with evidence", p, "请重新选择", "1号窗口穿蓝色制服的工作人员", "让我跑了三趟", `value="13812345678"`)

	six := make([]upload, 6)
	for i := range six {
		six[i] = upload{name: "p" + string(rune('1'+i)) + ".png", data: pngImage(t)}
	}
	p = e.submit(complaintForm(), six...)
	if p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "最多上传5个文件") {
		t.Errorf("six files: %d %s", p.code, clipBody(p.body))
	}
	if list := listNumbers(e, "/api/v1/complaints"); len(list) != 0 {
		t.Errorf("refused submissions registered %v", list)
	}
	// Five files are fine.
	number, _ := receipt(t, e.submit(complaintForm(), six[:5]...))
	if atts, err := e.store.ListAttachments(t.Context(), e.complaintID(number)); err != nil || len(atts) != 5 {
		t.Errorf("five files: stored %d (%v)", len(atts), err)
	}
}

func TestPortalAnonymous(t *testing.T) {
	e := newEnv(t)
	form := complaintForm()
	form.Set("complainant.anonymous", "1") // the name typed before the box was ticked stays out
	form.Set("form_key", "00000000000000000000000000000002")
	p := e.submit(form)
	number, _ := receipt(t, p)
	portalContains(t, "anonymous receipt", p, "您选择了匿名投诉")
	got := e.do("GET", "/api/v1/complaints/"+number, "supervisor", nil)
	if got.field("complainant.anonymous") != true || got.str("complainant.name") != "" || got.str("complainant.phone") != "" {
		t.Errorf("anonymous complaint stored with %v", got.field("complainant"))
	}
	revealed := e.do("POST", "/api/v1/complaints/"+number+"/reveal", "supervisor", map[string]any{"reason": "核实"})
	if strings.Contains(revealed.raw, "张三") || strings.Contains(revealed.raw, "138") {
		t.Errorf("an anonymous complaint keeps an identity: %s", revealed.raw)
	}
}

func TestPortalFieldErrorsKeepValues(t *testing.T) {
	e := newEnv(t)
	bad := complaintForm()
	bad.Set("matter", "")
	bad.Del("consent")
	bad.Set("complainant.phone", "12")
	bad.Set("complainant.email", "not-an-address")
	bad.Set("incident_at", "昨天下午")
	p := e.submit(bad, upload{"a.png", pngImage(t)})
	if p.code != http.StatusUnprocessableEntity {
		t.Fatalf("refused form: %d, want 422", p.code)
	}
	for field, want := range map[string]string{
		"matter":            "请填写投诉事项",
		"consent":           "请阅读并同意保密须知",
		"complainant.phone": "电话号码格式不正确",
		"complainant.email": "电子邮箱格式不正确",
		"incident_at":       "时间格式不正确",
	} {
		if got := fieldError(p.body, field); !strings.Contains(got, want) {
			t.Errorf("field %s: error beside it %q, want %q", field, got, want)
		}
	}
	portalContains(t, "values kept", p, `value="12"`, `value="not-an-address"`, `value="昨天下午"`, `value="张三"`,
		"1号窗口穿蓝色制服的工作人员", "要求窗口一次性告知所需材料并道歉。", `<option value="win-a1" selected>`,
		`value="attitude" checked`, `value="notification" checked`, `value="SB-2026-001"`, `value="二楼社保窗口"`,
		`value="complaint" checked`, "请重新选择")
	if list := listNumbers(e, "/api/v1/complaints"); len(list) != 0 {
		t.Errorf("a refused form registered %v", list)
	}
	// A name without any contact is the domain's refusal, beside the phone.
	noContact := complaintForm()
	noContact.Del("complainant.phone")
	noContact.Del("complainant.email")
	p = e.submit(noContact)
	if got := fieldError(p.body, "complainant.phone"); !strings.Contains(got, "联系方式") {
		t.Errorf("no contact: %q beside the phone", got)
	}
}

func TestPortalHoneypot(t *testing.T) {
	e := newEnv(t)
	form := complaintForm()
	form.Set("complainant.homepage", "http://spam.example/")
	p := e.submit(form, upload{"a.png", pngImage(t)})
	if p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "提交失败，请稍后再试") {
		t.Errorf("honeypot: %d %s", p.code, clipBody(p.body))
	}
	if anyNumber.MatchString(p.body) || strings.Contains(p.body, "查询码") && receiptCode.MatchString(p.body) {
		t.Errorf("the honeypot's answer shows a number or a code")
	}
	if strings.Contains(p.body, "spam.example") {
		t.Errorf("the honeypot's value is shown back")
	}
	portalContains(t, "honeypot keeps the text", p, "让我跑了三趟")
	if list := listNumbers(e, "/api/v1/complaints"); len(list) != 0 {
		t.Errorf("the honeypot registered %v", list)
	}
}

func TestPortalChannelsAndLimits(t *testing.T) {
	e := newEnv(t)
	wechat := complaintForm()
	wechat.Set("form_key", "00000000000000000000000000000003")
	n, _ := receipt(t, submitTo(t, e.srv.URL, "/submit", wechat, nil,
		"User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"))
	kiosk := complaintForm()
	kiosk.Set("form_key", "00000000000000000000000000000004")
	p := submitTo(t, e.srv.URL, "/submit?kiosk=1", kiosk, nil)
	k, _ := receipt(t, p)
	portalContains(t, "kiosk receipt", p, `class="portal kiosk"`, `href="/track?kiosk=1&amp;number=`+k+`"`)
	for number, want := range map[string]string{n: "wechat", k: "kiosk"} {
		if got := e.do("GET", "/api/v1/complaints/"+number, "supervisor", nil).str("channel"); got != want {
			t.Errorf("%s: channel %q, want %q", number, got, want)
		}
	}
	// The kiosk's form keeps kiosk mode and offers no file upload.
	form := e.portalGet("/submit?kiosk=1")
	portalContains(t, "kiosk form", form, `action="/submit?kiosk=1"`, "触摸屏上不能上传", `autocomplete="off"`)
	if strings.Contains(form.body, `type="file"`) {
		t.Errorf("the kiosk's form offers a file upload")
	}

	// A body past the overall limit is 413, with what was typed before the files kept.
	big := make([]byte, 11<<20)
	copy(big, pngImage(t))
	files := []upload{{"1.png", big}, {"2.png", big}, {"3.png", big}, {"4.png", big}, {"5.png", big}}
	p = e.submit(complaintForm(), files...)
	if p.code != http.StatusRequestEntityTooLarge || !strings.Contains(p.body, "合计不超过") {
		t.Errorf("55 MB: %d %s", p.code, clipBody(p.body))
	}
	// One file past 10 MB is the use case's refusal, beside the files.
	p = e.submit(complaintForm(), upload{"big.png", big})
	if p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "超过10 MB") {
		t.Errorf("11 MB file: %d %s", p.code, clipBody(p.body))
	}
	if list := listNumbers(e, "/api/v1/complaints"); len(list) != 2 {
		t.Errorf("registered %v, want the two from WeChat and the kiosk", list)
	}
	// Not multipart and not a form at all.
	req, _ := http.NewRequest("POST", e.srv.URL+"/submit", strings.NewReader(`{"matter":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	if p := portalDo(t, req); p.code != http.StatusBadRequest {
		t.Errorf("JSON to /submit: %d, want 400", p.code)
	}
}

func TestPortalPages(t *testing.T) {
	e := newEnv(t)
	admin := tousu.Actor{Login: "setup", Roles: []tousu.Role{tousu.RoleAdmin}}
	if err := e.app.PutUnit(t.Context(), admin, tousu.Unit{Code: "win-a1", Name: "社保1号窗口", Parent: "dept-a",
		Kind: tousu.UnitWindow, Services: "参保登记：即办件，当场办结", Hours: "工作日 9:00–17:00", Phone: "0571-11111111"}); err != nil {
		t.Fatal(err)
	}
	home := e.portalGet("/")
	portalContains(t, "start page", home, "服务态度", "态度恶劣、语言生硬、冷漠推脱", "未一次性告知", "15个工作日",
		"登记", "受理审查", "调查处理", "答复", "评价", `href="/submit"`, `href="/track"`, "窗口服务标准",
		"<details class=\"dept\">", "人社局", "参保登记：即办件，当场办结", "0571-11111111")
	if strings.Contains(home.body, "医保局</span>") {
		t.Errorf("a department that publishes nothing is listed")
	}
	kiosk := e.portalGet("/?kiosk=1")
	portalContains(t, "kiosk start", kiosk, `class="portal kiosk"`, `data-kiosk-idle=`, `href="/submit?kiosk=1"`, `href="/track?kiosk=1"`)
	for _, p := range []string{"/", "/submit", "/track"} {
		got := e.portalGet(p)
		if got.code != http.StatusOK || got.header.Get("Content-Security-Policy") == "" || !strings.Contains(got.body, `lang="zh-CN"`) {
			t.Errorf("%s: %d, CSP %q", p, got.code, got.header.Get("Content-Security-Policy"))
		}
		if strings.Contains(got.body, "http://") || strings.Contains(got.body, "https://") {
			t.Errorf("%s refers to another site (the portal must work on an isolated network)", p)
		}
	}
	if p := e.portalGet("/no-such-page"); p.code != http.StatusNotFound || !strings.Contains(p.body, "没有这个页面") {
		t.Errorf("unknown page: %d", p.code)
	}
}
