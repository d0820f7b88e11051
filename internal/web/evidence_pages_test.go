package web

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"tousu"
)

func sampleAuditPage() auditPageView {
	f := newForm(url.Values{"action": {"reveal"}, "actor": {"supervisor"}})
	f.refuse(tousu.Problems{"object": "过长"}.Err())
	return auditPageView{adminBase: sampleAdminBase("审计日志"), F: f,
		Actions: []deskOption{{"reveal", "查看投诉人身份（reveal）"}},
		Items: []auditRow{
			{AuditRecord: tousu.AuditRecord{ID: 7, At: sampleAt, Actor: "supervisor", Action: "reveal", Object: "TS20260130-0001",
				Client: "10.0.0.1", Detail: "核实身份"}, ActionLabel: "查看投诉人身份", ObjectURL: "/desk/complaints/TS20260130-0001"},
			{AuditRecord: tousu.AuditRecord{ID: 6, At: sampleAt, Actor: "admin", Action: "user.update", Object: "clerk"},
				ActionLabel: "修改账号和角色"},
		},
		NextURL: "/desk/admin/audit?before=6", FirstURL: "/desk/admin/audit"}
}

// TestEvidencePageVariants renders the case page's evidence, upload and related sections
// in their states.
func TestEvidencePageVariants(t *testing.T) {
	p, err := parsePages(time.FixedZone("CST", 8*3600))
	if err != nil {
		t.Fatal(err)
	}
	withFiles := sampleMaskedCasePage()
	withFiles.Evidence = []evidenceItem{{Attachment: tousu.Attachment{ID: 3, Name: "窗口照片.jpg", ContentType: "image/jpeg",
		Size: 2048, CreatedAt: sampleAt}, URL: "/desk/complaints/TS20260130-0001/attachments/3", Kind: "JPEG 图片", Size: "2 KB"}}
	withFiles.Upload = newForm(nil)
	withFiles.CanRelated = true
	refused := sampleMaskedCasePage()
	refused.Upload = newForm(nil)
	refused.Upload.refuse(tousu.Problems{"evidence.0": "文件“a.exe”不是图片或 PDF"}.Err())
	refused.Upload.Message = "文件“a.exe”不是图片或 PDF"
	related := sampleMaskedCasePage()
	related.CanRelated, related.RelatedShown = true, true
	related.Related = []relatedRow{{Number: "TS20251201-0003", Status: "已办结", Matches: "电话、身份证号码", Matter: "上次投诉", ReceivedAt: sampleAt}}
	none := related
	none.Related = nil
	readOnly := sampleMaskedCasePage()
	audit := sampleAuditPage()
	audit.Nav, audit.NextURL, audit.FirstURL, audit.Items = nil, "", "", nil
	for _, tc := range []struct {
		name, page string
		vm         any
		want       []string
		not        []string
	}{
		{"files and upload form", "desk/case", withFiles, []string{`href="/desk/complaints/TS20260130-0001/attachments/3"`, "窗口照片.jpg",
			"JPEG 图片，2 KB", `enctype="multipart/form-data"`, `action="/desk/complaints/TS20260130-0001/attachments"`,
			`href="/desk/complaints/TS20260130-0001?related=1#related"`}, nil},
		{"upload refused", "desk/case", refused, []string{"暂无证据材料", "不是图片或 PDF", `role="alert"`}, nil},
		{"related found", "desk/case", related, []string{"同一投诉人的其他投诉", `href="/desk/complaints/TS20251201-0003"`, "电话、身份证号码"}, nil},
		{"related none", "desk/case", none, []string{"没有找到同一投诉人"}, nil},
		{"no upload, no related", "desk/case", readOnly, []string{"暂无证据材料"}, []string{"multipart/form-data", "同一投诉人"}},
		{"audit, inspector, empty", "desk/audit", audit, []string{"没有符合条件的记录"}, []string{`class="tabs"`, "更早的记录"}},
		{"audit", "desk/audit", sampleAuditPage(), []string{"查看投诉人身份", `href="/desk/complaints/TS20260130-0001"`,
			`href="/desk/admin/audit?before=6"`, "核实身份", "过长"}, nil},
	} {
		var buf bytes.Buffer
		if err := p.byName[tc.page].ExecuteTemplate(&buf, "layout", tc.vm); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%s: page does not show %q", tc.name, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(buf.String(), w) {
				t.Errorf("%s: page shows %q", tc.name, w)
			}
		}
	}
}

func TestContentDisposition(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"photo.jpg", `attachment; filename="photo.jpg"; filename*=UTF-8''photo.jpg`},
		{"窗口 照片.pdf", `attachment; filename="__ __.pdf"; filename*=UTF-8''%E7%AA%97%E5%8F%A3%20%E7%85%A7%E7%89%87.pdf`},
		{`a"b\c;d%e.png`, `attachment; filename="a_b_c_d_e.png"; filename*=UTF-8''a%22b%5Cc%3Bd%25e.png`},
	} {
		if got := contentDisposition(tt.name); got != tt.want {
			t.Errorf("contentDisposition(%q) = %s, want %s", tt.name, got, tt.want)
		}
	}
}
