package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Sheet receives a table row by row and writes it as it comes: an export of a million
// complaints never holds them all.
type Sheet interface {
	// Row appends one row; cells are strings, integers, floats or nil (empty).
	Row(cells ...any) error
	// Close finishes the table and writes what is still buffered.
	Close() error
}

// utf8BOM makes Excel in China read a CSV as UTF-8 instead of GBK.
const utf8BOM = "\ufeff"

type csvSheet struct {
	buf *bufio.Writer
	w   *csv.Writer
	n   int
}

// NewCSV writes a CSV table to w, UTF-8 with a byte-order mark so that Excel opens it
// right.
func NewCSV(w io.Writer) (Sheet, error) {
	buf := bufio.NewWriterSize(w, 64<<10)
	if _, err := buf.WriteString(utf8BOM); err != nil {
		return nil, err
	}
	return &csvSheet{buf: buf, w: csv.NewWriter(buf)}, nil
}

func (s *csvSheet) Row(cells ...any) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		if c != nil {
			rec[i] = fmt.Sprint(c)
		}
	}
	if err := s.w.Write(rec); err != nil {
		return err
	}
	if s.n++; s.n%1000 == 0 {
		s.w.Flush()
		return s.w.Error()
	}
	return nil
}

func (s *csvSheet) Close() error {
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return err
	}
	return s.buf.Flush()
}

// Workbook is an XLSX file written sheet by sheet with excelize's stream writer, which
// keeps rows beyond a small buffer in a temporary file rather than in memory.
type Workbook struct {
	f   *excelize.File
	cur *xlsxSheet
	n   int
}

// NewWorkbook starts an XLSX file.
func NewWorkbook() *Workbook { return &Workbook{f: excelize.NewFile()} }

type xlsxSheet struct {
	sw  *excelize.StreamWriter
	row int
}

// Sheet starts the next sheet, named name (at most 31 characters, as Excel requires);
// the sheet before it is finished first.
func (wb *Workbook) Sheet(name string) (Sheet, error) {
	if err := wb.finish(); err != nil {
		return nil, err
	}
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if wb.n == 0 {
		if err := wb.f.SetSheetName("Sheet1", name); err != nil {
			return nil, err
		}
	} else if _, err := wb.f.NewSheet(name); err != nil {
		return nil, err
	}
	wb.n++
	sw, err := wb.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	wb.cur = &xlsxSheet{sw: sw}
	return wb.cur, nil
}

func (s *xlsxSheet) Row(cells ...any) error {
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	return s.sw.SetRow(cell, cells)
}

// Close of one sheet does nothing: the workbook finishes its sheets.
func (s *xlsxSheet) Close() error { return nil }

func (wb *Workbook) finish() error {
	if wb.cur == nil {
		return nil
	}
	err := wb.cur.sw.Flush()
	wb.cur = nil
	return err
}

// WriteTo finishes the last sheet and writes the file to w.
func (wb *Workbook) WriteTo(w io.Writer) (int64, error) {
	if err := wb.finish(); err != nil {
		return 0, err
	}
	defer wb.f.Close()
	return wb.f.WriteTo(w)
}

// xlsxOne is a workbook of one sheet, as a Sheet: Close writes the file to w.
type xlsxOne struct {
	*xlsxSheet
	wb *Workbook
	w  io.Writer
}

// NewXLSX writes a one-sheet XLSX table to w, when closed.
func NewXLSX(w io.Writer, name string) (Sheet, error) {
	wb := NewWorkbook()
	sh, err := wb.Sheet(name)
	if err != nil {
		return nil, err
	}
	return &xlsxOne{xlsxSheet: sh.(*xlsxSheet), wb: wb, w: w}, nil
}

func (x *xlsxOne) Close() error {
	_, err := x.wb.WriteTo(x.w)
	return err
}
