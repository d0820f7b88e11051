package app_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/audit"
	"tousu/internal/sheet"
)

const importHeaderZH = "来源编号,收到时间,受理时间,答复时间,办结时间,状态,类型,渠道,被投诉单位,被投诉人工号,投诉类别,投诉事项,投诉人姓名,联系电话,调查结论,处理措施,答复内容,满意度\n"

// importFile writes content to a file and runs the import of it.
func importFile(t *testing.T, a *app.App, name string, content []byte, dry bool) (*app.ImportReport, *sheet.Reader, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := sheet.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rep, err := a.Import(t.Context(), admin, src, app.ImportOptions{DryRun: dry, Batch: 2})
	return rep, src, err
}

func countComplaints(t *testing.T, db tousu.Store) int {
	t.Helper()
	n, err := db.CountComplaints(t.Context(), tousu.ComplaintFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImport: a CSV with a BOM and a Chinese header imports its good rows of any age —
// 2009 is past registration's five years — with their outcome, sealed identity, timeline
// and audit records saying "import", and refuses the bad ones by row, column and reason;
// the dry run before imports nothing and says the same; a second run skips what is in;
// a key repeated in the file is refused; the audit chain verifies.
func TestImport(t *testing.T) {
	forEachStore(t, func(t *testing.T, db tousu.Store) {
		a := newApp(t, db, app.Options{Keys: newRing(t, 1)})
		csv := "\ufeff" + importHeaderZH +
			"OLD-1,2009-03-05 09:30,2009-03-05,2009-03-12,2009-03-20,已归档,投诉,来访,win-a1,A001,服务态度、attitude,态度生硬,张三,13812345678,属实,批评教育、责令改正,已批评教育,4\n" +
			"OLD-2,2012/7/1,,,2012/7/2,不予受理,投诉,电话,医保局,,,不属本单位职责,,,,,已告知向卫健部门反映,\n" +
			"OLD-3,2030-01-01,,,2030-01-02,,投诉,来访,win-a1,,,未来的日期,,,,,,\n" +
			"OLD-4,2015-05-05,,,2015-05-04,,举报,飞鸽,no-such-unit,Z999,不存在,,,12,很好,,,9\n" +
			"OLD-1,2016-01-01,,,2016-01-02,,,来访,win-a1,,,重复的编号,,,,,,\n" +
			",,,,,,,,,,,,,,,,,\n"
		before := countComplaints(t, db)
		rep, _, err := importFile(t, a, "old.csv", []byte(csv), true)
		if err != nil {
			t.Fatalf("dry run: %v", err)
		}
		if countComplaints(t, db) != before {
			t.Fatalf("the dry run stored complaints")
		}
		if !rep.DryRun || rep.Rows != 5 || rep.Imported != 2 || rep.Refused != 3 || rep.Summary() != "would import 2, refused 3" {
			t.Errorf("dry run report = %+v, %q", rep, rep.Summary())
		}
		wantProblems := []app.ImportProblem{
			{Row: 4, Column: "收到时间", Message: "收到时间应在1949年至今之间"},
			{Row: 5, Column: "办结时间", Message: "办结时间早于收到时间"},
			{Row: 5, Column: "渠道"}, {Row: 5, Column: "被投诉单位"}, {Row: 5, Column: "被投诉人工号"},
			{Row: 5, Column: "投诉类别", Message: "未找到投诉类别“不存在”"}, {Row: 5, Column: "投诉事项", Message: "请填写投诉事项"},
			{Row: 5, Column: "联系电话"}, {Row: 5, Column: "调查结论"}, {Row: 5, Column: "满意度"},
			{Row: 6, Column: "来源编号", Message: "来源编号与第2行重复"},
		}
		for _, w := range wantProblems {
			found := false
			for _, p := range rep.Problems {
				found = found || p.Row == w.Row && p.Column == w.Column && (w.Message == "" || p.Message == w.Message)
			}
			if !found {
				t.Errorf("dry run lacks the problem %+v; it has %+v", w, rep.Problems)
			}
		}

		rep, _, err = importFile(t, a, "old.csv", []byte(csv), false)
		if err != nil || rep.Imported != 2 || rep.Refused != 3 || rep.Summary() != "imported 2, refused 3" {
			t.Fatalf("import = %+v, %v", rep, err)
		}
		if countComplaints(t, db) != before+2 {
			t.Errorf("stored %d complaints, want 2", countComplaints(t, db)-before)
		}
		page, err := a.List(t.Context(), supervisor, app.ListQuery{Staff: "A001", Limit: 10})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("the staff member's record: %+v, %v", page, err)
		}
		v, err := a.Get(t.Context(), supervisor, page.Items[0].Number)
		if err != nil {
			t.Fatal(err)
		}
		if v.Number != "TS20090305-0001" || v.Status != tousu.StatusArchived || v.ExternalRef != "OLD-1" || v.Decision == nil ||
			v.Decision.Finding != tousu.FindingFounded || strings.Join(v.Decision.Staff, ",") != "A001" || v.Reply == nil ||
			v.Reply.Result != "已批评教育" || strings.Join(v.Categories, ",") != "attitude" || v.ClosedAt == nil ||
			v.ReceivedAt.Format("2006-01-02 15:04") != "2009-03-05 09:30" || v.Retention == nil {
			t.Errorf("imported complaint = %+v", v)
		}
		if who, err := a.Reveal(t.Context(), supervisor, v.Number, "核对历史数据"); err != nil || who.Name != "张三" || who.Phone != "13812345678" {
			t.Errorf("reveal of an imported identity = %+v, %v", who, err)
		}
		evs, err := a.Events(t.Context(), supervisor, v.Number)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, e := range evs {
			types = append(types, string(e.Type))
			if e.Actor != "import" || !bytes.Contains(e.Payload, []byte(`"source":"import"`)) {
				t.Errorf("event %s: actor %q, payload %s; want the import's", e.Type, e.Actor, e.Payload)
			}
		}
		if got := strings.Join(types, ","); got != "register,accept,decide,reply,feedback,close,archive" {
			t.Errorf("timeline = %s", got)
		}
		recs, err := db.SearchAudit(t.Context(), tousu.AuditFilter{Action: "import"})
		if err != nil || len(recs) != 2 || recs[0].Actor != "admin" || recs[0].Client != "import" {
			t.Errorf("audit records of the import = %+v, %v", recs, err)
		}

		// The figures of 2009 and 2012 include the history: received, replied, founded, rated.
		st, err := a.Stats(t.Context(), supervisor, app.StatsQuery{From: tousu.MustDate("2009-01-01"), To: tousu.MustDate("2012-12-31")})
		if err != nil {
			t.Fatal(err)
		}
		if f := st.Total; f.Received != 2 || f.NotAccepted != 1 || f.Replied != 1 || f.Founded != 1 || f.Rated != 1 || f.Satisfied != 1 {
			t.Errorf("figures of the imported years = %+v", f)
		}

		// Again: what is in is skipped, nothing doubles.
		rep, _, err = importFile(t, a, "old.csv", []byte(csv), false)
		if err != nil || rep.Imported != 0 || rep.Skipped != 2 || countComplaints(t, db) != before+2 {
			t.Errorf("second import = %+v, %v", rep, err)
		}
		if _, err := audit.Verify(t.Context(), db); err != nil {
			t.Errorf("audit chain after imports: %v", err)
		}
	})
}

// TestImportFormats: an English header without a BOM, a GBK file (converted), an XLSX
// with date cells; a header with an unknown or a missing column is refused whole; only
// an admin imports.
func TestImportFormats(t *testing.T) {
	forEachStore(t, func(t *testing.T, db tousu.Store) {
		a := newApp(t, db, app.Options{Keys: newRing(t, 1)})
		en := "source_key,received_at,closed_at,channel,unit,matter\nEN-1,2018-01-02,2018-01-05,phone,win-b1,英文表头\n"
		if rep, _, err := importFile(t, a, "en.csv", []byte(en), false); err != nil || rep.Imported != 1 {
			t.Errorf("English header: %+v, %v", rep, err)
		}
		gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("来源编号,收到时间,办结时间,渠道,被投诉单位,投诉事项\nGBK-1,2017-06-01,2017-06-03,来访,社保1号窗口,用GBK保存的表格\n"))
		if err != nil {
			t.Fatal(err)
		}
		rep, src, err := importFile(t, a, "gbk.csv", gbk, false)
		if err != nil || rep.Imported != 1 || src.Encoding != "GB18030" {
			t.Errorf("GBK file: %+v, %v, encoding %s", rep, err, src.Encoding)
		}
		page, err := a.List(t.Context(), supervisor, app.ListQuery{Query: "GBK保存", Limit: 5})
		if err != nil || len(page.Items) != 1 {
			t.Errorf("the GBK row's text, converted: %+v, %v", page, err)
		}

		f := excelize.NewFile()
		rows := [][]any{{"来源编号", "收到时间", "办结时间", "渠道", "被投诉单位", "投诉事项", "满意度"},
			{"X-1", 40000.5, 40003, "信函", "win-a1", "表格里的日期单元格", 5}}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		rep, _, err = importFile(t, a, "old.xlsx", buf.Bytes(), false)
		if err != nil || rep.Imported != 1 {
			t.Fatalf("XLSX: %+v, %v", rep, err)
		}
		page, err = a.List(t.Context(), supervisor, app.ListQuery{Query: "日期单元格", Limit: 5})
		if err != nil || len(page.Items) != 1 || page.Items[0].Number != "TS20090706-0001" {
			t.Errorf("XLSX row (serial 40000.5 = 2009-07-06 12:00): %+v, %v", page, err)
		}

		before := countComplaints(t, db)
		for name, content := range map[string]string{
			"unknown column": "来源编号,收到时间,办结时间,渠道,被投诉单位,投诉事项,备注\nU-1,2018-01-02,2018-01-05,电话,win-b1,x,y\n",
			"missing column": "来源编号,收到时间,渠道,被投诉单位,投诉事项\nU-2,2018-01-02,电话,win-b1,x\n",
			"empty":          "",
		} {
			_, _, err := importFile(t, a, "bad.csv", []byte(content), false)
			if tousu.KindOf(err) != tousu.KindInvalid || tousu.FieldsOf(err)["file"] == "" {
				t.Errorf("%s: %v, want a refusal naming the file", name, err)
			}
		}
		if countComplaints(t, db) != before {
			t.Errorf("a refused file stored complaints")
		}
		src2, _ := sheet.New(strings.NewReader(en))
		if _, err := a.Import(t.Context(), supervisor, src2, app.ImportOptions{}); tousu.KindOf(err) != tousu.KindForbidden {
			t.Errorf("import by a supervisor: %v, want forbidden", err)
		}
	})
}
