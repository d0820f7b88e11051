package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// registration is a valid desk registration form.
func registration() url.Values {
	return url.Values{
		"idem": {"test-form-1"}, "kind": {"complaint"}, "channel": {"phone"}, "received_at": {"2026-01-30T09:30"},
		"complainant.name": {"张三"}, "complainant.phone": {"13812345678"},
		"target.unit": {"win-a1"}, "target.staff": {"A001"}, "target.description": {"穿蓝色制服"},
		"matter":     {"窗口工作人员态度生硬，未一次性告知所需材料。"},
		"request":    {"要求道歉。"},
		"categories": {"attitude", "notification"}, "incident_at": {"2026-01-29T15:00"},
		"incident_place": {"二楼社保窗口"}, "business_receipt_no": {"SB-2026-001"}, "written": {"1"},
	}
}

func TestDeskRegisterRefusedKeepsValues(t *testing.T) {
	e := newEnv(t)
	clerk := e.signIn("clerk")
	form := clerk.get("/desk/complaints/new")
	mustContain(t, "registration form", form, `name="complainant.name"`, `name="target.unit"`, `name="categories"`,
		`name="received_at"`, `name="written"`, `<option value="visit" selected>`, "社保1号窗口", "王窗口（A001）")

	bad := registration()
	bad.Set("complainant.name", "")
	bad.Set("complainant.phone", "12")
	bad.Set("matter", "")
	bad.Set("received_at", "昨天")
	bad.Set("complainant.email", "not-an-address")
	p := clerk.post("/desk/complaints/new", bad)
	if p.code != http.StatusUnprocessableEntity {
		t.Fatalf("refused registration: %d, want 422", p.code)
	}
	// Each error is beside its field, in Chinese; everything typed is still there.
	for field, msg := range map[string]string{
		"complainant.name":  "请填写投诉人姓名",
		"complainant.phone": "电话号码格式不正确",
		"complainant.email": "电子邮箱格式不正确",
		"matter":            "请填写投诉事项",
		"received_at":       "时间格式不正确",
	} {
		re := regexp.MustCompile(`name="` + regexp.QuoteMeta(field) + `"[^>]*>(?:[^<]*</textarea>)?\s*<p class="field-error" role="alert">([^<]*)</p>`)
		m := re.FindStringSubmatch(p.body)
		if m == nil || !strings.Contains(html.UnescapeString(m[1]), msg) {
			t.Errorf("field %s: error beside it %q, want %q", field, m, msg)
		}
	}
	mustContain(t, "values kept", p, `value="not-an-address"`, `value="12"`, `value="昨天"`, "穿蓝色制服",
		`<option value="win-a1" selected>`, `<option value="A001" selected>`, `value="attitude" checked`,
		`value="notification" checked`, `name="written" value="1" checked`, `<option value="phone" selected>`)
	if list := listNumbers(e, "/api/v1/complaints", "supervisor"); len(list) != 0 {
		t.Errorf("a refused registration registered %v", list)
	}
	// An unknown unit and staff member are the app's errors, beside their fields too.
	bad = registration()
	bad.Set("target.unit", "nowhere")
	p = clerk.post("/desk/complaints/new", bad)
	mustContain(t, "unknown unit", p, "没有这个单位")
}

func TestDeskRegisterReceipt(t *testing.T) {
	e := newEnv(t)
	clerk := e.signIn("clerk")
	p := clerk.post("/desk/complaints/new", registration())
	if p.code != http.StatusOK {
		t.Fatalf("registration: %d: %s", p.code, clipBody(p.body))
	}
	number := regexp.MustCompile(`TS20260130-\d{4}`).FindString(p.body)
	code := regexp.MustCompile(`<strong class="code">([A-Z0-9]{10})</strong>`).FindStringSubmatch(p.body)
	if number == "" || code == nil {
		t.Fatalf("the receipt shows no number or query code:\n%s", clipBody(p.body))
	}
	mustContain(t, "receipt", p, "受理回执", "15个工作日", "2026年2月27日", "/track?number="+number, "请妥善保管查询码",
		"张*", "data-print", "/desk/complaints/"+number+"/form")
	if strings.Contains(p.body, "张三") || strings.Contains(p.body, "13812345678") {
		t.Errorf("the receipt shows the identity unmasked")
	}
	// The code is the complaint's: the public can track with it.
	if r := e.do("GET", "/api/v1/public/complaints/"+number+"?code="+code[1], "", nil); r.code != http.StatusOK {
		t.Errorf("tracking with the receipt's code: %d", r.code)
	}
	// Posting the same form again (a reload) answers with the same complaint.
	again := clerk.post("/desk/complaints/new", registration())
	if !strings.Contains(again.body, number) || !strings.Contains(again.body, code[1]) {
		t.Errorf("a second post of the same form did not answer with %s and its code", number)
	}
	if list := listNumbers(e, "/api/v1/complaints", "supervisor"); len(list) != 1 {
		t.Errorf("registered %d complaints, want 1", len(list))
	}
	// The same form changed after it was registered is not silently a second complaint.
	changed := registration()
	changed.Set("matter", "另一件事")
	p = clerk.post("/desk/complaints/new", changed)
	if p.code != http.StatusConflict || !strings.Contains(p.body, "已经提交过") {
		t.Errorf("a changed resubmission: %d", p.code)
	}

	// The printable registration form has every registered fact, the identity masked.
	sheet := clerk.get("/desk/complaints/" + number + "/form")
	mustContain(t, "registration sheet", sheet, "投诉登记表", number, "张*", "138****5678", "社保1号窗口", "王窗口",
		"穿蓝色制服", "窗口工作人员态度生硬", "要求道歉", "服务态度", "未一次性告知", "二楼社保窗口", "SB-2026-001",
		"2026-01-29 15:00", "2026-01-30 09:30", "电话", "登记人（签名）", "投诉人（签名）", "受理员")
	if strings.Contains(sheet.body, "13812345678") {
		t.Errorf("the registration sheet shows the phone number unmasked")
	}
}

func TestDeskRegisterRoles(t *testing.T) {
	e := newEnv(t)
	for _, who := range []string{"handler-a", "leader", "inspector"} {
		d := e.signIn(who)
		if p := d.get("/desk/complaints/new"); p.code != http.StatusForbidden {
			t.Errorf("%s: registration form %d, want 403", who, p.code)
		}
		if p := d.post("/desk/complaints/new", registration()); p.code != http.StatusForbidden {
			t.Errorf("%s: registration %d, want 403", who, p.code)
		}
	}
	if p := e.signIn("supervisor").post("/desk/complaints/new", registration()); p.code != http.StatusOK {
		t.Errorf("supervisor: registration %d, want 200", p.code)
	}
	// Signed out, the form sends the browser to sign in.
	resp, err := e.browser().Get(e.srv.URL + "/desk/complaints/new")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Errorf("signed out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}
