package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"tousu"
)

// BulkRegister stores complaints with their whole history in one transaction (see
// tousu.Store.BulkRegister). Each complaint is written by writeRegistration, exactly as
// CreateComplaint writes a registration — number, row, categories, units, first event,
// audit records, and whatever a registration comes to write — then its later events.
// Nothing here may write a complaint's rows another way: a table or index that
// registration keeps must be kept for loaded complaints too, and is, by living in
// writeRegistration.
func (s *Store) BulkRegister(ctx context.Context, source string, cs []tousu.BulkComplaint) (err error) {
	defer s.wrap(&err, "store.BulkRegister(%q, %d)", source, len(cs))
	if source == "" {
		return errors.New("a source is required")
	}
	if len(cs) == 0 {
		return nil
	}
	type prepared struct {
		ch     tousu.Change
		row    complaintRow
		events []tousu.Event
	}
	ps := make([]prepared, len(cs))
	for i := range cs {
		b := &cs[i]
		if err := b.Check(); err != nil {
			return err
		}
		p := &ps[i]
		if p.row, err = encodeComplaint(b.Complaint); err != nil {
			return err
		}
		p.events = make([]tousu.Event, len(b.Events))
		for j, ev := range b.Events {
			if ev.Payload, err = withSource(ev.Payload, source); err != nil {
				return fmt.Errorf("complaint %s: event %d: %w", b.Complaint.ID, j+1, err)
			}
			p.events[j] = ev
		}
		recs := make([]tousu.AuditRecord, len(b.Audit))
		for j, r := range b.Audit {
			if r.Client == "" {
				r.Client = source
			}
			recs[j] = r
		}
		p.ch = tousu.Change{Complaint: b.Complaint, Event: &p.events[0], Audit: recs, NumberPrefix: b.NumberPrefix}
	}
	// An engine that numbers outside the registering transaction takes each prefix's
	// numbers for the whole batch in one step; a refused batch leaves them unused.
	numbers := make([]string, len(cs))
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
				numbers[i] = formatNumber(b.NumberPrefix, next[b.NumberPrefix])
				next[b.NumberPrefix]++
			}
		}
	}
	regs := make([]registered, len(cs))
	eventIDs := make([][]int64, len(cs))
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		for i := range ps {
			p := &ps[i]
			var err error
			if regs[i], err = s.writeRegistration(ctx, q, &p.ch, p.row, len(p.events), numbers[i]); err != nil {
				return fmt.Errorf("complaint %s: %w", p.ch.Complaint.ID, err)
			}
			ids := make([]int64, len(p.events))
			for j := 1; j < len(p.events); j++ {
				if ids[j], err = insertEvent(ctx, q, p.ch.Complaint.ID, j+1, &p.events[j]); err != nil {
					return fmt.Errorf("complaint %s: event %d: %w", p.ch.Complaint.ID, j+1, err)
				}
			}
			eventIDs[i] = ids
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Committed: the caller's structs learn what was stored. The audit records are
	// chained in one go (on PostgreSQL one sealing turn for the whole batch).
	var (
		recs []tousu.AuditRecord
		all  Appended
	)
	for i := range ps {
		p, b := &ps[i], &cs[i]
		regs[i].set(&p.ch, len(p.events))
		for j := range b.Events {
			b.Events[j].ID, b.Events[j].Seq, b.Events[j].ComplaintID = eventIDs[i][j], j+1, b.Complaint.ID
		}
		b.Events[0].ID = p.ch.Event.ID
		recs = append(recs, p.ch.Audit...)
		all.Records = append(all.Records, regs[i].audit.Records...)
		all.Queued = append(all.Queued, regs[i].audit.Queued...)
	}
	if err := s.e.Audit.Done(ctx, recs, all); err == nil {
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
