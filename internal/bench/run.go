package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Tab is one inbox tab as the JSON API lists it: the desk's tab of the same name (see
// internal/web/desk_inbox.go) as a query.
type Tab struct {
	Key, Label, Query string
}

// Tabs are the desk's inbox tabs a supervisor sees, as API queries, first page of 50.
var Tabs = []Tab{
	{"registered", "待受理", "status=registered&order=due"},
	{"assigned", "待签收", "status=assigned&order=due"},
	{"working", "办理中", "status=in_progress,suspended&order=due"},
	{"soon", "即将超期", "due=soon&order=due"},
	{"overdue", "已超期", "due=overdue&order=due"},
	{"reported", "待审核", "status=reported&order=due"},
	{"decided", "待答复", "status=decided&order=due"},
	{"replied", "待回访", "status=replied&order=newest"},
	{"dissatisfied", "不满意", "dissatisfied=true&order=newest"},
	{"archive", "待归档", "status=closed,not_accepted,withdrawn,merged&order=newest"},
	{"all", "全部", "order=newest"},
}

// Searches are the free-text searches measured, one of each kind the query language
// has (docs/SEARCH.md): common words (态度 is in about half the generated complaints,
// 推诿 in one in fourteen), a rarer one (危房改造, one service in twenty), a phrase, two
// words, one character, a number's tail, and a word that is nowhere.
var Searches = []Tab{
	{"search-common", "搜索“态度”（常见）", "q=" + url.QueryEscape("态度")},
	{"search-word", "搜索“推诿”", "q=" + url.QueryEscape("推诿")},
	{"search-rare", "搜索“危房改造”（少见）", "q=" + url.QueryEscape("危房改造")},
	{"search-phrase", "搜索“一次性告知”", "q=" + url.QueryEscape("一次性告知")},
	{"search-two", "搜索“态度 傲慢”（两词）", "q=" + url.QueryEscape("态度 傲慢")},
	{"search-char", "搜索“傲”（单字）", "q=" + url.QueryEscape("傲")},
	{"search-number", "搜索编号尾号“0042”", "q=0042"},
	{"search-none", "搜索无结果的词", "q=" + url.QueryEscape("飞船")},
}

// Filters are the list filters measured beside the tabs, newest first: each filter of
// the list API, on units and staff of the generated organisation (BuildOrg).
var Filters = []Tab{
	{"status", "状态：已受理", "status=accepted"},
	{"kind", "类型：举报", "kind=report"},
	{"channel", "渠道：信件", "channel=letter"},
	{"category", "类别：收费", "category=fees"},
	{"unit", "单位：一个窗口", "unit=c01-d01-w1"},
	{"due", "期限：已超期，最新在前", "due=overdue"},
	{"dates", "日期：一个月", "from=" + time.Now().AddDate(0, -2, 0).Format("2006-01-02") + "&to=" + time.Now().AddDate(0, -1, 0).Format("2006-01-02")},
	{"staff", "工作人员：一人", "staff=c01-d01-w1-1"},
}

// Process is a server started by the benchmark.
type Process struct {
	Cmd  *exec.Cmd
	Addr string // http://host:port
	// ColdStart is how long it took from exec to the first healthy /healthz.
	ColdStart time.Duration
	exited    chan struct{}
}

// FreeAddr returns a loopback address with a port that was free a moment ago.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Start runs cmd (which must make it listen on addr) and waits until addr's /healthz
// answers 200, at most timeout. Its output goes to logw.
func Start(ctx context.Context, cmd *exec.Cmd, addr string, logw io.Writer, timeout time.Duration) (*Process, error) {
	cmd.Stdout, cmd.Stderr = logw, logw
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	p := &Process{Cmd: cmd, Addr: "http://" + addr, exited: exited}
	go func() { cmd.Wait(); close(exited) }()
	hc := &http.Client{Timeout: time.Second}
	for {
		resp, err := hc.Get(p.Addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.ColdStart = time.Since(t0)
				return p, nil
			}
		}
		select {
		case <-exited:
			return nil, fmt.Errorf("%s exited before it was healthy", strings.Join(cmd.Args, " "))
		case <-ctx.Done():
			p.Stop()
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
		if time.Since(t0) > timeout {
			p.Stop()
			return nil, fmt.Errorf("%s not healthy after %s", addr, timeout)
		}
	}
}

// Stop ends the process (SIGTERM, then SIGKILL after 10 s) and waits for it.
func (p *Process) Stop() {
	if p == nil || p.Cmd.Process == nil {
		return
	}
	p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		p.Cmd.Process.Kill()
		<-p.exited
	}
}

// Sampler follows the resident memory of processes while a load runs.
type Sampler struct {
	mu   sync.Mutex
	peak Memory
	stop chan struct{}
	done chan struct{}
}

// SampleRSS samples the summed memory of pids every 100 ms until Stop.
func SampleRSS(pids []int) *Sampler {
	s := &Sampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			var sum Memory
			for _, pid := range pids {
				m := RSS(pid)
				sum.RSS += m.RSS
				sum.Anon += m.Anon
			}
			s.mu.Lock()
			s.peak.RSS = max(s.peak.RSS, sum.RSS)
			s.peak.Anon = max(s.peak.Anon, sum.Anon)
			s.mu.Unlock()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends the sampling and returns the peaks seen.
func (s *Sampler) Stop() Memory {
	close(s.stop)
	<-s.done
	return s.peak
}

// String is the memory as the report gives it.
func (m Memory) String() string {
	return fmt.Sprintf("%s (%s of it the process's own, the rest mapped files: the program and, on SQLite, database pages)", MB(m.RSS), MB(m.Anon))
}

// Row is one line of the report.
type Row struct {
	What    string
	Clients int
	Result  Result
	// CPU is the server processes' CPU time over the run (the baseline's for a
	// baseline row): per operation, the cost that contention for the cores does not blur.
	CPU time.Duration
	// Baseline names the row this one is compared with, and Ratio is PerSec over the
	// baseline's; empty and 0 for a baseline or a read.
	Baseline string
	Ratio    float64
}

// Table is the Markdown table of rows.
func Table(rows []Row) string {
	var b strings.Builder
	b.WriteString("| what | clients | per second | p50 ms | p95 ms | p99 ms | errors | server CPU µs/op | against |\n")
	b.WriteString("|------|--------:|-----------:|-------:|-------:|-------:|-------:|-----------------:|---------|\n")
	for _, r := range rows {
		against := ""
		if r.Baseline != "" {
			against = fmt.Sprintf("%.2f× %s", r.Ratio, r.Baseline)
		}
		cpu := "—"
		if r.Result.Ops > 0 && r.CPU > 0 {
			cpu = thousands(float64(r.CPU.Microseconds()) / float64(r.Result.Ops))
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %.1f | %.1f | %.1f | %d | %s | %s |\n", r.What, r.Clients, thousands(r.Result.PerSec()),
			ms(r.Result.P50), ms(r.Result.P95), ms(r.Result.P99), r.Result.Errors, cpu, against)
	}
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// thousands formats n with thousands separators: 12,345.
func thousands(f float64) string {
	s := strconv.FormatInt(int64(f+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// MB formats bytes as megabytes.
func MB(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }

// Section replaces the section of doc between the markers <!-- bench:key --> and
// <!-- /bench:key --> with body, or appends it with its markers.
func Section(doc, key, body string) string {
	open, end := "<!-- bench:"+key+" -->", "<!-- /bench:"+key+" -->"
	block := open + "\n" + strings.TrimRight(body, "\n") + "\n" + end
	i := strings.Index(doc, open)
	j := strings.Index(doc, end)
	if i >= 0 && j > i {
		return doc[:i] + block + doc[j+len(end):]
	}
	return strings.TrimRight(doc, "\n") + "\n\n" + block + "\n"
}
