package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SignatureHeader carries the generic webhook's signature: "sha256=" and the lower-case
// hex HMAC-SHA256 of the request body under TOUSU_WEBHOOK_SECRET.
const SignatureHeader = "X-Tousu-Signature"

// Headers every webhook request carries: the idempotency key (the same on every retry of
// one message, also sent as Idempotency-Key) and, for the generic webhook, the event type.
const (
	DeliveryHeader = "X-Tousu-Delivery"
	EventHeader    = "X-Tousu-Event"
)

// Sign is the signature header's value for body under secret.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether header is body's signature under secret, in constant time: what
// a receiver of the generic webhook does before trusting a request.
func Verify(secret, body []byte, header string) bool {
	return hmac.Equal([]byte(header), []byte(Sign(secret, body)))
}

// poster sends JSON over HTTP.
type poster struct {
	url    string
	client *http.Client
}

func newPoster(name, raw string) (poster, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return poster{}, fmt.Errorf("%s: %v", name, redactURLError(err))
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return poster{}, fmt.Errorf("%s must be an http:// or https:// URL", name)
	}
	return poster{url: raw, client: &http.Client{
		Timeout: 30 * time.Second,
		// A redirect would turn the POST into a GET: treat it as the failure it is.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

// post sends body and judges the answer: 2xx is delivered; 408, 425, 429 and 5xx are
// worth a retry; any other status is permanent. The answer's body is not kept: it may
// echo the recipient, which must not reach the outbox's error column.
func (p poster) post(ctx context.Context, what string, body []byte, h http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("%s: %w", what, err))
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "tousu")
	resp, err := p.client.Do(req)
	if err != nil {
		// The error names the URL, which is configuration, never a recipient.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return nil
	case c == http.StatusRequestTimeout, c == http.StatusTooEarly, c == http.StatusTooManyRequests, c >= 500:
		return fmt.Errorf("%s: HTTP %s", what, resp.Status)
	default:
		return Permanent(fmt.Errorf("%s: HTTP %s", what, resp.Status))
	}
}

func deliveryHeaders(m Outgoing) http.Header {
	key := idempotencyKey(m.ID, m.CreatedAt)
	h := http.Header{}
	h.Set(DeliveryHeader, key)
	h.Set("Idempotency-Key", key)
	return h
}

// SMSGateway sends text messages through a gateway that takes
// POST {"phone": "13812345678", "text": "…"} (TOUSU_SMS_WEBHOOK_URL).
type SMSGateway struct{ p poster }

// NewSMSGateway configures the SMS gateway at rawURL.
func NewSMSGateway(rawURL string) (*SMSGateway, error) {
	p, err := newPoster("TOUSU_SMS_WEBHOOK_URL", rawURL)
	if err != nil {
		return nil, err
	}
	return &SMSGateway{p: p}, nil
}

// Send posts one text to m.To.
func (g *SMSGateway) Send(ctx context.Context, m Outgoing) error {
	if strings.TrimSpace(m.To) == "" {
		return Permanent(errors.New("sms: no phone number"))
	}
	body, err := json.Marshal(struct {
		Phone string `json:"phone"`
		Text  string `json:"text"`
	}{m.To, m.Body})
	if err != nil {
		return Permanent(err)
	}
	return g.p.post(ctx, "sms", body, deliveryHeaders(m))
}

// Webhook posts each event, as the JSON the outbox holds, to another system
// (TOUSU_WEBHOOK_URL), signed with HMAC-SHA256 under TOUSU_WEBHOOK_SECRET.
type Webhook struct {
	p      poster
	secret []byte
}

// NewWebhook configures the generic webhook. An empty secret sends requests unsigned.
func NewWebhook(rawURL, secret string) (*Webhook, error) {
	p, err := newPoster("TOUSU_WEBHOOK_URL", rawURL)
	if err != nil {
		return nil, err
	}
	return &Webhook{p: p, secret: []byte(secret)}, nil
}

// NewHotline configures the 12345 hotline platform's endpoint (TOUSU_HOTLINE_URL): the
// same signed JSON posts as the generic webhook, under the hotline's shared secret.
func NewHotline(rawURL, secret string) (*Webhook, error) {
	p, err := newPoster("TOUSU_HOTLINE_URL", rawURL)
	if err != nil {
		return nil, err
	}
	return &Webhook{p: p, secret: []byte(secret)}, nil
}

// Signed reports whether requests carry a signature.
func (w *Webhook) Signed() bool { return len(w.secret) > 0 }

// Send posts m.Body, which is the event's JSON, as it is.
func (w *Webhook) Send(ctx context.Context, m Outgoing) error {
	body := []byte(m.Body)
	if !json.Valid(body) {
		return Permanent(errors.New("webhook: the message is not JSON"))
	}
	h := deliveryHeaders(m)
	if m.Event != "" {
		h.Set(EventHeader, m.Event)
	}
	if w.Signed() {
		h.Set(SignatureHeader, Sign(w.secret, body))
	}
	return w.p.post(ctx, "webhook", body, h)
}
