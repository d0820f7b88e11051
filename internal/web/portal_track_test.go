package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tousu"
)

// submitted submits a valid complaint on the portal and returns its number and code.
func (e *env) submitted(key string) (number, code string) {
	e.t.Helper()
	form := complaintForm()
	form.Set("form_key", key)
	return receipt(e.t, e.submit(form))
}

// toReplied takes a complaint through the desk to 已答复.
func (e *env) toReplied(number string) {
	e.t.Helper()
	for _, act := range []tousu.Action{tousu.ActAccept, tousu.ActAssign, tousu.ActSign, tousu.ActDecide, tousu.ActReply} {
		e.act(number, string(act), actorFor(act), validPayload(act, e), http.StatusOK)
	}
}

// mainOf is the <main> of a page, where the pages for two requests may be compared.
func mainOf(body string) string {
	i, j := strings.Index(body, "<main"), strings.Index(body, "</main>")
	if i < 0 || j < i {
		return body
	}
	return body[i:j]
}

func TestPortalTrack(t *testing.T) {
	e := newEnv(t)
	number, code := e.submitted("00000000000000000000000000000011")

	// The receipt's link fills in the number only; the form posts the code.
	form := e.portalGet("/track?number=" + number)
	portalContains(t, "lookup form", form, `value="`+number+`"`, `method="post" action="/track"`, `name="code"`)
	if strings.Contains(form.body, code) {
		t.Errorf("the lookup form shows the code")
	}

	for name, p := range map[string]portalPage{
		"GET with number and code": e.portalGet("/track?number=" + number + "&code=" + code),
		"POST in lower case":       e.portalPost("/track", url.Values{"number": {number}, "code": {strings.ToLower(code)}}),
	} {
		if p.code != http.StatusOK {
			t.Fatalf("%s: %d %s", name, p.code, clipBody(p.body))
		}
		portalContains(t, name, p, number, "已登记", "正在审查是否受理", "2026年2月27日", "办理记录", "登记",
			"您的投诉已登记，承诺办理期限至 2026-02-27", "让我跑了三趟")
		for _, secret := range []string{"张三", "13812345678", "zhang@example.com", "受理员", "public"} {
			if strings.Contains(mainOf(p.body), secret) {
				t.Errorf("%s: the public page shows %q", name, secret)
			}
		}
		if strings.Contains(p.body, "评价处理结果") {
			t.Errorf("%s: rating offered before a reply", name)
		}
	}

	// A wrong code and an unknown number look exactly alike.
	other := regexp.MustCompile(`-\d{4}$`).ReplaceAllString(number, "-9999")
	wrongCode := e.portalPost("/track", url.Values{"number": {number}, "code": {"ABCDEFGHJK"}})
	unknown := e.portalPost("/track", url.Values{"number": {other}, "code": {code}})
	if wrongCode.code != http.StatusNotFound || unknown.code != http.StatusNotFound {
		t.Errorf("wrong code %d, unknown number %d; want 404 both", wrongCode.code, unknown.code)
	}
	if a, b := mainOf(wrongCode.body), strings.ReplaceAll(mainOf(unknown.body), other, number); a != b {
		t.Errorf("a wrong code and an unknown number answer differently:\n%s\n---\n%s", a, b)
	}
	portalContains(t, "not found", wrongCode, "未找到：请核对受理编号和查询码")
	if g := e.portalGet("/track?number=" + number + "&code=ABCDEFGHJK"); g.code != http.StatusNotFound ||
		mainOf(g.body) != mainOf(wrongCode.body) {
		t.Errorf("GET with a wrong code: %d, or a different page than POST", g.code)
	}
	// Half a lookup asks for the rest.
	p := e.portalPost("/track", url.Values{"number": {number}})
	if p.code != http.StatusUnprocessableEntity || fieldError(p.body, "code") != "请填写查询码" {
		t.Errorf("lookup without a code: %d %q", p.code, fieldError(p.body, "code"))
	}
}

func TestPortalFeedbackAndReopen(t *testing.T) {
	e := newEnv(t)
	number, code := e.submitted("00000000000000000000000000000021")
	e.toReplied(number)

	p := e.portalGet("/track?number=" + number + "&code=" + code)
	portalContains(t, "replied", p, "已答复", "处理经过", "调看录像并与窗口人员谈话", "处理结果", "投诉属实，已对当事人批评教育",
		"改进措施", "设置一次性告知清单", "评价处理结果", `action="/track/feedback"`, `name="code" value="`+code+`"`,
		"非常满意", "基本满意", "非常不满意", `name="reopen"`)

	// Nothing chosen, and a reopen request with a good rating: errors beside the fields,
	// the comment kept, nothing recorded.
	p = e.portalPost("/track/feedback", url.Values{"number": {number}, "code": {code}, "comment": {"还行"}})
	if p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "请选择您对处理结果的满意程度") || !strings.Contains(p.body, "还行") {
		t.Errorf("no level: %d %s", p.code, clipBody(p.body))
	}
	p = e.portalPost("/track/feedback", url.Values{"number": {number}, "code": {code}, "level": {"4"}, "reopen": {"1"}})
	if p.code != http.StatusUnprocessableEntity || fieldError(p.body, "reopen") == "" {
		t.Errorf("reopen with 满意: %d %q", p.code, fieldError(p.body, "reopen"))
	}
	if !strings.Contains(p.body, `value="4" checked`) {
		t.Errorf("the level chosen is not kept")
	}
	// A wrong code rates nothing and looks like any unknown case.
	p = e.portalPost("/track/feedback", url.Values{"number": {number}, "code": {"ABCDEFGHJK"}, "level": {"1"}, "reopen": {"1"}})
	if p.code != http.StatusNotFound || !strings.Contains(p.body, "未找到：请核对受理编号和查询码") {
		t.Errorf("feedback with a wrong code: %d", p.code)
	}

	// Dissatisfied, with a request to handle it again: back in progress with a new due date.
	p = e.portalPost("/track/feedback", url.Values{"number": {number}, "code": {code}, "level": {"1"},
		"comment": {"问题没有解决，窗口仍未张贴告知清单。"}, "reopen": {"1"}})
	if p.code != http.StatusOK {
		t.Fatalf("reopen: %d %s", p.code, clipBody(p.body))
	}
	portalContains(t, "dissatisfied", p, "感谢您的评价", "转督查人员处理", "已答复", "非常不满意", "回访评价", "评价：非常不满意")
	if strings.Contains(p.body, "评价处理结果") {
		t.Errorf("the rating form is still offered after rating")
	}
	got := e.do("GET", "/api/v1/complaints/"+number, "supervisor", nil)
	// A rating of 1–2 never closes nor reopens by itself: the case waits, dissatisfied.
	if got.str("status") != "replied" || got.field("satisfaction") != float64(1) || got.field("dissatisfied") != true {
		t.Errorf("after a dissatisfied rating: status %q, satisfaction %v, dissatisfied %v", got.str("status"), got.field("satisfaction"), got.field("dissatisfied"))
	}
	if l := e.do("GET", "/api/v1/complaints?dissatisfied=true", "supervisor", nil); !strings.Contains(l.raw, number) {
		t.Errorf("dissatisfied=true does not list %s: %s", number, l.raw)
	}
	// Rating again is refused politely.
	p = e.portalPost("/track/feedback", url.Values{"number": {number}, "code": {code}, "level": {"5"}})
	if p.code != http.StatusConflict || !strings.Contains(p.body, "现在不能评价") {
		t.Errorf("second rating: %d %s", p.code, clipBody(p.body))
	}

	// Satisfied: closed.
	n2, c2 := e.submitted("00000000000000000000000000000022")
	e.toReplied(n2)
	p = e.portalPost("/track/feedback", url.Values{"number": {n2}, "code": {c2}, "level": {"5"}, "comment": {"满意"}})
	portalContains(t, "satisfied", p, "感谢您的评价", "已办结", "非常满意")
	if strings.Contains(p.body, "重新办理，办理期限") {
		t.Errorf("a satisfied rating reopened the case")
	}
}
