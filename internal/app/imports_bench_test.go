package app_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"tousu/internal/app"
	"tousu/internal/sheet"
	"tousu/internal/sqlite"
)

// importCSV is a file of n finished complaints from 2012 on, every column filled.
func importCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff" + importHeaderZH)
	start := time.Date(2012, 1, 2, 9, 0, 0, 0, cst)
	units := []string{"win-a1,A001", "win-b1,B001", "dept-a,", "医保局,"}
	for i := range n {
		r := start.Add(time.Duration(i) * 7 * time.Minute)
		fmt.Fprintf(&b, "B-%07d,%s,%s,%s,%s,已办结,投诉,来访,%s,服务态度,第%d件：窗口工作人员态度生硬，材料未一次性告知。,测试人%d,139%08d,属实,批评教育,已对当事人批评教育,%d\n",
			i, r.Format("2006-01-02 15:04"), r.Add(time.Hour).Format("2006-01-02 15:04"), r.AddDate(0, 0, 5).Format("2006-01-02"),
			r.AddDate(0, 0, 9).Format("2006-01-02"), units[i%len(units)], i, i, i, 1+i%5)
	}
	return b.Bytes()
}

// BenchmarkImport measures rows a second of an import of 20,000 rows into SQLite:
// "batch2000" is the import as it runs (2,000 rows a transaction, through
// Store.BulkRegister); "dryrun" is reading and checking alone, the ceiling; "batch1" is
// the baseline of one transaction a row, what storing each row as it is read costs.
//
//	go test ./internal/app -run '^$' -bench BenchmarkImport -benchtime 1x -count 3
func BenchmarkImport(b *testing.B) {
	const rows = 20_000
	file := importCSV(rows)
	for _, c := range []struct {
		name  string
		batch int
		dry   bool
	}{{"dryrun", 2000, true}, {"batch2000", 2000, false}, {"batch1", 1, false}} {
		b.Run(c.name, func(b *testing.B) {
			var elapsed time.Duration
			for b.Loop() {
				b.StopTimer()
				db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "tousu.db"))
				if err != nil {
					b.Fatal(err)
				}
				if err := db.Migrate(b.Context()); err != nil {
					b.Fatal(err)
				}
				a := newApp(b, db, app.Options{Keys: newRing(b, 1)})
				src, err := sheet.New(bytes.NewReader(file))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				began := time.Now()
				rep, err := a.Import(b.Context(), admin, src, app.ImportOptions{Batch: c.batch, DryRun: c.dry})
				elapsed += time.Since(began)
				b.StopTimer()
				if err != nil || rep.Imported != rows {
					b.Fatalf("import: %+v, %v", rep, err)
				}
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(rows*b.N)/elapsed.Seconds(), "rows/s")
		})
	}
}
