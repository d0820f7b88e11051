package web

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"tousu"
)

// submitted is the portal's answer to a submission: what the complainant needs to
// follow the case, nothing else.
type submitted struct {
	Number      string       `json:"number"`
	QueryCode   string       `json:"query_code"`
	Status      tousu.Status `json:"status"`
	StatusLabel string       `json:"status_label"`
	DueDate     tousu.Date   `json:"due_date"`
	TrackURL    string       `json:"track_url"`
}

func (s *Server) limit(l *limiter, w http.ResponseWriter, r *http.Request) error {
	ok, wait := l.allow(clientAddr(r), time.Now())
	if ok {
		return nil
	}
	w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
	return tousu.Errorf(tousu.KindRateLimited, "操作过于频繁，请稍后再试")
}

func (s *Server) submitPublic(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.submit, w, r); err != nil {
		return err
	}
	var in tousu.Register
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	if in.ReceivedAt != nil {
		return tousu.Problems{"received_at": "网上投诉不能指定收到时间"}.Err()
	}
	v, err := s.app.SubmitPublic(r.Context(), in)
	if err != nil {
		return err
	}
	s.metrics.registered.WithLabelValues(string(v.Channel)).Inc()
	writeJSON(w, http.StatusCreated, submitted{Number: v.Number, QueryCode: v.QueryCode, Status: v.Status,
		StatusLabel: v.StatusLabel, DueDate: v.DueDate, TrackURL: "/track?number=" + v.Number})
	return nil
}

func (s *Server) trackPublic(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.track, w, r); err != nil {
		return err
	}
	v, err := s.app.Track(r.Context(), r.PathValue("number"), r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) feedbackPublic(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.track, w, r); err != nil {
		return err
	}
	var in struct {
		Code string `json:"code"`
		tousu.FeedbackPayload
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	v, err := s.app.Feedback(r.Context(), r.PathValue("number"), in.Code, &in.FeedbackPayload)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
