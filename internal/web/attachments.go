package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
)

// Evidence files: listed and downloaded through the API and the desk, only by those who
// may see the case (the app checks), and always as a download that no browser renders in
// the site's origin.

// attachmentJSON is an evidence file as the API lists it.
type attachmentJSON struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"` // where the API serves its bytes
}

func (s *Server) listAttachments(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	number := r.PathValue("number")
	atts, err := s.app.Attachments(r.Context(), actor, number)
	if err != nil {
		return err
	}
	items := make([]attachmentJSON, len(atts))
	for i, a := range atts {
		items[i] = attachmentJSON{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256,
			UploadedBy: a.UploadedBy, CreatedAt: a.CreatedAt.In(s.app.Location()),
			URL: "/api/v1/complaints/" + url.PathEscape(number) + "/attachments/" + strconv.FormatInt(a.ID, 10)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	att, err := s.openAttachment(r, actor)
	if err != nil {
		return err
	}
	serveAttachment(w, att)
	return nil
}

// deskDownload serves an evidence file from the desk's case page.
func (s *Server) deskDownload(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.downloadAttachment(w, r, actor)
}

func (s *Server) openAttachment(r *http.Request, actor tousu.Actor) (*tousu.Attachment, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, tousu.Errorf(tousu.KindNotFound, "没有这个证据材料")
	}
	return s.app.OpenAttachment(r.Context(), actor, r.PathValue("number"), id)
}

// serveAttachment writes an evidence file as a download: never rendered inline, never
// sniffed into another type, and sandboxed should a browser render it anyway, so that a
// file made to look like a picture cannot run script in the desk's origin.
func serveAttachment(w http.ResponseWriter, att *tousu.Attachment) {
	ct := att.ContentType
	if !app.IsEvidenceType(ct) {
		ct = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", contentDisposition(att.Name))
	h.Set("Content-Length", strconv.Itoa(len(att.Data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(att.Data)
}

// contentDisposition is an attachment header for a file name in any script: an ASCII
// fallback for old clients and the name itself in RFC 5987 encoding.
func contentDisposition(name string) string {
	var fallback strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '/' || r == ';' || r == '%':
			fallback.WriteByte('_')
		default:
			fallback.WriteRune(r)
		}
	}
	return `attachment; filename="` + fallback.String() + `"; filename*=UTF-8''` + rfc5987(name)
}

// rfc5987 percent-encodes s, leaving only RFC 5987's attr-chars as they are.
func rfc5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// maxUploadBody bounds a multipart form of evidence: the files at their largest, and room
// for the form's other fields.
const maxUploadBody = app.MaxUploads*(app.MaxUploadSize+1) + 1<<20

// readUploads reads a multipart form: its text fields, and the files of field file —
// up to app.MaxUploads of them (one more, empty, stands for "too many", which the app
// refuses), each cut at one byte over app.MaxUploadSize (which the app refuses with the
// file's name). Files are held in memory, never in temporary files: evidence may show who
// complained, and must not be left on the disk.
func readUploads(w http.ResponseWriter, r *http.Request, file string) (url.Values, []app.Upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, &tousu.Error{Kind: tousu.KindMalformed, Message: "表单无效：上传文件需要 multipart/form-data", Err: err}
	}
	vals := url.Values{}
	var ups []app.Upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, uploadError(err)
		}
		name := part.FormName()
		if part.FileName() == "" {
			// A text field (or a file input left empty).
			b, err := io.ReadAll(io.LimitReader(part, maxDeskForm+1))
			if err != nil {
				return nil, nil, uploadError(err)
			}
			if len(b) > maxDeskForm {
				return nil, nil, &tousu.Error{Kind: tousu.KindTooLarge, Message: "表单内容过大"}
			}
			if name != file {
				vals.Add(name, string(b))
			}
			continue
		}
		if name != file {
			continue // NextPart skips the rest of it
		}
		if len(ups) >= app.MaxUploads {
			if len(ups) == app.MaxUploads {
				ups = append(ups, app.Upload{Name: part.FileName()})
			}
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, app.MaxUploadSize+1))
		if err != nil {
			return nil, nil, uploadError(err)
		}
		ups = append(ups, app.Upload{Name: part.FileName(), Data: data})
	}
	return vals, ups, nil
}

func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &tousu.Error{Kind: tousu.KindTooLarge, Message: "上传的文件过大（每个文件不超过10 MB，最多5个）", Err: err}
	}
	return &tousu.Error{Kind: tousu.KindMalformed, Message: "上传的表单无效", Err: err}
}

// deskAttach adds evidence to a case from its page.
func (s *Server) deskAttach(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	number := r.PathValue("number")
	_, ups, err := readUploads(w, r, "evidence")
	if err == nil {
		_, err = s.app.Attach(r.Context(), actor, number, ups)
	}
	if err == nil {
		return s.redirectFlash(w, r, "/desk/complaints/"+number+"#evidence", "已添加证据材料"+strconv.Itoa(len(ups))+"份")
	}
	switch tousu.KindOf(err) {
	case tousu.KindNotFound, tousu.KindUnauthorized, tousu.KindInternal:
		return err
	}
	f := newForm(nil)
	f.refuse(err)
	if fields := tousu.FieldsOf(err); len(fields) > 0 {
		// One message for the form: the files' names are in the messages already.
		msgs := make([]string, 0, len(fields))
		for _, m := range fields {
			msgs = append(msgs, m)
		}
		f.Message = strings.Join(msgs, "；")
	}
	return s.renderCase(w, r, actor, refusal(err), caseState{upload: f})
}
