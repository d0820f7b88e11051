package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// SMTP sends e-mail through a mail server: plain text in UTF-8, the subject encoded as
// RFC 2047 words, the body in base64, so that Chinese arrives intact in every client.
type SMTP struct {
	addr     string // host:port
	host     string
	implicit bool // smtps://: TLS from the first byte (port 465)
	user     string
	pass     string
	from     *mail.Address
	// HelloName is the name the client gives in EHLO; "localhost" when empty.
	HelloName string
	// TLSConfig, when set, replaces the TLS settings of STARTTLS and smtps (tests trust
	// their own certificate with it).
	TLSConfig *tls.Config
	// Timeout bounds one delivery, connection to QUIT; 30 seconds when zero.
	Timeout time.Duration
}

// NewSMTP configures e-mail from TOUSU_SMTP_URL and TOUSU_MAIL_FROM: rawURL is
// smtp://[user:pass@]host:port (STARTTLS whenever the server offers it) or
// smtps://[user:pass@]host:port (TLS at once); from is an address, optionally with a
// display name ("投诉督查处 <noreply@example.gov.cn>").
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("TOUSU_SMTP_URL: %v", redactURLError(err))
	}
	s := &SMTP{}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		s.implicit = true
	default:
		return nil, errors.New("TOUSU_SMTP_URL must be smtp://[user:pass@]host:port or smtps://…")
	}
	s.host = u.Hostname()
	if s.host == "" {
		return nil, errors.New("TOUSU_SMTP_URL names no host")
	}
	port := u.Port()
	if port == "" {
		port = "25"
		if s.implicit {
			port = "465"
		}
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if strings.TrimSpace(from) == "" {
		return nil, errors.New("TOUSU_MAIL_FROM is required with TOUSU_SMTP_URL")
	}
	s.from, err = mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("TOUSU_MAIL_FROM: %v", err)
	}
	return s, nil
}

// redactURLError keeps a password in a malformed URL out of the error.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// From is the sender's address.
func (s *SMTP) From() string { return s.from.Address }

// Send delivers one e-mail to m.To.
func (s *SMTP) Send(ctx context.Context, m Outgoing) (err error) {
	to, perr := mail.ParseAddress(m.To)
	if perr != nil {
		return Permanent(fmt.Errorf("smtp: the recipient is not an e-mail address"))
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tlsConfig := s.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	}
	var d net.Dialer
	var conn net.Conn
	if s.implicit {
		td := tls.Dialer{NetDialer: &d, Config: tlsConfig}
		conn, err = td.DialContext(ctx, "tcp", s.addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	// net/smtp knows no context: the deadline bounds every read and write instead, and
	// cancelling ctx closes the connection.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return smtpError(err)
	}
	defer c.Close()
	helo := s.HelloName
	if helo == "" {
		helo = "localhost"
	}
	if err := c.Hello(helo); err != nil {
		return smtpError(err)
	}
	if !s.implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return smtpError(err)
			}
		}
	}
	if s.user != "" {
		// PlainAuth refuses to send the password over a connection without TLS, unless
		// the server is on this machine.
		if ok, _ := c.Extension("AUTH"); !ok {
			return Permanent(errors.New("smtp: the server offers no AUTH, but TOUSU_SMTP_URL has credentials"))
		}
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			var tp *textproto.Error
			if !errors.As(err, &tp) {
				// Refused before asking the server: no TLS to send the password over.
				return Permanent(fmt.Errorf("smtp: %w", err))
			}
			return smtpError(err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return smtpError(err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return smtpError(err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpError(err)
	}
	if _, err := w.Write(s.compose(to, m)); err != nil {
		return smtpError(err)
	}
	if err := w.Close(); err != nil {
		return smtpError(err)
	}
	// The server has taken the message once DATA is acknowledged; a failed QUIT does not
	// make it undelivered.
	_ = c.Quit()
	return nil
}

// smtpError wraps a failure; a 5xx reply is permanent (an unknown mailbox, a refused
// sender), anything else (4xx, a broken connection) is worth a retry.
func smtpError(err error) error {
	var tp *textproto.Error
	if errors.As(err, &tp) && tp.Code >= 500 {
		return Permanent(fmt.Errorf("smtp: %w", err))
	}
	return fmt.Errorf("smtp: %w", err)
}

// compose writes the message: headers in ASCII (RFC 2047 words for Chinese), a plain text
// body in UTF-8 and base64, lines ending in CRLF.
func (s *SMTP) compose(to *mail.Address, m Outgoing) []byte {
	var b bytes.Buffer
	domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	created := m.CreatedAt
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", s.from.String())
	header("To", (&mail.Address{Address: to.Address}).String())
	header("Subject", mime.BEncoding.Encode("UTF-8", oneLine(m.Subject)))
	header("Date", created.Format(time.RFC1123Z))
	// The Message-ID is the same on every retry, so that a resent duplicate can be dropped.
	header("Message-ID", "<"+idempotencyKey(m.ID, m.CreatedAt)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	// RFC 3834: nobody should auto-reply to a notification.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// oneLine keeps a header value on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
