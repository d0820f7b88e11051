package storetest

import (
	"fmt"
	"testing"

	"tousu"
)

// testExternalRefNumbers: the numbers of the complaints carrying given references, in
// chunks beyond any parameter limit; references nobody carries, empty ones and hostile
// ones are simply absent.
func testExternalRefNumbers(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	want := map[string]string{}
	var refs []string
	for i := range 3 {
		c := newComplaint(t)
		c.ExternalRef = fmt.Sprintf("OLD-%d", i)
		create(t, s, c)
		want[c.ExternalRef] = c.Number
	}
	create(t, s, newComplaint(t)) // no reference
	for i := range 1200 {
		refs = append(refs, fmt.Sprintf("NONE-%d", i))
	}
	refs = append(refs, "OLD-2", "", "a\x00b", "\xff", "OLD-0", "OLD-1")
	got, err := s.ExternalRefNumbers(ctx, refs)
	if err != nil || len(got) != 3 {
		t.Fatalf("ExternalRefNumbers = %v, %v, want 3", got, err)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("ExternalRefNumbers[%q] = %q, want %q", k, got[k], v)
		}
	}
	if got, err := s.ExternalRefNumbers(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("ExternalRefNumbers(nil) = %v, %v", got, err)
	}
}
