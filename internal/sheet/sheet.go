// Package sheet reads a table row by row from a CSV file (UTF-8 with or without a BOM,
// or GBK/GB18030 as Excel in China saves it, converted) or an XLSX workbook (its first
// sheet), streaming: memory stays flat however many rows the file has.
package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Reader gives the rows of a table one at a time.
type Reader struct {
	// Format is "csv" or "xlsx"; Encoding, for CSV, is "UTF-8" or "GB18030" (converted).
	Format, Encoding string

	line   int // the row number of the last row read, from 1
	csv    *csv.Reader
	rows   *excelize.Rows
	book   *excelize.File
	closer io.Closer
}

// Open opens the file at path, a CSV or an XLSX workbook, told apart by its content (an
// XLSX is a ZIP archive) rather than by its name.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := New(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	if r.closer == nil {
		r.closer = f
	} else {
		f.Close()
	}
	return r, nil
}

// New reads the table in r. An XLSX workbook is read from r whole (excelize needs random
// access), a CSV as it streams.
func New(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4)
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return newXLSX(br)
	}
	return newCSV(br)
}

func newXLSX(r io.Reader) (*Reader, error) {
	book, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("无法读取 XLSX 文件：%w", err)
	}
	sheets := book.GetSheetList()
	if len(sheets) == 0 {
		book.Close()
		return nil, errors.New("XLSX 文件中没有工作表")
	}
	// Raw values: a date cell gives its serial number, whatever its display format.
	rows, err := book.Rows(sheets[0])
	if err != nil {
		book.Close()
		return nil, fmt.Errorf("无法读取工作表“%s”：%w", sheets[0], err)
	}
	return &Reader{Format: "xlsx", rows: rows, book: book, closer: book}, nil
}

func newCSV(br *bufio.Reader) (*Reader, error) {
	enc := "UTF-8"
	var in io.Reader = br
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	} else {
		// Excel in China saves "CSV" as GBK unless told otherwise: a start that is not
		// UTF-8 is read as GB18030 (a superset of GBK) and converted.
		p, _ := br.Peek(64 << 10)
		if len(p) == 64<<10 {
			for i := 0; i < 3 && len(p) > 0 && !utf8.Valid(p); i++ {
				p = p[:len(p)-1] // a character cut at the end of the peek
			}
		}
		if !utf8.Valid(p) {
			enc = "GB18030"
			in = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
		}
	}
	c := csv.NewReader(in)
	c.FieldsPerRecord = -1 // rows may be short; the caller checks what it needs
	c.ReuseRecord = true
	c.LazyQuotes = true
	return &Reader{Format: "csv", Encoding: enc, csv: c}, nil
}

// Next returns the next row's cells, trimmed of surrounding spaces; io.EOF after the
// last. The slice is reused by the next call.
func (r *Reader) Next() ([]string, error) {
	var (
		cells []string
		err   error
	)
	if r.csv != nil {
		cells, err = r.csv.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("第%d行 CSV 格式错误：%v", pe.Line, pe.Err)
			}
			return nil, err
		}
	} else {
		if !r.rows.Next() {
			if err := r.rows.Error(); err != nil {
				return nil, err
			}
			return nil, io.EOF
		}
		if cells, err = r.rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
			return nil, err
		}
	}
	r.line++
	for i, c := range cells {
		cells[i] = strings.TrimSpace(c)
	}
	return cells, nil
}

// Line is the row number (from 1, the header row included) of the last row Next gave.
func (r *Reader) Line() int { return r.line }

// Close releases the file.
func (r *Reader) Close() error {
	if r.rows != nil {
		r.rows.Close()
	}
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}
