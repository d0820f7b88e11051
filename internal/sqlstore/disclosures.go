package sqlstore

import (
	"context"
	"encoding/json"

	"tousu"
)

// Public disclosures (公示): a draft is written as often as it is reviewed; publishing
// numbers it and freezes it. No statement here changes a published row: every UPDATE
// says WHERE status = 'draft'.

const disclosureColumns = `id, period, unit, version, status, content, changes, created_by, created_at, published_by, published_at`

func scanDisclosure(r Row) (tousu.Disclosure, error) {
	var (
		d           tousu.Disclosure
		content     string
		created     int64
		publishedAt *int64
	)
	err := r.Scan(&d.ID, &d.Period, &d.Unit, &d.Version, &d.Status, &content, &d.Changes, &d.CreatedBy, &created,
		&d.PublishedBy, &publishedAt)
	if err != nil {
		return d, err
	}
	d.CreatedAt, d.PublishedAt = fromMillis(created), fromNullMillis(publishedAt)
	return d, json.Unmarshal([]byte(content), &d.Content)
}

// SaveDisclosure inserts a draft (ID 0, setting ID) or rewrites a draft's content and
// changes, with its audit records, in one transaction. A published disclosure is refused
// with kind conflict: it never changes.
func (s *Store) SaveDisclosure(ctx context.Context, d *tousu.Disclosure, audit []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.SaveDisclosure(%d)", d.ID)
	b, err := json.Marshal(d.Content)
	if err != nil {
		return err
	}
	var a Appended
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		if d.ID == 0 {
			err := q.QueryRow(ctx, `INSERT INTO disclosures (period, unit, version, status, content, changes, created_by, created_at, published_by)
				VALUES (?, ?, 0, 'draft', ?, ?, ?, ?, '') RETURNING id`,
				d.Period, d.Unit, string(b), d.Changes, d.CreatedBy, millis(d.CreatedAt)).Scan(&d.ID)
			if err != nil {
				return err
			}
		} else {
			n, err := q.Exec(ctx, `UPDATE disclosures SET content = ?, changes = ? WHERE id = ? AND status = 'draft'`,
				string(b), d.Changes, d.ID)
			if err != nil {
				return err
			}
			if n == 0 {
				return refusedPublished(ctx, q, d.ID)
			}
		}
		a, err = s.e.Audit.Append(ctx, q, audit)
		return err
	})
	if err != nil {
		return err
	}
	_ = s.e.Audit.Done(ctx, audit, a)
	d.Status = tousu.DisclosureDraft
	return nil
}

// refusedPublished is the error of a write to a disclosure that is not a draft.
func refusedPublished(ctx context.Context, q Querier, id int64) error {
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM disclosures WHERE id = ?`, id).Scan(&one)
	if noRows(err) {
		return notFound("没有这个公示")
	}
	if err != nil {
		return err
	}
	return &tousu.Error{Kind: tousu.KindConflict, Message: "已发布的公示不能修改；如需更正，请另行生成新版本并说明更正内容"}
}

// PublishDisclosure publishes a draft as the next version of its period and unit, with
// its audit records, in one transaction; it returns the published disclosure. A
// disclosure already published is refused with kind conflict.
func (s *Store) PublishDisclosure(ctx context.Context, id int64, d tousu.Disclosure, audit []tousu.AuditRecord) (_ *tousu.Disclosure, err error) {
	defer s.wrap(&err, "store.PublishDisclosure(%d)", id)
	var (
		a   Appended
		out tousu.Disclosure
	)
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		var version int
		if err := q.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM disclosures WHERE period = ? AND unit = ?`,
			d.Period, d.Unit).Scan(&version); err != nil {
			return err
		}
		n, err := q.Exec(ctx, `UPDATE disclosures SET status = 'published', version = ?, published_by = ?, published_at = ?
			WHERE id = ? AND status = 'draft'`, version, d.PublishedBy, nullMillis(d.PublishedAt), id)
		if s.isUnique(err) {
			return &tousu.Error{Kind: tousu.KindConflict, Message: "同一期间的公示正在同时发布，请刷新后重试", Err: err}
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return refusedPublished(ctx, q, id)
		}
		if out, err = scanDisclosure(q.QueryRow(ctx, `SELECT `+disclosureColumns+` FROM disclosures WHERE id = ?`, id)); err != nil {
			return err
		}
		a, err = s.e.Audit.Append(ctx, q, audit)
		return err
	})
	if err != nil {
		return nil, err
	}
	_ = s.e.Audit.Done(ctx, audit, a)
	return &out, nil
}

// FindDisclosure returns the disclosure with the ID.
func (s *Store) FindDisclosure(ctx context.Context, id int64) (_ *tousu.Disclosure, err error) {
	defer s.wrap(&err, "store.FindDisclosure(%d)", id)
	d, err := scanDisclosure(s.e.Read.QueryRow(ctx, `SELECT `+disclosureColumns+` FROM disclosures WHERE id = ?`, id))
	if noRows(err) {
		return nil, notFound("没有这个公示")
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// ListDisclosures returns the disclosures, published only when published, newest period
// first, then unit, then the latest version first (drafts last).
func (s *Store) ListDisclosures(ctx context.Context, published bool) (_ []tousu.Disclosure, err error) {
	defer s.wrap(&err, "store.ListDisclosures")
	w := s.where()
	if published {
		w.add("status = 'published'")
	}
	rows, err := s.e.Read.Query(ctx, `SELECT `+disclosureColumns+` FROM disclosures`+w.String()+
		` ORDER BY period DESC, unit, version DESC, id DESC LIMIT 500`, w.args...)
	return collect(rows, err, scanDisclosure)
}
