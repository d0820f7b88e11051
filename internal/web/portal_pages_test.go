package web

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
)

// Sample view models of the portal's pages for TestPagesRender (pageModels), each filling
// every part of its page: errors beside the fields, the reply and the rating form.

func samplePortalBase(kiosk bool) portalBase {
	return portalBase{Common: Common{Title: "示例", SiteName: "示范区政务服务中心", Kiosk: kiosk},
		Info: app.PortalInfo{OrgName: "示范区政务服务中心", Hotline: "0571-12345678", Address: "中心二楼201室",
			Mailbox: "tousu@example.gov.cn", Hours: "工作日 9:00–17:00"},
		HomeURL: kioskURL(kiosk, "/", nil), SubmitURL: kioskURL(kiosk, "/submit", nil), TrackURL: kioskURL(kiosk, "/track", nil)}
}

func samplePortalHome() homePage {
	return homePage{portalBase: samplePortalBase(false), Period: "15个工作日", HotlineTel: telURL("0571-12345678"),
		MailboxURL: "mailto:tousu@example.gov.cn",
		Categories: []portalCategory{{Code: "attitude", Name: "服务态度", Description: "态度恶劣",
			Sub: []portalCategory{{Code: "rude", Name: "语言生硬"}}}},
		Services: []serviceGroup{{Name: "人社局", Windows: []tousu.Unit{{Code: "win-a1", Name: "社保1号窗口",
			Services: "参保登记：即办", Hours: "工作日 9:00–17:00", Phone: "0571-1", Address: "一楼"}}}}}
}

func samplePortalSubmit() submitPage {
	f := newForm(url.Values{"kind": {"report"}, "categories": {"attitude"}, "complainant.anonymous": {"1"},
		"consent": {"1"}, "form_key": {"0123456789abcdef0123456789abcdef"}, "target.unit": {"win-a1"}})
	f.refuse(tousu.Problems{"matter": "请填写投诉事项", "complainant.name": "请填写投诉人姓名", "consent": "请阅读并同意保密须知"}.Err())
	return submitPage{portalBase: samplePortalBase(false), F: f, Action: "/submit", Kinds: deskOptions(tousu.Kinds),
		Units:      []deskOptGroup{{Label: "人社局", Choices: []deskOption{{"dept-a", "人社局（不确定具体窗口）"}, {"win-a1", "社保1号窗口"}}}},
		Categories: []deskOption{{"attitude", "服务态度"}}, Evidence: []string{"文件“a.jpg”不是图片或 PDF"}, Reselect: true,
		MaxUploads: app.MaxUploads, MaxUploadMB: app.MaxUploadSize >> 20}
}

func samplePortalReceipt() portalReceipt {
	return portalReceipt{portalBase: samplePortalBase(false), Number: "TS20260130-0001", Code: "K7M2P9QXAB", KindLabel: "投诉",
		ReceivedAt: time.Date(2026, 1, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)), DueDate: tousu.MustDate("2026-02-27"),
		Period: "15个工作日", Anonymous: true, Evidence: 2, TrackLink: "/track?number=TS20260130-0001",
		TrackPrint: "http://127.0.0.1:8080/track?number=TS20260130-0001"}
}

func samplePortalTrack() trackPage {
	at := time.Date(2026, 1, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	f := newForm(url.Values{"level": {"4"}, "reopen": {"1"}})
	f.refuse(tousu.Problems{"reopen": "只有“不满意”或“非常不满意”时才能申请重新办理", "level": "请选择", "comment": "内容过长"}.Err())
	return trackPage{portalBase: samplePortalBase(true), Action: "/track?kiosk=1", Number: "TS20260130-0001",
		V: &app.PublicView{Number: "TS20260130-0001", KindLabel: "投诉", Status: tousu.StatusReplied, StatusLabel: "已答复",
			ReceivedAt: at, DueDate: tousu.MustDate("2026-02-27"), Matter: "态度生硬。",
			Timeline:     []app.PublicEvent{{Type: "register", Label: "登记", At: at, Text: "您的投诉已登记"}},
			Reply:        &tousu.Reply{Process: "调查", Result: "属实", Improvement: "培训"},
			Satisfaction: 4, CanFeedback: true},
		Explain: statusExplained[tousu.StatusReplied], Code: "K7M2P9QXAB", F: f, Levels: satisfactionLevels(),
		FeedbackAction: "/track/feedback?kiosk=1", Rated: "满意"}
}

func sampleAdminPortal() adminPortalPage {
	f := newForm(url.Values{"org_name": {"示范区政务服务中心"}})
	f.refuse(tousu.Problems{"hotline": "内容过长"}.Err())
	return adminPortalPage{adminBase: sampleAdminBase("门户信息"), F: f,
		Defaults: app.PortalInfo{OrgName: "本机构", Hotline: "0571-1", Address: "二楼", Hours: "工作日"}}
}

// TestPortalPageVariants renders the portal pages' other branches: the lookup form with
// its "not found", a case without reply, an empty organisation, the kiosk's form.
func TestPortalPageVariants(t *testing.T) {
	p, err := parsePages(time.FixedZone("CST", 8*3600))
	if err != nil {
		t.Fatal(err)
	}
	lookup := trackPage{portalBase: samplePortalBase(false), Action: "/track", Number: "TS1", F: newForm(nil),
		NotFound: "未找到：请核对受理编号和查询码"}
	open := samplePortalTrack()
	open.V.Reply, open.V.CanFeedback, open.V.Status, open.Rated = nil, false, tousu.StatusInProgress, ""
	bare := samplePortalHome()
	bare.Info, bare.Services, bare.HotlineTel, bare.MailboxURL = app.PortalInfo{}, nil, "", ""
	kiosk := samplePortalSubmit()
	kiosk.portalBase = samplePortalBase(true)
	named := samplePortalReceipt()
	named.Anonymous = false
	for _, tc := range []struct {
		page, want, not string
		vm              any
	}{
		{"portal/track", "未找到：请核对受理编号和查询码", "处理答复", lookup},
		{"portal/track", "办理记录", "评价处理结果", open},
		{"portal/home", "投诉督查窗口当面反映", "窗口服务标准", bare},
		{"portal/submit", "触摸屏上不能上传", `type="file"`, kiosk},
		{"portal/receipt", "K7M2P9QXAB", "匿名投诉", named},
	} {
		var buf bytes.Buffer
		if err := p.byName[tc.page].ExecuteTemplate(&buf, "layout", tc.vm); err != nil {
			t.Errorf("%s: %v", tc.page, err)
			continue
		}
		if !strings.Contains(buf.String(), tc.want) {
			t.Errorf("%s does not show %q", tc.page, tc.want)
		}
		if strings.Contains(buf.String(), tc.not) {
			t.Errorf("%s shows %q", tc.page, tc.not)
		}
	}
}
