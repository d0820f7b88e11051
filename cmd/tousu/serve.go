package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"tousu/internal/demo"
	"tousu/internal/web"
)

func (m *Main) serve(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("serve", &cfg)
	addr := fs.String("addr", m.env("TOUSU_ADDR", "127.0.0.1:8080"), "listen address (TOUSU_ADDR)")
	withDemo := fs.Bool("demo", false, "load the demo organisation and complaints first (idempotent)")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	if *withDemo {
		sum, err := demo.Load(ctx, e.app, demo.Options{})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		e.log.Info("demo loaded", "complaints", sum.Complaints, "skipped", sum.Skipped)
	}
	pw, err := e.app.FirstAdmin(ctx)
	if err != nil {
		return err
	}
	if w := e.app.CalendarWarning(ctx); w != "" {
		e.log.Warn(w)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	if pw != "" {
		fmt.Fprintf(m.Stdout, "\n首次登录 first login: %s/login  用户名 login: admin  密码 password: %s\n(this password is shown once; change it after signing in)\n\n", url, pw)
	}
	if *withDemo {
		fmt.Fprintf(m.Stdout, "演示账号 demo accounts: clerk, supervisor, handler-rs, inspector, leader — password %s\n", demo.Password)
	}
	srv := &http.Server{
		Handler:           web.New(web.Options{App: e.app, Logger: e.log}),
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
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
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
