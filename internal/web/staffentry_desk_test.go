package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tousu"
)

// TestStaffEntryDesk: on A001's record a supervisor records a praise and a training, an
// inspector a sanction linked to a complaint; each is listed on the record after the
// redirect. Each form is shown only to the roles that may use it, and a POST by another
// role is refused with 403. A refused form shows its errors beside the fields, keeps
// what was typed, and stores nothing.
func TestStaffEntryDesk(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	number := e.register(func(b map[string]any) { b["target"] = map[string]any{"unit": "win-a1", "staff": "A001"} })
	entries := func() int {
		t.Helper()
		list, err := e.store.ListStaffEntries(ctx, tousu.StaffEntryFilter{Badges: []string{"A001"}})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	forms := func(p page) (praise, sanction, training bool) {
		return strings.Contains(p.body, `id="praise-form"`), strings.Contains(p.body, `id="sanction-form"`), strings.Contains(p.body, `id="training-form"`)
	}

	sup, insp, leader := e.signIn("supervisor"), e.signIn("inspector"), e.signIn("leader")
	p := sup.get("/desk/staff/A001")
	if pr, sa, tr := forms(p); !pr || sa || !tr {
		t.Errorf("supervisor's forms: praise %v sanction %v training %v, want praise and training", pr, sa, tr)
	}
	today := regexp.MustCompile(`id="p-date" name="date" value="([0-9-]+)"`).FindStringSubmatch(p.body)
	if today == nil {
		t.Fatalf("the praise form has no date filled in:\n%s", p.body)
	}
	if pr, sa, tr := forms(insp.get("/desk/staff/A001")); pr || !sa || !tr {
		t.Errorf("inspector's forms: praise %v sanction %v training %v, want sanction and training", pr, sa, tr)
	}
	if pr, sa, tr := forms(leader.get("/desk/staff/A001")); !pr || sa || !tr {
		t.Errorf("leader's forms: praise %v sanction %v training %v, want praise and training", pr, sa, tr)
	}

	// Refused forms: errors beside the fields in Chinese, values kept, nothing stored.
	p = sup.post("/desk/staff/A001/praise", url.Values{"type": {"circular"}, "date": {today[1]}, "reason": {""},
		"source": {"complaint"}, "source_ref": {"TS-NOPE"}})
	if p.code != http.StatusUnprocessableEntity {
		t.Errorf("praise without reason: %d, want 422", p.code)
	}
	mustContain(t, "refused praise", p, "请写明事由", "未找到该投诉件", `value="TS-NOPE"`, `<option value="circular" selected>`)
	p = sup.post("/desk/staff/A001/training", url.Values{"course": {"礼仪规范"}, "date": {today[1]}, "hours": {"两小时"}})
	if p.code != http.StatusUnprocessableEntity {
		t.Errorf("training with bad hours: %d, want 422", p.code)
	}
	mustContain(t, "refused training", p, "请填写整数", `value="礼仪规范"`)
	p = insp.post("/desk/staff/A001/sanctions", url.Values{"type": {"fine"}, "date": {"2026-13-01"}, "reason": {"态度生硬"}})
	mustContain(t, "refused sanction", p, "类型应为", `value="2026-13-01"`, "态度生硬")
	if n := entries(); n != 0 {
		t.Fatalf("refused forms stored %d entries", n)
	}

	// Wrong roles: 403, nothing stored.
	if p := insp.post("/desk/staff/A001/praise", url.Values{"type": {"praise"}, "date": {today[1]}, "reason": {"热情"}}); p.code != http.StatusForbidden {
		t.Errorf("praise by an inspector: %d, want 403", p.code)
	}
	if p := sup.post("/desk/staff/A001/sanctions", url.Values{"type": {"education"}, "date": {today[1]}, "reason": {"态度生硬"}}); p.code != http.StatusForbidden {
		t.Errorf("sanction by a supervisor: %d, want 403", p.code)
	}
	if p := e.signIn("clerk").post("/desk/staff/A001/training", url.Values{"course": {"礼仪规范"}, "date": {today[1]}}); p.code != http.StatusForbidden {
		t.Errorf("training by a clerk: %d, want 403", p.code)
	}
	if n := entries(); n != 0 {
		t.Fatalf("refused roles stored %d entries", n)
	}

	// Recorded: each listed on the record after the redirect.
	p = sup.follow(sup.post("/desk/staff/A001/praise", url.Values{"type": {"circular"}, "date": {today[1]},
		"reason": {"耐心解答群众咨询"}, "source": {"complaint"}, "source_ref": {number}}))
	mustContain(t, "praise recorded", p, "已记录表扬", "通报表扬：耐心解答群众咨询")
	p = insp.follow(insp.post("/desk/staff/A001/sanctions", url.Values{"type": {"education"}, "date": {today[1]},
		"reason": {"窗口服务态度生硬"}, "source": {"complaint"}, "source_ref": {number}}))
	mustContain(t, "sanction recorded", p, "已记录处理", "批评教育：窗口服务态度生硬")
	p = sup.follow(sup.post("/desk/staff/A001/training", url.Values{"course": {"窗口服务礼仪"}, "date": {today[1]},
		"hours": {"4"}, "result": {"合格"}}))
	mustContain(t, "training recorded", p, "已记录培训", "窗口服务礼仪", "4学时", "合格")
	if n := entries(); n != 3 {
		t.Errorf("entries stored: %d, want 3", n)
	}
}
