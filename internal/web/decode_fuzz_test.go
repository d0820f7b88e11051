package web

import (
	"bytes"
	"net/http/httptest"
	"testing"
	"time"

	"tousu"
)

// FuzzDecodeRegister feeds the API's JSON decoder arbitrary bodies for a registration
// and for every action's payload: each is read or refused with an error of ours (never
// internal), and what is read validates without a panic (DESIGN §7: every decoder is
// fuzzed).
func FuzzDecodeRegister(f *testing.F) {
	f.Add([]byte(`{"kind":"complaint","channel":"visit","complainant":{"name":"张三","phone":"13812345678"},"matter":"态度生硬"}`))
	f.Add([]byte(`{"received_at":"2026-01-30T10:00:00+08:00","incident_at":null,"categories":["attitude"]}`))
	f.Add([]byte(`{"classification":"case","categories":[]}`))
	f.Add([]byte(`{"finding":"founded","measures":["correction"],"staff":["A001"],"process":"x","result":"y","channel":"phone"}`))
	f.Add([]byte(`{"level":5,"reopen":true}`))
	f.Add([]byte(`{"referral":{"body":"法院"}}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{&tousu.Register{}}
		for _, tr := range tousu.Lifecycle {
			targets = append(targets, tousu.NewPayload(tr.Action))
		}
		for _, v := range targets {
			r := httptest.NewRequest("POST", "/api/v1/complaints", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			err := decode(httptest.NewRecorder(), r, v, true)
			if err != nil {
				if tousu.KindOf(err) == tousu.KindInternal {
					t.Fatalf("decode(%q) into %T: internal error %v", body, v, err)
				}
				continue
			}
			if reg, ok := v.(*tousu.Register); ok {
				reg.Normalize()
				_ = reg.Validate(time.Now())
				continue
			}
			_ = v.(tousu.Payload).Validate()
		}
	})
}
