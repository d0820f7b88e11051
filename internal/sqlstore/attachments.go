package sqlstore

import (
	"context"

	"tousu"
)

// attachmentColumns are the columns of an attachment row, in the order of scanAttachment.
const attachmentColumns = `a.id, a.complaint_id, a.sha256, a.name, a.content_type, a.size, a.uploaded_by, a.created_at`

// AttachmentsOf is the query of ListAttachments, for the engines' query-plan tests.
const AttachmentsOf = `SELECT ` + attachmentColumns + ` FROM attachments a WHERE a.complaint_id = ? ORDER BY a.id`

// attachmentStmts are the statements that store a's content unless a blob of the same
// hash exists (ON CONFLICT waits for a concurrent insert of the same content, then does
// nothing) and link it to the complaint; the attachment's ID goes to *id.
func attachmentStmts(complaintID string, a *tousu.Attachment, id *int64) []Stmt {
	data := a.Data
	if data == nil {
		data = []byte{} // an empty file is a value, not NULL
	}
	return []Stmt{
		{Query: `INSERT INTO blobs (sha256, data, size) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
			Args: []any{a.SHA256, data, a.Size}},
		{Query: `INSERT INTO attachments (complaint_id, sha256, name, content_type, size, uploaded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			Args: []any{complaintID, a.SHA256, a.Name, a.ContentType, a.Size, a.UploadedBy, millis(a.CreatedAt)},
			Scan: func(r Row) error { return r.Scan(id) }},
	}
}

func scanAttachment(r Row, data *[]byte) (tousu.Attachment, error) {
	var (
		a       tousu.Attachment
		created int64
	)
	dest := []any{&a.ID, &a.ComplaintID, &a.SHA256, &a.Name, &a.ContentType, &a.Size, &a.UploadedBy, &created}
	if data != nil {
		dest = append(dest, data)
	}
	if err := r.Scan(dest...); err != nil {
		return a, err
	}
	a.CreatedAt = fromMillis(created)
	return a, nil
}

// EvidenceBytes is the size of every evidence file stored, each content once.
func (s *Store) EvidenceBytes(ctx context.Context) (_ int64, err error) {
	defer s.wrap(&err, "store.EvidenceBytes")
	var n int64
	// PostgreSQL's SUM of bigint is numeric: the cast makes it an integer on both.
	err = s.e.Read.QueryRow(ctx, `SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM blobs`).Scan(&n)
	return n, err
}

// ListAttachments returns a complaint's attachments, oldest first, without their Data.
func (s *Store) ListAttachments(ctx context.Context, complaintID string) (_ []tousu.Attachment, err error) {
	defer s.wrap(&err, "store.ListAttachments(%q)", complaintID)
	if !s.storable(complaintID) {
		return nil, nil // no complaint has that ID
	}
	rows, err := s.e.Read.Query(ctx, AttachmentsOf, complaintID)
	return collect(rows, err, func(r Row) (tousu.Attachment, error) { return scanAttachment(r, nil) })
}

// OpenAttachment returns one attachment of a complaint with its Data. An attachment of
// another complaint is not found, so that a complaint's reader cannot open others' files.
func (s *Store) OpenAttachment(ctx context.Context, complaintID string, id int64) (_ *tousu.Attachment, err error) {
	defer s.wrap(&err, "store.OpenAttachment(%q, %d)", complaintID, id)
	if !s.storable(complaintID) {
		return nil, notFound("未找到该附件")
	}
	var data []byte
	a, err := scanAttachment(s.e.Read.QueryRow(ctx, `SELECT `+attachmentColumns+`, b.data
		FROM attachments a JOIN blobs b ON b.sha256 = a.sha256
		WHERE a.complaint_id = ? AND a.id = ?`, complaintID, id), &data)
	if noRows(err) {
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
