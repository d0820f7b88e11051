package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"tousu"
)

// attachmentColumns are the columns of an attachment row, in the order of scanAttachment.
const attachmentColumns = `a.id, a.complaint_id, a.sha256, a.name, a.content_type, a.size, a.uploaded_by, a.created_at`

// queueAttachment queues the statements that store a's content unless a blob of the same
// hash exists (ON CONFLICT waits for a concurrent insert of the same content, then does
// nothing) and link it to the complaint; the attachment's ID goes to *id.
func queueAttachment(b *pgx.Batch, complaintID string, a *tousu.Attachment, id *int64) {
	data := a.Data
	if data == nil {
		data = []byte{} // an empty file is a value, not NULL
	}
	b.Queue(`INSERT INTO blobs (sha256, data, size) VALUES ($1, $2, $3)
		ON CONFLICT (sha256) DO NOTHING`, a.SHA256, data, a.Size)
	b.Queue(`INSERT INTO attachments (complaint_id, sha256, name, content_type, size, uploaded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		complaintID, a.SHA256, a.Name, a.ContentType, a.Size, a.UploadedBy, millis(a.CreatedAt)).
		QueryRow(func(row pgx.Row) error { return row.Scan(id) })
}

func scanAttachment(s pgx.Row, data *[]byte) (tousu.Attachment, error) {
	var (
		a       tousu.Attachment
		created int64
	)
	dest := []any{&a.ID, &a.ComplaintID, &a.SHA256, &a.Name, &a.ContentType, &a.Size, &a.UploadedBy, &created}
	if data != nil {
		dest = append(dest, data)
	}
	if err := s.Scan(dest...); err != nil {
		return a, err
	}
	a.CreatedAt = fromMillis(created)
	return a, nil
}

// EvidenceBytes is the size of every evidence file stored, each content once.
func (db *DB) EvidenceBytes(ctx context.Context) (_ int64, err error) {
	defer wrap(&err, "postgres.EvidenceBytes")
	var n int64
	err = db.pool.QueryRow(ctx, `SELECT COALESCE(SUM(size), 0)::bigint FROM blobs`).Scan(&n)
	return n, err
}

// ListAttachments returns a complaint's attachments, oldest first, without their Data.
func (db *DB) ListAttachments(ctx context.Context, complaintID string) (_ []tousu.Attachment, err error) {
	defer wrap(&err, "postgres.ListAttachments(%q)", complaintID)
	if !storable(complaintID) {
		return nil, nil // no complaint has that ID
	}
	rows, err := db.pool.Query(ctx, `SELECT `+attachmentColumns+` FROM attachments a
		WHERE a.complaint_id = $1 ORDER BY a.id`, complaintID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tousu.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// OpenAttachment returns one attachment of a complaint with its Data. An attachment of
// another complaint is not found, so that a complaint's reader cannot open others' files.
func (db *DB) OpenAttachment(ctx context.Context, complaintID string, id int64) (_ *tousu.Attachment, err error) {
	defer wrap(&err, "postgres.OpenAttachment(%q, %d)", complaintID, id)
	if !storable(complaintID) {
		return nil, notFound("未找到该附件")
	}
	var data []byte
	a, err := scanAttachment(db.pool.QueryRow(ctx, `SELECT `+attachmentColumns+`, b.data
		FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
		WHERE a.complaint_id = $1 AND a.id = $2`, complaintID, id), &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("未找到该附件")
	}
	if err != nil {
		return nil, err
	}
	if data == nil {
		data = []byte{}
	}
	a.Data = data
	return &a, nil
}
