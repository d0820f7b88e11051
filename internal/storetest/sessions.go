package storetest

import (
	"bytes"
	"maps"
	"slices"
	"testing"
	"time"

	"tousu"
)

func testSessions(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	check := func(what, hash string, data []byte, expiry time.Time) {
		t.Helper()
		got, exp, err := s.FindSession(ctx, hash)
		if err != nil {
			t.Errorf("%s: FindSession(%s) = %v", what, hash, err)
			return
		}
		if !bytes.Equal(got, data) || !exp.Equal(expiry) {
			t.Errorf("%s: FindSession(%s) = %q, %v, want %q, %v", what, hash, got, exp, data, expiry)
		}
	}
	gone := func(what, hash string) {
		t.Helper()
		_, _, err := s.FindSession(ctx, hash)
		wantKind(t, what+": FindSession("+hash+")", err, tousu.KindNotFound)
	}

	data := []byte{0x00, 0xff, 'g', 'o', 'b', 0x80}
	if err := s.PutSession(ctx, "h1", data, base.Add(time.Hour+time.Millisecond)); err != nil {
		t.Fatalf("PutSession = %v", err)
	}
	check("after PutSession", "h1", data, base.Add(time.Hour+time.Millisecond))
	// Putting again replaces the data and the expiry (a renewed session).
	if err := s.PutSession(ctx, "h1", []byte("renewed"), base.Add(2*time.Hour)); err != nil {
		t.Fatalf("PutSession again = %v", err)
	}
	check("after PutSession again", "h1", []byte("renewed"), base.Add(2*time.Hour))
	if err := s.DeleteSession(ctx, "h1"); err != nil {
		t.Fatalf("DeleteSession = %v", err)
	}
	gone("after DeleteSession", "h1")
	if err := s.DeleteSession(ctx, "h1"); err != nil {
		t.Errorf("DeleteSession of a missing session = %v, want no error", err)
	}

	// Expiry: the store does not know the time, so an expired session is still found
	// until DeleteExpiredSessions removes it; a session expiring at now is not yet expired.
	sessions := []struct {
		hash   string
		expiry time.Time
	}{
		{"old", base.Add(-time.Hour)},
		{"now", base},
		{"new", base.Add(time.Hour)},
	}
	for _, se := range sessions {
		if err := s.PutSession(ctx, se.hash, []byte(se.hash), se.expiry); err != nil {
			t.Fatalf("PutSession(%s) = %v", se.hash, err)
		}
	}
	check("expired, not yet removed", "old", []byte("old"), base.Add(-time.Hour))
	steps := []struct {
		now  time.Time
		n    int
		left []string
	}{
		{base, 1, []string{"now", "new"}},
		{base, 0, []string{"now", "new"}},
		{base.Add(time.Millisecond), 1, []string{"new"}},
		{base.Add(24 * time.Hour), 1, nil},
	}
	for _, st := range steps {
		n, err := s.DeleteExpiredSessions(ctx, st.now)
		if err != nil || n != st.n {
			t.Errorf("DeleteExpiredSessions(%v) = %d, %v, want %d", st.now, n, err, st.n)
		}
		for _, se := range sessions {
			_, _, err := s.FindSession(ctx, se.hash)
			if want := slices.Contains(st.left, se.hash); (err == nil) != want {
				t.Errorf("after DeleteExpiredSessions(%v): FindSession(%s) = %v, want found %t", st.now, se.hash, err, want)
			}
		}
	}
}

func testSettings(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	_, err := s.GetSetting(ctx, "portal.notice")
	wantKind(t, "GetSetting(missing)", err, tousu.KindNotFound)
	if got, err := s.ListSettings(ctx); err != nil || len(got) != 0 {
		t.Errorf("ListSettings(none) = %v, %v, want empty", got, err)
	}
	put := [][2]string{
		{"portal.notice", "投诉受理时间：工作日 9:00-17:00"},
		{"template.sms.accepted", "您的投诉（{{.Number}}）已受理。\n查询码请妥善保管。"},
		{"empty", ""},
		{"portal.notice", "春节期间暂停现场受理"},
	}
	for _, kv := range put {
		if err := s.PutSetting(ctx, kv[0], kv[1]); err != nil {
			t.Fatalf("PutSetting(%s) = %v", kv[0], err)
		}
	}
	want := map[string]string{
		"portal.notice":         "春节期间暂停现场受理",
		"template.sms.accepted": "您的投诉（{{.Number}}）已受理。\n查询码请妥善保管。",
		"empty":                 "",
	}
	for k, v := range want {
		if got, err := s.GetSetting(ctx, k); err != nil || got != v {
			t.Errorf("GetSetting(%s) = %q, %v, want %q", k, got, err, v)
		}
	}
	if got, err := s.ListSettings(ctx); err != nil || !maps.Equal(got, want) {
		t.Errorf("ListSettings = %v, %v, want %v", got, err, want)
	}
}
