package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"tousu"
)

// BulkRegister stores complaints with their whole history in one transaction (see
// tousu.Store.BulkRegister). The batch is written by writeRegistrations, the function
// CreateComplaint writes a registration with (a batch of one there) — numbers, rows,
// categories, units, the index, the figures, every event, audit records, and whatever a
// registration comes to write — in multi-row statements. Nothing here may write a
// complaint's rows another way: a table or index that registration keeps must be kept
// for loaded complaints too, and is, by living in writeRegistrations.
func (s *Store) BulkRegister(ctx context.Context, source string, cs []tousu.BulkComplaint) (err error) {
	defer s.wrap(&err, "store.BulkRegister(%q, %d)", source, len(cs))
	if source == "" {
		return errors.New("a source is required")
	}
	if len(cs) == 0 {
		return nil
	}
	chs := make([]tousu.Change, len(cs))
	rs := make([]registration, len(cs))
	for i := range cs {
		b := &cs[i]
		if err := b.Check(); err != nil {
			return err
		}
		r := &rs[i]
		if r.row, err = encodeComplaint(b.Complaint); err != nil {
			return err
		}
		r.events = make([]tousu.Event, len(b.Events))
		for j, ev := range b.Events {
			if ev.Payload, err = withSource(ev.Payload, source); err != nil {
				return fmt.Errorf("complaint %s: event %d: %w", b.Complaint.ID, j+1, err)
			}
			r.events[j] = ev
		}
		recs := make([]tousu.AuditRecord, len(b.Audit))
		for j, rec := range b.Audit {
			if rec.Client == "" {
				rec.Client = source
			}
			recs[j] = rec
		}
		chs[i] = tousu.Change{Complaint: b.Complaint, Event: &r.events[0], Audit: recs, NumberPrefix: b.NumberPrefix}
		r.ch, r.version = &chs[i], len(r.events)
	}
	// An engine that numbers outside the registering transaction takes each prefix's
	// numbers for the whole batch in one step; a refused batch leaves them unused.
	if s.e.Numbers != nil {
		count := map[string]int{}
		for _, b := range cs {
			if b.NumberPrefix != "" {
				count[b.NumberPrefix]++
			}
		}
		next := map[string]int64{}
		for prefix, k := range count {
			last, err := s.e.Numbers(ctx, prefix, k)
			if err != nil {
				return err
			}
			next[prefix] = last - int64(k) + 1
		}
		for i, b := range cs {
			if b.NumberPrefix != "" {
				rs[i].number = formatNumber(b.NumberPrefix, next[b.NumberPrefix])
				next[b.NumberPrefix]++
			}
		}
	}
	var (
		regs  []registered
		audit Appended
	)
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) (err error) {
		regs, audit, err = s.writeRegistrations(ctx, q, rs)
		if err != nil && len(rs) > 1 {
			err = fmt.Errorf("a batch of %d complaints from %s: %w", len(rs), rs[0].ch.Complaint.ID, err)
		}
		return err
	})
	if err != nil {
		return err
	}
	// Committed: the caller's structs learn what was stored. The audit records are
	// chained in one go (on PostgreSQL one sealing turn for the whole batch).
	var recs []tousu.AuditRecord
	for i := range rs {
		b := &cs[i]
		regs[i].set(rs[i].ch, rs[i].version)
		for j := range b.Events {
			b.Events[j].ID, b.Events[j].Seq, b.Events[j].ComplaintID = regs[i].eventIDs[j], j+1, b.Complaint.ID
		}
		recs = append(recs, rs[i].ch.Audit...)
	}
	if err := s.e.Audit.Done(ctx, recs, audit); err == nil {
		n := 0
		for i := range cs {
			n += copy(cs[i].Audit, recs[n:n+len(cs[i].Audit)])
		}
	}
	return nil
}

// withSource is an event payload (a JSON object, or none) with "source" set.
func withSource(payload json.RawMessage, source string) (json.RawMessage, error) {
	m := map[string]any{}
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &m); err != nil {
			return nil, fmt.Errorf("the payload is not a JSON object: %w", err)
		}
	}
	m["source"] = source
	return json.Marshal(m)
}
