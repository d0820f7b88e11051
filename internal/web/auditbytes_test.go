package web_test

import (
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"tousu"
	"tousu/internal/audit"
)

// TestAuditHashesWhatIsStored: a sign-in with a login that is not valid UTF-8 is audited
// with U+FFFD in place of the stray byte, so the audit log stores exactly what it hashes;
// and a byte swapped into the stored record behind tousu's back is caught by the verifier
// (JSON, the canonical form, maps every stray byte to U+FFFD and would hide the swap).
func TestAuditHashesWhatIsStored(t *testing.T) {
	e := newEnv(t)
	c := e.browser()
	resp := postForm(t, c, e.srv.URL+"/login", url.Values{"login": {"wang\xffwu"}, "password": {"guess guess guess"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("sign-in with a stray byte: %d, want 401", resp.StatusCode)
	}
	recs, err := e.store.SearchAudit(t.Context(), tousu.AuditFilter{Action: "login.failed"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("audit of the failed sign-in: %+v %v", recs, err)
	}
	if r := recs[0]; r.Object != "wang\uFFFDwu" || !utf8.ValidString(r.Actor) {
		t.Errorf("audited login %q, want %q: the stored bytes must be the hashed ones", r.Object, "wang\uFFFDwu")
	}
	if _, err := audit.Verify(t.Context(), e.store); err != nil {
		t.Fatalf("audit verify before tampering: %v", err)
	}
	if storeUnderTest != "sqlite" {
		return // PostgreSQL's text never holds bytes that are not UTF-8: nothing to swap in
	}
	db, err := sql.Open("sqlite", e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Swap the replacement character for a single stray byte, as an intruder with the file
	// might: the JSON form of the record would not change.
	if _, err := db.Exec(`UPDATE audit SET object = CAST(X'77616e67fe7775' AS TEXT) WHERE id = ?`, recs[0].ID); err != nil {
		t.Fatal(err)
	}
	_, err = audit.Verify(t.Context(), e.store)
	var broken *audit.Broken
	if !errors.As(err, &broken) || broken.ID != recs[0].ID || !strings.Contains(err.Error(), "altered") {
		t.Errorf("audit verify after swapping a byte: %v, want record %d reported altered", err, recs[0].ID)
	}
}
