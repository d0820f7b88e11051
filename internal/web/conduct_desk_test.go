package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tousu"
)

// postFiles posts form fields and files (field name → file name → bytes) as a
// browser does.
func (d *deskClient) postFiles(path string, form url.Values, field string, files map[string][]byte) page {
	d.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if len(files) == 0 {
		mw.CreateFormFile(field, "")
	}
	for name, data := range files {
		w, _ := mw.CreateFormFile(field, name)
		w.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", d.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return d.do(req)
}

// tinyPNG is enough of a PNG for content sniffing.
var tinyPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

var inspectionURL = regexp.MustCompile(`^/desk/inspections/(\d+)$`)

// TestInspectionDesk: the whole round on the desk without JavaScript — the supervisor
// plans an unannounced inspection, records a failed item with a photo and completes it;
// the 整改通知书 prints; the unit's handler submits with evidence; the inspector returns
// it without a reason (refused beside the form), then accepts; the staff record shows
// the finding; the ranking shows the window.
func TestInspectionDesk(t *testing.T) {
	e := newEnv(t)
	sup := e.signIn("supervisor")
	p := sup.get("/desk/inspections")
	mustContain(t, "inspections", p, "计划督查", "政务服务大厅窗口督查清单", "明察暗访")
	p = sup.post("/desk/inspections", url.Values{"unit": {"win-a1"}, "kind": {"unannounced"}, "date": {"2026-01-30"}, "checklist": {"nope"}})
	mustContain(t, "bad plan", p, "没有这个督查清单")
	p = sup.post("/desk/inspections", url.Values{"unit": {"win-a1"}, "kind": {"unannounced"}, "date": {"2026-01-30"}, "checklist": {"hall"}})
	m := inspectionURL.FindStringSubmatch(p.location)
	if m == nil {
		t.Fatalf("plan: %d %s", p.code, p.location)
	}
	id := m[1]
	form := url.Values{}
	for _, it := range tousu.DefaultChecklists()[0].Items {
		form.Set("result_"+it.Code, "pass")
	}
	form.Set("result_one_notice", "fail")
	p = sup.postFiles("/desk/inspections/"+id+"/results", form, "photo", nil)
	mustContain(t, "a failed item without a note", p, "不合格项请写明发现的问题")
	form.Set("note_one_notice", "群众材料不全，窗口未一次性告知")
	form.Set("staff_one_notice", "A001")
	form.Set("photo_item", "one_notice")
	p = sup.follow(sup.postFiles("/desk/inspections/"+id+"/results", form, "photo", map[string][]byte{"现场.png": tinyPNG}))
	mustContain(t, "recorded", p, "已保存9项检查结果、1张照片", "照片：现场.png")
	p = sup.follow(sup.post("/desk/inspections/"+id+"/complete", nil))
	mustContain(t, "completed", p, "督查已完成，得分85，生成整改任务1项", "打印整改通知书", "一次性告知")
	pdf := sup.get("/desk/inspections/" + id + "/notice")
	if pdf.code != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF") || pdf.header.Get("Content-Type") != "application/pdf" {
		t.Errorf("整改通知书: %d %s", pdf.code, pdf.header.Get("Content-Type"))
	}

	h := e.signIn("handler-a")
	p = h.get("/desk/rectifications")
	rect := regexp.MustCompile(`href="/desk/rectifications/(\d+)"`).FindStringSubmatch(p.body)
	if rect == nil {
		t.Fatalf("the unit's tasks: %s", clipBody(p.body))
	}
	p = h.get("/desk/rectifications/" + rect[1])
	mustContain(t, "task", p, "提交整改情况", "群众材料不全")
	p = h.follow(h.postFiles("/desk/rectifications/"+rect[1]+"/submit", url.Values{"text": {"已制作一次性告知清单并组织学习"}},
		"evidence", map[string][]byte{"清单.png": tinyPNG}))
	mustContain(t, "submitted", p, "已提交整改情况，等待验收", "清单.png", "待验收")
	if b := e.signIn("handler-b").get("/desk/rectifications/" + rect[1]); b.code != http.StatusNotFound {
		t.Errorf("another unit opens the task: %d", b.code)
	}

	in := e.signIn("inspector")
	p = in.post("/desk/rectifications/"+rect[1]+"/verify", url.Values{"accepted": {"false"}})
	mustContain(t, "return without reason", p, "退回整改请写明理由")
	p = in.follow(in.post("/desk/rectifications/"+rect[1]+"/verify", url.Values{"accepted": {"true"}, "note": {"整改到位"}}))
	mustContain(t, "verified", p, "已验收通过", "已验收")

	p = sup.get("/desk/staff/A001?from=2026-01-01&to=2026-01-31")
	mustContain(t, "staff record", p, "个人档案：王窗口", "一次性告知", "群众材料不全")
	if p := e.signIn("target").get("/desk/staff/A001"); p.code != http.StatusForbidden {
		t.Errorf("A001 opens their own record: %d", p.code)
	}
	p = e.signIn("leader").get("/desk/ranking?month=2026-01")
	mustContain(t, "ranking", p, "月度考核 2026-01", "社保1号窗口", "医保1号窗口")
}

// TestMaliciousDesk: a supervisor proposes on the case page, the inspector confirms
// there; the clerk's page of the same person's next complaint shows the notice, which
// a handler never sees; the forms are not offered to the wrong roles.
func TestMaliciousDesk(t *testing.T) {
	e := newEnv(t)
	n := e.register(nil)
	sup := e.signIn("supervisor")
	p := sup.get("/desk/complaints/" + n)
	mustContain(t, "case page", p, "恶意投诉认定", "提请认定")
	p = sup.post("/desk/complaints/"+n+"/malicious", url.Values{"reason": {""}})
	mustContain(t, "no reason", p, "请写明认定为恶意投诉的理由")
	p = sup.follow(sup.post("/desk/complaints/"+n+"/malicious", url.Values{"reason": {"所述情形经核查不存在，且多次重复投诉"}}))
	mustContain(t, "proposed", p, "已提请认定为恶意投诉", "已提请认定")
	in := e.signIn("inspector")
	p = in.get("/desk/malicious?status=proposed")
	mustContain(t, "the 纪检 summary", p, n, "已提请认定", "所述情形经核查不存在")
	p = in.get("/desk/complaints/" + n)
	mustContain(t, "inspector's page", p, "不予认定")
	p = in.follow(in.post("/desk/complaints/"+n+"/malicious_review", url.Values{"confirmed": {"true"}}))
	mustContain(t, "confirmed", p, "已认定为恶意投诉")
	again := e.register(nil)
	p = e.signIn("clerk").get("/desk/complaints/" + again)
	mustContain(t, "the clerk's notice", p, "此前有经纪检审核认定的恶意投诉（"+n+"）", "不得因此拒绝受理")
	if strings.Contains(p.body, "提请认定") {
		t.Errorf("the clerk is offered the proposal form")
	}
	e.act(again, "accept", "supervisor", map[string]any{"classification": "case", "categories": []string{"attitude"}}, http.StatusOK)
	e.act(again, "assign", "supervisor", map[string]any{"unit": "dept-a", "handler": "handler-a", "mode": "self"}, http.StatusOK)
	if p := e.signIn("handler-a").get("/desk/complaints/" + again); strings.Contains(p.body, "恶意投诉") {
		t.Errorf("the handler sees the malicious notice")
	}
}

// TestConductAdminAndRedList: the admin edits a checklist and the weights on the desk
// (bad lines and numbers refused with the field named); the red list is on the portal
// only once published, and only with windows that have the minimum sample.
func TestConductAdminAndRedList(t *testing.T) {
	e := newEnv(t)
	e.inspect()
	if p := e.signIn("admin").get("/redlist?month=2026-01"); p.code == http.StatusOK {
		t.Errorf("an unpublished red list: %d", p.code)
	}
	if r, _ := http.Get(e.srv.URL + "/redlist?month=2026-01"); r.StatusCode != http.StatusNotFound {
		t.Errorf("an unpublished red list on the portal: %d, want 404", r.StatusCode)
	}
	ad := e.signIn("admin")
	p := ad.get("/desk/admin/conduct?edit=hall")
	mustContain(t, "admin page", p, "督查与考核", "on_post|在岗在位|15|", "医院窗口与科室行风督查清单")
	p = ad.post("/desk/admin/conduct/checklists", url.Values{"code": {"mine"}, "name": {"专项"}, "items": {"fees|收费公示"}})
	mustContain(t, "bad line", p, "第1行应为“编码|名称|分值|评分规则”")
	p = ad.follow(ad.post("/desk/admin/conduct/checklists", url.Values{"code": {"mine"}, "name": {"收费专项"}, "items": {"fees|收费公示|60|未公示不合格\nreceipt|开具票据|40"}}))
	mustContain(t, "saved", p, "已保存督查清单", "收费专项")
	weights := url.Values{"rectification_days": {"3"}, "base": {"100"}, "founded": {"10"}, "failed_item": {"5"}, "accountability": {"3"},
		"sanction": {"5"}, "bad_evaluation": {"2"}, "praise": {"x"}, "publish": {"1"}, "min_sample": {"1"}, "top": {"10"}}
	p = ad.post("/desk/admin/conduct/weights", weights)
	mustContain(t, "bad weight", p, "请填写数字")
	weights.Set("praise", "2")
	p = ad.follow(ad.post("/desk/admin/conduct/weights", weights))
	mustContain(t, "weights saved", p, "已保存考核权重和整改期限")
	if d, err := e.app.RectificationDays(t.Context()); err != nil || d != 3 {
		t.Errorf("rectification days = %d (%v), want 3", d, err)
	}
	r, err := http.Get(e.srv.URL + "/redlist?month=2026-01")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b := new(bytes.Buffer)
	b.ReadFrom(r.Body)
	if r.StatusCode != http.StatusOK || !strings.Contains(b.String(), "社保1号窗口") || strings.Contains(b.String(), "医保1号窗口") {
		t.Errorf("red list: %d, want win-a1 and not win-b1 (no sample):\n%s", r.StatusCode, clipBody(b.String()))
	}
}
