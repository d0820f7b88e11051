package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"tousu/internal/app"
	"tousu/internal/demo"
	"tousu/internal/notify"
)

// The wiring of notifications and background jobs for `tousu serve`: the channels from
// the environment (DESIGN §5), and the jobs' loop.

// notifications reads the channels from the environment: TOUSU_SMTP_URL and
// TOUSU_MAIL_FROM, TOUSU_SMS_WEBHOOK_URL, TOUSU_WEBHOOK_URL and TOUSU_WEBHOOK_SECRET. A
// channel left unset sends nothing, and no message is made for it.
func (m *Main) notifications(publicURL string) (app.Notifications, error) {
	n := app.Notifications{PublicURL: publicURL}
	if publicURL != "" {
		u, err := url.Parse(publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return n, usageError{"--public-url (TOUSU_PUBLIC_URL) must be the portal's http:// or https:// address"}
		}
	}
	if v := m.Getenv("TOUSU_SMTP_URL"); v != "" {
		s, err := notify.NewSMTP(v, m.Getenv("TOUSU_MAIL_FROM"))
		if err != nil {
			return n, usageError{err.Error()}
		}
		if host, err := os.Hostname(); err == nil {
			s.HelloName = host
		}
		n.Email = s
	}
	if v := m.Getenv("TOUSU_SMS_WEBHOOK_URL"); v != "" {
		g, err := notify.NewSMSGateway(v)
		if err != nil {
			return n, usageError{err.Error()}
		}
		n.SMS = g
	}
	if v := m.Getenv("TOUSU_WEBHOOK_URL"); v != "" {
		w, err := notify.NewWebhook(v, m.Getenv("TOUSU_WEBHOOK_SECRET"))
		if err != nil {
			return n, usageError{err.Error()}
		}
		n.Webhook = w
	}
	if v := m.Getenv("TOUSU_HOTLINE_URL"); v != "" {
		// The platform must be able to trust what it hears: no secret, no status events.
		if m.Getenv("TOUSU_HOTLINE_SECRET") == "" {
			return n, usageError{"TOUSU_HOTLINE_URL needs TOUSU_HOTLINE_SECRET: status events to the 12345 platform are always signed"}
		}
		h, err := notify.NewHotline(v, m.Getenv("TOUSU_HOTLINE_SECRET"))
		if err != nil {
			return n, usageError{err.Error()}
		}
		n.Hotline = h
	}
	return n, nil
}

// configureNotifications gives the use cases their channels — except SMS and e-mail on
// a database that holds the demo: its complainants' telephone numbers look real and may
// be someone's, so a demo never texts or mails anyone.
func (m *Main) configureNotifications(ctx context.Context, e *env, n app.Notifications) error {
	units, err := e.app.Units(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		if u.Code == demo.CentreCode && (n.SMS != nil || n.Email != nil) {
			e.log.Warn("this database holds the demo: SMS and e-mail stay off, whatever TOUSU_SMS_WEBHOOK_URL and TOUSU_SMTP_URL say (演示数据库不发送短信和邮件)")
			n.SMS, n.Email = nil, nil
		}
	}
	if w, ok := n.Webhook.(*notify.Webhook); ok && !w.Signed() {
		e.log.Warn("TOUSU_WEBHOOK_URL without TOUSU_WEBHOOK_SECRET: events are sent unsigned")
	}
	var on []string
	for name, s := range map[string]notify.Sender{"email": n.Email, "sms": n.SMS, "webhook": n.Webhook, "hotline": n.Hotline} {
		if s != nil {
			on = append(on, name)
		}
	}
	e.log.Info("notifications", "channels", strings.Join(on, ","), "public_url", n.PublicURL)
	e.app.SetNotifications(n)
	return nil
}

// jobInterval reads --job-interval (TOUSU_JOB_INTERVAL).
func jobInterval(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < time.Second {
		return 0, usageError{fmt.Sprintf("--job-interval (TOUSU_JOB_INTERVAL) must be a duration of at least 1s, like 1m or 30s; got %q", s)}
	}
	return d, nil
}

// startJobs runs the background jobs until ctx ends; the returned function waits for them
// to stop, so that the database is closed only afterwards.
func startJobs(ctx context.Context, e *env, every time.Duration) (wait func()) {
	var wg sync.WaitGroup
	wg.Go(func() { e.app.RunJobs(ctx, app.JobOptions{Holder: holderID(), Interval: every}) })
	// Every node folds the statistics' queue every second, whatever the jobs' interval.
	wg.Go(func() { e.app.RunStatsFold(ctx, 0) })
	return wg.Wait
}

// holderID names this process among the nodes for the jobs' leases: host, process and a
// random part, since two containers may share a host name and a process ID.
func holderID() string {
	host, err := os.Hostname()
	if err != nil {
		host = "tousu"
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}
