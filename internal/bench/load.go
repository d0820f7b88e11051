package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Result is what a closed-loop run measured.
type Result struct {
	Ops           int
	Errors        int
	Elapsed       time.Duration
	P50, P95, P99 time.Duration
	// FirstError is the first failure, for the report.
	FirstError string
}

// PerSec is the completed operations a second.
func (r Result) PerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Ops) / r.Elapsed.Seconds()
}

// Closed runs op from clients concurrent loops for d: each client sends its next request
// as soon as the last is answered (a closed loop, so a slower server is offered less,
// as real desks are). Operations that fail are counted, not timed.
func Closed(ctx context.Context, clients int, d time.Duration, op func(ctx context.Context, client, i int) error) Result {
	var (
		mu   sync.Mutex
		lats []time.Duration
		res  Result
		wg   sync.WaitGroup
	)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var (
				mine []time.Duration
				errs int
				ferr string
			)
			for i := 0; ctx.Err() == nil; i++ {
				t0 := time.Now()
				if err := op(ctx, c, i); err != nil {
					if ctx.Err() != nil {
						break // cut off by the end of the run, not a failure
					}
					errs++
					if ferr == "" {
						ferr = err.Error()
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lats = append(lats, mine...)
			res.Errors += errs
			if res.FirstError == "" {
				res.FirstError = ferr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Ops = len(lats)
	if len(lats) > 0 {
		slices.Sort(lats)
		res.P50 = lats[len(lats)/2]
		res.P95 = lats[min(len(lats)-1, len(lats)*95/100)]
		res.P99 = lats[min(len(lats)-1, len(lats)*99/100)]
	}
	return res
}

// Client is an HTTP client of one server, with an API token.
type Client struct {
	HTTP  *http.Client
	Base  []string // one address per node; requests go round-robin
	Token string
}

// NewClient returns a client of the nodes at base with keep-alive connections for
// conns concurrent requests.
func NewClient(base []string, token string, conns int) *Client {
	return &Client{HTTP: &http.Client{Timeout: 60 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: conns + 4, MaxConnsPerHost: 0}}, Base: base, Token: token}
}

// Do sends one request to node n (mod the nodes) and reads the whole answer; a status
// other than want is an error.
func (c *Client) Do(ctx context.Context, n int, method, path string, body []byte, want int) error {
	req, err := http.NewRequestWithContext(ctx, method, c.Base[n%len(c.Base)]+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s: %.200s", method, path, resp.Status, b)
	}
	return nil
}

// RegisterBodies are n different registrations of the JSON API, about the windows.
func RegisterBodies(o Org, n int, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 99))
	out := make([][]byte, n)
	for i := range out {
		w := pick(r, o.Windows)
		body := fmt.Sprintf(`{"kind":"complaint","channel":"visit","complainant":{"name":%q,"phone":"1%d%09d"},`+
			`"target":{"unit":%q},"matter":%q,"request":%q,"categories":[%q]}`,
			personName(r), 3+r.IntN(7), r.IntN(1_000_000_000), w.Code, matter(r, w.Name), request(r),
			pick(r, categoryCodes()))
		out[i] = []byte(body)
	}
	return out
}

// Memory is a process's resident memory: all of it (VmRSS), and the part that is its
// own (RssAnon: heap, stacks) rather than pages of files it maps, which are the kernel's
// page cache, shared and given back under pressure (RssFile).
type Memory struct{ RSS, Anon int64 }

// RSS reads a process's resident memory from /proc; zeros where /proc cannot tell.
func RSS(pid int) Memory {
	var m Memory
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			m.RSS = kb << 10
		case "RssAnon:":
			m.Anon = kb << 10
		}
	}
	return m
}

// CPUTime is the CPU time (user and system) a process has used so far, from
// /proc/PID/stat in clock ticks of 1/100 s (Linux's USER_HZ); 0 where /proc cannot tell.
func CPUTime(pids ...int) time.Duration {
	var ticks int64
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue
		}
		// The command name, in parentheses, may hold spaces: count fields after it.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		k, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + k
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}
