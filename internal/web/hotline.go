package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/notify"
)

// The 12345 hotline platform's door (docs/12345.md): work orders in, 回访 and 督办 on
// them. Each request is signed like our outgoing webhooks, X-Tousu-Signature:
// sha256=<hex HMAC-SHA256 of the raw body under TOUSU_HOTLINE_SECRET>. Without a secret
// configured the routes answer 404, as if they did not exist.

// hotlineBody reads the body and checks its signature: 401 when it does not match.
func (s *Server) hotlineBody(w http.ResponseWriter, r *http.Request) error {
	if len(s.hotlineSecret) == 0 {
		return notFoundAPI(w, r)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &tousu.Error{Kind: tousu.KindTooLarge, Message: fmt.Sprintf("请求体过大（最多 %d 字节）", MaxBody)}
		}
		return &tousu.Error{Kind: tousu.KindMalformed, Message: "读取请求体失败", Err: err}
	}
	if !notify.Verify(s.hotlineSecret, body, r.Header.Get(notify.SignatureHeader)) {
		return tousu.Errorf(tousu.KindUnauthorized, "签名无效：X-Tousu-Signature 应为 sha256=请求体的 HMAC-SHA256（十六进制）")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

func (s *Server) hotlineOrder(w http.ResponseWriter, r *http.Request) error {
	if err := s.hotlineBody(w, r); err != nil {
		return err
	}
	var o app.HotlineOrder
	if err := decode(w, r, &o, false); err != nil {
		return err
	}
	v, created, err := s.app.ReceiveHotlineOrder(r.Context(), o)
	if err != nil {
		return err
	}
	code := http.StatusOK
	if created {
		code = http.StatusCreated
		s.metrics.registered.WithLabelValues(string(v.Channel)).Inc()
	}
	writeJSON(w, code, v)
	return nil
}

func (s *Server) hotlineEvent(w http.ResponseWriter, r *http.Request) error {
	if err := s.hotlineBody(w, r); err != nil {
		return err
	}
	var e app.HotlineEvent
	if err := decode(w, r, &e, false); err != nil {
		return err
	}
	v, err := s.app.HotlineOrderEvent(r.Context(), r.PathValue("no"), e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
