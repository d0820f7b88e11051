package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/bench"
)

// benchCommand runs tousu bench and its subcommands.
func (m *Main) benchCommand(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "generate":
			return m.benchGenerate(ctx, args[1:])
		case "baseline":
			return m.benchBaseline(ctx, args[1:])
		}
	}
	return m.benchRun(ctx, args)
}

// parseSize reads a complaint count: 5000, 100k, 1m (also 1M, 10m).
func parseSize(s string) (int, error) {
	mult := 1
	t := strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasSuffix(t, "k"):
		mult, t = 1_000, strings.TrimSuffix(t, "k")
	case strings.HasSuffix(t, "m"):
		mult, t = 1_000_000, strings.TrimSuffix(t, "m")
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 || n > 100_000_000/mult {
		return 0, usageError{fmt.Sprintf("--size %q: a count such as 5000, 100k or 1m", s)}
	}
	return n * mult, nil
}

// benchGenerate adds generated complaints to a database through the bulk path.
func (m *Main) benchGenerate(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("bench generate", &cfg)
	sizeText := fs.String("size", "100k", "how many complaints to add: 5000, 100k, 1m")
	seed := fs.Uint64("seed", 1, "the generator's seed: the same seed and size make the same data")
	batch := fs.Int("batch", 2000, "complaints per transaction")
	if err := parse(fs, args); err != nil {
		return err
	}
	size, err := parseSize(*sizeText)
	if err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	n, err := m.generate(ctx, e, size, *seed, *batch)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "generated %d complaints in %s (%.0f a second)\n", size, n.Round(time.Millisecond), float64(size)/n.Seconds())
	return nil
}

// generate stores the generated organisation and size complaints, reporting progress
// every tenth, and returns how long it took.
func (m *Main) generate(ctx context.Context, e *env, size int, seed uint64, batch int) (time.Duration, error) {
	start := time.Now()
	o := bench.BuildOrg(size)
	if err := o.Put(ctx, e.store); err != nil {
		return 0, err
	}
	cal, err := e.app.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	step := max(size/10, 1)
	next := step
	err = bench.Generate(ctx, e.store, o, bench.Options{Size: size, Seed: seed, End: e.app.Now(), Keys: e.app.Keys(),
		Calendar: cal, Location: e.app.Location(), Batch: batch,
		Progress: func(done int) {
			if done >= next || done == size {
				fmt.Fprintf(m.Stderr, "generated %d of %d (%s)\n", done, size, time.Since(start).Round(time.Second))
				next = done/step*step + step
			}
		}})
	return time.Since(start), err
}

// benchBaseline serves the benchmark's baseline (bench.Baseline) until interrupted: a
// process of its own, as tousu serve is, measured by the same client.
func (m *Main) benchBaseline(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("bench baseline", &cfg)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address")
	if err := parse(fs, args); err != nil {
		return err
	}
	b, err := bench.OpenBaseline(ctx, cfg.db)
	if err != nil {
		return err
	}
	defer b.Close()
	srv := &http.Server{Addr: *addr, Handler: b.Handler()}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// The benchmark's accounts: a clerk who registers at the root, a supervisor at the root
// and one scoped to a department (the first generated one).
var benchAccounts = []app.NewUser{
	{Login: "bench-clerk", Name: "压测受理员", Roles: []tousu.Role{tousu.RoleClerk}},
	{Login: "bench-root", Name: "压测督查员（全局）", Roles: []tousu.Role{tousu.RoleSupervisor}},
	{Login: "bench-scoped", Name: "压测督查员（部门）", Roles: []tousu.Role{tousu.RoleSupervisor}},
}

// benchRun is tousu bench: it brings the database to the size asked (generating what is
// missing), starts the baseline and the server nodes as processes of their own, drives
// them over HTTP from this process with closed-loop clients, and reports.
func (m *Main) benchRun(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("bench", &cfg)
	sizeText := fs.String("size", "100k", "complaints in the database: generated up to this many (5000, 100k, 1m)")
	clientsText := fs.String("clients", "1,8,32", "concurrent clients, comma-separated")
	dur := fs.Duration("duration", 5*time.Second, "how long each registration measurement runs")
	readDur := fs.Duration("read-duration", 2*time.Second, "how long each list and search measurement runs")
	nodes := fs.Int("nodes", 1, "tousu serve processes to start on the database (PostgreSQL: many nodes)")
	reads := fs.Bool("reads", true, "measure the inbox tabs and searches too")
	writes := fs.Bool("writes", true, "measure registration (--writes=false: only the reads, adding nothing to the database)")
	out := fs.String("out", "", "Markdown file whose section for this engine, size and node count is replaced by the report (e.g. docs/PERFORMANCE.md)")
	if err := parse(fs, args); err != nil {
		return err
	}
	size, err := parseSize(*sizeText)
	if err != nil {
		return err
	}
	var clients []int
	for _, f := range strings.Split(*clientsText, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 {
			return usageError{fmt.Sprintf("--clients %q: numbers from 1 to 1024, comma-separated", *clientsText)}
		}
		clients = append(clients, n)
	}
	if *nodes < 1 || *nodes > 16 {
		return usageError{"--nodes: 1 to 16"}
	}
	spawn := m.Spawn
	if spawn == nil {
		bin, err := os.Executable()
		if err != nil {
			return err
		}
		spawn = func(args []string) *exec.Cmd { return exec.Command(bin, args...) }
	}

	// The data and the accounts.
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	have, err := e.store.CountComplaints(ctx, tousu.ComplaintFilter{})
	if err != nil {
		e.Close()
		return err
	}
	var genTime time.Duration
	if have < size {
		fmt.Fprintf(m.Stderr, "generating %d complaints (the database has %d)\n", size-have, have)
		if genTime, err = m.generate(ctx, e, size-have, uint64(have)+1, 2000); err != nil {
			e.Close()
			return err
		}
	}
	o := bench.BuildOrg(size)
	if err := o.Put(ctx, e.store); err != nil {
		e.Close()
		return err
	}
	tokens := map[string]string{}
	for _, nu := range benchAccounts {
		if nu.Login == "bench-scoped" {
			nu.Unit = o.Departments[0].Code
		}
		if _, err := e.store.FindUser(ctx, nu.Login); tousu.IsKind(err, tousu.KindNotFound) {
			if _, err := e.app.CreateUser(ctx, tousu.SystemActor, nu); err != nil {
				e.Close()
				return err
			}
		} else if err != nil {
			e.Close()
			return err
		}
		if tokens[nu.Login], err = e.app.CreateTokenUntil(ctx, tousu.SystemActor, nu.Login, time.Now().Add(24*time.Hour)); err != nil {
			e.Close()
			return err
		}
	}
	if err := e.Close(); err != nil {
		return err
	}

	// The processes.
	logf, err := os.CreateTemp("", "tousu-bench-*.log")
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(m.Stderr, "server output: %s\n", logf.Name())
	common := []string{"--db", cfg.db, "--tz", cfg.tz}
	if cfg.keysFile != "" {
		common = append(common, "--keys-file", cfg.keysFile)
	}
	baseAddr, err := bench.FreeAddr()
	if err != nil {
		return err
	}
	base, err := bench.Start(ctx, spawn(append([]string{"bench", "baseline", "--addr", baseAddr}, common...)), baseAddr, logf, 30*time.Second)
	if err != nil {
		return err
	}
	defer base.Stop()
	var servers []*bench.Process
	defer func() {
		for _, p := range servers {
			p.Stop()
		}
	}()
	for range *nodes {
		addr, err := bench.FreeAddr()
		if err != nil {
			return err
		}
		p, err := bench.Start(ctx, spawn(append([]string{"serve", "--addr", addr}, common...)), addr, logf, 5*time.Minute)
		if err != nil {
			return err
		}
		servers = append(servers, p)
	}
	time.Sleep(time.Second)
	var (
		addrs []string
		pids  []int
		idle  bench.Memory
	)
	for _, p := range servers {
		addrs = append(addrs, p.Addr)
		pids = append(pids, p.Cmd.Process.Pid)
		m := bench.RSS(p.Cmd.Process.Pid)
		idle.RSS += m.RSS
		idle.Anon += m.Anon
	}

	// The load.
	maxClients := 0
	for _, c := range clients {
		maxClients = max(maxClients, c)
	}
	bodies := bench.RegisterBodies(o, 4096, uint64(time.Now().UnixNano()))
	baseClient := bench.NewClient([]string{base.Addr}, "", maxClients)
	clerk := bench.NewClient(addrs, tokens["bench-clerk"], maxClients)
	sampler := bench.SampleRSS(pids)
	var rows []bench.Row
	basePID := []int{base.Cmd.Process.Pid}
	run := func(what string, c int, d time.Duration, on []int, op func(ctx context.Context, client, i int) error) (bench.Result, time.Duration) {
		cpu0 := bench.CPUTime(on...)
		r := bench.Closed(ctx, c, d, op)
		cpu := bench.CPUTime(on...) - cpu0
		fmt.Fprintf(m.Stderr, "%-40s %3d clients: %8.0f/s p99 %.1f ms errors %d %s\n", what, c, r.PerSec(), float64(r.P99)/1e6, r.Errors, r.FirstError)
		return r, cpu
	}
	post := func(cl *bench.Client, path string, want int) func(ctx context.Context, client, i int) error {
		return func(ctx context.Context, client, i int) error {
			return cl.Do(ctx, client+i, "POST", path, bodies[(client*7919+i)%len(bodies)], want)
		}
	}
	for _, c := range clients {
		if !*writes {
			break
		}
		js, jsCPU := run("bare Go JSON handler", c, *dur, basePID, post(baseClient, "/json", http.StatusCreated))
		commit, commitCPU := run("bare handler + one durable commit", c, *dur, basePID, post(baseClient, "/commit", http.StatusCreated))
		reg, regCPU := run("register (POST /api/v1/complaints)", c, *dur, pids, post(clerk, "/api/v1/complaints", http.StatusCreated))
		rows = append(rows, bench.Row{What: "bare Go JSON handler", Clients: c, Result: js, CPU: jsCPU},
			bench.Row{What: "bare handler + one durable commit", Clients: c, Result: commit, CPU: commitCPU},
			bench.Row{What: "register", Clients: c, Result: reg, CPU: regCPU, Baseline: "JSON handler", Ratio: reg.PerSec() / js.PerSec()},
			bench.Row{What: "register", Clients: c, Result: reg, CPU: regCPU, Baseline: "durable commit", Ratio: reg.PerSec() / commit.PerSec()})
	}
	if *reads {
		for _, who := range []string{"bench-root", "bench-scoped"} {
			cl := bench.NewClient(addrs, tokens[who], maxClients)
			scope := "全局"
			if who == "bench-scoped" {
				scope = "部门"
			}
			// Every tab, filter and search, for the root and for the scoped supervisor:
			// scope must cost nothing (DESIGN §7).
			lists := append(append(append([]bench.Tab(nil), bench.Tabs...), bench.Filters...), bench.Searches...)
			for _, t := range lists {
				for _, c := range clients {
					path := "/api/v1/complaints?limit=50&" + t.Query
					r, cpu := run(t.Label+"（"+scope+"）", c, *readDur, pids, func(ctx context.Context, client, i int) error {
						return cl.Do(ctx, client+i, "GET", path, nil, http.StatusOK)
					})
					rows = append(rows, bench.Row{What: t.Label + "（" + scope + "督查员）", Clients: c, Result: r, CPU: cpu})
				}
			}
		}
	}
	peak := sampler.Stop()

	// The report.
	engine := "SQLite"
	if !strings.HasPrefix(cfg.db, "sqlite:") {
		engine = "PostgreSQL"
	}
	key := fmt.Sprintf("%s-%s-%dnode", strings.ToLower(engine), strings.ToLower(*sizeText), *nodes)
	if !*reads {
		key += "-registration"
	}
	if !*writes {
		key += "-reads"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### %s, %s complaints, %d node(s)\n\n", engine, *sizeText, *nodes)
	fmt.Fprintf(&b, "- date: %s; machine: %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), machine())
	fmt.Fprintf(&b, "- command: `tousu bench %s`\n", strings.Join(redactArgs(args), " "))
	fmt.Fprintf(&b, "- cold start to a healthy `/healthz`: %s (first node)", servers[0].ColdStart.Round(time.Millisecond))
	if genTime > 0 {
		fmt.Fprintf(&b, "; generated %d complaints first in %s", size-have, genTime.Round(time.Second))
	}
	fmt.Fprintf(&b, "\n- server resident memory (all nodes): idle %s; peak under load %s\n\n", idle, peak)
	b.WriteString(bench.Table(rows))
	fmt.Fprint(m.Stdout, b.String())
	if *out != "" {
		doc, err := os.ReadFile(*out)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := os.WriteFile(*out, []byte(bench.Section(string(doc), key, b.String())), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// redactArgs is the command line as the report shows it: a PostgreSQL URL's password
// hidden.
func redactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if j := strings.Index(a, "://"); j >= 0 {
			if at := strings.Index(a, "@"); at > j {
				if colon := strings.Index(a[j+3:at], ":"); colon >= 0 {
					a = a[:j+3+colon] + ":***" + a[at:]
				}
			}
		}
		out[i] = a
	}
	return out
}

// machine describes the machine the benchmark runs on: CPU model, cores, memory.
func machine() string {
	model := runtime.GOARCH
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0]); len(f) >= 2 {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			mem = fmt.Sprintf(", %.0f GB RAM", float64(kb)/(1<<20))
		}
	}
	kernel := ""
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		kernel = ", " + strings.TrimSpace(string(out))
	}
	return fmt.Sprintf("%s, %d cores%s%s, %s", model, runtime.NumCPU(), mem, kernel, runtime.Version())
}
