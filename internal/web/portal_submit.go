package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"tousu"
	"tousu/internal/app"
)

// The complaint form (/submit) and the receipt that answers it.
//
// The honeypot: the form has a field named like a real one (complainant.homepage,
// "个人网站"), hidden from people by the CSS class hp, from screen readers by
// aria-hidden and from the keyboard by tabindex=-1. A form that fills it is a robot's:
// nothing is stored, and the form comes back with everything typed and a neutral
// "提交失败，请稍后再试" that names the hotline. We do not pretend to accept it: a fake
// receipt number would mislead the rare person whose browser filled the field, and
// would look like a real number to anyone collecting them.

// Portal form limits: five files of 10 MiB and the text, with room for the framing.
const (
	maxPortalBody  = app.MaxUploads*app.MaxUploadSize + 2<<20
	maxPortalField = 64 << 10 // one text field: 10,000 characters of matter in UTF-8 fit
	maxPortalParts = 100
)

// honeypotField is the hidden field only robots fill.
const honeypotField = "complainant.homepage"

// submitFields are the fields the complaint form shows, so that an error about any other
// field (there should be none) is shown above the form instead of vanishing.
var submitFields = []string{"kind", "target.unit", "target.description", "matter", "request", "categories",
	"incident_at", "incident_place", "business_receipt_no", "complainant.name", "complainant.phone",
	"complainant.email", "complainant.address", "complainant.anonymous", "consent", "evidence"}

// submitPage is the view model of /submit.
type submitPage struct {
	portalBase
	F          *deskForm
	Action     string
	Kinds      []deskOption
	Units      []deskOptGroup
	Categories []deskOption
	// Evidence are the errors about the files, one line each.
	Evidence []string
	// Reselect says files had been chosen: browsers do not keep them across a refused
	// submission, so the form asks for them again.
	Reselect    bool
	MaxUploads  int
	MaxUploadMB int
}

// portalReceipt is the view model of the receipt shown once in answer to a submission.
type portalReceipt struct {
	portalBase
	Number     string
	Code       string
	KindLabel  string
	ReceivedAt time.Time
	DueDate    tousu.Date
	Period     string
	// Provisional marks DueDate 预计: it counts over a year without its holiday notice.
	Provisional bool
	Anonymous   bool
	Evidence    int
	// TrackLink opens the tracking form with the number filled in (never the code);
	// TrackPrint is the same as a full address, for paper.
	TrackLink  string
	TrackPrint string
}

func (s *Server) submitForm(w http.ResponseWriter, r *http.Request) error {
	f := newForm(url.Values{"kind": {string(tousu.KindComplaint)}})
	return s.renderSubmit(w, r, http.StatusOK, f, nil, 0)
}

func (s *Server) renderSubmit(w http.ResponseWriter, r *http.Request, code int, f *deskForm, evidence []string, chosen int) error {
	if !formKeyPattern.MatchString(f.Val("form_key")) {
		k, err := newFormKey()
		if err != nil {
			return err
		}
		f.Values.Set("form_key", k)
	}
	b, err := s.portalBase(r, "我要投诉")
	if err != nil {
		return err
	}
	vm := submitPage{portalBase: b, F: f, Action: kioskURL(b.Kiosk, "/submit", nil), Kinds: deskOptions(tousu.Kinds),
		Evidence: evidence, Reselect: chosen > 0, MaxUploads: app.MaxUploads, MaxUploadMB: app.MaxUploadSize >> 20}
	units, err := s.app.Units(r.Context())
	if err != nil {
		return err
	}
	vm.Units = portalUnitGroups(units)
	cats, err := s.app.Categories(r.Context())
	if err != nil {
		return err
	}
	for _, c := range publicCategories(cats) {
		vm.Categories = append(vm.Categories, deskOption{Value: c.Code, Label: c.Name})
		for _, sub := range c.Sub {
			vm.Categories = append(vm.Categories, deskOption{Value: sub.Code, Label: sub.Name})
		}
	}
	return s.render(w, r, code, "portal/submit", vm)
}

var formKeyPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// newFormKey is a fresh idempotency key for one complaint form.
func newFormKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func (s *Server) submitComplaint(w http.ResponseWriter, r *http.Request) error {
	// Refused before the body is read: a flood costs us as little as possible. The
	// browser's back button keeps what was typed.
	if err := s.limit(s.submit, w, r); err != nil {
		return err
	}
	// A large body from a client whose evidence budget is spent is refused unread.
	if r.ContentLength > maxDeskForm {
		if err := s.app.EvidenceAllowed(r.Context()); err != nil {
			return err
		}
	}
	pf, err := readPortalForm(w, r, s.evidence)
	if pf != nil {
		defer pf.release()
	}
	if err != nil {
		return err
	}
	f := newForm(pf.values)
	if pf.tooLarge {
		f.Message = "提交的内容过大，未能提交"
		return s.renderSubmit(w, r, http.StatusRequestEntityTooLarge, f,
			[]string{fmt.Sprintf("所选文件过大：每个文件不超过%d MB，合计不超过%d MB。请压缩图片或减少文件后重新选择。",
				app.MaxUploadSize>>20, app.MaxUploads*app.MaxUploadSize>>20)}, pf.chosen)
	}
	if f.Val(honeypotField) != "" {
		s.log.Info("portal: honeypot filled, nothing stored")
		f.Values.Del(honeypotField)
		b, _ := s.portalBase(r, "")
		f.Message = "提交失败，请稍后再试。"
		if b.Info.Hotline != "" {
			f.Message += "如多次失败，请拨打投诉电话 " + b.Info.Hotline + "。"
		}
		return s.renderSubmit(w, r, http.StatusUnprocessableEntity, f, nil, pf.chosen)
	}
	in, problems := portalRegistration(f.Values, s.app.Location())
	in.Channel = portalChannel(r)
	if f.Val("consent") == "" {
		problems.Add("consent", "请阅读并同意保密须知")
	}
	if len(problems) > 0 {
		// Refused here, before the use case: show with it what the domain finds, and
		// store nothing.
		check := in
		check.Normalize()
		for k, v := range tousu.FieldsOf(check.Validate(s.app.Now())) {
			problems.Add(k, v)
		}
		return s.refuseSubmit(w, r, f, problems.Err(), pf.chosen)
	}
	key := f.Val("form_key")
	if !formKeyPattern.MatchString(key) {
		key = "" // not a key this site made: no replays for it
	}
	v, err := s.app.SubmitPortal(r.Context(), key, in, pf.uploads...)
	if tousu.IsKind(err, tousu.KindConflict) && tousu.FieldsOf(err)["Idempotency-Key"] != "" {
		// This form was submitted already and has been changed since (the back button):
		// a new key makes the next submission a new complaint, deliberately.
		f.Values.Del("form_key")
		f.Message = "这份表单已经提交过，并已生成受理编号。如需就另一件事投诉，请核对内容后再次提交。"
		return s.renderSubmit(w, r, http.StatusConflict, f, nil, pf.chosen)
	}
	if err != nil {
		if len(tousu.FieldsOf(err)) == 0 {
			return err
		}
		return s.refuseSubmit(w, r, f, err, pf.chosen)
	}
	s.metrics.registered.WithLabelValues(string(v.Channel)).Inc()
	b, err := s.portalBase(r, "投诉已提交")
	if err != nil {
		return err
	}
	track := kioskURL(b.Kiosk, "/track", url.Values{"number": {v.Number}})
	vm := portalReceipt{portalBase: b, Number: v.Number, Code: v.QueryCode, KindLabel: v.KindLabel,
		ReceivedAt: v.ReceivedAt, DueDate: v.DueDate, Provisional: v.DueProvisional, Period: period(v.Deadline), Anonymous: in.Complainant.Anonymous,
		Evidence: len(pf.uploads), TrackLink: track, TrackPrint: siteURL(r) + "/track?number=" + url.QueryEscape(v.Number)}
	return s.render(w, r, http.StatusOK, "portal/receipt", vm)
}

// refuseSubmit shows the form again with err's field errors beside the fields.
func (s *Server) refuseSubmit(w http.ResponseWriter, r *http.Request, f *deskForm, err error, chosen int) error {
	var evidence, other []string
	fields := tousu.FieldsOf(err)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		msg := fields[k]
		switch {
		case k == "evidence" || strings.HasPrefix(k, "evidence."):
			evidence = append(evidence, msg)
		case slices.Contains(submitFields, k):
			f.Errors[k] = msg
		default:
			other = append(other, msg)
		}
	}
	f.Message = "提交的内容有误，请按提示修改"
	if len(other) > 0 {
		f.Message += "：" + strings.Join(other, "；")
	}
	if len(evidence) > 0 {
		f.Errors["evidence"] = evidence[0]
	}
	return s.renderSubmit(w, r, refusal(err), f, evidence, chosen)
}

// portalForm is a complaint form as read: its text fields and its files.
type portalForm struct {
	values   url.Values
	uploads  []app.Upload
	chosen   int  // how many files were sent
	tooLarge bool // the body passed maxPortalBody; values holds the fields read before
	// release gives back the admission to read evidence, once the files are stored or
	// dropped; it does nothing when none was taken.
	release func()
}

// evidenceWait is how long a submission waits for its turn to read evidence files.
const evidenceWait = 10 * time.Second

// readPortalForm reads the complaint form, a multipart body, part by part: text fields
// of bounded size, files up to one byte past the limit (so that the use case can say a
// file is too large), never more than one file past the allowed number. A body past
// maxPortalBody stops the reading but keeps the text fields read before it: the form
// puts its files last, so what was typed survives.
//
// Evidence files are read into memory only with an admission from gate, which bounds how
// many submissions hold files at once; a submission that waits longer than evidenceWait
// is refused with 429 (its files unread). A nil gate admits everyone.
func readPortalForm(w http.ResponseWriter, r *http.Request, gate chan struct{}) (*portalForm, error) {
	pf := &portalForm{values: url.Values{}, release: func() {}}
	r.Body = http.MaxBytesReader(w, r.Body, maxPortalBody)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" {
		// A form without files (a client that does not do multipart).
		r.Body = http.MaxBytesReader(w, r.Body, maxDeskForm)
		if err := r.ParseForm(); err != nil {
			return nil, &tousu.Error{Kind: tousu.KindMalformed, Message: "表单无效或内容过大", Err: err}
		}
		pf.values = r.PostForm
		return pf, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &tousu.Error{Kind: tousu.KindMalformed, Message: "表单无效，请重新填写提交", Err: err}
	}
	stop := func(err error) (*portalForm, error) {
		var big *http.MaxBytesError
		if errors.As(err, &big) {
			pf.tooLarge = true
			return pf, nil
		}
		return nil, &tousu.Error{Kind: tousu.KindMalformed, Message: "表单无效，请重新填写提交", Err: err}
	}
	for n := 0; ; n++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			return pf, nil
		}
		if err != nil {
			return stop(err)
		}
		if n >= maxPortalParts {
			return nil, &tousu.Error{Kind: tousu.KindMalformed, Message: "表单字段过多"}
		}
		name := p.FormName()
		if name == "evidence" && p.FileName() != "" && gate != nil && pf.chosen == 0 {
			timer := time.NewTimer(evidenceWait)
			select {
			case gate <- struct{}{}:
				timer.Stop()
				pf.release = sync.OnceFunc(func() { <-gate })
			case <-timer.C:
				return pf, &tousu.Error{Kind: tousu.KindRateLimited, RetryAfter: evidenceWait,
					Message: "提交的人较多，请稍后再试；也可以先不附材料提交"}
			case <-r.Context().Done():
				timer.Stop()
				return pf, r.Context().Err()
			}
		}
		if name == "evidence" {
			data, err := io.ReadAll(io.LimitReader(p, app.MaxUploadSize+1))
			if err != nil {
				return stop(err)
			}
			if p.FileName() == "" && len(data) == 0 {
				continue // the empty part of a file input left empty
			}
			pf.chosen++
			if len(pf.uploads) <= app.MaxUploads {
				pf.uploads = append(pf.uploads, app.Upload{Name: p.FileName(), Data: data})
			}
			if _, err := io.Copy(io.Discard, p); err != nil {
				return stop(err)
			}
			continue
		}
		if p.FileName() != "" {
			if _, err := io.Copy(io.Discard, p); err != nil {
				return stop(err)
			}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(p, maxPortalField+1))
		if err != nil {
			return stop(err)
		}
		if len(v) > maxPortalField {
			return nil, &tousu.Error{Kind: tousu.KindTooLarge, Message: "填写的内容过长"}
		}
		pf.values.Add(name, string(v))
	}
}

// portalRegistration reads the complaint form into the API's Register. An anonymous
// complaint keeps no identity, whatever was typed before the box was ticked: the
// complainant asked for anonymity, and storing a name they chose to withdraw would
// break that promise.
func portalRegistration(v url.Values, loc *time.Location) (tousu.Register, tousu.Problems) {
	p := tousu.Problems{}
	in := tousu.Register{
		Kind: tousu.Kind(v.Get("kind")),
		Complainant: tousu.Complainant{
			Name: v.Get("complainant.name"), Phone: v.Get("complainant.phone"), Email: v.Get("complainant.email"),
			Address: v.Get("complainant.address"), Anonymous: v.Get("complainant.anonymous") != "",
		},
		Target:     tousu.Target{Unit: v.Get("target.unit"), Description: v.Get("target.description")},
		Matter:     v.Get("matter"),
		Request:    v.Get("request"),
		Categories: v["categories"], IncidentPlace: v.Get("incident_place"),
		BusinessReceiptNo: v.Get("business_receipt_no"),
	}
	if in.Complainant.Anonymous {
		in.Complainant = tousu.Complainant{Anonymous: true}
	}
	var ok bool
	if in.IncidentAt, ok = parseLocal(v.Get("incident_at"), loc); !ok {
		p.Add("incident_at", "时间格式不正确，应为“年-月-日 时:分”")
	}
	return in, p
}
