package web

import (
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
)

// registerPage is the view model of /desk/complaints/new: registration at the counter,
// on the phone, from a letter or a comment box.
type registerPage struct {
	Common
	F *deskForm

	Kinds, Channels, Categories, Units []deskOption
	Staff                              []deskOptGroup
	// The limits of the evidence files, for the form's hint.
	MaxUploads, MaxUploadMB int
}

// receiptPage is the view model of the 受理回执, rendered once in answer to the
// registration: the query code exists only in that answer.
type receiptPage struct {
	Common
	C        *app.ComplaintView
	Receiver string // the 首诉责任人's name
	TrackURL string
	Period   string // the promised period, e.g. "15个工作日"
	Office   tousu.Unit
	// QR is the tracking link as a QR code (SVG); Reprint marks a receipt printed again,
	// which carries no query code.
	QR      template.HTML
	Reprint bool
	// Similar are the complaints the new one may repeat, for the clerk (not printed):
	// in the answer to the registration only.
	Similar []similarRow
}

// regFormPage is the view model of the printable 《投诉登记表》.
type regFormPage struct {
	Common
	C        *app.ComplaintView
	Receiver string
	Period   string
	Office   tousu.Unit
	Amended  []amendNote // the corrections (补正) since registration, oldest first
}

// amendNote is one correction as the registration form prints it.
type amendNote struct {
	At      time.Time
	By      string
	Details []eventDetail
}

// localLayout is how <input type="datetime-local"> sends a time.
const localLayout = "2006-01-02T15:04"

func (s *Server) registerForm(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := app.CanRegister(actor); err != nil {
		return err
	}
	f := newForm(url.Values{"kind": {string(tousu.KindComplaint)}, "channel": {string(tousu.ChannelVisit)},
		"received_at": {s.app.Now().Format(localLayout)}})
	return s.renderRegister(w, r, actor, http.StatusOK, f)
}

func (s *Server) renderRegister(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm) error {
	if f.Val("idem") == "" {
		// A fresh key per form: posting the same form twice (a reload of the receipt, a
		// double click) answers with the same complaint instead of registering another.
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		f.Values.Set("idem", hex.EncodeToString(b))
	}
	vm := registerPage{Common: s.deskView(r, actor, "登记投诉"), F: f,
		Kinds: deskOptions(tousu.Kinds), Channels: deskOptions(tousu.Channels),
		MaxUploads: app.MaxUploads, MaxUploadMB: app.MaxUploadSize >> 20}
	units, err := s.app.Units(r.Context())
	if err != nil {
		return err
	}
	cats, err := s.app.Categories(r.Context())
	if err != nil {
		return err
	}
	staff, err := s.app.Staff(r.Context(), "")
	if err != nil {
		return err
	}
	vm.Units, vm.Categories, vm.Staff = unitOptions(units), categoryOptions(cats, f.Values["categories"]...), staffOptGroups(units, staff)
	return s.render(w, r, code, "desk/register", vm)
}

func (s *Server) registerSubmit(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := app.CanRegister(actor); err != nil {
		return err
	}
	// The form is multipart, for the evidence files handed in at the counter; it is
	// read as the portal's is (bounded fields, bounded files).
	pf, err := readPortalForm(w, r, s.evidence)
	if pf != nil {
		defer pf.release()
	}
	if err != nil {
		return err
	}
	vals := pf.values
	f := newForm(vals)
	if pf.tooLarge {
		f.Errors["evidence"] = "证据材料过大：每个文件不超过" + strconv.Itoa(app.MaxUploadSize>>20) + "MB，最多" + strconv.Itoa(app.MaxUploads) + "个"
		f.Message = "提交的内容过大，请减少或压缩证据材料后重新提交"
		return s.renderRegister(w, r, actor, http.StatusRequestEntityTooLarge, f)
	}
	in, problems := registrationFrom(vals, s.app.Location())
	if len(problems) > 0 {
		// The times could not be read: say so, with whatever else the domain finds, and
		// register nothing.
		check := in
		check.Normalize()
		for k, v := range tousu.FieldsOf(check.Validate(s.app.Now())) {
			problems.Add(k, v)
		}
		f.refuse(problems.Err())
		return s.renderRegister(w, r, actor, http.StatusUnprocessableEntity, f)
	}
	var similar []app.Similar
	opts := app.RegisterOptions{Evidence: pf.uploads, Similar: &similar}
	if key := vals.Get("idem"); key != "" {
		opts.IdempotencyKey = "desk-" + clip(key, 64)
	}
	v, err := s.app.Register(r.Context(), actor, in, opts)
	if tousu.IsKind(err, tousu.KindConflict) && tousu.FieldsOf(err)["Idempotency-Key"] != "" {
		// This form was registered already and has been changed since (the back
		// button): a new key makes the next submit a new registration, deliberately.
		f.Values.Del("idem")
		f.Message = "这张登记表已经提交过，并已生成受理编号。如确需再登记一件投诉，请核对内容后再次提交。"
		return s.renderRegister(w, r, actor, http.StatusConflict, f)
	}
	if fields := tousu.FieldsOf(err); len(fields) > 0 {
		f.refuse(err)
		for k, v := range fields {
			// A problem of one file (evidence.2) shows at the file input.
			if strings.HasPrefix(k, "evidence.") && f.Errors["evidence"] == "" {
				f.Errors["evidence"] = v
			}
		}
		return s.renderRegister(w, r, actor, refusal(err), f)
	}
	if err != nil {
		return err
	}
	s.metrics.registered.WithLabelValues(string(v.Channel)).Inc()
	vm, err := s.receiptVM(r, actor, v) // desk_intake.go
	if err != nil {
		return err
	}
	if vm.Receiver == "" {
		vm.Receiver = actor.Name
	}
	vm.Flash = "已登记，受理编号 " + v.Number + "。请将回执交给投诉人，查询码只显示这一次。"
	vm.Similar = similarRows(similar) // repeats.go
	return s.render(w, r, http.StatusOK, "desk/receipt", vm)
}

// registrationFrom reads the registration form into the API's Register, so that the
// desk and the API register through the same use case. Times that cannot be read are
// problems here: an empty time means "now" to the use case, a wrong one must not.
func registrationFrom(v url.Values, loc *time.Location) (tousu.Register, tousu.Problems) {
	p := tousu.Problems{}
	in := tousu.Register{
		Kind: tousu.Kind(v.Get("kind")), Channel: tousu.Channel(v.Get("channel")),
		Complainant: tousu.Complainant{
			Name: v.Get("complainant.name"), Phone: v.Get("complainant.phone"), Email: v.Get("complainant.email"),
			IDNumber: v.Get("complainant.id_number"), Organization: v.Get("complainant.organization"),
			Address: v.Get("complainant.address"), Anonymous: v.Get("complainant.anonymous") != "",
		},
		Target:     tousu.Target{Unit: v.Get("target.unit"), Staff: v.Get("target.staff"), Description: v.Get("target.description")},
		Matter:     v.Get("matter"),
		Request:    v.Get("request"),
		Categories: v["categories"], IncidentPlace: v.Get("incident_place"),
		BusinessReceiptNo: v.Get("business_receipt_no"), Written: v.Get("written") != "",
	}
	var ok bool
	if in.ReceivedAt, ok = parseLocal(v.Get("received_at"), loc); !ok {
		p.Add("received_at", "时间格式不正确，应为“年-月-日 时:分”")
	}
	if in.IncidentAt, ok = parseLocal(v.Get("incident_at"), loc); !ok {
		p.Add("incident_at", "时间格式不正确，应为“年-月-日 时:分”")
	}
	if staff := strings.TrimSpace(v.Get("first_receiver.staff")); staff != "" {
		in.FirstReceiver = &tousu.FirstReceiver{Staff: staff, Unit: strings.TrimSpace(v.Get("first_receiver.unit"))}
	}
	if in.HandedOverAt, ok = parseLocal(v.Get("handed_over_at"), loc); !ok {
		p.Add("handed_over_at", "时间格式不正确，应为“年-月-日 时:分”")
	}
	return in, p
}

// parseLocal reads a local date and time as a form sends it; "" is no time at all.
func parseLocal(s string, loc *time.Location) (*time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	for _, layout := range []string{localLayout, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return &t, true
		}
	}
	return nil, false
}

// period says a deadline's period in words.
func period(d tousu.Deadline) string {
	switch {
	case d.Days == 0:
		return "当日"
	case d.Unit == tousu.CalendarDays:
		return strconv.Itoa(d.Days) + "日"
	}
	return strconv.Itoa(d.Days) + "个工作日"
}

// officeFor is the supervision office that answers for complaints owned by unit: the
// office nearest to it in the tree, else the unit itself, for the receipt's contact.
func (s *Server) officeFor(r *http.Request, unit string) (tousu.Unit, error) {
	units, err := s.app.Units(r.Context())
	if err != nil {
		return tousu.Unit{}, err
	}
	byCode := map[string]tousu.Unit{}
	for _, u := range units {
		byCode[u.Code] = u
	}
	for code := unit; code != ""; code = byCode[code].Parent {
		for _, u := range units {
			if u.Kind == tousu.UnitOffice && u.Parent == code {
				return u, nil
			}
		}
		if _, ok := byCode[code]; !ok {
			break
		}
	}
	for _, u := range units {
		if u.Kind == tousu.UnitOffice {
			return u, nil
		}
	}
	return byCode[unit], nil
}

// siteURL is this site's address as the browser reached it, for printed links.
func siteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) registrationSheet(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	number := r.PathValue("number")
	v, err := s.app.Get(r.Context(), actor, number)
	if err != nil {
		return err
	}
	evs, err := s.app.Events(r.Context(), actor, number)
	if err != nil {
		return err
	}
	vm := regFormPage{Common: s.deskView(r, actor, "投诉登记表 "+v.Number), C: v, Period: period(v.Deadline),
		Receiver: receiverName(v)}
	if vm.Receiver == "" && len(evs) > 0 && v.RegisteredBy != tousu.PublicActor.Login {
		vm.Receiver = evs[0].ActorName
	}
	for _, e := range evs {
		if e.Type == tousu.EventType(tousu.ActAmend) {
			vm.Amended = append(vm.Amended, amendNote{At: e.At, By: e.ActorName, Details: intakeDetails(e)})
		}
	}
	if vm.Office, err = s.officeFor(r, v.OwnerUnit); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "desk/regform", vm)
}
