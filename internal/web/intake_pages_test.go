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

func sampleAdminIntake() adminIntakePage {
	f := newForm(url.Values{"unit": {"office"}})
	f.refuse(tousu.Problems{"unit": "没有这个单位"}.Err())
	return adminIntakePage{adminBase: sampleAdminBase("受理机构"), Office: "office", OfficeName: "投诉督查处",
		Units: sampleUnits, F: f, Coverage: &app.Coverage{IntakeOffice: "office",
			Units:  []app.CoverageGap{{Unit: "win-a1", Name: "社保1号窗口", Path: "本机构 › 人社局 › 社保1号窗口", NoSupervisor: true, NoHandler: true}},
			Unseen: []string{"TS20260130-0001"}}}
}

func sampleForgot(sent bool) forgotPage {
	f := newForm(url.Values{"number": {"TS20260130-0001"}})
	f.Errors["phone"] = "请填写登记的手机号"
	return forgotPage{portalBase: samplePortalBase(false), Action: "/track/forgot", F: f, Sent: sent}
}

// TestIntakePageVariants renders the intake pages' branches: the coverage list full and
// empty, the forgot-code form and its answer, a reprinted receipt with its QR code.
func TestIntakePageVariants(t *testing.T) {
	p, err := parsePages(time.FixedZone("CST", 8*3600))
	if err != nil {
		t.Fatal(err)
	}
	empty := sampleAdminIntake()
	empty.Coverage = &app.Coverage{}
	reprint := pageModels["desk/receipt"].(receiptPage)
	reprint.C = sampleComplaint()
	reprint.C.QueryCode = ""
	reprint.Reprint = true
	reprint.QR = "<svg class=\"qr\"></svg>"
	for _, tc := range []struct {
		page string
		want []string
		vm   any
	}{
		{"desk/admin_intake", []string{"社保1号窗口", "在岗督查员、在岗承办人", "TS20260130-0001", "没有这个单位"}, sampleAdminIntake()},
		{"desk/admin_intake", []string{"所有单位都有在岗的督查员和承办人"}, empty},
		{"portal/forgot", []string{"发送新查询码", "请填写登记的手机号"}, sampleForgot(false)},
		{"portal/forgot", []string{"新的查询码已通过短信发送"}, sampleForgot(true)},
		{"desk/receipt", []string{"补打受理回执", "见首次出具的回执", `<svg class="qr">`}, reprint},
	} {
		var buf bytes.Buffer
		if err := p.byName[tc.page].ExecuteTemplate(&buf, "layout", tc.vm); err != nil {
			t.Fatalf("%s: %v", tc.page, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%s lacks %q", tc.page, w)
			}
		}
	}
}
