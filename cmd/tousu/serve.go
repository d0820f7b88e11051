package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/demo"
	"tousu/internal/web"
)

func (m *Main) serve(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("serve", &cfg)
	addr := fs.String("addr", m.env("TOUSU_ADDR", "127.0.0.1:8080"), "listen address (TOUSU_ADDR)")
	metricsAddr := fs.String("metrics-addr", m.env("TOUSU_METRICS_ADDR", ""),
		"listen address of /metrics for Prometheus, e.g. 127.0.0.1:9090; empty: no metrics (TOUSU_METRICS_ADDR)")
	perClient := fs.Int64("evidence-per-client", m.envInt("TOUSU_EVIDENCE_PER_CLIENT", app.DefaultEvidenceLimits.PerClientHour>>20),
		"MiB of portal evidence one client address may send per hour; -1: no limit (TOUSU_EVIDENCE_PER_CLIENT)")
	perHour := fs.Int64("evidence-per-hour", m.envInt("TOUSU_EVIDENCE_PER_HOUR", app.DefaultEvidenceLimits.PerHour>>20),
		"MiB of portal evidence all clients together may send per hour; -1: no limit (TOUSU_EVIDENCE_PER_HOUR)")
	storage := fs.Int64("evidence-storage", m.envInt("TOUSU_EVIDENCE_STORAGE", app.DefaultEvidenceLimits.Storage>>20),
		"MiB of evidence stored in all, past which uploads are refused; -1: no limit (TOUSU_EVIDENCE_STORAGE)")
	withDemo := fs.Bool("demo", false, "load the demo organisation and complaints first (idempotent)")
	proxyList := fs.String("trusted-proxy", m.env("TOUSU_TRUSTED_PROXIES", ""),
		"reverse proxies whose X-Forwarded-For is believed, as CIDR[,CIDR] (TOUSU_TRUSTED_PROXIES)")
	// Notifications and background jobs (notify.go).
	every := fs.String("job-interval", m.env("TOUSU_JOB_INTERVAL", "1m"), "how often deadline checks and the outbox run (TOUSU_JOB_INTERVAL)")
	publicURL := fs.String("public-url", m.env("TOUSU_PUBLIC_URL", ""), "the portal's address as complainants reach it, for links in SMS, e-mail and printed receipts (TOUSU_PUBLIC_URL)")
	insecure := fs.Bool("insecure-cookie", m.env("TOUSU_INSECURE_COOKIE", "") == "true",
		"let the desk sign in over plain HTTP on a network name: the session cookie loses its Secure flag (TOUSU_INSECURE_COOKIE=true); use HTTPS instead wherever you can")
	jurisdiction := fs.String("open311-jurisdiction", m.env("TOUSU_OPEN311_JURISDICTION", ""),
		"the jurisdiction_id Open311 callers must send; empty accepts any (TOUSU_OPEN311_JURISDICTION)")
	if err := parse(fs, args); err != nil {
		return err
	}
	// Take the addresses before anything is created: when one is taken, serve fails with
	// nothing written, and the once-only admin password is not spent on a server that
	// never ran.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (is another tousu or program using it? choose another with --addr): %w", *addr, err)
	}
	defer ln.Close()
	var mln net.Listener
	if *metricsAddr != "" {
		if mln, err = net.Listen("tcp", *metricsAddr); err != nil {
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		defer mln.Close()
	}
	mib := func(n int64) int64 {
		if n < 0 {
			return -1
		}
		return n << 20
	}
	cfg.evidence = app.EvidenceLimits{PerClientHour: mib(*perClient), PerHour: mib(*perHour), Storage: mib(*storage)}
	interval, err := jobInterval(*every)
	if err != nil {
		return err
	}
	channels, err := m.notifications(*publicURL)
	if err != nil {
		return err
	}
	proxies, err := parseProxies(*proxyList)
	if err != nil {
		return usageError{err.Error()}
	}
	// The demo and the first admin are made while no other node starts on the database:
	// of nodes started together, one loads the demo and prints the first password, and
	// the others find both.
	var pw string
	e, err := m.openWith(ctx, cfg, func(e *env) error {
		if *withDemo {
			sum, err := demo.Load(ctx, e.app, demo.Options{})
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			e.log.Info("demo loaded", "complaints", sum.Complaints, "skipped", sum.Skipped)
		}
		var err error
		pw, err = e.app.FirstAdmin(ctx)
		return err
	})
	if err != nil {
		return err
	}
	defer e.Close()
	if w := e.app.CalendarWarning(ctx); w != "" {
		e.log.Warn(w)
	}
	warnCoverage(ctx, e)
	if *insecure {
		e.log.Warn("--insecure-cookie: the desk's session cookie is sent over plain HTTP, where anyone on the network can read it; serve over HTTPS instead")
	}
	// After the demo is loaded: loading it never notifies anyone.
	if err := m.configureNotifications(ctx, e, channels); err != nil {
		return err
	}

	url := "http://" + ln.Addr().String()
	if pw != "" {
		fmt.Fprintf(m.Stdout, "\n首次登录 first login: %s/login  用户名 login: admin  密码 password: %s\n(this password is shown once; change it after signing in)\n\n", url, pw)
	}
	if *withDemo {
		fmt.Fprintf(m.Stdout, "演示账号 demo accounts: %s — password %s\n", strings.Join(demo.Logins(), ", "), demo.Password)
	}
	ws := web.New(web.Options{App: e.app, Logger: e.log, TrustedProxies: proxies, InsecureCookie: *insecure,
		Open311Jurisdiction: *jurisdiction, HotlineSecret: m.Getenv("TOUSU_HOTLINE_SECRET")})
	srv := &http.Server{
		Handler:           ws,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	e.log.Info("serving", "addr", url)
	if m.Ready != nil {
		m.Ready <- ln.Addr().String()
	}
	jobs, stopJobs := context.WithCancel(ctx)
	defer startJobs(jobs, e, interval)() // waits for the jobs to stop before the database closes
	defer stopJobs()
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if mln != nil {
		// The metrics have a listener of their own, which the portal's and the desk's
		// users never reach (docs/DEPLOY.md).
		msrv := &http.Server{Handler: ws.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		go func() { errc <- msrv.Serve(mln) }()
		defer msrv.Close()
		e.log.Info("serving metrics", "addr", "http://"+mln.Addr().String()+"/metrics")
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	e.log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// parseProxies reads --trusted-proxy: prefixes (10.0.0.0/8) or single addresses
// (10.0.0.5), separated by commas.
func parseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy: %q is neither a CIDR prefix nor an IP address", item)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// warnCoverage logs, at start-up, the units no active supervisor or handler covers and
// the open complaints no active account can see: a complaint there would wait unseen.
func warnCoverage(ctx context.Context, e *env) {
	cov, err := e.app.Coverage(ctx, tousu.SystemActor)
	if err != nil {
		e.log.Error("coverage check", "err", err)
		return
	}
	for _, g := range cov.Units {
		var lacks []string
		if g.NoSupervisor {
			lacks = append(lacks, "supervisor")
		}
		if g.NoHandler {
			lacks = append(lacks, "handler")
		}
		e.log.Warn("unit without an active "+strings.Join(lacks, " or ")+"; see /desk/admin/intake", "unit", g.Unit, "name", g.Path)
	}
	if len(cov.Unseen) > 0 {
		e.log.Warn("open complaints no active account can see; see /desk/admin/intake", "count", len(cov.Unseen),
			"first", cov.Unseen[0])
	}
}
