package sheet

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func readAll(t *testing.T, r *Reader) [][]string {
	t.Helper()
	var out [][]string
	for {
		cells, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Next after row %d: %v", r.Line(), err)
		}
		out = append(out, append([]string(nil), cells...))
	}
}

// TestCSV: a BOM is dropped, cells are trimmed, short rows are kept; a long UTF-8 file
// whose first 64 KB end inside a character is still UTF-8; a GBK file is converted.
func TestCSV(t *testing.T) {
	r, err := New(strings.NewReader("\ufeff编号, 事项 \r\n1,\"含,逗号\"\n2\n"))
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, r)
	if r.Format != "csv" || r.Encoding != "UTF-8" || len(rows) != 3 || rows[0][0] != "编号" || rows[0][1] != "事项" ||
		rows[1][1] != "含,逗号" || len(rows[2]) != 1 || r.Line() != 3 {
		t.Errorf("rows = %q, format %s %s, line %d", rows, r.Format, r.Encoding, r.Line())
	}
	long := "a" + strings.Repeat("窗口工作人员态度生硬,", 5000) + "\n"
	if r, _ := New(strings.NewReader(long)); r.Encoding != "UTF-8" {
		t.Errorf("a long UTF-8 file read as %s", r.Encoding)
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("编号,事项\n1,用GBK保存\n")
	r, _ = New(strings.NewReader(gbk))
	if rows := readAll(t, r); r.Encoding != "GB18030" || len(rows) != 2 || rows[1][1] != "用GBK保存" {
		t.Errorf("GBK: %q as %s", rows, r.Encoding)
	}
}

// TestXLSX: the first sheet's rows, numbers as raw values (a date cell's serial).
func TestXLSX(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"编号", "收到时间"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"X-1", 40000.5})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := New(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if rows := readAll(t, r); r.Format != "xlsx" || len(rows) != 2 || rows[1][0] != "X-1" || rows[1][1] != "40000.5" {
		t.Errorf("rows = %q (%s)", rows, r.Format)
	}
	if _, err := New(strings.NewReader("PK\x03\x04 broken")); err == nil {
		t.Errorf("a broken workbook opened")
	}
}
