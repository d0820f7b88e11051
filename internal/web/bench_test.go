package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// clients is the number of concurrent clients of the registration budget (DESIGN §7).
const clients = 32

// BenchmarkRegister measures registration through the JSON API on a durable SQLite file
// at 32 concurrent clients, beside its baseline in the same run: a bare durable
// single-row commit of the same text into SQLite with the same pragmas, the ceiling a
// store that commits each registration on its own cannot pass. The budget is ≥ 2,000
// registrations a second with p99 ≤ 50 ms. Run it with
//
//	go test ./internal/web -run '^$' -bench Register -benchtime 3000x
func BenchmarkRegister(b *testing.B) {
	matter := strings.Repeat("窗口工作人员态度生硬，材料不全也未一次性告知，让我跑了三趟。", 10)[:300*3]
	b.Run("baseline=durable-row-commit", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "base.db")
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, matter TEXT NOT NULL)`); err != nil {
			b.Fatal(err)
		}
		measure(b, func() error {
			_, err := db.Exec(`INSERT INTO t (matter) VALUES (?)`, matter)
			return err
		})
	})
	for _, sub := range []struct{ name, query string }{
		{"api=register", "?similar=false"},
		{"api=register-similar", "?similar=true"},
	} {
		b.Run(sub.name, func(b *testing.B) { benchRegister(b, matter, sub.query) })
	}
}

// benchRegister registers the same complaint from 32 clients, with query on the URL: the
// look-up of repeats on or off (on, every earlier complaint is a repeat on every ground,
// the look-up's worst case).
func benchRegister(b *testing.B, matter, query string) {
	{
		if storeUnderTest != "sqlite" {
			b.Skip("the budget is for SQLite")
		}
		e := newEnv(b)
		body, _ := json.Marshal(map[string]any{"kind": "complaint", "channel": "phone",
			"complainant": map[string]any{"name": "张三", "phone": "13812345678"},
			"target":      map[string]any{"unit": "win-a1"}, "matter": matter, "categories": []string{"attitude"}})
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}
		tok := e.tokens["clerk"]
		measure(b, func() error {
			req, _ := http.NewRequestWithContext(context.Background(), "POST", e.srv.URL+"/api/v1/complaints"+query, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				return err
			}
			if resp.StatusCode != http.StatusCreated {
				return fmt.Errorf("register: %s", resp.Status)
			}
			return nil
		})
	}
}

// measure runs op b.N times from 32 concurrent clients and reports operations a second
// and the 50th and 99th percentile latencies.
func measure(b *testing.B, op func() error) {
	var (
		mu   sync.Mutex
		lats = make([]time.Duration, 0, b.N)
		next = make(chan struct{}, b.N)
		wg   sync.WaitGroup
		fail error
	)
	for range b.N {
		next <- struct{}{}
	}
	close(next)
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for range next {
				t0 := time.Now()
				if err := op(); err != nil {
					mu.Lock()
					fail = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	if fail != nil {
		b.Fatal(fail)
	}
	slices.Sort(lats)
	pct := func(p float64) float64 {
		return float64(lats[min(len(lats)-1, int(float64(len(lats))*p))]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	// The process's CPU per operation (server and clients alike): on a shared machine
	// the throughput follows the neighbours' load, the CPU spent much less.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
