package web

import (
	"bytes"
	"testing"
	"time"

	"tousu/internal/app"
)

// pageModels holds a view model for every page. TestPagesRender executes each page
// with its model, so that a template referring to a field its model lacks fails here,
// not in front of a user. A new page must add its model.
var pageModels = map[string]any{
	"portal/error": errorPage{Common: Common{Title: "未找到", SiteName: SiteName}, Message: "未找到", Code: 404},
	"desk/error": errorPage{Common: Common{Title: "无权访问", SiteName: SiteName, User: &deskUser{Login: "clerk", Name: "受理员"}},
		Message: "无权访问", Code: 403},
	"desk/login": loginPage{Common: Common{Title: "工作人员登录", SiteName: SiteName}, Login: "clerk", Next: "/desk/", Error: "登录名或密码不正确"},
	"desk/password": passwordPage{Common: Common{Title: "修改密码", SiteName: SiteName, User: &deskUser{Login: "clerk", Name: "受理员"}},
		Errors: map[string]string{"old": "原密码不正确"}},
	"desk/inbox":    sampleInboxPage(),
	"desk/register": sampleRegisterPage(),
	"desk/receipt": receiptPage{Common: sampleCommon, C: sampleComplaint(), Receiver: "受理员",
		TrackURL: "http://127.0.0.1:8080/track?number=TS20260130-0001", Period: "15个工作日", Office: sampleOffice()},
	"desk/regform": regFormPage{Common: sampleCommon, C: sampleComplaint(), Receiver: "受理员", Period: "15个工作日",
		Office: sampleOffice()},
	"desk/case": sampleCasePage(),
	"desk/admin": adminHomePage{adminBase: sampleAdminBase("系统管理"), Warning: "尚未录入下一年度的法定节假日安排",
		Sections: []adminSection{{URL: "/desk/admin/units", Label: "组织机构", Hint: "单位"}}},
	"desk/admin_units":    sampleAdminUnits(),
	"desk/admin_staff":    sampleAdminStaff(),
	"desk/admin_accounts": sampleAdminAccounts(),
	"desk/admin_tokens": adminTokensPage{adminBase: sampleAdminBase("访问令牌"), Tokens: []app.TokenInfo{
		{ID: "9f86d081884c", Login: "clerk", CreatedAt: time.Date(2026, 1, 30, 10, 0, 0, 0, time.UTC)},
		{ID: "60303ae22b99", Login: "leader", CreatedAt: time.Date(2026, 1, 30, 10, 0, 0, 0, time.UTC),
			ExpiresAt: time.Date(2026, 4, 30, 10, 0, 0, 0, time.UTC), Expired: true}}},
	"desk/admin_categories": sampleAdminCategories(),
	"desk/admin_calendar":   sampleAdminCalendar(),
	"desk/admin_policies":   sampleAdminPolicies(),
	"desk/notifications":    sampleNotificationsPage(),
	"desk/admin_outbox":     sampleAdminOutbox(),
	"desk/admin_templates":  sampleAdminTemplates(),
	"desk/audit":            sampleAuditPage(),
	"desk/admin_portal":     sampleAdminPortal(),
	"portal/home":           samplePortalHome(),
	"portal/submit":         samplePortalSubmit(),
	"portal/receipt":        samplePortalReceipt(),
	"portal/track":          samplePortalTrack(),
	"portal/forgot":         sampleForgot(false),
	"desk/admin_intake":     sampleAdminIntake(),
	"desk/disposals":        sampleDisposalsPage(),
	"desk/disposal":         sampleDisposalPage(),
	"desk/admin_import":     sampleAdminImport(),
}

func TestPagesRender(t *testing.T) {
	p, err := parsePages(time.FixedZone("CST", 8*3600))
	if err != nil {
		t.Fatal(err)
	}
	for name, tmpl := range p.byName {
		vm, ok := pageModels[name]
		if !ok {
			t.Errorf("page %s has no view model in pageModels", name)
			continue
		}
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, "layout", vm); err != nil {
			t.Errorf("page %s: %v", name, err)
			continue
		}
		if !bytes.Contains(buf.Bytes(), []byte(`<html lang="zh-CN">`)) {
			t.Errorf("page %s does not declare lang=zh-CN", name)
		}
	}
	for name := range pageModels {
		if _, ok := p.byName[name]; !ok {
			t.Errorf("pageModels has %s, but there is no such page", name)
		}
	}
}
