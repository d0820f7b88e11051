package paper

import (
	"bytes"
	"encoding/json"
	"flag"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tousu"
)

// -update renders each form of the fixed case to a PNG in docs/forms, the pictures the
// repository keeps of them (needs pdftoppm).
var update = flag.Bool("update", false, "write docs/forms/*.png")

var shanghai = time.FixedZone("CST", 8*3600)

func at(day, hour int) time.Time { return time.Date(2026, 1, day, hour, 0, 0, 0, shanghai) }

func payload(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// fixedCase is a complaint that went the whole way: registered, accepted, assigned,
// investigated, extended, decided, replied, rated, closed and archived.
func fixedCase() *Case {
	c := &Case{
		Number: "TS20260105-0007", Kind: tousu.KindComplaint, Channel: tousu.ChannelVisit, Status: tousu.StatusArchived,
		Complainant: tousu.Complainant{Name: "张*", Phone: "138****5678", IDNumber: "", Address: "杭州市西湖区****"},
		Office:      "西湖区政务服务中心", Phone: "0571-12345678",
		TargetUnit: "西湖区政务服务中心 / 社保窗口", TargetStaff: "李四（A012）", TargetDescription: "3号窗口穿蓝色制服的工作人员",
		Matter:     "本人于1月4日下午到二楼社保窗口办理退休手续，工作人员态度生硬，材料齐全却以系统故障为由拒绝受理，让我改天再来，来回跑了三趟。",
		Request:    "希望尽快办理退休手续，并请工作人员改进服务态度。",
		IncidentAt: ptr(at(4, 15)), IncidentPlace: "二楼社保窗口", Written: true,
		Receiver: "王芳", ReceivedAt: at(5, 10),
		Due: tousu.MustDate("2026-02-02"), Deadline: tousu.Deadline{Days: 15, Unit: tousu.WorkingDays},
		Classification: tousu.ClassCase, Categories: []string{"服务态度", "办事效率"},
		AssignedUnit: "社保窗口", Handler: "陈静", Mode: tousu.ModeSupervise,
		Decision: &tousu.Decision{Finding: tousu.FindingFounded,
			Measures: []tousu.Measure{tousu.MeasureCriticism, tousu.MeasureCorrection}, Improvement: "窗口增设故障应急登记，系统故障时先收件后补录。"},
		DecisionStaff: "李四（A012）",
		Reply: &tousu.Reply{Process: "接到投诉后，中心督查科调取了1月4日窗口监控录像，约谈了当班工作人员，并核实了当日系统运行记录。",
			Result:      "经查，当日系统故障持续约二十分钟，工作人员未按规定先行收件登记，属实。已对当事人进行批评教育，并于1月9日为您办结退休手续。",
			Improvement: "中心已建立系统故障应急收件制度，并在全体窗口开展服务规范培训。", Channel: tousu.ChannelPhone},
		Satisfaction: 4,
		TrackURL:     "https://ts.example.gov.cn/track?number=TS20260105-0007",
		Attachments: []tousu.Attachment{{ID: 1, Name: "窗口照片.jpg", ContentType: "image/jpeg", Size: 204800,
			SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", CreatedAt: at(5, 10)}},
	}
	ev := func(t tousu.EventType, when time.Time, actor, label string, p any, details ...Detail) {
		c.Events = append(c.Events, Event{Seq: len(c.Events) + 1, Type: t, At: when, Actor: actor, Label: label,
			Payload: payload(p), Details: details})
	}
	ev("register", at(5, 10), "王芳", "登记", map[string]any{"channel": "visit"}, Detail{"受理渠道", "来访"})
	ev("accept", at(5, 14), "赵督查", "受理", tousu.AcceptPayload{Classification: tousu.ClassCase}, Detail{"分类", "立案处理"})
	ev("assign", at(6, 9), "赵督查", "派单", tousu.AssignPayload{Mode: tousu.ModeSupervise}, Detail{"承办单位", "社保窗口"})
	ev("sign", at(6, 11), "陈静", "签收", struct{}{})
	ev("note", at(7, 15), "陈静", "调查记录", tousu.InvestigationPayload{Method: tousu.MethodVideo,
		Content: "调取1月4日14:00至16:00窗口监控录像，当事人确有拒收材料的情形。", Participants: "陈静、刘洋"})
	ev("extend", at(8, 9), "赵督查", "延期", map[string]any{"working_days": 5, "reason": "需调取系统运行日志核实", "due_date": "2026-02-09"},
		Detail{"延长", "5个工作日"})
	ev("decide", at(12, 16), "赵督查", "处理决定", c.Decision)
	ev("reply", at(13, 10), "赵督查", "答复", c.Reply)
	ev("feedback", at(15, 9), "投诉人", "回访评价", tousu.FeedbackPayload{Level: 4, Comment: "处理及时，谢谢。"})
	ev("close", at(15, 9), "系统", "办结", struct{}{})
	ev("archive", at(20, 17), "赵督查", "归档", struct{}{})
	return c
}

func ptr[T any](v T) *T { return &v }

// tool runs a poppler tool, or skips the test loudly when it is not installed.
func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("SKIP: %s (poppler-utils) is not installed; the PDFs' text and fonts are not checked", name)
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func save(t *testing.T, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "form.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func pages(t *testing.T, path string) int {
	t.Helper()
	for _, l := range strings.Split(tool(t, "pdfinfo", path), "\n") {
		if v, ok := strings.CutPrefix(l, "Pages:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Fatalf("pdfinfo %s: no page count", path)
	return 0
}

// text is the PDF's text with the layout's spaces and line breaks removed, so that a
// phrase wrapped over two lines is still found.
func text(t *testing.T, path string) string {
	t.Helper()
	return strings.Join(strings.Fields(tool(t, "pdftotext", path, "-")), "")
}

func TestForms(t *testing.T) {
	tests := []struct {
		kind  Kind
		pages int
		want  []string
	}{
		{Registration, 1, []string{"投诉登记表", "TS20260105-0007", "张*", "138****5678", "态度生硬", "处理情况",
			"受理意见", "予以受理", "立案处理类；服务态度、办事效率", "社保窗口（承办人：陈静）", "核查结论：属实",
			"以电话方式答复", "回访结果", "满意", "投诉人（签字）"}},
		{Receipt, 1, []string{"受理回执", "TS20260105-0007", "张*：", "2026年1月5日", "2026年2月2日",
			"15个工作日", "https://ts.example.gov.cn/track?number=TS20260105-0007", "西湖区政务服务中心"}},
		{Extension, 1, []string{"延期告知书", "需调取系统运行日志核实", "延长5个工作日", "2026年2月9日", "2026年1月8日"}},
		{Record, 1, []string{"群众举报投诉记录", "调查情况", "窗口监控录像", "参加人：陈静、刘洋", "调查结果", "核查结论：属实"}},
		{Result, 1, []string{"处理结果告知书", "一、处理经过", "二、处理结果", "三、改进措施", "经核查，您反映的问题属实",
			"应急收件制度", "2026年1月13日"}},
		{Dossier, 0, []string{"卷内目录", "案卷题名", "投诉登记表", "受理回执", "延期告知书", "群众举报投诉记录",
			"处理结果告知书", "办理过程记录", "处理决定及答复", "证据材料清单", "窗口照片.jpg",
			"9f86d081884c7d65", "b0f00a08", "归档"}},
	}
	c := fixedCase()
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			pdf, err := Render(c, tt.kind, Options{})
			if err != nil {
				t.Fatalf("Render(%s): %v", tt.kind, err)
			}
			p := save(t, pdf)
			if n := pages(t, p); tt.pages > 0 && n != tt.pages {
				t.Errorf("Render(%s) has %d pages, want %d", tt.kind, n, tt.pages)
			}
			if fonts := tool(t, "pdffonts", p); !embedded(fonts) {
				t.Errorf("Render(%s): the Song face is not embedded with a Unicode map:\n%s", tt.kind, fonts)
			}
			got := text(t, p)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%s): text lacks %q; it reads:\n%s", tt.kind, w, got)
				}
			}
			if *update {
				picture(t, p, string(tt.kind))
			}
		})
	}
}

// embedded reports whether pdffonts lists exactly one font, a TrueType CID font in
// Identity-H, embedded (emb) and with a Unicode map (uni), so the text is searchable.
func embedded(pdffonts string) bool {
	var fonts [][]string
	for _, l := range strings.Split(pdffonts, "\n")[2:] {
		if f := strings.Fields(l); len(f) > 0 {
			fonts = append(fonts, f)
		}
	}
	if len(fonts) != 1 {
		return false
	}
	f := fonts[0] // name, "CID", "TrueType", encoding, emb, sub, uni, object, ID
	return len(f) == 9 && f[1] == "CID" && f[2] == "TrueType" && f[3] == "Identity-H" && f[4] == "yes" && f[6] == "yes"
}

// picture renders the first page of a PDF at a low resolution into docs/forms.
func picture(t *testing.T, pdf, name string) {
	t.Helper()
	dir := filepath.Join("..", "..", "docs", "forms")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tool(t, "pdftoppm", "-r", "60", "-png", "-singlefile", "-f", "1", "-l", "1", pdf, filepath.Join(dir, name))
}

func TestRejection(t *testing.T) {
	c := fixedCase()
	c.Events = c.Events[:1]
	c.Decision, c.Reply, c.AssignedUnit, c.Handler, c.Classification, c.Categories = nil, nil, "", "", "", nil
	c.Events = append(c.Events, Event{Seq: 2, Type: "reject", At: at(6, 9), Actor: "赵督查", Label: "不予受理",
		Payload: payload(tousu.RejectPayload{Reason: tousu.RejectOutOfScope, Explanation: "退休审批属区人社局职责。",
			Referral: &tousu.Referral{Body: "西湖区人力资源和社会保障局", Contact: "0571-87654321"}})})
	if got := Applicable(c); len(got) != 4 || got[2] != Rejection || got[3] != Record {
		t.Errorf("Applicable(rejected case) = %v, want registration, receipt, rejection, record", got)
	}
	pdf, err := Render(c, Rejection, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := save(t, pdf)
	got := text(t, p)
	for _, w := range []string{"不予受理告知书", "不属于本机构职责范围", "决定不予受理", "退休审批属区人社局职责",
		"建议您向西湖区人力资源和社会保障局反映（联系方式：0571-87654321）", "2026年1月6日"} {
		if !strings.Contains(got, w) {
			t.Errorf("rejection notice lacks %q; it reads:\n%s", w, got)
		}
	}
	if *update {
		picture(t, p, "rejection")
	}
	reg := text(t, save(t, must(Render(c, Registration, Options{}))))
	if !strings.Contains(reg, "不予受理：不属于本机构职责范围") || !strings.Contains(reg, "已告知向西湖区人力资源和社会保障局反映") {
		t.Errorf("registration form of a rejected case does not say so:\n%s", reg)
	}
	// Documents the case does not have are not printed.
	for _, k := range []Kind{Result, Extension} {
		if _, err := Render(c, k, Options{}); !tousu.IsKind(err, tousu.KindNotFound) {
			t.Errorf("Render(rejected case, %s) = %v, want not_found", k, err)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// A complaint of several thousand characters keeps the 登记表's first sheet whole, its
// signature lines on it, and moves the full text to a continuation sheet.
func TestRegistrationLongText(t *testing.T) {
	c := fixedCase()
	c.Matter = strings.Repeat("窗口工作人员推诿扯皮，反复要求补充材料。", 200) + "末尾标记"
	p := save(t, must(Render(c, Registration, Options{})))
	if n := pages(t, p); n < 2 {
		t.Fatalf("long registration form has %d pages, want the sheet and its continuation", n)
	}
	second := strings.Join(strings.Fields(tool(t, "pdftotext", "-f", "2", "-l", "2", p, "-")), "")
	if !strings.HasPrefix(second, "投诉登记表（续页）") {
		t.Errorf("second page is not the continuation sheet: %.80s", second)
	}
	first := strings.Join(strings.Fields(tool(t, "pdftotext", "-f", "1", "-l", "1", p, "-")), "")
	for _, w := range []string{"全文见续页", "投诉人（签字）", "回访结果"} {
		if !strings.Contains(first, w) {
			t.Errorf("first sheet lacks %q", w)
		}
	}
	if rest := text(t, p); !strings.Contains(rest, "续页") || !strings.Contains(rest, "末尾标记") {
		t.Errorf("continuation sheet lacks the end of the matter")
	}
}

// The same case prints the same bytes: nothing depends on the time of printing, so an
// archived case's dossier never changes.
func TestDeterministic(t *testing.T) {
	for _, k := range []Kind{Registration, Dossier} {
		a, b := must(Render(fixedCase(), k, Options{})), must(Render(fixedCase(), k, Options{}))
		if !bytes.Equal(a, b) {
			t.Errorf("Render(%s) twice gives different bytes", k)
		}
	}
	pdf := string(must(Render(fixedCase(), Dossier, Options{})))
	if !strings.Contains(pdf, "/CreationDate (D:20260120") {
		t.Errorf("dossier's creation date is not the archive event's (2026-01-20)")
	}
}

// The receipt carries the QR code of the tracking link when an encoder is given.
func TestReceiptQR(t *testing.T) {
	var asked string
	qr := func(s string) (image.Image, error) {
		asked = s
		img := image.NewGray(image.Rect(0, 0, 21, 21))
		for i := range img.Pix {
			img.Pix[i] = uint8(255 * (i % 2))
		}
		img.Set(0, 0, color.Black)
		return img, nil
	}
	pdf := must(Render(fixedCase(), Receipt, Options{QR: qr}))
	if asked != "https://ts.example.gov.cn/track?number=TS20260105-0007" {
		t.Errorf("QR encoder asked for %q", asked)
	}
	if !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Errorf("receipt with a QR encoder has no image")
	}
	if got := text(t, save(t, pdf)); !strings.Contains(got, "扫码查询办理进度") {
		t.Errorf("receipt lacks the QR caption")
	}
}

// A character the font lacks (beyond GB2312, or beyond the Basic Multilingual Plane)
// prints as □ to be written in by hand, never as nothing and never as a panic.
func TestMissingGlyphs(t *testing.T) {
	c := fixedCase()
	c.Complainant.Name = "王喆𠮷"
	c.Matter = "表情😀和控制\x07字符"
	c.TargetUnit = "区中心 › 社保窗口"
	got := text(t, save(t, must(Render(c, Registration, Options{}))))
	for _, w := range []string{"王□□", "表情□和控制字符", "区中心/社保窗口"} {
		if !strings.Contains(got, w) {
			t.Errorf("registration form lacks %q:\n%s", w, got)
		}
	}
}

// Whatever a complainant typed, every document prints without a panic or an error.
func FuzzRender(f *testing.F) {
	f.Add("张三", "窗口态度差", "")
	f.Add("王喆𠮷", strings.Repeat("长", 3000), "\x00\r\n\t")
	f.Add("", "a b c d e f g h i j k l m n o p q r s t u v w x y z abcdefghijklmnopqrstuvwxyzabcdefghijklmnop", "，。、")
	f.Fuzz(func(t *testing.T, name, matter, request string) {
		c := fixedCase()
		c.Complainant.Name, c.Matter, c.Request = name, matter, request
		for _, k := range []Kind{Registration, Result, Dossier} {
			if _, err := Render(c, k, Options{}); err != nil {
				t.Errorf("Render(%s): %v", k, err)
			}
		}
	})
}

// A due date counted over a year whose holidays are not yet published says so.
func TestProvisionalDue(t *testing.T) {
	c := fixedCase()
	c.DueProvisional = true
	for k, want := range map[Kind]string{Registration: "（15个工作日）（预计）", Receipt: "预计于2026年2月2日前"} {
		if got := text(t, save(t, must(Render(c, k, Options{})))); !strings.Contains(got, want) {
			t.Errorf("Render(%s) with a provisional due date lacks %q:\n%s", k, want, got)
		}
	}
}

// An extension of a case whose policy counts calendar days is told in 日.
func TestExtensionInCalendarDays(t *testing.T) {
	c := fixedCase()
	c.Deadline = tousu.Deadline{Days: 60, Unit: tousu.CalendarDays}
	for i, e := range c.Events {
		if e.Type == "extend" {
			c.Events[i].Payload = payload(map[string]any{"days": 30, "reason": "涉及多个部门", "due_date": "2026-04-07"})
		}
	}
	got := text(t, save(t, must(Render(c, Extension, Options{}))))
	if !strings.Contains(got, "办理期限延长30日，延至2026年4月7日") {
		t.Errorf("extension in calendar days reads:\n%s", got)
	}
}
