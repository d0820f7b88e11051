package notify_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a mail server inside the test process, on 127.0.0.1, speaking just
// enough SMTP for a client: EHLO, STARTTLS (when it has a certificate), AUTH PLAIN, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT.
type smtpServer struct {
	t    *testing.T
	ln   net.Listener
	cert *tls.Config // offers STARTTLS when set
	// rcptReply, when set, answers RCPT instead of 250 (e.g. "550 5.1.1 no such user").
	rcptReply string

	mu    sync.Mutex
	mails []receivedMail
}

// receivedMail is one message the server took.
type receivedMail struct {
	From string
	To   []string
	Data string
	TLS  bool   // sent after STARTTLS
	Auth string // the AUTH PLAIN credentials, decoded: "\x00user\x00pass"
}

func newSMTPServer(t *testing.T, withTLS bool) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{t: t, ln: ln}
	if withTLS {
		s.cert = selfSigned(t)
	}
	t.Cleanup(func() { ln.Close() })
	go s.serve()
	return s
}

func (s *smtpServer) addr() string { return s.ln.Addr().String() }

func (s *smtpServer) received() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.mails...)
}

func (s *smtpServer) serve() {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(conn)
	}
}

func (s *smtpServer) session(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(conn)
	reply := func(lines ...string) {
		for _, l := range lines {
			_ = tp.PrintfLine("%s", l)
		}
	}
	reply("220 127.0.0.1 test ESMTP")
	var cur receivedMail
	inTLS := false
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"250-127.0.0.1 greets " + arg, "250-8BITMIME"}
			if s.cert != nil && !inTLS {
				lines = append(lines, "250-STARTTLS")
			}
			if inTLS {
				lines = append(lines, "250-AUTH PLAIN")
			}
			reply(append(lines, "250 OK")...)
		case "STARTTLS":
			if s.cert == nil || inTLS {
				reply("502 not offered")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(conn, s.cert)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, inTLS = tc, true
			tp = textproto.NewConn(tc)
		case "AUTH":
			mech, b64, _ := strings.Cut(arg, " ")
			creds, err := base64.StdEncoding.DecodeString(b64)
			if !strings.EqualFold(mech, "PLAIN") || err != nil {
				reply("504 unsupported")
				continue
			}
			cur.Auth = string(creds)
			reply("235 2.7.0 authenticated")
		case "MAIL":
			cur.From = bracketed(arg)
			reply("250 2.1.0 OK")
		case "RCPT":
			if s.rcptReply != "" {
				reply(s.rcptReply)
				continue
			}
			cur.To = append(cur.To, bracketed(arg))
			reply("250 2.1.5 OK")
		case "DATA":
			reply("354 end with .")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data, cur.TLS = string(data), inTLS
			s.mu.Lock()
			s.mails = append(s.mails, cur)
			s.mu.Unlock()
			cur = receivedMail{Auth: cur.Auth}
			reply("250 2.0.0 queued")
		case "RSET":
			cur = receivedMail{Auth: cur.Auth}
			reply("250 OK")
		case "NOOP":
			reply("250 OK")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 unknown command")
		}
	}
}

// bracketed is the address in "FROM:<a@b> BODY=8BITMIME".
func bracketed(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}

// selfSigned is a TLS configuration with a certificate for 127.0.0.1, made for the test.
func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// clientTLS trusts the server's certificate.
func (s *smtpServer) clientTLS(t *testing.T) *tls.Config {
	t.Helper()
	cert, err := x509.ParseCertificate(s.cert.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// parsedMail is a received message decoded as a mail client would.
type parsedMail struct {
	Header  mail.Header
	Subject string
	Body    string
}

func parseMail(t *testing.T, data string) parsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(data)))
	if err != nil {
		t.Fatalf("mail.ReadMessage: %v\n%s", err, data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode Subject %q: %v", msg.Header.Get("Subject"), err)
	}
	raw, err := io.ReadAll(msg.Body)
	if err != nil {
		t.Fatal(err)
	}
	body := string(raw)
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "base64") {
		b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(body))
		if err != nil {
			t.Fatalf("decode base64 body: %v", err)
		}
		body = string(b)
	}
	return parsedMail{Header: msg.Header, Subject: subject, Body: body}
}
