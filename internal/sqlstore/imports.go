package sqlstore

import (
	"context"
)

// ExternalRefNumbers maps each of refs that a complaint carries as its external_ref to
// that complaint's number (the unique partial index complaints_external_ref serves it).
func (s *Store) ExternalRefNumbers(ctx context.Context, refs []string) (_ map[string]string, err error) {
	defer s.wrap(&err, "store.ExternalRefNumbers(%d)", len(refs))
	out := map[string]string{}
	var keys []string
	for _, r := range refs {
		if r != "" && s.storable(r) {
			keys = append(keys, r)
		}
	}
	// In chunks, under either engine's limit of bound parameters.
	for len(keys) > 0 {
		n := min(len(keys), 500)
		args := make([]any, n)
		for i, k := range keys[:n] {
			args[i] = k
		}
		rows, err := s.e.Read.Query(ctx, `SELECT external_ref, number FROM complaints WHERE external_ref IN (`+placeholders(n)+`)`, args...)
		pairs, err := collect(rows, err, func(r Row) (p [2]string, err error) { return p, r.Scan(&p[0], &p[1]) })
		if err != nil {
			return nil, err
		}
		for _, p := range pairs {
			out[p[0]] = p[1]
		}
		keys = keys[n:]
	}
	return out, nil
}
