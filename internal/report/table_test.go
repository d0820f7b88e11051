package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestCSVHasBOM: the CSV starts with a UTF-8 byte-order mark and quotes what needs it.
func TestCSVHasBOM(t *testing.T) {
	var b bytes.Buffer
	s, err := NewCSV(&b)
	if err != nil {
		t.Fatal(err)
	}
	s.Row("编号", "事项")
	s.Row("TS20261127-0001", "态度生硬, \"很差\"")
	s.Row(3, nil)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff编号,事项\nTS20261127-0001,\"态度生硬, \"\"很差\"\"\"\n3,\n"
	if b.String() != want {
		t.Errorf("CSV = %q, want %q", b.String(), want)
	}
}

// TestXLSXReadsBack: an XLSX of two sheets reads back with excelize, cell by cell.
func TestXLSXReadsBack(t *testing.T) {
	var b bytes.Buffer
	wb := NewWorkbook()
	s1, err := wb.Sheet("合计")
	if err != nil {
		t.Fatal(err)
	}
	s1.Row("受理量", 12)
	s2, err := wb.Sheet(strings.Repeat("很长的名字", 10))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2000 {
		s2.Row(i, "第", 0.5)
	}
	if _, err := wb.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("合计", "B1"); v != "12" {
		t.Errorf("合计!B1 = %q, want 12", v)
	}
	names := f.GetSheetList()
	if len(names) != 2 || len([]rune(names[1])) != 31 {
		t.Errorf("sheets = %q", names)
	}
	rows, _ := f.GetRows(names[1])
	if len(rows) != 2000 || rows[1999][0] != "1999" {
		t.Errorf("second sheet has %d rows", len(rows))
	}
}
