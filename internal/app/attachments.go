package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"tousu"
)

// Upload is an evidence file as received: its name as the uploader gave it and its bytes.
type Upload struct {
	Name string
	Data []byte
}

// Evidence limits (issue: at most 5 files of 10 MiB each, images and PDF).
const (
	MaxUploads    = 5
	MaxUploadSize = 10 << 20
)

// evidenceTypes are the content types accepted as evidence, detected from the bytes,
// never from the file name: a script named photo.jpg is refused.
var evidenceTypes = map[string]string{
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
	"image/gif":       ".gif",
	"image/webp":      ".webp",
	"application/pdf": ".pdf",
}

// IsEvidenceType reports whether ct is a content type evidence may have, so that a
// download is never served as anything else (HTML, say) whatever the stored row says.
func IsEvidenceType(ct string) bool {
	_, ok := evidenceTypes[ct]
	return ok
}

// EventAttach is the internal event of evidence added while a case is handled.
const EventAttach tousu.EventType = "attach"

// attachments checks uploads and turns them into attachments to store with a change.
func attachments(uploads []Upload, by string, now time.Time) ([]tousu.Attachment, error) {
	p := tousu.Problems{}
	if len(uploads) > MaxUploads {
		p.Add("evidence", fmt.Sprintf("最多上传%d个文件", MaxUploads))
		return nil, p.Err()
	}
	out := make([]tousu.Attachment, 0, len(uploads))
	for i, u := range uploads {
		field := fmt.Sprintf("evidence.%d", i)
		name := cleanFileName(u.Name)
		switch {
		case len(u.Data) == 0:
			p.Add(field, "文件“"+name+"”是空的")
			continue
		case len(u.Data) > MaxUploadSize:
			p.Add(field, fmt.Sprintf("文件“%s”超过%d MB", name, MaxUploadSize>>20))
			continue
		}
		ct := http.DetectContentType(u.Data)
		if i := strings.IndexByte(ct, ';'); i >= 0 {
			ct = ct[:i]
		}
		ext, ok := evidenceTypes[ct]
		if !ok {
			p.Add(field, "文件“"+name+"”不是图片或 PDF（只接受 JPG、PNG、GIF、WebP 图片和 PDF 文件）")
			continue
		}
		if !strings.EqualFold(path.Ext(name), ext) && !(ext == ".jpg" && strings.EqualFold(path.Ext(name), ".jpeg")) {
			name = strings.TrimSuffix(name, path.Ext(name)) + ext
		}
		sum := sha256.Sum256(u.Data)
		out = append(out, tousu.Attachment{SHA256: hex.EncodeToString(sum[:]), Name: name, ContentType: ct,
			Size: int64(len(u.Data)), UploadedBy: by, CreatedAt: now, Data: u.Data})
	}
	return out, p.Err()
}

// cleanFileName keeps a file name safe to show and to offer for download: no path, no
// control characters, at most 100 characters.
func cleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	if name == "" || name == "." || name == ".." {
		name = "证据材料"
	}
	return name
}

// Attachments lists the evidence files of a complaint the actor may see.
func (a *App) Attachments(ctx context.Context, actor tousu.Actor, number string) ([]tousu.Attachment, error) {
	_, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	return a.store.ListAttachments(ctx, c.ID)
}

// OpenAttachment returns an evidence file with its bytes, to an actor who may see the
// case; the download is audited.
func (a *App) OpenAttachment(ctx context.Context, actor tousu.Actor, number string, id int64) (*tousu.Attachment, error) {
	_, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	att, err := a.store.OpenAttachment(ctx, c.ID, id)
	if err != nil {
		return nil, err
	}
	if err := a.audit(ctx, actor, "attachment.download", c.Number, fmt.Sprint(id)); err != nil {
		return nil, err
	}
	return att, nil
}

// attachers are the roles that work cases and so may add evidence to them.
var attachers = []tousu.Role{tousu.RoleClerk, tousu.RoleSupervisor, tousu.RoleHandler, tousu.RoleInspector}

// mayAttach checks what Attach requires of the case: open, and, for a handler, its own.
func mayAttach(ref *reference, actor tousu.Actor, c *tousu.Complaint) error {
	if !c.Status.Open() {
		return &tousu.Error{Kind: tousu.KindTransition, Message: "投诉件已“" + tousu.Statuses.Label(c.Status) + "”，不能再添加证据材料"}
	}
	if onlyHandler(actor) && !ref.handles(actor, c) {
		return tousu.Errorf(tousu.KindForbidden, "该投诉件未派给您或您的单位办理")
	}
	return nil
}

// CanAttach reports, as an error, whether the actor may add evidence to the complaint
// now: what Attach checks before it looks at the files, asked before the upload form is
// shown.
func (a *App) CanAttach(ctx context.Context, actor tousu.Actor, number string) error {
	if err := requireRole(actor, attachers...); err != nil {
		return err
	}
	ref, c, err := a.load(ctx, actor, number)
	if err != nil {
		return err
	}
	return mayAttach(ref, actor, c)
}

// Attach adds evidence to an open case (an investigation's photos or documents), with an
// internal event naming the files.
func (a *App) Attach(ctx context.Context, actor tousu.Actor, number string, uploads []Upload) (*ComplaintView, error) {
	if err := requireRole(actor, attachers...); err != nil {
		return nil, err
	}
	ref, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if err := mayAttach(ref, actor, c); err != nil {
		return nil, err
	}
	if len(uploads) == 0 {
		return nil, tousu.Problems{"evidence": "请选择要上传的文件"}.Err()
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	atts, err := attachments(uploads, actor.Login, now)
	if err != nil {
		return nil, err
	}
	if err := a.checkStorage(ctx, atts); err != nil {
		return nil, err
	}
	names := make([]string, len(atts))
	for i, at := range atts {
		names[i] = at.Name
	}
	payload, _ := json.Marshal(map[string]any{"files": names})
	c.UpdatedAt = now
	ev := &tousu.Event{ComplaintID: c.ID, Type: EventAttach, Actor: actor.Login, ActorName: actor.Name, At: now,
		From: c.Status, To: c.Status, Payload: payload}
	ch := &tousu.Change{Complaint: c, Event: ev, Attachments: atts,
		Audit: []tousu.AuditRecord{a.auditRecord(ctx, actor, "attach", c.Number, attachDetail(atts))}}
	if err := a.store.UpdateComplaint(ctx, ch); err != nil {
		return nil, err
	}
	return a.view(ctx, ref, actor, c), nil
}

// attachDetail is what the audit log keeps of an upload: how many files and the start of
// each one's SHA-256, never their names, which a complainant may have written their
// name into. The log is never rewritten, so it must hold nothing a disposal destroys.
func attachDetail(atts []tousu.Attachment) string {
	hs := make([]string, len(atts))
	for i, at := range atts {
		hs[i] = at.SHA256[:min(12, len(at.SHA256))]
	}
	return fmt.Sprintf("%d个文件 sha256:%s", len(atts), strings.Join(hs, ","))
}
