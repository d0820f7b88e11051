package web

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzPortalForm feeds the complaint form's reader arbitrary multipart bodies: it answers
// with a form or an error of ours, never a panic (DESIGN §7: every decoder is fuzzed).
func FuzzPortalForm(f *testing.F) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.SetBoundary("xyz")
	mw.WriteField("matter", "窗口态度生硬")
	mw.WriteField("incident_at", "2026-01-29T15:00")
	mw.WriteField("complainant.anonymous", "1")
	w, _ := mw.CreateFormFile("evidence", "a.png")
	w.Write([]byte("\x89PNG\r\n\x1a\n"))
	mw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("--xyz\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"\"\r\n\r\n\r\n--xyz--\r\n"))
	f.Add([]byte("--xyz\r\n\r\n--xyz--"))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/submit", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary=xyz")
		pf, err := readPortalForm(httptest.NewRecorder(), r, nil)
		if err != nil {
			return
		}
		if len(pf.uploads) > 6 {
			t.Fatalf("kept %d uploads", len(pf.uploads))
		}
		in, _ := portalRegistration(pf.values, time.UTC)
		in.Normalize()
		_ = in.Validate(time.Now())
	})
}
