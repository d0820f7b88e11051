package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"tousu"
)

// attachmentColumns are the columns of an attachment row, in the order of scanAttachment.
const attachmentColumns = `a.id, a.complaint_id, a.sha256, a.name, a.content_type, a.size, a.uploaded_by, a.created_at`

// insertAttachment stores a's content unless a blob of the same hash exists, and links it
// to the complaint. It returns the attachment's ID.
func insertAttachment(ctx context.Context, tx *sql.Tx, complaintID string, a *tousu.Attachment) (int64, error) {
	data := a.Data
	if data == nil {
		data = []byte{} // an empty file is a value, not NULL
	}
	_, err := txExec(ctx, tx, `INSERT INTO blobs (sha256, data, size) VALUES (?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`, a.SHA256, data, a.Size)
	if err != nil {
		return 0, err
	}
	var id int64
	err = txQueryRow(ctx, tx, `INSERT INTO attachments (complaint_id, sha256, name, content_type, size, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		complaintID, a.SHA256, a.Name, a.ContentType, a.Size, a.UploadedBy, millis(a.CreatedAt)).Scan(&id)
	return id, err
}

func scanAttachment(s rowScanner, data *[]byte) (tousu.Attachment, error) {
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
	defer tousu.Wrap(&err, "sqlite.EvidenceBytes")
	var n int64
	err = db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM blobs`).Scan(&n)
	return n, err
}

// ListAttachments returns a complaint's attachments, oldest first, without their Data.
func (db *DB) ListAttachments(ctx context.Context, complaintID string) (_ []tousu.Attachment, err error) {
	defer tousu.Wrap(&err, "sqlite.ListAttachments(%q)", complaintID)
	rows, err := db.read.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM attachments a
		WHERE a.complaint_id = ? ORDER BY a.id`, complaintID)
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
	defer tousu.Wrap(&err, "sqlite.OpenAttachment(%q, %d)", complaintID, id)
	var data []byte
	a, err := scanAttachment(db.read.QueryRowContext(ctx, `SELECT `+attachmentColumns+`, b.data
		FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
		WHERE a.complaint_id = ? AND a.id = ?`, complaintID, id), &data)
	if errors.Is(err, sql.ErrNoRows) {
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
